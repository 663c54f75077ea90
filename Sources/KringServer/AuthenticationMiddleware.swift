import HTTPTypes
import Hummingbird

/// Checks the bearer token of every `/api` request before its handler reads a byte of the body, so an anonymous
/// caller can make the server collect nothing, and a refused token meets the failure limits either way.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = KringRequestContext
    let service: Service

    func handle(
        _ request: Request, context: KringRequestContext,
        next: (Request, KringRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        do {
            context.scope = try await service.authenticate(request, context)
        } catch let error as APIError {
            // A refused caller's body is never read: the answer closes the connection instead of draining whatever
            // it claims to send (security review 2026-11, F19; `ConnectionGuard` closes after the response).
            var response = error.response()
            if Self.declaresBody(request) { response.headers[.connection] = "close" }
            return response
        }
        return try await next(request, context)
    }

    /// Whether the request says a body follows (a length above zero, or chunks).
    static func declaresBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength], length != "0" { return true }
        return request.headers[.transferEncoding] != nil
    }
}

extension HTTPField.Name {
    /// Set by a reverse proxy; read only for requests from a configured one (`ServerConfiguration.trustedProxies`).
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
