import Foundation
import KringDomain
import KringSecrets
import KringStorage

/// A change to a facilitator's invite address: a new one, or none.
public enum FacilitatorContactChange: Sendable, Equatable {
    case set(String)
    case clear
}

extension StoreTransaction {
    /// Seals a facilitator's address at their own row and column (so the ciphertext opens nowhere else) with an
    /// HMAC lookup, or clears both. The address is checked for shape first and never logged.
    /// A new address also queues a REQUEST for every series they already have sessions in (the same address again
    /// queues nothing); clearing it drops their pending invites.
    func changeContact(
        of facilitator: Facilitator, to change: FacilitatorContactChange, sealer: ContactSealer?, keyFile: KeyFile,
        now: Date
    ) throws(KringError) -> Facilitator {
        var updated = facilitator
        switch change {
        case .clear:
            try setContact(facilitatorId: facilitator.id, ciphertext: nil, lookup: nil)
            try deletePendingOutbox(facilitatorId: facilitator.id)
            updated.contactCiphertext = nil
            updated.contactLookup = nil
        case .set(let text):
            let address = try Participant.checkedContact(text)
            guard let sealer else { _ = try keyFile.load(); throw .invalid("contact", "", "no key to seal it") }
            let lookup = sealer.lookup(address)
            if let other = try self.facilitator(contactLookup: lookup), other.id != facilitator.id {
                throw .conflict("contact", text, "is already the address of facilitator '\(other.displayName)'")
            }
            let sealed = try sealer.seal(address, at: .contact(ofFacilitator: facilitator.id))
            try setContact(facilitatorId: facilitator.id, ciphertext: sealed, lookup: lookup)
            updated.contactCiphertext = sealed
            updated.contactLookup = lookup
            // The same address again is no news: they already have their invites.
            if facilitator.contactLookup != lookup {
                try queueFacilitatorRequests(facilitatorId: facilitator.id, now: now)
            }
        }
        return updated
    }
}
