import KringPlanChecker
import KringSolver

/// Plans written by hand for the checker to judge, scored by the checker itself.
public enum PlanFixtures {
    /// A plan as a test would write it: `[sessionId: [(facilitatorId, isLead)]]`; pins follow the problem.
    public static func plan(
        _ problem: AssignmentProblem, _ layout: [Int64: [(Int64, Bool)]], origin: AssignmentOrigin = .new
    ) -> AssignmentPlan {
        let sessions = problem.sessions.map { session in
            PlannedSession(
                sessionId: session.id,
                assignments: (layout[session.id] ?? []).map { facilitator, lead in
                    let pinned = session.existing.contains { $0.facilitatorId == facilitator && $0.pinned }
                    return PlannedAssignment(facilitatorId: facilitator, isLead: lead, isPinned: pinned, origin: origin)
                })
        }
        var plan = AssignmentPlan(
            sessions: sessions,
            score: PlanScore(
                unfilledSlots: 0, missingLeads: 0, continuity: 0, fairness: 0, preference: 0, stability: 0,
                weights: problem.weights),
            unfilled: [], preexistingIssues: [], justifications: [])
        plan.score = PlanChecker.score(problem, plan)
        return plan
    }

    /// The stored assignments of a problem as a plan, so the checker can judge what the database holds.
    public static func storedPlan(_ problem: AssignmentProblem) -> AssignmentPlan {
        var layout: [Int64: [(Int64, Bool)]] = [:]
        for session in problem.sessions {
            layout[session.id] = session.existing.map { ($0.facilitatorId, $0.isLead) }
        }
        return plan(problem, layout, origin: .kept)
    }
}
