import Foundation

/// Assigns facilitators to sessions: every hard rule kept, as few empty slots and missing leads as possible,
/// then the weighted soft goals. Deterministic for a given problem, options and seed.
public enum AssignmentSolver {
    /// Plans every open slot of the sessions in scope; pinned assignments, past sessions and sessions outside the
    /// scope are kept exactly as given. Existing draft and published assignments are a warm start that the search
    /// may change (a change to a published one costs stability).
    public static func solve(_ problem: AssignmentProblem, options: SolverOptions = .init()) throws -> AssignmentPlan {
        var engine = try Engine(problem: problem, scope: options.scope)
        engine.layOutSlots(keepAsGiven: false)
        engine.computeCandidates()
        let scope = (0..<engine.sessionCount).filter { !engine.frozen[$0] }
        engine.greedyFill(sessions: scope)
        engine.repairEmptySlots(sessions: scope, maxDepth: options.repairDepth)
        // Descent first: it takes the many easy gains cheaply, leaving annealing to escape the local optimum.
        engine.polish(sessions: scope)
        engine.localSearch(sessions: scope, options: options)
        engine.repairEmptySlots(sessions: scope, maxDepth: options.repairDepth)
        engine.polish(sessions: scope)
        return engine.plan(explainedSessions: scope, explain: options.explain)
    }

    /// Re-plans the one slot a facilitator declined, changing as little else as possible.
    ///
    /// The decliner leaves the session and may not return to it. Everyone else stays where the problem has them
    /// (even if they now break a rule: that is for a full `solve`). The slot goes to the best free candidate; if
    /// nobody is free, the shortest ejection chain (one facilitator moving over from another session whose slot is
    /// then refilled, up to `options.repairDepth` steps) is used. Pinned and past assignments never move.
    public static func replanAfterDecline(
        _ problem: AssignmentProblem, sessionId: Int64, facilitatorId: Int64, options: SolverOptions = .init()
    ) throws -> AssignmentPlan {
        var engine = try Engine(problem: problem, scope: nil)
        guard let s = engine.sessionIndex[sessionId] else { throw SolverError.unknownSession(sessionId) }
        guard let f = engine.facilitatorIndex[facilitatorId],
            problem.sessions[s].existing.contains(where: { $0.facilitatorId == facilitatorId })
        else { throw SolverError.notAssigned(facilitatorId) }
        guard !problem.sessions[s].isPast else { throw SolverError.pastSession(sessionId) }
        engine.declined[s] = f
        engine.layOutSlots(keepAsGiven: true, skip: (s, f))
        engine.computeCandidates()
        engine.repairEmptySlots(sessions: [s], maxDepth: options.repairDepth)
        return engine.plan(explainedSessions: [s], explain: options.explain)
    }
}

