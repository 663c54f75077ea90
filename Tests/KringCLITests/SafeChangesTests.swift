import Foundation
import KringStorage
import KringTestSupport
import Testing

/// Issue 12 through the binary: a change that can hurt someone is shown before it runs; in a script it needs --yes.
@Suite(.timeLimit(.minutes(10))) struct SafeChangesTests {
    static func sandboxWithGroup() throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "avond", "--audience", "partners", "--language", "nl", "--capacity", "1",
            "--venue", "Gent",
        ])
        try sandbox.ok([
            "series", "add", "--group", "avond", "--start", "2027-01-12T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;COUNT=4",
        ])
        try sandbox.ok(["group", "open", "avond"])
        try sandbox.ok([
            "participant", "enrol", "--group", "avond", "--pseudonym", "Stille Eik", "--relation", "partner",
        ])
        try sandbox.ok([
            "participant", "enrol", "--group", "avond", "--pseudonym", "Blauwe Reiger", "--relation", "partner",
        ])
        return sandbox
    }

    /// `kring participant withdraw "stille eik"` in a script withdrew her at once and gave her seat away.
    @Test func anAccidentalWithdrawalInAScriptIsRefusedAndChangesNothing() throws {
        let sandbox = try Self.sandboxWithGroup()
        let refused = try sandbox.expectRefused(
            ["participant", "withdraw", "stille eik"], mentioning: ["--yes", "--dry-run"])
        #expect(refused.status == 65)
        let erase = try sandbox.expectRefused(
            ["participant", "withdraw", "Stille Eik", "--erase"], mentioning: ["cannot be undone"])
        #expect(erase.status == 65)
        try sandbox.expectRefused(["session", "cancel", "2"], mentioning: ["--yes"])
        try sandbox.expectRefused(["group", "close", "avond"], mentioning: ["--yes"])
        try sandbox.expectRefused(["assign"], mentioning: ["--yes"])
    }

    @Test func dryRunShowsTheMatchedRecordAndTheEffectAndChangesNothing() throws {
        let sandbox = try Self.sandboxWithGroup()
        let before = try sandbox.dump()
        let preview = try sandbox.ok(["participant", "withdraw", "STILLE EIK", "--dry-run"])
        #expect(preview.stdout.contains("dry run, nothing changed"))
        #expect(preview.stdout.contains("Stille Eik (participant 1): withdrawn in avond"))
        #expect(preview.stdout.contains("promoted from the waitlist: Blauwe Reiger"))
        #expect(try sandbox.dump() == before)
        let done = try sandbox.ok(["participant", "withdraw", "stille eik", "--yes"])
        #expect(done.stdout.contains("Stille Eik (participant 1): withdrawn"))
    }

    @Test func anUnknownNameSuggestsTheClosestOnes() throws {
        let sandbox = try Self.sandboxWithGroup()
        let refused = try sandbox.expectRefused(
            ["participant", "withdraw", "Stile Eik", "--yes"], mentioning: ["Stile Eik", "did you mean 'Stille Eik'"])
        #expect(refused.status == 66)
    }

    @Test func keepApartIsListedRemovedAndNamesWhoToMove() throws {
        let sandbox = try Self.sandboxWithGroup()
        try sandbox.ok(["group", "update", "avond", "--capacity", "2"])
        let marked = try sandbox.ok(["participant", "keep-apart", "Stille Eik", "Blauwe Reiger"])
        #expect(marked.stdout.contains("move Blauwe Reiger (participant 2)"))
        let listed = try sandbox.ok(["participant", "keep-apart", "--list"])
        #expect(listed.stdout.contains("Stille Eik / Blauwe Reiger"))
        try sandbox.expectRefused(
            ["participant", "keep-apart", "Stille Eik", "Blauwe Reiger", "--remove"], mentioning: ["--yes"])
        let removed = try sandbox.ok(["participant", "keep-apart", "Stille Eik", "Blauwe Reiger", "--remove", "--yes"])
        #expect(removed.stdout.contains("no longer kept apart"))
    }

    @Test func aCancelledSessionIsRestoredAndTheAuditTrailNamesIdsOnly() throws {
        let sandbox = try Self.sandboxWithGroup()
        try sandbox.ok(["session", "cancel", "3", "--yes"])
        let restored = try sandbox.ok(["session", "restore", "3", "--format", "json"])
        #expect(restored.stdout.contains("\"status\" : \"scheduled\""))
        let audit = try sandbox.ok(["audit", "--format", "json"])
        let entries = try audit.array()
        let operations = entries.compactMap { $0["operation"] as? String }
        #expect(operations.contains("cancelSession"))
        #expect(operations.contains("restoreSession"))
        #expect(operations.contains("enrol"))
        #expect(!audit.stdout.contains("Stille Eik"))
        let onlyTheFirst = try sandbox.ok(["audit", "--participant", "1", "--format", "json"]).array()
        #expect(onlyTheFirst.compactMap { $0["operation"] as? String } == ["enrol"])
    }
}
