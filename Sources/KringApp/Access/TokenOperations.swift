import Crypto
import Foundation
import KringDomain
import KringStorage
import Logging

/// Who a capability token speaks for.
public enum Role: String, Sendable, Codable, CaseIterable {
    case coordinator, facilitator, participant
}

/// What `kring token issue` asks for: a role, the person it belongs to (facilitators and participants), an expiry.
public struct TokenRequest: Sendable, Codable {
    public var role: Role
    /// A facilitator's or participant's id or name; nil for a coordinator.
    public var subject: String?
    /// The last day the token works (YYYY-MM-DD, Europe/Brussels); nil never expires.
    public var expires: String?
    /// A token for the holder's calendar feed only, refused by the API: what a calendar app should be given.
    public var feedOnly: Bool?

    public init(role: Role, subject: String? = nil, expires: String? = nil, feedOnly: Bool? = nil) {
        self.role = role
        self.subject = subject
        self.expires = expires
        self.feedOnly = feedOnly
    }
}

/// A token as listings show it: never its text.
public struct TokenView: Codable, Sendable, Equatable {
    public let id: Int64
    public let role: Role
    /// The facilitator's or participant's id; nil for a coordinator.
    public let subjectId: Int64?
    public let created: String
    public let expires: String?
    /// `active`, `expired` or `revoked`.
    public let state: String
    /// Whether it opens only the holder's feed.
    public let feedOnly: Bool
    /// `api` (a token), `signin` (a sign-in link, single use) or `session` (a browser's page session).
    public var kind: String = "api"
}

/// The one moment a token's text exists outside its holder: right after issuing.
public struct IssuedTokenView: Codable, Sendable {
    public let token: String
    public let details: TokenView
}

/// An authenticated caller: the role and the person a valid token speaks for.
public enum Caller: Sendable, Hashable {
    case coordinator
    case facilitator(Int64)
    case participant(Int64)

    public var role: Role {
        switch self {
        case .coordinator: .coordinator
        case .facilitator: .facilitator
        case .participant: .participant
        }
    }
}

/// Token text: 256 random bits as unpadded base64url (43 characters); only its SHA-256 is stored.
public enum TokenText {
    static let byteCount = 32
    public static let length = 43

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether the text could be a token at all; anything else is refused before the database is asked.
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == length
            && text.utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2D || byte == 0x5F
            }
    }

    static func hash(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(text.utf8)))
    }
}

extension Kring {
    /// What a token is presented for: the API, the holder's calendar feed, or the holder's pages (a session cookie).
    public enum TokenUse: Sendable {
        case api, feed, page
    }

    /// `kring token issue`: makes a token, stores its hash and returns the text, which is never shown again.
    public func issueToken(_ request: TokenRequest) throws(KringError) -> IssuedTokenView {
        try write { (operation) throws(KringError) in try operation.issueToken(request) }
    }

    /// `kring token list`: every token with its state, never its text.
    public func listTokens() throws(KringError) -> [TokenView] {
        try read { (operation) throws(KringError) in try operation.listTokens() }
    }

    /// `kring token revoke`: the token stops working at once; revoking twice is harmless.
    public func revokeToken(_ reference: String) throws(KringError) -> TokenView {
        try write { (operation) throws(KringError) in try operation.revokeToken(reference) }
    }

    /// The caller a token speaks for, or nil when it is malformed, unknown, expired, revoked, or feed-only and
    /// presented to the API; the caller cannot tell which (privacy rule 5).
    public func authenticate(token text: String, for use: Kring.TokenUse) throws(KringError) -> Caller? {
        try scope(token: text, for: use)?.caller
    }

    /// The `ScopedKring` a token opens (its caller, and its id for the audit trail), or nil as `authenticate` says.
    public func scope(token text: String, for use: Kring.TokenUse) throws(KringError) -> ScopedKring? {
        // A malformed token costs no transaction.
        guard TokenText.isWellFormed(text) else { return nil }
        let found = try read { (operation) throws(KringError) in try operation.authenticatedToken(text, for: use) }
        return found.map { ScopedKring(kring: self, caller: $0.caller, tokenId: $0.tokenId) }
    }

    /// The end of the given day in Brussels: a token "until 2027-06-30" works all of that day.
    static func expiry(_ text: String, now: Date) throws(KringError) -> Date {
        let date = try LocalDate.parse(text, field: "expires")
        let zone = ZonedClock(timeZone: TimeZone(identifier: SupportGroup.defaultTimeZone)!)
        let end = try startOfDay(date.adding(days: 1).iso, field: "expires", in: zone)
        guard end > now else { throw .invalid("expires", text, "is in the past") }
        return end
    }

