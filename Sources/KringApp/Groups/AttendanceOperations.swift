import Foundation
import KringDomain
import KringStorage

extension Kring {
    /// `kring attendance mark`: present or absent once the session has started; excused at any time.
    public func markAttendance(
        session sessionReference: String, participant participantReference: String, status: String
    )
        throws(KringError) -> AttendanceView
    {
        try write { (operation) throws(KringError) in
            try operation.markAttendance(session: sessionReference, participant: participantReference, status: status)
        }
    }

}

extension KringTransaction {
    /// `kring attendance mark`: present or absent once the session has started; excused at any time.
    func markAttendance(session sessionReference: String, participant participantReference: String, status: String)
        throws(KringError) -> AttendanceView
    {
        let status = try AttendanceStatus.parse(status, field: "status")
        var session = try transaction.resolveSession(sessionReference)
        let participant = try transaction.resolveParticipant(participantReference)
        let group = try transaction.resolveGroup(String(session.groupId))
        guard session.status != .cancelled else {
            throw .conflict("session", sessionReference, "was cancelled; there is no attendance to mark")
        }
        let enrolment = try transaction.enrolment(groupId: group.id, participantId: participant.id)
        guard let enrolment, enrolment.state == .enrolled || enrolment.state == .completed else {
            throw .conflict(
                "participant", participantReference, "is not enrolled in group '\(group.internalName)'")
        }
        if status != .excused, session.startsAt > now {
            throw .conflict(
                "status", status.rawValue,
                "the session has not started yet; only 'excused' can be marked in advance")
        }
        let previous = try transaction.attendance(sessionId: session.id).first { $0.participantId == participant.id }
        try transaction.upsert(
            Attendance(sessionId: session.id, participantId: participant.id, status: status, markedAt: now))
        try transaction.reportCounters.attendanceMarked(
            status, replacing: previous?.status, session: session, group: group)
        if status != .excused, session.status == .scheduled || session.status == .moved {
            // Held is a fact about the past, not a calendar change, so the change counter stays.
            session.status = .held
            try transaction.update(session)
            try transaction.reportCounters.sessionHeld(session, group: group)
        }
        return AttendanceView(
            sessionId: session.id, participantId: participant.id, pseudonym: participant.pseudonym,
            status: status, session: transaction.view(of: session, in: group))
    }

}
