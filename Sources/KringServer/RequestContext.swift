import Hummingbird
import KringApp
import NIOCore

/// The per-request context: Hummingbird's core storage and the peer address, which only the in-memory rate limiter
/// reads; it is never logged or stored (privacy rules 1 and 6).
///
/// No body limit lives here: Hummingbird builds a context from the channel alone, and every body is read through
/// `Service` with an explicit limit from `ServerConfiguration` (`collect(upTo:)`), never through `maxUploadSize`.
public struct KringRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let peer: String
    /// The caller, once `AuthenticationMiddleware` has checked the token (before any body is read).
    var scope: ScopedKring?
    /// The connection, to learn whether the client is still there before a write begins.
    let channel: any Channel
    /// When the request arrived, for its deadline (`ServerConfiguration.requestDeadline`).
    let arrival = ContinuousClock.now
    /// The request's `Idempotency-Key` as hashes, set by the endpoint wrapper (`RouterGroup.on`) on writes.
    var requestKey: RequestGuard.Key?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? "unknown"
        channel = source.channel
    }
}
