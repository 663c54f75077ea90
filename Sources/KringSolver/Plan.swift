import Foundation

/// The hard rule that stops a facilitator from taking a slot, in the order the rules are checked.
///
/// Explanations name the first one that applies, so a coordinator sees the most basic reason.
public enum BlockingRule: Sendable, Codable, Hashable {
    case language
    case audience
    /// The slot is the lead slot and the facilitator may not lead.
    case notLead
    case outsideWeeklyWindow
    case blockout(DateInterval)
    /// A busy time imported from the facilitator's own calendar.
    case busy(DateInterval)
    /// Another session of theirs overlaps, travel buffer included.
    case overlapsOwnSession(sessionId: Int64)
    case weeklyMaximum(limit: Int)
    case monthlyMaximum(limit: Int)
    case excludedFromGroup
    case alreadyInSession
    /// The facilitator declined this very session; only re-planning after a decline uses it.
    case declined

    /// Short phrase for explanations, without the facilitator's name.
    public var phrase: String {
        switch self {
        case .language: "does not speak the language"
        case .audience: "not qualified for this audience"
        case .notLead: "cannot lead"
        case .outsideWeeklyWindow: "outside weekly availability"
        case .blockout: "blocked out"
        case .busy: "busy (imported calendar)"
        case .overlapsOwnSession(let id): "overlaps own session \(id)"
        case .weeklyMaximum: "over weekly maximum"
        case .monthlyMaximum: "over monthly maximum"
        case .excludedFromGroup: "excluded from this group"
        case .alreadyInSession: "already in this session"
        case .declined: "declined this session"
        }
    }
}

/// Where a planned assignment came from, so callers can tell what the solver decided.
public enum AssignmentOrigin: String, Sendable, Codable, Hashable {
    /// Pinned, past or out of scope: kept exactly as given.
    case fixed
    /// Existed before and the solver kept it.
    case kept
    /// Chosen by this run.
    case new
}

/// One facilitator in one session of the plan.
public struct PlannedAssignment: Sendable, Codable, Hashable {
    public var facilitatorId: Int64
    public var isLead: Bool
    public var isPinned: Bool
    public var origin: AssignmentOrigin

    public init(facilitatorId: Int64, isLead: Bool, isPinned: Bool, origin: AssignmentOrigin) {
        self.facilitatorId = facilitatorId
        self.isLead = isLead
        self.isPinned = isPinned
        self.origin = origin
    }
}

/// The facilitators of one session after planning.
public struct PlannedSession: Sendable, Codable, Hashable {
    public var sessionId: Int64
    public var assignments: [PlannedAssignment]

    public init(sessionId: Int64, assignments: [PlannedAssignment]) {
        self.sessionId = sessionId
        self.assignments = assignments
    }
}

/// The objective by component; lower is better everywhere.
///
/// `total = bigM × (unfilledSlots + missingLeads) + Σ weight × component`, where
/// - unfilledSlots: Σ over non-past sessions of max(0, slotsNeeded − assigned);
/// - missingLeads: non-past sessions that need a lead and have no assignment flagged lead by someone who can lead;
/// - continuity: for each group, sessions in time order, Σ over consecutive pairs of the facilitators in the later
///   session who were not in the earlier one;
/// - fairness: Σ over facilitators of load² / capacity, load counted over every session and capacity being the
///   monthly maximum (else 52/12 × weekly maximum, else the default) times the months the problem spans (at least
///   one); minimising it spreads load in proportion to capacity;
/// - preference: Σ over assignments in non-past sessions of one for a group outside the stated preferred groups and
///   one for a weekday (facilitator's zone) outside the stated preferred weekdays, when such preferences exist;
/// - stability: published assignments of non-past sessions that the plan no longer contains.
public struct PlanScore: Sendable, Codable, Hashable {
    /// An empty slot or a session without a lead outweighs any possible change of the soft goals.
    public static let bigM: Double = 1_000_000

    public var unfilledSlots: Int
    public var missingLeads: Int
    public var continuity: Double
    public var fairness: Double
    public var preference: Double
    public var stability: Double
    public var total: Double

    public init(
        unfilledSlots: Int, missingLeads: Int, continuity: Double, fairness: Double, preference: Double,
        stability: Double, weights: ObjectiveWeights
    ) {
        self.unfilledSlots = unfilledSlots
        self.missingLeads = missingLeads
        self.continuity = continuity
        self.fairness = fairness
        self.preference = preference
        self.stability = stability
        self.total =
            Self.bigM * Double(unfilledSlots + missingLeads) + weights.continuity * continuity + weights.fairness
            * fairness + weights.preference * preference + weights.stability * stability
    }
}

/// Why one facilitator could not take an unfilled slot.
public struct CandidateBlock: Sendable, Codable, Hashable {
    public var facilitatorId: Int64
    /// Nil only when the facilitator was free but the run did not touch this session (re-plan of another slot).
    public var rule: BlockingRule?

    public init(facilitatorId: Int64, rule: BlockingRule?) {
        self.facilitatorId = facilitatorId
        self.rule = rule
    }
}

/// A slot left empty, with the first blocking rule for every facilitator and a sentence for coordinators.
public struct UnfilledSlot: Sendable, Codable, Hashable {
    public var sessionId: Int64
    public var isLeadSlot: Bool
    public var blocks: [CandidateBlock]
    /// "no French-speaking lead free on 2027-03-09 19:00: F3 busy (imported calendar), …"
    public var text: String

