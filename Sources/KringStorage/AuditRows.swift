import Foundation
import GRDB
import KringDomain

/// One row a transaction inserted, updated or deleted: its table and row id, nothing of its content.
public struct RowChange: Hashable, Sendable {
    public let table: String
    public let rowId: Int64
}

/// Collects every row change of one transaction through SQLite's update hook, so the audit trail does not depend
/// on each operation remembering to report what it touched.
final class RowChangeRecorder: TransactionObserver {
    private(set) var changes: [RowChange] = []
    private var seen: Set<RowChange> = []
    var isRecording = true

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        !eventKind.tableName.hasPrefix("audit_") && !eventKind.tableName.hasPrefix("grdb_")
    }

    func databaseDidChange(with event: DatabaseEvent) {
        guard isRecording else { return }
        let change = RowChange(table: event.tableName, rowId: event.rowID)
        if seen.insert(change).inserted { changes.append(change) }
    }

    func databaseDidCommit(_ db: Database) {}
    func databaseDidRollback(_ db: Database) {}
}

/// An object an audit entry names: a kind (`participant`, `group`, `session`, a table name) and an id.
public struct AuditObject: Hashable, Sendable, Codable, Comparable {
    public let kind: String
    public let id: Int64

    public init(kind: String, id: Int64) {
        self.kind = kind
        self.id = id
    }

    public static func < (left: AuditObject, right: AuditObject) -> Bool {
        (left.kind, left.id) < (right.kind, right.id)
    }
}

/// One stored entry of the audit trail.
public struct AuditRecord: Sendable {
    public var id: Int64?
    public var at: Date
    public var role: String
    public var tokenId: Int64?
    public var osUser: String?
    public var operation: String
    public var objects: [AuditObject]

    public init(
        id: Int64? = nil, at: Date, role: String, tokenId: Int64?, osUser: String?, operation: String,
        objects: [AuditObject]
    ) {
        self.id = id
        self.at = at
        self.role = role
        self.tokenId = tokenId
        self.osUser = osUser
        self.operation = operation
        self.objects = objects
    }
}

extension StoreTransaction {
    /// The objects a set of changed rows stands for: each row itself, and the participant, facilitator, group and
    /// session a still-existing row refers to (so `kring audit --participant 3` finds a withdrawal, which changes an
    /// enrolment row). Only ids are read.
    public func auditObjects(for changes: [RowChange]) throws(KringError) -> [AuditObject] {
        try mapped {
            let kindOfTable = ["support_group": "group"]
            let references: [String: String] = [
                "participant_id": "participant", "first_participant_id": "participant",
                "second_participant_id": "participant", "facilitator_id": "facilitator", "group_id": "group",
                "session_id": "session",
            ]
            var objects: Set<AuditObject> = []
            var byTable: [String: [Int64]] = [:]
            for change in changes {
                objects.insert(AuditObject(kind: kindOfTable[change.table] ?? change.table, id: change.rowId))
                byTable[change.table, default: []].append(change.rowId)
            }
            for (table, rowIds) in byTable {
                let columns = try db.columns(in: table).map(\.name).filter { references[$0] != nil }
                guard !columns.isEmpty else { continue }
                for chunk in stride(from: 0, to: rowIds.count, by: 500) {
                    let ids = Array(rowIds[chunk..<min(chunk + 500, rowIds.count)])
                    let marks = databaseQuestionMarks(count: ids.count)
                    let quoted = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                    let rows = try Row.fetchAll(
                        db, sql: "SELECT \(quoted) FROM \"\(table)\" WHERE rowid IN (\(marks))",
                        arguments: StatementArguments(ids))
                    for row in rows {
                        for column in columns {
                            if let id: Int64 = row[column] {
                                objects.insert(AuditObject(kind: references[column]!, id: id))
                            }
                        }
                    }
                }
            }
            return objects.sorted()
        }
    }

    public func insert(_ record: AuditRecord) throws(KringError) {
        try mapped {
            try db.execute(
                sql: "INSERT INTO audit_entry (at, role, token_id, os_user, operation) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.at.storedSeconds, record.role, record.tokenId, record.osUser, record.operation])
            let entryId = db.lastInsertedRowID
            for object in Set(record.objects) {
                try db.execute(
                    sql: "INSERT INTO audit_object (entry_id, kind, object_id) VALUES (?, ?, ?)",
                    arguments: [entryId, object.kind, object.id])
            }
        }
    }

    /// Entries in time order, filtered by instant (inclusive from, exclusive to), operation and one object.
    public func auditEntries(from: Date?, to: Date?, operation: String?, object: AuditObject?) throws(KringError)
        -> [AuditRecord]
    {
        try mapped {
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let from {
                conditions.append("at >= ?")
                arguments.append(from.storedSeconds)
            }
            if let to {
                conditions.append("at < ?")
                arguments.append(to.storedSeconds)
            }
            if let operation {
                conditions.append("operation = ?")
                arguments.append(operation)
            }
            if let object {
                conditions.append("id IN (SELECT entry_id FROM audit_object WHERE kind = ? AND object_id = ?)")
                arguments.append(object.kind)
                arguments.append(object.id)
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            var records = try Row.fetchAll(
                db, sql: "SELECT * FROM audit_entry \(filter) ORDER BY id", arguments: StatementArguments(arguments)
            ).map { row in
                AuditRecord(
                    id: row["id"], at: Date(storedSeconds: row["at"]), role: row["role"], tokenId: row["token_id"],
                    osUser: row["os_user"], operation: row["operation"], objects: [])
            }
            for index in records.indices {
                records[index].objects = try Row.fetchAll(
                    db, sql: "SELECT kind, object_id FROM audit_object WHERE entry_id = ? ORDER BY kind, object_id",
                    arguments: [records[index].id]
                ).map { AuditObject(kind: $0["kind"], id: $0["object_id"]) }
            }
            return records
        }
    }

    /// Retention: entries older than `cutoff` go (their objects by cascade).
    @discardableResult
    public func deleteAuditEntries(before cutoff: Date) throws(KringError) -> Int {
        try mapped {
            try db.execute(sql: "DELETE FROM audit_entry WHERE at < ?", arguments: [cutoff.storedSeconds])
            return db.changesCount
        }
    }

    public func countAuditEntries(before cutoff: Date) throws(KringError) -> Int {
        try mapped {
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM audit_entry WHERE at < ?", arguments: [cutoff.storedSeconds])
                ?? 0
        }
    }
}
