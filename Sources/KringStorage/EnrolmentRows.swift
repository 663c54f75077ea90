import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    public func insert(_ enrolment: NewEnrolment) throws(KringError) -> Enrolment {
        try insert(EnrolmentRecord(id: nil, enrolment)) { try $0.enrolment() }
    }

    public func update(_ enrolment: Enrolment) throws(KringError) {
        try update(EnrolmentRecord(enrolment))
    }

    /// The next first-come-first-served ticket; drawn inside the write transaction, so tickets never repeat.
    public func nextQueueTicket() throws(KringError) -> Int64 {
        try fetchValue(Int64.self, "SELECT COALESCE(MAX(queue_ticket), 0) + 1 FROM enrolment") ?? 1
    }

    public func enrolment(groupId: Int64, participantId: Int64) throws(KringError) -> Enrolment? {
        try fetchRecord(
            EnrolmentRecord.self, "SELECT * FROM enrolment WHERE group_id = ? AND participant_id = ?",
            [groupId, participantId]
        ) { try $0.enrolment() }
    }

    /// A group's enrolments in the given states, in queue order (the waitlist's head first).
    public func enrolments(groupId: Int64, states: [Enrolment.State]) throws(KringError) -> [Enrolment] {
        let placeholders = Array(repeating: "?", count: states.count).joined(separator: ",")
        var arguments: StatementArguments = [groupId]
        for state in states { arguments += [state.rawValue] }
        return try fetchRecords(
            EnrolmentRecord.self,
            "SELECT * FROM enrolment WHERE group_id = ? AND state IN (\(placeholders)) ORDER BY queue_ticket",
            arguments
        ) { try $0.enrolment() }
    }

    public func enrolments(participantId: Int64) throws(KringError) -> [Enrolment] {
        try fetchRecords(
            EnrolmentRecord.self, "SELECT * FROM enrolment WHERE participant_id = ? ORDER BY queue_ticket",
            [participantId]
        ) { try $0.enrolment() }
    }

    public func countEnrolments(groupId: Int64, state: Enrolment.State) throws(KringError) -> Int {
        try fetchValue(
            Int.self, "SELECT COUNT(*) FROM enrolment WHERE group_id = ? AND state = ?", [groupId, state.rawValue])
            ?? 0
    }

    /// Marks attendance, replacing an earlier mark for the same session and participant.
    public func upsert(_ attendance: Attendance) throws(KringError) {
        try upsert(AttendanceRecord(attendance))
    }

    public func attendance(sessionId: Int64) throws(KringError) -> [Attendance] {
        try fetchRecords(
            AttendanceRecord.self, "SELECT * FROM attendance WHERE session_id = ? ORDER BY participant_id", [sessionId]
        ) { try $0.attendance() }
    }

    /// All attendance marks for a group's sessions.
    public func attendance(groupId: Int64) throws(KringError) -> [Attendance] {
        try fetchRecords(
            AttendanceRecord.self,
            """
            SELECT attendance.* FROM attendance JOIN session ON session.id = attendance.session_id
            WHERE session.group_id = ? ORDER BY session.starts_at, attendance.participant_id
            """, [groupId]
        ) { try $0.attendance() }
    }
}

extension StoreTransaction {
    /// Participants with no active enrolment whose last enrolment change (or creation) is before `cutoff`.
    public func participantsInactiveSince(before cutoff: Date) throws(KringError) -> [Int64] {
        try fetchValues(
            Int64.self,
            """
            SELECT participant.id FROM participant
            WHERE NOT EXISTS (
                SELECT 1 FROM enrolment WHERE enrolment.participant_id = participant.id
                AND enrolment.state IN ('waitlisted', 'enrolled'))
            AND COALESCE(
                (SELECT MAX(changed_at) FROM enrolment WHERE enrolment.participant_id = participant.id),
                participant.created_at) < ?
            """,
            [cutoff.storedSeconds])
    }
}
