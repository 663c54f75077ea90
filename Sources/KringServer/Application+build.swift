import Crypto
import Foundation
import Hummingbird
import KringApp
import KringDomain
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Builds the whole service (router, middleware, server) over one `Kring`, without running it: `kring serve`
/// runs it under a ServiceGroup, tests run the same app on a loopback port.
public func buildApplication(
    kring: Kring, configuration: ServerConfiguration, logger: Logger, feeds: (any CalendarFeedProvider)? = nil
) -> some ApplicationProtocol {
    var logger = logger
    logger.handler = PrivacyLogHandler(wrapping: logger.handler)
    KringRequestContext.configuredBodyLimit = configuration.bodyLimit
    let router = buildRouter(kring: kring, configuration: configuration, feeds: feeds)
    let host = configuration.host
    let onRunning = configuration.onRunning
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
        onServerRunning: { channel in await onRunning(host, channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The routes, in the order the OpenAPI document lists them; tests compare `router.routes` with that document.
public func buildRouter(
    kring: Kring, configuration: ServerConfiguration, feeds: (any CalendarFeedProvider)? = nil
) -> Router<KringRequestContext> {
    let service = Service(
        kring: kring, feeds: feeds ?? LibicalFeedProvider(kring: kring), bodyLimit: configuration.bodyLimit,
        limiter: FailureLimiter(
            perAddress: configuration.failuresPerAddress, overall: configuration.failuresOverall,
            window: configuration.failureWindow),
        feedCache: FeedCache(lifetime: configuration.feedCacheLifetime),
        trustedProxies: Set(configuration.trustedProxies))
    let router = Router(context: KringRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: PrivateHeadersMiddleware())
    router.add(middleware: ErrorMiddleware())

    router.get("/health") { _, _ in JSONResponse.make(["status": "ok"]) }
    router.head("/health") { _, _ in JSONResponse.make(["status": "ok"]).withoutBody() }
    router.get("/feeds/{token}.ics") { request, context in try await service.feed(request, context) }
    // Some subscribers ask with HEAD whether a feed changed; they get the same status and headers, no body.
    router.head("/feeds/{token}.ics") { request, context in try await service.feed(request, context).withoutBody() }

    let api = router.group("/api").add(middleware: AuthenticationMiddleware(service: service))
    api.get("/groups") { request, context in
        try await service.call(request, context) { scope, _ throws(KringError) in try scope.listGroups() }
    }
    api.post("/groups") { request, context in
        let body = try await service.decode(RequestBodies.Group.self, request, context)
        return try await service.call(request, context, status: .created) { scope, _ throws(KringError) in
            try scope.createGroup(body.changes)
        }
    }
    api.get("/groups/{group}") { request, context in
        let group = try context.path("group")
        return try await service.call(request, context) { scope, _ throws(KringError) in try scope.showGroup(group) }
    }
    api.patch("/groups/{group}") { request, context in
        let group = try context.path("group")
        let body = try await service.decode(RequestBodies.Group.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.updateGroup(group, body.changes)
        }
    }
    for (action, operation) in [
        ("open", ScopedKring.openGroup), ("start", ScopedKring.startGroup), ("close", ScopedKring.closeGroup),
    ] as [(String, @Sendable (ScopedKring) -> (String) throws(KringError) -> GroupView)] {
        api.post("/groups/{group}/\(action)") { request, context in
            let group = try context.path("group")
            return try await service.call(request, context) { scope, _ throws(KringError) in
                try operation(scope)(group)
            }
        }
    }
    api.get("/groups/{group}/roster") { request, context in
        let group = try context.path("group")
        let session = request.uri.queryParameters.get("session")
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.roster(group: group, session: session)
        }
    }
    api.post("/series") { request, context in
        let body = try await service.decode(RequestBodies.Series.self, request, context)
        return try await service.call(request, context, status: .created) { scope, _ throws(KringError) in
            try scope.addSeries(
                SeriesRequest(
                    group: try required(body.group, "group"), start: try required(body.start, "start"),
                    durationMinutes: try required(body.durationMinutes, "duration"),
                    rrule: try required(body.rrule, "rrule"), excludedDates: body.excludedDates ?? [],
                    skipHolidays: body.skipHolidays))
        }
    }
    api.get("/sessions") { request, context in
        let query = request.uri.queryParameters
        let (group, from, to) = (query.get("group"), query.get("from"), query.get("to"))
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.listSessions(group: group, from: from, to: to)
        }
    }
    api.post("/sessions/{session}/move") { request, context in
        let session = try context.path("session")
        let body = try await service.decode(RequestBodies.Move.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.moveSession(session, to: try required(body.to, "to"))
        }
    }
    api.post("/sessions/{session}/cancel") { request, context in
        let session = try context.path("session")
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.cancelSession(session)
        }
    }
    api.get("/participants") { request, context in
        let group = request.uri.queryParameters.get("group")
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.listParticipants(group: group)
        }
    }
    api.post("/enrolments") { request, context in
        let body = try await service.decode(RequestBodies.Enrolment.self, request, context)
        return try await service.call(request, context, status: .created) { scope, _ throws(KringError) in
            try scope.enrol(
                EnrolmentRequest(
                    group: try required(body.group, "group"), pseudonym: body.pseudonym,
                    existingParticipant: body.participant, relation: body.relation, language: body.language,
                    contact: body.contact))
        }
    }
    api.post("/participants/{participant}/withdraw") { request, context in
        let participant = try context.path("participant")
        let body = try await service.decode(RequestBodies.Withdrawal.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.withdraw(participant, group: body.group, erase: body.erase ?? false)
        }
    }
    api.post("/attendance") { request, context in
        let body = try await service.decode(RequestBodies.Attendance.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.markAttendance(
                session: try required(body.session, "session"),
                participant: try required(body.participant, "participant"),
                status: try required(body.status, "status"))
        }
    }
    api.get("/facilitators") { request, context in
        try await service.call(request, context) { scope, _ throws(KringError) in try scope.listFacilitators() }
    }
    api.post("/facilitators") { request, context in
        let body = try await service.decode(RequestBodies.Facilitator.self, request, context)
        return try await service.call(request, context, status: .created) { scope, _ throws(KringError) in
            try scope.addFacilitator(
                FacilitatorRequest(
                    name: try required(body.name, "name"), languages: try required(body.languages, "languages"),
                    lead: body.lead ?? false, audiences: body.audiences, maxPerMonth: body.maxPerMonth,
                    contact: body.contact))
        }
    }
    addPlanningRoutes(to: api, service: service)
    addAdministrationRoutes(to: api, service: service)
    return router
}

