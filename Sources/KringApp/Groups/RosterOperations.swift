import Foundation
import KringDomain
import KringStorage

extension Kring {
    /// `kring roster`: enrolled pseudonyms with their attendance so far, then the waitlist in order.
    public func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView {
        try read { (operation) throws(KringError) in try operation.roster(group: reference, session: sessionReference) }
    }
}

extension KringTransaction {
    /// `kring roster`: enrolled pseudonyms with their attendance so far, then the waitlist in order.
    func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView {
        let group = try transaction.resolveGroup(reference)
        let session = try sessionReference.map { (text) throws(KringError) in
            try transaction.resolveSession(text)
        }
        if let session, session.groupId != group.id {
            throw .notFound("session", sessionReference!, "is not a session of group '\(group.internalName)'")
        }
        let (members, waiting, marks, sessions) = (
            try transaction.enrolments(groupId: group.id, states: [.enrolled, .completed]),
            try transaction.enrolments(groupId: group.id, states: [.waitlisted]),
            try transaction.attendance(groupId: group.id),
            try transaction.sessions(groupId: group.id, to: now)
        )
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
                RosterView.Waiting(
                    position: index + 1, participantId: participant.id, pseudonym: participant.pseudonym))
        }
        return RosterView(
            groupId: group.id, group: group.internalName, title: group.displayTitle,
            session: session.map { transaction.view(of: $0, in: group) },
            sessionsSoFar: sessions.filter { $0.status != .cancelled }.count, enrolled: enrolled,
            waitlist: waitlist, staffing: try transaction.rosterStaffing(group: group, session: session, now: now))
    }
}
