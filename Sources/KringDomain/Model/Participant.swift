import Foundation
import KringAddress

/// A relative taking part in groups, known only by a pseudonym. There is no field for a legal name, by design.
public struct Participant: Sendable, Codable, Equatable, Identifiable {
    /// Given by the database; a participant not stored yet is a `NewParticipant`.
    public let id: Int64
    public var pseudonym: String
    public var relation: Relation
    public var language: Language
    /// The contact address sealed with AES-GCM; only the secrets layer opens it.
    public var contactCiphertext: [UInt8]?
    /// HMAC of the normalised address under its own key, to find duplicates without storing a plain hash.
    public var contactLookup: [UInt8]?
    public var createdAt: Date

    public init(
        id: Int64, pseudonym: String, relation: Relation, language: Language,
        contactCiphertext: [UInt8]? = nil, contactLookup: [UInt8]? = nil, createdAt: Date
    ) {
        self.id = id
        self.pseudonym = pseudonym
        self.relation = relation
        self.language = language
        self.contactCiphertext = contactCiphertext
        self.contactLookup = contactLookup
        self.createdAt = createdAt
    }

    public var hasContact: Bool { contactCiphertext != nil }

    /// Pseudonyms are short readable names: letters, digits, spaces, hyphens and apostrophes, in NFKC, without
    /// invisible characters or words that mix look-alike alphabets (`TextRules.checkedName`). Two pseudonyms that
    /// look the same are one (`TextRules.sameName`).
    public static func checkedPseudonym(_ text: String) throws(KringError) -> String {
        let pseudonym = try TextRules.checkedName(text, field: "pseudonym", maximumLength: 40)
        let allowed = pseudonym.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == " " || $0 == "-" || $0 == "'"
                || $0 == "’" || $0 == "."
        }
        guard allowed, pseudonym.count >= 2 else {
            throw .invalid("pseudonym", text, "use 2 to 40 letters, digits, spaces, hyphens or apostrophes")
        }
        if !pseudonym.contains(where: \.isLetter) {
            throw .invalid("pseudonym", text, "must contain a letter, so it is never mistaken for an id")
        }
        return pseudonym
    }

    /// A contact is an e-mail address, checked with the very rule invite delivery applies (`MailAddress`): one
    /// plain ASCII `local@domain` that becomes a valid `mailto:`. An address such as `x;y@example.org` used to be
    /// accepted here and then made every invite export fail; now it is refused at enrolment with the reason.
    public static func checkedContact(_ text: String, field: String = "contact") throws(KringError) -> String {
        let address = try TextRules.checked(text, field: field, maximumLength: MailAddress.maximumLength)
        switch MailAddress.parse(address) {
        case .success: return address
        case .failure(let problem):
            throw .invalid(field, text, "\(problem); use one e-mail address such as name@example.org")
        }
    }
}

/// A participant as enrolment first records them, before the database gives them an id. Their contact is sealed
/// only once they have one (the id is bound into the ciphertext), so a new participant carries none.
public struct NewParticipant: Sendable, Equatable {
    public var pseudonym: String
    public var relation: Relation
    public var language: Language
    public var createdAt: Date

    public init(pseudonym: String, relation: Relation, language: Language, createdAt: Date) {
        self.pseudonym = pseudonym
        self.relation = relation
        self.language = language
        self.createdAt = createdAt
    }
}
