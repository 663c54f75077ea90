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
}
