import Foundation
import HTTPTypes
import Hummingbird
import KringApp
import KringDomain
import Logging

/// One line per request: method, route template, status and duration. Never the URI, which carries feed tokens
/// and names, never a header, never the peer address (privacy rule 6); it replaces Hummingbird's request logging.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = KringRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.route": "\(context.endpointPath ?? "unmatched")",
                "http.status": "\(response.status.code)",
                "http.duration_ms": "\(String(format: "%.2f", milliseconds))",
            ])
        return response
    }
}

/// Headers every response carries: nothing Kring sends may be cached, leak through a referrer or be sniffed
/// into another type (privacy rule 11).
struct PrivateHeadersMiddleware: RouterMiddleware {
    typealias Context = KringRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name.referrerPolicy] = "no-referrer"
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

/// Turns every error into the one JSON shape; anything unexpected becomes the generic 500 body and a log line
/// that names only the error's type.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = KringRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let replay as ReplayedAnswer {
            return replay.response()
        } catch let error as KringError {
            if error.kind == .environment {
                context.logger.error("operation failed", metadata: ["error.field": "\(error.field)"])
            }
            return APIError(error).response()
        } catch let error as any HTTPResponseError {
            return APIError(status: error.status).response()
        } catch {
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            return APIError.internalError.response()
        }
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
