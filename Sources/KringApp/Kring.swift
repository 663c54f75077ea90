import Foundation
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
    let transactionCounter = TransactionCounter()

    init(
        store: KringStore, keyFile: KeyFile, sealer: ContactSealer?, clock: @escaping @Sendable () -> Date,
        busyCalendarParser: any BusyCalendarParser, logger: Logger
    ) {
        self.store = store
        self.keyFile = keyFile
        self.sealer = sealer
        self.clock = clock
        self.busyCalendarParser = busyCalendarParser
        self.logger = logger
    }

    /// Opens an existing database. Refuses to start when contact data exists and the key is missing or wrong
    /// (privacy rule 3), so no command ever runs with data it could not protect.
    public static func open(
        configuration: KringConfiguration, create: Bool = false, logger: Logger = Logger(label: "kring")
    ) throws(KringError) -> Kring {
        let store = try KringStore.open(path: configuration.databasePath, create: create)
        let sealer = configuration.keyFile.exists ? try configuration.keyFile.load() : nil
        let sealed: (table: String, rowId: Int64, ciphertext: [UInt8])?
        do {
            sealed = try store.read { try $0.anySealedContact() }
        } catch {
            throw KringError(.environment, field: "db", value: configuration.databasePath, reason: "cannot be read")
        }
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
        try kring.purgeExpired()
        return kring
    }

    /// `kring init`: creates the key file (if absent) and the database with every migration applied.
    public static func initialise(
        configuration: KringConfiguration, logger: Logger = Logger(label: "kring")
    ) throws(KringError) -> InitialisationView {
        let keyExisted = configuration.keyFile.exists
        try configuration.keyFile.create()
        let databaseExisted = FileManager.default.fileExists(atPath: configuration.databasePath)
        let kring = try open(configuration: configuration, create: true, logger: logger)
        let migrations = (try? kring.store.appliedMigrations()) ?? []
        logger.info("database initialised", metadata: ["db.migrations": "\(migrations.count)"])
        return InitialisationView(
            database: configuration.databasePath, databaseCreated: !databaseExisted,
            keyFile: configuration.keyFile.path, keyCreated: !keyExisted, migrations: migrations)
    }

    /// Runs one operation in one write transaction, turning storage failures into a clear environment error.
    /// Called while a write transaction of this `Kring` is open on this thread, it joins that one (in a
    /// savepoint, so a failure undoes only its own part) instead of opening another.
    func write<T>(_ body: (StoreTransaction) throws(KringError) -> T) throws(KringError) -> T {
        if let ambient = joinableAmbient() {
            guard ambient.writable else {
                logger.error("write inside a read transaction")
                throw KringError(.environment, field: "db", value: store.path, reason: "the change could not be stored")
            }
            return try storing {
                try ambient.transaction.savepoint { transaction in
                    do { return try body(transaction) } catch { throw error }
                }
            }
        }
        transactionCounter.increment()
        var opened: AmbientTransaction?
        let result = try storing {
            try store.write { transaction in
                let ambient = AmbientTransaction(transaction: transaction, store: store, writable: true)
                opened = ambient
                return try AmbientTransaction.$current.withValue(ambient) {
                    do { return try body(transaction) } catch { throw error }
                }
            }
        }
        for work in opened?.afterCommit ?? [] { try work() }
        return result
    }

    /// Runs one operation on a consistent snapshot; inside an open transaction of this `Kring` it reads that one.
    func read<T>(_ body: (StoreTransaction) throws(KringError) -> T) throws(KringError) -> T {
        if let ambient = joinableAmbient() {
            do { return try body(ambient.transaction) } catch { throw error }
        }
        transactionCounter.increment()
        do {
            return try store.read { transaction in
                let ambient = AmbientTransaction(transaction: transaction, store: store, writable: false)
                return try AmbientTransaction.$current.withValue(ambient) {
                    do { return try body(transaction) } catch { throw error }
                }
            }
        } catch let error as KringError {
            throw error
        } catch {
            logger.error("read failed", metadata: ["error.type": "\(type(of: error))"])
            throw KringError(.environment, field: "db", value: store.path, reason: "the database could not be read")
        }
    }

    /// Runs `work` once the outermost transaction has committed, or now when none is open: a WAL checkpoint
    /// cannot run inside a transaction, and must not run before the erasure it makes final is stored.
    func afterCommit(_ work: @escaping () throws(KringError) -> Void) throws(KringError) {
        if let ambient = joinableAmbient() { ambient.deferUntilCommitted(work) } else { try work() }
    }

    /// How many transactions this `Kring` has opened; joined ones do not count. For tests.
    public var transactionsOpened: Int { transactionCounter.value }

    private func joinableAmbient() -> AmbientTransaction? {
        guard let ambient = AmbientTransaction.current, ambient.store == ObjectIdentifier(store) else { return nil }
        return ambient
    }

    private func storing<T>(_ body: () throws -> T) throws(KringError) -> T {
        do { return try body() } catch let error as KringError { throw error } catch {
            logger.error("write failed", metadata: ["error.type": "\(type(of: error))"])
            throw KringError(.environment, field: "db", value: store.path, reason: "the change could not be stored")
        }
    }

    /// Wraps a storage call so its untyped errors become a clear, generic environment error.
    func storage<T>(_ body: () throws -> T) throws(KringError) -> T {
        do { return try body() } catch let error as KringError { throw error } catch {
            logger.error("storage failed", metadata: ["error.type": "\(type(of: error))"])
            throw KringError(.environment, field: "db", value: store.path, reason: "the database refused the change")
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
