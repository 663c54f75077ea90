import Foundation
import GRDB
import KringDomain
import KringMigrations

/// The SQLite file behind Kring: opens it with the pragmas privacy needs, applies migrations, runs transactions.
///
/// The CLI and the server may open one file at once; every write is an IMMEDIATE transaction behind a busy timeout,
/// so concurrent writers queue instead of failing or overbooking.
public final class KringStore: Sendable {
    private let pool: DatabasePool
    public let path: String

    private init(pool: DatabasePool, path: String) {
        self.pool = pool
        self.path = path
    }

    /// Opens the database at `path`. With `create` false a missing file is an error that says to run `kring init`.
    public static func open(path: String, create: Bool) throws(KringError) -> KringStore {
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
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Privacy rule 9: deleted values are overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let store: KringStore
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            store = KringStore(pool: pool, path: path)
            try store.migrate()
        } catch let error as KringError {
            throw error
        } catch {
            throw KringError(.environment, field: "db", value: path, reason: "cannot open the database: \(error)")
        }
        return store
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
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        }
    }

    /// Runs `body` in one IMMEDIATE transaction: all of it is stored, or nothing.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try write(rollback: false, beforeCommit: nil, body)
    }

    /// Runs `body` in one IMMEDIATE transaction, then hands `beforeCommit` every row the body inserted, updated or
    /// deleted (audit tables aside), still inside the transaction, so the audit entry is stored with the change or
    /// not at all. With `rollback` nothing is kept: a rehearsal (`--dry-run`) sees exactly what the change would do.
    public func write<T>(
        rollback: Bool, beforeCommit: ((StoreTransaction, [RowChange]) throws -> Void)?,
        _ body: (StoreTransaction) throws -> T
    ) throws -> T {
        try pool.writeWithoutTransaction { db in
            let recorder = RowChangeRecorder()
            db.add(transactionObserver: recorder, extent: .observerLifetime)
            defer { db.remove(transactionObserver: recorder) }
            var result: T?
            try db.inTransaction(.immediate) {
                let transaction = StoreTransaction(db: db)
                result = try body(transaction)
                if let beforeCommit {
                    let changes = recorder.changes
                    recorder.isRecording = false
                    try beforeCommit(transaction, changes)
                }
                return rollback ? .rollback : .commit
            }
            return result!
        }
    }

    /// Runs `body` on a consistent snapshot.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try pool.read { db in try body(StoreTransaction(db: db)) }
    }

    /// Moves everything in the write-ahead log into the main file and empties the log, so erased values
    /// leave no trace in `-wal` (privacy rule 9).
    public func checkpointAndTruncateLog() throws {
        try pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Every row of every Kring table, in a stable order: what tests compare before and after a refused command.
    public func dump() throws -> String {
        try pool.read { db in
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
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

extension KringStore {
    /// Every column as `table.column`, for the schema test of privacy rule 1.
    public func columnNames() throws -> [String] {
        try pool.read { db in
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            return try tables.flatMap { table in
                try db.columns(in: table).map { "\(table).\($0.name)" }
            }
        }
    }
}
