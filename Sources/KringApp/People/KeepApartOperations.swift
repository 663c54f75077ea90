import Foundation
import KringDomain
import KringStorage

extension Kring {
    /// `kring participant keep-apart`: the two will never be enrolled into one group.
    public func keepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        try write { (operation) throws(KringError) in try operation.keepApart(first, second) }
    }
}

extension KringTransaction {
    /// `kring participant keep-apart`: the two will never be enrolled into one group.
    func keepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        let one = try transaction.resolveParticipant(first, field: "participant")
        let other = try transaction.resolveParticipant(second, field: "participant")
        guard one.id != other.id else { throw .invalid("participant", second, "is the same participant twice") }
        let created = try transaction.insertKeepApart(one.id, other.id)
        let groupsOfOne = Set(try transaction.enrolments(participantId: one.id).filter(\.state.isActive).map(\.groupId))
        let shared = try transaction.enrolments(participantId: other.id).filter {
            $0.state.isActive && groupsOfOne.contains($0.groupId)
        }
        let sharedNames = try shared.map { (enrolment) throws(KringError) in
            try transaction.resolveGroup(String(enrolment.groupId)).internalName
        }
        return KeepApartView(
            participants: [one.pseudonym, other.pseudonym], participantIds: [one.id, other.id], created: created,
            sharedGroups: sharedNames)
    }
}
