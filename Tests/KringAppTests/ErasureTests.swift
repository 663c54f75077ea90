import Foundation
import KringApp
import KringDomain
import KringTestSupport
import Testing

/// Privacy rule 9 in process: an erasure or a cleared address leaves nothing in the database file or its log,
/// and the checkpoint that makes it so runs after the commit, wherever the operation was called from.
@Suite struct ErasureTests {
    @Test func erasureRemovesThePersonTheirInvitesAndEveryTraceInTheLog() throws {
        let app = try AppHarness()
        _ = try app.kring.setConfig("organizer", "groepen@example.org")
        try app.openGroup("avond")
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        let enrolled = try app.enrol("Stille Eik", in: "avond", contact: canary)
        #expect(try app.kring.listInvites().contains { $0.participantId == enrolled.participantId })
        let change = try app.kring.withdraw("Stille Eik", group: nil, erase: true)
        #expect(change.erased)
        #expect(change.droppedInvites >= 1)
        #expect(try app.kring.listInvites().isEmpty)
        #expect(try app.walSize() == 0)
        #expect(!(try app.dump()).contains("Stille Eik"))
        #expect(CanaryScan.traces(of: canary, inDatabase: app.configuration.databasePath) == [])
    }

    @Test func clearingAFacilitatorsAddressThroughTheScopedServiceTruncatesTheLog() throws {
        let app = try AppHarness()
        _ = try app.kring.addFacilitator(FacilitatorRequest(name: "An Claes", languages: "nl", lead: true))
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        let coordinator = ScopedKring(kring: app.kring, caller: .coordinator)
        _ = try coordinator.updatePlanning(facilitator: "An Claes", FacilitatorPlanningChanges(contact: canary))
        let view = try coordinator.updatePlanning(
            facilitator: "An Claes", FacilitatorPlanningChanges(clearContact: true))
        #expect(!view.hasContact)
        #expect(try app.walSize() == 0)
        #expect(CanaryScan.traces(of: canary, inDatabase: app.configuration.databasePath) == [])
        // The same Kring keeps serving after the checkpoint.
        #expect(try coordinator.listFacilitators().map(\.name) == ["An Claes"])
    }

    @Test func aParticipantsWithdrawalThroughTheScopedServiceLeavesTheirPlaceToTheWaitlist() throws {
        let app = try AppHarness()
        try app.openGroup("avond", capacity: 1)
        let first = try app.enrol("Stille Eik", in: "avond")
        try app.enrol("Blauwe Reiger", in: "avond")
        let participant = ScopedKring(kring: app.kring, caller: .participant(first.participantId))
        let change = try participant.withdraw("Stille Eik", group: nil, erase: false)
        // The participant does not learn who moved up; the roster shows that it happened.
        #expect(change.promoted.isEmpty)
        #expect(try app.kring.roster(group: "avond", session: nil).enrolled.map(\.pseudonym) == ["Blauwe Reiger"])
        // Erasure stays the coordinator's.
        let refusal = #expect(throws: KringError.self) {
            try participant.withdraw("Stille Eik", group: nil, erase: true)
        }
        #expect(refusal?.kind == .forbidden)
    }
}

/// Security review 2026-11, F1: ids of people and queued messages are never handed out twice, so nothing keyed by
/// an old id (a cached feed, an invite file named `<id>-request.ics`) can reach the next person.
@Suite struct IdReuseTests {
    @Test func participantAndOutboxIdsOfAnErasedPersonAreNotReused() throws {
        let harness = try AppHarness()
        _ = try harness.kring.setConfig("organizer", "groepen@example.org")
        try harness.openGroup("avond-a")
        let erased = try harness.enrol("Verre Ster", in: "avond-a", contact: "ster@example.org")
        let erasedInvites = try harness.kring.listInvites().map(\.id)
        #expect(!erasedInvites.isEmpty)
        _ = try harness.kring.withdraw(String(erased.participantId), group: nil, erase: true)
        #expect(try harness.kring.listInvites().isEmpty)

        let next = try harness.enrol("Late Merel", in: "avond-a", contact: "merel@example.org")
        #expect(next.participantId > erased.participantId, "participant id \(erased.participantId) came back")
        let nextInvites = try harness.kring.listInvites().map(\.id)
        #expect(!nextInvites.isEmpty)
        #expect(nextInvites.min()! > erasedInvites.max()!, "outbox ids \(erasedInvites) came back: \(nextInvites)")
    }
}
