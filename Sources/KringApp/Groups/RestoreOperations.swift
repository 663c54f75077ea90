import Foundation
import KringDomain
import KringStorage
import Logging

extension Kring {
    /// `kring session restore`: a cancelled session takes place again; participants' and facilitators' calendars
    /// get it back (a REQUEST with a higher SEQUENCE).
    public func restoreSession(_ reference: String) throws(KringError) -> SessionView {
        try write { (operation) throws(KringError) in try operation.restoreSession(reference) }
    }

    /// `kring facilitator decline F --session S --undo`: takes a decline back, so the next `kring assign` (or
    /// `assignment set`) may place them in that session again. It does not put them back by itself.
    public func undoDecline(facilitator reference: String, session sessionReference: String) throws(KringError)
        -> SessionStaffingView
    {
        try write { (operation) throws(KringError) in
            try operation.undoDecline(facilitator: reference, session: sessionReference)
        }
    }
}

extension KringTransaction {
    func restoreSession(_ reference: String) throws(KringError) -> SessionView {
        var session = try transaction.resolveSession(reference)
        let group = try transaction.resolveGroup(String(session.groupId))
        guard session.status == .cancelled else {
            throw .conflict("session", reference, "is \(session.status.rawValue), not cancelled; nothing to restore")
        }
        guard session.startsAt > now else {
            throw .conflict("session", reference, "would have started already; it cannot be restored")
        }
        guard group.state != .closed else {
            throw .conflict("group", group.internalName, "is closed; its sessions cannot be restored")
        }
        session.status = session.originalStart == nil ? .scheduled : .moved
        session.changeCount += 1
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: [group.id])
        try transaction.update(session)
        try transaction.reportCounters.sessionCancelled(session, group: group, restored: true)
        try transaction.queueInvites(.request, group: group.id, seriesId: session.seriesId, now: now)
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: [group.id], now: now)
        logAfterCommit(.info, "session restored", ["session.id": "\(session.id)"])
        return transaction.view(of: session, in: group)
    }

    func undoDecline(facilitator reference: String, session sessionReference: String) throws(KringError)
        -> SessionStaffingView
    {
        let (session, group) = try transaction.changeableSession(sessionReference, now: now)
        let facilitator = try transaction.resolveFacilitator(reference)
        let declines = try transaction.allDeclines()
        guard declines.contains(where: { $0.sessionId == session.id && $0.facilitatorId == facilitator.id }) else {
            throw .conflict(
                "facilitator", reference, "has not declined session \(session.id); there is nothing to take back")
        }
        try transaction.deleteDecline(sessionId: session.id, facilitatorId: facilitator.id)
        return try transaction.staffing(of: session, in: group)
    }
}
