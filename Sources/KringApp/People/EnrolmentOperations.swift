import Foundation
import KringDomain
import KringPlanChecker
import KringSecrets
import KringStorage
import Logging

/// What a coordinator records after an intake call.
public struct EnrolmentRequest: Sendable, Codable {
    public var group: String
    /// A new participant's pseudonym; generated in the group's language when nil.
    public var pseudonym: String?
    /// An existing participant (id or pseudonym) joining another group.
    public var existingParticipant: String?
    public var relation: String?
    public var language: String?
    public var contact: String?

    public init(
        group: String, pseudonym: String? = nil, existingParticipant: String? = nil, relation: String? = nil,
        language: String? = nil, contact: String? = nil
    ) {
        self.group = group
        self.pseudonym = pseudonym
        self.existingParticipant = existingParticipant
        self.relation = relation
        self.language = language
        self.contact = contact
    }
}

extension Kring {
    /// `kring participant enrol`: a seat while seats are free, else the end of the waitlist. Keep-apart marks and
    /// double enrolment are refused; capacity holds however many enrol at once (one IMMEDIATE transaction each).
    public func enrol(_ request: EnrolmentRequest) throws(KringError) -> EnrolmentView {
        try write { (operation) throws(KringError) in try operation.enrol(request) }
    }

    public func listParticipants(group reference: String?) throws(KringError) -> [ParticipantView] {
        try read { (operation) throws(KringError) in try operation.listParticipants(group: reference) }
    }

}

extension KringTransaction {
    /// `kring participant enrol`: a seat while seats are free, else the end of the waitlist. Keep-apart marks and
    /// double enrolment are refused; capacity holds however many enrol at once (one IMMEDIATE transaction each).
    func enrol(_ request: EnrolmentRequest) throws(KringError) -> EnrolmentView {
        var generator = SystemRandomNumberGenerator()
        var view = try transaction.enrol(request, sealer: sealer, keyFile: keyFile, now: now, random: &generator)
        // A facilitator who knows this participant must not serve their group: their assignments there are now
        // conflicts, named here where they arise.
        let knowing = try transaction.facilitatorIds(knowingParticipant: view.participantId)
        if !knowing.isEmpty {
            let sessions = Set(try transaction.sessions(groupId: view.groupId).map(\.id))
            let conflicts = try conflictsOfStoredAssignments(facilitatorIDs: Set(knowing), sessionIDs: sessions)
                .filter { $0.rule == Violation.Rule.excludedFromGroup.rawValue }
            if !conflicts.isEmpty { view.conflicts = conflicts }
        }
        logAfterCommit(
            .info, "participant enrolled", ["group.id": "\(view.groupId)", "enrolment.state": "\(view.state)"])
        return view
    }

    func listParticipants(group reference: String?) throws(KringError) -> [ParticipantView] {
        let participants: [Participant]
        if let reference {
            let group = try transaction.resolveGroup(reference)
            let ids = try transaction.enrolments(groupId: group.id, states: Enrolment.State.allCases).map(
                \.participantId)
            participants = try ids.map { (id) throws(KringError) in try transaction.resolveParticipant(String(id)) }
        } else {
            participants = try transaction.allParticipants()
        }
        return try participants.map { (participant) throws(KringError) in try transaction.view(of: participant) }
    }

}

