import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    public func insert(_ series: NewSeries) throws(KringError) -> Series {
        try insert(SeriesRecord(series)) { try $0.series() }
    }

    public func series(id: Int64) throws(KringError) -> Series? {
        try fetchRecord(SeriesRecord.self, "SELECT * FROM series WHERE id = ?", [id]) { try $0.series() }
    }

    public func series(ofGroup groupId: Int64) throws(KringError) -> [Series] {
        try fetchRecords(SeriesRecord.self, "SELECT * FROM series WHERE group_id = ? ORDER BY id", [groupId]) {
            try $0.series()
        }
    }

    /// Counts a change every VEVENT of the group's series shows (see `0009_series_calendar_changes.sql`).
    public func countSeriesChange(groupId: Int64) throws(KringError) {
        try execute("UPDATE series SET change_count = change_count + 1 WHERE group_id = ?", [groupId])
    }

    public func insert(_ session: NewSession) throws(KringError) -> Session {
        try insert(SessionRecord(session)) { try $0.session() }
    }

    public func update(_ session: Session) throws(KringError) {
        try update(SessionRecord(session))
    }

    public func session(id: Int64) throws(KringError) -> Session? {
        try fetchRecord(SessionRecord.self, "SELECT * FROM session WHERE id = ?", [id]) { try $0.session() }
    }

    /// Sessions in start order, optionally of one group, of one of its series, and within [from, to). Naming the
    /// series decodes only its rows: rendering one invite per recipient used to decode every session of the group
    /// for each message.
    public func sessions(
        groupId: Int64? = nil, seriesId: Int64? = nil, from: Date? = nil, to: Date? = nil
    ) throws(KringError) -> [Session] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let groupId {
            conditions.append("group_id = ?")
            arguments += [groupId]
        }
        if let seriesId {
            conditions.append("series_id = ?")
            arguments += [seriesId]
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
        return try fetchRecords(
            SessionRecord.self, "SELECT * FROM session \(whereClause) ORDER BY starts_at, id", arguments
        ) { try $0.session() }
    }
}
