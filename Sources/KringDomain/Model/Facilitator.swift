import Foundation

/// A trained staff member or volunteer who leads or co-leads sessions.
public struct Facilitator: Sendable, Codable, Equatable, Identifiable {
    public var id: Int64?
    /// The name colleagues know them by; facilitators are staff, not participants.
    public var displayName: String
    public var languages: [Language]
    public var canLead: Bool
    public var audiences: [Audience]
    public var maxPerMonth: Int?

    public init(
        id: Int64? = nil, displayName: String, languages: [Language], canLead: Bool, audiences: [Audience],
        maxPerMonth: Int? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.languages = languages
        self.canLead = canLead
        self.audiences = audiences
        self.maxPerMonth = maxPerMonth
    }

    public func validated() throws(KringError) -> Facilitator {
        var facilitator = self
        facilitator.displayName = try TextRules.checked(displayName, field: "name", maximumLength: 60)
        if languages.isEmpty { throw .invalid("languages", "", "name at least one language") }
        if let maxPerMonth { _ = try TextRules.checked(maxPerMonth, field: "max-per-month", in: 1...31) }
        return facilitator
    }
}
