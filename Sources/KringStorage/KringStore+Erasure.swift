import Foundation
import GRDB
import KringDomain

/// An erasure is final only once the write-ahead log is checkpointed and truncated: until then the erased rows stay
/// readable in the main file's old pages or in `-wal`. So the erasure's own transaction records that a checkpoint is
/// owed, and whatever interrupts it (a kill, a crash, a reader holding the log), the next open of the database, or
/// the service's schedule, pays it (`finishPendingErasure`).
extension StoreTransaction {
    static let erasurePendingKey = "erasure-pending"

    /// Records, inside the erasing transaction, that a checkpoint is owed.
    public func markErasurePending() throws(KringError) {
        try execute(
            "INSERT INTO setting (key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = '1'",
            [Self.erasurePendingKey])
    }
}

/// Whether an erasure still owes its checkpoint, and the log's size. No erasure owed means every erasure is final:
/// the mark is cleared only after the checkpoint that made it so (`Kring.erasureStatus` reports that as clean).
public struct ErasureStatus: Sendable, Codable, Equatable {
    public let pending: Bool
    public let logBytes: Int
}

extension KringStore {
    public func erasureStatus() throws(KringError) -> ErasureStatus {
        let pending = try read { transaction throws(KringError) in
            try transaction.setting(StoreTransaction.erasurePendingKey)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int
        return ErasureStatus(pending: pending != nil, logBytes: size ?? 0)
    }

    /// Checkpoints and truncates the log, then clears the owed mark and truncates again, so the files hold no trace
    /// and no mark. Throws (leaving the mark) when the checkpoint cannot complete, e.g. while a reader holds the log.
    public func finishPendingErasure() throws(KringError) {
        try checkpointAndTruncateLog()
        try write { transaction throws(KringError) in
            try transaction.execute("DELETE FROM setting WHERE key = ?", [StoreTransaction.erasurePendingKey])
        }
        try checkpointAndTruncateLog()
    }
}
