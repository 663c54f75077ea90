/// An e-mail address in the plain `local@domain` form (RFC 5322 dot-atom, ASCII), checked once so no header or
/// SMTP command built from it can carry a line break, a second address or a display name.
public struct MailAddress: Hashable, Sendable, CustomStringConvertible {
    public let localPart: String
    public let domain: String

    public var description: String { "\(localPart)@\(domain)" }

    /// Nil when `text` is not a single plain address; the caller decides how to report it (a recipient address
    /// must not be echoed into an error that may be logged).
    public init?(_ text: String) {
        guard text.utf8.count <= 254, let at = text.lastIndex(of: "@") else { return nil }
        let local = String(text[..<at])
        let domain = String(text[text.index(after: at)...])
        guard Self.isDotAtom(local, allowed: Self.atomCharacters), local.utf8.count <= 64,
            Self.isDotAtom(domain, allowed: Self.domainCharacters), domain.contains("."),
            domain.split(separator: ".").allSatisfy({ !$0.hasPrefix("-") && !$0.hasSuffix("-") && $0.count <= 63 })
        else { return nil }
        self.localPart = local
        self.domain = domain.lowercased()
    }

    private static let domainCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)
    private static let atomCharacters = domainCharacters.union("!#$%&'*+/=?^_`{|}~".utf8)

    private static func isDotAtom(_ text: String, allowed: Set<UInt8>) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return !text.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(allowed.contains) }
    }
}
