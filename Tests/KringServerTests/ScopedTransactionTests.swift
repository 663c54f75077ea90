import Foundation
import KringApp
import KringDomain
import KringStorage
import Testing

/// A role check and the operation it guards run in one transaction, so nothing (an unassignment, a withdrawal)
/// can change the caller's scope between the check and the change.
@Suite(.timeLimit(.minutes(10))) struct ScopedTransactionTests {
    /// The crash of issue 9: the checkpoint that makes a cleared address final ran inside the role check's open
    /// transaction and GRDB trapped ("Database methods are not reentrant"). It now runs after the commit.
    @Test func clearingAFacilitatorsContactInAScopedCallRemovesItFromTheFileAndTheLog() throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        let coordinator = ScopedKring(kring: harness.kring, caller: .coordinator)
        let address = "canary-\(UUID().uuidString.lowercased())@example.org"
        _ = try coordinator.updatePlanning(facilitator: "An Claes", FacilitatorPlanningChanges(contact: address))
        let cleared = try coordinator.updatePlanning(
            facilitator: "An Claes", FacilitatorPlanningChanges(clearContact: true))
        #expect(cleared.hasContact == false)
        let wal = harness.configuration.databasePath + "-wal"
        let walSize = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int)
        #expect(walSize == 0, "the -wal file still holds \(walSize) bytes after the address was cleared")
        // And the service's operations keep working after it.
        #expect(try coordinator.listFacilitators().count == 2)
    }

    /// A role check that refuses leaves nothing of the operation behind, and a check that passes sees the same
    /// state as the change: both run inside the one transaction `Kring.write` opens.
    @Test func aRefusedScopedWriteChangesNothing() throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let before = try harness.kring.store.dump()
        let facilitator = ScopedKring(kring: harness.kring, caller: .facilitator(world.facilitatorA.id))
        // Session B belongs to a group An Claes does not facilitate: refused like an unknown session.
        #expect(throws: KringError.self) {
            try facilitator.markAttendance(
                session: String(world.sessionB.id), participant: world.pseudonymsB[0], status: "present")
        }
        #expect(try harness.kring.store.dump() == before)
    }

    @Test func anErasureInsideAScopedCallStillTruncatesTheLogAfterCommitting() throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let coordinator = ScopedKring(kring: harness.kring, caller: .coordinator)
        _ = try coordinator.withdraw(String(world.participantA.participantId), group: nil, erase: true)
        let wal = harness.configuration.databasePath + "-wal"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int)
        #expect(size == 0, "the -wal file still holds \(size) bytes after an erasure")
        #expect(!(try harness.kring.store.dump()).contains(world.pseudonymsA[0]))
    }

    @Test func anotherFacilitatorIsAnsweredLikeAnUnknownOneAndNothingChanges() throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let an = ScopedKring(kring: harness.kring, caller: .facilitator(world.facilitatorA.id))
        let before = try harness.kring.store.dump()
        func refusal(_ body: () throws(KringError) -> Void) -> KringError? {
            do throws(KringError) { try body() } catch { return error }
            return nil
        }
        for reference in ["Bart Peeters", String(world.facilitatorB.id)] {
            let other = refusal { () throws(KringError) in
                _ = try an.blockout(facilitator: reference, from: "2027-02-01", to: "2027-02-03", remove: false)
            }
            #expect(other?.kind == .notFound && other?.field == "facilitator")
            let unknown = refusal { () throws(KringError) in
                _ = try an.blockout(facilitator: "Niemand", from: "2027-02-01", to: "2027-02-03", remove: false)
            }
            #expect(other?.reason == unknown?.reason)
        }
        let participant = ScopedKring(kring: harness.kring, caller: .participant(world.participantA.participantId))
        let forbidden = refusal { () throws(KringError) in
            _ = try participant.setAvailability(facilitator: "An Claes", weekly: [], anyTime: true)
        }
        #expect(forbidden?.isForbidden == true)
        #expect(try harness.kring.store.dump() == before)
    }
}