    static func view(of record: TokenRecord, now: Date) -> TokenView {
        let formatter = ISO8601DateFormatter()
        let state: String
        if record.revokedAt != nil {
            state = "revoked"
        } else if record.kind == TokenKind.signin.rawValue, record.usedAt != nil {
            state = "used"
        } else if let expiresAt = record.expiresAt, expiresAt <= now {
            state = "expired"
        } else {
            state = "active"
        }
        return TokenView(
            id: record.id, role: Role(rawValue: record.role) ?? .participant,
            subjectId: record.facilitatorId ?? record.participantId, created: formatter.string(from: record.createdAt),
            expires: record.expiresAt.map(formatter.string(from:)), state: state, feedOnly: record.feedOnly,
            kind: record.kind)
    }
}

extension KringTransaction {
    /// `kring token issue`: makes a token, stores its hash and returns the text, which is never shown again.
    func issueToken(_ request: TokenRequest) throws(KringError) -> IssuedTokenView {
        let text = TokenText.generate()
        let view: TokenView
        do {
            var facilitatorId: Int64?
            var participantId: Int64?
            switch request.role {
            case .coordinator:
                if let subject = request.subject {
                    throw .invalid("subject", subject, "a coordinator token belongs to no one in particular")
                }
                if request.feedOnly == true {
                    throw .invalid(
                        "feed-only", "coordinator", "a coordinator has no feed; feed-only tokens are for people")
                }
            case .facilitator:
                guard let subject = request.subject else {
                    throw .invalid("facilitator", "", "name the facilitator the token is for")
                }
                facilitatorId = try transaction.resolveFacilitator(subject).id
            case .participant:
                guard let subject = request.subject else {
                    throw .invalid("participant", "", "name the participant the token is for")
                }
                participantId = try transaction.resolveParticipant(subject).id
            }
            let expiresAt = try request.expires.map { (text) throws(KringError) in try Kring.expiry(text, now: now) }
            let record = NewTokenRecord(
                hash: TokenText.hash(text), role: request.role.rawValue, facilitatorId: facilitatorId,
                participantId: participantId, createdAt: now, expiresAt: expiresAt, feedOnly: request.feedOnly ?? false)
            view = Kring.view(of: try transaction.insert(record), now: now)
        }
        logAfterCommit(.info, "token issued", ["token.id": "\(view.id)", "token.role": "\(view.role.rawValue)"])
        return IssuedTokenView(token: text, details: view)
    }

    /// `kring token list`: every token with its state, never its text.
    func listTokens() throws(KringError) -> [TokenView] {
        try transaction.allTokens().map { Kring.view(of: $0, now: now) }
    }

    /// `kring token revoke`: the token stops working at once; revoking twice is harmless.
    func revokeToken(_ reference: String) throws(KringError) -> TokenView {
        guard let id = Int64(reference.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid("token", reference, "a token is named by its id, a number; see `kring token list`")
        }
        guard try transaction.token(id: id) != nil else {
            throw .notFound("token", reference, "no token has this id; see `kring token list`")
        }
        try transaction.revokeToken(id: id, at: now)
        let view = Kring.view(of: try transaction.token(id: id)!, now: now)
        logAfterCommit(.info, "token revoked", ["token.id": "\(view.id)"])
        return view
    }

    /// The caller a token speaks for, or nil when it is malformed, unknown, expired, revoked, or feed-only and
    /// presented to the API; the caller cannot tell which (privacy rule 5).
    func authenticate(token text: String, for use: Kring.TokenUse) throws(KringError) -> Caller? {
        try authenticatedToken(text, for: use)?.caller
    }

    /// The caller and the token's id (for the audit trail), or nil as `authenticate` says.
    func authenticatedToken(_ text: String, for use: Kring.TokenUse) throws(KringError)
        -> (caller: Caller, tokenId: Int64)?
    {
        guard let caller = try authenticateRecord(token: text, for: use) else { return nil }
        return caller
    }

    private func authenticateRecord(token text: String, for use: Kring.TokenUse) throws(KringError)
        -> (caller: Caller, tokenId: Int64)?
    {
        guard TokenText.isWellFormed(text) else { return nil }
        let hash = TokenText.hash(text)
        guard let record = try transaction.token(hash: hash) else { return nil }
        if record.revokedAt != nil { return nil }
        if let expiresAt = record.expiresAt, expiresAt <= now { return nil }
        if record.feedOnly, use != .feed { return nil }
        // A sign-in link opens nothing by itself (it is exchanged); a page session opens the pages and nothing else.
        switch use {
        case .api, .feed: if record.kind != TokenKind.api.rawValue { return nil }
        case .page: if record.kind != TokenKind.session.rawValue { return nil }
        }
        let caller: Caller?
        switch Role(rawValue: record.role) {
        case .coordinator: caller = .coordinator
        case .facilitator: caller = record.facilitatorId.map(Caller.facilitator)
        case .participant: caller = record.participantId.map(Caller.participant)
        case nil: caller = nil
        }
        guard let caller else { return nil }
        return (caller, record.id)
    }
}
