import Foundation
import KringPlanChecker
import KringSolver
import KringSolverBench
import Testing

@Suite struct ShortageTests {
    @Test func explainsEveryCandidateInCoordinatorWords() throws {
        // Session: Tuesday 2027-03-09 19:00 Paris, French, needs a lead. F1 speaks Dutch only; F3 is busy; F5 has
        // reached the monthly maximum with a pinned session; F7 is excluded from the group.
        let at = Fixture.date("2027-03-09 19:15")
        let problem = AssignmentProblem(
            sessions: [
                Fixture.session(1, group: 1, at: "2027-03-09 19:00", slots: 1),
                Fixture.session(
                    2, group: 2, at: "2027-03-02 19:00", slots: 1,
                    existing: [ExistingAssignment(facilitatorId: 5, isLead: true, pinned: true)]),
            ],
            facilitators: [
                Fixture.person(1, languages: ["nl"]),
                Fixture.person(3, busy: [DateInterval(start: at, duration: 1800)]),
                Fixture.person(5, maxPerMonth: 1), Fixture.person(7, excluded: [1]),
            ])
        let plan = try AssignmentSolver.solve(problem)
        #expect(plan.score.unfilledSlots == 1 && plan.score.missingLeads == 1)
        let slot = try #require(plan.unfilled.first)
        #expect(
            slot.text
                == "no French-speaking lead free on 2027-03-09 19:00: F3 busy (imported calendar), "
                + "F5 over monthly maximum, F7 excluded from this group")
        #expect(
            slot.blocks.map(\.rule) == [
                .language, .busy(DateInterval(start: at, duration: 1800)), .monthlyMaximum(limit: 1),
                .excludedFromGroup,
            ])
        for block in slot.blocks {
            #expect(
                PlanChecker.confirms(problem, plan, sessionId: 1, facilitatorId: block.facilitatorId, rule: block.rule!)
            )
        }
    }

    @Test(arguments: [UInt64(11), 12, 13]) func demandAboveSupplyIsReportedPerCandidate(seed: UInt64) throws {
        let instance = InstanceGenerator.generate(.small(ratio: 3, seed: seed))
        let plan = try AssignmentSolver.solve(instance.problem, options: SolverOptions(seed: seed))
        #expect(plan.score.unfilledSlots > 0)
        #expect(plan.unfilled.count == plan.score.unfilledSlots)
        #expect(PlanChecker.introducedViolations(instance.problem, plan).isEmpty)
        for slot in plan.unfilled {
            #expect(slot.blocks.count == instance.problem.facilitators.count)
            #expect(slot.blocks.allSatisfy { $0.rule != nil })
            #expect(slot.text.hasPrefix("no "))
        }
    }

    @Test func explainModeNamesRunnerUp() throws {
        // F1 prefers the group, F2 does not: F1 should win and the delta should show preference.
        let problem = AssignmentProblem(
            sessions: [Fixture.session(1, at: "2027-03-09 19:00", slots: 1, needsLead: false)],
            facilitators: [Fixture.person(1, preferredGroups: [1]), Fixture.person(2, preferredGroups: [9])])
        let plan = try AssignmentSolver.solve(problem, options: SolverOptions(explain: true))
        let j = try #require(plan.justifications.first)
        #expect(j.facilitatorId == 1 && j.runnerUpId == 2)
        #expect(j.delta?.preference == 1)
        #expect((j.delta?.total ?? 0) > 0)
    }
}
