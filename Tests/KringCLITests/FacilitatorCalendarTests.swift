import Crypto
import Foundation
import KringTestSupport
import Testing

/// A facilitator's address is sealed like a participant's (privacy rules 2 to 4) and bad input for it changes nothing.
@Suite(.timeLimit(.minutes(10))) struct FacilitatorContactTests {
    @Test func canaryAddressLeavesNoTraceAndItsKeyIsRequired() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        let first = "canary-\(UUID().uuidString.lowercased())@example.org"
        let second = "canary-\(UUID().uuidString.lowercased())@example.org"
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl", "--contact", first])
        try sandbox.ok(["facilitator", "add", "--name", "Bo Smet", "--languages", "nl"])
        try sandbox.ok(["facilitator", "update", "Bo Smet", "--contact", second])
        for canary in [first, second] {
            #expect(CanaryScan.traces(of: canary, inDatabase: sandbox.databasePath) == [])
        }
        let listing = try sandbox.ok(["facilitator", "list", "--format", "json"]).stdout
        #expect(!listing.contains("canary"))
        #expect(
            try sandbox.ok(["facilitator", "list", "--format", "json"]).array()
                .allSatisfy { $0["hasContact"] as? Bool == true })

        // Only facilitators hold sealed data here, and still Kring refuses to run without the key that opens it.
        try FileManager.default.moveItem(atPath: sandbox.keyPath, toPath: sandbox.keyPath + ".away")
        let refused = try sandbox.run(["facilitator", "list"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("key"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        try FileManager.default.moveItem(atPath: sandbox.keyPath + ".away", toPath: sandbox.keyPath)

        // Cleared: gone from the file and the log, listed as without an address.
        try sandbox.ok(["facilitator", "update", "An Claes", "--clear-contact"])
        try sandbox.ok(["facilitator", "update", "Bo Smet", "--clear-contact"])
        #expect(sandbox.rawBytes("-wal").count == 0)
        #expect(
            try sandbox.ok(["facilitator", "list", "--format", "json"]).array()
                .allSatisfy { $0["hasContact"] as? Bool == false })
        // With nothing sealed left, a missing key no longer matters.
        try FileManager.default.removeItem(atPath: sandbox.keyPath)
        #expect(try sandbox.run(["facilitator", "list"]).succeeded)
    }

    static let cases: [BadInputTests.Case] = [
        .init(
            arguments: ["facilitator", "add", "--name", "Bo Smet", "--languages", "nl", "--contact", "not-an-address"],
            mentions: ["contact", "not-an-address"]),
        .init(
            arguments: ["facilitator", "add", "--name", "Bo Smet", "--languages", "nl", "--contact", "AN@example.org"],
            mentions: ["contact", "AN@example.org"]),
        .init(arguments: ["facilitator", "update", "An Claes", "--contact", "an@"], mentions: ["contact", "an@"]),
        .init(
            arguments: ["facilitator", "update", "An Claes", "--contact", "a b@example.org"],
            mentions: ["contact", "a b@example.org"]),
        .init(
            arguments: ["facilitator", "update", "Nobody Here", "--contact", "x@example.org"],
            mentions: ["facilitator", "Nobody Here"]),
        .init(
            arguments: ["facilitator", "update", "Nobody Here", "--clear-contact"],
            mentions: ["facilitator", "Nobody Here"]),
        .init(
            arguments: ["facilitator", "update", "An Claes", "--contact", "x@example.org", "--clear-contact"],
            mentions: ["clear-contact"]),
        .init(
            arguments: ["invites", "export", "--out", "/nonexistent-kring/out", "--facilitator", "Nobody Here"],
            mentions: ["facilitator", "Nobody Here"]),
        .init(
            arguments: [
                "invites", "export", "--out", "/nonexistent-kring/out", "--facilitator", "An Claes", "--participant",
                "Stille Eik",
            ], mentions: ["facilitator", "An Claes"]),
        .init(
            arguments: ["calendar", "export", "--facilitator", "Nobody Here"], mentions: ["facilitator", "Nobody Here"]),
    ]

    @Test(arguments: cases)
    func refusedWithOneClearLineAndNoChange(_ testCase: BadInputTests.Case) throws {
        let sandbox = try BadInputTests.populated()
        try sandbox.ok(["facilitator", "update", "An Claes", "--contact", "an@example.org"])
        try sandbox.ok(["config", "set", "organizer", "groepen@example.org"])
        try sandbox.ok(["assignment", "set", "1", "--facilitator", "An Claes"])
        let result = try sandbox.expectRefused(testCase.arguments, mentioning: testCase.mentions)
        #expect(!result.stderr.contains("an@example.org"))
    }
}

