import Foundation
import KringDomain
import KringStorage
import Logging

extension Kring {
    /// Erases participants whose groups ended longer ago than the retention period (privacy rule 10).
    /// Runs when Kring opens a database and on the service's schedule, so no one has to remember it; returns how
    /// many were erased. Takes the write lock only when someone is due.
    @discardableResult
    public func purgeExpired() throws(KringError) -> Int {
        let (due, auditDue, records, keys) = try read { (operation) throws(KringError) in
            (
                try operation.participantsDueForErasure(), try operation.auditEntriesDue(),
                try operation.deliveryRecordsDue(),
                try operation.transaction.countRequestKeys(before: operation.requestKeyCutoff)
            )
        }
        guard !due.isEmpty || auditDue > 0 || records > 0 || keys > 0 else { return 0 }
        return try write(actor: .system) { (operation) throws(KringError) in try operation.purgeExpired() }
    }
}

extension KringTransaction {
    /// Idempotency keys stored before this instant have expired.
    var requestKeyCutoff: Date { now.addingTimeInterval(-RequestGuard.keyLifetime) }

    /// The organisation's retention period (`retention-days`, default one year).
    func retentionPolicy() throws(KringError) -> RetentionPolicy {
        let text = try transaction.setting("retention-days")
        return text.flatMap(Int.init).map(RetentionPolicy.init(days:)) ?? .standard
    }

    /// Participants whose groups ended longer ago than the retention period.
    func participantsDueForErasure() throws(KringError) -> [Int64] {
        let cutoff = now.addingTimeInterval(-TimeInterval(try retentionPolicy().days) * 86_400)
        return try transaction.participantsInactiveSince(before: cutoff)
    }

    /// Audit entries older than the retention period: the trail is kept no longer than the people it concerns.
    func auditEntriesDue() throws(KringError) -> Int {
        let cutoff = now.addingTimeInterval(-TimeInterval(try retentionPolicy().days) * 86_400)
        return try transaction.countAuditEntries(before: cutoff)
    }

    /// Records of invites that are done (sent, failed, discarded, exported) and older than the retention period.
    func deliveryRecordsDue() throws(KringError) -> Int {
        let cutoff = now.addingTimeInterval(-TimeInterval(try retentionPolicy().days) * 86_400)
        return try transaction.countDeliveredOutbox(before: cutoff)
    }

    /// Erases every participant due, the audit entries and the delivery records past retention, then truncates the log once that is
    /// stored.
    func purgeExpired() throws(KringError) -> Int {
        let cutoff = now.addingTimeInterval(-TimeInterval(try retentionPolicy().days) * 86_400)
        let purgedEntries = try transaction.deleteAuditEntries(before: cutoff)
        if purgedEntries > 0 {
            logAfterCommit(.info, "audit retention purge", ["audit.purged.count": "\(purgedEntries)"])
        }
        // Idempotency keys live a day, whatever the retention period: a retry comes within minutes.
        let keys = try transaction.deleteRequestKeys(before: requestKeyCutoff)
        if keys > 0 { logAfterCommit(.info, "request keys purged", ["purged.count": "\(keys)"]) }
        let due = try participantsDueForErasure()
        let records = try transaction.purgeDeliveredOutbox(before: cutoff)
        if records > 0 { logAfterCommit(.info, "delivery records purged", ["purged.count": "\(records)"]) }
        guard !due.isEmpty else {
            if records > 0 { try truncateLogAfterCommit() }
            return 0
        }
        for id in due { try transaction.deleteParticipant(id: id) }
        try truncateLogAfterCommit()
        logAfterCommit(.info, "retention purge", ["purged.count": "\(due.count)"])
        return due.count
    }
}
