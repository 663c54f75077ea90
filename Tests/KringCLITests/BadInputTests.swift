import Foundation
import KringTestSupport
import Testing

/// Every command refuses bad input with one line naming the field and the value, a non-zero exit, and no change.
@Suite(.timeLimit(.minutes(10))) struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        /// Text the one-line error must contain: the field, and the value where there is one.
        let mentions: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let longText = String(repeating: "x", count: 300)

    static let cases: [Case] = [
        // Unknown ids and names.
        Case(arguments: ["group", "show", "no-such-group"], mentions: ["group", "no-such-group"]),
        Case(arguments: ["group", "show", "999"], mentions: ["group", "999"]),
        Case(arguments: ["session", "move", "999", "--to", "2027-03-01T19:00"], mentions: ["session", "999"]),
        Case(arguments: ["session", "cancel", "abc"], mentions: ["session", "abc"]),
        Case(arguments: ["participant", "withdraw", "Nobody Here"], mentions: ["participant", "Nobody Here"]),
        Case(arguments: ["roster", "--group", "nope"], mentions: ["group", "nope"]),
        Case(
            arguments: ["attendance", "mark", "--session", "1", "--participant", "Nobody", "--status", "present"],
            mentions: ["participant", "Nobody"]),
        Case(arguments: ["participant", "keep-apart", "Stille Eik", "Ghost"], mentions: ["participant", "Ghost"]),
        // Malformed dates and times.
        Case(arguments: series(start: "2027-13-12T19:00"), mentions: ["start", "2027-13-12T19:00"]),
        Case(arguments: series(start: "12/01/2027 19:00"), mentions: ["start", "12/01/2027 19:00"]),
        Case(arguments: series(start: "2027-01-12T25:00"), mentions: ["start", "2027-01-12T25:00"]),
        Case(arguments: ["session", "move", "1", "--to", "tomorrow"], mentions: ["to", "tomorrow"]),
        Case(arguments: ["session", "list", "--from", "2027-02-30"], mentions: ["from", "2027-02-30"]),
        Case(arguments: series(exdate: "2027-01-19"), mentions: ["exdate", "2027-01-19"]),
        Case(arguments: series(exdate: "someday"), mentions: ["exdate", "someday"]),
        // Local times that do not exist or exist twice on a DST switch day.
        Case(
            arguments: series(start: "2027-03-28T02:30", rrule: "FREQ=WEEKLY;COUNT=3"),
            mentions: ["start", "2027-03-28T02:30"]),
        Case(
            arguments: series(start: "2027-10-31T02:30", rrule: "FREQ=WEEKLY;COUNT=3"),
            mentions: ["start", "2027-10-31T02:30"]),
        Case(arguments: ["session", "move", "1", "--to", "2027-03-28T02:15"], mentions: ["to", "2027-03-28T02:15"]),
        Case(arguments: ["session", "move", "1", "--to", "2027-10-31T02:15"], mentions: ["to", "2027-10-31T02:15"]),
        // RRULE parts outside the subset.
        Case(arguments: series(rrule: "FREQ=YEARLY;COUNT=3"), mentions: ["rrule", "FREQ=YEARLY;COUNT=3"]),
        Case(arguments: series(rrule: "FREQ=MONTHLY;BYMONTHDAY=12;COUNT=3"), mentions: ["rrule", "BYMONTHDAY"]),
        Case(arguments: series(rrule: "FREQ=WEEKLY;BYDAY=TU;BYSETPOS=1;COUNT=3"), mentions: ["rrule", "BYSETPOS"]),
        Case(arguments: series(rrule: "FREQ=WEEKLY;BYDAY=TU"), mentions: ["rrule", "FREQ=WEEKLY;BYDAY=TU"]),
        Case(arguments: series(rrule: "FREQ=WEEKLY;BYDAY=2TU;COUNT=3"), mentions: ["rrule", "2TU"]),
        Case(arguments: series(rrule: "FREQ=WEEKLY;BYDAY=WE;COUNT=3"), mentions: ["start"]),
        Case(arguments: series(rrule: "FREQ=WEEKLY;INTERVAL=0;COUNT=3"), mentions: ["rrule", "INTERVAL=0"]),
        // Numbers out of range, capacity below enrolment.
        Case(arguments: ["group", "update", "gent-partners", "--capacity", "1"], mentions: ["capacity", "1"]),
        Case(arguments: group(capacity: "0"), mentions: ["capacity", "0"]),
        Case(arguments: group(capacity: "500"), mentions: ["capacity", "500"]),
        Case(arguments: ["token", "issue", "--coordinator", "--feed-only"], mentions: ["feed-only", "coordinator"]),
        Case(
            arguments: ["token", "issue", "--coordinator", "--expires", "9999-12-31"],
            mentions: ["expires", "9999-12-31"]),
        // The largest Int64: once crashed the process while working out the default minimum.
        Case(arguments: group(capacity: "9223372036854775807"), mentions: ["capacity", "9223372036854775807"]),
        Case(
            arguments: ["group", "update", "gent-partners", "--capacity", "9223372036854775807"],
            mentions: ["capacity", "9223372036854775807"]),
        Case(arguments: group(capacity: "ten"), mentions: ["capacity", "ten"]),
        Case(arguments: group(extra: ["--minimum", "9"]), mentions: ["minimum", "9"]),
        Case(arguments: series(duration: "0"), mentions: ["duration", "0"]),
        // Unknown choices.
        Case(arguments: group(extra: [], audience: "neighbours"), mentions: ["audience", "neighbours"]),
        Case(arguments: group(extra: [], language: "xx"), mentions: ["language", "xx"]),
        Case(arguments: group(extra: ["--timezone", "Europe/Gent"]), mentions: ["timezone", "Europe/Gent"]),
        Case(arguments: enrol(["--relation", "cousin"]), mentions: ["relation", "cousin"]),
        Case(
            arguments: ["attendance", "mark", "--session", "1", "--participant", "Stille Eik", "--status", "late"],
            mentions: ["status", "late"]),
        Case(
            arguments: ["facilitator", "add", "--name", "Bo", "--languages", "nl,klingon"],
            mentions: ["languages", "klingon"]),
        // Duplicates.
        Case(
            arguments: enrol(["--pseudonym", "Stille Eik", "--relation", "partner"]),
            mentions: ["pseudonym", "Stille Eik"]),
        Case(
            arguments: enrol(["--pseudonym", "stille eik", "--relation", "partner"]),
            mentions: ["pseudonym", "stille eik"]),
        Case(arguments: group(name: "gent-partners"), mentions: ["name", "gent-partners"]),
        Case(
            arguments: ["facilitator", "add", "--name", "An Claes", "--languages", "nl"],
            mentions: ["name", "An Claes"]),
        // Control characters, over-long and empty text.
        Case(arguments: group(name: "bad\u{7}name"), mentions: ["name", "bad\\u{7}name"]),
        Case(
            arguments: enrol(["--pseudonym", "Eik\nBeuk", "--relation", "partner"]),
            mentions: ["pseudonym", "Eik\\u{a}Beuk"]),
        Case(arguments: group(name: longText), mentions: ["name", "xxxxxxxx"]),
        Case(arguments: group(name: ""), mentions: ["name", "must not be empty"]),
        Case(arguments: group(name: "   "), mentions: ["name"]),
        Case(arguments: enrol(["--pseudonym", "", "--relation", "partner"]), mentions: ["pseudonym"]),
        Case(
            arguments: enrol(["--relation", "partner", "--contact", "not-an-address"]),
            mentions: ["contact", "not-an-address"]),
        Case(
            arguments: group(extra: ["--venue", "Gent", "--online", "https://meet.example.org/a"]), mentions: ["online"]
        ),
        Case(arguments: group(extra: ["--online", "ftp://x"]), mentions: ["online", "ftp://x"]),
    ]

    static func series(
        start: String = "2027-01-12T19:00", duration: String = "120",
        rrule: String = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=4", exdate: String? = nil
    ) -> [String] {
        var arguments = [
            "series", "add", "--group", "gent-partners", "--start", start, "--duration", duration, "--rrule", rrule,
        ]
        if let exdate { arguments += ["--exdate", exdate] }
        return arguments
    }

    static func group(
        name: String = "new-group", capacity: String = "8", extra: [String] = [], audience: String = "parents",
        language: String = "nl"
    ) -> [String] {
        ["group", "create", "--name", name, "--audience", audience, "--language", language, "--capacity", capacity]
            + extra
    }

    static func enrol(_ extra: [String]) -> [String] {
        ["participant", "enrol", "--group", "gent-partners"] + extra
    }

    /// One database with a group, sessions, two enrolled participants and a facilitator, shared by the table.
    static func populated() throws -> KringSandbox {
        let sandbox = try CLITourTests.plannedGroup()
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Stille Eik", "--relation", "partner",
        ])
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Zachte Duin", "--relation", "partner",
        ])
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl", "--lead"])
        return sandbox
    }

    @Test(arguments: cases)
    func refusedWithOneClearLineAndNoChange(_ testCase: Case) throws {
        try Self.populated().expectRefused(testCase.arguments, mentioning: testCase.mentions)
    }

    @Test func missingDatabaseSaysToRunInit() throws {
        let sandbox = try KringSandbox()
        let result = try sandbox.run(["group", "list"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("kring init"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
    }

    @Test func importIsAllOrNothing() throws {
        let sandbox = try Self.populated()
        let before = try sandbox.dump()
        let file = sandbox.folder.appendingPathComponent("broken.yaml")
        try """
        facilitators:
          - { name: Nieuwe Begeleider, languages: [nl], lead: true }
        groups:
          - name: fine-group
            audience: parents
            language: nl
            capacity: 8
            series:
              - { start: "2027-02-01T19:00", duration: 90, rrule: "FREQ=WEEKLY;COUNT=4" }
          - name: broken-group
            audience: parents
            language: nl
            capacity: 8
            series:
              - { start: "2027-02-01T19:00", duration: 90, rrule: "FREQ=YEARLY;COUNT=4" }
        """.write(to: file, atomically: true, encoding: .utf8)
        let result = try sandbox.run(["import", file.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("groups[1].series[0].rrule"))
        #expect(try sandbox.dump() == before)
    }
}
