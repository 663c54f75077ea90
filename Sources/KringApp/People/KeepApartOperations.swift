import Foundation
import KringDomain
import KringStorage
import Logging

extension Kring {
    /// `kring participant keep-apart`: the two will never be enrolled into one group.
    public func keepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        try write { (operation) throws(KringError) in try operation.keepApart(first, second) }
    }

    /// `kring participant keep-apart --list`: every mark, or one participant's.
    public func listKeepApart(participant: String?) throws(KringError) -> [KeepApartMarkView] {
        try read { (operation) throws(KringError) in try operation.listKeepApart(participant: participant) }
    }

    /// `kring participant keep-apart A B --remove`: the two may share a group again.
    public func removeKeepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        try write { (operation) throws(KringError) in try operation.removeKeepApart(first, second) }
    }
}

extension KringTransaction {
    /// `kring participant keep-apart`: the two will never be enrolled into one group. When they already share a
    /// group nothing moves by itself: the answer names the later arrival as the one to move, and the waitlist
    /// never promotes either of them next to the other.
    func keepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        let (one, other) = try pair(first, second)
        let created = try transaction.insertKeepApart(one.id, other.id)
        let conflicts = try sharedConflicts(one, other)
        if !conflicts.isEmpty {
            logAfterCommit(.notice, "keep-apart mark within a group", ["conflict.count": "\(conflicts.count)"])
        }
        var view = KeepApartView(
            participants: [one.pseudonym, other.pseudonym], participantIds: [one.id, other.id], created: created,
            sharedGroups: conflicts.map(\.group))
        view.conflicts = conflicts
        return view
    }

    func removeKeepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        let (one, other) = try pair(first, second)
        let removed = try transaction.deleteKeepApart(one.id, other.id)
        guard removed else {
            throw .notFound(
                "participant", second,
                "'\(one.pseudonym)' and '\(other.pseudonym)' are not marked keep-apart; see `kring participant keep-apart --list`"
            )
        }
        var view = KeepApartView(
            participants: [one.pseudonym, other.pseudonym], participantIds: [one.id, other.id], created: false,
            sharedGroups: [])
        view.removed = true
        return view
    }

    func listKeepApart(participant reference: String?) throws(KringError) -> [KeepApartMarkView] {
        let only = try reference.map { (text) throws(KringError) in try transaction.resolveParticipant(text).id }
        let marks = try transaction.allKeepApart()
        var views: [KeepApartMarkView] = []
        for (low, high) in marks where only == nil || only == low || only == high {
            let one = try transaction.resolveParticipant(String(low))
            let other = try transaction.resolveParticipant(String(high))
            views.append(
                KeepApartMarkView(
                    participantIds: [low, high], participants: [one.pseudonym, other.pseudonym],
                    sharedGroups: try sharedConflicts(one, other).map(\.group)))
        }
        return views
    }

    private func pair(_ first: String, _ second: String) throws(KringError) -> (Participant, Participant) {
        let one = try transaction.resolveParticipant(first, field: "participant")
        let other = try transaction.resolveParticipant(second, field: "participant")
        guard one.id != other.id else { throw .invalid("participant", second, "is the same participant twice") }
        return (one, other)
    }

    /// The groups both are active in, each with the later arrival (the higher queue ticket) named to move.
    private func sharedConflicts(_ one: Participant, _ other: Participant) throws(KringError)
        -> [KeepApartConflictView]
    {
        let mine = try transaction.enrolments(participantId: one.id).filter(\.state.isActive)
        let theirs = try transaction.enrolments(participantId: other.id).filter(\.state.isActive)
        var conflicts: [KeepApartConflictView] = []
        for enrolment in mine {
            guard let match = theirs.first(where: { $0.groupId == enrolment.groupId }) else { continue }
            let group = try transaction.resolveGroup(String(enrolment.groupId))
            let oneFirst = enrolment.queueTicket < match.queueTicket
            let (staying, moving) = oneFirst ? (one, other) : (other, one)
            conflicts.append(
                KeepApartConflictView(
                    groupId: group.id, group: group.internalName, stayingId: staying.id, staying: staying.pseudonym,
                    moveId: moving.id, move: moving.pseudonym))
        }
        return conflicts
    }
}