    public init(sessionId: Int64, isLeadSlot: Bool, blocks: [CandidateBlock], text: String) {
        self.sessionId = sessionId
        self.isLeadSlot = isLeadSlot
        self.blocks = blocks
        self.text = text
    }
}

/// A fixed assignment (pinned or past) that breaks a hard rule: reported, never caused by the solver.
public struct PreexistingIssue: Sendable, Codable, Hashable {
    public var sessionId: Int64
    public var facilitatorId: Int64
    public var rule: BlockingRule

    public init(sessionId: Int64, facilitatorId: Int64, rule: BlockingRule) {
        self.sessionId = sessionId
        self.facilitatorId = facilitatorId
        self.rule = rule
    }
}

/// Change in each objective component; positive means the alternative is worse than the choice.
public struct ScoreDelta: Sendable, Codable, Hashable {
    public var unfilledSlots: Double
    public var missingLeads: Double
    public var continuity: Double
    public var fairness: Double
    public var preference: Double
    public var stability: Double
    /// Weighted sum, big-M terms included.
    public var total: Double

    public init(
        unfilledSlots: Double, missingLeads: Double, continuity: Double, fairness: Double, preference: Double,
        stability: Double, total: Double
    ) {
        self.unfilledSlots = unfilledSlots
        self.missingLeads = missingLeads
        self.continuity = continuity
        self.fairness = fairness
        self.preference = preference
        self.stability = stability
        self.total = total
    }
}

/// Why a chosen facilitator beat the best feasible alternative for the same slot (explain mode).
public struct Justification: Sendable, Codable, Hashable {
    public var sessionId: Int64
    public var facilitatorId: Int64
    /// Nil when nobody else could take the slot.
    public var runnerUpId: Int64?
    /// Score with the runner-up minus score with the choice.
    public var delta: ScoreDelta?

    public init(sessionId: Int64, facilitatorId: Int64, runnerUpId: Int64?, delta: ScoreDelta?) {
        self.sessionId = sessionId
        self.facilitatorId = facilitatorId
        self.runnerUpId = runnerUpId
        self.delta = delta
    }
}

/// A difference between the plan and the assignments that existed before it.
public struct AssignmentChange: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable { case added, removed }

    public var kind: Kind
    public var sessionId: Int64
    public var facilitatorId: Int64

    public init(kind: Kind, sessionId: Int64, facilitatorId: Int64) {
        self.kind = kind
        self.sessionId = sessionId
        self.facilitatorId = facilitatorId
    }
}

/// The solver's answer: who facilitates what, how good it is, and why any slot stayed empty.
public struct AssignmentPlan: Sendable, Codable, Hashable {
    /// Every session of the problem, in the problem's order.
    public var sessions: [PlannedSession]
    public var score: PlanScore
    public var unfilled: [UnfilledSlot]
    public var preexistingIssues: [PreexistingIssue]
    /// Filled only in explain mode.
    public var justifications: [Justification]

    public init(
        sessions: [PlannedSession], score: PlanScore, unfilled: [UnfilledSlot], preexistingIssues: [PreexistingIssue],
        justifications: [Justification]
    ) {
        self.sessions = sessions
        self.score = score
        self.unfilled = unfilled
        self.preexistingIssues = preexistingIssues
        self.justifications = justifications
    }

    /// Assignments added or removed relative to the problem's existing ones (a lead flag change is not counted).
    public func changes(comparedTo problem: AssignmentProblem) -> [AssignmentChange] {
        var planned: [Int64: [Int64]] = [:]
        for session in sessions { planned[session.sessionId] = session.assignments.map(\.facilitatorId) }
        var result: [AssignmentChange] = []
        for session in problem.sessions {
            let before = session.existing.map(\.facilitatorId)
            let after = planned[session.id] ?? []
            for id in before where !after.contains(id) {
                result.append(.init(kind: .removed, sessionId: session.id, facilitatorId: id))
            }
            for id in after where !before.contains(id) {
                result.append(.init(kind: .added, sessionId: session.id, facilitatorId: id))
            }
        }
        return result
    }
}

/// A refusal of the solver's input, carrying what the caller needs to fix it.
public struct SolverError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case unknownTimeZone, duplicateId, invalidInterval, unknownSession, notAssigned, pastSession
    }

    private let code: Code
    /// The offending value (an id or a zone identifier).
    public let value: String
    public let reason: String

    private init(_ code: Code, _ value: String, _ reason: String) {
        self.code = code
        self.value = value
        self.reason = reason
    }

    static func unknownTimeZone(_ id: String) -> SolverError {
        .init(.unknownTimeZone, id, "not a known time zone identifier")
    }
    static func duplicateId(_ id: Int64) -> SolverError {
        .init(.duplicateId, String(id), "the same id appears twice")
    }
    static func invalidInterval(_ id: Int64) -> SolverError {
        .init(.invalidInterval, String(id), "session ends before it starts")
    }
    static func unknownSession(_ id: Int64) -> SolverError {
        .init(.unknownSession, String(id), "no session with this id")
    }
    static func notAssigned(_ id: Int64) -> SolverError {
        .init(.notAssigned, String(id), "this facilitator is not assigned to the session")
    }
    static func pastSession(_ id: Int64) -> SolverError {
        .init(.pastSession, String(id), "the session is in the past and cannot be re-planned")
    }

    public var description: String { "'\(value)': \(reason)" }
}
