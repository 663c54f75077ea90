import Foundation
import KringSolver

/// A broken hard rule (or a false claim in the plan's report) found by `PlanChecker`.
public struct Violation: Sendable, Hashable, CustomStringConvertible {
    /// Which rule; the names follow the brief's rule list, not the solver's internals.
    public enum Rule: String, Sendable, Hashable {
        case language, audience, leadCannotLead, outsideWeeklyWindow, blockout, busy, overlap, weeklyMaximum
        case monthlyMaximum, excludedFromGroup, duplicateInSession, unknownFacilitator, unknownSession
        case fixedAssignmentChanged, tooManyAssignments, missingSession, misreportedScore, unexplainedSlot
    }

    public var rule: Rule
    public var sessionId: Int64?
    public var facilitatorId: Int64?
    /// True when every assignment involved is pinned or in a past session: the input's fault, not the plan's.
    public var isPreexisting: Bool
    public var detail: String
    /// The other session of an `overlap` (the one it clashes with); nil for every other rule.
    public var relatedSessionId: Int64? = nil

    public var description: String {
        "\(rule.rawValue) session \(sessionId.map(String.init) ?? "-") facilitator "
            + "\(facilitatorId.map(String.init) ?? "-")\(isPreexisting ? " (pre-existing)" : ""): \(detail)"
    }
}

/// Checks a plan against every hard rule, written from the rule list alone and sharing no code with the solver.
///
/// It is deliberately plain: Foundation calendars instead of the solver's integer clock, pairwise scans instead of
/// indexes. Slow is fine here; being a second, independent opinion is the point.
public enum PlanChecker {
    /// Every hard-rule violation in the plan; callers usually ignore those marked `isPreexisting`.
    public static func violations(_ problem: AssignmentProblem, _ plan: AssignmentPlan) -> [Violation] {
        let context = Context(problem)
        var found: [Violation] = []
        func report(
            _ rule: Violation.Rule, _ s: Int64?, _ f: Int64?, fixed: Bool, _ detail: String, related: Int64? = nil
        ) {
            found.append(
                Violation(
                    rule: rule, sessionId: s, facilitatorId: f, isPreexisting: fixed, detail: detail,
                    relatedSessionId: related))
        }

        var planned: [Int64: PlannedSession] = [:]
        for p in plan.sessions {
            if context.session[p.sessionId] == nil { report(.unknownSession, p.sessionId, nil, fixed: false, "") }
            planned[p.sessionId] = p
        }
        // Pinned and past assignments are kept exactly, lead flag included.
        for session in problem.sessions {
            guard let p = planned[session.id] else {
                report(.missingSession, session.id, nil, fixed: false, "plan omits the session")
                continue
            }
            for e in session.existing where e.pinned || session.isPast {
                if !p.assignments.contains(where: { $0.facilitatorId == e.facilitatorId && $0.isLead == e.isLead }) {
                    report(.fixedAssignmentChanged, session.id, e.facilitatorId, fixed: false, "pinned or past")
                }
            }
            if session.isPast {
                for a in p.assignments where !session.existing.contains(where: { $0.facilitatorId == a.facilitatorId })
                {
                    report(
                        .fixedAssignmentChanged, session.id, a.facilitatorId, fixed: false, "added to a past session")
                }
            }
        }

        // Every (session, facilitator) pair of the plan, marked fixed when the input pinned it or it is past.
        var mine: [Int64: [Item]] = [:]
        for p in plan.sessions {
            guard let session = context.session[p.sessionId] else { continue }
            var seen: [Int64] = []
            let given = session.existing.filter { $0.pinned || session.isPast }.map(\.facilitatorId)
            if p.assignments.count > session.slotsNeeded
                && p.assignments.contains(where: { !given.contains($0.facilitatorId) })
            {
                report(.tooManyAssignments, session.id, nil, fixed: false, "\(p.assignments.count) assigned")
            }
            for a in p.assignments {
                let isFixed = given.contains(a.facilitatorId)
                guard let person = context.person[a.facilitatorId] else {
                    report(.unknownFacilitator, session.id, a.facilitatorId, fixed: isFixed, "")
                    continue
                }
                if seen.contains(a.facilitatorId) {
                    report(.duplicateInSession, session.id, a.facilitatorId, fixed: isFixed, "two slots")
                }
                seen.append(a.facilitatorId)
                for rule in context.ownRules(person, session, isLead: a.isLead) {
                    report(rule.0, session.id, person.id, fixed: isFixed, rule.1)
                }
                mine[person.id, default: []].append(Item(session: session, fixed: isFixed))
            }
        }

        // Rules between a person's sessions: overlaps and maxima.
        for person in problem.facilitators {
            let items = (mine[person.id] ?? []).sorted { $0.session.start < $1.session.start }
            for a in items.indices {
                for b in items.indices where b > a {
                    if context.clash(items[a].session, items[b].session) {
                        report(
                            .overlap, items[b].session.id, person.id, fixed: items[a].fixed && items[b].fixed,
                            "with session \(items[a].session.id)", related: items[a].session.id)
                    }
                }
            }
            let calendar = context.calendar(person)
            if let limit = person.maxPerWeek {
                let weeks = Dictionary(grouping: items) {
                    let c = calendar.iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: $0.session.start)
                    return "\(c.yearForWeekOfYear ?? 0)-W\(c.weekOfYear ?? 0)"
                }
                for (week, list) in weeks where list.count > limit {
                    report(
                        .weeklyMaximum, nil, person.id, fixed: list.allSatisfy(\.fixed),
                        "\(list.count) in \(week), maximum \(limit)")
                }
            }
            if let limit = person.maxPerMonth {
                let months = Dictionary(grouping: items) {
                    let c = calendar.gregorian.dateComponents([.year, .month], from: $0.session.start)
                    return "\(c.year ?? 0)-\(c.month ?? 0)"
                }
                for (month, list) in months where list.count > limit {
                    report(
                        .monthlyMaximum, nil, person.id, fixed: list.allSatisfy(\.fixed),
                        "\(list.count) in \(month), maximum \(limit)")
                }
            }
        }

