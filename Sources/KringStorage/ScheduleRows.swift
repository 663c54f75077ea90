import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    public func insert(_ series: Series) throws -> Series {
        try db.execute(
            sql: """
                INSERT INTO series (group_id, first_start_local, duration_minutes, rrule, excluded_dates,
                    holiday_dates, skip_holidays, calendar_uid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                series.groupId, series.firstStart.iso, series.durationMinutes, series.rule.canonicalText,
                series.excludedDates.map(\.iso).joined(separator: ","),
                series.holidayDates.map(\.iso).joined(separator: ","), series.skipsHolidays?.rawValue,
                series.calendarUID,
            ])
        var stored = series
        stored.id = db.lastInsertedRowID
        return stored
    }

    public func series(id: Int64) throws -> Series? {
        try fetchOne("SELECT * FROM series WHERE id = ?", [id], map: Self.series)
    }

    public func series(ofGroup groupId: Int64) throws -> [Series] {
        try fetchAll("SELECT * FROM series WHERE group_id = ? ORDER BY id", [groupId], map: Self.series)
    }

    /// Counts a change every VEVENT of the group's series shows (see `0009_series_calendar_changes.sql`).
    public func countSeriesChange(groupId: Int64) throws {
        try db.execute(
            sql: "UPDATE series SET change_count = change_count + 1 WHERE group_id = ?", arguments: [groupId])
    }

    public func insert(_ session: Session) throws -> Session {
        try db.execute(
            sql: """
                INSERT INTO session (series_id, group_id, starts_at, ends_at, occurrence_start, status, change_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                session.seriesId, session.groupId, session.startsAt.storedSeconds, session.endsAt.storedSeconds,
                session.occurrenceStart.storedSeconds, session.status.rawValue, session.changeCount,
            ])
        var stored = session
        stored.id = db.lastInsertedRowID
        return stored
    }

    public func update(_ session: Session) throws {
        try db.execute(
            sql: "UPDATE session SET starts_at = ?, ends_at = ?, status = ?, change_count = ? WHERE id = ?",
            arguments: [
                session.startsAt.storedSeconds, session.endsAt.storedSeconds, session.status.rawValue,
                session.changeCount, session.id,
            ])
    }

    public func session(id: Int64) throws -> Session? {
        try fetchOne("SELECT * FROM session WHERE id = ?", [id], map: Self.session)
    }

    /// Sessions in start order, optionally of one group and within [from, to).
    public func sessions(groupId: Int64? = nil, from: Date? = nil, to: Date? = nil) throws -> [Session] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let groupId {
            conditions.append("group_id = ?")
            arguments += [groupId]
        }
        if let from {
            conditions.append("starts_at >= ?")
            arguments += [from.storedSeconds]
        }
        if let to {
            conditions.append("starts_at < ?")
            arguments += [to.storedSeconds]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try fetchAll("SELECT * FROM session \(whereClause) ORDER BY starts_at, id", arguments, map: Self.session)
    }

    static func series(_ row: Row) throws -> Series {
        func dates(_ column: String) throws -> [LocalDate] {
            let text: String = row[column]
            return try text.split(separator: ",").map { part in
                do { return try LocalDate.parse(String(part), field: column) } catch {
                    throw CorruptRow(table: "series", column: column)
                }
            }
        }
        let firstStart: LocalDateTime
        let rule: RecurrenceRule
        do {
            firstStart = try LocalDateTime.parse(row["first_start_local"], field: "start")
            rule = try RecurrenceRule.parse(row["rrule"])
        } catch {
            throw CorruptRow(table: "series", column: "first_start_local/rrule")
        }
        let skip: String? = row["skip_holidays"]
        return Series(
            id: row["id"],
            groupId: row["group_id"],
            firstStart: firstStart,
            durationMinutes: row["duration_minutes"],
            rule: rule,
            excludedDates: try dates("excluded_dates"),
            holidayDates: try dates("holiday_dates"),
            skipsHolidays: skip.flatMap(Series.HolidayCalendar.init(rawValue:)),
            calendarUID: row["calendar_uid"],
            changeCount: row["change_count"]
        )
    }

    static func session(_ row: Row) throws -> Session {
        Session(
            id: row["id"],
            seriesId: row["series_id"],
            groupId: row["group_id"],
            startsAt: Date(storedSeconds: row["starts_at"]),
            endsAt: Date(storedSeconds: row["ends_at"]),
            occurrenceStart: Date(storedSeconds: row["occurrence_start"]),
            status: try storedEnum(row, "status", table: "session"),
            changeCount: row["change_count"]
        )
    }
}
