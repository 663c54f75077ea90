import Foundation
import KringMail
import KringTestSupport
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Paths, fixtures and real helper processes shared by the mail tests.
enum MailTestSupport {
    static let repositoryRoot = MailServerSupport.repositoryRoot
    static let scripts = MailServerSupport.scripts
    static var python: String? { MailServerSupport.python }

    static let organisation = MailAddress("uitnodigingen@kring.example")!
    static let recipient = MailAddress("canary-7f3a@example.org")!
    static let salt: [UInt8] = Array(0..<32)

    static func temporaryDirectory() throws -> URL { try MailServerSupport.temporaryDirectory() }

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

    static func freePort() -> Int { MailServerSupport.freePort() }

    static func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        try MailServerSupport.waitUntil(seconds: seconds, condition)
    }

    typealias Failure = MailServerSupport.Failure

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Data {
        try MailServerSupport.run(executable, arguments, environment: environment)
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

    static func kill(_ process: Process) { MailServerSupport.kill(process) }
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
