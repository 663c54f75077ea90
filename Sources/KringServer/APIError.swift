import Foundation
import Hummingbird
import KringApp
import KringDomain

/// Every refusal the service sends, in one stable shape: `{"error": {"kind", "field", "message"}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let kind: String
    public let field: String
    public let message: String

    public init(_ status: HTTPResponse.Status, kind: String, field: String = "", message: String) {
        self.status = status
        self.kind = kind
        self.field = field
        self.message = message
    }

    /// One body for every unknown, expired or revoked API token: nothing says which it was.
    static let unauthorized = APIError(
        .unauthorized, kind: "unauthorized", field: "token", message: "a valid bearer token is required")
    static let rateLimited = APIError(
        .tooManyRequests, kind: "rate_limited", field: "token", message: "too many failed attempts; try again later")
    static let feedNotFound = APIError(.notFound, kind: "not_found", message: "no such feed")
    /// Rule 13: nothing about SQL, files, stack or token ever reaches the body.
    static let internalError = APIError(
        .internalServerError, kind: "internal", message: "the service could not complete the request")

    /// A refusal from the application layer. Environment failures (database, key) are the service's problem,
    /// not the caller's, and get the generic body.
    init(_ error: KringError) {
        switch error.kind {
        case .forbidden:
            self.init(.forbidden, kind: "forbidden", field: "token", message: "this token's role may not do this")
        case .invalidInput:
            self.init(.badRequest, kind: error.kind.rawValue, field: error.field, message: error.description)
        case .notFound: self.init(.notFound, kind: error.kind.rawValue, field: error.field, message: error.description)
        case .conflict: self.init(.conflict, kind: error.kind.rawValue, field: error.field, message: error.description)
        case .environment: self = .internalError
        }
    }

    /// A framework refusal (unknown route, wrong method, body too large) in the same shape.
    init(status: HTTPResponse.Status) {
        switch status {
        case .notFound: self.init(status, kind: "not_found", message: "no such resource")
        case .methodNotAllowed:
            self.init(status, kind: "method_not_allowed", message: "this method is not allowed here")
        case .contentTooLarge: self.init(status, kind: "too_large", message: "the request body is too large")
        case .badRequest: self.init(status, kind: "invalid_input", message: "the request is malformed")
        case .unsupportedMediaType:
            self.init(status, kind: "invalid_input", message: "the request body must be application/json")
        default:
            if status.code >= 500 {
                self = .internalError
            } else {
                self.init(status, kind: "invalid_input", message: "the request was refused")
            }
        }
    }

    struct Body: Codable {
        struct Detail: Codable {
            let kind: String
            let field: String
            let message: String
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        let body = Body(error: .init(kind: kind, field: field, message: message))
        var response = JSONResponse.make(body, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if status == .tooManyRequests { response.headers[.retryAfter] = "60" }
        return response
    }
}

enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Views are plain structs of strings and numbers; encoding them cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