        // The plan's own report must be true: score counts and one explanation per empty slot it planned.
        let expectedUnfilled = problem.sessions.filter { !$0.isPast }.reduce(0) { sum, session in
            sum + max(0, session.slotsNeeded - (planned[session.id]?.assignments.count ?? 0))
        }
        if plan.score.unfilledSlots != expectedUnfilled {
            report(
                .misreportedScore, nil, nil, fixed: false, "unfilled \(plan.score.unfilledSlots) vs \(expectedUnfilled)"
            )
        }
        let expectedMissing = problem.sessions.filter { session in
            guard !session.isPast, session.needsLead else { return false }
            return !(planned[session.id]?.assignments ?? []).contains {
                $0.isLead && context.person[$0.facilitatorId]?.canLead == true
            }
        }.count
        if plan.score.missingLeads != expectedMissing {
            report(
                .misreportedScore, nil, nil, fixed: false,
                "missing leads \(plan.score.missingLeads) vs \(expectedMissing)")
        }
        for slot in plan.unfilled where slot.blocks.count != problem.facilitators.count {
            report(.unexplainedSlot, slot.sessionId, nil, fixed: false, "not every facilitator has a reason")
        }
        return found
    }

    /// The violations the plan itself introduced.
    public static func introducedViolations(_ problem: AssignmentProblem, _ plan: AssignmentPlan) -> [Violation] {
        violations(problem, plan).filter { !$0.isPreexisting }
    }

    /// Whether `rule` really stops `facilitatorId` from joining `sessionId` as the plan stands.
    ///
    /// Rules that depend on other assignments (overlap, maxima, membership) are judged against the plan.
    public static func confirms(
        _ problem: AssignmentProblem, _ plan: AssignmentPlan, sessionId: Int64, facilitatorId: Int64,
        rule: BlockingRule
    ) -> Bool {
        let context = Context(problem)
        guard let session = context.session[sessionId], let person = context.person[facilitatorId] else {
            return false
        }
        let theirs = plan.sessions.filter { p in
            p.sessionId != sessionId && p.assignments.contains { $0.facilitatorId == facilitatorId }
        }.compactMap { context.session[$0.sessionId] }
        let calendar = context.calendar(person)
        switch rule {
        case .language: return !person.languages.contains(session.language)
        case .audience: return !person.audiences.contains(session.audience)
        case .notLead: return !person.canLead
        case .outsideWeeklyWindow: return !context.inWindow(person, session)
        case .blockout(let interval):
            return person.blockouts.contains(interval) && Context.overlaps(interval, session)
        case .busy(let interval): return person.busy.contains(interval) && Context.overlaps(interval, session)
        case .overlapsOwnSession(let otherId):
            guard let other = theirs.first(where: { $0.id == otherId }) else { return false }
            return context.clash(session, other)
        case .weeklyMaximum(let limit):
            guard person.maxPerWeek == limit else { return false }
            let key = calendar.iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: session.start)
            let count = theirs.filter {
                calendar.iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: $0.start) == key
            }.count
            return count + 1 > limit
        case .monthlyMaximum(let limit):
            guard person.maxPerMonth == limit else { return false }
            let key = calendar.gregorian.dateComponents([.year, .month], from: session.start)
            let count = theirs.filter { calendar.gregorian.dateComponents([.year, .month], from: $0.start) == key }
                .count
            return count + 1 > limit
        case .excludedFromGroup: return person.excludedGroups.contains(session.groupId)
        case .alreadyInSession:
            return plan.sessions.first { $0.sessionId == sessionId }?.assignments.contains {
                $0.facilitatorId == facilitatorId
            } ?? false
        case .declined:
            // A decline is only true of someone the problem had in the session and the plan no longer has.
            let had = session.existing.contains { $0.facilitatorId == facilitatorId }
            let has =
                plan.sessions.first { $0.sessionId == sessionId }?.assignments.contains {
                    $0.facilitatorId == facilitatorId
                } ?? false
            return had && !has
        }
    }

    /// The objective of a plan, computed from the definition on `PlanScore`; tests compare it with the solver's.
    public static func score(_ problem: AssignmentProblem, _ plan: AssignmentPlan) -> PlanScore {
        let context = Context(problem)
        var members: [Int64: [PlannedAssignment]] = [:]
        for p in plan.sessions { members[p.sessionId] = p.assignments }
        var unfilled = 0
        var missing = 0
        var preference = 0.0
        var stability = 0.0
        var load: [Int64: Int] = [:]
        for session in problem.sessions {
            let list = members[session.id] ?? []
            for a in list { load[a.facilitatorId, default: 0] += 1 }
            guard !session.isPast else { continue }
            unfilled += max(0, session.slotsNeeded - list.count)
            if session.needsLead
                && !list.contains(where: { $0.isLead && context.person[$0.facilitatorId]?.canLead == true })
            {
                missing += 1
            }
            for a in list {
                guard let person = context.person[a.facilitatorId] else { continue }
                if !person.preferredGroups.isEmpty && !person.preferredGroups.contains(session.groupId) {
                    preference += 1
                }
                if !person.preferredWeekdays.isEmpty,
                    let day = context.isoWeekday(person, session.start), !person.preferredWeekdays.contains(day)
                {
                    preference += 1
                }
            }
            for e in session.existing where e.published && !e.pinned {
                if !list.contains(where: { $0.facilitatorId == e.facilitatorId }) { stability += 1 }
            }
        }
        var continuity = 0.0
        for (_, sessions) in Dictionary(grouping: problem.sessions, by: \.groupId) {
            let ordered = sessions.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                let before = Set((members[earlier.id] ?? []).map(\.facilitatorId))
                continuity += Double((members[later.id] ?? []).filter { !before.contains($0.facilitatorId) }.count)
            }
        }
        let first = problem.sessions.map(\.start).min() ?? Date(timeIntervalSince1970: 0)
        let last = problem.sessions.map(\.end).max() ?? first
        let months = max(1, last.timeIntervalSince(first) / (30.436875 * 86_400))
        var fairness = 0.0
        for person in problem.facilitators {
            let monthly: Double =
                if let m = person.maxPerMonth { Double(m) } else if let w = person.maxPerWeek {
                    Double(w) * 52 / 12
                } else {
                    problem.weights.defaultMonthlyCapacity
                }
            let n = Double(load[person.id] ?? 0)
            fairness += n * n / (max(monthly, 0.5) * months)
        }
        return PlanScore(
            unfilledSlots: unfilled, missingLeads: missing, continuity: continuity, fairness: fairness,
            preference: preference, stability: stability, weights: problem.weights)
    }
}

