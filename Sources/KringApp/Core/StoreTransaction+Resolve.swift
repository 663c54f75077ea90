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

    /// A participant by id or pseudonym (case-insensitive).
    func resolveParticipant(_ reference: String, field: String = "participant") throws(KringError) -> Participant {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let found: Participant?
        if let id = Int64(text) { found = try participant(id: id) } else { found = try participant(pseudonym: text) }
        guard let found else {
            throw .notFound(field, reference, "no participant has this id or pseudonym; see `kring participant list`")
        }
        return found
    }

    func resolveFacilitator(_ reference: String, field: String = "facilitator") throws(KringError) -> Facilitator {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let found: Facilitator?
        if let id = Int64(text) { found = try facilitator(id: id) } else { found = try facilitator(named: text) }
        guard let found else {
            throw .notFound(field, reference, "no facilitator has this id or name; see `kring facilitator list`")
        }
        return found
    }
}
