import Crypto
import Foundation

/// A complete RFC 5322 message for exactly one recipient, ready for any `MailTransport`.
public struct OutgoingMail: Sendable, Hashable {
    /// `<…@domain>`, stable for one outbox message; safe to log (it names no person).
    public let messageID: String
    /// The SMTP envelope sender (MAIL FROM): the organisation's role address.
    public let envelopeSender: MailAddress
    /// The one envelope recipient (RCPT TO); equal to the To header. Never log it.
    public let recipient: MailAddress
    /// The message, CRLF lines of at most 998 octets, 7-bit.
    public let data: [UInt8]

    public init(messageID: String, envelopeSender: MailAddress, recipient: MailAddress, data: [UInt8]) {
        self.messageID = messageID
        self.envelopeSender = envelopeSender
        self.recipient = recipient
        self.data = data
    }
}

/// Turns an `InviteMail` into an iMIP message (RFC 6047): a short localised text part and the calendar as
/// `text/calendar; method=…`, From the role address, To the one recipient, nothing in Cc or Bcc.
public struct MailComposer: Sendable {
    public let from: MailAddress
    public let organisationText: [MailLanguage: String]
    private let salt: SymmetricKey

    /// The largest calendar accepted; a per-recipient invite is a few kilobytes.
    public static let maximumCalendarSize = 1 << 20

    /// `messageIDSalt`: random bytes kept per installation (at least 16), so Message-IDs are stable per outbox
    /// message but reveal nothing about outbox ids or volume.
    public init(configuration: MailConfiguration, messageIDSalt: [UInt8]) throws(MailError) {
        try self.init(
            from: configuration.from, organisationText: configuration.organisationText, messageIDSalt: messageIDSalt)
    }

    public init(from: MailAddress, organisationText: [MailLanguage: String] = [:], messageIDSalt: [UInt8])
        throws(MailError)
    {
        guard messageIDSalt.count >= 16 else {
            throw .configuration("messageIDSalt", "must be at least 16 random bytes, got \(messageIDSalt.count)")
        }
        self.from = from
        self.organisationText = organisationText
        self.salt = SymmetricKey(data: messageIDSalt)
    }

    /// The Message-ID the message for `outboxMessageID` gets, the same on every retry.
    public func messageID(for outboxMessageID: String) -> String {
        "<\(digest("message-id", outboxMessageID))@\(from.domain)>"
    }

    /// Builds the message; `date` is its Date header (inject the clock). Throws when the calendar's METHOD is
    /// missing or differs from `invite.method` (Outlook refuses such a message), or when the calendar names an
    /// attendee other than the recipient.
    public func compose(_ invite: InviteMail, date: Date) throws(MailError) -> OutgoingMail {
        let calendarLines = try Self.checkedCalendarLines(invite)
        let messageID = messageID(for: invite.outboxMessageID)
        let boundary = "=_kring_\(digest("boundary", invite.outboxMessageID))"
        let title = Self.singleLine(invite.title, limit: 200)

        var text = MailWording.opening(invite.method, language: invite.language) + "\n\n"
        let labels = MailWording.labels(invite.language)
        text += "\(labels.what)\(title)\n"
        text += labels.when
        text += MailWording.when(
            start: invite.start, end: invite.end, timeZone: invite.timeZone, language: invite.language)
        text += "\n"
        if let location = invite.location.map({ Self.singleLine($0, limit: 300) }), !location.isEmpty {
            text += "\(labels.where)\(location)\n"
        }
        text += "\n"
        text += organisationText[invite.language] ?? MailWording.defaultOrganisationText(invite.language)

        let calendarBody: String
        let calendarEncoding: String
        if calendarLines.allSatisfy({ MIME.isPlainASCII($0) && $0.utf8.count <= 998 }) {
            calendarBody = calendarLines.map { $0 + MIME.crlf }.joined()
            calendarEncoding = "7bit"
        } else {
            calendarBody = MIME.base64Body(Array(calendarLines.map { $0 + MIME.crlf }.joined().utf8))
            calendarEncoding = "base64"
        }

        var lines: [String] = [
            MIME.header("From", from.description),
            MIME.header("To", invite.recipient.description),
            MIME.header("Subject", MailWording.subject(invite.method, title: title, language: invite.language)),
            MIME.header("Date", Self.rfc5322Date(date)),
            MIME.header("Message-ID", messageID),
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "Content-Language: \(invite.language.rawValue)",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
        ]
        var message = lines.joined(separator: MIME.crlf) + MIME.crlf + MIME.quotedPrintable(text)
        lines = [
            "--\(boundary)",
            "Content-Type: text/calendar; method=\(invite.method.rawValue); charset=UTF-8",
            "Content-Transfer-Encoding: \(calendarEncoding)",
            "",
        ]
        message += lines.joined(separator: MIME.crlf) + MIME.crlf + calendarBody
        message += "--\(boundary)--" + MIME.crlf
        // A 7bit calendar line that happened to equal the boundary would cut the message short.
        if calendarEncoding == "7bit", calendarLines.contains(where: { $0.hasPrefix("--\(boundary)") }) {
            throw .message("calendar", "contains the MIME boundary")
        }
        return OutgoingMail(
            messageID: messageID,
            envelopeSender: from,
            recipient: invite.recipient,
            data: Array(message.utf8)
        )
    }

