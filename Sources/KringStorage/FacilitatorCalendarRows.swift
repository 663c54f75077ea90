import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    /// How often a facilitator's own view of a series has changed (0 when never); see `0007_facilitator_invites.sql`.
    public func facilitatorCalendarChanges(facilitatorId: Int64, seriesId: Int64) throws(KringError) -> Int {
        try fetchValue(
            Int.self, "SELECT change_count FROM facilitator_calendar_change WHERE facilitator_id = ? AND series_id = ?",
            [facilitatorId, seriesId]) ?? 0
    }

    public func countFacilitatorCalendarChange(facilitatorId: Int64, seriesId: Int64) throws(KringError) {
        try execute(
            """
            INSERT INTO facilitator_calendar_change (facilitator_id, series_id, change_count) VALUES (?, ?, 1)
            ON CONFLICT (facilitator_id, series_id) DO UPDATE SET change_count = change_count + 1
            """,
            [facilitatorId, seriesId])
    }
}
