import Foundation
import KringDomain
import KringStorage

extension Kring {
    /// `kring attendance mark`: present or absent once the session has started; excused at any time.
    public func markAttendance(session sessionReference: String, participant participantReference: String, status: String)
        throws(KringError) -> AttendanceView
    {
        try write { (transaction) throws(KringError) in
            let status = try AttendanceStatus.parse(status, field: "status")
            var session = try transaction.resolveSession(sessionReference)
            let participant = try transaction.resolveParticipant(participantReference)
            let group = try transaction.resolveGroup(String(session.groupId))
            guard session.status != .cancelled else {
                throw .conflict("session", sessionReference, "was cancelled; there is no attendance to mark")
            }
            let enrolment = try transaction.wrap {
                try transaction.enrolment(groupId: group.id!, participantId: participant.id!)
            }
            guard let enrolment, enrolment.state == .enrolled || enrolment.state == .completed else {
                throw .conflict(
                    "participant", participantReference, "is not enrolled in group '\(group.internalName)'")
            }
            if status != .excused, session.startsAt > now {
                throw .conflict(
                    "status", status.rawValue,
                    "the session has not started yet; only 'excused' can be marked in advance")
            }
            try transaction.wrap {
                try transaction.upsert(
                    Attendance(sessionId: session.id!, participantId: participant.id!, status: status, markedAt: now))
            }
            if status != .excused, session.status == .scheduled || session.status == .moved {
                // Held is a fact about the past, not a calendar change, so the change counter stays.
                session.status = .held
                try transaction.wrap { try transaction.update(session) }
            }
            return AttendanceView(
                sessionId: session.id!, participantId: participant.id!, pseudonym: participant.pseudonym,
                status: status, session: transaction.view(of: session, in: group))
        }
    }

    /// `kring roster`: enrolled pseudonyms with their attendance so far, then the waitlist in order.
    public func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView {
        try read { (transaction) throws(KringError) in
            let group = try transaction.resolveGroup(reference)
            let session = try sessionReference.map { (text) throws(KringError) in
                try transaction.resolveSession(text)
            }
            if let session, session.groupId != group.id {
                throw .notFound("session", sessionReference!, "is not a session of group '\(group.internalName)'")
            }
            let (members, waiting, marks, sessions) = try transaction.wrap {
                (
                    try transaction.enrolments(groupId: group.id!, states: [.enrolled, .completed]),
                    try transaction.enrolments(groupId: group.id!, states: [.waitlisted]),
                    try transaction.attendance(groupId: group.id!),
                    try transaction.sessions(groupId: group.id!, to: now)
                )
            }
            var enrolled: [RosterView.Member] = []
            for member in members {
                let participant = try transaction.resolveParticipant(String(member.participantId))
                let own = marks.filter { $0.participantId == member.participantId }
                enrolled.append(
                    RosterView.Member(
                        participantId: member.participantId, pseudonym: participant.pseudonym,
                        present: own.count { $0.status == .present }, absent: own.count { $0.status == .absent },
                        excused: own.count { $0.status == .excused },
                        attendance: session.flatMap { session in own.first { $0.sessionId == session.id }?.status }))
            }
            var waitlist: [RosterView.Waiting] = []
            for (index, entry) in waiting.enumerated() {
                let participant = try transaction.resolveParticipant(String(entry.participantId))
                waitlist.append(
                    RosterView.Waiting(position: index + 1, participantId: participant.id!, pseudonym: participant.pseudonym))
            }
            return RosterView(
                groupId: group.id!, group: group.internalName, title: group.displayTitle,
                session: session.map { transaction.view(of: $0, in: group) },
                sessionsSoFar: sessions.filter { $0.status != .cancelled }.count, enrolled: enrolled,
                waitlist: waitlist, staffing: try transaction.rosterStaffing(group: group, session: session, now: now))
        }
    }
}
