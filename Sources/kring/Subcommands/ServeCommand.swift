import ArgumentParser
import Foundation
import KringApp
import KringDomain
import KringServer
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `kring serve`: the HTTP service over this database, until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service: the JSON API for tokens' holders and their calendar feeds.",
        discussion: """
            Listens on plain HTTP; put a TLS-terminating proxy in front of it (docs/server.md). Logs go to stderr
            at $KRING_LOG_LEVEL (default info) and never carry names, tokens or addresses. Once bound it prints
            `listening on HOST:PORT` on stdout; --port 0 picks a free port. When mail.transport is set it also
            sends pending invites every --mail-interval seconds, as `kring invites send` does.

            Example:
              kring serve --host 127.0.0.1 --port 8080 --db /var/lib/kring/kring.sqlite
            """
    )

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0 picks a free one).") var port = 8080
    @Option(
        name: .customLong("feed-cache"),
        help: "Seconds a rendered feed is reused for the same token holder (0 renders every request).")
    var feedCacheSeconds = 5
    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "The address of a reverse proxy in front (repeatable); failure limits then count the client it names in "
                + "X-Forwarded-For.", valueName: "address"))
    var trustedProxies: [String] = []
    @Option(
        name: .customLong("idle-timeout"),
        help:
            "Seconds a connection may stay silent (headers not yet complete, or between requests) before it is closed.")
    var idleTimeoutSeconds = 30
    @Option(
        name: .customLong("max-connections"),
        help: "Open connections at most; beyond it new ones wait until one closes.")
    var maximumConnections = 512
    @Option(
        name: .customLong("request-deadline"),
        help: "Seconds a change may wait (for the write lock) before it is given up unbegun, as when its client left.")
    var requestDeadlineSeconds = 120
    @Option(
        name: .customLong("waiting-writes"),
        help: "Changes that may wait for the database at once; beyond it a change gets 503 with Retry-After at once.")
    var waitingWrites = 256
    @Option(
        name: .customLong("mail-interval"),
        help: "Seconds between two runs of invite delivery, when mail.transport is set (0 turns it off).")
    var mailIntervalSeconds = 60
    @Flag(
        name: .customLong("secure-cookies"),
        help: "Mark the pages' session cookie Secure (HTTPS only): set it behind a TLS proxy.")
    var secureCookies = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (0...86_400).contains(mailIntervalSeconds) else {
            throw ValidationError("--mail-interval must be between 0 and 86400 seconds, not \(mailIntervalSeconds)")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        for address in trustedProxies where !Self.isIPAddress(address) {
            throw ValidationError("--trusted-proxy '\(address)' must be an IP address, such as 127.0.0.1")
        }
        guard (1...3_600).contains(idleTimeoutSeconds) else {
            throw ValidationError("--idle-timeout must be between 1 and 3600 seconds, not \(idleTimeoutSeconds)")
        }
        guard (1...100_000).contains(maximumConnections) else {
            throw ValidationError("--max-connections must be between 1 and 100000, not \(maximumConnections)")
        }
        guard (1...3_600).contains(requestDeadlineSeconds) else {
            throw ValidationError(
                "--request-deadline must be between 1 and 3600 seconds, not \(requestDeadlineSeconds)")
        }
        guard (1...10_000).contains(waitingWrites) else {
            throw ValidationError("--waiting-writes must be between 1 and 10000, not \(waitingWrites)")
        }
        guard (0...3_600).contains(feedCacheSeconds) else {
            throw ValidationError("--feed-cache must be between 0 and 3600 seconds, not \(feedCacheSeconds)")
        }
    }

    func run() async throws {
        BacktraceGuard.restartWithoutBacktracesIfNeeded()
        let level =
            ProcessInfo.processInfo.environment["KRING_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        var logger = Logger(label: "kring.server") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = level
        let kring = try Kring.open(
            configuration: database.localConfiguration(because: "it is the service that owns the database"),
            logger: logger)
        var configuration = ServerConfiguration(
            host: host, port: port, feedCacheLifetime: .seconds(feedCacheSeconds), trustedProxies: trustedProxies,
            idleTimeout: .seconds(idleTimeoutSeconds), maximumConnections: maximumConnections,
            requestDeadline: .seconds(requestDeadlineSeconds), waitingWrites: waitingWrites
        ) { host, port in
            // Unbuffered, so a supervisor or test reading the pipe sees it at once.
            FileHandle.standardOutput.write(Data("listening on \(host):\(port)\n".utf8))
        }
        configuration.secureCookies = secureCookies
        do {
            try await runServer(
                kring: kring, configuration: configuration, logger: logger, feeds: LibicalFeedProvider(kring: kring),
                deliveryInterval: mailIntervalSeconds > 0 ? .seconds(mailIntervalSeconds) : nil)
        } catch {
            throw Self.startFailure(error, host: host, port: port)
        }
    }

    /// A failure to listen said the way an operator acts on it (the port and the cause), not as NIO's call site.
    static func startFailure(_ error: any Error, host: String, port: Int) -> any Error {
        let text = String(describing: error)
        let address = "\(host):\(port)"
        if text.contains("Address already in use") {
            return KringError(
                .environment, field: "port", value: address,
                reason: "is already in use by another process; stop it or choose another --port")
        }
        if text.contains("Permission denied") {
            return KringError(
                .environment, field: "port", value: address,
                reason: "may not be opened by this user (ports below 1024 need privileges); choose another --port")
        }
        if text.contains("Cannot assign requested address") {
            return KringError(
                .environment, field: "host", value: host, reason: "is not an address of this machine; check --host")
        }
        return error
    }

    /// Whether `text` is an IPv4 or IPv6 address as the peer of a connection is written (no host names: a proxy's
    /// address must not depend on DNS).
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
