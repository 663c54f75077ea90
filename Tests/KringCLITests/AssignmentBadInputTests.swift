import Foundation
import KringTestSupport
import Testing

/// The assignment and availability commands refuse bad input like every other command: one line naming the field
/// and the value, a non-zero exit, and the database exactly as before.
@Suite(.timeLimit(.minutes(10))) struct AssignmentBadInputTests {
    typealias Case = BadInputTests.Case

    static let cases: [Case] = [
        // Weekly windows.
        Case(arguments: availability("xx 18:00-22:00"), mentions: ["weekly", "xx 18:00-22:00", "mo, tu"]),
        Case(arguments: availability("tu 22:00-18:00"), mentions: ["weekly", "tu 22:00-18:00"]),
        Case(arguments: availability("tu 18:00"), mentions: ["weekly", "tu 18:00"]),
        Case(arguments: availability("tu 25:00-26:00"), mentions: ["weekly", "tu 25:00-26:00"]),
        Case(arguments: availability("tuesday evening"), mentions: ["weekly", "tuesday evening"]),
        Case(arguments: availability("tu 18:00-22:00", "tu 21:00-23:00"), mentions: ["weekly", "tu 21:00-23:00"]),
        Case(
            arguments: ["facilitator", "availability", "Co Drie", "--any-time", "--weekly", "tu 18:00-22:00"],
            mentions: ["any-time"]),
        Case(arguments: ["facilitator", "availability", "Nobody", "--any-time"], mentions: ["facilitator", "Nobody"]),
        // Blockouts.
        Case(arguments: blockout(from: "2027-02-30", to: "2027-03-02"), mentions: ["from", "2027-02-30"]),
        Case(arguments: blockout(from: "2027-03-05", to: "2027-03-01"), mentions: ["to", "2027-03-01"]),
        Case(arguments: blockout(from: "next week", to: "2027-03-01"), mentions: ["from", "next week"]),
        Case(arguments: blockout(from: "2027-01-01", to: "2028-06-01"), mentions: ["to", "2028-06-01"]),
        Case(
            arguments: blockout(from: "2027-03-01", to: "2027-03-02") + ["--remove"], mentions: ["from", "2027-03-01"]),
        // Exclusions.
        Case(arguments: ["facilitator", "exclude", "Co Drie", "--group", "nope"], mentions: ["group", "nope"]),
        Case(
            arguments: ["facilitator", "exclude", "Co Drie", "--participant", "Ghost"],
            mentions: ["participant", "Ghost"]),
        Case(arguments: ["facilitator", "exclude", "Co Drie"], mentions: ["group", "--participant"]),
        Case(
            arguments: ["facilitator", "exclude", "Co Drie", "--group", "dinsdag", "--participant", "Stille Eik"],
            mentions: ["group", "dinsdag"]),
        // Limits and preferences.
        Case(arguments: update(["--max-per-week", "0"]), mentions: ["max-per-week", "0"]),
        Case(arguments: update(["--max-per-week", "lots"]), mentions: ["max-per-week", "lots"]),
        Case(arguments: update(["--max-per-month", "40"]), mentions: ["max-per-month", "40"]),
        Case(arguments: update(["--timezone", "Mars/Base"]), mentions: ["timezone", "Mars/Base"]),
        Case(arguments: update(["--prefer-days", "tu,someday"]), mentions: ["prefer-days", "tu,someday"]),
        Case(arguments: update(["--prefer-groups", "dinsdag,nope"]), mentions: ["prefer-groups", "nope"]),
        Case(arguments: update([]), mentions: ["update", "Co Drie"]),
        // Planning runs.
        Case(arguments: ["assign", "--from", "2027-13-01"], mentions: ["from", "2027-13-01"]),
        Case(arguments: ["assign", "--to", "soon"], mentions: ["to", "soon"]),
        Case(arguments: ["assign", "--from", "2027-03-01", "--to", "2027-02-01"], mentions: ["to", "2027-02-01"]),
        Case(arguments: ["assign", "--group", "nope"], mentions: ["group", "nope"]),
        Case(arguments: ["assignment", "settings", "--travel-buffer", "500"], mentions: ["travel-buffer", "500"]),
        Case(arguments: ["assignment", "settings", "--continuity", "101"], mentions: ["continuity", "101"]),
        // Assignments.
        Case(arguments: ["assignment", "set", "999", "--facilitator", "Co Drie"], mentions: ["session", "999"]),
        Case(arguments: ["assignment", "set", "abc", "--facilitator", "Co Drie"], mentions: ["session", "abc"]),
        Case(arguments: ["assignment", "set", "1", "--facilitator", "Nobody"], mentions: ["facilitator", "Nobody"]),
        Case(
            arguments: ["assignment", "set", "1", "--facilitator", "Chef Cinq"],
            mentions: ["facilitator", "Chef Cinq", "language"]),
        Case(
            arguments: ["assignment", "set", "1", "--facilitator", "Co Vier", "--lead"],
            mentions: ["Co Vier", "'lead'"]),
        Case(
            arguments: ["assignment", "remove", "1", "--facilitator", "Co Vier"], mentions: ["facilitator", "Co Vier"]),
        Case(arguments: ["assignment", "list", "--group", "nope"], mentions: ["group", "nope"]),
        Case(
            arguments: ["facilitator", "decline", "Co Vier", "--session", "1"], mentions: ["facilitator", "Co Vier"]),
        Case(arguments: ["facilitator", "decline", "Co Drie", "--session", "999"], mentions: ["session", "999"]),
    ]

    static func availability(_ windows: String...) -> [String] {
        ["facilitator", "availability", "Co Drie"] + windows.flatMap { ["--weekly", $0] }
    }

    static func blockout(from: String, to: String) -> [String] {
        ["facilitator", "blockout", "Co Drie", "--from", from, "--to", to]
    }

    static func update(_ extra: [String]) -> [String] {
        ["facilitator", "update", "Co Drie"] + extra
    }

    /// The assignment scenario with Co Drie on session 1 (a Tuesday of `dinsdag`).
    static func populated() throws -> KringSandbox {
        let sandbox = try AssignmentTests.planned()
        try sandbox.ok(["assignment", "set", "1", "--facilitator", "Co Drie"])
        return sandbox
    }

    @Test(arguments: cases)
    func refusedWithOneClearLineAndNoChange(_ testCase: Case) throws {
        try Self.populated().expectRefused(testCase.arguments, mentioning: testCase.mentions)
    }

    @Test func pastAndCancelledSessionsAreRefused() throws {
        let sandbox = try Self.populated()
        try sandbox.ok(["session", "cancel", "--yes", "2"])
        sandbox.now = "2027-01-10T09:00:00Z"
        let before = try sandbox.dump()
        for (arguments, reason) in [
            (["assignment", "set", "1", "--facilitator", "Co Vier"], "already started"),
            (["assignment", "remove", "1", "--facilitator", "Co Drie"], "already started"),
            (["facilitator", "decline", "Co Drie", "--session", "1"], "already started"),
            (["assignment", "set", "2", "--facilitator", "Co Vier"], "cancelled"),
        ] {
            let result = try sandbox.run(arguments)
            #expect(result.status == 67, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(reason), "\(result.stderr)")
            #expect(try sandbox.dump() == before)
        }
    }
}