/// A facilitator's feed, expanded by the independent `recurring-ical-events`, is exactly their sessions in the
/// database: across both DST switches, with their own moved and cancelled sessions, a colleague's moved session and a
/// second series they have no session in.
@Suite(.timeLimit(.minutes(10))) struct FacilitatorFeedAgreementTests {
    @Test(.enabled(if: CalendarAgreementTests.python != nil, "KRING_PYTHON is not set: run `make test`"))
    func expandedFeedEqualsTheFacilitatorsAssignedSessions() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
            "--facilitators", "1",
        ])
        // Fortnightly from March to December 2027: both DST switches fall inside.
        try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-03-15T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=20",
        ])
        try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-03-18T10:00", "--duration", "90", "--rrule",
            "FREQ=WEEKLY;INTERVAL=4;BYDAY=TH;COUNT=5",
        ])
        for name in ["An Claes", "Bo Smet"] {
            try sandbox.ok(["facilitator", "add", "--name", name, "--languages", "nl", "--lead"])
        }
        let sessions = try sandbox.ok(["session", "list", "--group", "g", "--format", "json"]).array()
        let mondays = sessions.filter { ($0["end"] as! String).contains("T21:00") }
        let thursdays = sessions.filter { ($0["end"] as! String).contains("T11:30") }
        #expect(mondays.count == 20)
        #expect(thursdays.count == 5)
        for (index, session) in mondays.enumerated() {
            let name = index % 3 == 2 ? "Bo Smet" : "An Claes"
            try sandbox.ok(["assignment", "set", FacilitatorInviteTests.id(session), "--facilitator", name])
        }
        for session in thursdays {
            try sandbox.ok(["assignment", "set", FacilitatorInviteTests.id(session), "--facilitator", "Bo Smet"])
        }
        // An's session moved into summer time, one of An's cancelled, one of Bo's moved (an EXDATE for An).
        try sandbox.ok(["session", "move", FacilitatorInviteTests.id(mondays[1]), "--to", "2027-03-31T18:30"])
        try sandbox.ok(["session", "cancel", "--yes", FacilitatorInviteTests.id(mondays[10])])
        try sandbox.ok(["session", "move", FacilitatorInviteTests.id(mondays[5]), "--to", "2027-05-25T19:00"])

        let formatter = ISO8601DateFormatter()
        let utc = ISO8601DateFormatter()
        utc.timeZone = TimeZone(identifier: "UTC")
        func span(_ row: [String: Any]) -> String {
            "\(utc.string(from: formatter.date(from: row["start"] as! String)!))/"
                + utc.string(from: formatter.date(from: row["end"] as! String)!)
        }
        for name in ["An Claes", "Bo Smet"] {
            let expected = try sandbox.ok(["assignment", "list", "--facilitator", name, "--format", "json"]).array()
                .filter { $0["status"] as? String != "cancelled" }.map(span).sorted()
            let file = sandbox.folder.appendingPathComponent("\(name.prefix(2)).ics").path
            try sandbox.ok(["calendar", "export", "--facilitator", name, "--out", file])
            let data = try CalendarAgreementTests.runPython([
                CalendarAgreementTests.checks.appendingPathComponent("check_export.py").path, "expand", file,
                "2026-12-01T00:00:00Z", "2028-12-01T00:00:00Z",
            ])
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let occurrences = try #require(json["occurrences"] as? [[String: Any]])
            let expanded = occurrences.map { "\($0["start"]!)/\($0["end"]!)" }.sorted()
            #expect(expanded == expected, "\(name)")
            let uids = Set(occurrences.compactMap { $0["uid"] as? String })
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains("ATTENDEE"))
            if name == "An Claes" {
                #expect(expected.count == 20 - 6 - 1)  // Bo's six Mondays and the cancelled one
                #expect(expanded.contains("2027-03-31T16:30:00Z/2027-03-31T18:30:00Z"))  // moved, summer time
                #expect(expanded.contains("2027-11-22T18:00:00Z/2027-11-22T20:00:00Z"))  // winter time again
                #expect(!expanded.contains { $0.hasPrefix("2027-05-25") })  // Bo's moved session
                #expect(uids.count == 1)  // the Thursday series has no session of An's: absent
                #expect(text.components(separatedBy: "BEGIN:VEVENT").count - 1 == 2)  // master and one override
            } else {
                #expect(expected.count == 6 + 5)
                #expect(expanded.contains("2027-05-25T17:00:00Z/2027-05-25T19:00:00Z"))
                #expect(uids.count == 2)
            }
        }
    }
}