func required<T>(_ value: T?, _ field: String) throws(KringError) -> T {
    guard let value else { throw .invalid(field, "", "is required") }
    return value
}

extension KringRequestContext {
    /// A path parameter, percent-decoded (pseudonyms and group names may contain spaces).
    func path(_ name: String) throws -> String {
        guard let raw = parameters.get(name), let decoded = raw.removingPercentEncoding else {
            throw APIError(.badRequest, kind: "invalid_input", field: name, message: "\(name) is malformed")
        }
        return decoded
    }
}

extension Response {
    /// The answer to HEAD: the status and headers of GET, including the length the body would have, and no body.
    func withoutBody() -> Response {
        var headers = self.headers
        if let length = body.contentLength, headers[.contentLength] == nil { headers[.contentLength] = String(length) }
        return Response(status: status, headers: headers, body: .init())
    }
}

/// What the routes share: the application, the feed source, the token guard.
struct Service: Sendable {
    let kring: Kring
    let feeds: any CalendarFeedProvider
    let bodyLimit: Int
    let limiter: FailureLimiter
    let feedCache: FeedCache
    let trustedProxies: Set<String>

    /// Authenticates the bearer token, then runs the operation off the event loop as that caller.
    func call<T: Encodable & Sendable>(
        _ request: Request, _ context: KringRequestContext, status: HTTPResponse.Status = .ok,
        _ operation: @escaping @Sendable (ScopedKring, Kring) throws(KringError) -> T
    ) async throws -> Response {
        let scope = try await authenticate(request, context)
        let kring = kring
        let value = try await Blocking.run { () throws(KringError) -> T in try operation(scope, kring) }
        return JSONResponse.make(value, status: status)
    }

