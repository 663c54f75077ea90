import Foundation
import GRDB
import KringDomain
import KringMigrations

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
    private typealias Glibc = Darwin
#endif

/// What a file at the database path is, read before GRDB opens it: Kring writes its schema only into a file that is
/// absent, or empty when `kring init` asks for one. Everything else is refused with the file and the cause named.
enum DatabaseFileKind: Equatable {
    case absent
    case empty
    case notSQLite
    case sqlite

    static func of(path: String) -> DatabaseFileKind {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return FileManager.default.fileExists(atPath: path) ? .notSQLite : .absent
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if header.isEmpty { return .empty }
        return header == Data("SQLite format 3\u{0}".utf8) ? .sqlite : .notSQLite
    }
}

extension KringStore {
    /// Refuses a file that is not a Kring database before anything is written into it: an empty file (unless
    /// `kring init` creates the database in it), a file that is not SQLite, another application's SQLite file, and
    /// a database written by a newer Kring (migrations this build does not know).
    static func refuseForeignFile(path: String, create: Bool, busyTimeout: TimeInterval = 60) throws(KringError) {
        switch DatabaseFileKind.of(path: path) {
        case .absent: return
        case .empty:
            guard create else {
                throw KringError(
                    .environment, field: "db", value: path,
                    reason: "is an empty file, not a Kring database; run `kring init` to create one in it")
            }
            return
        case .notSQLite:
            throw KringError(
                .environment, field: "db", value: path,
                reason: "is not a Kring database (not an SQLite file); nothing was changed")
        case .sqlite:
            break
        }
        let known = Set((try? KringMigrationFiles.all())?.map(\.identifier) ?? [])
        let found: (tables: [String], applied: [String])
        do {
            var configuration = Configuration()
            configuration.readonly = true
            // Other processes may be writing (the service, a script): wait for them as a writer would.
            configuration.busyMode = .timeout(busyTimeout)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            found = try queue.read { db in
                let tables = try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                let applied =
                    tables.contains("grdb_migrations")
                    ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
                return (tables, applied)
            }
            try queue.close()
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw KringError(
                .environment, field: "db", value: path,
                reason: "is damaged or not a Kring database (SQLite cannot read it); nothing was changed")
        } catch {
            // Busy, locked or not openable read-only right now: no evidence against the file. The regular open
            // below says what is wrong, if anything is.
            return
        }
        if found.tables.isEmpty { return }
        let applied = Set(found.applied)
        if applied.isEmpty || applied.isDisjoint(with: known) {
            throw KringError(
                .environment, field: "db", value: path,
                reason: "is another application's SQLite database, not Kring's; nothing was changed")
        }
        if let newer = applied.subtracting(known).sorted().first {
            throw KringError(
                .environment, field: "db", value: path,
                reason: "was written by a newer Kring (migration \(newer)); upgrade kring before using it")
        }
    }

    /// Copies the database, consistent while others write (SQLite's online backup from one read snapshot), into a
    /// new file created 0600, then checks that the copy opens, passes `integrity_check` and holds the same number of
    /// rows in every table as the snapshot it was taken from. Returns those counts.
    public func backup(to destination: String) throws(KringError) -> [String: Int] {
        if FileManager.default.fileExists(atPath: destination) {
            throw KringError(.conflict, field: "out", value: destination, reason: "already exists; choose a new file")
        }
        let descriptor = createPrivateFile(destination)
        guard descriptor >= 0 else {
            throw KringError(.environment, field: "out", value: destination, reason: "cannot be created")
        }
        do {
            let copy = try DatabaseQueue(path: destination)
            let counts = try pool.read { db in
                try copy.writeWithoutTransaction { destination in try db.backup(to: destination) }
                return try Self.rowCounts(db)
            }
            let copied = try copy.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard check == ["ok"] else { throw BackupCheckFailed(reason: "integrity_check: \(check.joined())") }
                return try Self.rowCounts(db)
            }
            try copy.close()
            guard copied == counts else { throw BackupCheckFailed(reason: "the copy's row counts differ") }
            return counts
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: destination + suffix) }
            let reason = (error as? BackupCheckFailed)?.reason ?? "the copy failed (\(type(of: error)))"
            throw KringError(.environment, field: "out", value: destination, reason: "\(reason); no backup was kept")
        }
    }

    static func rowCounts(_ db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for table in tables {
            counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(table)\"") ?? 0
        }
        return counts
    }
}

extension KringStore {
    /// Restores a backup made by `backup(to:)` into `destination`, which must not exist yet: the backup is checked to
    /// be a Kring database of this or an older version, copied with SQLite's backup into a new 0600 file, and the
    /// copy must pass `integrity_check`. Migrations a newer Kring added are applied when the copy is next opened.
    public static func restore(from backup: String, to destination: String) throws(KringError) {
        guard DatabaseFileKind.of(path: backup) == .sqlite else {
            throw KringError(
                .invalidInput, field: "from", value: backup, reason: "is not a Kring backup (not an SQLite file)")
        }
        try refuseForeignFile(path: backup, create: false)
        if DatabaseFileKind.of(path: destination) != .absent {
            throw KringError(
                .conflict, field: "db", value: destination,
                reason: "already exists; restore into a new path, or move the old database away first")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = createPrivateFile(destination)
        guard descriptor >= 0 else {
            throw KringError(.environment, field: "db", value: destination, reason: "cannot be created")
        }
        do {
            var readOnly = Configuration()
            readOnly.readonly = true
            let source = try DatabaseQueue(path: backup, configuration: readOnly)
            let copy = try DatabaseQueue(path: destination)
            try source.backup(to: copy)
            let check = try copy.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            guard check == ["ok"] else { throw BackupCheckFailed(reason: "integrity_check: \(check.joined())") }
            try copy.close()
            try source.close()
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            let reason = (error as? BackupCheckFailed)?.reason ?? "the copy failed (\(type(of: error)))"
            throw KringError(.environment, field: "from", value: backup, reason: "\(reason); nothing was restored")
        }
    }
}

/// Creates an empty file readable by its owner only, refusing one that exists; -1 on failure.
private func createPrivateFile(_ path: String) -> Int32 {
    let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    if descriptor >= 0 { Glibc.close(descriptor) }
    return descriptor
}

private struct BackupCheckFailed: Error {
    let reason: String
}
