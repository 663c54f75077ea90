import Foundation
import Hummingbird
import KringApp
import KringDomain
import KringWire

/// Every refusal the service sends, in one stable shape (`ErrorBody`): kind, field, value, reason and message.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let kind: String
    public let field: String
    public let value: String
    public let reason: String
    /// The refusal as one line for people; `field 'value': reason` for an application error.
    public let message: String

    /// A refusal of the service's own; without a separate message, the reason is the message.
    public init(
        _ status: HTTPResponse.Status, kind: String, field: String = "", value: String = "", reason: String,
        message: String? = nil
    ) {
        self.status = status
        self.kind = kind
        self.field = field
        self.value = value
        self.reason = reason
        self.message = message ?? reason
    }

    /// One body for every unknown, expired or revoked API token: nothing says which it was, nor echoes it.
    static let unauthorized = APIError(
        .unauthorized, kind: "unauthorized", field: "token", reason: "a valid bearer token is required")
    static let rateLimited = APIError(
        .tooManyRequests, kind: "rate_limited", field: "token", reason: "too many failed attempts; try again later")
    /// Every calendar-file slot is taken, or this caller has one already: nothing waits, try again shortly.
    static let parserBusy = APIError(
        .serviceUnavailable, kind: "busy", field: "ics",
        reason: "other calendar files are being read; try again in a few seconds")
    /// More changes wait for the database than `ServerConfiguration.waitingWrites`: this one is refused at once.
    static let writesBusy = APIError(
        .serviceUnavailable, kind: "busy", field: "db",
        reason: "the database is busy with other changes; try again in a few seconds")
    /// Another writer (a CLI `kring assign`, a backup) held the database's write lock past the busy timeout.
    static let databaseBusy = APIError(
        .serviceUnavailable, kind: "busy", field: "db",
        reason: "the database is busy (another change holds it); try again in a few seconds")
    static let feedNotFound = APIError(.notFound, kind: "not_found", reason: "no such feed")
    /// Rule 13: nothing about SQL, files, stack or token ever reaches the body.
    static let internalError = APIError(
        .internalServerError, kind: "internal", reason: "the service could not complete the request")

    /// A refusal from the application layer, its parts kept apart so a client need not parse the message.
    /// Environment failures (database, key) are the service's problem, not the caller's, and get the generic body.
    init(_ error: KringError) {
        let status: HTTPResponse.Status
        switch error.kind {
        case .forbidden:
            // The role is the caller's own and says nothing new; the body names the token, as 401 does.
            self.init(
                .forbidden, kind: error.kind.rawValue, field: "token", reason: "this token's role may not do this")
            return
        case .invalidInput: status = .badRequest
        case .notFound: status = .notFound
        case .conflict: status = .conflict
        case .environment:
            // A lock held elsewhere past the busy timeout is a moment's wait, not the service failing: 503 with
            // Retry-After, and still nothing about files in the body.
            self = error.isDatabaseBusy ? .databaseBusy : .internalError
            return
        }
        self.init(
            status, kind: error.kind.rawValue, field: error.field, value: error.value, reason: error.reason,
            message: error.description)
    }

    /// A framework refusal (unknown route, wrong method, body too large) in the same shape.
    init(status: HTTPResponse.Status) {
        switch status {
        case .notFound: self.init(status, kind: "not_found", reason: "no such resource")
        case .methodNotAllowed:
            self.init(status, kind: "method_not_allowed", reason: "this method is not allowed here")
        case .contentTooLarge: self.init(status, kind: "too_large", reason: "the request body is too large")
        case .badRequest: self.init(status, kind: "invalid_input", reason: "the request is malformed")
        case .unsupportedMediaType:
            self.init(status, kind: "invalid_input", reason: "the request body must be application/json")
        default:
            if status.code >= 500 {
                self = .internalError
            } else {
                self.init(status, kind: "invalid_input", reason: "the request was refused")
            }
        }
    }

    var body: ErrorBody {
        ErrorBody(.init(kind: kind, field: field, value: value, reason: reason, message: message))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        var response = JSONResponse.make(body, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if status == .tooManyRequests { response.headers[.retryAfter] = "60" }
        if status == .serviceUnavailable { response.headers[.retryAfter] = "5" }
        return response
    }
}

enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        // Views are plain structs of strings and numbers; encoding them cannot fail.
        make(data: encode(value) ?? Data("{}".utf8), status: status)
    }

    /// The bytes `make` sends for `value`; the stored answer of an `Idempotency-Key` is the same bytes.
    @Sendable static func encode(_ value: any Encodable) -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try? encoder.encode(value)
    }

    static func make(data: Data, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
