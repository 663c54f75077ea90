import Foundation

/// A participant's place in one group: a seat, a place in the waitlist, or a past membership.
public struct Enrolment: Sendable, Codable, Equatable, Identifiable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case waitlisted, enrolled, withdrawn, completed

        /// Whether the participant still counts as in the group (for capacity, keep-apart and duplicates).
        public var isActive: Bool { self == .waitlisted || self == .enrolled }
    }

    /// Given by the database; an enrolment not stored yet is a `NewEnrolment`.
    public let id: Int64
    public var groupId: Int64
    public var participantId: Int64
    public var state: State
    /// First come, first served: a strictly increasing ticket drawn when the request was made.
    public var queueTicket: Int64
    public var requestedAt: Date
    public var changedAt: Date

    public init(
        id: Int64, groupId: Int64, participantId: Int64, state: State, queueTicket: Int64, requestedAt: Date,
        changedAt: Date
    ) {
        self.id = id
        self.groupId = groupId
        self.participantId = participantId
        self.state = state
        self.queueTicket = queueTicket
        self.requestedAt = requestedAt
        self.changedAt = changedAt
    }
}

/// A participant's request for a place in a group, before the database gives it an id.
public struct NewEnrolment: Sendable, Equatable {
    public var groupId: Int64
    public var participantId: Int64
    public var state: Enrolment.State
    public var queueTicket: Int64
    public var requestedAt: Date
    public var changedAt: Date

    public init(
        groupId: Int64, participantId: Int64, state: Enrolment.State, queueTicket: Int64, requestedAt: Date,
        changedAt: Date
    ) {
        self.groupId = groupId
        self.participantId = participantId
        self.state = state
        self.queueTicket = queueTicket
        self.requestedAt = requestedAt
        self.changedAt = changedAt
    }
}

/// The seat rules of a group: who gets a seat, who waits, who moves up.
public enum SeatPolicy {
    /// A new request gets a seat while seats are free, else joins the end of the waitlist.
    public static func stateForNewRequest(capacity: Int, enrolledCount: Int) -> Enrolment.State {
        enrolledCount < capacity ? .enrolled : .waitlisted
    }

    /// How many from the head of the waitlist move up now that seats may have freed.
    public static func promotions(capacity: Int, enrolledCount: Int, waitlistCount: Int) -> Int {
        max(0, min(capacity - enrolledCount, waitlistCount))
    }
}
