/// An e-mail address in the plain `local@domain` form (RFC 5322 dot-atom, ASCII), checked once so no header or
/// SMTP command built from it can carry a line break, a second address or a display name, and so it always becomes a
/// valid `mailto:` URI in an invite. Both the domain (a participant's contact at enrolment) and KringMail (a recipient
/// at delivery) use this one rule, so an address accepted at enrolment never makes an invite fail later.
public struct MailAddress: Hashable, Sendable, CustomStringConvertible {
    public let localPart: String
    public let domain: String

    public var description: String { "\(localPart)@\(domain)" }

    /// Nil when `text` is not a single plain address; the caller decides how to report it (a recipient address
    /// must not be echoed into an error that may be logged).
    public init?(_ text: String) {
        guard case .success(let address) = Self.parse(text) else { return nil }
        self = address
    }

    private init(localPart: String, domain: String) {
        self.localPart = localPart
        self.domain = domain
    }

    /// Why `text` is not a plain address, in words a coordinator can act on (never repeating the address itself).
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static let maximumLength = 254
    public static let maximumLocalPartLength = 64

    /// The address, or the first reason it is not one an invite can carry.
    public static func parse(_ text: String) -> Result<MailAddress, Problem> {
        func problem(_ text: String) -> Result<MailAddress, Problem> { .failure(Problem(description: text)) }
        let invitesNeed = "an invite's mailto: address and the mail header need one plain address"
        guard !text.isEmpty else { return problem("is empty") }
        guard text.utf8.count <= maximumLength else {
            return problem("is longer than \(maximumLength) bytes, the most an e-mail address may have")
        }
        if let space = text.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
            let what = space == " " ? "a space" : "a line break or control character"
            return problem("contains \(what); \(invitesNeed)")
        }
        if let foreign = text.unicodeScalars.first(where: { $0.value > 0x7E }) {
            return problem(
                "contains '\(Character(foreign))'; only ASCII is accepted (letters, digits, and !#$%&'*+-/=?^_`{|}~. "
                    + "before the @), since mailers and calendars do not agree on other characters")
        }
        guard let at = text.lastIndex(of: "@") else {
            return problem("has no @; an e-mail address looks like name@example.org")
        }
        let local = String(text[..<at])
        let domain = String(text[text.index(after: at)...])
        guard !local.isEmpty else { return problem("has nothing before the @") }
        if let bad = local.utf8.first(where: { !atomCharacters.contains($0) && $0 != UInt8(ascii: ".") }) {
            let shown = Character(Unicode.Scalar(bad))
            let why =
                shown == "@"
                ? "more than one @"
                : "'\(shown)' before the @ (a ; or , separates addresses, <> \" and () belong to display names)"
            return problem("contains \(why); \(invitesNeed)")
        }
        guard isDotAtom(local, allowed: atomCharacters) else {
            return problem("has a dot at the start or end of the part before the @, or two dots in a row")
        }
        guard local.utf8.count <= maximumLocalPartLength else {
            return problem("has more than \(maximumLocalPartLength) characters before the @")
        }
        guard !domain.isEmpty else { return problem("has nothing after the @") }
        if let bad = domain.utf8.first(where: { !domainCharacters.contains($0) && $0 != UInt8(ascii: ".") }) {
            return problem(
                "contains '\(Character(Unicode.Scalar(bad)))' after the @; a domain has only letters, digits, "
                    + "hyphens and dots")
        }
        guard isDotAtom(domain, allowed: domainCharacters) else {
            return problem("has a dot at the start or end of the domain, or two dots in a row")
        }
        guard domain.contains(".") else {
            return problem("has no dot in the domain after the @ (such as example.org)")
        }
        guard
            domain.split(separator: ".").allSatisfy({ !$0.hasPrefix("-") && !$0.hasSuffix("-") && $0.count <= 63 })
        else {
            return problem("has a domain label that starts or ends with a hyphen or is longer than 63 characters")
        }
        return .success(MailAddress(localPart: local, domain: domain.lowercased()))
    }

    private static let domainCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)
    private static let atomCharacters = domainCharacters.union("!#$%&'*+/=?^_`{|}~".utf8)

    private static func isDotAtom(_ text: String, allowed: Set<UInt8>) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return !text.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(allowed.contains) }
    }
}
