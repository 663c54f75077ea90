import Foundation
import KringApp
import KringDomain
import Testing

/// Setting, declining and re-planning assignments, in process.
@Suite struct AssignmentRulesTests {
    func staffedGroup() throws -> (AppHarness, SessionView) {
        let app = try AppHarness()
        try app.openGroup("avond")
        for name in ["An Claes", "Bart Peeters", "Chris Maes"] {
            _ = try app.kring.addFacilitator(FacilitatorRequest(name: name, languages: "nl", lead: true))
        }
        let session = try app.kring.listSessions(group: "avond", from: nil, to: nil)[0]
        return (app, session)
    }

    @Test func assignmentSetRefusesAThirdFacilitatorOnATwoPersonSession() throws {
        let (app, session) = try staffedGroup()
        _ = try app.kring.setAssignment(session: String(session.id), facilitator: "An Claes", pin: false, lead: true)
        _ = try app.kring.setAssignment(
            session: String(session.id), facilitator: "Bart Peeters", pin: false, lead: false)
        let before = try app.dump()
        let refusal = #expect(throws: KringError.self) {
            try app.kring.setAssignment(
                session: String(session.id), facilitator: "Chris Maes", pin: false, lead: false)
        }
        #expect(refusal?.kind == .conflict)
        #expect(try app.dump() == before)
    }

    @Test func aDeclineReplansThatSlotOnlyAndIsRemembered() throws {
        let (app, session) = try staffedGroup()
        let plan = try app.kring.assign(AssignRequest(group: "avond"))
        #expect(plan.unfilled.isEmpty)
        let staffed = try #require(plan.sessions.first { $0.sessionId == session.id })
        let leaving = try #require(staffed.facilitators.first)
        let decline = try app.kring.decline(facilitator: leaving.name, session: String(session.id))
        #expect(!decline.session.facilitators.contains { $0.facilitatorId == leaving.facilitatorId })
        #expect(decline.session.facilitators.count == staffed.facilitators.count)
        #expect(decline.changes.allSatisfy { $0.sessionId == session.id })
        // The next plan respects the decline.
        let next = try app.kring.assign(AssignRequest(group: "avond"))
        let again = try #require(next.sessions.first { $0.sessionId == session.id })
        #expect(!again.facilitators.contains { $0.facilitatorId == leaving.facilitatorId })
    }

    @Test func aDryRunStoresNothing() throws {
        let (app, _) = try staffedGroup()
        let before = try app.dump()
        let plan = try app.kring.assign(AssignRequest(group: "avond", dryRun: true))
        #expect(!plan.sessions.isEmpty)
        #expect(try app.dump() == before)
    }
}
