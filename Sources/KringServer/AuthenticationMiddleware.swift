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
        context.scope = try await service.authenticate(request, context)
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// Set by a reverse proxy; read only for requests from a configured one (`ServerConfiguration.trustedProxies`).
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
