import Foundation
import KringTestSupport
import Testing

/// `kring config set|get` through the real binary.
@Suite(.timeLimit(.minutes(10))) struct ConfigCommandTests {
    @Test func setAndGetValidatedSettingsAndRefuseBadOnesWithoutChange() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok(["config", "set", "organizer", "mailto:groepen@example.org"])
        try sandbox.ok(["config", "set", "organisation-name", "Kring Gent"])
        try sandbox.ok(["config", "set", "uid-domain", "Agenda.Example.net"])
        try sandbox.ok(["config", "set", "default-language", "fr"])
        try sandbox.ok(["config", "set", "retention-days", "400"])
        #expect(try sandbox.ok(["config", "get", "organizer"]).stdout == "groepen@example.org\n")
        #expect(try sandbox.ok(["config", "get", "uid-domain"]).stdout == "agenda.example.net\n")
        let all = try sandbox.ok(["config", "get", "--format", "json"]).array()
        let values = Dictionary(uniqueKeysWithValues: all.map { ($0["key"] as! String, $0["value"] as? String) })
        #expect(values["organisation-name"] == "Kring Gent")
        #expect(values["default-language"] == "fr")
        #expect(values["retention-days"] == "400")

        let before = try sandbox.dump()
        let refused: [(key: String, value: String)] = [
            ("organizer", "not-an-address"), ("organizer", "a@b"), ("uid-domain", "bad host"),
            ("default-language", "de"), ("retention-days", "29"), ("retention-days", "3651"),
            ("retention-days", "soon"), ("colour", "blue"), ("organisation-name", ""),
            // UIDs travel in every feed: their domain must not name the organisation (its mail domain or name).
            ("uid-domain", "kring.example.org"), ("uid-domain", "example.org"), ("uid-domain", "gent.example.net"),
            ("organizer", "groepen@agenda.example.net"), ("organisation-name", "Agenda Oost"),
        ]
        for (key, value) in refused {
            let run = try sandbox.run(["config", "set", key, value])
            #expect(run.status == 65, "\(key)=\(value)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(run.stderr)")
            #expect(run.stderr.contains(key == "colour" ? "key" : key))
            if key == "colour" {
                #expect(run.stderr.contains("'colour'"))
            } else if !value.isEmpty {
                #expect(run.stderr.contains(value))
            }
        }
        #expect(try sandbox.run(["config", "get", "colour"]).status == 65)
        #expect(try sandbox.dump() == before)
    }
}

