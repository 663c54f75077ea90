import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    /// How often a participant's own view of a series has changed (0 when never); see
    /// `0008_participant_calendar_changes.sql`.
    public func participantCalendarChanges(participantId: Int64, seriesId: Int64) throws(KringError) -> Int {
        try fetchValue(
            Int.self, "SELECT change_count FROM participant_calendar_change WHERE participant_id = ? AND series_id = ?",
            [participantId, seriesId]) ?? 0
    }

    /// Counts one change of the participant's view of the series: a whole-series CANCEL.
    public func countParticipantCalendarChange(participantId: Int64, seriesId: Int64) throws(KringError) {
        try execute(
            """
            INSERT INTO participant_calendar_change (participant_id, series_id, change_count) VALUES (?, ?, 1)
            ON CONFLICT (participant_id, series_id) DO UPDATE SET change_count = change_count + 1
            """,
            [participantId, seriesId])
    }

    /// Counts a return after a counted CANCEL (re-enrolment, promotion); a first enrolment has no row and keeps 0.
    public func countParticipantReturn(participantId: Int64, seriesId: Int64) throws(KringError) {
        try execute(
            """
            UPDATE participant_calendar_change SET change_count = change_count + 1
            WHERE participant_id = ? AND series_id = ?
            """,
            [participantId, seriesId])
    }
}
