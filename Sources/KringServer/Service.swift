import Foundation
import HTTPTypes
import Hummingbird
import KringApp
import KringDomain
import KringWire
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// What the routes share: the token guard, the body readers, and the one way to run an operation. The unscoped
/// `Kring` stays private: a handler gets only the `ScopedKring` of the caller its token names.
struct Service: Sendable {
    private let kring: Kring
    let feeds: any CalendarFeedProvider
    let bodyLimit: Int
    let limiter: FailureLimiter
    let feedCache: FeedCache
    let parserSlots: ParserSlots
    let trustedProxies: Set<String>
    let secureCookies: Bool
    let writeGate: WriteGate
    let requestDeadline: Duration

    init(kring: Kring, feeds: (any CalendarFeedProvider)?, configuration: ServerConfiguration) {
        self.kring = kring
        self.feeds = feeds ?? LibicalFeedProvider(kring: kring)
        bodyLimit = configuration.bodyLimit
        limiter = FailureLimiter(
            perAddress: configuration.failuresPerAddress, overall: configuration.failuresOverall,
            window: configuration.failureWindow, clock: configuration.clock)
        feedCache = FeedCache(lifetime: configuration.feedCacheLifetime, clock: configuration.clock)
        parserSlots = ParserSlots(capacity: configuration.concurrentCalendarParses)
        trustedProxies = Set(configuration.trustedProxies)
        secureCookies = configuration.secureCookies
        writeGate = WriteGate(capacity: configuration.waitingWrites, observer: configuration.onWritesAdmitted)
        requestDeadline = configuration.requestDeadline
    }

    /// The caller a page session cookie speaks for, or nil (no cookie, unknown, expired, signed out or revoked).
    func pageScope(session text: String?) async throws(KringError) -> ScopedKring? {
        guard let text, TokenText.isWellFormed(text) else { return nil }
        let kring = kring
        return try await Blocking.run { () throws(KringError) -> ScopedKring? in
            try kring.scope(token: text, for: .page)
        }
    }

    /// Exchanges a sign-in link for a page session's secret (the cookie), or nil when the link opens nothing.
    func exchangeSigninLink(_ text: String) async throws(KringError) -> String? {
        let kring = kring
        return try await Blocking.run { () throws(KringError) -> String? in try kring.exchangeSigninLink(text) }
    }

    /// Ends a page session (sign-out).
    func endPageSession(_ text: String) async throws(KringError) {
        let kring = kring
        try await Blocking.run { () throws(KringError) in try kring.endPageSession(text) }
    }

    /// Authenticates the bearer token, then runs the operation off the event loop as that caller. Reads run on the
    /// shared pool of reader threads; a change goes through `WriteGate` (one at a time, a bounded queue, 503 beyond
    /// it), carries the request's `RequestGuard` (not begun once the client is gone; its `Idempotency-Key`
    /// recorded), and a key already used answers with the stored first answer (`ReplayedAnswer`).
    func call<T: Sendable>(
        _ request: Request, _ context: KringRequestContext,
        _ operation: @escaping @Sendable (ScopedKring) throws(KringError) -> T
    ) async throws -> T {
        var scope = try await authenticate(request, context)
        let changes = request.method != .get && request.method != .head
        let cache = feedCache
        guard changes else {
            let chosen = scope
            return try await Blocking.run { () throws(KringError) -> T in try operation(chosen) }
        }
        // `Kring-Dry-Run: true` runs the change and rolls it back: the answer shows what it would do.
        if request.headers[Self.dryRunHeader]?.lowercased() == "true" {
            scope = scope.rehearsing()
        } else if let key = context.requestKey {
            let kring = scope.kring
            if let stored = try await Blocking.run({ () throws(KringError) in try kring.storedAnswer(for: key) }) {
                throw ReplayedAnswer(key: key.text, stored: stored)
            }
        }
        let chosen = scope.guarded(by: requestGuard(context))
        do {
            return try await writeGate.run { () throws(KringError) -> T in
                // A change may alter any feed (a withdrawal, a move, a new group title), so none outlives it; emptied
                // even when the operation fails, since a refusal costs one render at most.
                defer { cache.removeAll() }
                return try operation(chosen)
            }
        } catch let error as KringError where error.reason == RequestGuard.carriedOutMeanwhile {
            // A copy of this request sent at the same time was carried out while this one waited: its answer.
            let (kring, key) = (chosen.kring, context.requestKey)
            guard let key,
                let stored = try await Blocking.run({ () throws(KringError) in try kring.storedAnswer(for: key) })
            else { throw error }
            throw ReplayedAnswer(key: key.text, stored: stored)
        }
    }

