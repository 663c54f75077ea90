import Foundation
import KringTestSupport
import Testing

/// Every feed kind and every invite file `kring invites export` writes, from a realistic database built through the
/// real CLI (three groups, series across both 2027 DST switches, contacts, facilitators assigned by `kring assign`, a
/// move, a cancellation, a withdrawal, a closed group), read by independent clients: Python `icalendar` parses each
/// file, `recurring-ical-events` and khal each expand every feed and request to exactly the sessions the database
/// holds, and Radicale stores each file as kring wrote it and returns it unchanged. Privacy is checked on the same
/// files. The files are found by listing what the export wrote, so new kinds of invite (facilitators') are covered
/// as soon as they exist.
@Suite(.serialized, .timeLimit(.minutes(10))) struct DatabaseExportRoundTripTests {
    static let python = ProcessInfo.processInfo.environment["KRING_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    static let checks = ReadmeTourTests.repositoryRoot.appendingPathComponent("Tests/ical-checks")

    /// Internal names and audiences: never in a calendar, except a word the coordinator also put in the group's
    /// public title or venue (Brugge, Gent), which the calendar shows on purpose.
    static let groups: [(name: String, audience: String, title: String?, venue: String?)] = [
        (name: "gent-ouders-intern", audience: "parents", title: nil, venue: "Gent"),
        // Long, with characters TEXT escapes and multi-byte ones, so every client reads kring's folding and escaping.
        (
            name: "brugge-partners-intern", audience: "partners",
            title: "Praatgroep Brugge, op donderdag; één keer per maand \\ à la carte 🙂 zaal B", venue: "Brugge"
        ),
        (name: "kortrijk-vrienden-intern", audience: "friends", title: nil, venue: nil),
    ]
    static let contacts = [
        "Stille Eik": "eik@example.org", "Blauwe Reiger": "reiger@example.org", "Groene Mus": "mus@example.org",
        "Paarse Kat": "kat@example.org",
    ]
    static let pseudonyms = ["Stille Eik", "Blauwe Reiger", "Rode Vos", "Groene Mus", "Paarse Kat"]
    static let facilitators = ["An Claes", "Bert Peeters", "Chris Janssens"]
    /// Facilitators' invite addresses; Chris Janssens has none and so gets no invites.
    static let facilitatorContacts = ["An Claes": "an@example.org", "Bert Peeters": "bert@example.org"]

    /// One exported file and who or what it is for.
    struct Export {
        enum Kind: Equatable {
            case groupFeed(String)
            case facilitatorFeed(String)
            case participantFeed(String)
            /// `recipient` is the participant's pseudonym, or nil for a facilitator, whose name is `facilitator`.
            case invite(method: String, recipient: String?, seriesId: Int, occurrence: String?, facilitator: String?)
        }

        let path: String
        let kind: Kind
        var isFeed: Bool { if case .invite = kind { false } else { true } }
    }

    /// The database and everything it exported.
    final class Scenario: @unchecked Sendable {
        let sandbox: KringSandbox
        let exports: [Export]
        /// Per group name: its sessions as `kring session list` shows them.
        let sessions: [String: [[String: Any]]]
        /// Per participant pseudonym: the groups they are enrolled in now.
        let enrolments: [String: Set<String>]
        /// Per facilitator: the groups they are assigned in.
        let assignments: [String: Set<String>]
        /// Per facilitator: the ids of the sessions they are assigned to.
        let assignedSessions: [String: Set<Int>]

        init(
            sandbox: KringSandbox, exports: [Export], sessions: [String: [[String: Any]]],
            enrolments: [String: Set<String>], assignments: [String: Set<String>], assignedSessions: [String: Set<Int>]
        ) {
            self.sandbox = sandbox
            self.exports = exports
            self.sessions = sessions
            self.enrolments = enrolments
            self.assignments = assignments
            self.assignedSessions = assignedSessions
        }
    }

    static let built = Result { try buildScenario() }

    static func buildScenario() throws -> Scenario {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok(["config", "set", "organizer", "groepen@example.org"])
        for (group, language) in zip(groups, ["nl", "fr", "en"]) {
            var arguments = [
                "group", "create", "--name", group.name, "--audience", group.audience, "--language", language,
                "--capacity", "6", "--minimum", "1",
            ]
            arguments += group.venue.map { ["--venue", $0] } ?? ["--online", "https://meet.example.org/kring"]
            arguments += group.title.map { ["--title", $0] } ?? []
            try sandbox.ok(arguments)
        }
        // Fortnightly from before the March switch to after the October one; four-weekly the same; a short series.
        try sandbox.ok([
            "series", "add", "--group", "gent-ouders-intern", "--start", "2027-03-16T19:00", "--duration", "120",
            "--rrule", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=20",
        ])
        try sandbox.ok([
            "series", "add", "--group", "brugge-partners-intern", "--start", "2027-02-04T10:00", "--duration", "90",
            "--rrule", "FREQ=WEEKLY;INTERVAL=4;BYDAY=TH;COUNT=12",
        ])
        try sandbox.ok([
            "series", "add", "--group", "kortrijk-vrienden-intern", "--start", "2027-03-01T20:00", "--duration", "60",
            "--rrule", "FREQ=WEEKLY;BYDAY=MO;COUNT=6",
        ])
        for group in groups { try sandbox.ok(["group", "open", group.name]) }
        let enrol: [(group: String, pseudonym: String, relation: String)] = [
            ("gent-ouders-intern", "Stille Eik", "parent"), ("gent-ouders-intern", "Blauwe Reiger", "parent"),
            ("gent-ouders-intern", "Rode Vos", "parent"), ("brugge-partners-intern", "Groene Mus", "partner"),
            ("kortrijk-vrienden-intern", "Paarse Kat", "friend"),
        ]
        for (group, pseudonym, relation) in enrol {
            var arguments = [
                "participant", "enrol", "--group", group, "--pseudonym", pseudonym, "--relation", relation,
            ]
            if let address = contacts[pseudonym] { arguments += ["--contact", address] }
            try sandbox.ok(arguments)
        }
        // Stille Eik is in two groups: their feed and invites hold both.
        try sandbox.ok([
            "participant", "enrol", "--group", "brugge-partners-intern", "--participant", "Stille Eik", "--relation",
            "partner",
        ])
        for name in facilitators {
            var arguments = ["facilitator", "add", "--name", name, "--languages", "nl,fr,en"]
            if name != "Chris Janssens" { arguments.append("--lead") }
            if let address = facilitatorContacts[name] { arguments += ["--contact", address] }
            try sandbox.ok(arguments)
        }
        try sandbox.ok(["assign", "--yes"])
        // The first invites go out before the changes, so the changes' CANCELs have something to cancel: a CANCEL to
        // someone who never received the series is dropped unsent (docs/mail.md).
        try sandbox.ok(["invites", "export", "--out", sandbox.folder.appendingPathComponent("outbox-first").path])

        func sessionId(_ group: String, startingWith prefix: String) throws -> String {
            let list = try sandbox.ok(["session", "list", "--group", group, "--format", "json"]).array()
            guard let session = list.first(where: { ($0["start"] as? String)?.hasPrefix(prefix) == true }) else {
                throw SandboxError("no session of \(group) starts \(prefix)")
            }
            return String(session["id"] as! Int)
        }
        // Moved just after the March switch; cancelled just after the October one; a Bruges session moved.
        try sandbox.ok([
            "session", "move", try sessionId("gent-ouders-intern", startingWith: "2027-03-30"), "--to",
            "2027-03-31T18:30",
        ])
        // Out before the cancellation, so the cancellation gets its own CANCEL (a pending REQUEST would cover it).
        try sandbox.ok(["invites", "export", "--out", sandbox.folder.appendingPathComponent("outbox-moved").path])
        try sandbox.ok(["session", "cancel", "--yes", try sessionId("gent-ouders-intern", startingWith: "2027-11-09")])
        try sandbox.ok([
            "session", "move", try sessionId("brugge-partners-intern", startingWith: "2027-04-01"), "--to",
            "2027-04-02T14:00",
        ])
        try sandbox.ok(["participant", "withdraw", "--yes", "Blauwe Reiger"])
        try sandbox.ok(["group", "start", "kortrijk-vrienden-intern"])
        try sandbox.ok(["group", "close", "--yes", "kortrijk-vrienden-intern"])

        var exports: [Export] = []
        let folder = sandbox.folder
        for group in groups {
            let path = folder.appendingPathComponent("group-\(group.name).ics").path
            try sandbox.ok(["calendar", "export", "--group", group.name, "--out", path])
            exports.append(Export(path: path, kind: .groupFeed(group.name)))
        }
        for name in facilitators {
            let path = folder.appendingPathComponent("facilitator-\(name).ics").path
            try sandbox.ok(["calendar", "export", "--facilitator", name, "--out", path])
            exports.append(Export(path: path, kind: .facilitatorFeed(name)))
        }
        for pseudonym in pseudonyms {
            let path = folder.appendingPathComponent("participant-\(pseudonym).ics").path
            try sandbox.ok(["calendar", "export", "--participant", pseudonym, "--out", path])
            exports.append(Export(path: path, kind: .participantFeed(pseudonym)))
        }

        let pending = try sandbox.ok(["invites", "list", "--format", "json"]).array()
        let outbox = folder.appendingPathComponent("outbox")
        let exported = try sandbox.ok(["invites", "export", "--out", outbox.path, "--format", "json"]).object()
        let reported = Set(((exported["files"] as? [[String: Any]]) ?? []).compactMap { $0["file"] as? String })
        let written = try FileManager.default.contentsOfDirectory(atPath: outbox.path).filter { $0.hasSuffix(".ics") }
            .sorted()
        guard !written.isEmpty, Set(written) == reported else {
            throw SandboxError("export wrote \(written), reported \(reported), \(pending.count) pending")
        }
        for name in written {
            guard let id = Int(name.prefix(while: \.isNumber)),
                let message = pending.first(where: { $0["id"] as? Int == id }),
                let method = message["method"] as? String, let seriesId = message["seriesId"] as? Int
            else {
                throw SandboxError("\(name) matches no pending message")
            }
            exports.append(
                Export(
                    path: outbox.appendingPathComponent(name).path,
                    kind: .invite(
                        method: method.uppercased(), recipient: message["participant"] as? String,
                        seriesId: seriesId, occurrence: message["occurrence"] as? String,
                        facilitator: message["facilitator"] as? String)))
        }

        var sessions: [String: [[String: Any]]] = [:]
        var enrolments: [String: Set<String>] = [:]
        for group in groups {
            sessions[group.name] = try sandbox.ok(["session", "list", "--group", group.name, "--format", "json"])
                .array()
            let roster = try sandbox.ok(["roster", "--group", group.name, "--format", "json"]).object()
            for entry in (roster["enrolled"] as? [[String: Any]]) ?? [] {
                enrolments[entry["pseudonym"] as! String, default: []].insert(group.name)
            }
        }
        var assignments: [String: Set<String>] = [:]
        var assignedSessions: [String: Set<Int>] = [:]
        for name in facilitators {
            let list = try sandbox.ok(["assignment", "list", "--facilitator", name, "--format", "json"]).array()
            assignments[name] = Set(list.compactMap { $0["group"] as? String })
            assignedSessions[name] = Set(list.compactMap { $0["sessionId"] as? Int })
        }
        return Scenario(
            sandbox: sandbox, exports: exports, sessions: sessions, enrolments: enrolments, assignments: assignments,
            assignedSessions: assignedSessions)
    }

    static func scenario() throws -> Scenario { try built.get() }

    static func text(_ export: Export) throws -> String {
        CalendarExportTests.unfolded(try String(contentsOfFile: export.path, encoding: .utf8))
    }

    // MARK: what the database says each file must show

    /// Sessions that take place (not cancelled) as "start|end" in local time (`YYYY-MM-DD HH:MM`) or in UTC.
    static func occurrences(_ sessions: [[String: Any]], utc: Bool) -> [String] {
        let parser = ISO8601DateFormatter()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(identifier: utc ? "UTC" : "Europe/Brussels")
        return sessions.filter { $0["status"] as? String != "cancelled" }.map { session in
            let start = parser.date(from: session["start"] as! String)!
            let end = parser.date(from: session["end"] as! String)!
            return formatter.string(from: start) + "|" + formatter.string(from: end)
        }.sorted()
    }

    static func expectedSessions(for export: Export, in scenario: Scenario) -> [[String: Any]]? {
        switch export.kind {
        case .groupFeed(let group):
            return scenario.sessions[group]
        case .participantFeed(let pseudonym):
            return scenario.enrolments[pseudonym, default: []].flatMap { scenario.sessions[$0] ?? [] }
        case .facilitatorFeed(let name):
            // Only the sessions they are assigned to, not the rest of their groups' series.
            let own = scenario.assignedSessions[name, default: []]
            return scenario.sessions.values.flatMap { $0 }.filter { own.contains($0["id"] as! Int) }
        case .invite(let method, _, let seriesId, _, let facilitator):
            guard method == "REQUEST" else { return nil }
            let series = scenario.sessions.values.flatMap { $0 }.filter { $0["seriesId"] as? Int == seriesId }
            guard let facilitator else { return series }
            let own = scenario.assignedSessions[facilitator, default: []]
            return series.filter { own.contains($0["id"] as! Int) }
        }
    }

    /// The groups whose sessions a file shows (for invites: the group of the invite's series).
    static func groupsShown(by export: Export, in scenario: Scenario) -> Set<String> {
        switch export.kind {
        case .groupFeed(let group): return [group]
        case .participantFeed(let pseudonym): return scenario.enrolments[pseudonym, default: []]
        case .facilitatorFeed(let name): return scenario.assignments[name, default: []]
        case .invite(_, _, let seriesId, _, _):
            return Set(
                scenario.sessions.filter { $0.value.contains { $0["seriesId"] as? Int == seriesId } }.map(\.key))
        }
    }

    /// Lower-cased words (letters and digits) of a text.
    static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
    }

    /// `check_export.py expand-each` over two years that hold both 2027 DST switches (and 2028's).
    static let expansionWindow = (start: "2026-12-01T00:00:00Z", end: "2028-12-01T00:00:00Z")

    // MARK: the tests

    @Test func theScenarioExportsEveryKindIncludingBothInviteMethods() throws {
        let scenario = try Self.scenario()
        let invites = scenario.exports.filter { !$0.isFeed }
        #expect(
            scenario.exports.count - invites.count == Self.groups.count + Self.facilitators.count
                + Self.pseudonyms.count)
        let methods = Set(
            invites.compactMap { if case .invite(let method, _, _, _, _) = $0.kind { method } else { nil } })
        #expect(methods == ["REQUEST", "CANCEL"])
        // A cancelled occurrence, a withdrawal and a closed group each produced a CANCEL.
        #expect(invites.contains { if case .invite("CANCEL", _, _, .some, _) = $0.kind { true } else { false } })
        #expect(
            invites.contains {
                if case .invite("CANCEL", "Blauwe Reiger", _, nil, nil) = $0.kind { true } else { false }
            })
        #expect(
            invites.contains { if case .invite("CANCEL", "Paarse Kat", _, nil, nil) = $0.kind { true } else { false } })
        #expect(scenario.enrolments["Stille Eik"] == ["gent-ouders-intern", "brugge-partners-intern"])
        #expect(scenario.assignments.values.allSatisfy { !$0.isEmpty })
        // Facilitators with an address got their own invites; the one without an address got none.
        let facilitatorRecipients = Set(
            invites.compactMap { if case .invite(_, _, _, _, let facilitator) = $0.kind { facilitator } else { nil } })
        #expect(facilitatorRecipients == Set(Self.facilitatorContacts.keys))
    }

    @Test func everyFileKeepsPrivacy() throws {
        let scenario = try Self.scenario()
        for export in scenario.exports {
            let text = try Self.text(export)
            let lower = text.lowercased()
            let name = (export.path as NSString).lastPathComponent
            for group in Self.groups {
                #expect(!lower.contains(group.name), "\(name) names \(group.name)")
                #expect(!lower.contains(group.audience), "\(name) names the audience \(group.audience)")
            }
            #expect(!lower.contains("intern"), "\(name)")
            // Each word of an internal name, unless the public title or venue of a group this file shows has it.
            let shown = Self.groupsShown(by: export, in: scenario)
            let publicWords = Self.groups.filter { shown.contains($0.name) }.reduce(into: Set<String>()) {
                $0.formUnion(Self.words(($1.title ?? "") + " " + ($1.venue ?? "")))
            }
            for group in Self.groups {
                for word in group.name.split(separator: "-").map(String.init) where !publicWords.contains(word) {
                    #expect(!lower.contains(word), "\(name) holds \"\(word)\" of the internal name \(group.name)")
                }
            }
            let own: String?
            switch export.kind {
            case .participantFeed(let pseudonym): own = pseudonym
            case .invite(_, let recipient, _, _, _): own = recipient
            default: own = nil
            }
            for pseudonym in Self.pseudonyms where pseudonym != own {
                #expect(!text.contains(pseudonym), "\(name) holds \(pseudonym)")
            }
            for (pseudonym, address) in Self.contacts where pseudonym != own {
                #expect(!text.contains(address), "\(name) holds \(pseudonym)'s address")
            }
            let ownFacilitator: String?
            switch export.kind {
            case .facilitatorFeed(let facilitator): ownFacilitator = facilitator
            case .invite(_, _, _, _, let facilitator): ownFacilitator = facilitator
            default: ownFacilitator = nil
            }
            for (facilitator, address) in Self.facilitatorContacts where facilitator != ownFacilitator {
                #expect(!text.contains(address), "\(name) holds \(facilitator)'s address")
            }
            for facilitator in Self.facilitators {
                #expect(!text.contains(facilitator), "\(name) names the facilitator \(facilitator)")
            }
            let attendees = CalendarExportTests.lines(text, "ATTENDEE")
            if export.isFeed {
                #expect(attendees.isEmpty, "\(name)")
            } else {
                let events = text.components(separatedBy: "BEGIN:VEVENT").count - 1
                #expect(events >= 1 && attendees.count == events, "\(name): one ATTENDEE per VEVENT")
                #expect(Set(attendees).count == 1, "\(name): one recipient")
                if let address = own.flatMap({ Self.contacts[$0] })
                    ?? ownFacilitator.flatMap({ Self.facilitatorContacts[$0] })
                {
                    #expect(attendees.allSatisfy { $0.hasSuffix(":mailto:\(address)") }, "\(name)")
                }
            }
        }
        // The public title is shown where it was set.
        let brugge = try #require(scenario.exports.first { $0.kind == .groupFeed("brugge-partners-intern") })
        #expect(try Self.text(brugge).contains("SUMMARY:Praatgroep Brugge\\, op donderdag\\; één keer"))
        #expect(try String(contentsOfFile: brugge.path, encoding: .utf8).contains("\r\n "), "a folded line")
    }

    @Test(.enabled(if: python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"))
    func pythonIcalendarParsesEveryFile() throws {
        let scenario = try Self.scenario()
        let paths = scenario.exports.map(\.path)
        let checked = try CalendarExportTests.checkExport(paths)
        #expect(checked.status == 0, "check_export.py found parse errors or warnings")
        #expect(checked.files.count == paths.count)
        var emptyFeeds = 0
        for export in scenario.exports {
            let name = (export.path as NSString).lastPathComponent
            let file = try #require(checked.files[export.path], "\(name)")
            #expect(file["errors"] as? [String] == [], "\(name): \(file["errors"] ?? "")")
            #expect(file["warnings"] as? [String] == [], "\(name): \(file["warnings"] ?? "")")
            // Every file, the empty feed included, holds at least one component (RFC 5545 3.6) and its VTIMEZONE.
            #expect(file["timezones"] as? [String] == ["Europe/Brussels"], "\(name)")
            let events = (file["events"] as? [Any]) ?? []
            #expect(
                (file["components"] as? [String]) == ["VTIMEZONE"] + Array(repeating: "VEVENT", count: events.count))
            if let sessions = Self.expectedSessions(for: export, in: scenario) {
                #expect(events.isEmpty == sessions.isEmpty, "\(name): events only where the database has sessions")
                if sessions.isEmpty { emptyFeeds += 1 }
            } else {
                #expect(!events.isEmpty, "\(name)")
            }
            if case .invite(let method, _, _, _, _) = export.kind {
                #expect(file["method"] as? String == method, "\(name)")
            } else {
                #expect(file["method"] as? String == "", "\(name): feeds carry no METHOD")
                let calendarName = file["name"] as? String
                #expect(calendarName?.isEmpty == false && file["x_wr_calname"] as? String == calendarName, "\(name)")
            }
        }
        #expect(emptyFeeds >= 1, "the withdrawn participant's feed is empty and must still parse")
    }

    @Test(.enabled(if: python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"))
    func recurringIcalEventsExpandsEveryFeedToTheDatabaseSessions() throws {
        let scenario = try Self.scenario()
        // Every feed (group, facilitator, participant) and every REQUEST: the files that show sessions.
        let expanded = scenario.exports.filter { Self.expectedSessions(for: $0, in: scenario) != nil }
        #expect(expanded.filter(\.isFeed).count == scenario.exports.filter(\.isFeed).count)
        let data = try CalendarAgreementTests.runPython(
            [
                Self.checks.appendingPathComponent("check_export.py").path, "expand-each", Self.expansionWindow.start,
                Self.expansionWindow.end,
            ] + expanded.map(\.path))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        var listed = 0
        for export in expanded {
            let name = (export.path as NSString).lastPathComponent
            let occurrences = try #require(json[export.path]?["occurrences"] as? [[String: Any]], "\(name)")
            let sessions = Self.expectedSessions(for: export, in: scenario)!
            let local = occurrences.compactMap { $0["local"] as? String }.sorted()
            let utc = occurrences.compactMap { $0["utc"] as? String }.sorted()
            #expect(local == Self.occurrences(sessions, utc: false), "\(name) local times")
            #expect(utc == Self.occurrences(sessions, utc: true), "\(name) UTC times")
            #expect(occurrences.allSatisfy { $0["local_tzid"] as? String == "Europe/Brussels" }, "\(name)")
            listed += occurrences.count
        }
        #expect(listed > 100)
        // The moved session just after the March switch and both sides of October, in UTC, in the Ghent feed.
        let gent = try #require(scenario.exports.first { $0.kind == .groupFeed("gent-ouders-intern") })
        let utc = ((json[gent.path]?["occurrences"] as? [[String: Any]]) ?? []).compactMap { $0["utc"] as? String }
        #expect(utc.contains("2027-03-16 18:00|2027-03-16 20:00"))
        #expect(utc.contains("2027-03-31 16:30|2027-03-31 18:30"))
        #expect(!utc.contains { $0.hasPrefix("2027-03-30") }, "moved away")
        #expect(utc.contains("2027-10-26 17:00|2027-10-26 19:00"))
        #expect(!utc.contains { $0.hasPrefix("2027-11-09") }, "cancelled")
        #expect(utc.contains("2027-11-23 18:00|2027-11-23 20:00"))
    }

    /// A JSON value as canonical text, to compare what was sent with what came back.
    static func canonical(_ value: Any?) -> String {
        guard let value, JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])
        else { return "\(value ?? "nil")" }
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"))
    func radicaleStoresEveryFileAsWrittenAndReturnsItEqual() throws {
        let scenario = try Self.scenario()
        let storage = scenario.sandbox.folder.appendingPathComponent("radicale")
        let port = String(
            decoding: try CalendarAgreementTests.runPython([Self.checks.appendingPathComponent("free_port.py").path]),
            as: UTF8.self
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.python!)
        server.arguments = [
            "-m", "radicale", "--config", "", "--storage-filesystem-folder", storage.path, "--server-hosts",
            "127.0.0.1:\(port)", "--auth-type", "none", "--logging-level", "warning",
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // Processes started from the test runner ignore SIGTERM (inherited signal mask), so stop it for sure.
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        // radicale_roundtrip.py splits each file textually into one object per UID of kring's own lines, without
        // METHOD (CalDAV objects carry no iTIP METHOD, RFC 4791 4.1), and describes what it sent and what came back.
        let paths = scenario.exports.map(\.path)
        let data = try CalendarAgreementTests.runPython(
            [Self.checks.appendingPathComponent("radicale_roundtrip.py").path, "http://127.0.0.1:\(port)/"] + paths)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((json["mkcalendar"] as? [Int])?.allSatisfy { $0 == 201 } == true)
        let files = try #require(json["files"] as? [String: [String: [String: Any]]])
        let originals = try #require(json["originals"] as? [String: [[String: Any]]])
        let covered = try #require(json["covered"] as? [String: Bool])
        var objects = 0
        var sentEvents: [(export: Export, event: [String: Any])] = []
        for export in scenario.exports {
            let name = (export.path as NSString).lastPathComponent
            let stored = try #require(files[export.path], "\(name)")
            let original = try #require(originals[export.path], "\(name)")
            let uids = Set(original.map { $0["uid"] as! String })
            // A file without events (the withdrawn participant's feed) is stored as one object too: "".
            #expect(Set(stored.keys) == (uids.isEmpty ? [""] : uids), "\(name): one object per UID")
            #expect(covered[export.path] == true, "\(name): every line but METHOD was sent")
            for (uid, object) in stored {
                objects += 1
                #expect(object["put"] as? Int == 201, "\(name) \(uid): \(object["put_error"] ?? "")")
                #expect(object["get"] as? Int == 200, "\(name) \(uid)")
                #expect(object["verbatim"] as? Bool == true, "\(name) \(uid): sent kring's own lines")
                #expect(object["method_in_object"] as? Bool == false, "\(name) \(uid)")
                let returned = (object["events"] as? [[String: Any]]) ?? []
                let sent = (object["sent"] as? [[String: Any]]) ?? []
                #expect(sent.count == original.filter { $0["uid"] as? String == uid }.count, "\(name) \(uid)")
                #expect(
                    returned.map(Self.canonical).sorted() == sent.map(Self.canonical).sorted(),
                    "\(name) \(uid) came back changed")
                // Every property of every component, calendar properties and VTIMEZONEs included.
                let componentsSent = (object["components_sent"] as? [Any]) ?? []
                #expect(componentsSent.count >= 2, "\(name) \(uid): the calendar and at least one component")
                #expect(
                    Self.canonical(object["components_returned"]) == Self.canonical(componentsSent),
                    "\(name) \(uid): a component came back changed")
                sentEvents += sent.map { (export, $0) }
            }
        }
        #expect(objects >= scenario.exports.count)
        // The comparison covers the fields clients show: they are present in what was sent.
        for (export, event) in sentEvents {
            let name = (export.path as NSString).lastPathComponent
            #expect(event["dtend"] is String || event["duration"] is String, "\(name)")
            #expect(event["summary"] is String && event["class"] is String && event["transp"] is String, "\(name)")
            if export.isFeed {
                #expect(event["status"] is String, "\(name)")
                #expect((event["attendees"] as? [String])?.isEmpty == true && event["organizer"] is NSNull, "\(name)")
            } else {
                #expect((event["attendees"] as? [String])?.count == 1 && event["organizer"] is String, "\(name)")
            }
        }
        #expect(sentEvents.contains { $0.event["location"] is String })
        // DESCRIPTION and URL are compared too, but nothing the CLI stores puts them in a calendar today.
        #expect(sentEvents.allSatisfy { $0.event.keys.contains("description") && $0.event.keys.contains("url") })
        #expect(sentEvents.contains { $0.event["status"] as? String == "CANCELLED" })
    }

    @Test(.enabled(if: python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"))
    func khalShowsTheDatabaseSessionsAtTheirLocalAndUniversalTimes() throws {
        let scenario = try Self.scenario()
        let work = scenario.sandbox.folder.appendingPathComponent("khal")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let paths = scenario.exports.map(\.path)
        let data = try CalendarAgreementTests.runPython(
            [Self.checks.appendingPathComponent("khal_check.py").path, work.path] + paths)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        var listed = 0
        for export in scenario.exports {
            let name = (export.path as NSString).lastPathComponent
            let result = try #require(json[export.path], "\(name)")
            #expect(result["error"] == nil, "\(name): \(result["error"] ?? "")")
            let text = try Self.text(export)
            let uids = Set(CalendarExportTests.lines(text, "UID"))
            #expect(result["printics_count"] as? Int == uids.count, "\(name)")
            if let sessions = Self.expectedSessions(for: export, in: scenario) {
                #expect(result["local"] as? [String] == Self.occurrences(sessions, utc: false), "\(name) local times")
                #expect(result["utc"] as? [String] == Self.occurrences(sessions, utc: true), "\(name) UTC times")
                listed += (result["local"] as? [String])?.count ?? 0
            } else if case .invite(_, _, let seriesId, let occurrence, _) = export.kind {
                // A CANCEL: khal shows the cancelled occurrence, or the series' first session.
                let printed = (result["printics"] as? [String]) ?? []
                let series = scenario.sessions.values.flatMap { $0 }.filter { $0["seriesId"] as? Int == seriesId }
                let first = series.compactMap { ($0["originalStart"] ?? $0["start"]) as? String }.min() ?? ""
                let expected =
                    occurrence.map { $0.replacingOccurrences(of: "T", with: " ") }
                    ?? String(first.prefix(16)).replacingOccurrences(of: "T", with: " ")
                #expect(printed.count == 1 && printed[0].hasPrefix(expected + "|"), "\(name): \(printed)")
            }
        }
        #expect(listed > 100)
        // After the March switch 19:00 in Ghent is 17:00 UTC; after the October one, 18:00 UTC.
        let gent = try #require(json[scenario.exports.first { $0.kind == .groupFeed("gent-ouders-intern") }!.path])
        let utc = (gent["utc"] as? [String]) ?? []
        #expect(utc.contains("2027-03-16 18:00|2027-03-16 20:00"))
        #expect(utc.contains("2027-03-31 16:30|2027-03-31 18:30"))
        #expect(utc.contains("2027-04-13 17:00|2027-04-13 19:00"))
        #expect(utc.contains("2027-11-23 18:00|2027-11-23 20:00"))
        #expect(!utc.contains { $0.hasPrefix("2027-11-09") })
    }
}
