import Foundation
import KringBusyParsing
import KringDomain
import KringSecrets
import KringStorage
import Logging

/// The application: one method per user action, each one transaction. The CLI and the HTTP service call these.
public final class Kring: Sendable {
    public let store: KringStore
    let keyFile: KeyFile
    let sealer: ContactSealer?
    let clock: @Sendable () -> Date
    let busyCalendarParser: any BusyCalendarParser
    let logger: Logger
    /// A rehearsal runs every write to the end, then rolls it back: `--dry-run` shows exactly what a change would
    /// do, and a confirmation prompt shows exactly whom it would touch, by the very code that would do it.
    public let isRehearsal: Bool
    /// The service's request behind every write of this value (client still there, `Idempotency-Key`); nil on the
    /// command line.
    let requestGuard: RequestGuard?

    init(
        store: KringStore, keyFile: KeyFile, sealer: ContactSealer?, clock: @escaping @Sendable () -> Date,
        busyCalendarParser: any BusyCalendarParser, logger: Logger, isRehearsal: Bool = false,
        requestGuard: RequestGuard? = nil
    ) {
        self.store = store
        self.keyFile = keyFile
        self.sealer = sealer
        self.clock = clock
        self.busyCalendarParser = busyCalendarParser
        self.logger = logger
        self.isRehearsal = isRehearsal
        self.requestGuard = requestGuard
    }

    /// The same database, but every change is rolled back once it has run (and nothing is logged or audited).
    public func rehearsing() -> Kring {
        Kring(
            store: store, keyFile: keyFile, sealer: sealer, clock: clock, busyCalendarParser: busyCalendarParser,
            logger: logger, isRehearsal: true)
    }

    /// The same database, every write checked against the service's request (`RequestGuard`).
    public func guarded(by requestGuard: RequestGuard) -> Kring {
        Kring(
            store: store, keyFile: keyFile, sealer: sealer, clock: clock, busyCalendarParser: busyCalendarParser,
            logger: logger, isRehearsal: isRehearsal, requestGuard: requestGuard)
    }

    /// Opens an existing database. Refuses to start when contact data exists and the key is missing or wrong
    /// (privacy rule 3), so no command ever runs with data it could not protect.
    public static func open(
        configuration: KringConfiguration, create: Bool = false, logger: Logger = Logger(label: "kring")
    ) throws(KringError) -> Kring {
        let store = try KringStore.open(
            path: configuration.databasePath, create: create, busyTimeout: configuration.busyTimeoutSeconds,
            logger: logger)
        let sealer = configuration.keyFile.exists ? try configuration.keyFile.load() : nil
        let sealed = try store.read { (transaction) throws(KringError) in try transaction.anySealedContact() }
        if let sealed {
            // Loading reports a missing or unreadable key file; opening reports a key that does not fit.
            let checkedSealer: ContactSealer
            if let sealer { checkedSealer = sealer } else { checkedSealer = try configuration.keyFile.load() }
            do {
                let location = ContactSealer.Location(table: sealed.table, rowId: sealed.rowId, column: "contact")
                _ = try checkedSealer.open(sealed.ciphertext, at: location)
            } catch {
                throw KringError(.environment, field: "key", value: configuration.keyFile.path, reason: error.reason)
            }
        }
        let kring = Kring(
            store: store, keyFile: configuration.keyFile, sealer: sealer, clock: configuration.clock,
            busyCalendarParser: configuration.busyCalendarParser, logger: logger)
        // An erasure a kill interrupted is finished here; if the log is held right now the command still runs (the
        // mark stays, and the next open, the service's schedule or `participant erase-status` finishes it).
        do { try kring.finishPendingErasure() } catch { logger.notice("pending erasure left for later") }
        try kring.purgeExpired()
        return kring
    }

    /// `kring init`: creates the key file (if absent) and the database with every migration applied. A database
    /// that already holds sealed contacts (a restored backup, say) without its key is refused: a new key could
    /// never open them, and would hide that the right one is missing.
    public static func initialise(
        configuration: KringConfiguration, logger: Logger = Logger(label: "kring")
    ) throws(KringError) -> InitialisationView {
        let keyExisted = configuration.keyFile.exists
        if !keyExisted, FileManager.default.fileExists(atPath: configuration.databasePath) {
            let store = try KringStore.open(path: configuration.databasePath, create: true)
            if (try? store.read { try $0.anySealedContact() }) != nil {
                throw KringError(
                    .environment, field: "key", value: configuration.keyFile.path,
                    reason: "is missing, and this database holds contacts sealed with a key; restore that key file "
                        + "(see docs/operations.md) instead of creating a new one")
            }
        }
        try configuration.keyFile.create()
        let databaseExisted = FileManager.default.fileExists(atPath: configuration.databasePath)
        let kring = try open(configuration: configuration, create: true, logger: logger)
        let migrations = (try? kring.store.appliedMigrations()) ?? []
        logger.info("database initialised", metadata: ["db.migrations": "\(migrations.count)"])
        return InitialisationView(
            database: configuration.databasePath, databaseCreated: !databaseExisted,
            keyFile: configuration.keyFile.path, keyCreated: !keyExisted, migrations: migrations)
    }

