import Foundation
import GRDB
import KringDomain
import Logging

/// The one place a storage failure becomes something a user can act on: every GRDB or SQLite error thrown inside
/// `KringStorage` passes through here, is logged by type and result code (never SQL or values), and leaves as a
/// `KringError` on field `db` naming the database file.
struct StorageFailure: Sendable {
    let path: String
    let logger: Logger

    func kringError(_ error: any Error) -> KringError {
        if let error = error as? KringError { return error }
        var metadata: Logger.Metadata = ["error.type": "\(type(of: error))"]
        if let error = error as? DatabaseError {
            metadata["db.code"] = "\(error.extendedResultCode.rawValue)"
        }
        logger.error("storage failed", metadata: metadata)
        return KringError(.environment, field: "db", value: path, reason: Self.reason(error, path: path))
    }

    static let diskFull = "disk full: no space left on its file system; free some, then run the command again"

    /// The cause in words. A full disk shows as `SQLITE_FULL` only when SQLite notices it in a write; opening the
    /// log or its index on a full disk fails as an I/O error, so any other failure on a file system with no space
    /// left says "disk full" too.
    static func reason(_ error: any Error, path: String) -> String {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return KringError.databaseBusyReason
        }
        if isFull(fileSystemOf: path) { return diskFull }
        return reason(error)
    }

    /// Whether the file system holding `path` has (almost) no space left for this user: less than SQLite needs to
    /// open the log and write one change.
    static func isFull(fileSystemOf path: String) -> Bool {
        var status = statvfs()
        let folder = (path as NSString).deletingLastPathComponent
        guard statvfs(folder.isEmpty ? "." : folder, &status) == 0 else { return false }
        return UInt64(status.f_bavail) * UInt64(status.f_frsize) < 256 * 1024
    }

    static func reason(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "the database could not be read or written" }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return KringError.databaseBusyReason
        case .SQLITE_FULL: return diskFull
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "the database file is damaged or not a Kring database"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH: return "the database cannot be written (permission)"
        case .SQLITE_CANTOPEN: return "the database cannot be opened (permission or missing folder)"
        default: return "the database could not be read or written"
        }
    }
}
