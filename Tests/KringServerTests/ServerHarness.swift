import Foundation
import Hummingbird
import KringApp
import KringBusyParsing
import KringDomain
import KringSecrets
import KringServer
import Logging
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Every log line the server wrote during one test, at trace level (privacy rule 6 is checked against these).
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }
}

struct CaptureHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(event.message) \(rendered) \(event.error.map { "\($0)" } ?? "")")
    }
}

/// An HTTP answer, read whole.
struct Reply: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    func object() throws -> [String: Any] {
        guard let value = try json() as? [String: Any] else { throw HarnessError("not an object: \(text)") }
        return value
    }
    func array() throws -> [[String: Any]] {
        guard let value = try json() as? [[String: Any]] else { throw HarnessError("not an array: \(text)") }
        return value
    }
}

/// A real Kring database in a temporary folder, and the real service over it on 127.0.0.1 (port 0).
final class ServerHarness: @unchecked Sendable {
    static let now = "2026-12-01T09:00:00Z"
    let folder: URL
    let configuration: KringConfiguration
    let kring: Kring
    let logs = LogCapture()
    private(set) var port = 0
    private var task: Task<Void, any Error>?
    let session: URLSession

    /// - Parameter clock: "now" for the application; by default fixed at `ServerHarness.now`.
    init(
        busyCalendarParser: any BusyCalendarParser = InProcessBusyCalendarParser(),
        clock: (@Sendable () -> Date)? = nil, busyTimeoutSeconds: Double = 30
    ) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kring-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let instant = ISO8601DateFormatter().date(from: Self.now)!
        var configuration = KringConfiguration(
            databasePath: folder.appendingPathComponent("kring.sqlite").path,
            keyFile: KeyFile(path: folder.appendingPathComponent("key").path), clock: clock ?? { instant },
            busyCalendarParser: busyCalendarParser)
        configuration.busyTimeoutSeconds = busyTimeoutSeconds
        self.configuration = configuration
        _ = try Kring.initialise(
            configuration: configuration, logger: Logger(label: "init") { _ in SwiftLogNoOpLogHandler() })
        let capture = logs
        var logger = Logger(label: "kring.test") { _ in CaptureHandler(capture: capture) }
        logger.logLevel = .trace
        kring = try Kring.open(configuration: configuration, logger: logger)
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.httpMaximumConnectionsPerHost = 64
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessionConfiguration.urlCache = nil
        sessionConfiguration.timeoutIntervalForRequest = 120
        session = URLSession(configuration: sessionConfiguration)
    }

    deinit {
        task?.cancel()
        try? FileManager.default.removeItem(at: folder)
    }

    var logger: Logger {
        let capture = logs
        var logger = Logger(label: "kring.server") { _ in CaptureHandler(capture: capture) }
        logger.logLevel = .trace
        return logger
    }

    /// Starts the app built by `buildApplication` and waits until it is bound.
    func start(_ adjust: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0) { _, port in continuation.yield(port) }
        adjust(&configuration)
        let app = buildApplication(kring: kring, configuration: configuration, logger: logger)
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        for await bound in stream {
            port = bound
            break
        }
    }

    func stop() async {
        task?.cancel()
        _ = await task?.result
        task = nil
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func request(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, raw: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        if let json, method != "GET" {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let raw {
            request.httpBody = raw
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw HarnessError("no HTTP response") }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key] = value }
        }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    func token(_ role: Role, _ subject: String? = nil) throws -> String {
        try kring.issueToken(TokenRequest(role: role, subject: subject)).token
    }

    // MARK: A scenario with two groups that must not see each other

    struct World {
        let groupA: GroupView
        let groupB: GroupView
        let sessionA: SessionView
        let sessionB: SessionView
        /// Pseudonyms enrolled in A, and in B.
        let pseudonymsA: [String]
        let pseudonymsB: [String]
        let participantA: EnrolmentView
        let participantB: EnrolmentView
        let facilitatorA: FacilitatorView
        let facilitatorB: FacilitatorView
        let canary: String
    }

    func seedWorld() throws -> World {
        func group(_ name: String) throws -> GroupView {
            let group = try kring.createGroup(
                GroupChanges(name: name, audience: "partners", language: "nl", capacity: 10, venue: "Gent"))
            _ = try kring.addSeries(
                SeriesRequest(
                    group: name, start: "2027-01-12T19:00", durationMinutes: 120, rrule: "FREQ=WEEKLY;COUNT=4"))
            return try kring.openGroup(String(group.id))
        }
        let groupA = try group("avond-a")
        let groupB = try group("avond-b")
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        let a1 = try kring.enrol(
            EnrolmentRequest(group: "avond-a", pseudonym: "Stille Eik", relation: "partner", contact: canary))
        let a2 = try kring.enrol(EnrolmentRequest(group: "avond-a", pseudonym: "Blauwe Reiger", relation: "parent"))
        let b1 = try kring.enrol(EnrolmentRequest(group: "avond-b", pseudonym: "Rode Vos", relation: "partner"))
        let b2 = try kring.enrol(EnrolmentRequest(group: "avond-b", pseudonym: "Groene Specht", relation: "friend"))
        let facilitatorA = try kring.addFacilitator(FacilitatorRequest(name: "An Claes", languages: "nl", lead: true))
        let facilitatorB = try kring.addFacilitator(
            FacilitatorRequest(name: "Bart Peeters", languages: "nl", lead: true))
        let sessionA = try kring.listSessions(group: "avond-a", from: nil, to: nil)[0]
        let sessionB = try kring.listSessions(group: "avond-b", from: nil, to: nil)[0]
        _ = try kring.setAssignment(session: String(sessionA.id), facilitator: "An Claes", pin: true, lead: true)
        _ = try kring.setAssignment(session: String(sessionB.id), facilitator: "Bart Peeters", pin: true, lead: true)
        return World(
            groupA: groupA, groupB: groupB, sessionA: sessionA, sessionB: sessionB,
            pseudonymsA: [a1.pseudonym, a2.pseudonym], pseudonymsB: [b1.pseudonym, b2.pseudonym], participantA: a1,
            participantB: b1, facilitatorA: facilitatorA, facilitatorB: facilitatorB, canary: canary)
    }

    /// Privacy rule 6: nothing personal, no token and no IPv4 address in any captured line.
    func expectCleanLogs(secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let text = logs.text
        #expect(!text.isEmpty, "no log lines were captured", sourceLocation: sourceLocation)
        for secret in secrets where !secret.isEmpty {
            #expect(!text.contains(secret), "log contains '\(secret)'", sourceLocation: sourceLocation)
            // As a URI would carry it ("Stille%20Eik"), which the redactor does not recognise.
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                #expect(!text.contains(encoded), "log contains '\(encoded)'", sourceLocation: sourceLocation)
            }
        }
        // The redacting handler is a safety net: no line but Hummingbird's own start-up line (the listening address,
        // the server's not a client's) ever gives it anything to strip.
        let redactedLines = text.split(separator: "\n").filter {
            $0.contains("[redacted]") && !$0.hasPrefix("info Server started and listening on [redacted]:")
        }
        #expect(redactedLines.isEmpty, "lines reached the redactor: \(redactedLines)", sourceLocation: sourceLocation)
        #expect(!text.contains("canary-"), sourceLocation: sourceLocation)
        let ipv4 = try! NSRegularExpression(pattern: #"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"#)
        let found = ipv4.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        #expect(found == nil, "log contains an IPv4 address", sourceLocation: sourceLocation)
    }
}