    /// Runs one operation in one write transaction (`BEGIN IMMEDIATE`), then, once it has committed, the work it
    /// asked for (`runAfterCommit`). A `KringError` rolls everything back; storage failures arrive already mapped to
    /// a clear environment error by `KringStorage`.
    ///
    /// Every write that changes a row appends one audit entry in the same transaction (`AuditTrail.record`): who
    /// (`actor`, the local operating-system user unless a `ScopedKring` says which token), which operation (the
    /// calling method's name) and the ids of the rows it touched. It is recorded here so no operation can forget it.
    func write<T>(
        actor: AuditActor? = nil, operation: String = #function,
        _ body: (KringTransaction) throws(KringError) -> T
    ) throws(KringError) -> T {
        let context = makeContext()
        let actor = actor ?? .localUser
        let now = context.now
        let rehearsal = isRehearsal
        let requestGuard = isRehearsal ? nil : requestGuard
        let sealer = sealer
        var produced: T?
        var recordedKey: Int64?
        let result = try store.write(
            rollback: isRehearsal,
            beforeCommit: { (transaction, changes) throws(KringError) in
                if let requestGuard {
                    recordedKey = try requestGuard.record(
                        produced, changes: changes, at: now, sealer: sealer, in: transaction)
                }
                guard !rehearsal, !changes.isEmpty else { return }
                try AuditTrail.record(changes, operation: operation, actor: actor, at: now, in: transaction)
            }
        ) { (transaction) throws(KringError) in
            // The lock is ours only now: a client that left while it waited gets nothing done.
            try requestGuard?.admit(transaction, now: now)
            let value = try body(KringTransaction(transaction: transaction, context: context))
            produced = value
            return value
        }
        requestGuard?.committed(recordedKey)
        if isRehearsal { return result }
        try runAfterCommit(context)
        return result
    }

    /// Runs one operation on a consistent snapshot.
    func read<T>(_ body: (KringTransaction) throws(KringError) -> T) throws(KringError) -> T {
        let context = makeContext()
        let result = try store.read { (transaction) throws(KringError) in
            try body(KringTransaction(transaction: transaction, context: context))
        }
        try runAfterCommit(context)
        return result
    }

    /// Pays a checkpoint an interrupted erasure still owes (see `KringStore.finishPendingErasure`).
    public func finishPendingErasure() throws(KringError) {
        guard try store.erasureStatus().pending else { return }
        do { try store.finishPendingErasure() } catch {
            logger.error("pending erasure not finished", metadata: ["error.type": "\(type(of: error))"])
            throw KringError(
                .environment, field: "db", value: store.path,
                reason: "an erasure is not final yet and the log cannot be truncated (another process may hold it); "
                    + "run the command again when it is idle")
        }
        logger.info("pending erasure finished")
    }

    /// `kring participant erase-status`: whether every erasure is final in the database file and its log.
    public func erasureStatus() throws(KringError) -> ErasureStatusView {
        let status = try store.erasureStatus()
        return ErasureStatusView(pending: status.pending, logBytes: status.logBytes, clean: !status.pending)
    }

    /// `kring backup --out FILE`: a consistent copy while others write, 0600, checked (see `KringStore.backup`).
    public func backup(to destination: String) throws(KringError) -> BackupView {
        let counts = try store.backup(to: destination)
        logger.info("backup written", metadata: ["tables.count": "\(counts.count)"])
        return BackupView(file: destination, rows: counts.values.reduce(0, +), tables: counts.count)
    }

    private func makeContext() -> OperationContext {
        OperationContext(
            now: clock(), sealer: sealer, keyFile: keyFile, logger: logger, busyCalendarParser: busyCalendarParser)
    }

    /// The one place that runs work after a commit, and so the one place that checkpoints the log: a checkpoint
    /// cannot run inside a transaction, and must not run before the erasure it makes final is stored.
    private func runAfterCommit(_ context: OperationContext) throws(KringError) {
        var truncationFailure: String?
        for work in context.afterCommit {
            switch work {
            case .truncateLog(let failure):
                // The storage layer has logged the cause; the user learns that the change itself was stored.
                do { try store.finishPendingErasure() } catch { truncationFailure = failure }
            case .log(let level, let message, let metadata):
                logger.log(level: level, message, metadata: metadata)
            }
        }
        if let truncationFailure {
            throw KringError(.environment, field: "db", value: store.path, reason: truncationFailure)
        }
    }

    var now: Date { clock() }
}

extension ContactSealer.Location {
    static func contact(of participantId: Int64) -> ContactSealer.Location {
        ContactSealer.Location(table: "participant", rowId: participantId, column: "contact")
    }

    static func contact(ofFacilitator facilitatorId: Int64) -> ContactSealer.Location {
        ContactSealer.Location(table: "facilitator", rowId: facilitatorId, column: "contact")
    }
}