    /// What a change checks once it holds the write lock: the client still connected, the deadline not passed, the
    /// key not used meanwhile.
    func requestGuard(_ context: KringRequestContext) -> RequestGuard {
        let (channel, arrival, deadline) = (context.channel, context.arrival, requestDeadline)
        return RequestGuard(
            key: context.requestKey,
            abandonment: {
                if Self.clientHasLeft(channel) { return "the client disconnected before the change could begin" }
                if ContinuousClock.now - arrival > deadline {
                    return "the request waited longer than its deadline (\(deadline)) before the change could begin"
                }
                return nil
            }, encode: JSONResponse.encode)
    }

    /// Like `call`, for an operation that waits on a mail server (`POST /api/invites/send`): its transport talks to
    /// the server on a queue of its own, so the operation is awaited rather than run on the blocking queue, where it
    /// would hold a thread token checks and feeds need for as long as the server takes to answer.
    func callAsync<T: Sendable>(
        _ request: Request, _ context: KringRequestContext,
        _ operation: @escaping @Sendable (ScopedKring) async throws(KringError) -> T
    ) async throws -> T {
        var scope = try await authenticate(request, context)
        if request.headers[Self.dryRunHeader]?.lowercased() == "true" { scope = scope.rehearsing() }
        return try await operation(scope)
    }

    /// Like `call`, for an operation that waits for a child process (a calendar file's parser): it runs on a thread
    /// of its own once a `ParserSlots` slot is free, and is refused with 503 at once when none is, so uploads never
    /// hold the threads token checks and feeds run on.
    func callParsing<T: Sendable>(
        _ request: Request, _ context: KringRequestContext,
        _ operation: @escaping @Sendable (ScopedKring) throws(KringError) -> T
    ) async throws -> T {
        let scope = try await authenticate(request, context).guarded(by: requestGuard(context))
        let (slots, cache, caller) = (parserSlots, feedCache, scope.caller)
        guard slots.acquire(for: caller) else { throw APIError.parserBusy }
        defer { slots.release(for: caller) }
        return try await Blocking.runOnOwnThread { () throws(KringError) -> T in
            defer { cache.removeAll() }
            return try operation(scope)
        }
    }

    /// `callParsing` for a caller the pages already know (a page session): a `ParserSlots` slot, a thread of its
    /// own, the feed cache emptied afterwards.
    func parsing<T: Sendable>(
        as scope: ScopedKring, _ operation: @escaping @Sendable (ScopedKring) throws(KringError) -> T
    ) async throws -> T {
        let (slots, cache, caller) = (parserSlots, feedCache, scope.caller)
        guard slots.acquire(for: caller) else { throw APIError.parserBusy }
        defer { slots.release(for: caller) }
        return try await Blocking.runOnOwnThread { () throws(KringError) -> T in
            defer { cache.removeAll() }
            return try operation(scope)
        }
    }

    /// Whether the client has closed its end. While a request is handled the HTTP pipeline reads nothing more from
    /// the connection, so a hang-up does not close the channel yet; the kernel knows, though: the socket has left
    /// ESTABLISHED (CLOSE_WAIT after the client's FIN, or closed after a reset). A client that only half-closes
    /// while it waits for the answer counts as gone; HTTP clients do not do that. Called off the event loop.
    static func clientHasLeft(_ channel: any Channel) -> Bool {
        if !channel.isActive { return true }
        #if os(Linux)
            guard let provider = channel as? any SocketOptionProvider,
                let info = try? provider.getTCPInfo().wait()
            else { return false }
            let established: UInt8 = 1  // TCP_ESTABLISHED in <netinet/tcp.h>
            return info.tcpi_state != established
        #else
            return false
        #endif
    }

