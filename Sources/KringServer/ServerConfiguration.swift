import Foundation

/// How `kring serve` listens and what it tolerates: address, body limit, the guessing limits on tokens, and the
/// timeouts and caps that keep a slow or hostile client from holding the service.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 asks the system for a free port; `onRunning` reports the one bound.
    public var port: Int
    /// Larger request bodies get 413 before any decoding.
    public var bodyLimit: Int
    /// Bad tokens one remote address may present per window before it meets 429 (privacy rule 12).
    public var failuresPerAddress: Int
    /// Bad tokens all addresses together may present per window: guessing spread over many addresses.
    public var failuresOverall: Int
    /// The window the failure counters cover.
    public var failureWindow: Duration
    /// How long a rendered feed is reused for the same person. Calendar apps poll hourly at most, so a few
    /// seconds of staleness costs nothing and keeps a burst of subscribers from re-rendering the same text.
    public var feedCacheLifetime: Duration
    /// How long a connection may stay silent: before its first request's headers are complete, between two parts
    /// of a request, and between requests (keep-alive). A client that sends nothing, or a header byte now and then,
    /// is disconnected once it passes.
    public var idleTimeout: Duration
    /// How long a request's body may take from its headers to its last byte, however steadily it trickles in.
    public var bodyTimeout: Duration
    /// Open connections at most; beyond it new ones wait in the listen backlog until one closes (logged once each
    /// time the limit is reached).
    public var maximumConnections: Int
    /// Calendar files (`PUT /api/facilitators/{f}/busy`) parsed at once, one per caller; beyond it 503.
    public var concurrentCalendarParses: Int
    /// How long a request may wait before its change begins (for the write lock, mostly); past it, as when its
    /// client has disconnected, the change is not carried out: the client has given up, and a retry must not find
    /// the first attempt stored behind its back.
    public var requestDeadline: Duration
    /// Writes that may wait for the write lock at once; beyond them a write is refused at once with 503 and
    /// Retry-After, so waiting writes never hold every thread reads need.
    public var waitingWrites: Int
    /// Told the number of admitted changes (running or waiting) each time one is admitted or done; for tests that
    /// must know the queue is full before they go on, instead of guessing with a sleep.
    public var onWritesAdmitted: (@Sendable (Int) -> Void)? = nil
    /// How often the running service erases participants past the retention period (privacy rule 10).
    public var retentionInterval: Duration
    /// Addresses of reverse proxies in front of the service (e.g. 127.0.0.1 for a local nginx): for requests from
    /// them the failure limits count the client named last in `X-Forwarded-For`, so one guesser behind the proxy
    /// does not lock out everyone else. Empty (the default): the header is ignored, so no client can choose it.
    public var trustedProxies: [String]
    /// Whether the page session cookie is marked `Secure` (sent over HTTPS only): set it when a TLS proxy is in front.
    public var secureCookies: Bool = false
    /// The time the failure windows and the feed cache run on. Tests pass a clock they move by hand, so a window
    /// lasts exactly as long as they say however slow the machine is.
    public var clock: any Clock<Duration>
    /// Called once the socket is bound, with the host and the actual port.
    public var onRunning: @Sendable (_ host: String, _ port: Int) async -> Void

    public init(
        host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = 64 * 1024, failuresPerAddress: Int = 30,
        failuresOverall: Int = 600, failureWindow: Duration = .seconds(60), feedCacheLifetime: Duration = .seconds(5),
        trustedProxies: [String] = [], clock: any Clock<Duration> = ContinuousClock(),
        idleTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(60), maximumConnections: Int = 512,
        concurrentCalendarParses: Int = 2, retentionInterval: Duration = .seconds(86_400),
        requestDeadline: Duration = .seconds(120), waitingWrites: Int = 256,
        onRunning: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) {
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maximumConnections = maximumConnections
        self.concurrentCalendarParses = concurrentCalendarParses
        self.retentionInterval = retentionInterval
        self.requestDeadline = requestDeadline
        self.waitingWrites = waitingWrites
        self.host = host
        self.port = port
        self.bodyLimit = bodyLimit
        self.failuresPerAddress = failuresPerAddress
        self.failuresOverall = failuresOverall
        self.failureWindow = failureWindow
        self.feedCacheLifetime = feedCacheLifetime
        self.trustedProxies = trustedProxies
        self.clock = clock
        self.onRunning = onRunning
    }
}
