import Foundation
import KringTestSupport
import Testing

/// Issue 14: "a series cannot be listed, changed or removed; one session cannot get another venue when the room is
/// closed". Changes reach only sessions still to come, calendars and invites follow, and independent parsers read
/// the result as the database holds it.
@Suite(.timeLimit(.minutes(10))) struct SeriesChangeTests {
    /// Two series of one group; the first session of the first has been held when the changes are made.
    static func sandbox() throws -> KringSandbox {
        let sandbox = try KringSandbox()
        sandbox.now = "2027-01-01T10:00:00Z"
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "avond", "--audience", "partners", "--language", "nl", "--capacity", "4",
            "--venue", "Zaal 1",
        ])
        try sandbox.ok([
            "series", "add", "--group", "avond", "--start", "2027-01-12T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;COUNT=4",
        ])
        try sandbox.ok([
            "series", "add", "--group", "avond", "--start", "2027-03-02T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;COUNT=3",
        ])
        try sandbox.ok(["group", "open", "avond"])
        try sandbox.ok([
            "participant", "enrol", "--group", "avond", "--pseudonym", "Stille Eik", "--relation", "partner",
            "--contact", "eik@example.org",
        ])
        try sandbox.ok([
            "facilitator", "add", "--name", "An Claes", "--languages", "nl", "--lead", "--contact", "an@example.org",
        ])
        try sandbox.ok(["assignment", "set", "1", "--facilitator", "An Claes", "--lead"])
        try sandbox.ok(["assignment", "set", "3", "--facilitator", "An Claes", "--lead"])
        sandbox.now = "2027-01-13T10:00:00Z"
        try sandbox.ok(["attendance", "mark", "--session", "1", "--participant", "Stille Eik", "--status", "present"])
        return sandbox
    }

    @Test func seriesAreListedChangedFromNowOnAndRemovedKeepingWhatWasHeld() throws {
        let sandbox = try Self.sandbox()
        let listed = try sandbox.ok(["series", "list", "--format", "json"]).array()
        #expect(listed.map { $0["upcoming"] as? Int } == [3, 3])
        let first = try sandbox.ok(["session", "list", "--format", "json"]).array()[0]

        let changed = try sandbox.ok([
            "series", "update", "1", "--time", "19:30", "--duration", "90", "--format", "json",
        ])
        .object()
        let sessions = try #require(changed["changed"] as? [[String: Any]])
        #expect(sessions.map { $0["id"] as? Int } == [2, 3, 4])
        #expect(sessions.allSatisfy { ($0["start"] as? String)?.contains("T19:30:00") == true })
        #expect(sessions.allSatisfy { ($0["end"] as? String)?.contains("T21:00:00") == true })
        // The session held keeps its time and its attendance.
        let after = try sandbox.ok(["session", "list", "--format", "json"]).array()
        #expect(after[0]["start"] as? String == first["start"] as? String)
        let roster = try sandbox.ok(["roster", "--group", "avond", "--format", "json"]).object()
        let member = try #require((roster["enrolled"] as? [[String: Any]])?.first)
        #expect(member["present"] as? Int == 1)

        // Bad input names the field and the value and changes nothing.
        try sandbox.expectRefused(["series", "update", "1", "--time", "25:00"], mentioning: ["time", "25:00"])
        try sandbox.expectRefused(["series", "update", "1", "--duration", "5"], mentioning: ["duration", "5"])
        try sandbox.expectRefused(["series", "update", "1", "--duration", "90"], mentioning: ["duration", "90"])
        try sandbox.expectRefused(["series", "update", "1"], mentioning: ["update", "1"])
        try sandbox.expectRefused(["series", "update", "9", "--time", "19:00"], mentioning: ["series", "9"])
        try sandbox.expectRefused(["series", "update", "x", "--time", "19:00"], mentioning: ["series", "x"])
        try sandbox.expectRefused(["series", "remove", "1"], mentioning: ["--yes"])

        let before = try sandbox.dump()
        let preview = try sandbox.ok(["series", "remove", "1", "--dry-run"])
        #expect(preview.stdout.contains("3 session(s) changed"))
        #expect(try sandbox.dump() == before)
        let removed = try sandbox.ok(["series", "remove", "1", "--yes", "--format", "json"]).object()
        #expect(
            (removed["changed"] as? [[String: Any]])?.map { $0["status"] as? String }
                == Array(repeating: "cancelled", count: 3))
        let remaining = try sandbox.ok(["session", "list", "--format", "json"]).array()
        #expect(remaining[0]["status"] as? String == "held")  // held, kept
        try sandbox.expectRefused(["series", "remove", "1", "--yes"], mentioning: ["series", "1"])

        // A cancellation per occurrence to her (the series was partly held), to An Claes for her session 3; the
        // second series, never held, goes as one whole-series CANCEL.
        let invites = try sandbox.ok(["invites", "list", "--format", "json"]).array()
        let cancels = invites.filter { $0["method"] as? String == "cancel" && $0["seriesId"] as? Int == 1 }
        #expect(cancels.filter { $0["participant"] as? String == "Stille Eik" }.count == 3)
        try sandbox.ok(["series", "remove", "2", "--yes"])
        let whole = try sandbox.ok(["invites", "list", "--format", "json"]).array()
            .filter { $0["seriesId"] as? Int == 2 && $0["participant"] as? String == "Stille Eik" }
        #expect(whole.map { $0["method"] as? String } == ["cancel"])
        #expect(whole.first?["occurrence"] == nil)
        let audit = try sandbox.ok(["audit", "--format", "json"]).array().compactMap { $0["operation"] as? String }
        #expect(audit.contains("updateSeries"))
        #expect(audit.contains("removeSeries"))
    }

    /// One session meets elsewhere: the feed carries an override of that occurrence with its own LOCATION, and
    /// recurring-ical-events expands the feed to exactly the database's sessions, each at its place.
    @Test(.enabled(if: CalendarAgreementTests.python != nil, "KRING_PYTHON is not set"))
    func oneSessionGetsAnotherPlaceAndOnlyItsOccurrenceShowsIt() throws {
        let sandbox = try Self.sandbox()
        try sandbox.ok(["series", "update", "1", "--time", "19:30"])
        try sandbox.ok(["session", "update", "4", "--venue", "Zaal 2, Kerkstraat 5"])
        try sandbox.ok(["session", "update", "6", "--online", "https://meet.example.org/avond"])
        try sandbox.ok(["session", "cancel", "7", "--yes"])
        try sandbox.expectRefused(["session", "update", "4", "--venue", "Zaal 2, Kerkstraat 5"], mentioning: ["venue"])
        try sandbox.expectRefused(
            ["session", "update", "4", "--online", "ftp://x"], mentioning: ["online", "ftp://x"])
        try sandbox.expectRefused(
            ["session", "update", "4", "--venue", "A", "--online", "https://meet.example.org/x"],
            mentioning: ["online"])
        try sandbox.expectRefused(["session", "update", "1", "--venue", "Zaal 3"], mentioning: ["session", "1"])
        try sandbox.expectRefused(["session", "update", "4"], mentioning: ["update", "4"])
        let invites = try sandbox.ok(["invites", "list", "--format", "json"]).array()
        #expect(invites.contains { $0["facilitator"] as? String == "An Claes" && $0["method"] as? String == "request" })

        let file = sandbox.folder.appendingPathComponent("group.ics").path
        try sandbox.ok(["calendar", "export", "--group", "avond", "--out", file])
        let check = CalendarAgreementTests.checks.appendingPathComponent("check_export.py").path
        let parsed = try CalendarAgreementTests.runPython([check, "parse", file])
        let described = try #require(try JSONSerialization.jsonObject(with: parsed) as? [String: [String: Any]])
        #expect((described[file]?["errors"] as? [Any])?.isEmpty == true)
        #expect((described[file]?["warnings"] as? [Any])?.isEmpty == true)
        let data = try CalendarAgreementTests.runPython([
            check, "expand", file, "2027-01-01T00:00:00Z", "2027-12-31T00:00:00Z",
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let occurrences = try #require(json["occurrences"] as? [[String: Any]])
        let utc = ISO8601DateFormatter()
        utc.timeZone = TimeZone(identifier: "UTC")
        let local = ISO8601DateFormatter()
        let sessions = try sandbox.ok(["session", "list", "--format", "json"]).array()
            .filter { $0["status"] as? String != "cancelled" }
        let expected = sessions.map { session in
            let place = session["venue"] as? String ?? session["online"] as? String ?? "Zaal 1"
            return "\(utc.string(from: local.date(from: session["start"] as! String)!))/"
                + "\(utc.string(from: local.date(from: session["end"] as! String)!)) \(place)"
        }.sorted()
        let expanded = occurrences.map { "\($0["start"]!)/\($0["end"]!) \($0["location"]!)" }.sorted()
        #expect(expanded == expected)
        #expect(expanded.contains("2027-02-02T18:30:00Z/2027-02-02T20:30:00Z Zaal 2\\, Kerkstraat 5") == false)
        #expect(expanded.contains("2027-02-02T18:30:00Z/2027-02-02T20:30:00Z Zaal 2, Kerkstraat 5"))
        #expect(expanded.filter { $0.hasSuffix("Zaal 1") }.count == sessions.count - 2)

        // The invite she gets carries the same override: exported, it parses cleanly and holds that LOCATION once.
        let folder = sandbox.folder.appendingPathComponent("invites").path
        try sandbox.ok(["config", "set", "organizer", "groepen@example.org"])
        try sandbox.ok(["invites", "export", "--out", folder])
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".ics") }
            .map { folder + "/" + $0 }
        let requests = try files.filter { try String(contentsOfFile: $0, encoding: .utf8).contains("METHOD:REQUEST") }
        #expect(!requests.isEmpty)
        let parsedInvites = try CalendarAgreementTests.runPython([check, "parse"] + requests)
        let invitesRead = try #require(
            try JSONSerialization.jsonObject(with: parsedInvites) as? [String: [String: Any]])
        #expect(invitesRead.values.allSatisfy { ($0["errors"] as? [Any])?.isEmpty == true })
        let series1 = try requests.map { try String(contentsOfFile: $0, encoding: .utf8) }
            .filter { $0.contains("RECURRENCE-ID;TZID=Europe/Brussels:20270202T190000") }
        #expect(!series1.isEmpty)
        #expect(series1.allSatisfy { $0.contains("LOCATION:Zaal 2\\, Kerkstraat 5") })
        let audit = try sandbox.ok(["audit", "--format", "json"]).array().compactMap { $0["operation"] as? String }
        #expect(audit.filter { $0 == "updateSession" }.count == 2)

        // Someone still waiting for a seat learns no place from their feed, the session's own neither.
        try sandbox.ok(["group", "update", "avond", "--capacity", "1"])
        try sandbox.ok([
            "participant", "enrol", "--group", "avond", "--pseudonym", "Blauwe Reiger", "--relation", "parent",
        ])
        let waiting = try sandbox.ok(["calendar", "export", "--participant", "Blauwe Reiger"]).stdout
        #expect(waiting.contains("RECURRENCE-ID"))
        #expect(!waiting.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("LOCATION") })
        let seated = try sandbox.ok(["calendar", "export", "--participant", "Stille Eik"]).stdout
        #expect(seated.contains("LOCATION:Zaal 2\\, Kerkstraat 5"))

        // Back to the group's place: the override goes (its times are the rule's again for session 6).
        try sandbox.ok(["session", "update", "6", "--group-place"])
        let json6 = try sandbox.ok(["session", "list", "--format", "json"]).array().first { $0["id"] as? Int == 6 }
        #expect(json6?["online"] == nil)
    }
}
