import Foundation
import KringApp
import KringDomain
import KringStorage
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

/// An erasure interrupted between its commit and its checkpoint (a kill, a crash) leaves the person readable in the
/// database file's old pages or in `-wal`; the mark its transaction left makes the next open finish it.
@Suite struct InterruptedErasureTests {
    @Test func theNextOpenFinishesAnErasureThatWasCommittedButNotCheckpointed() throws {
        let app = try AppHarness()
        try app.openGroup("avond")
        let pseudonym = "Verdwenen Vlinder"
        let enrolled = try app.enrol(pseudonym, in: "avond")
        try app.kring.store.checkpointAndTruncateLog()
        // The erasing transaction as `withdraw --erase` commits it, and then nothing: the process "died".
        try app.kring.store.write { transaction in
            try transaction.deleteParticipant(id: enrolled.participantId)
            try transaction.markErasurePending()
        }
        let files = ["", "-wal"].map {
            FileManager.default.contents(atPath: app.configuration.databasePath + $0) ?? Data()
        }
        #expect(files.contains { $0.range(of: Data(pseudonym.utf8)) != nil }, "the test needs the trace to be there")
        #expect(try app.kring.erasureStatus().clean == false)
        // `app.kring` stays open, as a running service would: the next command's open finishes the erasure.
        let next = try Kring.open(configuration: app.configuration)
        #expect(try next.erasureStatus().clean)
        for suffix in ["", "-wal", "-shm"] {
            let bytes = FileManager.default.contents(atPath: app.configuration.databasePath + suffix) ?? Data()
            #expect(bytes.range(of: Data(pseudonym.utf8)) == nil, "pseudonym in kring.sqlite\(suffix)")
        }
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
