import Foundation
import KringApp
import KringDomain
import KringStorage
import Testing

/// Issue 12: every change leaves one audit entry, recorded by `Kring.write` itself, with ids only.
@Suite struct AuditTrailTests {
    @Test func everyChangeIsRecordedWithIdsAndNothingPersonal() throws {
        let app = try AppHarness()
        try app.openGroup("avond", capacity: 1)
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        let first = try app.enrol("Stille Eik", in: "avond", contact: canary)
        try app.enrol("Blauwe Reiger", in: "avond")
        _ = try app.kring.withdraw("Stille Eik", group: "avond", erase: true)
        let entries = try app.kring.audit(AuditQuery())
        #expect(entries.map(\.operation).suffix(3) == ["enrol", "enrol", "withdraw"])
        #expect(entries.allSatisfy { $0.role == "coordinator" && $0.localUser != nil && $0.tokenId == nil })
        let erased = try app.kring.audit(AuditQuery(participant: String(first.participantId)))
        #expect(erased.map(\.operation) == ["enrol", "withdraw"])
        // The erased person's entries keep an id that no longer resolves.
        #expect(throws: KringError.self) { try app.kring.listKeepApart(participant: String(first.participantId)) }
        let json = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
        for secret in ["Stille Eik", "Blauwe Reiger", canary, "canary-"] { #expect(!json.contains(secret)) }
        let auditRows = try app.dump().split(separator: "\n# ").filter { $0.hasPrefix("audit_") }.joined()
        #expect(!auditRows.isEmpty)
        for secret in ["Stille Eik", "Blauwe Reiger", canary, "canary-"] { #expect(!auditRows.contains(secret)) }
    }

    @Test func aRefusedOrRehearsedChangeLeavesNoEntry() throws {
        let app = try AppHarness()
        try app.openGroup("avond")
        try app.enrol("Stille Eik", in: "avond")
        let before = try app.dump()
        #expect(throws: KringError.self) { try app.enrol("Stille Eik", in: "avond") }
        let preview = try app.kring.rehearsing().withdraw("Stille Eik", group: "avond", erase: true)
        #expect(preview.erased)
        #expect(try app.dump() == before)
    }

    @Test func entriesPastRetentionArePurged() throws {
        let app = try AppHarness()
        _ = try app.kring.setConfig("retention-days", "30")
        try app.openGroup("avond")
        #expect(!(try app.kring.audit(AuditQuery())).isEmpty)
        app.advance(days: 40)
        let reopened = try Kring.open(configuration: app.configuration)
        #expect(try reopened.audit(AuditQuery()).allSatisfy { $0.role == "system" })
    }

    @Test func undoRestoresACancelledSessionAndTakesADeclineBack() throws {
        let app = try AppHarness()
        try app.openGroup("avond")
        let cancelled = try app.kring.cancelSession("2")
        #expect(cancelled.status == .cancelled)
        let restored = try app.kring.restoreSession("2")
        #expect(restored.status == .scheduled)
        #expect(throws: KringError.self) { try app.kring.restoreSession("2") }
    }
}
