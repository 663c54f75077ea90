import Crypto
import Foundation
import KringDomain
import KringStorage
import Logging

/// What a row of `access_token` opens (`0021_signin_links.sql`).
public enum TokenKind: String, Sendable, Codable {
    /// A token for the API and the holder's feed (`kring token issue`).
    case api
    /// A personal sign-in link: exchanged once, within `SigninLink.lifetime`, for a page session.
    case signin
    /// A browser's page session (the cookie a sign-in link was exchanged for): opens the pages and nothing else.
    case session
}

/// The rules of sign-in links and the page sessions they open.
public enum SigninLink {
    /// How long a link works after it was made: long enough to open a message, short enough that a link found
    /// later in a mailbox, a chat history or a proxy log opens nothing.
    public static let lifetime: TimeInterval = 15 * 60
    /// How long a page session lasts: an evening's session, not a week.
    public static let sessionLifetime: TimeInterval = 12 * 60 * 60
    /// The path a link opens; the token follows it.
    public static let pathPrefix = "/s/"

    /// The CSRF token of a page session: derived from the session's own secret, so it needs no storage, differs per
    /// session, and cannot be computed by a page that does not hold the cookie.
    public static func csrfToken(forSession text: String) -> String {
        let digest = SHA256.hash(data: Data(("kring-csrf:" + text).utf8))
        return Data(digest).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension Kring {
    /// `kring signin-link create`: a single-use link for a facilitator or a participant, valid for
    /// `SigninLink.lifetime`; the text is shown once and only its hash is kept. Revoked with `kring token revoke`.
    public func createSigninLink(role: Role, subject: String) throws(KringError) -> IssuedTokenView {
        try write { (operation) throws(KringError) in try operation.createSigninLink(role: role, subject: subject) }
    }

    /// Exchanges a sign-in link for a page session: the session's text (the cookie), or nil when the link is
    /// malformed, unknown, used, expired or revoked; the caller cannot tell which.
    public func exchangeSigninLink(_ text: String) throws(KringError) -> String? {
        guard TokenText.isWellFormed(text) else { return nil }
        return try write { (operation) throws(KringError) in try operation.exchangeSigninLink(text) }
    }

    /// Signs a page session out: its cookie opens nothing from now on. An unknown session is ignored.
    public func endPageSession(_ text: String) throws(KringError) {
        guard TokenText.isWellFormed(text) else { return }
        try write { (operation) throws(KringError) in try operation.endPageSession(text) }
    }
}

extension KringTransaction {
    func createSigninLink(role: Role, subject: String) throws(KringError) -> IssuedTokenView {
        let text = TokenText.generate()
        var facilitatorId: Int64?
        var participantId: Int64?
        switch role {
        case .coordinator:
            throw .invalid("role", "coordinator", "sign-in links are for facilitators and participants")
        case .facilitator: facilitatorId = try transaction.resolveFacilitator(subject).id
        case .participant: participantId = try transaction.resolveParticipant(subject).id
        }
        let record = NewTokenRecord(
            hash: TokenText.hash(text), role: role.rawValue, facilitatorId: facilitatorId, participantId: participantId,
            createdAt: now, expiresAt: now.addingTimeInterval(SigninLink.lifetime), kind: TokenKind.signin.rawValue)
        let view = Kring.view(of: try transaction.insert(record), now: now)
        logAfterCommit(.info, "sign-in link created", ["token.id": "\(view.id)", "token.role": "\(role.rawValue)"])
        return IssuedTokenView(token: text, details: view)
    }

    func exchangeSigninLink(_ text: String) throws(KringError) -> String? {
        guard let link = try transaction.token(hash: TokenText.hash(text)), link.kind == TokenKind.signin.rawValue,
            link.revokedAt == nil, link.usedAt == nil, let expiresAt = link.expiresAt, expiresAt > now
        else { return nil }
        // The update is conditional: of two exchanges racing for one link, only one gets a session.
        guard try transaction.markTokenUsed(id: link.id, at: now) else { return nil }
        let session = TokenText.generate()
        let record = NewTokenRecord(
            hash: TokenText.hash(session), role: link.role, facilitatorId: link.facilitatorId,
            participantId: link.participantId, createdAt: now,
            expiresAt: now.addingTimeInterval(SigninLink.sessionLifetime), kind: TokenKind.session.rawValue,
            parentId: link.id)
        let stored = try transaction.insert(record)
        logAfterCommit(.info, "sign-in link exchanged", ["token.id": "\(link.id)", "session.id": "\(stored.id)"])
        return session
    }

    func endPageSession(_ text: String) throws(KringError) {
        guard let session = try transaction.token(hash: TokenText.hash(text)),
            session.kind == TokenKind.session.rawValue
        else { return }
        try transaction.revokeToken(id: session.id, at: now)
        logAfterCommit(.info, "page session ended", ["session.id": "\(session.id)"])
    }
}
