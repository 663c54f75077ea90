import ArgumentParser
import Foundation
import KringPlanChecker
import KringSolver
import KringSolverBench

/// The assignment benchmark tool: `run` benchmarks Kring on a generated instance, `check` judges a plan from the
/// CP-SAT reference model with Kring's own checker.
@main
struct KringAssignBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kring-assign-bench",
        abstract: "Benchmark the facilitator assignment solver against generated instances.",
        subcommands: [Run.self, Check.self],
        defaultSubcommand: Run.self)
}

/// Generates one instance, solves it with Kring, checks the plan and prints the figures as JSON lines.
///
/// Writes the instance and the plans as JSON into `--out` so the CP-SAT reference model (`cpsat_model.py`) solves
/// exactly the same problem and re-scores Kring's plan with its own formula.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the facilitator assignment solver on a generated instance.",
        discussion: """
            Prints one JSON line for the plan from scratch and, unless --no-disruption, one for re-planning after \
            5 % of the facilitators drop out from week 20.

            Example:
              kring-assign-bench run --size regional --ratio 1.0 --seed 2 --out /tmp/kring-bench/regional-2
            """)

    enum Size: String, ExpressibleByArgument, CaseIterable {
        case small, regional, national
    }

    @Option(help: "Instance size: small (5 groups, 10 facilitators), regional (200, 150) or national (500, 400).")
    var size: Size = .small

    @Option(help: "Demand over supply; above 1 some sessions cannot all be staffed.")
    var ratio: Double = 1

    @Option(help: "Seed of the instance generator.")
    var seed: UInt64 = 1

    @Option(help: "Seed of the solver's local search.")
    var solverSeed: UInt64 = 1

    @Option(help: "Local-search moves per open slot (SolverOptions.iterationsPerSlot).")
    var iterationsPerSlot: Int = SolverOptions().iterationsPerSlot

    @Option(help: "Folder for instance.json, kring-plan.json and the disrupted pair.")
    var out: String?

    @Option(help: "Share of facilitators removed in the disruption case.")
    var removedShare: Double = 0.05

    @Option(help: "First week (1 = the week of the first session) without the removed facilitators.")
    var fromWeek: Int = 20

    @Flag(help: "Skip the disruption case.")
    var noDisruption = false

    func validate() throws {
        guard ratio > 0 else { throw ValidationError("--ratio must be positive") }
        guard (0...1).contains(removedShare) else { throw ValidationError("--removed-share must be within 0...1") }
        guard fromWeek >= 1 else { throw ValidationError("--from-week must be at least 1") }
        guard iterationsPerSlot >= 0 else { throw ValidationError("--iterations-per-slot must not be negative") }
    }

    func run() throws {
        let spec: InstanceSpec =
            switch size {
            case .small: .small(ratio: ratio, seed: seed)
            case .regional: .regional(ratio: ratio, seed: seed)
            case .national: .national(ratio: ratio, seed: seed)
            }
        let instance = InstanceGenerator.generate(spec)
        let problem = instance.problem
        let folder = out.map { URL(fileURLWithPath: $0, isDirectory: true) }
        if let folder {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try BenchJSON.write(problem, to: folder.appendingPathComponent("instance.json"))
        }
        let options = SolverOptions(seed: solverSeed, iterationsPerSlot: iterationsPerSlot)

        let rssBefore = ResourceUsage.peakResidentMegabytes()
        let (plan, seconds) = try Stopwatch.time { try AssignmentSolver.solve(problem, options: options) }
        let rssAfter = ResourceUsage.peakResidentMegabytes()
        if let folder { try BenchJSON.write(PlanFile(plan), to: folder.appendingPathComponent("kring-plan.json")) }

        var base = Figures(
            case: "base", size: size.rawValue, ratio: ratio, seed: seed, problem: problem, plan: plan,
            seconds: seconds, peakMegabytes: rssAfter, peakBeforeSolveMegabytes: rssBefore)
        base.plantedUnfilled = instance.plantedUnfilledSlots
        try BenchJSON.printLine(base)

        guard !noDisruption else { return }
        let disruption = Disruption.make(
            problem: problem, plan: plan, fromWeek: fromWeek, share: removedShare, seed: seed)
        if let folder {
            try BenchJSON.write(disruption.problem, to: folder.appendingPathComponent("disrupted-instance.json"))
        }
        let (replanned, replanSeconds) = try Stopwatch.time {
            try AssignmentSolver.solve(disruption.problem, options: options)
        }
        if let folder {
            try BenchJSON.write(PlanFile(replanned), to: folder.appendingPathComponent("disrupted-plan.json"))
        }
        var figures = Figures(
            case: "disruption", size: size.rawValue, ratio: ratio, seed: seed, problem: disruption.problem,
            plan: replanned, seconds: replanSeconds, peakMegabytes: ResourceUsage.peakResidentMegabytes(),
            peakBeforeSolveMegabytes: rssAfter)
        let changes = replanned.changes(comparedTo: disruption.problem)
        let removed = changes.filter { $0.kind == .removed }.count
        figures.disruption = DisruptionFigures(
            removedFacilitators: disruption.removed.count, forcedRemovals: disruption.forcedRemovals,
            removedAssignments: removed, addedAssignments: changes.count - removed,
            changedAssignments: changes.count, unforcedRemovals: removed - disruption.forcedRemovals,
            replannedSessions: disruption.problem.sessions.filter { !$0.isPast }.count)
        try BenchJSON.printLine(figures)
    }
}

/// Judges a plan made elsewhere (the CP-SAT reference model's) with Kring's own checker and objective.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a plan JSON against an instance JSON with PlanChecker and print its figures.",
        discussion: """
            Example:
              kring-assign-bench check --instance /tmp/kring-bench/small-1/instance.json \
                --plan /tmp/kring-bench/small-1/cpsat-10x.json
            """)

    @Option(help: "instance.json written by `run --out`.")
    var instance: String

    @Option(help: "A plan: {\"sessions\": [{\"sessionId\", \"assignments\": [{\"facilitatorId\", \"isLead\"}]}]}.")
    var plan: String

    @Option(help: "Copied into the output line.")
    var label: String = ""

    func run() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let problem = try decoder.decode(
            AssignmentProblem.self, from: Data(contentsOf: URL(fileURLWithPath: instance)))
        let file = try decoder.decode(PlanInput.self, from: Data(contentsOf: URL(fileURLWithPath: plan)))
        var assignmentPlan = file.plan(for: problem)
        assignmentPlan.score = PlanChecker.score(problem, assignmentPlan)
        let violations = PlanChecker.violations(problem, assignmentPlan)
        // The plan carries the checker's own score, so only rule violations can be reported here.
        let introduced = violations.filter { !$0.isPreexisting && $0.rule != .unexplainedSlot }
        let score = assignmentPlan.score
        try BenchJSON.printLine(
            CheckFigures(
                label: label, hardViolations: introduced.count,
                violationSample: introduced.prefix(5).map(\.description), unfilledSlots: score.unfilledSlots,
                missingLeads: score.missingLeads, continuity: score.continuity, fairness: score.fairness,
                preference: score.preference, stability: score.stability, objective: score.total))
    }
}

/// Wall-clock timing on the monotonic clock.
enum Stopwatch {
    static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try body()
        let elapsed = start.duration(to: clock.now).components
        return (value, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }
}
