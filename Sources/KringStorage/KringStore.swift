import Foundation
import GRDB
import KringDomain
import KringMigrations
import Logging

/// The SQLite file behind Kring: opens it with the pragmas privacy needs, applies migrations, runs transactions.
///
/// The CLI and the server may open one file at once; every write is an IMMEDIATE transaction behind a busy timeout,
/// so concurrent writers queue instead of failing or overbooking.
public final class KringStore: Sendable {
    let pool: DatabasePool
    public let path: String
    private let failure: StorageFailure

    private init(pool: DatabasePool, failure: StorageFailure) {
        self.pool = pool
        self.path = failure.path
        self.failure = failure
    }

    /// Opens the database at `path`. With `create` false a missing file is an error that says to run `kring init`.
    /// A writer waits up to `busyTimeout` seconds for another one before giving up with "busy"; storage failures
    /// are logged by type on `logger`.
    public static func open(
        path: String, create: Bool, busyTimeout: TimeInterval = 60, logger: Logger = Logger(label: "kring.storage")
    ) throws(KringError) -> KringStore {
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: path) {
            guard create else {
                throw KringError(
                    .environment, field: "db", value: path, reason: "no database here; run `kring init` first")
            }
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                do {
                    try fileManager.createDirectory(
                        atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw KringError(.environment, field: "db", value: path, reason: "cannot create its folder")
                }
            }
        }
        try refuseForeignFile(path: path, create: create)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Privacy rule 9: deleted values are overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let failure = StorageFailure(path: path, logger: logger)
        do {
            let store = KringStore(pool: try DatabasePool(path: path, configuration: configuration), failure: failure)
            try store.migrate()
            return store
        } catch {
            throw failure.kringError(error)
        }
    }

    /// Applies every numbered migration not applied yet, each in its own transaction, in file order.
    private func migrate() throws {
        var migrator = DatabaseMigrator()
        for migration in try KringMigrationFiles.all() {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
            }
        }
        try migrator.migrate(pool)
    }

    /// The identifiers of the migrations applied to this file, in order.
    public func appliedMigrations() throws(KringError) -> [String] {
        try mapped {
            try pool.read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
        }
    }

    /// Runs `body` in one IMMEDIATE transaction: all of it is stored, or nothing. A `KringError` from `body` rolls
    /// back and is thrown as it is; any other failure (also when beginning or committing) becomes the storage one.
    public func write<T, Failure>(_ body: (StoreTransaction) throws(Failure) -> T) throws(KringError) -> T {
        try mapped {
            try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(StoreTransaction(db: db, failure: failure))
                    return .commit
                }
                return result!
            }
        }
    }

    /// Runs `body` on a consistent snapshot.
    public func read<T, Failure>(_ body: (StoreTransaction) throws(Failure) -> T) throws(KringError) -> T {
        try mapped { try pool.read { db in try body(StoreTransaction(db: db, failure: failure)) } }
    }

    /// Moves everything in the write-ahead log into the main file and empties the log, so erased values
    /// leave no trace in `-wal` (privacy rule 9).
    public func checkpointAndTruncateLog() throws(KringError) {
        try mapped {
            try pool.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
            }
        }
    }

    private func mapped<T>(_ body: () throws -> T) throws(KringError) -> T {
        do { return try body() } catch { throw failure.kringError(error) }
    }

    /// Every row of every Kring table, in a stable order: what tests compare before and after a refused command.
    public func dump() throws(KringError) -> String {
        try mapped {
            try pool.read { db in
                let tables = try String.fetchAll(
                    db,
                    sql:
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
                var lines: [String] = []
                for table in tables {
                    lines.append("# \(table)")
                    for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY rowid") {
                        lines.append(row.description)
                    }
                }
                return lines.joined(separator: "\n")
            }
        }
    }
}

extension KringStore {
    /// Every column as `table.column`, for the schema test of privacy rule 1.
    public func columnNames() throws(KringError) -> [String] {
        try mapped {
            try pool.read { db in
                let tables = try String.fetchAll(
                    db,
                    sql:
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
                return try tables.flatMap { table in
                    try db.columns(in: table).map { "\(table).\($0.name)" }
                }
            }
        }
    }
}