    static let dryRunHeader = HTTPField.Name("Kring-Dry-Run")!
    static let idempotencyKeyHeader = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotency-Replayed")!

    /// The address the failure limits count against: the peer, or, when the peer is a configured reverse proxy, the
    /// client it names last in `X-Forwarded-For` (the entry that proxy added itself; earlier ones are the client's
    /// word). Only the in-memory limiter sees it.
    func client(_ request: Request, _ context: KringRequestContext) -> String {
        guard trustedProxies.contains(context.peer), let forwarded = request.headers[.xForwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        else { return context.peer }
        return last
    }

    /// Whether the browser reached us over HTTPS through a configured reverse proxy (`X-Forwarded-Proto: https`
    /// from a trusted proxy), or `--secure-cookies` says so: then the session cookie is `Secure`.
    func cookiesSecure(_ request: Request, _ context: KringRequestContext) -> Bool {
        if secureCookies { return true }
        guard trustedProxies.contains(context.peer) else { return false }
        return request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// The token of an `Authorization: Bearer …` header; the scheme is case-insensitive (RFC 9110 §11.1).
    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    func authenticate(_ request: Request, _ context: KringRequestContext) async throws -> ScopedKring {
        if let scope = context.scope { return scope }
        let client = client(request, context)
        if limiter.isLimited(client) { throw APIError.rateLimited }
        let token = Self.bearerToken(request)
        let kring = kring
        let scope: ScopedKring? =
            if let token {
                try await Blocking.run { () throws(KringError) -> ScopedKring? in
                    try kring.scope(token: token, for: .api)
                }
            } else { nil }
        guard let scope else {
            if limiter.recordFailure(client) { throw APIError.rateLimited }
            throw APIError.unauthorized
        }
        return scope
    }

    /// Runs `operation` off the event loop as the holder of a feed token, in the same hop as the token check; nil
    /// for an unknown, revoked or expired token. Feed tokens open `/feeds` only, never an `/api` route.
    func asFeedHolder<T: Sendable>(
        token: String, _ operation: @escaping @Sendable (ScopedKring) throws(KringError) -> T?
    ) async throws(KringError) -> T? {
        let kring = kring
        return try await Blocking.run { () throws(KringError) -> T? in
            guard let caller = try kring.authenticate(token: token, for: .feed) else { return nil }
            return try operation(ScopedKring(kring: kring, caller: caller))
        }
    }

    /// A raw body (a calendar file, a scenario) up to `limit` bytes; beyond it the caller gets 413. Only the routes
    /// that take files pass a limit above the JSON one.
    func collect(_ request: Request, upTo limit: Int) async throws -> Data {
        Data(try await request.body.collect(upTo: limit).readableBytesView)
    }

    func decode<T: Codable>(_ type: T.Type, _ request: Request, _ context: KringRequestContext) async throws -> T {
        // A body declared as something else is refused before it is read; no declaration is taken as JSON.
        if let declared = request.headers[.contentType] {
            let mediaType = declared.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard mediaType == "application/json" || mediaType?.hasSuffix("+json") == true else {
                let value = String(declared.prefix(80))
                throw APIError(
                    .unsupportedMediaType, kind: "invalid_input", field: "Content-Type", value: value,
                    reason: "the body must be application/json",
                    message: "Content-Type '\(value)': the body must be application/json")
            }
        }
        let buffer = try await request.body.collect(upTo: bodyLimit)
        let data = Data(buffer.readableBytesView)
        let value: T
        do {
            value = try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.last?.stringValue ?? ""
            throw APIError(
                .badRequest, kind: "invalid_input", field: field, reason: "has the wrong type",
                message: "\(field) has the wrong type")
        } catch {
            throw APIError(.badRequest, kind: "invalid_input", reason: "the body must be a JSON object")
        }
        if let unknown = Self.unknownField(in: data, decodedAs: value) {
            let shown = String(unknown.prefix(80))
            throw APIError(
                .badRequest, kind: "invalid_input", field: unknown, value: "",
                reason: "is not a field of this request; nothing was changed",
                message: "'\(shown)' is not a field of this request; nothing was changed")
        }
        return value
    }

    /// The first top-level key of the body that the request type does not know (a typo such as `maxPerweek` would
    /// otherwise be ignored and answered 200): keys that survive decoding come back when the value is encoded.
    static func unknownField<T: Encodable>(in data: Data, decodedAs value: T) -> String? {
        guard let sent = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let known = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(value))) as? [String: Any]
        else { return nil }
        return sent.filter { !($0.value is NSNull) && known[$0.key] == nil }.keys.sorted().first
    }
}

