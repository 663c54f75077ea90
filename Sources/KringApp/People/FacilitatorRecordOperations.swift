import Foundation
import KringDomain
import KringStorage
import Logging

/// What `kring facilitator retire` did: the future sessions they no longer have (for the coordinator to re-plan),
/// and what was erased. Their past sessions stay in the history.
public struct RetirementView: Codable, Sendable {
    public let facilitatorId: Int64
    /// The name as stored now: the neutral placeholder after `--erase-name`.
    public let name: String
    public let retiredAt: Date
    public let removedAssignments: [RemovedAssignmentView]
    public let contactErased: Bool
    public let nameErased: Bool
    /// Their API tokens, revoked with the retirement.
    public let revokedTokens: Int
}

/// One future session a retired facilitator was taken off.
public struct RemovedAssignmentView: Codable, Sendable, Equatable {
    public let sessionId: Int64
    public let groupId: Int64
    public let group: String
    public let start: String
    public let wasLead: Bool
}

extension Kring {
    /// `kring facilitator retire F [--erase-name]`: out of every future plan, history kept, address erased.
    public func retireFacilitator(_ reference: String, eraseName: Bool) throws(KringError) -> RetirementView {
        try write { (operation) throws(KringError) in
            try operation.retireFacilitator(reference, eraseName: eraseName)
        }
    }
}

extension KringTransaction {
    /// Takes a facilitator out of all planning from now on: their assignments to sessions that have not started are
    /// removed (each named, so the coordinator can re-plan them; their calendar counts the change), their address is
    /// erased with whatever was still pending for it, their tokens are revoked, and from now on every plan sees them
    /// as unavailable (`AssignmentProblemBuilder`). Past sessions keep them. `eraseName` replaces the name with a
    /// neutral placeholder; the log is truncated after either erasure (privacy rule 9).
    func retireFacilitator(_ reference: String, eraseName: Bool) throws(KringError) -> RetirementView {
        var facilitator = try transaction.resolveFacilitator(reference)
        let placeholder = Facilitator.retiredPlaceholder(id: facilitator.id)
        let nameErased = eraseName && facilitator.displayName != placeholder
        if facilitator.isRetired && !nameErased {
            throw .conflict(
                "facilitator", reference,
                eraseName ? "is already retired and their name already erased" : "is already retired")
        }
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: nil)
        let contactErased = facilitator.hasContact
        if contactErased {
            try transaction.setContact(facilitatorId: facilitator.id, ciphertext: nil, lookup: nil)
            try transaction.deletePendingOutbox(facilitatorId: facilitator.id)
            facilitator.contactCiphertext = nil
            facilitator.contactLookup = nil
        }
        var removed: [RemovedAssignmentView] = []
        for row in try transaction.assignments(facilitatorId: facilitator.id) {
            guard let session = try transaction.session(id: row.sessionId), session.startsAt > now,
                session.status != .cancelled
            else { continue }
            let group = try transaction.resolveGroup(String(session.groupId))
            _ = try transaction.deleteAssignment(sessionId: session.id, facilitatorId: facilitator.id)
            removed.append(
                RemovedAssignmentView(
                    sessionId: session.id, groupId: group.id, group: group.internalName,
                    start: transaction.clock(for: group).iso8601(session.startsAt), wasLead: row.isLead))
        }
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: nil, now: now)
        var revoked = 0
        for token in try transaction.allTokens()
        where token.facilitatorId == facilitator.id && token.revokedAt == nil {
            try transaction.revokeToken(id: token.id, at: now)
            revoked += 1
        }
        let retiredAt = facilitator.retiredAt ?? now
        if !facilitator.isRetired { try transaction.setRetired(facilitatorId: facilitator.id, at: now) }
        if nameErased {
            facilitator.displayName = placeholder
            try transaction.updateFacilitatorDetails(facilitator)
        }
        if contactErased || nameErased { try truncateLogAfterCommit() }
        logAfterCommit(
            .info, "facilitator retired",
            ["facilitator.id": "\(facilitator.id)", "assignments.removed": "\(removed.count)"])
        return RetirementView(
            facilitatorId: facilitator.id, name: facilitator.displayName, retiredAt: retiredAt,
            removedAssignments: removed, contactErased: contactErased, nameErased: nameErased,
            revokedTokens: revoked)
    }
}

extension Facilitator {
    /// The neutral name an erased facilitator keeps, unique by id, so the history still reads.
    static func retiredPlaceholder(id: Int64) -> String { "retired facilitator \(id)" }
}

extension StoreTransaction {
    /// Applies `facilitator update --name --languages --audiences --lead|--no-lead`, each checked as `facilitator
    /// add` checks it; true when something was given.
    func changeDetails(of facilitator: inout Facilitator, _ changes: FacilitatorPlanningChanges)
        throws(KringError) -> Bool
    {
        guard changes.name != nil || changes.languages != nil || changes.audiences != nil || changes.lead != nil
        else { return false }
        var name = facilitator.displayName
        if let text = changes.name {
            if Int64(text.trimmingCharacters(in: .whitespaces)) != nil {
                throw .invalid("name", text, "must contain a letter, so it is never mistaken for an id")
            }
            name = text
        }
        let languages = try changes.languages.map { (text) throws(KringError) in
            try Language.parseList(text, field: "languages")
        }
        let audiences = try changes.audiences.map { (text) throws(KringError) in
            text.trimmingCharacters(in: .whitespaces).lowercased() == "all"
                ? Audience.allCases : try Audience.parseList(text, field: "audiences")
        }
        let checked = try NewFacilitator(
            displayName: name, languages: languages ?? facilitator.languages,
            canLead: changes.lead ?? facilitator.canLead, audiences: audiences ?? facilitator.audiences
        ).validated()
        if changes.name != nil,
            try allFacilitators().contains(where: {
                $0.id != facilitator.id && TextRules.sameName($0.displayName, checked.displayName)
            })
        {
            throw .conflict(
                "name", changes.name!, "another facilitator already has this name, or one that looks the same")
        }
        facilitator.displayName = checked.displayName
        facilitator.languages = checked.languages
        facilitator.canLead = checked.canLead
        facilitator.audiences = checked.audiences
        try updateFacilitatorDetails(facilitator)
        return true
    }
}
