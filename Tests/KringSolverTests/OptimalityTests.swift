import Foundation
import KringPlanChecker
import KringSolver
import KringTestSupport
import Testing

/// Tiny random instances small enough to enumerate every plan.
enum Tiny {
    static func problem(seed: UInt64) -> AssignmentProblem {
        var rng = SystemRandomNumberGenerator.Seeded(seed: seed)
        let starts = ["2027-03-09 19:00", "2027-03-09 20:30", "2027-03-16 19:00", "2027-03-11 18:00"]
        var sessions: [PlanningSession] = []
        for k in 0..<3 {
            sessions.append(
                Fixture.session(
                    Int64(k + 1), group: k == 1 ? 2 : 1, at: starts[rng.below(4)],
                    language: rng.below(4) == 0 ? "nl" : "fr",
                    online: rng.below(2) == 0, needsLead: rng.below(3) != 0))
        }
        if rng.below(2) == 0 {
            sessions[0].existing = [ExistingAssignment(facilitatorId: 1 + Int64(rng.below(4)), published: true)]
        }
        if rng.below(3) == 0 {
            sessions[2].existing = [ExistingAssignment(facilitatorId: 1 + Int64(rng.below(4)), pinned: true)]
        }
        let people = (1...4).map { id in
            Fixture.person(
                Int64(id), languages: rng.below(3) == 0 ? ["fr", "nl"] : ["fr"], canLead: rng.below(2) == 0,
                maxPerWeek: rng.below(3) == 0 ? 1 : nil, maxPerMonth: rng.below(4) == 0 ? 2 : nil,
                busy: rng.below(4) == 0
                    ? [DateInterval(start: Fixture.date(starts[rng.below(4)]), duration: 1800)] : [],
                preferredGroups: rng.below(2) == 0 ? [1 + Int64(rng.below(2))] : [],
                preferredWeekdays: rng.below(3) == 0 ? [.thursday] : [])
        }
        return AssignmentProblem(sessions: sessions, facilitators: people)
    }

    /// Best objective over every plan that keeps pinned assignments and breaks no rule (checker-judged).
    static func bruteForce(_ problem: AssignmentProblem) -> Double {
        let ids = problem.facilitators.map(\.id)
        var perSession: [[[(Int64, Bool)]]] = []
        for session in problem.sessions {
            let pinned = session.existing.filter(\.pinned).map { ($0.facilitatorId, $0.isLead) }
            let open = session.slotsNeeded - pinned.count
            var options: [[(Int64, Bool)]] = [pinned]
            if open >= 1 {
                for a in ids where !pinned.contains(where: { $0.0 == a }) {
                    options.append(pinned + [(a, session.needsLead)])
                    if open >= 2 {
                        for b in ids where b != a && !pinned.contains(where: { $0.0 == b }) {
                            if !session.needsLead && b < a { continue }
                            options.append(pinned + [(a, session.needsLead), (b, false)])
                        }
                    }
                    if open >= 2 && session.needsLead { options.append(pinned + [(a, false)]) }
                }
            }
            // Drop choices that already break a rule on their own.
            perSession.append(
                options.filter { choice in
                    let alone = PlanFixtures.plan(problem, [session.id: choice])
                    // Other sessions are empty in this partial plan, so their pins look "changed"; ignore that.
                    return PlanChecker.introducedViolations(problem, alone).allSatisfy {
                        $0.rule == .fixedAssignmentChanged
                    }
                })
        }
        var best = Double.infinity
        func walk(_ k: Int, _ layout: [Int64: [(Int64, Bool)]]) {
            if k == problem.sessions.count {
                let plan = PlanFixtures.plan(problem, layout)
                if PlanChecker.introducedViolations(problem, plan).isEmpty { best = min(best, plan.score.total) }
                return
            }
            for choice in perSession[k] {
                var next = layout
                next[problem.sessions[k].id] = choice
                walk(k + 1, next)
            }
        }
        walk(0, [:])
        return best
    }
}

extension SystemRandomNumberGenerator {
    /// Test-only seeded generator, so each tiny instance is reproducible.
    typealias Seeded = SplitMix64
}

@Suite struct OptimalityTests {
    @Test(arguments: 1...16) func matchesBruteForceOptimum(seed: Int) throws {
        let problem = Tiny.problem(seed: UInt64(seed))
        let optimum = Tiny.bruteForce(problem)
        let plan = try AssignmentSolver.solve(problem, options: SolverOptions(seed: UInt64(seed)))
        #expect(PlanChecker.introducedViolations(problem, plan).isEmpty)
        #expect(abs(plan.score.total - optimum) < 1e-6, "solver \(plan.score.total) optimum \(optimum)")
    }
}