extension StoreTransaction {
    func enrol(
        _ request: EnrolmentRequest, sealer: ContactSealer?, keyFile: KeyFile, now: Date,
        random: inout some RandomNumberGenerator
    ) throws(KringError) -> EnrolmentView {
        let group = try resolveGroup(request.group)
        guard group.acceptsEnrolments else {
            let hint = group.state == .draft ? "; open it first with `kring group open`" : ""
            throw .conflict("group", request.group, "is \(group.state.rawValue) and takes no enrolments\(hint)")
        }
        if request.existingParticipant != nil, request.pseudonym != nil {
            throw .invalid("pseudonym", request.pseudonym!, "give either --participant or --pseudonym, not both")
        }
        var participant: Participant
        // A hurried coordinator re-enrols someone who left by typing their pseudonym again: that is the same person
        // coming back to the same group, so their record is restored rather than refused as a taken name.
        let returning =
            try request.pseudonym.map { (name) throws(KringError) in
                try returningParticipant(named: name, to: group)
            } ?? nil
        if let returning, request.existingParticipant == nil {
            if let text = request.relation, try Relation.parse(text, field: "relation") != returning.relation {
                throw .conflict(
                    "relation", text,
                    "'\(returning.pseudonym)' (participant \(returning.id)) left this group as "
                        + "\(returning.relation.rawValue); re-enrolment restores that record")
            }
            // Re-enrolment by a typed pseudonym changes nothing about the person: an address goes through the
            // deliberate `participant update` (or `enrol --participant ID --contact`), never through a name match.
            if request.contact != nil {
                throw .invalid(
                    "contact", "",
                    "'\(returning.pseudonym)' (participant \(returning.id)) is returning: re-enrolment by pseudonym "
                        + "never changes an address; use `kring participant update \(returning.id) --contact …`")
            }
            participant = returning
        } else if let existing = request.existingParticipant {
            participant = try resolveParticipant(existing)
            // An address given now is stored (or replaces the old one) as `participant update --contact` would;
            // it used to be refused, leaving someone enrolled without one no way to get invites (issue 14).
            if let contact = request.contact {
                participant = try setContact(of: participant, to: contact, sealer: sealer, keyFile: keyFile, now: now)
            }
        } else {
            guard let relationText = request.relation else {
                throw .invalid(
                    "relation", "",
                    "a new participant needs --relation (\(Relation.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let relation = try Relation.parse(relationText, field: "relation")
            let language =
                try request.language.map { (text) throws(KringError) in try Language.parse(text, field: "language") }
                ?? group.language
            let contact = try request.contact.map { (text) throws(KringError) in try Participant.checkedContact(text) }
            let pseudonym: String
            // Names are compared as people read them: "stille eik", "Stílle Eik" and a Cyrillic look-alike are all
            // "Stille Eik" (security review 2026-11, F17). SQL cannot fold those, so the few names are compared here.
            let taken = Set(try allPseudonyms().map(TextRules.comparisonKey))
            if let wanted = request.pseudonym {
                pseudonym = try Participant.checkedPseudonym(wanted)
                if taken.contains(TextRules.comparisonKey(pseudonym)) {
                    throw .conflict(
                        "pseudonym", wanted,
                        "is already taken, or looks the same as one that is; to enrol that participant in another "
                            + "group use --participant")
                }
            } else {
                // Unlike every name already known (no shared word, several edits away), so no coordinator mixes two
                // people up.
                let existing = try allParticipants().map(\.pseudonym)
                pseudonym = PseudonymGenerator().makeDistinct(language: language, using: &random, existing: existing)
            }
            var lookup: [UInt8]?
            if contact != nil {
                guard let sealer else { _ = try keyFile.load(); throw .invalid("contact", "", "no key to seal it") }
                lookup = sealer.lookup(contact!)
                if try self.participant(contactLookup: lookup!) != nil {
                    throw .conflict(
                        "contact", contact!,
                        "belongs to a participant already known; enrol them with --participant instead")
                }
            }
            participant = try insert(
                NewParticipant(pseudonym: pseudonym, relation: relation, language: language, createdAt: now))
            if let contact, let sealer {
                let sealed = try sealer.seal(contact, at: .contact(of: participant.id))
                try setContact(participantId: participant.id, ciphertext: sealed, lookup: lookup)
                participant.contactCiphertext = sealed
                participant.contactLookup = lookup
            }
        }
        let participantId = participant.id
        let existingEnrolment = try enrolment(groupId: group.id, participantId: participantId)
        if let existingEnrolment, existingEnrolment.state.isActive {
            throw .conflict(
                "participant", participant.pseudonym,
                "is already \(existingEnrolment.state.rawValue) in group '\(group.internalName)'")
        }
        try checkKeepApart(participant: participant, group: group)
        let enrolled = try countEnrolments(groupId: group.id, state: .enrolled)
        let ticket = try nextQueueTicket()
        let state = SeatPolicy.stateForNewRequest(capacity: group.capacity, enrolledCount: enrolled)
        let request = NewEnrolment(
            groupId: group.id, participantId: participantId, state: state, queueTicket: ticket, requestedAt: now,
            changedAt: now)
        let record: Enrolment
        if let existingEnrolment {
            // A returning participant keeps their row and its id; the request starts over as a new one.
            record = Enrolment(
                id: existingEnrolment.id, groupId: request.groupId, participantId: request.participantId,
                state: request.state, queueTicket: request.queueTicket, requestedAt: request.requestedAt,
                changedAt: request.changedAt)
            try update(record)
        } else {
            record = try insert(request)
        }
        var newcomer = existingEnrolment == nil
        if newcomer { newcomer = try reportCounters.isNewcomer(participantId, except: record.id) }
        try reportCounters.requested(state, by: participant, in: group, newcomer: newcomer, at: now)
        if state == .enrolled { try queueEnrolmentInvites(group: group.id, participantId: participantId, now: now) }
        var view = try view(of: record, participant: participant, group: group)
        if existingEnrolment != nil { view.restored = true }
        return view
    }

    /// The participant named `name` (folded as people read it) who left `group` and may come back to it.
    func returningParticipant(named name: String, to group: SupportGroup) throws(KringError) -> Participant? {
        let key = TextRules.comparisonKey(name)
        guard let found = try allParticipants().first(where: { TextRules.comparisonKey($0.pseudonym) == key }),
            let earlier = try enrolment(groupId: group.id, participantId: found.id), !earlier.state.isActive
        else { return nil }
        return found
    }

    /// Refuses an enrolment that would put two participants marked "keep apart" in one group.
    func checkKeepApart(participant: Participant, group: SupportGroup) throws(KringError) {
        let others = try keptApart(from: participant.id)
        for otherId in others {
            if let enrolment = try enrolment(groupId: group.id, participantId: otherId),
                enrolment.state.isActive
            {
                let other = try resolveParticipant(String(otherId))
                throw .conflict(
                    "participant", participant.pseudonym,
                    "is marked keep-apart from '\(other.pseudonym)', who is \(enrolment.state.rawValue) in group '\(group.internalName)'"
                )
            }
        }
    }

    /// Moves the head of the waitlist into free seats, in first-come-first-served order. Someone marked keep-apart
    /// from a person enrolled in the group is skipped (keep-apart binds the waitlist as it binds enrolment): they keep
    /// their place, and `heldBack` says who and why.
    func promoteFromWaitlist(group: SupportGroup, now: Date) throws(KringError) -> [EnrolmentView] {
        try promoteFromWaitlistExplained(group: group, now: now).promoted
    }

    func promoteFromWaitlistExplained(group: SupportGroup, now: Date) throws(KringError)
        -> (promoted: [EnrolmentView], heldBack: [HeldBackView])
    {
        let (enrolledRows, waiting) = (
            try enrolments(groupId: group.id, states: [.enrolled]),
            try enrolments(groupId: group.id, states: [.waitlisted])
        )
        var enrolledIds = Set(enrolledRows.map(\.participantId))
        var free = SeatPolicy.promotions(
            capacity: group.capacity, enrolledCount: enrolledIds.count, waitlistCount: waiting.count)
        var promoted: [EnrolmentView] = []
        var heldBack: [HeldBackView] = []
        for var enrolment in waiting where free > 0 {
            let apart = try keptApart(from: enrolment.participantId)
            if let blocker = apart.first(where: { enrolledIds.contains($0) }) {
                let participant = try resolveParticipant(String(enrolment.participantId))
                let other = try resolveParticipant(String(blocker))
                heldBack.append(
                    HeldBackView(
                        participantId: participant.id, pseudonym: participant.pseudonym, group: group.internalName,
                        keptApartFromId: blocker, keptApartFrom: other.pseudonym))
                continue
            }
            enrolment.state = .enrolled
            enrolment.changedAt = now
            try update(enrolment)
            try queueEnrolmentInvites(group: group.id, participantId: enrolment.participantId, now: now)
            let participant = try resolveParticipant(String(enrolment.participantId))
            try reportCounters.promoted(
                participant, in: group, requestedAt: enrolment.requestedAt,
                newcomer: reportCounters.isNewcomer(participant.id, except: enrolment.id), at: now)
            promoted.append(try view(of: enrolment, participant: participant, group: group))
            enrolledIds.insert(enrolment.participantId)
            free -= 1
        }
        return (promoted, heldBack)
    }

}
