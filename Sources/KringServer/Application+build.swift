import Hummingbird
import HummingbirdCore
import KringApp
import KringWire
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
    let router = buildRouter(kring: kring, configuration: configuration, feeds: feeds)
    let host = configuration.host
    let onRunning = configuration.onRunning
    // A slow or hostile client holds nothing for long: silence (before the headers are complete, between requests)
    // ends a connection after `idleTimeout`, a body that takes longer than `bodyTimeout` ends it too, and at most
    // `maximumConnections` are open at once (security review 2026-11, F5).
    let bodyTimeout = configuration.bodyTimeout
    let http = HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionGuard(bodyTimeout: bodyTimeout)],
        idleTimeout: TimeAmount(configuration.idleTimeout))
    var app = Application(
        router: router,
        server: .http1(configuration: http),
        configuration: .init(
            address: .hostname(host, port: configuration.port), serverName: nil,
            availableConnectionsDelegate: ConnectionCap(maximum: configuration.maximumConnections, logger: logger)),
        onServerRunning: { channel in await onRunning(host, channel.localAddress?.port ?? configuration.port) },
        logger: logger)
    app.addServices(RetentionService(kring: kring, interval: configuration.retentionInterval, logger: logger))
    return app
}

/// The routes: health, feeds and pages (`PageRoutes`) outside `/api`, then every `Endpoint` of the table, one file per resource. Tests
/// compare `router.routes` with `docs/openapi.yaml`, and the table with the same document.
public func buildRouter(
    kring: Kring, configuration: ServerConfiguration, feeds: (any CalendarFeedProvider)? = nil
) -> Router<KringRequestContext> {
    let service = Service(kring: kring, feeds: feeds, configuration: configuration)
    let router = Router(context: KringRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: PrivateHeadersMiddleware())
    router.add(middleware: ErrorMiddleware())

    router.get("/health") { _, _ in JSONResponse.make(["status": "ok"]) }
    router.head("/health") { _, _ in JSONResponse.make(["status": "ok"]).withoutBody() }
    addFeedRoutes(to: router, service: service)
    addPageRoutes(to: router, service: service)

    let api = router.group(RouterPath(Endpoint.prefix)).add(middleware: AuthenticationMiddleware(service: service))
    addGroupRoutes(to: api, service: service)
    addSessionRoutes(to: api, service: service)
    addPeopleRoutes(to: api, service: service)
    addPlanningRoutes(to: api, service: service)
    addAdministrationRoutes(to: api, service: service)
    return router
}

/// Runs the service until SIGTERM or SIGINT, then drains open requests (swift-service-lifecycle). With
/// `deliveryInterval`, an `InviteDeliveryService` in the same group sends the outbox when mail is configured; it is
/// last in the group, so it stops first on shutdown.
public func runServer(
    kring: Kring, configuration: ServerConfiguration, logger: Logger, feeds: (any CalendarFeedProvider)? = nil,
    deliveryInterval: Duration? = nil
) async throws {
    let app = buildApplication(kring: kring, configuration: configuration, logger: logger, feeds: feeds)
    var services: [any ServiceLifecycle.Service] = [app]
    if let deliveryInterval {
        var deliveryLogger = logger
        deliveryLogger.handler = PrivacyLogHandler(wrapping: logger.handler)
        services.append(InviteDeliveryService(kring: kring, interval: deliveryInterval, logger: deliveryLogger))
    }
    let group = ServiceGroup(
        services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
    try await group.run()
}
