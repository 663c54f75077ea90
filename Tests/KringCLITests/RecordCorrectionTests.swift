import Foundation
import KringTestSupport
import Testing

/// Issue 14, item 1 through the binary: every record can be shown and corrected, a facilitator can leave, and each
/// refusal names the field and the value and changes nothing.
@Suite(.timeLimit(.minutes(10))) struct RecordCorrectionTests {
    static func sandbox() throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        for (name, venue) in [("avond", "Zaal 1"), ("middag", "Zaal 2")] {
            try sandbox.ok([
                "group", "create", "--name", name, "--audience", "partners", "--language", "nl", "--capacity", "4",
                "--venue", venue,
            ])
            try sandbox.ok([
                "series", "add", "--group", name, "--start", "2027-01-12T19:00", "--duration", "120", "--rrule",
                "FREQ=WEEKLY;COUNT=4",
            ])
            try sandbox.ok(["group", "open", name])
        }
        try sandbox.ok([
            "participant", "enrol", "--group", "avond", "--pseudonym", "Stille Eik", "--relation", "partner",
        ])
        return sandbox
    }

    /// The issue's dead end: `participant enrol --participant … --contact …` answered "an existing participant keeps
    /// the contact given at their first enrolment", and `participant update` did not exist, so someone enrolled
    /// without an address could never get an invite.
    @Test func aParticipantEnrolledWithoutAnAddressGetsOneAndTheirInvites() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
        let updated = try sandbox.ok(["participant", "update", "Stille Eik", "--contact", "eik@example.org"])
        #expect(updated.stdout.contains("contact: on file (sealed)"))
        #expect(!updated.stdout.contains("eik@example.org"))
        let invites = try sandbox.ok(["invites", "list", "--format", "json"]).array()
        #expect(invites.count == 1)
        #expect(invites.first?["method"] as? String == "request")
        #expect(invites.first?["participant"] as? String == "Stille Eik")

        // Joining another group with an address given there is no longer refused: it is stored (replacing the old
        // one) and she gets the new group's series too.
        let joined = try sandbox.ok([
            "participant", "enrol", "--group", "middag", "--participant", "Stille Eik", "--contact",
            "eik2@example.org",
        ])
        #expect(joined.stdout.contains("enrolled in middag"))
        let shown = try sandbox.ok(["participant", "show", "Stille Eik", "--reveal-contact"])
        #expect(shown.stdout.contains("contact: eik2@example.org"))
        #expect(shown.stdout.contains("avond: enrolled, meets at Zaal 1"))
        #expect(shown.stdout.contains("middag: enrolled, meets at Zaal 2"))
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().count >= 2)

        // Without the flag the address stays sealed; with --clear-contact it is gone with her pending invites.
        let hidden = try sandbox.ok(["participant", "show", "1", "--format", "json"]).object()
        #expect(hidden["contact"] == nil)
        #expect(hidden["hasContact"] as? Bool == true)
        try sandbox.ok(["participant", "update", "Stille Eik", "--clear-contact"])
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
        let cleared = try sandbox.ok(["participant", "show", "1", "--reveal-contact", "--format", "json"]).object()
        #expect(cleared["hasContact"] as? Bool == false)
        #expect(cleared["contact"] == nil)
        #expect(!sandbox.rawBytes().contains("eik2@example.org"))
        #expect(!sandbox.rawBytes("-wal").contains("eik2@example.org"))
        let audit = try sandbox.ok(["audit", "--format", "json"]).array().compactMap { $0["operation"] as? String }
        #expect(audit.filter { $0 == "updateParticipant" }.count == 2)
    }

    @Test func relationAndLanguageAreCorrectedAndBadInputChangesNothing() throws {
        let sandbox = try Self.sandbox()
        let changed = try sandbox.ok([
            "participant", "update", "Stille Eik", "--relation", "parent", "--language", "fr", "--format", "json",
        ]).object()
        #expect(changed["relation"] as? String == "parent")
        #expect(changed["language"] as? String == "fr")
        try sandbox.expectRefused(
            ["participant", "update", "Stille Eik", "--relation", "cousin"], mentioning: ["relation", "cousin"])
        try sandbox.expectRefused(
            ["participant", "update", "Stille Eik", "--language", "es", "--relation", "friend"],
            mentioning: ["language", "es"])
        try sandbox.expectRefused(
            ["participant", "update", "Stille Eik", "--contact", "not an address"], mentioning: ["contact"])
        try sandbox.expectRefused(["participant", "update", "Stille Eik"], mentioning: ["update", "Stille Eik"])
        try sandbox.expectRefused(
            ["participant", "update", "Stille Eik", "--contact", "a@example.org", "--clear-contact"],
            mentioning: ["clear-contact"])
        try sandbox.expectRefused(["participant", "show", "Nobody Here"], mentioning: ["participant", "Nobody Here"])
    }

    /// "a facilitator's languages, audiences or lead role cannot change": each can, and the assignments the change
    /// breaks are named.
    @Test func everyFacilitatorFieldChangesAndBrokenAssignmentsAreNamed() throws {
        let sandbox = try Self.sandbox()
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl,fr", "--lead"])
        try sandbox.ok(["assignment", "set", "1", "--facilitator", "An Claes", "--lead", "--pin"])
        let changed = try sandbox.ok([
            "facilitator", "update", "An Claes", "--name", "An Claes-Maes", "--languages", "fr", "--audiences",
            "parents", "--no-lead", "--format", "json",
        ]).object()
        #expect(changed["name"] as? String == "An Claes-Maes")
        #expect(changed["languages"] as? [String] == ["fr"])
        #expect(changed["audiences"] as? [String] == ["parents"])
        #expect(changed["lead"] as? Bool == false)
        let conflicts = try #require(changed["conflicts"] as? [[String: Any]])
        let rules = Set(conflicts.filter { $0["sessionId"] as? Int == 1 }.compactMap { $0["rule"] as? String })
        #expect(rules.isSuperset(of: ["language", "audience", "leadCannotLead"]))
        let table = try sandbox.ok(["facilitator", "update", "An Claes-Maes", "--audiences", "all", "--lead"])
        #expect(table.stdout.contains("conflicts with stored assignments"))
        #expect(table.stdout.contains("session 1 (avond"))
        try sandbox.ok(["facilitator", "update", "An Claes-Maes", "--languages", "nl"])
        let fine = try sandbox.ok([
            "facilitator", "update", "An Claes-Maes", "--languages", "nl,fr", "--format", "json",
        ])
        #expect((try fine.object()["conflicts"] as? [[String: Any]])?.isEmpty == true)

        try sandbox.expectRefused(
            ["facilitator", "update", "An Claes-Maes", "--languages", "nl,xx"], mentioning: ["languages", "xx"])
        try sandbox.expectRefused(
            ["facilitator", "update", "An Claes-Maes", "--audiences", "pets"], mentioning: ["audiences", "pets"])
        try sandbox.expectRefused(
            ["facilitator", "update", "An Claes-Maes", "--name", "42"], mentioning: ["name", "42"])
        try sandbox.ok(["facilitator", "add", "--name", "Bart Peeters", "--languages", "nl"])
        try sandbox.expectRefused(
            ["facilitator", "update", "Bart Peeters", "--name", "an claes-maes"], mentioning: ["name", "an claes-maes"])
    }

    /// "a volunteer who leaves cannot be retired and stays a candidate in every plan forever".
    @Test func aRetiredFacilitatorLeavesEveryFuturePlanKeepsTheirHistoryAndLosesTheirAddress() throws {
        let sandbox = try Self.sandbox()
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl", "--lead"])
        try sandbox.ok([
            "facilitator", "add", "--name", "Bart Peeters", "--languages", "nl", "--lead", "--contact",
            "bart@example.org",
        ])
        try sandbox.ok(["assignment", "set", "1", "--facilitator", "Bart Peeters", "--lead", "--pin"])
        try sandbox.ok(["assignment", "set", "2", "--facilitator", "Bart Peeters", "--lead", "--pin"])
        // Session 1 has taken place by the time he leaves.
        sandbox.now = "2027-01-14T09:00:00Z"
        try sandbox.expectRefused(["facilitator", "retire", "Bart Peeters"], mentioning: ["--yes"])
        let before = try sandbox.dump()
        let preview = try sandbox.ok(["facilitator", "retire", "Bart Peeters", "--dry-run"])
        #expect(preview.stdout.contains("session 2 (avond"))
        #expect(try sandbox.dump() == before)

        let retired = try sandbox.ok([
            "facilitator", "retire", "Bart Peeters", "--erase-name", "--yes", "--format", "json",
        ]).object()
        let removed = try #require(retired["removedAssignments"] as? [[String: Any]])
        #expect(removed.map { $0["sessionId"] as? Int } == [2])
        #expect(retired["contactErased"] as? Bool == true)
        #expect(retired["name"] as? String == "retired facilitator 2")
        #expect(!sandbox.rawBytes().contains("Bart Peeters"))
        #expect(!sandbox.rawBytes("-wal").contains("bart@example.org"))

        // History kept: session 1 still has him; session 2 and the rest are free, and no plan gives him one.
        let history = try sandbox.ok(["assignment", "list", "--facilitator", "2", "--format", "json"]).array()
        #expect(history.map { $0["sessionId"] as? Int } == [1])
        try sandbox.ok(["assign", "--yes"])
        let after = try sandbox.ok(["assignment", "list", "--facilitator", "2", "--format", "json"]).array()
        #expect(after.map { $0["sessionId"] as? Int } == [1])
        try sandbox.expectRefused(
            ["assignment", "set", "3", "--facilitator", "2", "--lead"], mentioning: ["retired"])
        let list = try sandbox.ok(["facilitator", "list", "--format", "json"]).array()
        #expect(list.first { $0["id"] as? Int == 2 }?["retired"] as? Bool == true)
        try sandbox.expectRefused(["facilitator", "retire", "2", "--yes"], mentioning: ["already retired"])
        let audit = try sandbox.ok(["audit", "--format", "json"]).array()
        #expect(audit.contains { $0["operation"] as? String == "retireFacilitator" })
    }

    /// Issue 14, item 5: the global options may come before the subcommand as well as after it.
    @Test func globalOptionsComeBeforeOrAfterTheSubcommand() throws {
        let sandbox = try Self.sandbox()
        let after = try sandbox.ok(["group", "list", "--db", sandbox.databasePath, "--format", "json"])
        let before = try sandbox.ok(["--db", sandbox.databasePath, "--format", "json", "group", "list"])
        let between = try sandbox.ok(["participant", "--format=json", "show", "Stille Eik"])
        #expect(before.stdout == after.stdout)
        #expect(try between.object()["pseudonym"] as? String == "Stille Eik")
        // A leading --server is the command's --server, checked as such before anything runs.
        try sandbox.expectRefused(
            ["--server", "ftp://kring.example.org", "group", "list"], mentioning: ["server", "ftp://kring.example.org"])
        try sandbox.expectRefused(
            ["group", "list", "--server", "ftp://kring.example.org"], mentioning: ["server", "ftp://kring.example.org"])
    }
}
