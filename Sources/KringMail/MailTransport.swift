/// What became of one message, for the outbox to record: sent, retry later, give up, or stop and tell the
/// operator. Every text here is scrubbed of e-mail addresses, so it may be stored and logged.
public enum DeliveryResult: Sendable, Hashable {
    /// Accepted by the next hop; its final reply ("250 2.0.0 Ok: queued as 4F2A1").
    case sent(serverReply: String)
    /// Try again later: a 4xx reply, the server down or unreachable, a timeout.
    case temporaryFailure(reason: String)
    /// Do not retry this message: a 5xx reply to it.
    case permanentFailure(reason: String)
    /// No message can go until the operator acts: STARTTLS missing, login refused, bad URL or certificate,
    /// sendmail missing. Nothing was sent.
    case configurationError(reason: String)

    public var isSent: Bool {
        if case .sent = self { return true }
        return false
    }

    /// The kind alone, for logs and metrics: `sent`, `temporary`, `permanent`, `configuration`.
    public var kind: String {
        switch self {
        case .sent: "sent"
        case .temporaryFailure: "temporary"
        case .permanentFailure: "permanent"
        case .configurationError: "configuration"
        }
    }
}

/// Something that delivers composed messages: SMTP, sendmail, or a fake in tests of the outbox.
public protocol MailTransport: Sendable {
    /// Delivers `mails` in order, one result per message, in the same order. A transport may reuse one
    /// connection for the batch; a failure of one message does not stop the others, except a
    /// `configurationError`, after which the rest get the same result unsent.
    func send(_ mails: [OutgoingMail]) async -> [DeliveryResult]
}

extension MailTransport {
    public func send(_ mail: OutgoingMail) async -> DeliveryResult {
        await send([mail]).first ?? .temporaryFailure(reason: "the transport returned no result")
    }
}

/// Makes server replies and tool output safe to store and log: anything that looks like an address goes,
/// control characters go, and the length is bounded.
enum ReplyScrubber {
    static func scrub(_ text: String, limit: Int = 300) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).map { word in
            word.contains("@") ? "[address]" : String(word)
        }
        let joined = words.joined(separator: " ")
        let visible = String(
            String.UnicodeScalarView(joined.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        return visible.count > limit ? String(visible.prefix(limit)) + "…" : visible
    }
}
