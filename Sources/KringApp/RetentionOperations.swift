import Foundation
import KringDomain
import KringStorage
import Logging

extension Kring {
    /// The organisation's retention period (`retention-days`, default one year).
    func retentionPolicy() throws(KringError) -> RetentionPolicy {
        let text = try read { (transaction) throws(KringError) in try transaction.wrap { try transaction.setting("retention-days") } }
        return text.flatMap(Int.init).map(RetentionPolicy.init(days:)) ?? .standard
    }

    /// Erases participants whose groups ended longer ago than the retention period (privacy rule 10).
    /// Runs when Kring opens a database, so no one has to remember it; returns how many were erased.
    @discardableResult
    public func purgeExpired() throws(KringError) -> Int {
        let policy = try retentionPolicy()
        let cutoff = now.addingTimeInterval(-TimeInterval(policy.days) * 86_400)
        let due = try read { (transaction) throws(KringError) in
            try transaction.wrap { try transaction.participantsInactiveSince(before: cutoff) }
        }
        guard !due.isEmpty else { return 0 }
        let erased = try write { (transaction) throws(KringError) in
            let stillDue = try transaction.wrap { try transaction.participantsInactiveSince(before: cutoff) }
            try transaction.wrap { for id in stillDue { try transaction.deleteParticipant(id: id) } }
            return stillDue.count
        }
        let store = store
        try afterCommit { () throws(KringError) in try self.storage { try store.checkpointAndTruncateLog() } }
        logger.info("retention purge", metadata: ["purged.count": "\(erased)"])
        return erased
    }
}
