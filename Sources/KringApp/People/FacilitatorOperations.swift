import Foundation
import KringDomain
import KringSecrets
import KringStorage

/// A facilitator as a coordinator registers them.
public struct FacilitatorRequest: Sendable, Codable {
    public var name: String
    public var languages: String
    public var lead: Bool
    public var audiences: String?
    public var maxPerMonth: Int?
    /// An e-mail address for calendar invites; stored sealed, like a participant's.
    public var contact: String?

    public init(
        name: String, languages: String, lead: Bool, audiences: String? = nil, maxPerMonth: Int? = nil,
        contact: String? = nil
    ) {
        self.name = name
        self.languages = languages
        self.lead = lead
        self.audiences = audiences
        self.maxPerMonth = maxPerMonth
        self.contact = contact
    }
}

extension Kring {
    /// `kring facilitator add`: audiences default to all of them.
    public func addFacilitator(_ request: FacilitatorRequest) throws(KringError) -> FacilitatorView {
        try write { (operation) throws(KringError) in try operation.addFacilitator(request) }
    }

    public func listFacilitators() throws(KringError) -> [FacilitatorView] {
        try read { (operation) throws(KringError) in try operation.listFacilitators() }
    }
}

extension KringTransaction {
    /// `kring facilitator add`: audiences default to all of them.
    func addFacilitator(_ request: FacilitatorRequest) throws(KringError) -> FacilitatorView {
        try transaction.addFacilitator(request, sealer: sealer, keyFile: keyFile, now: now)
    }

    func listFacilitators() throws(KringError) -> [FacilitatorView] {
        try transaction.allFacilitators().map(transaction.view(of:))
    }
}

extension StoreTransaction {
    func addFacilitator(
        _ request: FacilitatorRequest, sealer: ContactSealer?, keyFile: KeyFile, now: Date
    ) throws(KringError) -> FacilitatorView {
        if Int64(request.name.trimmingCharacters(in: .whitespaces)) != nil {
            throw .invalid("name", request.name, "must contain a letter, so it is never mistaken for an id")
        }
        let facilitator = try NewFacilitator(
            displayName: request.name,
            languages: try Language.parseList(request.languages, field: "languages"),
            canLead: request.lead,
            audiences: try request.audiences.map { (text) throws(KringError) in
                try Audience.parseList(text, field: "audiences")
            } ?? Audience.allCases,
            maxPerMonth: request.maxPerMonth
        ).validated()
        let contact = try request.contact.map { (text) throws(KringError) in try Participant.checkedContact(text) }
        // As people read them: case, accents and look-alike letters make no other name (`TextRules.sameName`).
        if try allFacilitators().contains(where: {
            TextRules.sameName($0.displayName, facilitator.displayName)
        }) {
            throw .conflict(
                "name", request.name, "another facilitator already has this name, or one that looks the same")
        }
        var stored = try insert(facilitator)
        if let contact {
            stored = try changeContact(of: stored, to: .set(contact), sealer: sealer, keyFile: keyFile, now: now)
        }
        return view(of: stored)
    }
}
