import Foundation

/// A day of the week, ISO numbered (Monday = 1), as facilitators state their availability.
public enum Weekday: Int, Sendable, Codable, Hashable, CaseIterable, Comparable {
    case monday = 1
    case tuesday, wednesday, thursday, friday, saturday, sunday

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A recurring stretch of one weekday in the facilitator's own wall-clock time.
///
/// Minutes count from local midnight; `endMinute` may be 1440. A session fits when one window holds it whole.
public struct WeeklyWindow: Sendable, Codable, Hashable {
    public var weekday: Weekday
    public var startMinute: Int
    public var endMinute: Int

    public init(weekday: Weekday, startMinute: Int, endMinute: Int) {
        self.weekday = weekday
        self.startMinute = startMinute
        self.endMinute = endMinute
    }
}

/// An assignment that exists before the solver runs (drafted, published or pinned by a coordinator).
public struct ExistingAssignment: Sendable, Codable, Hashable {
    public var facilitatorId: Int64
    public var isLead: Bool
    /// A pinned assignment is never changed by the solver, even when it breaks a rule.
    public var pinned: Bool
    /// Facilitators have been told about a published assignment, so changing it costs stability.
    public var published: Bool

    public init(facilitatorId: Int64, isLead: Bool = false, pinned: Bool = false, published: Bool = false) {
        self.facilitatorId = facilitatorId
        self.isLead = isLead
        self.pinned = pinned
        self.published = published
    }
}

/// One meeting of a group that needs facilitators.
public struct PlanningSession: Sendable, Codable, Hashable, Identifiable {
    public var id: Int64
    public var groupId: Int64
    /// UTC instants.
    public var start: Date
    public var end: Date
    /// Language code such as `fr`; facilitators must list the same code.
    public var language: String
    /// Audience code such as `parents`; facilitators must be qualified for it.
    public var audience: String
    /// Two online sessions need no travel buffer between them.
    public var online: Bool
    public var slotsNeeded: Int
    public var needsLead: Bool
    /// Past sessions are history: their assignments are kept exactly as given.
    public var isPast: Bool
    public var existing: [ExistingAssignment]
    /// The group's zone, used only to display times in explanations.
    public var timeZoneIdentifier: String

    public init(
        id: Int64, groupId: Int64, start: Date, end: Date, language: String, audience: String,
        online: Bool = false, slotsNeeded: Int = 2, needsLead: Bool = true, isPast: Bool = false,
        existing: [ExistingAssignment] = [], timeZoneIdentifier: String = "UTC"
    ) {
        self.id = id
        self.groupId = groupId
        self.start = start
        self.end = end
        self.language = language
        self.audience = audience
        self.online = online
        self.slotsNeeded = slotsNeeded
        self.needsLead = needsLead
        self.isPast = isPast
        self.existing = existing
        self.timeZoneIdentifier = timeZoneIdentifier
    }
}

/// A volunteer who can be assigned to sessions, with everything the hard rules and soft goals need.
public struct PlanningFacilitator: Sendable, Codable, Hashable, Identifiable {
    public var id: Int64
    /// Shown in explanations ("F3 busy"); use the name coordinators already see.
    public var displayName: String
    public var languages: Set<String>
    public var canLead: Bool
    public var audiences: Set<String>
    /// Counted per ISO week in the facilitator's zone.
    public var maxPerWeek: Int?
    /// Counted per calendar month in the facilitator's zone.
    public var maxPerMonth: Int?
    public var windows: [WeeklyWindow]
    public var timeZoneIdentifier: String
    public var blockouts: [DateInterval]
    /// Busy times imported from the facilitator's own calendar.
    public var busy: [DateInterval]
    /// Groups this facilitator must not serve; the caller folds participant conflicts of interest in here.
    public var excludedGroups: Set<Int64>
    public var preferredGroups: Set<Int64>
    public var preferredWeekdays: Set<Weekday>

