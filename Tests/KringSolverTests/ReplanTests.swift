import Foundation
import KringPlanChecker
import KringSolver
import KringSolverBench
import Testing

@Suite struct ReplanTests {
    /// The problem as it stands after publishing `plan`: every assignment published, pins kept.
    static func published(_ problem: AssignmentProblem, _ plan: AssignmentPlan) -> AssignmentProblem {
        var next = problem
        for (k, session) in next.sessions.enumerated() where !session.isPast {
            let planned = plan.sessions.first { $0.sessionId == session.id }!
            next.sessions[k].existing = planned.assignments.map {
                ExistingAssignment(
                    facilitatorId: $0.facilitatorId, isLead: $0.isLead, pinned: $0.isPinned, published: true)
            }
        }
        return next
    }

    @Test(arguments: [UInt64(1), 2, 3]) func declineChangesOnlyWhatItMust(seed: UInt64) throws {
        var spec = InstanceSpec.small(seed: seed)
        spec.pastFraction = 0.2
        spec.pinnedFraction = 0.2
        let instance = InstanceGenerator.generate(spec)
        let first = try AssignmentSolver.solve(
            instance.problem, options: SolverOptions(seed: seed, iterationsPerSlot: 20))
        let problem = Self.published(instance.problem, first)
        var declines = 0
        for session in problem.sessions where !session.isPast {
            guard let victim = session.existing.first(where: { !$0.pinned }) else { continue }
            let plan = try AssignmentSolver.replanAfterDecline(
                problem, sessionId: session.id, facilitatorId: victim.facilitatorId)
            declines += 1
            #expect(PlanChecker.introducedViolations(problem, plan).isEmpty)
            let changes = plan.changes(comparedTo: problem)
            #expect(changes.contains(.init(kind: .removed, sessionId: session.id, facilitatorId: victim.facilitatorId)))
            let planned = plan.sessions.first { $0.sessionId == session.id }!
            #expect(!planned.assignments.contains { $0.facilitatorId == victim.facilitatorId })
            if planned.assignments.count == session.existing.count {
                // Refilled: directly (2 changes) or by a chain, never more than the chain depth allows.
                #expect(changes.count == 2 || (changes.count - 2) % 2 == 0 && changes.count <= 2 + 2 * 2, "\(changes)")
            } else {
                #expect(changes.count == 1, "\(changes)")
                #expect(plan.unfilled.contains { $0.sessionId == session.id })
            }
            // Pinned and past assignments are untouched.
            for s in problem.sessions {
                let kept = plan.sessions.first { $0.sessionId == s.id }!
                for e in s.existing where e.pinned || s.isPast {
                    #expect(kept.assignments.contains { $0.facilitatorId == e.facilitatorId && $0.isLead == e.isLead })
                }
            }
            if declines == 12 { break }
        }
        #expect(declines > 0)
    }

    @Test func declineUsesShortestChainWhenNobodyIsFree() throws {
        // S1 (group 1) and S2 (group 2) overlap. F1 declines S1. F3 cannot do Tuesdays at all in group 1's slot;
        // only F2 can take S1, but F2 is in S2, which F3 can take. Expect exactly: F1 out, F2 moves, F3 in.
        let f3Windows = [WeeklyWindow(weekday: .tuesday, startMinute: 19 * 60 + 30, endMinute: 23 * 60)]
        let problem = AssignmentProblem(
            sessions: [
                Fixture.session(
                    1, group: 1, at: "2027-03-09 19:00", slots: 1, needsLead: false,
                    existing: [ExistingAssignment(facilitatorId: 1, published: true)]),
                Fixture.session(
                    2, group: 2, at: "2027-03-09 19:30", slots: 1, needsLead: false,
                    existing: [ExistingAssignment(facilitatorId: 2, published: true)]),
                Fixture.session(
                    3, group: 3, at: "2027-03-16 19:00", language: "nl", needsLead: true,
                    existing: [ExistingAssignment(facilitatorId: 4, isLead: true, pinned: true)]),
            ],
            facilitators: [
                Fixture.person(1, excluded: [2]), Fixture.person(2), Fixture.person(3, windows: f3Windows),
                Fixture.person(4, languages: ["nl"]),
            ])
        let plan = try AssignmentSolver.replanAfterDecline(problem, sessionId: 1, facilitatorId: 1)
        #expect(PlanChecker.introducedViolations(problem, plan).isEmpty)
        let changes = Set(plan.changes(comparedTo: problem))
        #expect(
            changes
                == Set([
                    .init(kind: .removed, sessionId: 1, facilitatorId: 1),
                    .init(kind: .removed, sessionId: 2, facilitatorId: 2),
                    .init(kind: .added, sessionId: 1, facilitatorId: 2),
                    .init(kind: .added, sessionId: 2, facilitatorId: 3),
                ]))
        #expect(
            plan.sessions[2].assignments.first
                == PlannedAssignment(facilitatorId: 4, isLead: true, isPinned: true, origin: .fixed))
    }

    @Test func declineOfUnknownAssignmentIsRefused() {
        let problem = AssignmentProblem(
            sessions: [Fixture.session(1, at: "2027-03-09 19:00")], facilitators: [Fixture.person(1)])
        #expect(throws: SolverError.self) {
            try AssignmentSolver.replanAfterDecline(problem, sessionId: 1, facilitatorId: 1)
        }
        #expect(throws: SolverError.self) {
            try AssignmentSolver.replanAfterDecline(problem, sessionId: 9, facilitatorId: 1)
        }
    }
}
