import Foundation
import KringApp
import KringDomain
import KringStorage
import Testing

/// Declining a pinned assignment is the caller's conflict to resolve, not a planner failure: before, the re-plan
/// moved the pinned facilitator, the checker rejected it and the service answered 500.
@Suite(.timeLimit(.minutes(10))) struct DeclineTests {
    @Test func decliningAPinnedSessionIsAConflictNamingThePinAndChangesNothing() throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let before = try harness.kring.store.dump()
        do {
            _ = try harness.kring.decline(facilitator: "An Claes", session: String(world.sessionA.id))
            Issue.record("a pinned session was declined")
        } catch {
            #expect(error.kind == .conflict)
            #expect(error.field == "session" && error.reason.contains("pinned"))
        }
        #expect(try harness.kring.store.dump() == before)
    }
}
