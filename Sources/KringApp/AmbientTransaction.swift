import Foundation
import KringDomain
import KringStorage

/// The transaction the current thread is running in, so that an operation called while another is open (the role
/// check in `ScopedKring` and the operation it guards) joins it instead of opening a second one: the check and the
/// change then see and hold the same state, and GRDB, which is not reentrant, is never asked to nest.
final class AmbientTransaction: @unchecked Sendable {
    // Unchecked: a value is bound only for the duration of one synchronous transaction closure and read on that
    // same thread; none of Kring's operations start tasks that could carry it elsewhere.
    let transaction: StoreTransaction
    let store: ObjectIdentifier
    let writable: Bool
    /// Work that must wait until the outermost transaction has committed (a WAL checkpoint cannot run inside one).
    private(set) var afterCommit: [() throws(KringError) -> Void] = []

    init(transaction: StoreTransaction, store: KringStore, writable: Bool) {
        self.transaction = transaction
        self.store = ObjectIdentifier(store)
        self.writable = writable
    }

    func deferUntilCommitted(_ work: @escaping () throws(KringError) -> Void) { afterCommit.append(work) }

    @TaskLocal static var current: AmbientTransaction?
}

/// How many transactions a `Kring` opened (joined ones are not counted): lets tests prove that a scoped call is
/// one transaction, not a check followed by a separate change.
final class TransactionCounter: @unchecked Sendable {
    // Unchecked: every access goes through the lock.
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
