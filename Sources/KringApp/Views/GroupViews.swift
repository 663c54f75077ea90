import Foundation
import KringDomain

/// What `kring init` did.
public struct InitialisationView: Codable, Sendable {
    public let database: String
    public let databaseCreated: Bool
    public let keyFile: String
    public let keyCreated: Bool
    public let migrations: [String]
}

/// A group as coordinators see it, with its current numbers. A participant sees less (`forParticipant`): no internal
/// name, audience or counts, only whether seats are free; and no venue or online link until they have a seat.
public struct GroupView: Codable, Sendable, Equatable {
    public let id: Int64
    /// The internal name; nil in a participant's view.
    public let name: String?
    public let title: String
    public let titleIsDefault: Bool
    /// Nil in a participant's view.
    public let audience: Audience?
    public let language: Language
    public let capacity: Int
    public let minimum: Int
    public let facilitatorsPerSession: Int
    public let venue: String?
    public let online: String?
    public let timezone: String
    public let state: SupportGroup.State
    /// Exact counts, for coordinators and facilitators; nil in a participant's view.
    public let enrolled: Int?
    public let waitlisted: Int?
    public let sessions: Int
    public let nextSession: String?
    /// Whether a seat is free: all a participant learns of the numbers (nil in the other views, which have them).
    public var seatsFree: Bool? = nil

    /// What a participant sees of a group they belong to. `seated` is false while they wait for a seat: where the
    /// group meets is for those who have one.
    func forParticipant(seated: Bool) -> GroupView {
        GroupView(
            id: id, name: nil, title: title, titleIsDefault: titleIsDefault, audience: nil, language: language,
            capacity: capacity, minimum: minimum, facilitatorsPerSession: facilitatorsPerSession,
            venue: seated ? venue : nil, online: seated ? online : nil, timezone: timezone, state: state,
            enrolled: nil, waitlisted: nil, sessions: sessions, nextSession: nextSession,
            seatsFree: enrolled.map { $0 < capacity })
    }
}

/// One session, its times in ISO 8601 with the group's UTC offset.
public struct SessionView: Codable, Sendable, Equatable {
    public let id: Int64
    public let groupId: Int64
    public let group: String
    public let seriesId: Int64
    public let start: String
    public let end: String
    public let status: Session.Status
    public let originalStart: String?
    public let changeCount: Int
    /// After `session move` only: its facilitators' stored assignments that break a hard rule at the new time
    /// (blockout, weekly window, busy time, another session of theirs); nothing is re-planned by the move.
    public internal(set) var conflicts: [AssignmentConflict]? = nil
    /// After `session move` only: a holiday the series skips, a date it excludes, keep-apart people brought together.
    public internal(set) var warnings: [SessionMoveWarning]? = nil
    /// This session's own venue or online link (`session update`), when it does not meet at the group's place.
    public var venue: String? = nil
    public var online: String? = nil

    /// The same session under another group name, for a caller who may not see the internal one.
    func named(_ name: String) -> SessionView {
        var view = SessionView(
            id: id, groupId: groupId, group: name, seriesId: seriesId, start: start, end: end, status: status,
            originalStart: originalStart, changeCount: changeCount)
        (view.venue, view.online) = (venue, online)
        return view
    }

    /// The same session without its own place, for a participant still waiting for a seat.
    func withoutPlace() -> SessionView {
        var view = self
        (view.venue, view.online) = (nil, nil)
        return view
    }
}

/// A series and the sessions it materialised.
public struct SeriesView: Codable, Sendable {
    public let id: Int64
    public let groupId: Int64
    public let group: String
    public let start: String
    public let durationMinutes: Int
    public let rrule: String
    public let excludedDates: [String]
    public let skippedHolidays: [String]
    /// Each skipped date with why: `be-vl-school: herfstvakantie`, `be: Wapenstilstand`, `organisation closed`.
    public let skipped: [SkippedDate]
    /// `skip` or `shift`.
    public let onHoliday: String
    /// With `shift`: the dates added after the rule's last one so the promised number of sessions still meets.
    public let addedAtEnd: [String]
    public let sessions: [SessionView]

    public struct SkippedDate: Codable, Sendable, Equatable {
        public let date: String
        public let reason: String
    }
}

/// Who is in a group (or at one session) and how they attended, then the waitlist.
public struct RosterView: Codable, Sendable {
    public struct Member: Codable, Sendable {
        public let participantId: Int64
        public let pseudonym: String
        public let present: Int
        public let absent: Int
        public let excused: Int
        /// The mark at the requested session, when one was named.
        public let attendance: AttendanceStatus?
    }

    public struct Waiting: Codable, Sendable {
        public let position: Int
        public let participantId: Int64
        public let pseudonym: String
    }

    public let groupId: Int64
    public let group: String
    public let title: String
    public let session: SessionView?
    public let sessionsSoFar: Int
    public let enrolled: [Member]
    public let waitlist: [Waiting]
    /// The assigned facilitators of the named session, else of the group's next sessions.
    public let staffing: [SessionStaffingView]
}

public struct AttendanceView: Codable, Sendable {
    public let sessionId: Int64
    public let participantId: Int64
    public let pseudonym: String
    public let status: AttendanceStatus
    public let session: SessionView
}

/// What a scenario import created.
public struct ImportView: Codable, Sendable {
    public let groups: [GroupView]
    public let facilitators: Int
    public let participants: Int
    public let sessions: Int
}

/// What `kring backup` wrote: the file, and the rows and tables the check found in it.
public struct BackupView: Codable, Sendable {
    public let file: String
    public let rows: Int
    public let tables: Int
}

/// `kring participant erase-status`: whether an erasure is still owed a checkpoint (clean when none is: the mark is
/// cleared only after the checkpoint that made the erasure final), and the log's size for information.
public struct ErasureStatusView: Codable, Sendable {
    public let pending: Bool
    public let logBytes: Int
    public let clean: Bool
}