private struct Item {
    var session: PlanningSession
    var fixed: Bool
}

private struct Calendars {
    var iso: Calendar
    var gregorian: Calendar
}

/// Look-ups shared by the checks above.
private struct Context {
    let problem: AssignmentProblem
    let session: [Int64: PlanningSession]
    let person: [Int64: PlanningFacilitator]
    let calendars: [String: Calendars]

    init(_ problem: AssignmentProblem) {
        self.problem = problem
        session = Dictionary(problem.sessions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        person = Dictionary(problem.facilitators.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var calendars: [String: Calendars] = [:]
        for id in Set(problem.facilitators.map(\.timeZoneIdentifier)) {
            let zone = TimeZone(identifier: id) ?? .gmt
            var iso = Calendar(identifier: .iso8601)
            iso.timeZone = zone
            var gregorian = Calendar(identifier: .gregorian)
            gregorian.timeZone = zone
            calendars[id] = Calendars(iso: iso, gregorian: gregorian)
        }
        self.calendars = calendars
    }

    func calendar(_ person: PlanningFacilitator) -> Calendars { calendars[person.timeZoneIdentifier]! }

    func isoWeekday(_ person: PlanningFacilitator, _ date: Date) -> Weekday? {
        let weekday = calendar(person).gregorian.component(.weekday, from: date)  // 1 = Sunday
        return Weekday(rawValue: weekday == 1 ? 7 : weekday - 1)
    }

    /// Rules about one assignment on its own.
    func ownRules(
        _ person: PlanningFacilitator, _ session: PlanningSession, isLead: Bool
    ) -> [(Violation.Rule, String)] {
        var broken: [(Violation.Rule, String)] = []
        if !person.languages.contains(session.language) { broken.append((.language, session.language)) }
        if !person.audiences.contains(session.audience) { broken.append((.audience, session.audience)) }
        if isLead && !person.canLead { broken.append((.leadCannotLead, "")) }
        if !inWindow(person, session) { broken.append((.outsideWeeklyWindow, "")) }
        if person.blockouts.contains(where: { Self.overlaps($0, session) }) { broken.append((.blockout, "")) }
        if person.busy.contains(where: { Self.overlaps($0, session) }) { broken.append((.busy, "")) }
        if person.excludedGroups.contains(session.groupId) { broken.append((.excludedFromGroup, "")) }
        return broken
    }

    static func overlaps(_ interval: DateInterval, _ session: PlanningSession) -> Bool {
        interval.start < session.end && session.start < interval.end
    }

    /// Same local day, and one window from start to end in wall-clock minutes.
    func inWindow(_ person: PlanningFacilitator, _ session: PlanningSession) -> Bool {
        let cal = calendar(person).gregorian
        let s = cal.dateComponents([.hour, .minute], from: session.start)
        let e = cal.dateComponents([.hour, .minute], from: session.end)
        let days = cal.dateComponents(
            [.day], from: cal.startOfDay(for: session.start), to: cal.startOfDay(for: session.end))
        guard let day = isoWeekday(person, session.start) else { return false }
        let from = (s.hour ?? 0) * 60 + (s.minute ?? 0)
        let to = (days.day ?? 0) * 1440 + (e.hour ?? 0) * 60 + (e.minute ?? 0)
        return person.windows.contains { $0.weekday == day && $0.startMinute <= from && to <= $0.endMinute }
    }

    func clash(_ a: PlanningSession, _ b: PlanningSession) -> Bool {
        let buffer: TimeInterval = a.online && b.online ? 0 : TimeInterval(problem.travelBufferMinutes * 60)
        return a.start < b.end.addingTimeInterval(buffer) && b.start < a.end.addingTimeInterval(buffer)
    }
}
