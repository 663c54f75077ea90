import Foundation
import Testing

/// What the outbox queues after schedule and group changes, through the real binary: every change a calendar shows
/// reaches each recipient once, with a SEQUENCE that never goes down for them.
@Suite struct InviteOutboxTests {
    static let organizer = "groepen@example.org"

    /// The planned group (capacity 3, ten sessions) with Stille Eik and Blauwe Reiger (both with an address) and Rode
    /// Vos (none) enrolled, and the organizer set.
    static func fullGroup() throws -> KringSandbox {
        let (sandbox, _) = try InviteExportTests.plannedWithContacts()
        try sandbox.ok(["config", "set", "organizer", organizer])
        return sandbox
    }

    static func pending(_ sandbox: KringSandbox) throws -> [[String: Any]] {
        try sandbox.ok(["invites", "list", "--format", "json"]).array()
    }

    /// Exports the pending invites (of one participant, when given) to a fresh folder: each file's method and text.
    static func export(_ sandbox: KringSandbox, participant: String? = nil) throws -> [(method: String, text: String)] {
        let out = sandbox.folder.appendingPathComponent("export-\(UUID().uuidString)")
        let view = try sandbox.ok(
            ["invites", "export", "--out", out.path, "--format", "json"]
                + (participant.map { ["--participant", $0] } ?? [])
        ).object()
        return try (view["files"] as! [[String: Any]]).map { file in
            let text = try String(contentsOf: out.appendingPathComponent(file["file"] as! String), encoding: .utf8)
            return (file["method"] as! String, CalendarExportTests.unfolded(text))
        }
    }

    /// The one SEQUENCE of a message or feed: every VEVENT must carry the same (master and overrides).
    static func sequence(_ text: String) throws -> Int {
        let all = CalendarExportTests.sequences(text)
        #expect(Set(all).count == 1, "SEQUENCE differs between VEVENTs: \(all)")
        return try #require(all.first)
    }

    static func participantFeed(_ sandbox: KringSandbox, _ pseudonym: String) throws -> String {
        CalendarExportTests.unfolded(try sandbox.ok(["calendar", "export", "--participant", pseudonym]).stdout)
    }

    @Test func erasureSaysHowManyPendingInvitesWereDroppedUnsent() throws {
        let sandbox = try Self.fullGroup()
        // Nothing exported: her enrolment REQUEST and the withdrawal's CANCEL go with her.
        let erased = try sandbox.ok(["participant", "withdraw", "Stille Eik", "--erase", "--format", "json"]).object()
        #expect(erased["erased"] as? Bool == true)
        #expect(erased["droppedInvites"] as? Int == 2)
        #expect(try Self.pending(sandbox).allSatisfy { $0["participant"] as? String == "Blauwe Reiger" })

        // Exported first: only the CANCEL is dropped, and the table output says so.
        _ = try Self.export(sandbox)
        let text = try sandbox.ok(["participant", "withdraw", "Blauwe Reiger", "--erase"]).stdout
        #expect(text.contains("dropped unsent: 1 pending invite"))
        #expect(text.contains("kring invites export"))
        #expect(!text.contains("reiger@example.org"))
        #expect(try Self.pending(sandbox).isEmpty)

        // A participant without an address has nothing to drop; a plain withdrawal drops nothing.
        let quiet = try sandbox.ok(["participant", "withdraw", "Rode Vos", "--erase", "--format", "json"]).object()
        #expect(quiet["droppedInvites"] as? Int == 0)
    }
}
