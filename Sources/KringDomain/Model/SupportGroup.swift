import Foundation

/// A closed, recurring peer-support group as a coordinator plans it.
public struct SupportGroup: Sendable, Codable, Equatable, Identifiable {
    /// Where a group is in its life: planned, taking enrolments, meeting, or finished.
    public enum State: String, Sendable, Codable, CaseIterable {
        case draft, open, running, closed
    }

    /// Given by the database; a group not stored yet is a `NewSupportGroup`.
    public let id: Int64
    /// Seen by coordinators only; never in a calendar or a participant's view.
    public var internalName: String
    /// What calendars show; nil means the neutral default of the group's language.
    public var publicTitle: String?
    public var audience: Audience
    public var language: Language
    public var capacity: Int
    public var minimumToStart: Int
    public var facilitatorsPerSession: Int
    public var venue: String?
    public var onlineURL: String?
    public var timeZone: String
    public var state: State

    public init(
        id: Int64, internalName: String, publicTitle: String? = nil, audience: Audience, language: Language,
        capacity: Int, minimumToStart: Int, facilitatorsPerSession: Int = 2, venue: String? = nil,
        onlineURL: String? = nil, timeZone: String = SupportGroup.defaultTimeZone, state: State = .draft
    ) {
        self.id = id
        self.internalName = internalName
        self.publicTitle = publicTitle
        self.audience = audience
        self.language = language
        self.capacity = capacity
        self.minimumToStart = minimumToStart
        self.facilitatorsPerSession = facilitatorsPerSession
        self.venue = venue
        self.onlineURL = onlineURL
        self.timeZone = timeZone
        self.state = state
    }

    public static let defaultTimeZone = "Europe/Brussels"
    public static let capacityRange = 1...40
    public static let facilitatorRange = 1...4

    /// The title a calendar or participant sees.
    public var displayTitle: String { publicTitle ?? language.neutralGroupTitle }

    public var isOnline: Bool { onlineURL != nil }

    /// Checks every field together, so a group is never stored half-valid.
    public func validated() throws(KringError) -> SupportGroup { try checkedFields() }

    /// Whether coordinators may still enrol people: not in a draft nor once closed.
    public var acceptsEnrolments: Bool { state == .open || state == .running }
}

/// A group as a coordinator describes it, before the database gives it an id.
public struct NewSupportGroup: Sendable, Equatable {
    public var internalName: String
    public var publicTitle: String?
    public var audience: Audience
    public var language: Language
    public var capacity: Int
    public var minimumToStart: Int
    public var facilitatorsPerSession: Int
    public var venue: String?
    public var onlineURL: String?
    public var timeZone: String
    public var state: SupportGroup.State

    public init(
        internalName: String, publicTitle: String? = nil, audience: Audience, language: Language, capacity: Int,
        minimumToStart: Int, facilitatorsPerSession: Int = 2, venue: String? = nil, onlineURL: String? = nil,
        timeZone: String = SupportGroup.defaultTimeZone, state: SupportGroup.State = .draft
    ) {
        self.internalName = internalName
        self.publicTitle = publicTitle
        self.audience = audience
        self.language = language
        self.capacity = capacity
        self.minimumToStart = minimumToStart
        self.facilitatorsPerSession = facilitatorsPerSession
        self.venue = venue
        self.onlineURL = onlineURL
        self.timeZone = timeZone
        self.state = state
    }

    /// Checks every field together, so a group is never stored half-valid.
    public func validated() throws(KringError) -> NewSupportGroup { try checkedFields() }
}

/// The fields a group has before and after it is stored, so one set of rules checks both.
protocol GroupFields {
    var internalName: String { get set }
    var publicTitle: String? { get set }
    var capacity: Int { get }
    var minimumToStart: Int { get }
    var facilitatorsPerSession: Int { get }
    var venue: String? { get set }
    var onlineURL: String? { get set }
    var timeZone: String { get set }
}

extension SupportGroup: GroupFields {}
extension NewSupportGroup: GroupFields {}

extension GroupFields {
    func checkedFields() throws(KringError) -> Self {
        var group = self
        group.internalName = try TextRules.checkedName(internalName, field: "name", maximumLength: 80)
        if let title = publicTitle {
            group.publicTitle = try TextRules.checkedName(title, field: "title", maximumLength: 80)
        }
        _ = try TextRules.checked(capacity, field: "capacity", in: SupportGroup.capacityRange)
        _ = try TextRules.checked(minimumToStart, field: "minimum", in: 1...capacity)
        _ = try TextRules.checked(facilitatorsPerSession, field: "facilitators", in: SupportGroup.facilitatorRange)
        if venue != nil, onlineURL != nil {
            throw .invalid("online", onlineURL ?? "", "a group meets either at a venue or online, not both")
        }
        if let venue { group.venue = try TextRules.checked(venue, field: "venue", maximumLength: 200) }
        if let url = onlineURL { group.onlineURL = try TextRules.checkedURL(url, field: "online") }
        group.timeZone = try ZonedClock(identifier: timeZone, field: "timezone").timeZone.identifier
        return group
    }
}
