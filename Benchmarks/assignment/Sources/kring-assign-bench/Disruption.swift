import Foundation
import KringSolver

/// The disruption case: the plan was published, then some facilitators drop out from a given week on.
///
/// Sessions before the cut-off (noon UTC, `fromWeek − 1` weeks after the first session's day) become history (past, kept as planned). From the cut-off every planned assignment
/// is published, so dropping one costs stability, and each removed facilitator gets a blockout over the rest of
/// the horizon. Re-solving then shows how many assignments change beyond the ones that must.
struct Disruption {
    var problem: AssignmentProblem
    var removed: [Int64]
    var forcedRemovals: Int

    static func make(
        problem: AssignmentProblem, plan: AssignmentPlan, fromWeek: Int, share: Double, seed: UInt64
    ) -> Disruption {
        let first = problem.sessions.map(\.start).min() ?? Date(timeIntervalSince1970: 0)
        let last = problem.sessions.map(\.end).max() ?? first
        // Noon UTC falls between the evening sessions of every generated zone (Europe to Toronto), so no session
        // straddles the cut-off and history never overlaps the removed facilitators' blockout.
        let firstDay = (first.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        let cutoff = Date(timeIntervalSince1970: firstDay + TimeInterval((fromWeek - 1) * 7 * 86_400) + 43_200)

        // Drawn among the facilitators who hold assignments from the cut-off on: dropping an idle one tests nothing.
        let late = Set(problem.sessions.filter { $0.start >= cutoff }.map(\.id))
        var active = Set<Int64>()
        for s in plan.sessions where late.contains(s.sessionId) { active.formUnion(s.assignments.map(\.facilitatorId)) }
        var ids = active.sorted()
        var rng = SplitMix64(seed: seed &+ 0xD15C)
        for i in stride(from: ids.count - 1, to: 0, by: -1) { ids.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let count = min(ids.count, max(1, Int((share * Double(problem.facilitators.count)).rounded())))
        let removed = Set(ids.prefix(count))

        var planned: [Int64: [PlannedAssignment]] = [:]
        for s in plan.sessions { planned[s.sessionId] = s.assignments }
        var disrupted = problem
        var forced = 0
        for k in disrupted.sessions.indices {
            let session = disrupted.sessions[k]
            let assignments = planned[session.id] ?? []
            let isHistory = session.start < cutoff
            disrupted.sessions[k].isPast = session.isPast || isHistory
            disrupted.sessions[k].existing = assignments.map {
                ExistingAssignment(
                    facilitatorId: $0.facilitatorId, isLead: $0.isLead, pinned: $0.isPinned, published: true)
            }
            if !isHistory { forced += assignments.filter { removed.contains($0.facilitatorId) }.count }
        }
        let gone = DateInterval(start: cutoff, end: last.addingTimeInterval(86_400))
        for k in disrupted.facilitators.indices where removed.contains(disrupted.facilitators[k].id) {
            disrupted.facilitators[k].blockouts.append(gone)
        }
        return Disruption(problem: disrupted, removed: removed.sorted(), forcedRemovals: forced)
    }
}