extension Engine {
    /// Assembles the answer: assignments in problem order, score, explanations and pre-existing issues.
    mutating func plan(explainedSessions: [Int], explain: Bool) -> AssignmentPlan {
        var sessions: [PlannedSession] = []
        for (s, session) in problem.sessions.enumerated() {
            var list: [PlannedAssignment] = fixed[s].map {
                PlannedAssignment(
                    facilitatorId: problem.facilitators[$0.facilitator].id, isLead: $0.isLead, isPinned: $0.pinned,
                    origin: .fixed)
            }
            for i in slotOffset[s]..<(slotOffset[s] + slotCount[s]) where slotFacilitator[i] >= 0 {
                let id = problem.facilitators[slotFacilitator[i]].id
                let existed = session.existing.contains { $0.facilitatorId == id }
                list.append(
                    PlannedAssignment(
                        facilitatorId: id, isLead: slotIsLead[i], isPinned: false, origin: existed ? .kept : .new))
            }
            sessions.append(PlannedSession(sessionId: session.id, assignments: list))
        }
        let c = fullComponents()
        let score = PlanScore(
            unfilledSlots: Int(c.unfilled), missingLeads: Int(c.missingLeads), continuity: c.continuity,
            fairness: c.fairness, preference: c.preference, stability: c.stability, weights: weights)

        var unfilled: [UnfilledSlot] = []
        for s in explainedSessions where !past[s] {
            for i in slotOffset[s]..<(slotOffset[s] + slotCount[s]) where slotFacilitator[i] < 0 {
                unfilled.append(explainEmpty(slot: i))
            }
        }
        var issues: [PreexistingIssue] = []
        for s in 0..<sessionCount {
            for a in fixed[s] where a.pinned || past[s] {
                if let rule = firstBlock(a.facilitator, s, leadSlot: a.isLead), rule != .alreadyInSession {
                    issues.append(
                        PreexistingIssue(
                            sessionId: problem.sessions[s].id, facilitatorId: problem.facilitators[a.facilitator].id,
                            rule: rule))
                }
            }
        }
        let justifications = explain ? explainedSessions.flatMap { justify(session: $0) } : []
        return AssignmentPlan(
            sessions: sessions, score: score, unfilled: unfilled, preexistingIssues: issues,
            justifications: justifications)
    }

    func explainEmpty(slot: Int) -> UnfilledSlot {
        let s = slotSession[slot]
        let session = problem.sessions[s]
        let lead = slotIsLead[slot]
        let blocks = (0..<facilitatorCount).map { f in
            CandidateBlock(facilitatorId: problem.facilitators[f].id, rule: firstBlock(f, s, leadSlot: lead))
        }
        var reasons: [String] = []
        for (f, block) in blocks.enumerated() {
            // The headline already says "French-speaking lead", so those two rules need no line per person.
            if block.rule == .language || block.rule == .notLead { continue }
            let name = problem.facilitators[f].displayName
            reasons.append("\(name) \(block.rule?.phrase ?? "free, but this run did not re-plan this session")")
        }
        let languageName =
            Locale(identifier: "en_US").localizedString(forLanguageCode: session.language)
            ?? session.language
        var text = "no \(languageName)-speaking \(lead ? "lead" : "facilitator") free on \(Self.display(session))"
        text += reasons.isEmpty ? ": nobody on the roster qualifies" : ": " + reasons.joined(separator: ", ")
        return UnfilledSlot(sessionId: session.id, isLeadSlot: lead, blocks: blocks, text: text)
    }

    static func display(_ session: PlanningSession) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: session.timeZoneIdentifier) ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: session.start)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// For each open assignment of the session: the best feasible replacement and what swapping to it would cost.
    mutating func justify(session s: Int) -> [Justification] {
        var result: [Justification] = []
        for i in slotOffset[s]..<(slotOffset[s] + slotCount[s]) where slotFacilitator[i] >= 0 {
            let f = slotFacilitator[i]
            var best: (Int, Components)?
            for g in candidates[s] where g != f && (!slotIsLead[i] || canLead[g]) && !contains(s, g) {
                let before = localComponents(sessions: [s], facilitators: [f, g])
                unassign(i)
                if canAdd(g, s) {
                    assign(i, g)
                    let delta = localComponents(sessions: [s], facilitators: [f, g]) - before
                    unassign(i)
                    if best == nil || delta.total(weights) < best!.1.total(weights) - 1e-9 { best = (g, delta) }
                }
                assign(i, f)
            }
            let delta = best.map { b in
                let d = b.1
                return ScoreDelta(
                    unfilledSlots: d.unfilled, missingLeads: d.missingLeads, continuity: d.continuity,
                    fairness: d.fairness, preference: d.preference, stability: d.stability, total: d.total(weights))
            }
            result.append(
                Justification(
                    sessionId: problem.sessions[s].id, facilitatorId: problem.facilitators[f].id,
                    runnerUpId: best.map { problem.facilitators[$0.0].id }, delta: delta))
        }
        return result
    }
}
