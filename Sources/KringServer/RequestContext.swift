import Hummingbird
import KringApp
import NIOCore

/// The per-request context: Hummingbird's core storage, the body limit, and the peer address, which only the
/// in-memory rate limiter reads; it is never logged or stored (privacy rules 1 and 6).
public struct KringRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let peer: String
    let bodyLimit: Int
    /// The caller, once `AuthenticationMiddleware` has checked the token (before any body is read).
    var scope: ScopedKring?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? "unknown"
        bodyLimit = KringRequestContext.configuredBodyLimit
    }

    public var maxUploadSize: Int { bodyLimit }

    /// Hummingbird builds contexts from the channel alone, so the limit of the running server is kept here.
    nonisolated(unsafe) static var configuredBodyLimit = 64 * 1024
}
