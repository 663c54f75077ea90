import Foundation
import KringPlanChecker
import KringSolver

/// One JSON line of results: the plan's hard violations (judged by `PlanChecker`), its objective by component,
/// and the run's cost.
struct Figures: Encodable {
    var `case`: String
    var size: String
    var ratio: Double
    var seed: UInt64
    var sessions: Int
    var facilitators: Int
    /// Slots of sessions that are not in the past.
    var openSlots: Int
    var plantedUnfilled: Int?
    /// Violations the plan introduced; pre-existing ones (pinned or past input) are counted apart.
    var hardViolations: Int
    var preexistingViolations: Int
    var violationSample: [String]
    var unfilledSlots: Int
    var missingLeads: Int
    var continuity: Double
    var fairness: Double
    var preference: Double
    var stability: Double
    var objective: Double
    /// The same objective recomputed by the independent checker from the definition on `PlanScore`.
    var checkerObjective: Double
    var wallSeconds: Double
    /// Peak resident set of the whole process (getrusage), so instance generation is included.
    var peakRssMegabytes: Double
    var peakRssBeforeSolveMegabytes: Double
    var disruption: DisruptionFigures?

    init(
        case name: String, size: String, ratio: Double, seed: UInt64, problem: AssignmentProblem,
        plan: AssignmentPlan, seconds: Double, peakMegabytes: Double, peakBeforeSolveMegabytes: Double
    ) {
        self.case = name
        self.size = size
        self.ratio = ratio
        self.seed = seed
        sessions = problem.sessions.count
        facilitators = problem.facilitators.count
        openSlots = problem.sessions.filter { !$0.isPast }.reduce(0) { $0 + $1.slotsNeeded }
        let violations = PlanChecker.violations(problem, plan)
        let introduced = violations.filter { !$0.isPreexisting }
        hardViolations = introduced.count
        preexistingViolations = violations.count - introduced.count
        violationSample = introduced.prefix(5).map(\.description)
        let score = plan.score
        unfilledSlots = score.unfilledSlots
        missingLeads = score.missingLeads
        continuity = score.continuity
        fairness = score.fairness
        preference = score.preference
        stability = score.stability
        objective = score.total
        checkerObjective = PlanChecker.score(problem, plan).total
        wallSeconds = seconds
        peakRssMegabytes = peakMegabytes
        peakRssBeforeSolveMegabytes = peakBeforeSolveMegabytes
    }
}

/// What the re-plan after losing facilitators changed.
struct DisruptionFigures: Encodable {
    var removedFacilitators: Int
    /// Published assignments of the removed facilitators from the cut-off week: these must change.
    var forcedRemovals: Int
    var removedAssignments: Int
    var addedAssignments: Int
    /// Removed plus added, as `AssignmentPlan.changes(comparedTo:)` counts them.
    var changedAssignments: Int
    /// Published assignments dropped although their facilitator was still available.
    var unforcedRemovals: Int
    var replannedSessions: Int
}

/// The part of a plan the reference model needs: who sits in which session, as lead or not, and Kring's score.
struct PlanFile: Encodable {
    struct Session: Encodable {
        var sessionId: Int64
        var assignments: [Assignment]
    }
    struct Assignment: Encodable {
        var facilitatorId: Int64
        var isLead: Bool
    }

    var sessions: [Session]
    var score: PlanScore

    init(_ plan: AssignmentPlan) {
        sessions = plan.sessions.map { s in
            Session(
                sessionId: s.sessionId,
                assignments: s.assignments.map { Assignment(facilitatorId: $0.facilitatorId, isLead: $0.isLead) })
        }
        score = plan.score
    }
}

/// A plan as the reference model writes it; lead flags and membership are all the checker needs.
struct PlanInput: Decodable {
    struct Session: Decodable {
        var sessionId: Int64
        var assignments: [Assignment]
    }
    struct Assignment: Decodable {
        var facilitatorId: Int64
        var isLead: Bool
    }

    var sessions: [Session]

    func plan(for problem: AssignmentProblem) -> AssignmentPlan {
        var pinned: [Int64: Set<Int64>] = [:]
        for s in problem.sessions { pinned[s.id] = Set(s.existing.filter(\.pinned).map(\.facilitatorId)) }
        let planned = sessions.map { s in
            PlannedSession(
                sessionId: s.sessionId,
                assignments: s.assignments.map {
                    PlannedAssignment(
                        facilitatorId: $0.facilitatorId, isLead: $0.isLead,
                        isPinned: pinned[s.sessionId]?.contains($0.facilitatorId) ?? false, origin: .new)
                })
        }
        let empty = PlanScore(
            unfilledSlots: 0, missingLeads: 0, continuity: 0, fairness: 0, preference: 0, stability: 0,
            weights: problem.weights)
        return AssignmentPlan(
            sessions: planned, score: empty, unfilled: [], preexistingIssues: [], justifications: [])
    }
}

/// The checker's verdict on a plan from elsewhere.
struct CheckFigures: Encodable {
    var label: String
    var hardViolations: Int
    var violationSample: [String]
    var unfilledSlots: Int
    var missingLeads: Int
    var continuity: Double
    var fairness: Double
    var preference: Double
    var stability: Double
    var objective: Double
}

enum BenchJSON {
    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        // Plain Unix seconds, so the Python side needs no knowledge of Foundation's reference date.
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return encoder
    }

    static func write(_ value: some Encodable, to url: URL) throws {
        try encoder(pretty: false).encode(value).write(to: url)
    }

    static func printLine(_ value: some Encodable) throws {
        print(String(decoding: try encoder(pretty: false).encode(value), as: UTF8.self))
    }
}
