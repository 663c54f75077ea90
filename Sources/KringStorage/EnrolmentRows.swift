import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    public func insert(_ enrolment: Enrolment) throws -> Enrolment {
        try db.execute(
            sql: """
                INSERT INTO enrolment (group_id, participant_id, state, queue_ticket, requested_at, changed_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                enrolment.groupId, enrolment.participantId, enrolment.state.rawValue, enrolment.queueTicket,
                enrolment.requestedAt.storedSeconds, enrolment.changedAt.storedSeconds,
            ])
        var stored = enrolment
        stored.id = db.lastInsertedRowID
        return stored
    }

    public func update(_ enrolment: Enrolment) throws {
        try db.execute(
            sql: "UPDATE enrolment SET state = ?, queue_ticket = ?, requested_at = ?, changed_at = ? WHERE id = ?",
            arguments: [
                enrolment.state.rawValue, enrolment.queueTicket, enrolment.requestedAt.storedSeconds,
                enrolment.changedAt.storedSeconds, enrolment.id,
            ])
    }

    /// The next first-come-first-served ticket; drawn inside the write transaction, so tickets never repeat.
    public func nextQueueTicket() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(queue_ticket), 0) + 1 FROM enrolment") ?? 1
    }

    public func enrolment(groupId: Int64, participantId: Int64) throws -> Enrolment? {
        try fetchOne(
            "SELECT * FROM enrolment WHERE group_id = ? AND participant_id = ?", [groupId, participantId],
            map: Self.enrolment)
    }

    /// A group's enrolments in the given states, in queue order (the waitlist's head first).
    public func enrolments(groupId: Int64, states: [Enrolment.State]) throws -> [Enrolment] {
        let placeholders = Array(repeating: "?", count: states.count).joined(separator: ",")
        var arguments: StatementArguments = [groupId]
        for state in states { arguments += [state.rawValue] }
        return try fetchAll(
            "SELECT * FROM enrolment WHERE group_id = ? AND state IN (\(placeholders)) ORDER BY queue_ticket",
            arguments, map: Self.enrolment)
    }

    public func enrolments(participantId: Int64) throws -> [Enrolment] {
        try fetchAll(
            "SELECT * FROM enrolment WHERE participant_id = ? ORDER BY queue_ticket", [participantId],
            map: Self.enrolment)
    }

    public func countEnrolments(groupId: Int64, state: Enrolment.State) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM enrolment WHERE group_id = ? AND state = ?",
            arguments: [groupId, state.rawValue]) ?? 0
    }

    public func upsert(_ attendance: Attendance) throws {
        try db.execute(
            sql: """
                INSERT INTO attendance (session_id, participant_id, status, marked_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(session_id, participant_id) DO UPDATE SET status = excluded.status,
                    marked_at = excluded.marked_at
                """,
            arguments: [
                attendance.sessionId, attendance.participantId, attendance.status.rawValue,
                attendance.markedAt.storedSeconds,
            ])
    }

    public func attendance(sessionId: Int64) throws -> [Attendance] {
        try fetchAll("SELECT * FROM attendance WHERE session_id = ? ORDER BY participant_id", [sessionId], map: Self.attendance)
    }

    /// All attendance marks for a group's sessions.
    public func attendance(groupId: Int64) throws -> [Attendance] {
        try fetchAll(
            """
            SELECT attendance.* FROM attendance JOIN session ON session.id = attendance.session_id
            WHERE session.group_id = ? ORDER BY session.starts_at, attendance.participant_id
            """, [groupId], map: Self.attendance)
    }

    static func enrolment(_ row: Row) throws -> Enrolment {
        Enrolment(
            id: row["id"],
            groupId: row["group_id"],
            participantId: row["participant_id"],
            state: try storedEnum(row, "state", table: "enrolment"),
            queueTicket: row["queue_ticket"],
            requestedAt: Date(storedSeconds: row["requested_at"]),
            changedAt: Date(storedSeconds: row["changed_at"])
        )
    }

    static func attendance(_ row: Row) throws -> Attendance {
        Attendance(
            sessionId: row["session_id"],
            participantId: row["participant_id"],
            status: try storedEnum(row, "status", table: "attendance"),
            markedAt: Date(storedSeconds: row["marked_at"])
        )
    }
}

extension StoreTransaction {
    /// Participants with no active enrolment whose last enrolment change (or creation) is before `cutoff`.
    public func participantsInactiveSince(before cutoff: Date) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT participant.id FROM participant
                WHERE NOT EXISTS (
                    SELECT 1 FROM enrolment WHERE enrolment.participant_id = participant.id
                    AND enrolment.state IN ('waitlisted', 'enrolled'))
                AND COALESCE(
                    (SELECT MAX(changed_at) FROM enrolment WHERE enrolment.participant_id = participant.id),
                    participant.created_at) < ?
                """,
            arguments: [cutoff.storedSeconds])
    }
}
