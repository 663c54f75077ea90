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

    public func planningLimits(facilitatorId: Int64) throws -> StoredPlanningLimits? {
        try fetchOne(
            "SELECT max_per_week, time_zone, preferred_weekdays FROM facilitator WHERE id = ?", [facilitatorId],
            map: Self.planningLimits)
    }

    /// Every facilitator's planning columns, by facilitator id.
    public func allPlanningLimits() throws -> [Int64: StoredPlanningLimits] {
        let rows = try fetchAll("SELECT id, max_per_week, time_zone, preferred_weekdays FROM facilitator") { row in
            (row["id"] as Int64, try Self.planningLimits(row))
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    public func setPlanningLimits(facilitatorId: Int64, _ limits: StoredPlanningLimits, maxPerMonth: Int?) throws {
        try db.execute(
            sql: """
                UPDATE facilitator SET max_per_week = ?, max_per_month = ?, time_zone = ?, preferred_weekdays = ?
                WHERE id = ?
                """,
            arguments: [
                limits.maxPerWeek, maxPerMonth, limits.timeZone,
                limits.preferredWeekdays.map(String.init).joined(separator: ","), facilitatorId,
            ])
    }

    // MARK: Weekly windows

    public func windows(facilitatorId: Int64) throws -> [StoredWindow] {
        try fetchAll(
            "SELECT * FROM facilitator_window WHERE facilitator_id = ? ORDER BY weekday, start_minute", [facilitatorId],
            map: Self.window)
    }

    public func allWindows() throws -> [Int64: [StoredWindow]] {
        let rows = try fetchAll("SELECT * FROM facilitator_window ORDER BY facilitator_id, weekday, start_minute") {
            row in (row["facilitator_id"] as Int64, Self.window(row))
        }
        return Dictionary(grouping: rows, by: \.0).mapValues { $0.map(\.1) }
    }

    /// Replaces all weekly windows of a facilitator; an empty list means "available at any time".
    public func replaceWindows(facilitatorId: Int64, _ windows: [StoredWindow]) throws {
        try db.execute(sql: "DELETE FROM facilitator_window WHERE facilitator_id = ?", arguments: [facilitatorId])
        for window in windows {
            try db.execute(
                sql: """
                    INSERT INTO facilitator_window (facilitator_id, weekday, start_minute, end_minute)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [facilitatorId, window.weekday, window.startMinute, window.endMinute])
        }
    }

    // MARK: Blockouts

    public func blockouts(facilitatorId: Int64) throws -> [StoredBlockout] {
        try fetchAll(
            "SELECT * FROM facilitator_blockout WHERE facilitator_id = ? ORDER BY starts_at", [facilitatorId],
            map: Self.blockout)
    }

    public func allBlockouts() throws -> [StoredBlockout] {
        try fetchAll("SELECT * FROM facilitator_blockout ORDER BY facilitator_id, starts_at", map: Self.blockout)
    }

    /// Adds a blockout; false when the same dates were already blocked out.
    public func insertBlockout(_ blockout: StoredBlockout) throws -> Bool {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO facilitator_blockout (facilitator_id, first_day, last_day, starts_at, ends_at)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                blockout.facilitatorId, blockout.firstDay.iso, blockout.lastDay.iso, blockout.startsAt.storedSeconds,
                blockout.endsAt.storedSeconds,
            ])
        return db.changesCount > 0
    }

    /// Removes the blockout with exactly these dates; false when there was none.
    public func deleteBlockout(facilitatorId: Int64, firstDay: LocalDate, lastDay: LocalDate) throws -> Bool {
        try db.execute(
            sql: "DELETE FROM facilitator_blockout WHERE facilitator_id = ? AND first_day = ? AND last_day = ?",
            arguments: [facilitatorId, firstDay.iso, lastDay.iso])
        return db.changesCount > 0
    }

    // MARK: Busy times (filled by the calendar import)

    public func busyTimes(facilitatorId: Int64) throws -> [StoredBusyTime] {
        try fetchAll(
            "SELECT * FROM facilitator_busy WHERE facilitator_id = ? ORDER BY starts_at", [facilitatorId],
            map: Self.busy)
    }

    public func allBusyTimes() throws -> [StoredBusyTime] {
        try fetchAll("SELECT * FROM facilitator_busy ORDER BY facilitator_id, starts_at", map: Self.busy)
    }

    /// Replaces a facilitator's imported busy times (a calendar import is a full snapshot).
    public func replaceBusyTimes(facilitatorId: Int64, _ times: [StoredBusyTime]) throws {
        try db.execute(sql: "DELETE FROM facilitator_busy WHERE facilitator_id = ?", arguments: [facilitatorId])
        for time in times {
            try db.execute(
                sql: "INSERT INTO facilitator_busy (facilitator_id, starts_at, ends_at) VALUES (?, ?, ?)",
                arguments: [facilitatorId, time.startsAt.storedSeconds, time.endsAt.storedSeconds])
        }
    }

    // MARK: Exclusions and preferred groups

    /// Adds or removes a "never in this group" mark; true when something changed.
    public func setGroupExclusion(facilitatorId: Int64, groupId: Int64, excluded: Bool) throws -> Bool {
        try db.execute(
            sql: excluded
                ? "INSERT OR IGNORE INTO facilitator_group_exclusion (facilitator_id, group_id) VALUES (?, ?)"
                : "DELETE FROM facilitator_group_exclusion WHERE facilitator_id = ? AND group_id = ?",
            arguments: [facilitatorId, groupId])
        return db.changesCount > 0
    }

    /// Adds or removes a "knows this participant" mark; true when something changed.
    public func setParticipantExclusion(facilitatorId: Int64, participantId: Int64, excluded: Bool) throws -> Bool {
        try db.execute(
            sql: excluded
                ? """
                INSERT OR IGNORE INTO facilitator_participant_exclusion (facilitator_id, participant_id)
                VALUES (?, ?)
                """
                : "DELETE FROM facilitator_participant_exclusion WHERE facilitator_id = ? AND participant_id = ?",
            arguments: [facilitatorId, participantId])
        return db.changesCount > 0
    }

    public func excludedGroupIds(facilitatorId: Int64) throws -> [Int64] {
        try Int64.fetchAll(
            db, sql: "SELECT group_id FROM facilitator_group_exclusion WHERE facilitator_id = ? ORDER BY group_id",
            arguments: [facilitatorId])
    }

    public func excludedParticipantIds(facilitatorId: Int64) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT participant_id FROM facilitator_participant_exclusion WHERE facilitator_id = ?
                ORDER BY participant_id
                """,
            arguments: [facilitatorId])
    }

    /// Every group each facilitator must not serve: marked groups, and groups where a participant they know is
    /// enrolled, waitlisted (a seat may free up at any time) or has completed.
    public func allExcludedGroupIds() throws -> [Int64: Set<Int64>] {
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

    public func replacePreferredGroups(facilitatorId: Int64, _ groupIds: [Int64]) throws {
        try db.execute(
            sql: "DELETE FROM facilitator_preferred_group WHERE facilitator_id = ?", arguments: [facilitatorId])
        for groupId in groupIds {
            try db.execute(
                sql: "INSERT OR IGNORE INTO facilitator_preferred_group (facilitator_id, group_id) VALUES (?, ?)",
                arguments: [facilitatorId, groupId])
        }
    }

    public func preferredGroupIds(facilitatorId: Int64) throws -> [Int64] {
        try Int64.fetchAll(
            db, sql: "SELECT group_id FROM facilitator_preferred_group WHERE facilitator_id = ? ORDER BY group_id",
            arguments: [facilitatorId])
    }

    public func allPreferredGroupIds() throws -> [Int64: Set<Int64>] {
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