    /// The address the failure limits count against: the peer, or, when the peer is a configured reverse proxy, the
    /// client it names last in `X-Forwarded-For` (the entry that proxy added itself; earlier ones are the client's
    /// word). Only the in-memory limiter sees it.
    func client(_ request: Request, _ context: KringRequestContext) -> String {
        guard trustedProxies.contains(context.peer), let forwarded = request.headers[.xForwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        else { return context.peer }
        return last
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
        let caller: Caller? =
            if let token {
                try await Blocking.run { () throws(KringError) -> Caller? in try kring.authenticate(token: token, for: .api) }
            } else { nil }
        guard let caller else {
            if limiter.recordFailure(client) { throw APIError.rateLimited }
            throw APIError.unauthorized
        }
        return ScopedKring(kring: kring, caller: caller)
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
                throw APIError(
                    .unsupportedMediaType, kind: "invalid_input", field: "Content-Type",
                    message: "Content-Type '\(String(declared.prefix(80)))': the body must be application/json")
            }
        }
        let buffer = try await request.body.collect(upTo: bodyLimit)
        let data = Data(buffer.readableBytesView)
        let value: T
        do {
            value = try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.last?.stringValue ?? ""
            throw APIError(.badRequest, kind: "invalid_input", field: field, message: "\(field) has the wrong type")
        } catch {
            throw APIError(.badRequest, kind: "invalid_input", message: "the body must be a JSON object")
        }
        if let unknown = Self.unknownField(in: data, decodedAs: value) {
            throw APIError(
                .badRequest, kind: "invalid_input", field: unknown,
                message: "'\(String(unknown.prefix(80)))' is not a field of this request; nothing was changed")
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

    /// `GET /feeds/{token}.ics`: the holder's calendar, with an ETag so subscribed clients poll cheaply.
    func feed(_ request: Request, _ context: KringRequestContext) async throws -> Response {
        let client = client(request, context)
        if limiter.isLimited(client) { throw APIError.rateLimited }
        let token = context.parameters.get("token") ?? ""
        let (kring, feeds, cache) = (kring, feeds, feedCache)
        // The token is checked on every request, so a revoked one fails at once; only the rendered body is reused.
        let rendered = try await Blocking.run { () throws(KringError) -> RenderedFeed? in
            guard let caller = try kring.authenticate(token: token, for: .feed) else { return nil }
            if let cached = cache.get(caller) { return cached }
            guard let body = try ScopedKring(kring: kring, caller: caller).feed(from: feeds) else { return nil }
            let bytes = Data(body.utf8)
            let tag = "\"" + SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
            let feed = RenderedFeed(bytes: bytes, tag: tag)
            cache.put(caller, feed)
            return feed
        }
        guard let rendered else {
            if limiter.recordFailure(client) { throw APIError.rateLimited }
            throw APIError.feedNotFound
        }
        let (bytes, tag) = (rendered.bytes, rendered.tag)
        var headers: HTTPFields = [.eTag: tag]
        if let wanted = request.headers[.ifNoneMatch],
            wanted.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag || $0 == "*" }
            )
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "text/calendar; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Runs the service until SIGTERM or SIGINT, then drains open requests (swift-service-lifecycle).
public func runServer(
    kring: Kring, configuration: ServerConfiguration, logger: Logger, feeds: (any CalendarFeedProvider)? = nil
) async throws {
    let app = buildApplication(kring: kring, configuration: configuration, logger: logger, feeds: feeds)
    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
}
