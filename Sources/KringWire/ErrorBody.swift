import KringDomain

/// The body of every refusal the service sends: `{"error": {"kind", "field", "value", "reason", "message"}}`.
/// `field`, `value` and `reason` are the parts of a `KringError`, so a client rebuilds the error without parsing
/// text; `message` is the same refusal as one line for people. No part ever holds a token, SQL or a stack trace
/// (privacy rule 13): internal failures carry only the generic message.
public struct ErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        /// `KringError.Kind`'s raw value, or one of the service's own: `unauthorized`, `rate_limited`, `busy`,
        /// `too_large`, `method_not_allowed`, `internal`.
        public var kind: String
        /// The option or field refused, as the user knows it; empty when the refusal is about no field.
        public var field: String
        /// The offending value as given (printable, cut to one line); empty when there is none to show.
        public var value: String
        /// Why it was refused, in one sentence.
        public var reason: String
        /// The whole refusal as one human-readable line.
        public var message: String

        public init(kind: String, field: String, value: String, reason: String, message: String) {
            self.kind = kind
            self.field = field
            self.value = value
            self.reason = reason
            self.message = message
        }
    }

    public var error: Detail

    public init(_ error: Detail) { self.error = error }

    /// The application error this body describes, when it is one the caller can act on; nil for the service's own
    /// refusals and for internal failures.
    public var kringError: KringError? {
        guard let kind = KringError.Kind(rawValue: error.kind), kind != .environment else { return nil }
        return KringError(kind, field: error.field, value: error.value, reason: error.reason)
    }
}
