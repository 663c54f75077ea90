import Foundation
import KringDomain
import KringPlanChecker
import KringSolver
import KringStorage

/// A stored assignment of an upcoming session that breaks a hard rule as the data stands now: a blockout, weekly
/// window or imported busy time added after it was planned, a session moved onto a facilitator's time away, an
/// exclusion, a change of their languages or audiences. Reporting one changes nothing: the assignment stays (and the
/// facilitator's calendar with it) until a coordinator re-plans (`kring assign --only-affected`) or removes it.
public struct AssignmentConflict: Codable, Sendable, Hashable {
    public let sessionId: Int64
    public let groupId: Int64
    /// The group's internal name.
    public let group: String
    /// ISO 8601 with the group's offset.
    public let start: String
    public let end: String
    public let facilitatorId: Int64
    public let facilitator: String
    /// A stable key, the checker's: language, audience, leadCannotLead, outsideWeeklyWindow, blockout, busy,
    /// overlap, excludedFromGroup.
    public let rule: String
    /// For an overlap, the facilitator's other session it clashes with.
    public let otherSessionId: Int64?
    /// The broken rule as a coordinator reads it ("breaks the hard rule 'blockout': blocked out 2027-02-15 to …").
    public let text: String
}

extension KringTransaction {
    /// The hard rules a stored assignment can come to break by a later change. Maxima are left out: they concern a
    /// facilitator's week or month, not one session, and `kring assign` reports them.
    static let conflictRules: Set<Violation.Rule> = [
        .language, .audience, .leadCannotLead, .outsideWeeklyWindow, .blockout, .busy, .overlap, .excludedFromGroup,
    ]

    /// Every stored assignment of a session that has not started (and is not cancelled) that breaks a hard rule now,
    /// judged by the same independent checker `kring assign` and `assignment set` use, over the same problem the
    /// solver would get (declines, busy times, exclusions through participants included). Nil filters mean all; a
    /// conflict matches `sessionIDs` through its own session or, for an overlap, the session it clashes with.
    ///
    /// Every change that can break such a rule calls this and shows the result in its own output and answer:
    /// availability, blockouts, busy-time import, exclusions, session moves (and a change of a facilitator's
    /// languages or audiences). It reads only; nothing is re-planned and no calendar changes.
    func conflictsOfStoredAssignments(facilitatorIDs: Set<Int64>? = nil, sessionIDs: Set<Int64>? = nil)
        throws(KringError) -> [AssignmentConflict]
    {
        let loaded = try transaction.loadAssignmentProblem(scope: .everything, now: now)
        return loaded.conflictsOfStoredAssignments(
            facilitatorIDs: facilitatorIDs, sessionIDs: sessionIDs, clock: { transaction.clock(for: $0) })
    }
}

extension LoadedProblem {
    /// The stored plan's hard-rule violations in open sessions, as coordinators read them, in session order.
    func conflictsOfStoredAssignments(
        facilitatorIDs: Set<Int64>?, sessionIDs: Set<Int64>?, clock: (SupportGroup) -> ZonedClock
    ) -> [AssignmentConflict] {
        var found: Set<AssignmentConflict> = []
        for violation in PlanChecker.violations(problem, storedPlan())
        where KringTransaction.conflictRules.contains(violation.rule) {
            guard let sessionId = violation.sessionId, let facilitatorId = violation.facilitatorId,
                inScope.contains(sessionId), let session = sessions[sessionId], let group = groups[session.groupId]
            else { continue }
            if let facilitatorIDs, !facilitatorIDs.contains(facilitatorId) { continue }
            if let sessionIDs, !sessionIDs.contains(sessionId),
                !(violation.relatedSessionId.map(sessionIDs.contains) ?? false)
            {
                continue
            }
            let zone = clock(group)
            found.insert(
                AssignmentConflict(
                    sessionId: sessionId, groupId: group.id, group: group.internalName,
                    start: zone.iso8601(session.startsAt), end: zone.iso8601(session.endsAt),
                    facilitatorId: facilitatorId, facilitator: name(of: facilitatorId), rule: violation.rule.rawValue,
                    otherSessionId: violation.relatedSessionId,
                    text: describe(violation, facilitator: facilitatorId)))
        }
        func key(_ c: AssignmentConflict) -> (Date, Int64, Int64, String) {
            (sessions[c.sessionId]?.startsAt ?? .distantPast, c.sessionId, c.facilitatorId, c.rule)
        }
        return found.sorted { key($0) < key($1) }
    }
}
