import Foundation
import KringDomain
import KringStorage

/// Finds the objects a user names on the command line: by id, or by the name they know.
extension StoreTransaction {
    /// A group by id or internal name.
    func resolveGroup(_ reference: String, field: String = "group") throws(KringError) -> SupportGroup {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let found: SupportGroup?
        if let id = Int64(text) { found = try group(id: id) } else { found = try group(named: text) }
        guard let found else {
            throw .notFound(field, reference, "no group has this id or name; see `kring group list`")
        }
        return found
    }

    func resolveSession(_ reference: String, field: String = "session") throws(KringError) -> Session {
        guard let id = Int64(reference.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid(field, reference, "a session is named by its id, a number; see `kring session list`")
        }
        guard let found = try session(id: id) else {
            throw .notFound(field, reference, "no session has this id; see `kring session list`")
        }
        return found
    }

    /// A participant by id or pseudonym; case and accents are folded ("stille eik" finds "Stille Eik"). An unknown
    /// name is refused with the closest names known, never a guess.
    func resolveParticipant(_ reference: String, field: String = "participant") throws(KringError) -> Participant {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let found: Participant?
        if let id = Int64(text) { found = try participant(id: id) } else { found = try participant(pseudonym: text) }
        if let found { return found }
        let all = Int64(text) == nil ? try allParticipants() : []
        return try Self.byFoldedName(
            text, reference: reference, field: field, among: all, name: \.pseudonym, id: { $0.id },
            what: "participant", hint: "see `kring participant list`")
    }

    func resolveFacilitator(_ reference: String, field: String = "facilitator") throws(KringError) -> Facilitator {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let found: Facilitator?
        if let id = Int64(text) { found = try facilitator(id: id) } else { found = try facilitator(named: text) }
        if let found { return found }
        let all = Int64(text) == nil ? try allFacilitators() : []
        return try Self.byFoldedName(
            text, reference: reference, field: field, among: all, name: \.displayName, id: { $0.id },
            what: "facilitator", hint: "see `kring facilitator list`")
    }

    /// The one record whose name equals `text` with case and accents folded; else a refusal naming up to three
    /// closest names (a typo), or every match when the folded name is ambiguous.
    static func byFoldedName<Record>(
        _ text: String, reference: String, field: String, among records: [Record], name: (Record) -> String,
        id: (Record) -> Int64, what: String, hint: String
    ) throws(KringError) -> Record {
        let wanted = PseudonymGenerator.fold(text)
        let matches = records.filter { PseudonymGenerator.fold(name($0)) == wanted }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            let listed = matches.map { "\(name($0)) (id \(id($0)))" }.joined(separator: ", ")
            throw .conflict(field, reference, "matches \(listed); give the id")
        }
        let closest =
            records
            .map { (record: $0, distance: PseudonymGenerator.editDistance(wanted, PseudonymGenerator.fold(name($0)))) }
            .filter { $0.distance <= max(2, wanted.count / 3) }
            .sorted { ($0.distance, id($0.record)) < ($1.distance, id($1.record)) }
            .prefix(3)
        let suggestion =
            closest.isEmpty
            ? ""
            : "; did you mean " + closest.map { "'\(name($0.record))' (id \(id($0.record)))" }.joined(separator: " or ")
                + "?"
        throw .notFound(field, reference, "no \(what) has this id or name\(suggestion); \(hint)")
    }
}
