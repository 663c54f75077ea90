import Foundation
import KringTestSupport
import Testing

/// `kring calendar export` and `kring facilitator busy` through the real binary.
@Suite(.timeLimit(.minutes(10))) struct CalendarExportTests {
    /// The text with RFC 5545 folding undone, so a value split over two lines is still found.
    static func unfolded(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\r\n\t", with: "")
    }

    static func lines(_ text: String, _ prefix: String) -> [String] {
        unfolded(text).components(separatedBy: "\r\n").filter { $0.hasPrefix(prefix) }
    }

    static func sequences(_ text: String) -> [Int] {
        lines(text, "SEQUENCE:").compactMap { Int($0.dropFirst("SEQUENCE:".count)) }
    }

    func export(_ sandbox: KringSandbox, _ who: [String], _ name: String) throws -> (path: String, text: String) {
        let path = sandbox.folder.appendingPathComponent(name).path
        try sandbox.ok(["calendar", "export"] + who + ["--out", path])
        return (path, try String(contentsOfFile: path, encoding: .utf8))
    }

    @Test func participantFeedAfterMoveAndCancelIsPrivateStableAndBumped() throws {
        let sandbox = try CLITourTests.plannedGroup()
        for name in ["Stille Eik", "Blauwe Reiger"] {
            try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--pseudonym", name, "--relation", "partner",
            ])
        }
        let sessions = try sandbox.ok(["session", "list", "--group", "gent-partners", "--format", "json"]).array()
        let ids = sessions.map { String($0["id"] as! Int) }
        // The second session (2027-01-26 19:00) moves a day later; the third (2027-02-09) is cancelled.
        try sandbox.ok(["session", "move", ids[1], "--to", "2027-01-27T19:00"])
        try sandbox.ok(["session", "cancel", "--yes", ids[2]])

        let first = try export(sandbox, ["--participant", "Stille Eik"], "first.ics")
        let text = Self.unfolded(first.text)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(!text.contains("\r\nMETHOD:"), "a feed has no ORGANIZER, so no METHOD (RFC 5546 3.2.1)")
        #expect(!text.contains("ATTENDEE"))
        #expect(text.contains("TZID:Europe/Brussels"))
        #expect(text.contains("DTSTART;TZID=Europe/Brussels:20270112T190000"))
        let rules = Self.lines(text, "RRULE:FREQ=WEEKLY")  // the VTIMEZONE's rules are YEARLY
        #expect(rules.count == 1)
        #expect(rules.allSatisfy { $0.contains("INTERVAL=2") && $0.contains("BYDAY=TU") && $0.contains("COUNT=10") })
        let exdates = Self.lines(text, "EXDATE")
        #expect(exdates.contains { $0.contains("20270209T190000") })
        #expect(!exdates.contains { $0.contains("20270126T190000") })
        #expect(text.contains("RECURRENCE-ID;TZID=Europe/Brussels:20270126T190000"))
        #expect(text.contains("DTSTART;TZID=Europe/Brussels:20270127T190000"))
        #expect(Self.lines(text, "UID:").count == 2)
        #expect(Set(Self.lines(text, "UID:")).count == 1)
        #expect(!text.contains("Blauwe Reiger"))
        #expect(!text.contains("Stille Eik"))
        #expect(!text.lowercased().contains("gent-partners"))
        #expect(!text.lowercased().contains("partner"))
        #expect(text.contains("SUMMARY:Gespreksgroep"))
        #expect(text.contains("LOCATION:Gent"))
        let sequence = try #require(Self.sequences(text).first)
        #expect(sequence >= 1)
        #expect(Set(Self.sequences(text)) == [sequence])

        // Nothing changed: the same UID and SEQUENCE.
        let again = try export(sandbox, ["--participant", "Stille Eik"], "again.ics")
        #expect(Self.lines(again.text, "UID:") == Self.lines(first.text, "UID:"))
        #expect(Self.sequences(again.text) == Self.sequences(first.text))

        // Another session moves: SEQUENCE goes up on master and overrides, the UID stays.
        try sandbox.ok(["session", "move", ids[3], "--to", "2027-02-24T19:30"])
        let later = try export(sandbox, ["--participant", "Stille Eik"], "later.ics")
        let laterSequences = Self.sequences(later.text)
        #expect(laterSequences.count == 3)
        #expect(laterSequences.allSatisfy { $0 > sequence })
        #expect(Set(Self.lines(later.text, "UID:")) == Set(Self.lines(first.text, "UID:")))
        #expect(Self.unfolded(later.text).contains("RECURRENCE-ID;TZID=Europe/Brussels:20270223T190000"))

        // stdout is the default and carries the same calendar.
        let stdout = try sandbox.ok(["calendar", "export", "--participant", "Stille Eik"]).stdout
        #expect(stdout == later.text)

        guard CalendarAgreementTests.python?.isEmpty == false else { return }
        // icalendar reads both exports as kring wrote them: no error or warning, and the series as the CLI made it.
        let checked = try Self.checkExport([first.path, later.path])
        #expect(checked.status == 0)
        for (path, events) in [(first.path, 2), (later.path, 3)] {
            let file = try #require(checked.files[path])
            #expect(file["errors"] as? [String] == [], "\(file["errors"] ?? "")")
            #expect(file["warnings"] as? [String] == [], "\(file["warnings"] ?? "")")
            #expect(file["method"] as? String == "")
            #expect(file["timezones"] as? [String] == ["Europe/Brussels"])
            let parsed = try #require(file["events"] as? [[String: Any]])
            #expect(parsed.count == events, "master and one override per moved session")
            #expect(parsed.allSatisfy { ($0["dtstart"] as? [String: Any])?["tzid"] as? String == "Europe/Brussels" })
            #expect(parsed.allSatisfy { ($0["attendees"] as? [String])?.isEmpty == true })
            let master = try #require(parsed.first { $0["recurrence_id"] is NSNull })
            let exdates = ((master["exdates"] as? [[String: Any]]) ?? []).compactMap { $0["local"] as? String }
            #expect(exdates == ["20270209T190000"])
            let overrides = parsed.compactMap { ($0["recurrence_id"] as? [String: Any])?["local"] as? String }
            #expect(overrides.contains("20270126T190000"))
        }
        // The same check on a copy with a broken DTSTART must fail, or its exit status above proves nothing.
        let broken = sandbox.folder.appendingPathComponent("broken.ics").path
        try first.text.replacingOccurrences(
            of: "DTSTART;TZID=Europe/Brussels:20270112T190000", with: "DTSTART;TZID=Europe/Brussels:2027011X190000"
        ).write(toFile: broken, atomically: true, encoding: .utf8)
        let refused = try Self.checkExport([broken])
        #expect(refused.status == 1)
        let errors = (refused.files[broken]?["errors"] as? [String]) ?? []
        #expect(errors.contains { $0.contains("DTSTART") }, "\(errors)")
    }

    /// `check_export.py parse` over these files: its exit status (1 on any parse error or warning) and its JSON.
    static func checkExport(_ paths: [String]) throws -> (status: Int32, files: [String: [String: Any]]) {
        let outcome = try ProcessRunner.run(
            URL(fileURLWithPath: CalendarAgreementTests.python!),
            [CalendarAgreementTests.checks.appendingPathComponent("check_export.py").path, "parse"] + paths)
        let files = try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: [String: Any]]
        return (outcome.status, files ?? [:])
    }

    @Test func groupAndFacilitatorFeedsAndExactlyOneScope() throws {
        let sandbox = try CLITourTests.plannedGroup()
        let group = try export(sandbox, ["--group", "gent-partners"], "group.ics")
        #expect(!group.text.contains("METHOD:"))
        #expect(Self.lines(group.text, "RRULE:FREQ=WEEKLY").count == 1)
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl"])
        let facilitator = try export(sandbox, ["--facilitator", "An Claes"], "facilitator.ics")
        #expect(Self.lines(facilitator.text, "BEGIN:VEVENT").isEmpty)
        let none = try sandbox.run(["calendar", "export"])
        #expect(none.status != 0)
        let two = try sandbox.run(["calendar", "export", "--group", "1", "--participant", "x"])
        #expect(two.status != 0)
        let unknown = try sandbox.run(["calendar", "export", "--participant", "Niemand"])
        #expect(unknown.status == 66)
    }

    @Test func busyImportStoresIntervalsAndRefusesAMalformedFileWithoutChanges() throws {
        let sandbox = try CLITourTests.plannedGroup()
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl"])
        let good = sandbox.folder.appendingPathComponent("an.ics").path
        try PrivateCalendarFile.text(start: "20270113T090000", end: "20270113T170000", weeks: 4)
            .write(toFile: good, atomically: true, encoding: .utf8)
        let view = try sandbox.ok([
            "facilitator", "busy", "An Claes", "--ics", good, "--from", "2027-01-01", "--to", "2027-06-30",
            "--format", "json",
        ]).object()
        #expect(view["intervals"] as? Int == 4)
        let dump = try sandbox.dump()
        #expect(!dump.contains("dentist"))

        let bad = sandbox.folder.appendingPathComponent("bad.ics").path
        try "<html><body>not a calendar</body></html>\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try sandbox.run(["facilitator", "busy", "An Claes", "--ics", bad])
        #expect(refused.status == 65)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("ics"))
        #expect(refused.stderr.contains(bad))
        #expect(try sandbox.dump() == dump)

        let missing = try sandbox.run(["facilitator", "busy", "An Claes", "--ics", bad + ".nope"])
        #expect(missing.status == 65)
        #expect(try sandbox.dump() == dump)

        // Default window: the next 12 months from KRING_NOW (2026-12-01) still holds the January events.
        let defaults = try sandbox.ok(["facilitator", "busy", "An Claes", "--ics", good, "--format", "json"]).object()
        #expect(defaults["intervals"] as? Int == 4)
        #expect(defaults["from"] as? String == "2026-12-01")
        #expect(defaults["to"] as? String == "2027-11-30")
    }
}
