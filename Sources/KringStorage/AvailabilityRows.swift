import Foundation
import GRDB
import KringDomain

/// A recurring stretch of one ISO weekday (1 = Monday) in the facilitator's wall-clock time, in minutes from
/// midnight; `endMinute` may be 1440.
public struct StoredWindow: Sendable, Codable, Hashable {
    public var weekday: Int
    public var startMinute: Int
    public var endMinute: Int

    public init(weekday: Int, startMinute: Int, endMinute: Int) {
        self.weekday = weekday
        self.startMinute = startMinute
        self.endMinute = endMinute
    }
}

/// Whole days a facilitator is away: the dates as typed and the instants they cover in the facilitator's zone.
public struct StoredBlockout: Sendable, Codable, Hashable {
    public var facilitatorId: Int64
    public var firstDay: LocalDate
    public var lastDay: LocalDate
    public var startsAt: Date
    public var endsAt: Date

    public init(facilitatorId: Int64, firstDay: LocalDate, lastDay: LocalDate, startsAt: Date, endsAt: Date) {
        self.facilitatorId = facilitatorId
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}

/// A busy time imported from a facilitator's own calendar; only the instants are kept.
public struct StoredBusyTime: Sendable, Codable, Hashable {
    public var facilitatorId: Int64
    public var startsAt: Date
    public var endsAt: Date

    public init(facilitatorId: Int64, startsAt: Date, endsAt: Date) {
        self.facilitatorId = facilitatorId
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}

/// The planning columns of a facilitator row that the foundation's `Facilitator` does not carry.
public struct StoredPlanningLimits: Sendable, Codable, Hashable {
    public var maxPerWeek: Int?
    public var timeZone: String
    /// ISO weekdays, Monday = 1.
    public var preferredWeekdays: [Int]

    public init(maxPerWeek: Int?, timeZone: String, preferredWeekdays: [Int]) {
        self.maxPerWeek = maxPerWeek
        self.timeZone = timeZone
        self.preferredWeekdays = preferredWeekdays
    }
}

extension StoreTransaction {
    // MARK: Limits and preferences on the facilitator row

    public func planningLimits(facilitatorId: Int64) throws(KringError) -> StoredPlanningLimits? {
        try fetchOne(
            "SELECT max_per_week, time_zone, preferred_weekdays FROM facilitator WHERE id = ?", [facilitatorId],
            map: Self.planningLimits)
    }

