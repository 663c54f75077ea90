import Foundation
import KringDomain
import KringStorage
import Logging

extension Kring {
    /// `kring participant withdraw`: frees the seat (promoting the waitlist's head); with `erase`, removes every trace
    /// of the participant and checkpoints the log so nothing stays in `-wal` (privacy rule 9). Their pending invites,
    /// the CANCEL this withdrawal queues among them, go too and are counted in `droppedInvites`: a coordinator who
    /// wants the person to receive the cancellation withdraws, runs `kring invites export`, then erases.
    public func withdraw(_ reference: String, group groupReference: String?, erase: Bool, reason: String? = nil)
        throws(KringError) -> EnrolmentChangeView
    {
        try write { (operation) throws(KringError) in
            try operation.withdraw(reference, group: groupReference, erase: erase, reason: reason)
        }
    }
}

extension KringTransaction {
    /// `kring participant withdraw`: frees the seat (promoting the waitlist's head); with `erase`, removes every trace
    /// of the participant and checkpoints the log so nothing stays in `-wal` (privacy rule 9). Their pending invites,
    /// the CANCEL this withdrawal queues among them, go too and are counted in `droppedInvites`: a coordinator who
    /// wants the person to receive the cancellation withdraws, runs `kring invites export`, then erases.
    func withdraw(_ reference: String, group groupReference: String?, erase: Bool, reason: String? = nil)
        throws(KringError) -> EnrolmentChangeView
    {
        let reason = try reason.map { (text) throws(KringError) in try WithdrawalReason.parse(text, field: "reason") }
        let change = try transaction.withdraw(
            reference, group: groupReference, erase: erase, reason: reason ?? .unstated, now: now)
        if erase {
            try truncateLogAfterCommit(
                failure: "the participant was erased but the log could not be truncated; run the command again")
        }
        logAfterCommit(
            .info, "participant withdrawn",
            [
                "withdraw.erased": "\(erase)", "promoted.count": "\(change.promoted.count)",
                "invite.dropped.count": "\(change.droppedInvites)",
            ])
        return change
    }
}

extension StoreTransaction {
    func withdraw(
        _ reference: String, group groupReference: String?, erase: Bool, reason: WithdrawalReason, now: Date
    ) throws(KringError) -> EnrolmentChangeView {
        let participant = try resolveParticipant(reference)
        let all = try enrolments(participantId: participant.id)
        var targets = all.filter(\.state.isActive)
        if let groupReference {
            let group = try resolveGroup(groupReference)
            targets = targets.filter { $0.groupId == group.id }
            if targets.isEmpty, !erase {
                throw .conflict(
                    "group", groupReference, "'\(participant.pseudonym)' is not enrolled or waiting in this group")
            }
        } else if targets.count > 1, !erase {
            let names = try targets.map { (enrolment) throws(KringError) in
                try resolveGroup(String(enrolment.groupId)).internalName
            }
            throw .invalid(
                "group", "",
                "'\(participant.pseudonym)' is in \(targets.count) groups (\(names.joined(separator: ", "))); name one with --group"
            )
        } else if targets.isEmpty, !erase {
            throw .conflict("participant", reference, "is not enrolled or waiting in any group")
        }
        if erase { targets = all.filter(\.state.isActive) }
        var changed: [EnrolmentView] = []
        var promoted: [EnrolmentView] = []
        var heldBack: [HeldBackView] = []
        for var enrolment in targets {
            let group = try resolveGroup(String(enrolment.groupId))
            let wasEnrolled = enrolment.state == .enrolled
            enrolment.state = .withdrawn
            enrolment.changedAt = now
            try update(enrolment)
            try reportCounters.withdrew(participant, from: group, wasEnrolled: wasEnrolled, reason: reason, at: now)
            if wasEnrolled { try queueInvites(.cancel, group: group.id, participantIds: [participant.id], now: now) }
            changed.append(try view(of: enrolment, participant: participant, group: group))
            let promotion = try promoteFromWaitlistExplained(group: group, now: now)
            promoted += promotion.promoted
            heldBack += promotion.heldBack
        }
        var dropped = 0
        if erase {
            // The cascade drops their pending invites, the CANCEL just queued too: nothing about them may remain.
            dropped = try countPendingOutbox(participantId: participant.id)
            try deleteParticipant(id: participant.id)
        }
        var view = EnrolmentChangeView(changed: changed, promoted: promoted, erased: erase, droppedInvites: dropped)
        view.heldBack = heldBack
        return view
    }
}
