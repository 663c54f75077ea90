import Foundation
import KringMail
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Paths, fixtures and real helper processes shared by the mail tests.
enum MailTestSupport {
    /// `<root>/Tests/KringMailTests/MailTestSupport.swift`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let scripts = repositoryRoot.appendingPathComponent("Tests/KringMailTests/Scripts")

    /// The venv interpreter with aiosmtpd and icalendar (`make venv`; `make test` sets it).
    static var python: String? {
        guard let path = ProcessInfo.processInfo.environment["KRING_PYTHON"], !path.isEmpty else { return nil }
        return path
    }

    static let organisation = MailAddress("uitnodigingen@kring.example")!
    static let recipient = MailAddress("canary-7f3a@example.org")!
    static let salt: [UInt8] = Array(0..<32)

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kring-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A REQUEST or CANCEL for one recipient as KringCalendar renders it: CRLF, a VTIMEZONE, a folded line,
    /// a non-ASCII pseudonym as the attendee's CN and a non-ASCII venue.
    static func calendar(method: String, recipient: MailAddress, attendee: String? = nil) -> String {
        let attendee = attendee ?? "mailto:\(recipient)"
        let lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Kring//Kring//NL",
            "METHOD:\(method)",
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Brussels",
            "BEGIN:STANDARD",
            "DTSTART:19701025T030000",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:19700329T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            "UID:0b4c1f8e-5a7d-4c55-9a51-2f0d7c1e9a11@kring.invalid",
            "DTSTAMP:20260301T090000Z",
            "SEQUENCE:0",
            "DTSTART;TZID=Europe/Brussels:20260310T193000",
            "DTEND;TZID=Europe/Brussels:20260310T210000",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=10",
            "SUMMARY:Groepsgesprek – ontmoeting",
            "LOCATION:Rue de l’Église 12\\, Liège",
            "ORGANIZER:mailto:uitnodigingen@kring.example",
            "ATTENDEE;CN=Zoë Lefèvre-Ødegård;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:",
            " \(attendee)",
            method == "CANCEL" ? "STATUS:CANCELLED" : "STATUS:CONFIRMED",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func invite(
        id: String = "outbox-41",
        method: InviteMethod = .request,
        recipient: MailAddress = recipient,
        language: MailLanguage = .nl,
        calendar: String? = nil
    ) -> InviteMail {
        InviteMail(
            outboxMessageID: id,
            recipient: recipient,
            language: language,
            method: method,
            calendar: calendar ?? Self.calendar(method: method.rawValue, recipient: recipient),
            title: "Groepsgesprek – ontmoeting",
            start: Date(timeIntervalSince1970: 1_773_167_400),  // 2026-03-10 18:30 UTC = 19:30 in Brussels
            end: Date(timeIntervalSince1970: 1_773_172_800),
            timeZone: TimeZone(identifier: "Europe/Brussels")!,
            location: "Rue de l’Église 12, Liège"
        )
    }

    static func composer() throws -> MailComposer {
        try MailComposer(from: organisation, messageIDSalt: salt)
    }

    static let fixedDate = Date(timeIntervalSince1970: 1_772_355_600)

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it).
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, streamSocket, 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `condition` until it holds or `seconds` pass; deliveries are awaited this way, never slept on.
    static func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a program to completion and returns its stdout; throws with its output when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        let stdout = try Data(contentsOf: out)
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: try Data(contentsOf: err), as: UTF8.self)
            throw Failure(description: "\(executable) \(arguments) exit \(process.terminationStatus): \(stderr)")
        }
        return stdout
    }

    /// What `Scripts/check_mail.py` reads out of a delivered message with Python's strict email parser.
    struct CheckedMail: Decodable {
        struct Attendee: Decodable {
            let address: String
            let cn: String?
        }
        let from: String
        let to: [String]
        let cc: [String]
        let bcc: [String]
        let subject: String
        let messageID: String
        let date: String
        let autoSubmitted: String
        let mimeVersion: String
        let contentType: String
        let text: String
        let calendarParts: Int
        let mimeMethod: String?
        let mimeCharset: String?
        let icalMethod: String
        let attendees: [Attendee]
        let summary: String
        let location: String
        let defects: [String]
        let bareLineFeeds: Int
        let longestLine: Int
        let nonASCIIBytes: Int
    }

    static func check(_ file: URL) throws -> CheckedMail {
        guard let python else { throw Failure(description: "KRING_PYTHON is not set") }
        let output = try run(python, [scripts.appendingPathComponent("check_mail.py").path, file.path])
        return try JSONDecoder().decode(CheckedMail.self, from: output)
    }

    /// A self-signed certificate for 127.0.0.1 (cert.pem, key.pem) in a new folder, made by the openssl tool.
    static func loopbackCertificate() throws -> URL {
        let directory = try temporaryDirectory()
        try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", directory.appendingPathComponent("key.pem").path,
                "-out", directory.appendingPathComponent("cert.pem").path,
            ]
        )
        return directory
    }

    static func kill(_ process: Process) {
        guard process.isRunning else { return }
        _ = sendSignal(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// `Scripts/scripted_smtp.py` in one mode, on a port of its choosing on 127.0.0.1.
final class ScriptedSMTPServer {
    let directory: URL
    let port: Int
    private let process: Process

    init(mode: String, certificates: URL? = nil) throws {
        guard let python = MailTestSupport.python else { throw MailTestSupport.Failure(description: "no python") }
        directory = try MailTestSupport.temporaryDirectory()
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [MailTestSupport.scripts.appendingPathComponent("scripted_smtp.py").path, mode, directory.path]
            + (certificates.map { [$0.path] } ?? [])
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let portFile = directory.appendingPathComponent("port")
        let directory = directory
        guard
            MailTestSupport.waitUntil(
                seconds: 30,
                { [process] in FileManager.default.fileExists(atPath: portFile.path) || !process.isRunning }
            ),
            let port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap({ Int($0) })
        else {
            MailTestSupport.kill(process)
            let said = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
            throw MailTestSupport.Failure(description: "the scripted SMTP server did not start: \(said)")
        }
        self.port = port
    }

    deinit {
        MailTestSupport.kill(process)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The accepted messages, in order of arrival.
    var messages: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }
            .sorted { Int($0.dropFirst(4).dropLast(4))! < Int($1.dropFirst(4).dropLast(4))! }
            .map { directory.appendingPathComponent($0) }
    }

    struct Envelope: Decodable {
        let mail_from: String
        let rcpt_tos: [String]
    }

    func envelope(of message: URL) throws -> Envelope {
        let url = message.deletingPathExtension().appendingPathExtension("json")
        return try JSONDecoder().decode(Envelope.self, from: Data(contentsOf: url))
    }

    var connections: Int { lines(in: "connections") }
    var closed: Int { lines(in: "closed") }

    private func lines(in name: String) -> Int {
        let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }
}

/// Keeps every log line and its metadata, to prove no address or subject reaches the logs.
final class LogCollector: Sendable {
    private let box = Mutex<[String]>([])
    var lines: [String] { box.withLock { $0 } }

    func append(_ line: String) { box.withLock { $0.append(line) } }

    var logger: Logger {
        var logger = Logger(label: "kring.mail.test") { _ in CollectingLogHandler(collector: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CollectingLogHandler: LogHandler {
    let collector: LogCollector
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        collector.append("\(event.level) \(event.message) \(all)")
    }
}

#if canImport(Glibc)
    private let sendSignal = Glibc.kill
    let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
    private let sendSignal = Darwin.kill
    let streamSocket = SOCK_STREAM
#endif
