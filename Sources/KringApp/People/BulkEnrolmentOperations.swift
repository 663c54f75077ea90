import Foundation
import KringDomain
import KringSecrets
import KringStorage
import Logging

/// What one line of an intake list did.
public struct IntakeLineView: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case enrolled, waitlisted
        /// Already enrolled or waiting in that group: nothing changed (running a list twice changes nothing).
        case unchanged
    }

    public let line: Int
    public let participantId: Int64
    public let pseudonym: String
    public let groupId: Int64
    public let group: String
    public let outcome: Outcome
    /// The state the participant is in now (for `unchanged`, the one they already had).
    public let state: Enrolment.State
    public let waitlistPosition: Int?
}

/// `kring participant enrol-csv`: every line, in file order, after the whole list was checked.
public struct IntakeListView: Codable, Sendable, Equatable {
    public let lines: [IntakeLineView]
    public var enrolled: Int { lines.count { $0.outcome == .enrolled } }
    public var waitlisted: Int { lines.count { $0.outcome == .waitlisted } }
    public var unchanged: Int { lines.count { $0.outcome == .unchanged } }
}

extension Kring {
    /// `kring participant enrol-csv`: the intake list as one transaction, all or nothing.
    public func enrolFromList(_ data: Data) throws(KringError) -> IntakeListView {
        let list = try IntakeList.parse(data)
        return try write { (operation) throws(KringError) in try operation.enrolFromList(list) }
    }
}