    private func digest(_ purpose: String, _ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(purpose)\u{0}\(value)".utf8), using: salt)
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The calendar as physical lines without terminators, after checking what the mail promises about it.
    static func checkedCalendarLines(_ invite: InviteMail) throws(MailError) -> [String] {
        guard invite.calendar.utf8.count <= maximumCalendarSize else {
            throw .message("calendar", "is larger than \(maximumCalendarSize) bytes")
        }
        var physical = invite.calendar.replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while physical.last?.isEmpty == true { physical.removeLast() }
        guard !physical.contains(where: { $0.contains("\r") || $0.contains("\0") }) else {
            throw .message("calendar", "holds a bare CR or NUL")
        }
        // Content lines, unfolded (RFC 5545 3.1), for reading properties.
        var logical: [String] = []
        for line in physical {
            if let first = line.first, first == " " || first == "\t", !logical.isEmpty {
                logical[logical.count - 1] += line.dropFirst()
            } else {
                logical.append(line)
            }
        }
        guard logical.first?.uppercased() == "BEGIN:VCALENDAR" else {
            throw .message("calendar", "does not start with BEGIN:VCALENDAR")
        }
        var depth = 0
        var methods: [String] = []
        let recipient = "mailto:\(invite.recipient)".lowercased()
        for line in logical {
            let (name, value) = property(line)
            switch name {
            case "BEGIN": depth += 1
            case "END": depth -= 1
            case "METHOD" where depth == 1: methods.append(value.trimmingCharacters(in: .whitespaces))
            case "ATTENDEE":
                // Never the value itself in the error: it is somebody's address.
                guard value.lowercased() == recipient else {
                    throw .message("calendar", "names an ATTENDEE other than the recipient; refused to send it")
                }
            default: break
            }
        }
        guard methods.count == 1, let method = methods.first else {
            throw .message("calendar", "must carry exactly one METHOD line, found \(methods.count)")
        }
        guard method.uppercased() == invite.method.rawValue else {
            throw .message(
                "calendar",
                "METHOD:\(method) does not match the message's method=\(invite.method.rawValue); Outlook refuses that"
            )
        }
        return physical
    }

    /// Splits a content line into its upper-cased name and its value, skipping parameters, whose quoted values
    /// may themselves hold a colon.
    private static func property(_ line: String) -> (name: String, value: String) {
        var nameEnd: String.Index?
        var inQuotes = false
        for index in line.indices {
            let character = line[index]
            if character == "\"" { inQuotes.toggle() }
            if !inQuotes, nameEnd == nil, character == ";" { nameEnd = index }
            if !inQuotes, character == ":" {
                let name = line[..<(nameEnd ?? index)].uppercased()
                return (name, String(line[line.index(after: index)...]))
            }
        }
        return (line.uppercased(), "")
    }

    /// One line of text, control characters (line breaks included) turned into spaces, at most `limit` characters.
    static func singleLine(_ text: String, limit: Int) -> String {
        let cleaned = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" ? " " : $0 }
            )
        )
        return String(cleaned.trimmingCharacters(in: .whitespaces).prefix(limit))
    }

    static func rfc5322Date(_ date: Date) -> String {
        DateFormatters.shared.string(from: date, key: "rfc5322") {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
            return formatter
        }
    }
}
