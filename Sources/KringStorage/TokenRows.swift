import Foundation
import GRDB
import KringDomain

/// One stored capability token: its hash, never its text (privacy rule 5).
public struct TokenRecord: Sendable, Equatable {
    /// Given by the database; a token not stored yet is a `NewTokenRecord`.
    public let id: Int64
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
    /// `api`, `signin` (a sign-in link) or `session` (a browser's page session); the application layer owns the meaning.
    public var kind: String
    /// When a sign-in link was exchanged; a link works once.
    public var usedAt: Date?
    /// The sign-in link a page session came from.
    public var parentId: Int64?

    public init(
        id: Int64, hash: [UInt8], role: String, facilitatorId: Int64?, participantId: Int64?, createdAt: Date,
        expiresAt: Date?, revokedAt: Date? = nil, feedOnly: Bool = false, kind: String = "api", usedAt: Date? = nil,
        parentId: Int64? = nil
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
        self.kind = kind
        self.usedAt = usedAt
        self.parentId = parentId
    }
}

/// A token about to be stored, before the database gives it an id.
public struct NewTokenRecord: Sendable, Equatable {
    public var hash: [UInt8]
    public var role: String
    public var facilitatorId: Int64?
    public var participantId: Int64?
    public var createdAt: Date
    public var expiresAt: Date?
    public var feedOnly: Bool
    public var kind: String
    public var parentId: Int64?

    public init(
        hash: [UInt8], role: String, facilitatorId: Int64?, participantId: Int64?, createdAt: Date, expiresAt: Date?,
        feedOnly: Bool = false, kind: String = "api", parentId: Int64? = nil
    ) {
        self.hash = hash
        self.role = role
        self.facilitatorId = facilitatorId
        self.participantId = participantId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.feedOnly = feedOnly
        self.kind = kind
        self.parentId = parentId
    }
}

extension StoreTransaction {
    public func insert(_ token: NewTokenRecord) throws(KringError) -> TokenRecord {
        try insert(AccessTokenRecord(token)) { try $0.token() }
    }

    /// Runs on every feed request, so its statement is prepared once per connection and reused.
    public func token(hash: [UInt8]) throws(KringError) -> TokenRecord? {
        try fetchCachedRecord(
            AccessTokenRecord.self, "SELECT * FROM access_token WHERE token_hash = ?", [Data(hash)]
        ) { try $0.token() }
    }

    public func token(id: Int64) throws(KringError) -> TokenRecord? {
        try fetchRecord(AccessTokenRecord.self, "SELECT * FROM access_token WHERE id = ?", [id]) { try $0.token() }
    }

    public func allTokens() throws(KringError) -> [TokenRecord] {
        try fetchRecords(AccessTokenRecord.self, "SELECT * FROM access_token ORDER BY id") { try $0.token() }
    }

    /// Revokes the token and every page session opened from it (a sign-in link's).
    public func revokeToken(id: Int64, at instant: Date) throws(KringError) {
        try execute(
            "UPDATE access_token SET revoked_at = ? WHERE (id = ? OR parent_id = ?) AND revoked_at IS NULL",
            [instant.storedSeconds, id, id])
    }

    /// Marks a sign-in link used; false when it already was (a second use, or a race with another exchange).
    public func markTokenUsed(id: Int64, at instant: Date) throws(KringError) -> Bool {
        try execute(
            "UPDATE access_token SET used_at = ? WHERE id = ? AND used_at IS NULL", [instant.storedSeconds, id])
    }
}

/// Decoded on every feed request, so its columns are named by explicit coding keys rather than converted from
/// snake case row after row.
struct AccessTokenRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "access_token"
    var id: Int64?
    var tokenHash: Data
    var role: String
    var facilitatorId: Int64?
    var participantId: Int64?
    var createdAt: Int64
    var expiresAt: Int64?
    var revokedAt: Int64?
    var feedOnly: Bool
    var kind: String
    var usedAt: Int64?
    var parentId: Int64?

    enum CodingKeys: String, CodingKey {
        case id
        case tokenHash = "token_hash"
        case role
        case facilitatorId = "facilitator_id"
        case participantId = "participant_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case feedOnly = "feed_only"
        case kind
        case usedAt = "used_at"
        case parentId = "parent_id"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    init(_ token: NewTokenRecord) {
        id = nil
        tokenHash = Data(token.hash)
        role = token.role
        facilitatorId = token.facilitatorId
        participantId = token.participantId
        createdAt = token.createdAt.storedSeconds
        expiresAt = token.expiresAt?.storedSeconds
        revokedAt = nil
        feedOnly = token.feedOnly
        kind = token.kind
        usedAt = nil
        parentId = token.parentId
    }

    func token() throws -> TokenRecord {
        TokenRecord(
            id: try storedId(id, table: Self.databaseTableName), hash: [UInt8](tokenHash), role: role,
            facilitatorId: facilitatorId, participantId: participantId, createdAt: Date(storedSeconds: createdAt),
            expiresAt: expiresAt.map(Date.init(storedSeconds:)), revokedAt: revokedAt.map(Date.init(storedSeconds:)),
            feedOnly: feedOnly, kind: kind, usedAt: usedAt.map(Date.init(storedSeconds:)), parentId: parentId)
    }
}
