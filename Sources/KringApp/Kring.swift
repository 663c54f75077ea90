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
    func write<T>(_ body: (StoreTransaction) throws(KringError) -> T) throws(KringError) -> T {
        do {
            return try store.write { transaction in
                do { return try body(transaction) } catch { throw error }
            }
        } catch let error as KringError {
            throw error
        } catch {
            logger.error("write failed", metadata: ["error.type": "\(type(of: error))"])
            throw KringError(.environment, field: "db", value: store.path, reason: "the change could not be stored")
        }
    }

    func read<T>(_ body: (StoreTransaction) throws(KringError) -> T) throws(KringError) -> T {
        do {
            return try store.read { transaction in
                do { return try body(transaction) } catch { throw error }
            }
        } catch let error as KringError {
            throw error
        } catch {
            logger.error("read failed", metadata: ["error.type": "\(type(of: error))"])
            throw KringError(.environment, field: "db", value: store.path, reason: "the database could not be read")
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
