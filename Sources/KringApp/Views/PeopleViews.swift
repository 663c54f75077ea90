import Foundation
import KringDomain

/// A participant's place in one group.
public struct EnrolmentView: Codable, Sendable, Equatable {
    public let participantId: Int64
    public let pseudonym: String
    public let groupId: Int64
    public let group: String
    public let state: Enrolment.State
    /// 1 for the head of the waitlist; nil unless waitlisted.
    public let waitlistPosition: Int?
}

/// What an enrolment or withdrawal changed: the participant's own enrolments and anyone promoted as a result.
public struct EnrolmentChangeView: Codable, Sendable {
    public let changed: [EnrolmentView]
    public internal(set) var promoted: [EnrolmentView]
    public let erased: Bool
    /// Invites to the erased participant that were still pending (their CANCEL among them): erasure drops them
    /// unsent (privacy rule 9). 0 without erasure.
    public let droppedInvites: Int

    /// The same change without the people promoted from the waitlist, for a caller who may see only themself.
    func withoutPromotions() -> EnrolmentChangeView {
        var view = self
        view.promoted = []
        return view
    }
}

/// A participant without any contact data; coordinators see whether a contact exists, never the address here.
public struct ParticipantView: Codable, Sendable {
    public let id: Int64
    public let pseudonym: String
    public let relation: Relation
    public let language: Language
    public let hasContact: Bool
    public let enrolments: [EnrolmentView]
}

/// A keep-apart mark, with any group where both already are.
public struct KeepApartView: Codable, Sendable {
    public let participants: [String]
    public let participantIds: [Int64]
    public let created: Bool
    public let sharedGroups: [String]
}

public struct FacilitatorView: Codable, Sendable {
    public let id: Int64
    public let name: String
    public let languages: [Language]
    public let lead: Bool
    public let audiences: [Audience]
    public let maxPerMonth: Int?
    /// Whether an invite address is stored (sealed); the address itself is never shown.
    public let hasContact: Bool
}
