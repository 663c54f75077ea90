import Foundation
import GRDB
import KringDomain
import KringMigrations
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
            try createPrivateFile(path)
        } else {
            try refuseFilesOthersCanRead(path)
        }
        try refuseForeignFile(path: path, create: create, busyTimeout: busyTimeout)
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
            // SQLite gives the log and the shared-memory index the main file's mode; narrowing them again costs
            // nothing and covers a file system that does not.
            for companion in companions(of: path) { _ = chmod(companion, 0o600) }
            try store.migrate()
            return store
        } catch {
            throw failure.kringError(error)
        }
    }

    /// The database and the files SQLite keeps beside it, which hold the same rows.
    private static func companions(of path: String) -> [String] {
        [path + "-wal", path + "-shm"]
    }

    /// Creates the empty database file readable and writable by its owner only, before SQLite opens it, so it is
    /// never wider for an instant whatever the umask (security review 2026-11, F3). SQLite creates `-wal` and `-shm`
    /// with the main file's mode.
    private static func createPrivateFile(_ path: String) throws(KringError) {
        let descriptor = createExclusively(path, mode: 0o600)
        guard descriptor >= 0 else {
            // Another process created it in between: it is checked like any existing file.
            if errno == EEXIST { return try refuseFilesOthersCanRead(path) }
            throw KringError(.environment, field: "db", value: path, reason: "cannot create the database file")
        }
        close(descriptor)
    }

    /// Who is in which group is the most sensitive fact Kring holds: a database other accounts can read is refused,
    /// as a key file is, with the command that fixes it.
    private static func refuseFilesOthersCanRead(_ path: String) throws(KringError) {
        let readable = ([path] + companions(of: path)).filter { file in
            var status = stat()
            return stat(file, &status) == 0 && status.st_mode & 0o077 != 0
        }
        guard !readable.isEmpty else { return }
        var status = stat()
        _ = stat(readable[0], &status)
        let mode = String(status.st_mode & 0o777, radix: 8)
        let quoted = readable.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        throw KringError(
            .environment, field: "db", value: path,
            reason: "others can read the database (mode \(mode)); run chmod 600 \(quoted)")
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
        try write(rollback: false, beforeCommit: nil, body)
    }

    /// Runs `body` in one IMMEDIATE transaction, then hands `beforeCommit` every row the body inserted, updated or
    /// deleted (audit tables aside), still inside the transaction, so the audit entry is stored with the change or
    /// not at all. With `rollback` nothing is kept: a rehearsal (`--dry-run`) sees exactly what the change would do.
    public func write<T, Failure>(
        rollback: Bool, beforeCommit: ((StoreTransaction, [RowChange]) throws(KringError) -> Void)?,
        _ body: (StoreTransaction) throws(Failure) -> T
    ) throws(KringError) -> T {
        try mapped {
            try pool.writeWithoutTransaction { db in
                let recorder = RowChangeRecorder()
                db.add(transactionObserver: recorder, extent: .observerLifetime)
                defer { db.remove(transactionObserver: recorder) }
                var result: T?
                try db.inTransaction(.immediate) {
                    let transaction = StoreTransaction(db: db, failure: failure)
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

/// `open(2)` with O_CREAT and O_EXCL, outside `KringStore`, whose own `open` would shadow the system call.
private func createExclusively(_ path: String, mode: mode_t) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
}