extension KringTransaction {
    /// Checks every line before storing anything (each value with the enrolment's own rules, each group exists, no
    /// line repeats another, one pseudonym always means one person), then enrols line by line with the very operation
    /// `kring participant enrol` runs, so capacity, the waitlist, keep-apart, duplicates and sealing hold. Any refusal
    /// names its line and rolls the whole list back. A pseudonym already known is that participant: already in the
    /// group means `unchanged`; else they join it.
    func enrolFromList(_ list: IntakeList) throws(KringError) -> IntakeListView {
        struct Checked {
            let line: IntakeList.Line
            let pseudonym: String
            let relation: Relation
            let language: Language?
            let contact: String?
            let group: SupportGroup
        }
        var checked: [Checked] = []
        var firstLine: [String: Checked] = [:]
        var seen: [String: Int] = [:]
        for line in list.lines {
            let entry = try Self.onLine(line.number) { () throws(KringError) -> Checked in
                guard !line.pseudonym.isEmpty else {
                    throw .invalid(
                        "pseudonym", "", "every line of a list needs one, so running the list again changes nothing")
                }
                guard !line.relation.isEmpty else {
                    throw .invalid(
                        "relation", "", "must be one of \(Relation.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard !line.group.isEmpty else { throw .invalid("group", "", "names no group") }
                return Checked(
                    line: line, pseudonym: try Participant.checkedPseudonym(line.pseudonym),
                    relation: try Relation.parse(line.relation, field: "relation"),
                    language: line.language.isEmpty ? nil : try Language.parse(line.language, field: "language"),
                    contact: line.contact.isEmpty ? nil : try Participant.checkedContact(line.contact),
                    group: try transaction.resolveGroup(line.group))
            }
            let person = TextRules.comparisonKey(entry.pseudonym)
            let placement = "\(person)\u{0}\(entry.group.id)"
            if let earlier = seen[placement] {
                throw .invalid(
                    "line \(line.number) pseudonym", line.pseudonym,
                    "repeats line \(earlier) for group '\(entry.group.internalName)'")
            }
            seen[placement] = line.number
            if let first = firstLine[person] {
                let differs =
                    first.relation != entry.relation || (entry.language != nil && first.language != entry.language)
                    || (entry.contact != nil && first.contact != entry.contact)
                if differs {
                    throw .invalid(
                        "line \(line.number) pseudonym", line.pseudonym,
                        "is on line \(first.line.number) with another relation, language or contact; one pseudonym "
                            + "is one person")
                }
            } else {
                firstLine[person] = entry
            }
            checked.append(entry)
        }

        var known: [String: Participant] = [:]
        for participant in try transaction.allParticipants() {
            known[TextRules.comparisonKey(participant.pseudonym)] = participant
        }
        var views: [IntakeLineView] = []
        var generator = SystemRandomNumberGenerator()
        for entry in checked {
            let view = try Self.onLine(entry.line.number) { () throws(KringError) -> IntakeLineView in
                let person = TextRules.comparisonKey(entry.pseudonym)
                let request: EnrolmentRequest
                if let participant = known[person] {
                    try checkSamePerson(participant, as: entry.line, relation: entry.relation, contact: entry.contact)
                    if let current = try transaction.enrolment(groupId: entry.group.id, participantId: participant.id),
                        current.state.isActive
                    {
                        let position =
                            current.state == .waitlisted
                            ? try transaction.enrolments(groupId: entry.group.id, states: [.waitlisted])
                                .firstIndex { $0.participantId == participant.id }.map { $0 + 1 } : nil
                        return IntakeLineView(
                            line: entry.line.number, participantId: participant.id, pseudonym: participant.pseudonym,
                            groupId: entry.group.id, group: entry.group.internalName, outcome: .unchanged,
                            state: current.state, waitlistPosition: position)
                    }
                    request = EnrolmentRequest(
                        group: String(entry.group.id), existingParticipant: String(participant.id))
                } else {
                    request = EnrolmentRequest(
                        group: String(entry.group.id), pseudonym: entry.pseudonym, relation: entry.relation.rawValue,
                        language: entry.language?.rawValue, contact: entry.contact)
                }
                let enrolment = try transaction.enrol(
                    request, sealer: sealer, keyFile: keyFile, now: now, random: &generator)
                if known[person] == nil {
                    known[person] = try transaction.resolveParticipant(String(enrolment.participantId))
                }
                return IntakeLineView(
                    line: entry.line.number, participantId: enrolment.participantId, pseudonym: enrolment.pseudonym,
                    groupId: enrolment.groupId, group: enrolment.group,
                    outcome: enrolment.state == .enrolled ? .enrolled : .waitlisted, state: enrolment.state,
                    waitlistPosition: enrolment.waitlistPosition)
            }
            views.append(view)
        }
        let result = IntakeListView(lines: views)
        logAfterCommit(
            .info, "participants enrolled from a list",
            [
                "lines": "\(views.count)", "enrolled": "\(result.enrolled)", "waitlisted": "\(result.waitlisted)",
                "unchanged": "\(result.unchanged)",
            ])
        return result
    }

    /// A pseudonym already known must be the same person: same relation, and the same address if the line gives one.
    private func checkSamePerson(
        _ participant: Participant, as line: IntakeList.Line, relation: Relation, contact: String?
    ) throws(KringError) {
        guard participant.relation == relation else {
            throw .conflict(
                "relation", line.relation,
                "'\(participant.pseudonym)' is already known with relation \(participant.relation.rawValue); "
                    + "choose another pseudonym for another person")
        }
        guard let contact else { return }
        guard let stored = participant.contactLookup else {
            throw .conflict(
                "contact", contact,
                "'\(participant.pseudonym)' is already known without an address; a list never changes one: "
                    + "add it with `kring participant update` first")
        }
        guard let sealer, sealer.lookup(contact) == stored else {
            throw .conflict(
                "contact", contact, "is not the address '\(participant.pseudonym)' was enrolled with")
        }
    }

    /// Runs one line's work; a refusal names the line in its field ("line 7 contact"), value and reason unchanged.
    private static func onLine<T>(_ number: Int, _ work: () throws(KringError) -> T) throws(KringError) -> T {
        do {
            return try work()
        } catch {
            throw KringError(
                error.kind, field: "line \(number) \(error.field)", value: error.value, reason: error.reason)
        }
    }
}