/// The outbox and `kring invites list|export` through the real binary.
@Suite(.timeLimit(.minutes(10))) struct InviteExportTests {
    static let addresses = ["Stille Eik": "eik@example.org", "Blauwe Reiger": "reiger@example.org"]

    static func plannedWithContacts() throws -> (KringSandbox, [String]) {
        let sandbox = try CLITourTests.plannedGroup()
        for (name, address) in addresses.sorted(by: { $0.key > $1.key }) {
            try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--pseudonym", name, "--relation", "partner",
                "--contact", address,
            ])
        }
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Rode Vos", "--relation", "partner",
        ])
        let sessions = try sandbox.ok(["session", "list", "--group", "gent-partners", "--format", "json"]).array()
        return (sandbox, sessions.map { String($0["id"] as! Int) })
    }

    @Test func enrolMoveCancelWithdrawExportOneFilePerMessageOnce() throws {
        let (sandbox, ids) = try Self.plannedWithContacts()
        try sandbox.ok(["session", "move", ids[1], "--to", "2027-01-27T19:00"])
        try sandbox.ok(["session", "cancel", "--yes", ids[2]])
        try sandbox.ok(["participant", "withdraw", "--yes", "Stille Eik"])

        let pending = try sandbox.ok(["invites", "list", "--format", "json"]).array()
        // Blauwe Reiger: the request queued on enrolment (the move queues none behind it: it is rendered at export
        // and carries it) and the cancel of the occurrence. Stille Eik: only the cancel of the whole series, which
        // replaced their unsent request and occurrence cancel. Rode Vos has no contact and gets nothing.
        #expect(pending.count == 3)
        #expect(pending.filter { $0["participant"] as? String == "Stille Eik" }.count == 1)
        #expect(!pending.contains { $0["participant"] as? String == "Rode Vos" })

        let out = sandbox.folder.appendingPathComponent("outbox")
        let refused = try sandbox.run(["invites", "export", "--out", out.path])
        #expect(!refused.succeeded)
        #expect(refused.stderr.contains("organizer"))
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().count == 3)

        try sandbox.ok(["config", "set", "organizer", "groepen@example.org"])
        let exported = try sandbox.ok(["invites", "export", "--out", out.path, "--format", "json"]).object()
        // Only what is still true goes out: Blauwe Reiger's REQUEST, which leaves the cancelled session out (so no
        // CANCEL beside it); Stille Eik never received anything, so their CANCEL would be their first message.
        let files = exported["files"] as! [[String: Any]]
        #expect(files.count == 1)
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".ics") }
        #expect(written.count == 1)
        let exportedIds = Set(files.compactMap { $0["id"] as? Int })

        var paths: [String] = []
        for message in pending where exportedIds.contains(message["id"] as! Int) {
            let id = message["id"] as! Int
            let method = message["method"] as! String
            let name = "\(id)-\(method).ics"
            #expect(written.contains(name))
            let path = out.appendingPathComponent(name).path
            paths.append(path)
            let text = CalendarExportTests.unfolded(try String(contentsOfFile: path, encoding: .utf8))
            let who = message["participant"] as! String
            let address = Self.addresses[who]!
            let attendees = CalendarExportTests.lines(text, "ATTENDEE")
            let cancelsOccurrence = message["occurrence"] is String
            // A REQUEST carries the master and its override (the moved session): one ATTENDEE per VEVENT.
            #expect(!attendees.isEmpty)
            #expect(attendees.allSatisfy { $0.hasSuffix(":mailto:\(address)") })
            #expect(
                CalendarExportTests.lines(text, "ORGANIZER").allSatisfy { $0.hasSuffix(":mailto:groepen@example.org") })
            #expect(text.contains("\r\nMETHOD:\(method.uppercased())\r\n"))
            for (other, otherAddress) in Self.addresses where other != who { #expect(!text.contains(otherAddress)) }
            for pseudonym in ["Stille Eik", "Blauwe Reiger", "Rode Vos"] { #expect(!text.contains(pseudonym)) }
            #expect(!text.lowercased().contains("gent-partners"))
            if method == "cancel" {
                #expect(attendees.count == 1)
                if cancelsOccurrence {
                    #expect(text.contains("RECURRENCE-ID;TZID=Europe/Brussels:20270209T190000"))
                } else {
                    #expect(who == "Stille Eik")
                    #expect(!text.contains("RECURRENCE-ID"))
                }
            } else {
                let vevents = text.components(separatedBy: "BEGIN:VEVENT").count - 1
                #expect(attendees.count == vevents)
            }
        }
        // Blauwe Reiger got one REQUEST, queued on enrolment and rendered with the move.
        let requests = pending.filter {
            $0["method"] as? String == "request" && $0["participant"] as? String == "Blauwe Reiger"
        }
        #expect(requests.count == 1)

        // Nothing pending any more: a second export writes nothing.
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
        let again = sandbox.folder.appendingPathComponent("again")
        let second = try sandbox.ok(["invites", "export", "--out", again.path, "--format", "json"]).object()
        #expect((second["files"] as! [Any]).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: again.path)) ?? []).isEmpty)

        if let python = ProcessInfo.processInfo.environment["KRING_PYTHON"], !python.isEmpty {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("ical-checks/check_export.py").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script, "parse"] + paths
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = Pipe()
            try process.run()
            _ = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    @Test func groupCloseCancelsAndErasureDropsQueuedInvites() throws {
        let (sandbox, _) = try Self.plannedWithContacts()
        try sandbox.ok(["config", "set", "organizer", "groepen@example.org"])
        try sandbox.ok(["invites", "export", "--out", sandbox.folder.appendingPathComponent("first").path])
        try sandbox.ok(["participant", "withdraw", "--yes", "Stille Eik", "--erase"])
        // The withdrawal's CANCEL went with the participant (privacy rule 9).
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
        try sandbox.ok(["group", "start", "gent-partners"])
        try sandbox.ok(["group", "close", "--yes", "gent-partners"])
        let pending = try sandbox.ok(["invites", "list", "--format", "json"]).array()
        #expect(pending.count == 1)
        #expect(pending.first?["method"] as? String == "cancel")
        #expect(pending.first?["participant"] as? String == "Blauwe Reiger")
        let out = sandbox.folder.appendingPathComponent("close")
        try sandbox.ok(["invites", "export", "--out", out.path, "--group", "gent-partners"])
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".ics") }
        #expect(names.count == 1)
        let text = CalendarExportTests.unfolded(
            try String(contentsOfFile: out.appendingPathComponent(names[0]).path, encoding: .utf8))
        #expect(text.contains("STATUS:CANCELLED"))
        #expect(!text.contains("RECURRENCE-ID"))
        #expect(!text.contains("eik@example.org"))
    }
}
