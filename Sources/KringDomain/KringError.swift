/// An error a user can act on: which field, which value, and why it was refused.
///
/// Every refusal in Kring is one of these, so the CLI can print one line and the HTTP service one JSON shape.
public struct KringError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is; the CLI maps it to an exit code, the service to a status.
    public enum Kind: String, Sendable, Codable {
        /// The value is malformed or outside what Kring accepts.
        case invalidInput = "invalid_input"
        /// No object with that id or name exists (or the caller may not see it).
        case notFound = "not_found"
        /// The value is well-formed but clashes with the current state (duplicate, capacity, keep-apart).
        case conflict
        /// Something outside the user's input failed (key file, database); the reason says what to do.
        case environment
        /// The caller's role may not do this at all (an object out of scope is `notFound` instead).
        case forbidden
    }

    public let kind: Kind
    /// The option or field the user gave, as they know it: `rrule`, `group`, `start`, `capacity`.
    public let field: String
    /// The offending value, as given (truncated to keep the line readable).
    public let value: String
    /// Why it was refused, in one sentence a coordinator understands.
    public let reason: String

    public init(_ kind: Kind, field: String, value: String, reason: String) {
        self.kind = kind
        self.field = field
        self.value = KringError.printable(value)
        self.reason = reason
    }

    /// The reason storage gives when another connection held the write lock past the busy timeout; the service
    /// answers it with 503 and Retry-After rather than as its own failure.
    public static let databaseBusyReason = "the database is busy; try again in a moment"

    /// Whether this is the database staying locked by another writer past the busy timeout.
    public var isDatabaseBusy: Bool { kind == .environment && reason == Self.databaseBusyReason }

    public static func invalid(_ field: String, _ value: String, _ reason: String) -> KringError {
        KringError(.invalidInput, field: field, value: value, reason: reason)
    }

    public static func notFound(_ field: String, _ value: String, _ reason: String) -> KringError {
        KringError(.notFound, field: field, value: value, reason: reason)
    }

    public static func conflict(_ field: String, _ value: String, _ reason: String) -> KringError {
        KringError(.conflict, field: field, value: value, reason: reason)
    }

    public static func forbidden(_ role: String) -> KringError {
        KringError(.forbidden, field: "role", value: role, reason: "this token's role may not do this")
    }

    /// Whether the action itself is not allowed for the caller's role.
    public var isForbidden: Bool { kind == .forbidden }

    public var description: String { "\(field) '\(value)': \(reason)" }

    /// Control characters are shown escaped and long values cut, so the error stays one readable line.
    static func printable(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
            if out.count > 80 { return String(out.prefix(80)) + "…" }
        }
        return out
    }
}