    /// Every facilitator's planning columns, by facilitator id.
    public func allPlanningLimits() throws(KringError) -> [Int64: StoredPlanningLimits] {
        let rows = try fetchAll("SELECT id, max_per_week, time_zone, preferred_weekdays FROM facilitator") { row in
            (row["id"] as Int64, try Self.planningLimits(row))
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    public func setPlanningLimits(
        facilitatorId: Int64, _ limits: StoredPlanningLimits, maxPerMonth: Int?
    ) throws(KringError) {
        try execute(
            """
            UPDATE facilitator SET max_per_week = ?, max_per_month = ?, time_zone = ?, preferred_weekdays = ?
            WHERE id = ?
            """,
            [
                limits.maxPerWeek, maxPerMonth, limits.timeZone,
                limits.preferredWeekdays.map(String.init).joined(separator: ","), facilitatorId,
            ])
    }

    // MARK: Weekly windows

    public func windows(facilitatorId: Int64) throws(KringError) -> [StoredWindow] {
        try fetchAll(
            "SELECT * FROM facilitator_window WHERE facilitator_id = ? ORDER BY weekday, start_minute", [facilitatorId],
            map: Self.window)
    }

    public func allWindows() throws(KringError) -> [Int64: [StoredWindow]] {
        let rows = try fetchAll("SELECT * FROM facilitator_window ORDER BY facilitator_id, weekday, start_minute") {
            row in (row["facilitator_id"] as Int64, Self.window(row))
        }
        return Dictionary(grouping: rows, by: \.0).mapValues { $0.map(\.1) }
    }

    /// Replaces all weekly windows of a facilitator; an empty list means "available at any time".
    public func replaceWindows(facilitatorId: Int64, _ windows: [StoredWindow]) throws(KringError) {
        try execute("DELETE FROM facilitator_window WHERE facilitator_id = ?", [facilitatorId])
        for window in windows {
            try insert(
                WindowRecord(
                    facilitatorId: facilitatorId, weekday: window.weekday, startMinute: window.startMinute,
                    endMinute: window.endMinute))
        }
    }

    // MARK: Blockouts

    public func blockouts(facilitatorId: Int64) throws(KringError) -> [StoredBlockout] {
        try fetchAll(
            "SELECT * FROM facilitator_blockout WHERE facilitator_id = ? ORDER BY starts_at", [facilitatorId],
            map: Self.blockout)
    }

    public func allBlockouts() throws(KringError) -> [StoredBlockout] {
        try fetchAll("SELECT * FROM facilitator_blockout ORDER BY facilitator_id, starts_at", map: Self.blockout)
    }

    /// Adds a blockout; false when the same dates were already blocked out.
    public func insertBlockout(_ blockout: StoredBlockout) throws(KringError) -> Bool {
        try insert(BlockoutRecord(blockout), onConflict: .ignore)
    }

    /// Removes the blockout with exactly these dates; false when there was none.
    public func deleteBlockout(facilitatorId: Int64, firstDay: LocalDate, lastDay: LocalDate) throws(KringError) -> Bool
    {
        try execute(
            "DELETE FROM facilitator_blockout WHERE facilitator_id = ? AND first_day = ? AND last_day = ?",
            [facilitatorId, firstDay.iso, lastDay.iso])
    }

    // MARK: Busy times (filled by the calendar import)

    public func busyTimes(facilitatorId: Int64) throws(KringError) -> [StoredBusyTime] {
        try fetchAll(
            "SELECT * FROM facilitator_busy WHERE facilitator_id = ? ORDER BY starts_at", [facilitatorId],
            map: Self.busy)
    }

    public func allBusyTimes() throws(KringError) -> [StoredBusyTime] {
        try fetchAll("SELECT * FROM facilitator_busy ORDER BY facilitator_id, starts_at", map: Self.busy)
    }

    /// Replaces a facilitator's imported busy times (a calendar import is a full snapshot).
    public func replaceBusyTimes(facilitatorId: Int64, _ times: [StoredBusyTime]) throws(KringError) {
        try execute("DELETE FROM facilitator_busy WHERE facilitator_id = ?", [facilitatorId])
        for time in times {
            try insert(
                BusyRecord(
                    facilitatorId: facilitatorId, startsAt: time.startsAt.storedSeconds,
                    endsAt: time.endsAt.storedSeconds))
        }
    }

    // MARK: Exclusions and preferred groups

    /// Adds or removes a "never in this group" mark; true when something changed.
    public func setGroupExclusion(facilitatorId: Int64, groupId: Int64, excluded: Bool) throws(KringError) -> Bool {
        guard excluded else {
            return try execute(
                "DELETE FROM facilitator_group_exclusion WHERE facilitator_id = ? AND group_id = ?",
                [facilitatorId, groupId])
        }
        return try insert(GroupExclusionRecord(facilitatorId: facilitatorId, groupId: groupId), onConflict: .ignore)
    }

    /// Adds or removes a "knows this participant" mark; true when something changed.
    public func setParticipantExclusion(facilitatorId: Int64, participantId: Int64, excluded: Bool) throws(KringError)
        -> Bool
    {
        guard excluded else {
            return try execute(
                "DELETE FROM facilitator_participant_exclusion WHERE facilitator_id = ? AND participant_id = ?",
                [facilitatorId, participantId])
        }
        return try insert(
            ParticipantExclusionRecord(facilitatorId: facilitatorId, participantId: participantId),
            onConflict: .ignore)
    }

    public func excludedGroupIds(facilitatorId: Int64) throws(KringError) -> [Int64] {
        try fetchValues(
            Int64.self, "SELECT group_id FROM facilitator_group_exclusion WHERE facilitator_id = ? ORDER BY group_id",
            [facilitatorId])
    }

    public func excludedParticipantIds(facilitatorId: Int64) throws(KringError) -> [Int64] {
        try fetchValues(
            Int64.self,
            """
            SELECT participant_id FROM facilitator_participant_exclusion WHERE facilitator_id = ?
            ORDER BY participant_id
            """,
            [facilitatorId])
    }

    /// The facilitators marked as knowing this participant (a conflict of interest), in id order.
    public func facilitatorIds(knowingParticipant participantId: Int64) throws(KringError) -> [Int64] {
        try fetchValues(
            Int64.self,
            """
            SELECT facilitator_id FROM facilitator_participant_exclusion WHERE participant_id = ?
            ORDER BY facilitator_id
            """,
            [participantId])
    }

    /// Every group each facilitator must not serve: marked groups, and groups where a participant they know is
    /// enrolled, waitlisted (a seat may free up at any time) or has completed.
    public func allExcludedGroupIds() throws(KringError) -> [Int64: Set<Int64>] {
        let rows = try fetchAll(
            """
            SELECT facilitator_id, group_id FROM facilitator_group_exclusion
            UNION
            SELECT exclusion.facilitator_id, enrolment.group_id
            FROM facilitator_participant_exclusion AS exclusion
            JOIN enrolment ON enrolment.participant_id = exclusion.participant_id
            WHERE enrolment.state IN ('enrolled', 'waitlisted', 'completed')
            """
        ) { row in (row["facilitator_id"] as Int64, row["group_id"] as Int64) }
        return Dictionary(grouping: rows, by: \.0).mapValues { Set($0.map(\.1)) }
    }

    public func replacePreferredGroups(facilitatorId: Int64, _ groupIds: [Int64]) throws(KringError) {
        try execute("DELETE FROM facilitator_preferred_group WHERE facilitator_id = ?", [facilitatorId])
        for groupId in groupIds {
            try insert(PreferredGroupRecord(facilitatorId: facilitatorId, groupId: groupId), onConflict: .ignore)
        }
    }

    public func preferredGroupIds(facilitatorId: Int64) throws(KringError) -> [Int64] {
        try fetchValues(
            Int64.self, "SELECT group_id FROM facilitator_preferred_group WHERE facilitator_id = ? ORDER BY group_id",
            [facilitatorId])
    }

    public func allPreferredGroupIds() throws(KringError) -> [Int64: Set<Int64>] {
        let rows = try fetchAll("SELECT facilitator_id, group_id FROM facilitator_preferred_group") { row in
            (row["facilitator_id"] as Int64, row["group_id"] as Int64)
        }
        return Dictionary(grouping: rows, by: \.0).mapValues { Set($0.map(\.1)) }
    }

    // MARK: Row mapping

    static func planningLimits(_ row: Row) throws -> StoredPlanningLimits {
        let days: String = row["preferred_weekdays"]
        let weekdays = try days.split(separator: ",").map { part in
            guard let day = Int(part), (1...7).contains(day) else {
                throw CorruptRow(table: "facilitator", column: "preferred_weekdays")
            }
            return day
        }
        return StoredPlanningLimits(
            maxPerWeek: row["max_per_week"], timeZone: row["time_zone"], preferredWeekdays: weekdays)
    }

    static func window(_ row: Row) -> StoredWindow {
        StoredWindow(weekday: row["weekday"], startMinute: row["start_minute"], endMinute: row["end_minute"])
    }

    static func blockout(_ row: Row) throws -> StoredBlockout {
        let first: LocalDate
        let last: LocalDate
        do {
            first = try LocalDate.parse(row["first_day"], field: "first_day")
            last = try LocalDate.parse(row["last_day"], field: "last_day")
        } catch {
            throw CorruptRow(table: "facilitator_blockout", column: "first_day/last_day")
        }
        return StoredBlockout(
            facilitatorId: row["facilitator_id"], firstDay: first, lastDay: last,
            startsAt: Date(storedSeconds: row["starts_at"]), endsAt: Date(storedSeconds: row["ends_at"]))
    }

    static func busy(_ row: Row) -> StoredBusyTime {
        StoredBusyTime(
            facilitatorId: row["facilitator_id"], startsAt: Date(storedSeconds: row["starts_at"]),
            endsAt: Date(storedSeconds: row["ends_at"]))
    }
}

struct WindowRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "facilitator_window"
    var facilitatorId: Int64
    var weekday: Int
    var startMinute: Int
    var endMinute: Int
}

struct BlockoutRecord: StoredRecord {
    static let databaseTableName = "facilitator_blockout"
    var id: Int64?
    var facilitatorId: Int64
    var firstDay: String
    var lastDay: String
    var startsAt: Int64
    var endsAt: Int64

    init(_ blockout: StoredBlockout) {
        id = nil
        facilitatorId = blockout.facilitatorId
        firstDay = blockout.firstDay.iso
        lastDay = blockout.lastDay.iso
        startsAt = blockout.startsAt.storedSeconds
        endsAt = blockout.endsAt.storedSeconds
    }
}

struct BusyRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "facilitator_busy"
    var facilitatorId: Int64
    var startsAt: Int64
    var endsAt: Int64
}

struct GroupExclusionRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "facilitator_group_exclusion"
    var facilitatorId: Int64
    var groupId: Int64
}

struct ParticipantExclusionRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "facilitator_participant_exclusion"
    var facilitatorId: Int64
    var participantId: Int64
}

struct PreferredGroupRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "facilitator_preferred_group"
    var facilitatorId: Int64
    var groupId: Int64
}
