import Foundation
import GRDB
import KringDomain

/// Typed access to the tables inside one transaction; the only place that knows Kring's SQL. Every method throws
/// only `KringError`: storage failures are mapped once, in the helpers below.
public struct StoreTransaction {
    let db: Database
    let failure: StorageFailure

    /// Runs GRDB work, turning whatever it throws into the storage `KringError`; every helper below goes through it.
    func mapped<T>(_ body: () throws -> T) throws(KringError) -> T {
        do { return try body() } catch { throw failure.kringError(error) }
    }

    func fetchOne<T>(
        _ sql: String, _ arguments: StatementArguments = [], map: (Row) throws -> T
    ) throws(KringError) -> T? {
        try mapped { try Row.fetchOne(db, sql: sql, arguments: arguments).map(map) }
    }

    func fetchAll<T>(
        _ sql: String, _ arguments: StatementArguments = [], map: (Row) throws -> T
    ) throws(KringError) -> [T] {
        try mapped { try Row.fetchAll(db, sql: sql, arguments: arguments).map(map) }
    }

    /// The first column of every row, for id lists and counts.
    func fetchValues<V: DatabaseValueConvertible & StatementColumnConvertible>(
        _ type: V.Type, _ sql: String, _ arguments: StatementArguments = []
    ) throws(KringError) -> [V] {
        try mapped { try V.fetchAll(db, sql: sql, arguments: arguments) }
    }

    func fetchValue<V: DatabaseValueConvertible & StatementColumnConvertible>(
        _ type: V.Type, _ sql: String, _ arguments: StatementArguments = []
    ) throws(KringError) -> V? {
        try mapped { try V.fetchOne(db, sql: sql, arguments: arguments) }
    }

    /// Records decoded from `sql`, converted to what the rest of Kring uses.
    func fetchRecords<R: FetchableRecord, T>(
        _ record: R.Type, _ sql: String, _ arguments: StatementArguments = [], map: (R) throws -> T
    ) throws(KringError) -> [T] {
        try mapped { try R.fetchAll(db, sql: sql, arguments: arguments).map(map) }
    }

    func fetchRecord<R: FetchableRecord, T>(
        _ record: R.Type, _ sql: String, _ arguments: StatementArguments = [], map: (R) throws -> T
    ) throws(KringError) -> T? {
        try mapped { try R.fetchOne(db, sql: sql, arguments: arguments).map(map) }
    }

    /// Decodes through a statement prepared once per connection, for lookups on hot paths.
    func fetchCachedRecord<R: FetchableRecord, T>(
        _ record: R.Type, _ sql: String, _ arguments: StatementArguments, map: (R) throws -> T
    ) throws(KringError) -> T? {
        try mapped { try R.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(map) }
    }

    /// Runs one statement; true when it changed at least one row.
    @discardableResult
    func execute(_ sql: String, _ arguments: StatementArguments = []) throws(KringError) -> Bool {
        try mapped {
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount > 0
        }
    }

    /// Inserts a record and returns what `map` makes of it once SQLite gave it its row id.
    func insert<R: MutablePersistableRecord, T>(_ record: R, map: (R) throws -> T) throws(KringError) -> T {
        try mapped {
            var record = record
            try record.insert(db)
            return try map(record)
        }
    }

    /// Inserts a record unless a uniqueness rule already holds it (`INSERT OR IGNORE`); true when it was inserted.
    @discardableResult
    func insert<R: MutablePersistableRecord>(_ record: R, onConflict: Database.ConflictResolution) throws(KringError)
        -> Bool
    {
        try mapped {
            var record = record
            try record.insert(db, onConflict: onConflict)
            return db.changesCount > 0
        }
    }

    func insert<R: MutablePersistableRecord>(_ record: R) throws(KringError) {
        try insert(record) { _ in () }
    }

    /// Inserts a record, or updates the row with its primary key.
    func upsert<R: PersistableRecord>(_ record: R) throws(KringError) {
        try mapped { try record.upsert(db) }
    }

    /// Updates the row with the record's primary key; like the plain `UPDATE` it replaces, a row deleted meanwhile
    /// is not an error.
    func update<R: MutablePersistableRecord>(_ record: R) throws(KringError) {
        try mapped {
            do { try record.update(db) } catch RecordError.recordNotFound {}
        }
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

func storedEnum<E: RawRepresentable>(_ text: String, table: String, column: String) throws -> E
where E.RawValue == String {
    guard let value = E(rawValue: text) else { throw CorruptRow(table: table, column: column) }
    return value
}

/// A comma-separated list column (`languages`, `excluded_dates`, …), parsed item by item.
func storedList<T>(_ text: String, table: String, column: String, parse: (String) throws -> T?) throws -> [T] {
    try text.split(separator: ",").map { part in
        guard let value = try? parse(String(part)) else { throw CorruptRow(table: table, column: column) }
        return value
    }
}

extension StoreTransaction {
    /// A pragma's current value, for tests and diagnostics.
    public func pragma(_ name: String) throws(KringError) -> String? {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        return try fetchValue(String.self, "PRAGMA \(name)")
    }
}

extension StoreTransaction {
    /// Runs `body` inside a savepoint of this transaction: if it throws, its changes are undone and the
    /// surrounding transaction carries on without them, as a transaction of its own would have been.
    public func savepoint<T>(_ body: (StoreTransaction) throws(KringError) -> T) throws(KringError) -> T {
        try mapped {
            var result: T?
            try db.inSavepoint {
                result = try body(self)
                return .commit
            }
            return result!
        }
    }
}
