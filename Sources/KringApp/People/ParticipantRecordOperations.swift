import Foundation
import KringDomain
import KringSecrets
import KringStorage
import Logging

/// What a coordinator may correct about a participant after enrolment; nil leaves a field as it is.
public struct ParticipantChanges: Sendable, Codable, Equatable {
    public var relation: String?
    public var language: String?
    /// A new invite address (stored sealed); replaces the one on file.
    public var contact: String?
    /// Forget the stored address; refused together with `contact`.
    public var clearContact: Bool?

    public init(relation: String? = nil, language: String? = nil, contact: String? = nil, clearContact: Bool? = nil) {
        self.relation = relation
        self.language = language
        self.contact = contact
        self.clearContact = clearContact
    }

    var isEmpty: Bool { relation == nil && language == nil && contact == nil && clearContact != true }
}

extension Kring {
    /// `kring participant show P [--reveal-contact]`: one participant, their groups and where those meet; the
    /// address only when asked for (and never logged).
    public func showParticipant(_ reference: String, revealContact: Bool) throws(KringError) -> ParticipantDetailView {
        try read { (operation) throws(KringError) in
            try operation.showParticipant(reference, revealContact: revealContact)
        }
    }

    /// `kring participant update P --relation R --language L --contact A|--clear-contact`.
    public func updateParticipant(_ reference: String, _ changes: ParticipantChanges) throws(KringError)
        -> ParticipantDetailView
    {
        try write { (operation) throws(KringError) in try operation.updateParticipant(reference, changes) }
    }
}

extension KringTransaction {
    func showParticipant(_ reference: String, revealContact: Bool) throws(KringError) -> ParticipantDetailView {
        let participant = try transaction.resolveParticipant(reference)
        var contact: String?
        if revealContact, let ciphertext = participant.contactCiphertext {
            guard let sealer else { _ = try keyFile.load(); throw .invalid("reveal-contact", "", "no key to open it") }
            contact = try sealer.open(ciphertext, at: .contact(of: participant.id))
        }
        return try transaction.detailView(of: participant, contact: contact)
    }

    /// Every field checked before anything is stored. A new address on a seated participant queues a REQUEST for
    /// every series of their groups, so someone enrolled without one gets their invites now; a cleared one drops
    /// what is still pending for them and leaves no copy in the log.
    func updateParticipant(_ reference: String, _ changes: ParticipantChanges) throws(KringError)
        -> ParticipantDetailView
    {
        var participant = try transaction.resolveParticipant(reference)
        if changes.isEmpty {
            throw .invalid(
                "update", reference, "name at least one of --relation, --language, --contact, --clear-contact")
        }
        if changes.contact != nil, changes.clearContact == true {
            throw .invalid("clear-contact", "true", "give either --contact or --clear-contact, not both")
        }
        let relation = try changes.relation.map { (text) throws(KringError) in
            try Relation.parse(text, field: "relation")
        }
        let language = try changes.language.map { (text) throws(KringError) in
            try Language.parse(text, field: "language")
        }
        if let text = changes.contact { _ = try Participant.checkedContact(text) }
        if relation != nil || language != nil {
            participant.relation = relation ?? participant.relation
            participant.language = language ?? participant.language
            try transaction.setParticipantDetails(
                participantId: participant.id, relation: participant.relation, language: participant.language)
        }
        if let text = changes.contact {
            participant = try transaction.setContact(
                of: participant, to: text, sealer: sealer, keyFile: keyFile, now: now)
        } else if changes.clearContact == true, participant.hasContact {
            try transaction.setContact(participantId: participant.id, ciphertext: nil, lookup: nil)
            try transaction.deletePendingOutbox(participantId: participant.id)
            participant.contactCiphertext = nil
            participant.contactLookup = nil
            // A cleared address must not linger in the write-ahead log (privacy rule 9).
            try truncateLogAfterCommit()
        }
        logAfterCommit(.info, "participant updated", ["participant.id": "\(participant.id)"])
        return try transaction.detailView(of: participant, contact: nil)
    }
}

extension StoreTransaction {
    /// Seals a participant's address at their own row and column with an HMAC lookup. A new address (the first,
    /// or another one) queues a REQUEST for every series of each group they are seated in, so someone enrolled
    /// without one gets their invites from now on; the same address again queues nothing. Never logged.
    func setContact(
        of participant: Participant, to text: String, sealer: ContactSealer?, keyFile: KeyFile, now: Date
    ) throws(KringError) -> Participant {
        let address = try Participant.checkedContact(text)
        guard let sealer else { _ = try keyFile.load(); throw .invalid("contact", "", "no key to seal it") }
        let lookup = sealer.lookup(address)
        if let other = try self.participant(contactLookup: lookup), other.id != participant.id {
            throw .conflict("contact", text, "belongs to another participant already known")
        }
        var updated = participant
        let sealed = try sealer.seal(address, at: .contact(of: participant.id))
        try setContact(participantId: participant.id, ciphertext: sealed, lookup: lookup)
        updated.contactCiphertext = sealed
        updated.contactLookup = lookup
        guard participant.contactLookup != lookup else { return updated }
        for enrolment in try enrolments(participantId: participant.id) where enrolment.state == .enrolled {
            try queueInvites(.request, group: enrolment.groupId, participantIds: [participant.id], now: now)
        }
        return updated
    }

    /// A participant with their groups and where each meets; `contact` only when a coordinator asked for it.
    func detailView(of participant: Participant, contact: String?) throws(KringError) -> ParticipantDetailView {
        let summary = try view(of: participant)
        var places: [ParticipantPlaceView] = []
        for enrolment in summary.enrolments {
            let group = try resolveGroup(String(enrolment.groupId))
            places.append(
                ParticipantPlaceView(
                    groupId: group.id, group: group.internalName, state: enrolment.state, venue: group.venue,
                    online: group.onlineURL))
        }
        return ParticipantDetailView(
            id: participant.id, pseudonym: participant.pseudonym, relation: participant.relation,
            language: participant.language, hasContact: participant.hasContact, contact: contact,
            enrolments: summary.enrolments, places: places)
    }
}
