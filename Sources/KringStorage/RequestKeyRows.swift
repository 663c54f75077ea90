import Foundation
import GRDB
import KringDomain

/// A write carried out under a client's `Idempotency-Key` (`0016_request_keys.sql`): hashes, the success status and
/// the sealed first answer; never the key or the request itself.
public struct StoredRequestKey: Sendable, Equatable {
    public let id: Int64
    public let requestHash: String
    public let status: Int
    public let sealedAnswer: [UInt8]?
    public let createdAt: Date
}

extension StoreTransaction {
    /// The key stored under `lookup` since `notBefore`; an older one has expired and counts as absent.
    public func requestKey(lookup: String, notBefore: Date) throws(KringError) -> StoredRequestKey? {
        try fetchOne(
            "SELECT * FROM request_key WHERE lookup = ? AND created_at >= ?", [lookup, notBefore.storedSeconds]
        ) { row in
            StoredRequestKey(
                id: row["id"], requestHash: row["request_hash"], status: row["status"],
                sealedAnswer: (row["answer"] as Data?).map { [UInt8]($0) },
                createdAt: Date(storedSeconds: row["created_at"]))
        }
    }

    /// Stores a new key (an expired one under the same lookup goes first) and links the participants its answer
    /// concerns; returns the row id the answer is sealed against.
    public func insertRequestKey(
        lookup: String, requestHash: String, status: Int, at instant: Date, participants: [Int64]
    ) throws(KringError) -> Int64 {
        let id = try mapped {
            try db.execute(sql: "DELETE FROM request_key WHERE lookup = ?", arguments: [lookup])
            try db.execute(
                sql: "INSERT INTO request_key (lookup, request_hash, status, created_at) VALUES (?, ?, ?, ?)",
                arguments: [lookup, requestHash, status, instant.storedSeconds])
            return db.lastInsertedRowID
        }
        try linkRequestKey(id: id, participants: participants)
        return id
    }

    /// Links more participants to a stored key (a later write of the same request).
    public func linkRequestKey(id: Int64, participants: [Int64]) throws(KringError) {
        for participant in Set(participants) {
            try execute(
                "INSERT OR IGNORE INTO request_key_participant SELECT ?, id FROM participant WHERE id = ?",
                [id, participant])
        }
    }

    /// Sets (or, with nil, clears) the sealed answer of a stored key.
    public func setRequestKeyAnswer(id: Int64, sealedAnswer: [UInt8]?) throws(KringError) {
        try execute("UPDATE request_key SET answer = ? WHERE id = ?", [sealedAnswer.map { Data($0) }, id])
    }

    /// Whether each of `participants` still exists (an erasure in the same write removed the others).
    public func allParticipantsExist(_ participants: [Int64]) throws(KringError) -> Bool {
        for participant in Set(participants) {
            let found = try fetchValue(Int64.self, "SELECT id FROM participant WHERE id = ?", [participant])
            if found == nil { return false }
        }
        return true
    }

    /// How many keys are older than `cutoff`.
    public func countRequestKeys(before cutoff: Date) throws(KringError) -> Int {
        try fetchValue(Int.self, "SELECT count(*) FROM request_key WHERE created_at < ?", [cutoff.storedSeconds]) ?? 0
    }

    /// Deletes keys older than `cutoff`; returns how many.
    public func deleteRequestKeys(before cutoff: Date) throws(KringError) -> Int {
        try mapped {
            try db.execute(sql: "DELETE FROM request_key WHERE created_at < ?", arguments: [cutoff.storedSeconds])
            return db.changesCount
        }
    }
}
