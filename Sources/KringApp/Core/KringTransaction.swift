import Foundation
import KringBusyParsing
import KringDomain
import KringSecrets
import KringStorage
import Logging

/// What an operation may use beside its transaction: the one instant it runs at, the sealer, the logger, and the
/// work that must wait until the transaction has committed. Lives for one transaction; never shared.
final class OperationContext {
    let now: Date
    let sealer: ContactSealer?
    let keyFile: KeyFile
    let logger: Logger
    let busyCalendarParser: any BusyCalendarParser
    fileprivate(set) var afterCommit: [AfterCommitWork] = []

    init(
        now: Date, sealer: ContactSealer?, keyFile: KeyFile, logger: Logger,
        busyCalendarParser: any BusyCalendarParser
    ) {
        self.now = now
        self.sealer = sealer
        self.keyFile = keyFile
        self.logger = logger
        self.busyCalendarParser = busyCalendarParser
    }
}

/// Work an operation asks for that only makes sense once its change is stored: `Kring` runs it after the commit,
/// in one place (`Kring.runAfterCommit`), and never when the transaction rolled back.
enum AfterCommitWork {
    /// Checkpoint the WAL and truncate it, so an erased person or a cleared address leaves no copy in `-wal`
    /// (privacy rule 9). `failure` is the reason given if the truncation fails.
    case truncateLog(failure: String)
    /// A log line that states a fact about the stored change, so nothing is logged for a change that was undone.
    case log(Logger.Level, Logger.Message, Logger.Metadata)
}

/// One open transaction of Kring's and its context. Every operation is a method of this type, so it runs inside the
/// transaction `Kring.read` or `Kring.write` opened for it (with the role check `ScopedKring` runs before it) and
/// has no way to open another.
struct KringTransaction {
    /// Typed access to the tables, inside this transaction.
    let transaction: StoreTransaction
    let context: OperationContext

    var now: Date { context.now }
    var sealer: ContactSealer? { context.sealer }
    var keyFile: KeyFile { context.keyFile }
    var logger: Logger { context.logger }
    var busyCalendarParser: any BusyCalendarParser { context.busyCalendarParser }

    /// Truncates the write-ahead log once this transaction has committed. The debt is recorded in this transaction,
    /// so if anything stops the truncation, the next open of the database (or the service's schedule) pays it.
    func truncateLogAfterCommit(
        failure: String = "the change was stored but the log could not be truncated; it will be on the next start"
    ) throws(KringError) {
        if !context.afterCommit.contains(where: { if case .truncateLog = $0 { true } else { false } }) {
            try transaction.markErasurePending()
            context.afterCommit.append(.truncateLog(failure: failure))
        }
    }

    /// Logs once this transaction has committed.
    func logAfterCommit(_ level: Logger.Level = .info, _ message: Logger.Message, _ metadata: Logger.Metadata = [:]) {
        context.afterCommit.append(.log(level, message, metadata))
    }
}
