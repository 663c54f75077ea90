import Foundation
import KringApp
import KringDomain
import KringStorage
import Testing

/// A role check and the operation it guards run in one transaction, so nothing (an unassignment, a withdrawal)
/// can change the caller's scope between the check and the change.
@Suite struct ScopedTransactionTests {
    @Test func aScopedCallIsOneTransactionFromCheckToChange() throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let facilitator = ScopedKring(kring: harness.kring, caller: .facilitator(world.facilitatorA.id))
        // Checks (the facilitator's groups, the session's group, the participant's enrolment) and the mark: one.
        let before = harness.kring.transactionsOpened
        _ = try facilitator.markAttendance(
            session: String(world.sessionA.id), participant: world.pseudonymsA[0], status: "excused")
        #expect(harness.kring.transactionsOpened - before == 1)

        let roster = harness.kring.transactionsOpened
        _ = try facilitator.roster(group: String(world.groupA.id), session: String(world.sessionA.id))
        #expect(harness.kring.transactionsOpened - roster == 1)

        let availability = harness.kring.transactionsOpened
        _ = try facilitator.setAvailability(facilitator: "An Claes", weekly: ["tu 18:00-22:00"], anyTime: false)
        #expect(harness.kring.transactionsOpened - availability == 1)
    }

    @Test func anErasureInsideAScopedCallStillTruncatesTheLogAfterCommitting() throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let coordinator = ScopedKring(kring: harness.kring, caller: .coordinator)
        let before = harness.kring.transactionsOpened
        _ = try coordinator.withdraw(String(world.participantA.participantId), group: nil, erase: true)
        #expect(harness.kring.transactionsOpened - before == 1)
        let wal = harness.configuration.databasePath + "-wal"
        let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
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
