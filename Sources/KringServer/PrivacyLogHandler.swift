import Foundation
import Logging

/// Wraps the server's log handler and removes anything shaped like an IP address or a token from every message
/// and metadata value, including lines written by Hummingbird and NIO themselves (privacy rule 6). Kring's own
/// lines never carry such values; this is the second line of defence.
public struct PrivacyLogHandler: LogHandler {
    private var inner: any LogHandler

    public init(wrapping inner: any LogHandler) {
        self.inner = inner
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: Self.redacted(event.message.description))
        event.metadata = event.metadata.map { Self.redacted($0) }
        // An error's description is not ours to vouch for; its presence is enough for the log.
        event.error = nil
        inner.log(event: event)
    }

    private static let patterns: [NSRegularExpression] = [
        // IPv4, with or without a port.
        try! NSRegularExpression(pattern: #"\b\d{1,3}(\.\d{1,3}){3}\b"#),
        // IPv6 (two or more hextets joined by colons, including the :: forms).
        try! NSRegularExpression(pattern: #"\[?\b[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}\b\]?"#),
        // Capability tokens: 43 base64url characters.
        try! NSRegularExpression(pattern: #"[A-Za-z0-9_-]{43}"#),
    ]

    static func redacted(_ text: String) -> String {
        var result = text
        for pattern in patterns {
            result = pattern.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "[redacted]")
        }
        return result
    }

    static func redacted(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.mapValues(redacted)
    }

    static func redacted(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(redacted(text))
        case .stringConvertible(let convertible): .string(redacted(convertible.description))
        case .array(let values): .array(values.map(redacted))
        case .dictionary(let values): .dictionary(values.mapValues(redacted))
        }
    }
}
