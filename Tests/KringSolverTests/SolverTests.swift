import Foundation
import KringPlanChecker
import KringSolver
import KringSolverBench
import KringTestSupport
import Testing

/// A generated case: which preset, how much demand per supply, which seed.
struct GeneratedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var spec: InstanceSpec
    var testDescription: String { "\(name) ratio \(spec.demandSupplyRatio) seed \(spec.seed)" }

    static func make(_ name: String, _ spec: InstanceSpec) -> GeneratedCase {
        var spec = spec
        spec.pastFraction = 0.15
        spec.pinnedFraction = 0.05
        spec.publishedFraction = 0.3
        return GeneratedCase(name: name, spec: spec)
    }

    static let all: [GeneratedCase] = [
        .make("small", .small(ratio: 1, seed: 1)), .make("small", .small(ratio: 1, seed: 2)),
        .make("small", .small(ratio: 0.8, seed: 3)), .make("small", .small(ratio: 1.5, seed: 4)),
        .make("small", .small(ratio: 2.5, seed: 5)),
        .make("regions", InstanceSpec(groups: 30, facilitators: 24, regions: 3, demandSupplyRatio: 1, seed: 6)),
        .make("regions", InstanceSpec(groups: 30, facilitators: 24, regions: 3, demandSupplyRatio: 1.6, seed: 7)),
        .make(
            "weekly", InstanceSpec(groups: 12, facilitators: 14, daysBetweenSessions: 7, demandSupplyRatio: 1, seed: 8)),
        // One full regional instance; debug builds make more of them slow, the benchmark covers the rest.
        .make("regional", .regional(ratio: 1.2, seed: 10)),
    ]
}

@Suite struct SolverTests {
    /// Keeps debug-build test runs quick; the search is still a full pipeline.
    static func options(_ spec: InstanceSpec, explain: Bool = false) -> SolverOptions {
        SolverOptions(seed: spec.seed, iterationsPerSlot: spec.groups > 100 ? 5 : 60, explain: explain)
    }

    @Test(arguments: GeneratedCase.all) func plansBreakNoRuleAndScoreIsTrue(_ c: GeneratedCase) throws {
        let instance = InstanceGenerator.generate(c.spec)
        let plan = try AssignmentSolver.solve(instance.problem, options: Self.options(c.spec))
        let violations = PlanChecker.introducedViolations(instance.problem, plan)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        let independent = PlanChecker.score(instance.problem, plan)
        #expect(abs(independent.total - plan.score.total) < 1e-6 * max(1, abs(plan.score.total)))
        #expect(independent.unfilledSlots == plan.score.unfilledSlots)
        #expect(plan.unfilled.count == plan.score.unfilledSlots)
        // The planted plan proves what is possible; the solver must leave no more slots empty.
        #expect(plan.score.unfilledSlots <= instance.plantedUnfilledSlots)
        if c.spec.demandSupplyRatio <= 1 { #expect(plan.score.unfilledSlots == 0) }
    }

    @Test(arguments: GeneratedCase.all.prefix(8)) func plantedPlanIsValidAndSolverBeatsIt(_ c: GeneratedCase) throws {
        let instance = InstanceGenerator.generate(c.spec)
        let planted = PlanFixtures.plan(
            instance.problem,
            Dictionary(
                uniqueKeysWithValues: instance.planted.map {
                    ($0.sessionId, $0.assignments.map { ($0.facilitatorId, $0.isLead) })
                }))
        #expect(PlanChecker.introducedViolations(instance.problem, planted).isEmpty)
        let plan = try AssignmentSolver.solve(instance.problem, options: Self.options(c.spec))
        #expect(plan.score.total <= planted.score.total + 1e-6)
    }

    @Test(arguments: GeneratedCase.all.prefix(8)) func everyExplanationIsConfirmed(_ c: GeneratedCase) throws {
        let instance = InstanceGenerator.generate(c.spec)
        let plan = try AssignmentSolver.solve(instance.problem, options: Self.options(c.spec, explain: true))
        for slot in plan.unfilled {
            #expect(slot.blocks.count == instance.problem.facilitators.count)
            for block in slot.blocks {
                guard let rule = block.rule else {
                    Issue.record("free facilitator \(block.facilitatorId) left slot of \(slot.sessionId) empty")
                    continue
                }
                #expect(
                    PlanChecker.confirms(
                        instance.problem, plan, sessionId: slot.sessionId, facilitatorId: block.facilitatorId,
                        rule: rule),
                    "\(rule) for F\(block.facilitatorId) in \(slot.sessionId)")
            }
        }
        // Explain mode: every choice is at least as good as its runner-up.
        for j in plan.justifications {
            if let delta = j.delta { #expect(delta.total >= -1e-6, "\(j)") }
        }
        #expect(!plan.justifications.isEmpty)
    }

    @Test func sameSeedSamePlan() throws {
        let spec = GeneratedCase.all[5].spec
        let problem = InstanceGenerator.generate(spec).problem
        let a = try AssignmentSolver.solve(problem, options: Self.options(spec))
        let b = try AssignmentSolver.solve(problem, options: Self.options(spec))
        #expect(a == b)
    }

    @Test func pinnedAndPastSurviveAndBreachesAreReported() throws {
        // F2 is pinned although Tuesday is outside their windows; the past session had F1 and F3.
        var f2 = Fixture.person(2)
        f2.windows = [WeeklyWindow(weekday: .monday, startMinute: 0, endMinute: 1440)]
        let problem = AssignmentProblem(
            sessions: [
                Fixture.session(
                    1, at: "2027-03-02 19:00", past: true,
                    existing: [
                        ExistingAssignment(facilitatorId: 1, isLead: true), ExistingAssignment(facilitatorId: 3),
                    ]),
                Fixture.session(
                    2, at: "2027-03-09 19:00", existing: [ExistingAssignment(facilitatorId: 2, pinned: true)]),
            ],
            facilitators: [Fixture.person(1), f2, Fixture.person(3), Fixture.person(4)])
        let plan = try AssignmentSolver.solve(problem)
        let past = try #require(plan.sessions.first { $0.sessionId == 1 })
        #expect(past.assignments.map(\.facilitatorId) == [1, 3])
        let next = try #require(plan.sessions.first { $0.sessionId == 2 })
        #expect(next.assignments.contains { $0.facilitatorId == 2 && $0.isPinned })
        #expect(next.assignments.count == 2)
        #expect(next.assignments.contains { $0.isLead })
        #expect(
            plan.preexistingIssues == [PreexistingIssue(sessionId: 2, facilitatorId: 2, rule: .outsideWeeklyWindow)])
        let found = PlanChecker.violations(problem, plan)
        #expect(found.count == 1 && found.allSatisfy { $0.isPreexisting })
        // Continuity: the new partner is one of last time's pair.
        #expect(next.assignments.contains { [1, 3].contains($0.facilitatorId) })
    }

    @Test func rejectsBadInput() {
        var problem = AssignmentProblem(
            sessions: [Fixture.session(1, at: "2027-03-09 19:00")], facilitators: [Fixture.person(1)])
        problem.facilitators[0].timeZoneIdentifier = "Mars/Olympus"
        #expect(throws: SolverError.self) { try AssignmentSolver.solve(problem) }
    }
}
