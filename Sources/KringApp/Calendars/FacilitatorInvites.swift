import Foundation
import KringDomain
import KringStorage

/// What facilitators' calendars hold: per facilitator and series, the sessions they are assigned to that still take
/// place, by original start, with the times they happen. Taken before and after a change, the difference says which
/// facilitator needs which message, so nobody hears about a change that did not touch their own sessions.
struct FacilitatorSchedule: Equatable {
    struct Key: Hashable, Comparable {
        let facilitatorId: Int64
        let seriesId: Int64

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.facilitatorId, lhs.seriesId) < (rhs.facilitatorId, rhs.seriesId)
        }
    }

    struct Times: Equatable {
        let start: Date
        let end: Date
    }

    var calendars: [Key: [Date: Times]] = [:]
}

extension StoreTransaction {
    /// The facilitators' calendars over these groups, or over every group when `groupIds` is nil.
    func facilitatorSchedule(groupIds: [Int64]?) throws(KringError) -> FacilitatorSchedule {
        var rows: [StoredAssignment] = []
        var sessions: [Int64: Session] = [:]
        for groupId in groupIds.map({ $0.map { Optional($0) } }) ?? [nil] {
            rows += try assignments(groupId: groupId)
            for session in try self.sessions(groupId: groupId) { sessions[session.id] = session }
        }
        var schedule = FacilitatorSchedule()
        for row in rows {
            guard let session = sessions[row.sessionId], session.status != .cancelled else { continue }
            let key = FacilitatorSchedule.Key(facilitatorId: row.facilitatorId, seriesId: session.seriesId)
            schedule.calendars[key, default: [:]][session.occurrenceStart] = .init(
                start: session.startsAt, end: session.endsAt)
        }
        return schedule
    }

    /// Compares the facilitators' calendars now with `before` and, for each facilitator whose own sessions of a
    /// series changed, counts the change (their SEQUENCE) and, when they have an address, queues one message:
    /// a whole-series CANCEL when the group closed; a REQUEST when a session was added or moved (it carries every
    /// remaining session, the removed ones as EXDATE); otherwise a CANCEL with RECURRENCE-ID per session they lost.
    func queueFacilitatorInvites(
        since before: FacilitatorSchedule, groupIds: [Int64]?, groupClosed: Bool = false, now: Date
    ) throws(KringError) {
        let after = try facilitatorSchedule(groupIds: groupIds)
        let keys = Set(before.calendars.keys).union(after.calendars.keys).sorted()
        for key in keys {
            let old = before.calendars[key] ?? [:]
            let new = after.calendars[key] ?? [:]
            guard old != new else { continue }
            try countFacilitatorCalendarChange(facilitatorId: key.facilitatorId, seriesId: key.seriesId)
            if groupClosed {
                try queueFacilitatorMessage(.cancel, key, occurrenceStart: nil, now: now)
            } else if new.contains(where: { old[$0.key] != $0.value }) {
                try queueFacilitatorMessage(.request, key, occurrenceStart: nil, now: now)
            } else {
                for start in old.keys.filter({ new[$0] == nil }).sorted() {
                    try queueFacilitatorMessage(.cancel, key, occurrenceStart: start, now: now)
                }
            }
        }
    }

    /// REQUESTs for every series the facilitator has sessions in, when they get a (new) address.
    func queueFacilitatorRequests(facilitatorId: Int64, now: Date) throws(KringError) {
        let schedule = try facilitatorSchedule(groupIds: nil)
        for key in schedule.calendars.keys.sorted() where key.facilitatorId == facilitatorId {
            try queueFacilitatorMessage(.request, key, occurrenceStart: nil, now: now)
        }
    }

    /// REQUESTs to every facilitator with sessions in the group, each for the series they work in: something every
    /// VEVENT shows (title, venue, link) changed, though none of their sessions did.
    func queueFacilitatorRequests(groupId: Int64, now: Date) throws(KringError) {
        let schedule = try facilitatorSchedule(groupIds: [groupId])
        for key in schedule.calendars.keys.sorted() {
            try queueFacilitatorMessage(.request, key, occurrenceStart: nil, now: now)
        }
    }

    /// REQUESTs to the facilitators of one session, for its series: something only that occurrence shows changed
    /// (its own place), though their sessions did not.
    func queueFacilitatorRequests(session: Session, now: Date) throws(KringError) {
        for row in try assignments(sessionId: session.id) {
            let key = FacilitatorSchedule.Key(facilitatorId: row.facilitatorId, seriesId: session.seriesId)
            try queueFacilitatorMessage(.request, key, occurrenceStart: nil, now: now)
        }
    }

    /// Queues one message to a facilitator with an address. A REQUEST is not queued twice in a row: the pending one is
    /// rendered from the schedule as it stands at export, so it already carries the newer change.
    private func queueFacilitatorMessage(
        _ method: OutboxMessage.Method, _ key: FacilitatorSchedule.Key, occurrenceStart: Date?, now: Date
    ) throws(KringError) {
        guard let facilitator = try self.facilitator(id: key.facilitatorId), facilitator.hasContact else { return }
        let recipient = OutboxMessage.Recipient.facilitator(key.facilitatorId)
        // Any pending REQUEST, not only the latest message: after REQUEST, CANCEL (a lost session), REQUEST (a
        // session added) the second REQUEST would be the first one again, twice in the recipient's inbox.
        let pending = try pendingOutbox(for: recipient, seriesId: key.seriesId)
        if method == .request, pending.contains(where: { $0.method == .request }) { return }
        _ = try insert(
            NewOutboxMessage(
                recipient: recipient, seriesId: key.seriesId, method: method, occurrenceStart: occurrenceStart,
                queuedAt: now))
    }
}
