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
    /// A re-enrolment into a group they had left: the same participant and enrolment record came back (a seat if
    /// one is free, else the end of the waitlist), not a new person.
    public internal(set) var restored: Bool? = nil
    /// After an enrolment only: stored assignments of a facilitator who knows this participant to the group's
    /// upcoming sessions, which the enrolment has put in conflict (nothing is re-planned by it).
    public internal(set) var conflicts: [AssignmentConflict]? = nil
}

/// What an enrolment or withdrawal changed: the participant's own enrolments and anyone promoted as a result.
public struct EnrolmentChangeView: Codable, Sendable {
    public let changed: [EnrolmentView]
    public internal(set) var promoted: [EnrolmentView]
    public let erased: Bool
    /// Invites to the erased participant that were still pending (their CANCEL among them): erasure drops them
    /// unsent (privacy rule 9). 0 without erasure.
    public let droppedInvites: Int
    /// People the waitlist skipped because of a keep-apart mark; they keep their place.
    public internal(set) var heldBack: [HeldBackView] = []

    /// The same change without the people promoted from the waitlist, for a caller who may see only themself.
    func withoutPromotions() -> EnrolmentChangeView {
        var view = self
        view.promoted = []
        view.heldBack = []
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
    /// For each group both are already active in: who should move (the later arrival). Nothing is moved for them.
    public var conflicts: [KeepApartConflictView] = []
    /// True when this answer is for `--remove` and a mark was removed.
    public var removed: Bool = false
}

/// Two people marked apart who are both active in one group: the coordinator decides; Kring names the later one.
public struct KeepApartConflictView: Codable, Sendable, Equatable {
    public let groupId: Int64
    public let group: String
    public let stayingId: Int64
    public let staying: String
    public let moveId: Int64
    public let move: String
}

/// One stored keep-apart mark, as `kring participant keep-apart --list` shows it.
public struct KeepApartMarkView: Codable, Sendable, Equatable {
    public let participantIds: [Int64]
    public let participants: [String]
    /// Groups both are active in (enrolled or waiting): each one is a conflict to resolve.
    public let sharedGroups: [String]
}

/// Someone the waitlist could not promote because they are marked apart from someone enrolled in that group;
/// they keep their place in the queue.
public struct HeldBackView: Codable, Sendable, Equatable {
    public let participantId: Int64
    public let pseudonym: String
    public let group: String
    public let keptApartFromId: Int64
    public let keptApartFrom: String
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
    /// True once `kring facilitator retire` took them out of all planning.
    public var retired: Bool = false
}

/// One participant as `kring participant show` prints it: what is stored about them, their groups and where each
/// meets. `contact` is the opened address, only when a coordinator asked for it; else it is absent.
public struct ParticipantDetailView: Codable, Sendable {
    public let id: Int64
    public let pseudonym: String
    public let relation: Relation
    public let language: Language
    public let hasContact: Bool
    public let contact: String?
    public let enrolments: [EnrolmentView]
    public let places: [ParticipantPlaceView]

    /// What a participant sees of themself: never the address, and where a group meets only once seated.
    func forParticipant() -> ParticipantDetailView {
        ParticipantDetailView(
            id: id, pseudonym: pseudonym, relation: relation, language: language, hasContact: hasContact,
            contact: nil, enrolments: enrolments,
            places: places.map { place in
                let seated = place.state == .enrolled || place.state == .completed
                return ParticipantPlaceView(
                    groupId: place.groupId, group: place.group, state: place.state,
                    venue: seated ? place.venue : nil, online: seated ? place.online : nil)
            })
    }
}

/// Where one of a participant's groups meets.
public struct ParticipantPlaceView: Codable, Sendable, Equatable {
    public let groupId: Int64
    public let group: String
    public let state: Enrolment.State
    public let venue: String?
    public let online: String?
}
