import Foundation
import GRDB
import KringDomain

/// One anonymous counter cell of `report_counter` (`0020_report_counters.sql`): what happened on one day in one
/// group, in categories only. It names no person and no time finer than the day.
public struct ReportCounterKey: Sendable, Hashable, Codable {
    public var day: String
    public var groupId: Int64
    public var measure: String
    public var relation: String
    public var language: String
    public var audience: String
    public var newcomer: String
    public var reason: String
    public var waitedDays: Int

    public init(
        day: String, groupId: Int64, measure: String, relation: String = "", language: String = "",
        audience: String = "", newcomer: String = "", reason: String = "", waitedDays: Int = -1
    ) {
        self.day = day
        self.groupId = groupId
        self.measure = measure
        self.relation = relation
        self.language = language
        self.audience = audience
        self.newcomer = newcomer
        self.reason = reason
        self.waitedDays = waitedDays
    }
}

/// A counter cell and its amount.
public struct ReportCounterRow: Sendable, Hashable, Codable {
    public var key: ReportCounterKey
    public var amount: Int

    public init(key: ReportCounterKey, amount: Int) {
        self.key = key
        self.amount = amount
    }
}

extension StoreTransaction {
    /// Adds `amount` (negative to take a count back, as when a cancelled session is restored) to one counter cell.
    public func addToReportCounter(_ key: ReportCounterKey, amount: Int) throws(KringError) {
        guard amount != 0 else { return }
        try execute(
            """
            INSERT INTO report_counter
                (day, group_id, measure, relation, language, audience, newcomer, reason, waited_days, amount)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, group_id, measure, relation, language, audience, newcomer, reason, waited_days)
            DO UPDATE SET amount = amount + excluded.amount
            """,
            [
                key.day, key.groupId, key.measure, key.relation, key.language, key.audience, key.newcomer, key.reason,
                key.waitedDays, amount,
            ])
    }

    /// Every counter cell on or before `lastDay` (`YYYY-MM-DD`): the report needs the days before its period too,
    /// for the seats and waitlist places held when it starts.
    public func reportCounters(through lastDay: String) throws(KringError) -> [ReportCounterRow] {
        try fetchAll(
            """
            SELECT day, group_id, measure, relation, language, audience, newcomer, reason, waited_days, amount
            FROM report_counter WHERE day <= ? AND amount <> 0 ORDER BY day, group_id, measure
            """,
            [lastDay]
        ) { row in
            ReportCounterRow(
                key: ReportCounterKey(
                    day: row[0], groupId: row[1], measure: row[2], relation: row[3], language: row[4],
                    audience: row[5], newcomer: row[6], reason: row[7], waitedDays: row[8]),
                amount: row[9])
        }
    }
}
