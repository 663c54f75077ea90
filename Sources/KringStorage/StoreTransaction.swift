import Foundation
import GRDB
import KringDomain

/// Typed access to the tables inside one transaction; the only place that knows Kring's SQL.
public struct StoreTransaction {
    let db: Database

    /// A UNIQUE constraint failure from SQLite, for callers that map it to a clear conflict.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
    }

    func fetchOne<T>(_ sql: String, _ arguments: StatementArguments = [], map: (Row) throws -> T) throws -> T? {
        try Row.fetchOne(db, sql: sql, arguments: arguments).map(map)
    }

    func fetchAll<T>(_ sql: String, _ arguments: StatementArguments = [], map: (Row) throws -> T) throws -> [T] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(map)
    }
}

extension Date {
    var storedSeconds: Int64 { Int64(timeIntervalSince1970.rounded()) }
    init(storedSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(storedSeconds)) }
}

/// A stored value that no longer parses: the database was changed outside Kring.
struct CorruptRow: Error, CustomStringConvertible {
    let table: String
    let column: String
    var description: String { "stored value in \(table).\(column) is not valid" }
}

func storedEnum<E: RawRepresentable>(_ row: Row, _ column: String, table: String) throws -> E where E.RawValue == String {
    guard let value = E(rawValue: row[column]) else { throw CorruptRow(table: table, column: column) }
    return value
}

extension StoreTransaction {
    /// A pragma's current value, for tests and diagnostics.
    public func pragma(_ name: String) throws -> String? {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        return try String.fetchOne(db, sql: "PRAGMA \(name)")
    }
}

extension StoreTransaction {
    /// Runs `body` inside a savepoint of this transaction: if it throws, its changes are undone and the
    /// surrounding transaction carries on without them, as a transaction of its own would have been.
    public func savepoint<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body(self)
            return .commit
        }
        return result!
    }
}