    public init(
        id: Int64, displayName: String, languages: Set<String>, canLead: Bool, audiences: Set<String>,
        maxPerWeek: Int? = nil, maxPerMonth: Int? = nil, windows: [WeeklyWindow], timeZoneIdentifier: String,
        blockouts: [DateInterval] = [], busy: [DateInterval] = [], excludedGroups: Set<Int64> = [],
        preferredGroups: Set<Int64> = [], preferredWeekdays: Set<Weekday> = []
    ) {
        self.id = id
        self.displayName = displayName
        self.languages = languages
        self.canLead = canLead
        self.audiences = audiences
        self.maxPerWeek = maxPerWeek
        self.maxPerMonth = maxPerMonth
        self.windows = windows
        self.timeZoneIdentifier = timeZoneIdentifier
        self.blockouts = blockouts
        self.busy = busy
        self.excludedGroups = excludedGroups
        self.preferredGroups = preferredGroups
        self.preferredWeekdays = preferredWeekdays
    }
}

/// How much each soft goal counts; hard rules and unfilled slots are never traded against these.
///
/// The objective, minimised, is documented on `PlanScore`.
public struct ObjectiveWeights: Sendable, Codable, Hashable {
    public var continuity: Double
    public var fairness: Double
    public var preference: Double
    public var stability: Double
    /// Monthly capacity assumed for fairness when a facilitator states no maximum.
    public var defaultMonthlyCapacity: Double

    public init(
        continuity: Double = 3, fairness: Double = 1, preference: Double = 1, stability: Double = 10,
        defaultMonthlyCapacity: Double = 4
    ) {
        self.continuity = continuity
        self.fairness = fairness
        self.preference = preference
        self.stability = stability
        self.defaultMonthlyCapacity = defaultMonthlyCapacity
    }
}

/// Everything the solver needs: sessions, facilitators, weights and the travel buffer.
public struct AssignmentProblem: Sendable, Codable, Hashable {
    public var sessions: [PlanningSession]
    public var facilitators: [PlanningFacilitator]
    public var weights: ObjectiveWeights
    /// Minimum gap between two sessions of one facilitator unless both are online.
    public var travelBufferMinutes: Int

    public init(
        sessions: [PlanningSession], facilitators: [PlanningFacilitator], weights: ObjectiveWeights = .init(),
        travelBufferMinutes: Int = 30
    ) {
        self.sessions = sessions
        self.facilitators = facilitators
        self.weights = weights
        self.travelBufferMinutes = travelBufferMinutes
    }
}

/// Knobs for one solver run; the same problem, options and seed always give the same plan.
public struct SolverOptions: Sendable, Codable, Hashable {
    public var seed: UInt64
    /// Only sessions starting inside this interval are planned; the others are kept as given.
    public var scope: DateInterval?
    /// Local-search budget per open slot; the run does `iterationsPerSlot × open slots` moves at most.
    public var iterationsPerSlot: Int
    /// Upper bound on local-search moves whatever the size.
    public var maxIterations: Int
    /// A safety net only: when a run hits it the result depends on machine speed, so it is off by default.
    public var timeLimitSeconds: Double?
    /// Length of ejection chains tried for a slot no free facilitator can take.
    public var repairDepth: Int
    /// Adds, for every chosen facilitator, why they beat the runner-up.
    public var explain: Bool

    public init(
        seed: UInt64 = 1, scope: DateInterval? = nil, iterationsPerSlot: Int = 100, maxIterations: Int = 2_000_000,
        timeLimitSeconds: Double? = nil, repairDepth: Int = 2, explain: Bool = false
    ) {
        self.seed = seed
        self.scope = scope
        self.iterationsPerSlot = iterationsPerSlot
        self.maxIterations = maxIterations
        self.timeLimitSeconds = timeLimitSeconds
        self.repairDepth = repairDepth
        self.explain = explain
    }
}