extension KringRequestContext {
    /// A path parameter, percent-decoded (pseudonyms and group names may contain spaces).
    func path(_ name: String) throws -> String {
        guard let raw = parameters.get(name), let decoded = raw.removingPercentEncoding else {
            throw APIError(
                .badRequest, kind: "invalid_input", field: name, reason: "is malformed", message: "\(name) is malformed"
            )
        }
        return decoded
    }
}

extension RouterGroup<KringRequestContext> {
    /// Registers a table endpoint at its method and path; the handler's value goes back as JSON with the table's
    /// success status.
    @discardableResult
    func on<T: Encodable & Sendable>(
        _ endpoint: Endpoint, use handler: @escaping @Sendable (Request, KringRequestContext) async throws -> T
    ) -> Self {
        let status = HTTPResponse.Status(code: endpoint.successStatus)
        return on(
            endpoint,
            respond: { request, context in
                JSONResponse.make(try await handler(request, context), status: status)
            })
    }

    /// Registers a table endpoint whose handler writes its own response (a calendar, not JSON). A change that
    /// carries an `Idempotency-Key` has its body read here once, to hash it with the key (`RequestGuard.Key`); the
    /// handler reads the same bytes.
    @discardableResult
    func on(
        _ endpoint: Endpoint,
        respond handler: @escaping @Sendable (Request, KringRequestContext) async throws -> Response
    ) -> Self {
        // The table's methods are all standard ones, which HTTPTypes knows by name.
        on(RouterPath(endpoint.route), method: HTTPRequest.Method(endpoint.method.rawValue)!) { request, context in
            guard endpoint.method != .get, let text = request.headers[Service.idempotencyKeyHeader] else {
                return try await handler(request, context)
            }
            guard RequestGuard.Key.isValid(text) else {
                let shown = String(text.prefix(80))
                throw APIError(
                    .badRequest, kind: "invalid_input", field: "Idempotency-Key", value: shown,
                    reason: "must be 1 to 255 visible ASCII characters, such as a UUID",
                    message: "Idempotency-Key '\(shown)': must be 1 to 255 visible ASCII characters, such as a UUID")
            }
            var (request, context) = (request, context)
            // The largest body any endpoint takes; each handler still applies its own, smaller limit.
            let buffer = try await request.body.collect(upTo: Kring.maxCalendarInputBytes + 1)
            request.body = RequestBody(buffer: buffer)
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            context.requestKey = RequestGuard.Key(
                text: text, tokenId: context.scope?.tokenId, caller: context.scope.map { "\($0.caller)" } ?? "",
                method: request.method.rawValue, target: target, body: Data(buffer.readableBytesView),
                status: endpoint.successStatus)
            return try await handler(request, context)
        }
    }
}

/// The first answer to a request sent again with the same `Idempotency-Key`: sent as it was, marked
/// `Idempotency-Replayed: true`; when it was not kept (it named someone erased since), a 409 that says so.
struct ReplayedAnswer: Error {
    let key: String
    let stored: StoredAnswer

    func response() -> Response {
        guard let body = stored.body else {
            return APIError(
                .conflict, kind: "conflict", field: "Idempotency-Key", value: String(key.prefix(80)),
                reason: "a request with this key was carried out; its answer is not kept",
                message: "Idempotency-Key '\(key.prefix(80))': a request with this key was carried out; "
                    + "its answer is not kept"
            ).response()
        }
        var response = JSONResponse.make(data: body, status: HTTPResponse.Status(code: stored.status))
        response.headers[Service.replayedHeader] = "true"
        return response
    }
}
