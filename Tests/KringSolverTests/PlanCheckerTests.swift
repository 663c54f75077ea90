import Foundation
import KringPlanChecker
import KringSolver
import KringTestSupport
import Testing

/// One planted breach of one rule, built on a valid base plan.
enum Breach: String, CaseIterable, Sendable {
    case language, audience, leadCannotLead, outsideWeeklyWindow, blockout, busy, overlap, weeklyMaximum
    case monthlyMaximum, excludedFromGroup, duplicateInSession, pinnedDropped, pastChanged

    var expected: Violation.Rule {
        switch self {
        case .pinnedDropped, .pastChanged: .fixedAssignmentChanged
        default: Violation.Rule(rawValue: rawValue)!
        }
    }

    /// Session 1 is Tuesday 2027-03-09 19:00–20:30 Paris; F1 leads it, F2 breaks the rule under test.
    func build() -> (AssignmentProblem, AssignmentPlan) {
        let at = Fixture.date("2027-03-09 19:30")
        var people = [Fixture.person(1), Fixture.person(2), Fixture.person(3)]
        var sessions = [Fixture.session(1, at: "2027-03-09 19:00")]
        var layout: [Int64: [(Int64, Bool)]] = [1: [(1, true), (2, false)]]
        switch self {
        case .language: people[1].languages = ["nl"]
        case .audience: people[1].audiences = ["youth"]
        case .leadCannotLead: people[0].canLead = false
        case .outsideWeeklyWindow: people[1].windows = [WeeklyWindow(weekday: .monday, startMinute: 0, endMinute: 1440)]
        case .blockout: people[1].blockouts = [DateInterval(start: at, duration: 3600)]
        case .busy: people[1].busy = [DateInterval(start: at, duration: 600)]
        case .overlap:
            // 15 minutes after the first ends: inside the 30-minute travel buffer.
            sessions.append(Fixture.session(2, group: 2, at: "2027-03-09 20:45", slots: 1, needsLead: false))
            layout[2] = [(2, false)]
        case .weeklyMaximum:
            people[1].maxPerWeek = 1
            sessions.append(Fixture.session(3, group: 2, at: "2027-03-11 19:00", slots: 1, needsLead: false))
            layout[3] = [(2, false)]
        case .monthlyMaximum:
            people[1].maxPerMonth = 1
            sessions.append(Fixture.session(4, group: 2, at: "2027-03-23 19:00", slots: 1, needsLead: false))
            layout[4] = [(2, false)]
        case .excludedFromGroup: people[1].excludedGroups = [1]
        case .duplicateInSession: layout[1] = [(1, true), (1, false)]
        case .pinnedDropped:
            sessions[0].existing = [ExistingAssignment(facilitatorId: 3, pinned: true)]
        case .pastChanged:
            sessions.append(
                Fixture.session(
                    5, group: 1, at: "2027-02-23 19:00", past: true,
                    existing: [ExistingAssignment(facilitatorId: 1, isLead: true)]))
            layout[5] = [(1, true), (2, false)]
        }
        let problem = AssignmentProblem(sessions: sessions, facilitators: people)
        return (problem, PlanFixtures.plan(problem, layout))
    }
}

@Suite struct PlanCheckerTests {
    @Test func validBasePlanHasNoViolation() {
        let problem = AssignmentProblem(
            sessions: [Fixture.session(1, at: "2027-03-09 19:00")],
            facilitators: [Fixture.person(1), Fixture.person(2)])
        #expect(PlanChecker.violations(problem, PlanFixtures.plan(problem, [1: [(1, true), (2, false)]])).isEmpty)
    }

    @Test(arguments: Breach.allCases) func catchesPlantedBreach(_ breach: Breach) {
        let (problem, plan) = breach.build()
        let found = PlanChecker.introducedViolations(problem, plan)
        #expect(found.contains { $0.rule == breach.expected }, "\(breach): \(found)")
    }

    @Test func onlineSessionsNeedNoTravelBuffer() {
        let problem = AssignmentProblem(
            sessions: [
                Fixture.session(1, at: "2027-03-09 17:30", online: true, slots: 1, needsLead: false),
                Fixture.session(2, group: 2, at: "2027-03-09 19:00", online: true, slots: 1, needsLead: false),
            ],
            facilitators: [Fixture.person(1)])
        #expect(
            PlanChecker.violations(problem, PlanFixtures.plan(problem, [1: [(1, false)], 2: [(1, false)]])).isEmpty)
        var inPerson = problem
        inPerson.sessions[1].online = false
        let found = PlanChecker.violations(inPerson, PlanFixtures.plan(inPerson, [1: [(1, false)], 2: [(1, false)]]))
        #expect(found.map(\.rule) == [.overlap])
    }

    @Test func pinnedBreachIsPreexisting() {
        var person = Fixture.person(2)
        person.languages = ["nl"]
        let problem = AssignmentProblem(
            sessions: [
                Fixture.session(
                    1, at: "2027-03-09 19:00", existing: [ExistingAssignment(facilitatorId: 2, pinned: true)])
            ],
            facilitators: [Fixture.person(1), person])
        let found = PlanChecker.violations(problem, PlanFixtures.plan(problem, [1: [(1, true), (2, false)]]))
        #expect(found.map(\.rule) == [.language])
        #expect(found.allSatisfy { $0.isPreexisting })
    }

    @Test func misreportedScoreIsCaught() {
        let problem = AssignmentProblem(
            sessions: [Fixture.session(1, at: "2027-03-09 19:00")], facilitators: [Fixture.person(1)])
        var plan = PlanFixtures.plan(problem, [1: [(1, true)]])
        #expect(PlanChecker.violations(problem, plan).isEmpty)
        plan.score.unfilledSlots = 0
        #expect(PlanChecker.violations(problem, plan).map(\.rule) == [.misreportedScore])
    }

    @Test func confirmsOnlyTrueBlocks() {
        let at = Fixture.date("2027-03-09 19:30")
        let busy = DateInterval(start: at, duration: 600)
        let problem = AssignmentProblem(
            sessions: [
                Fixture.session(1, at: "2027-03-09 19:00"),
                Fixture.session(2, group: 2, at: "2027-03-09 20:45", slots: 1, needsLead: false),
            ],
            facilitators: [
                Fixture.person(1), Fixture.person(2, busy: [busy]), Fixture.person(3, canLead: false, maxPerMonth: 1),
            ])
        let plan = PlanFixtures.plan(problem, [1: [(1, true)], 2: [(3, false)]])
        #expect(PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: 2, rule: .busy(busy)))
        #expect(!PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: 1, rule: .busy(busy)))
        #expect(
            PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: 3, rule: .overlapsOwnSession(sessionId: 2))
        )
        #expect(
            !PlanChecker.confirms(
                problem, plan, sessionId: 1, facilitatorId: 2, rule: .overlapsOwnSession(sessionId: 2)))
        #expect(PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: 3, rule: .monthlyMaximum(limit: 1)))
        #expect(!PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: 3, rule: .weeklyMaximum(limit: 1)))
        #expect(PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: 3, rule: .notLead))
        #expect(!PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: 2, rule: .language))
        #expect(PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: 1, rule: .alreadyInSession))
    }
}
