import Foundation

/// A trained staff member or volunteer who leads or co-leads sessions.
public struct Facilitator: Sendable, Codable, Equatable, Identifiable {
    /// Given by the database; a facilitator not stored yet is a `NewFacilitator`.
    public let id: Int64
    /// The name colleagues know them by; facilitators are staff, not participants.
    public var displayName: String
    public var languages: [Language]
    public var canLead: Bool
    public var audiences: [Audience]
    public var maxPerMonth: Int?
    /// The invite address sealed with AES-GCM, as for participants; only the secrets layer opens it.
    public var contactCiphertext: [UInt8]?
    /// HMAC of the normalised address under its own key, to refuse one address for two facilitators.
    public var contactLookup: [UInt8]?
    /// When they left (`kring facilitator retire`): from then on they are in no plan; nil while active.
    public var retiredAt: Date?

    public init(
        id: Int64, displayName: String, languages: [Language], canLead: Bool, audiences: [Audience],
        maxPerMonth: Int? = nil, contactCiphertext: [UInt8]? = nil, contactLookup: [UInt8]? = nil,
        retiredAt: Date? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.languages = languages
        self.canLead = canLead
        self.audiences = audiences
        self.maxPerMonth = maxPerMonth
        self.contactCiphertext = contactCiphertext
        self.contactLookup = contactLookup
        self.retiredAt = retiredAt
    }

    public var isRetired: Bool { retiredAt != nil }

    public var hasContact: Bool { contactCiphertext != nil }
}

/// A facilitator as a coordinator adds them, before the database gives them an id; a contact is sealed only once
/// they have one (the id is bound into the ciphertext).
public struct NewFacilitator: Sendable, Equatable {
    public var displayName: String
    public var languages: [Language]
    public var canLead: Bool
    public var audiences: [Audience]
    public var maxPerMonth: Int?

    public init(
        displayName: String, languages: [Language], canLead: Bool, audiences: [Audience], maxPerMonth: Int? = nil
    ) {
        self.displayName = displayName
        self.languages = languages
        self.canLead = canLead
        self.audiences = audiences
        self.maxPerMonth = maxPerMonth
    }

    public func validated() throws(KringError) -> NewFacilitator {
        var facilitator = self
        facilitator.displayName = try TextRules.checkedName(displayName, field: "name", maximumLength: 60)
        if languages.isEmpty { throw .invalid("languages", "", "name at least one language") }
        if let maxPerMonth { _ = try TextRules.checked(maxPerMonth, field: "max-per-month", in: 1...31) }
        return facilitator
    }
}
