/// Why mail could not be configured or composed: one line naming the field and, where it is not personal, its
/// value, so an operator can fix the setting. Delivery outcomes are not errors but `DeliveryResult`s.
public struct MailError: Error, Hashable, CustomStringConvertible, Sendable {
    private enum Code: Hashable, Sendable {
        case invalidConfiguration
        case passwordUnavailable
        case invalidMessage
    }

    private let code: Code
    /// The setting or message field at fault (`mail.transport`, `recipient`, `calendar`).
    public let field: String
    /// What is wrong, naming the value where that is safe to show (never a recipient address or password).
    public let reason: String

    public var description: String { "\(field): \(reason)" }

    /// A setting of `MailConfiguration` is missing or malformed.
    public var isConfigurationError: Bool { code == .invalidConfiguration || code == .passwordUnavailable }
    /// The invite handed to `MailComposer` cannot become a valid iMIP message.
    public var isMessageError: Bool { code == .invalidMessage }

    static func configuration(_ field: String, _ reason: String) -> MailError {
        MailError(code: .invalidConfiguration, field: field, reason: reason)
    }

    static func password(_ field: String, _ reason: String) -> MailError {
        MailError(code: .passwordUnavailable, field: field, reason: reason)
    }

    static func message(_ field: String, _ reason: String) -> MailError {
        MailError(code: .invalidMessage, field: field, reason: reason)
    }
}
