import Foundation

/// One meeting of a group, stored as UTC instants and shown in the group's zone.
public struct Session: Sendable, Codable, Equatable, Identifiable {
    /// What happened to a session since it was planned.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case scheduled, moved, cancelled, held
    }

    /// Given by the database; a session not stored yet is a `NewSession`.
    public let id: Int64
    public var seriesId: Int64
    public var groupId: Int64
    public var startsAt: Date
    public var endsAt: Date
    /// The start the series' rule gave this occurrence; calendars use it as RECURRENCE-ID.
    public var occurrenceStart: Date
    public var status: Status
    /// Bumped on every change; the calendar layer writes it as SEQUENCE.
    public var changeCount: Int
    /// Where this session meets instead of the group's place (`session update --venue`); nil: the group's.
    public var venue: String?
    /// The online link this session uses instead of the group's place (`session update --online`).
    public var onlineURL: String?

    public init(
        id: Int64, seriesId: Int64, groupId: Int64, startsAt: Date, endsAt: Date, occurrenceStart: Date,
        status: Status = .scheduled, changeCount: Int = 0, venue: String? = nil, onlineURL: String? = nil
    ) {
        self.venue = venue
        self.onlineURL = onlineURL
        self.id = id
        self.seriesId = seriesId
        self.groupId = groupId
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.occurrenceStart = occurrenceStart
        self.status = status
        self.changeCount = changeCount
    }

    /// True when this session meets somewhere else than its group.
    public var hasOwnPlace: Bool { venue != nil || onlineURL != nil }

    /// Gives this one session its own place, or (both nil) the group's again; refused once cancelled or held.
    public mutating func meet(venue: String?, onlineURL: String?) throws(KringError) {
        guard status == .scheduled || status == .moved else {
            throw .conflict("session", String(id), "is \(status.rawValue) and cannot be changed")
        }
        self.venue = venue
        self.onlineURL = onlineURL
        changeCount += 1
    }

    /// The original start, when the session was moved away from it.
    public var originalStart: Date? { startsAt != occurrenceStart ? occurrenceStart : nil }

    /// Moves the session to a new start, keeping its length; refused once cancelled or held.
    public mutating func move(to newStart: Date) throws(KringError) {
        guard status == .scheduled || status == .moved else {
            throw .conflict("session", String(id), "is \(status.rawValue) and cannot be moved")
        }
        let length = endsAt.timeIntervalSince(startsAt)
        startsAt = newStart
        endsAt = newStart.addingTimeInterval(length)
        status = newStart == occurrenceStart ? .scheduled : .moved
        changeCount += 1
    }

    /// Gives the session new times (a series changed from here on); refused once cancelled or held.
    public mutating func reschedule(start newStart: Date, end newEnd: Date) throws(KringError) {
        guard status == .scheduled || status == .moved else {
            throw .conflict("session", String(id), "is \(status.rawValue) and cannot be changed")
        }
        startsAt = newStart
        endsAt = newEnd
        status = newStart == occurrenceStart ? .scheduled : .moved
        changeCount += 1
    }

    public mutating func cancel() throws(KringError) {
        guard status == .scheduled || status == .moved else {
            throw .conflict("session", String(id), "is \(status.rawValue) and cannot be cancelled")
        }
        status = .cancelled
        changeCount += 1
    }
}

/// A session materialised from its series, before the database gives it an id.
public struct NewSession: Sendable, Equatable {
    public var seriesId: Int64
    public var groupId: Int64
    public var startsAt: Date
    public var endsAt: Date
    public var occurrenceStart: Date
    public var status: Session.Status
    public var changeCount: Int

    public init(
        seriesId: Int64, groupId: Int64, startsAt: Date, endsAt: Date, occurrenceStart: Date,
        status: Session.Status = .scheduled, changeCount: Int = 0
    ) {
        self.seriesId = seriesId
        self.groupId = groupId
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.occurrenceStart = occurrenceStart
        self.status = status
        self.changeCount = changeCount
    }
}
