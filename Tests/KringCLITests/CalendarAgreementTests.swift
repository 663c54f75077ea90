import Foundation
import KringTestSupport
import Testing

/// What kring exports from a real database, read by independent clients: recurring-ical-events expands it to
/// exactly the sessions the database holds (across both DST switches, with a move, a cancellation, a holiday and an
/// explicit exclusion), and Radicale stores and returns it.
@Suite(.timeLimit(.minutes(10))) struct CalendarAgreementTests {
    static let checks = ReadmeTourTests.repositoryRoot.appendingPathComponent("Tests/ical-checks")

    static var python: String? { ProcessInfo.processInfo.environment["KRING_PYTHON"] }

    /// A group with a fortnightly series through 2027, one session moved, one cancelled, exported as its feed.
    static func exportedGroup() throws -> (KringSandbox, String) {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-01-11T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=26", "--exdate", "2027-02-08", "--skip-holidays", "be",
        ])
        let sessions = try sandbox.ok(["session", "list", "--group", "g", "--format", "json"]).array()
        try sandbox.ok(["session", "move", String(sessions[5]["id"] as! Int), "--to", "2027-04-07T18:30"])
        try sandbox.ok(["session", "cancel", "--yes", String(sessions[20]["id"] as! Int)])
        let file = sandbox.folder.appendingPathComponent("group.ics").path
        try sandbox.ok(["calendar", "export", "--group", "g", "--out", file])
        return (sandbox, file)
    }

    static func runPython(_ arguments: [String]) throws -> Data {
        try ProcessRunner.output(URL(fileURLWithPath: python!), arguments)
    }

    @Test(.enabled(if: python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"))
    func recurringIcalEventsExpandsToTheDatabaseSessions() throws {
        let (sandbox, file) = try Self.exportedGroup()
        let sessions = try sandbox.ok(["session", "list", "--group", "g", "--format", "json"]).array()
            .filter { $0["status"] as? String != "cancelled" }
        let formatter = ISO8601DateFormatter()
        let utc = ISO8601DateFormatter()
        utc.timeZone = TimeZone(identifier: "UTC")
        let expected = sessions.map { session in
            "\(utc.string(from: formatter.date(from: session["start"] as! String)!))/"
                + utc.string(from: formatter.date(from: session["end"] as! String)!)
        }.sorted()
        #expect(expected.count == 26 - 1 - 2 - 1)  // an exdate, Easter Monday and Whit Monday, one cancellation
        let data = try Self.runPython([
            Self.checks.appendingPathComponent("check_export.py").path, "expand", file, "2026-12-01T00:00:00Z",
            "2028-12-01T00:00:00Z",
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let occurrences = try #require(json["occurrences"] as? [[String: Any]])
        let expanded = occurrences.map { "\($0["start"]!)/\($0["end"]!)" }.sorted()
        #expect(expanded == expected)
        #expect(expanded.contains("2027-04-07T16:30:00Z/2027-04-07T18:30:00Z"))  // the move, in summer time
    }

    /// A shifted series (COUNT grown, skipped school holidays, a closure day and a federal holiday as EXDATEs)
    /// expands in an independent client to exactly the sessions the database holds, the promised number of them.
    @Test(.enabled(if: python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"))
    func aShiftedSeriesExpandsToTheDatabaseSessions() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok(["config", "set", "closure-dates", "2027-02-15,2027-01-26"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "fr", "--capacity", "8",
        ])
        let added = try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-02-01T19:00", "--duration", "90", "--rrule",
            "FREQ=WEEKLY;BYDAY=MO;COUNT=12", "--skip-holidays", "be,be-fr-school", "--on-holiday", "shift",
            "--format", "json",
        ]).object()
        // The closure (15 Feb), carnival (22 Feb, 1 Mar), Easter Monday (29 Mar), spring (26 Apr, 3 May) and Whit
        // Monday (17 May) skipped; seven Mondays added, so twelve sessions meet, the last on 7 June.
        #expect((added["sessions"] as? [[String: Any]])?.count == 12)
        #expect((added["sessions"] as? [[String: Any]])?.last?["start"] as? String == "2027-06-07T19:00:00+02:00")
        #expect(added["rrule"] as? String == "FREQ=WEEKLY;BYDAY=MO;COUNT=19")
        let skipped = (added["skipped"] as? [[String: Any]])?.compactMap { $0["date"] as? String }
        #expect(
            skipped == [
                "2027-02-15", "2027-02-22", "2027-03-01", "2027-03-29", "2027-04-26", "2027-05-03", "2027-05-17",
            ])
        let file = sandbox.folder.appendingPathComponent("shifted.ics").path
        try sandbox.ok(["calendar", "export", "--group", "g", "--out", file])
        let sessions = try sandbox.ok(["session", "list", "--group", "g", "--format", "json"]).array()
        let formatter = ISO8601DateFormatter()
        let utc = ISO8601DateFormatter()
        utc.timeZone = TimeZone(identifier: "UTC")
        let expected = sessions.map { session in
            "\(utc.string(from: formatter.date(from: session["start"] as! String)!))/"
                + utc.string(from: formatter.date(from: session["end"] as! String)!)
        }.sorted()
        #expect(expected.count == 12)
        let data = try Self.runPython([
            Self.checks.appendingPathComponent("check_export.py").path, "expand", file, "2026-12-01T00:00:00Z",
            "2028-12-01T00:00:00Z",
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let occurrences = try #require(json["occurrences"] as? [[String: Any]])
        #expect(occurrences.map { "\($0["start"]!)/\($0["end"]!)" }.sorted() == expected)
    }

    @Test(.enabled(if: python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"))
    func radicaleStoresAndReturnsTheExport() throws {
        let (sandbox, file) = try Self.exportedGroup()
        let port = String(
            decoding: try Self.runPython([Self.checks.appendingPathComponent("free_port.py").path]), as: UTF8.self
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.python!)
        server.arguments = [
            "-m", "radicale", "--config", "", "--storage-filesystem-folder",
            sandbox.folder.appendingPathComponent("radicale").path, "--server-hosts", "127.0.0.1:\(port)",
            "--auth-type", "none", "--logging-level", "warning",
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // Processes started from the test runner ignore SIGTERM (inherited signal mask), so stop it for sure.
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let data = try Self.runPython([
            Self.checks.appendingPathComponent("radicale_roundtrip.py").path, "http://127.0.0.1:\(port)/", file,
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let files = try #require(json["files"] as? [String: [String: [String: Any]]])
        let stored = try #require(files[file])
        #expect(stored.count == 1)
        for (uid, object) in stored {
            #expect(object["put"] as? Int == 201, "\(uid): \(object)")
            #expect(object["get"] as? Int == 200)
            let events = try #require(object["events"] as? [[String: Any]])
            #expect(events.count == 2)  // the master and the moved session's override
            #expect(events.allSatisfy { $0["uid"] as? String == uid })
            let master = try #require(events.first { $0["recurrence_id"] is NSNull || $0["recurrence_id"] == nil })
            #expect((master["exdates"] as? [String])?.count == 4)
        }
    }
}
