import Foundation
import GRDB
import KringDomain

/// One stored capability token: its hash, never its text (privacy rule 5).
public struct TokenRecord: Sendable, Equatable {
    public var id: Int64?
    public var hash: [UInt8]
    /// `coordinator`, `facilitator` or `participant`; the application layer owns the meaning.
    public var role: String
    public var facilitatorId: Int64?
    public var participantId: Int64?
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    /// Opens the holder's feed and nothing else.
    public var feedOnly: Bool

    public init(
        id: Int64? = nil, hash: [UInt8], role: String, facilitatorId: Int64?, participantId: Int64?, createdAt: Date,
        expiresAt: Date?, revokedAt: Date? = nil, feedOnly: Bool = false
    ) {
        self.id = id
        self.hash = hash
        self.role = role
        self.facilitatorId = facilitatorId
        self.participantId = participantId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.feedOnly = feedOnly
    }
}

extension StoreTransaction {
    public func insert(_ token: TokenRecord) throws -> TokenRecord {
        try db.execute(
            sql: """
                INSERT INTO access_token
                    (token_hash, role, facilitator_id, participant_id, created_at, expires_at, revoked_at, feed_only)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                Data(token.hash), token.role, token.facilitatorId, token.participantId, token.createdAt.storedSeconds,
                token.expiresAt?.storedSeconds, token.revokedAt?.storedSeconds, token.feedOnly,
            ])
        var stored = token
        stored.id = db.lastInsertedRowID
        return stored
    }

    /// Runs on every feed request, so its statement is prepared once per connection and reused.
    public func token(hash: [UInt8]) throws -> TokenRecord? {
        let statement = try db.cachedStatement(sql: "SELECT * FROM access_token WHERE token_hash = ?")
        return try Row.fetchOne(statement, arguments: [Data(hash)]).map(Self.token)
    }

    public func token(id: Int64) throws -> TokenRecord? {
        try fetchOne("SELECT * FROM access_token WHERE id = ?", [id], map: Self.token)
    }

    public func allTokens() throws -> [TokenRecord] {
        try fetchAll("SELECT * FROM access_token ORDER BY id", map: Self.token)
    }

    public func revokeToken(id: Int64, at instant: Date) throws {
        try db.execute(
            sql: "UPDATE access_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            arguments: [instant.storedSeconds, id])
    }

    static func token(_ row: Row) throws -> TokenRecord {
        let hash: Data = row["token_hash"]
        let expires: Int64? = row["expires_at"]
        let revoked: Int64? = row["revoked_at"]
        return TokenRecord(
            id: row["id"], hash: [UInt8](hash), role: row["role"], facilitatorId: row["facilitator_id"],
            participantId: row["participant_id"], createdAt: Date(storedSeconds: row["created_at"]),
            expiresAt: expires.map(Date.init(storedSeconds:)), revokedAt: revoked.map(Date.init(storedSeconds:)),
            feedOnly: row["feed_only"])
    }
}
