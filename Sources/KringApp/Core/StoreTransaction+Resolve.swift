import Foundation
import KringDomain
import KringStorage

/// Finds the objects a user names on the command line: by id, or by the name they know.
extension StoreTransaction {
    func wrap<T>(_ body: () throws -> T) throws(KringError) -> T {
        do { return try body() } catch let error as KringError { throw error } catch {
            throw KringError(.environment, field: "db", value: "", reason: "the database could not be read or written")
        }
    }

    /// A group by id or internal name.
    func resolveGroup(_ reference: String, field: String = "group") throws(KringError) -> SupportGroup {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let found = try wrap { () throws -> SupportGroup? in
            if let id = Int64(text) { return try group(id: id) }
            return try group(named: text)
        }
        guard let found else {
            throw .notFound(field, reference, "no group has this id or name; see `kring group list`")
        }
        return found
    }

    func resolveSession(_ reference: String, field: String = "session") throws(KringError) -> Session {
        guard let id = Int64(reference.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid(field, reference, "a session is named by its id, a number; see `kring session list`")
        }
        guard let found = try wrap({ try session(id: id) }) else {
            throw .notFound(field, reference, "no session has this id; see `kring session list`")
        }
        return found
    }

    /// A participant by id or pseudonym (case-insensitive).
    func resolveParticipant(_ reference: String, field: String = "participant") throws(KringError) -> Participant {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let found = try wrap { () throws -> Participant? in
            if let id = Int64(text) { return try participant(id: id) }
            return try participant(pseudonym: text)
        }
        guard let found else {
            throw .notFound(field, reference, "no participant has this id or pseudonym; see `kring participant list`")
        }
        return found
    }

    func resolveFacilitator(_ reference: String, field: String = "facilitator") throws(KringError) -> Facilitator {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let found = try wrap { () throws -> Facilitator? in
            if let id = Int64(text) { return try facilitator(id: id) }
            return try facilitator(named: text)
        }
        guard let found else {
            throw .notFound(field, reference, "no facilitator has this id or name; see `kring facilitator list`")
        }
        return found
    }
}
