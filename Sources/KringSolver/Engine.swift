import Foundation

/// An assignment the run may not touch: pinned, in a past session, or in a session outside the scope.
struct FixedAssignment {
    var facilitator: Int
    var isLead: Bool
    var pinned: Bool
}

/// Objective components of part of a plan; the same shape as `PlanScore` but additive.
struct Components {
    var unfilled = 0.0
    var missingLeads = 0.0
    var continuity = 0.0
    var fairness = 0.0
    var preference = 0.0
    var stability = 0.0

    static func - (a: Components, b: Components) -> Components {
        Components(
            unfilled: a.unfilled - b.unfilled, missingLeads: a.missingLeads - b.missingLeads,
            continuity: a.continuity - b.continuity, fairness: a.fairness - b.fairness,
            preference: a.preference - b.preference, stability: a.stability - b.stability)
    }

    func total(_ w: ObjectiveWeights) -> Double {
        PlanScore.bigM * (unfilled + missingLeads) + w.continuity * continuity + w.fairness * fairness
            + w.preference * preference + w.stability * stability
    }
}

/// The mutable working state of one solver run, indexed by dense integers for speed.
///
/// Sessions and facilitators are referred to by their position in the problem. Each session has "open" slots
/// (`slotFacilitator`, -1 when empty) that the run may fill or change, next to the fixed assignments it must keep.
/// Per-facilitator sorted session lists and week/month counters make every feasibility test logarithmic or
/// constant, which is what lets local search run millions of moves.
struct Engine {
    let problem: AssignmentProblem
    let weights: ObjectiveWeights
    let sessionCount: Int
    let facilitatorCount: Int

    // Sessions.
    let start: [Int]
    let end: [Int]
    let online: [Bool]
    let group: [Int]
    let language: [Int]
    let audience: [Int]
    let past: [Bool]
    var frozen: [Bool]
    var fixed: [[FixedAssignment]]
    /// Published, non-pinned facilitators of each non-past session: dropping one costs stability.
    var published: [[Int]]
    var declined: [Int]
    let bufferSeconds: Int
    let longestSession: Int

    // Open slots, flattened.
    var slotOffset: [Int] = []
    var slotCount: [Int] = []
    var slotSession: [Int] = []
    var slotIsLead: [Bool] = []
    var slotFacilitator: [Int] = []

    // Facilitators.
    let zoneIndex: [Int]
    /// local[zone][session]
    let local: [[LocalSlot]]
    let canLead: [Bool]
    let speaks: [[Bool]]
    let qualified: [[Bool]]
    let maxWeek: [Int]
    let maxMonth: [Int]
    let capacity: [Double]
    let windows: [[[(Int, Int)]]]
    let blockouts: [IntervalIndex]
    let busy: [IntervalIndex]
    let excluded: [Set<Int>]
    let preferredGroups: [Set<Int>]
    let preferredDays: [Int]

    // Dynamic state.
    var agenda: [[Int]]
    var weekCount: [Int32]
    var monthCount: [Int32]
    let weekBase: Int
    let weekSpan: Int
    let monthBase: Int
    let monthSpan: Int
    var load: [Int]

    // Groups and candidates.
    let groupSessions: [[Int]]
    let positionInGroup: [Int]
    var candidates: [[Int]] = []

    let facilitatorIndex: [Int64: Int]
    let sessionIndex: [Int64: Int]

    init(problem: AssignmentProblem, scope: DateInterval?) throws {
        self.problem = problem
        weights = problem.weights
        let sessions = problem.sessions
        let people = problem.facilitators
        sessionCount = sessions.count
        facilitatorCount = people.count
        bufferSeconds = max(0, problem.travelBufferMinutes) * 60

        var sIndex: [Int64: Int] = [:]
        for (i, s) in sessions.enumerated() {
            guard sIndex.updateValue(i, forKey: s.id) == nil else { throw SolverError.duplicateId(s.id) }
            guard s.end > s.start else { throw SolverError.invalidInterval(s.id) }
            guard TimeZone(identifier: s.timeZoneIdentifier) != nil else {
                throw SolverError.unknownTimeZone(s.timeZoneIdentifier)
            }
        }
        var fIndex: [Int64: Int] = [:]
        for (i, f) in people.enumerated() {
            guard fIndex.updateValue(i, forKey: f.id) == nil else { throw SolverError.duplicateId(f.id) }
        }
        sessionIndex = sIndex
        facilitatorIndex = fIndex

        // Interned codes keep the inner loops on integers; sorted so indices never depend on hashing order.
        let languageCodes = Array(Set(sessions.map(\.language) + people.flatMap(\.languages))).sorted()
        let audienceCodes = Array(Set(sessions.map(\.audience) + people.flatMap(\.audiences))).sorted()
        let languageId = Dictionary(uniqueKeysWithValues: languageCodes.enumerated().map { ($1, $0) })
        let audienceId = Dictionary(uniqueKeysWithValues: audienceCodes.enumerated().map { ($1, $0) })
        let groupIds = Array(
            Set(sessions.map(\.groupId) + people.flatMap(\.excludedGroups) + people.flatMap(\.preferredGroups))
        ).sorted()
        let groupId = Dictionary(uniqueKeysWithValues: groupIds.enumerated().map { ($1, $0) })

        start = sessions.map { Int($0.start.timeIntervalSince1970.rounded(.down)) }
        end = sessions.map { Int($0.end.timeIntervalSince1970.rounded(.down)) }
        online = sessions.map(\.online)
        group = sessions.map { groupId[$0.groupId]! }
        language = sessions.map { languageId[$0.language]! }
        audience = sessions.map { audienceId[$0.audience]! }
        past = sessions.map(\.isPast)
        frozen = sessions.map { s in s.isPast || (scope.map { !$0.contains(s.start) } ?? false) }
        longestSession = zip(start, end).map { $1 - $0 }.max() ?? 0
        declined = Array(repeating: -1, count: sessions.count)

        // Zones: one local table per distinct zone, not per facilitator.
        let zoneIds = Array(Set(people.map(\.timeZoneIdentifier))).sorted()
        var zones: [TimeZone] = []
        for id in zoneIds {
            guard let zone = TimeZone(identifier: id) else { throw SolverError.unknownTimeZone(id) }
            zones.append(zone)
        }
        let zoneId = Dictionary(uniqueKeysWithValues: zoneIds.enumerated().map { ($1, $0) })
        zoneIndex = people.map { zoneId[$0.timeZoneIdentifier]! }
        local = zones.map { zone in sessions.map { LocalClock.slot(start: $0.start, end: $0.end, zone: zone) } }
        let weeks = local.flatMap { $0.map(\.week) }
        let months = local.flatMap { $0.map(\.month) }
        weekBase = weeks.min() ?? 0
        weekSpan = (weeks.max() ?? 0) - weekBase + 1
        monthBase = months.min() ?? 0
        monthSpan = (months.max() ?? 0) - monthBase + 1

        canLead = people.map(\.canLead)
        speaks = people.map { f in languageCodes.map { f.languages.contains($0) } }
        qualified = people.map { f in audienceCodes.map { f.audiences.contains($0) } }
        maxWeek = people.map { $0.maxPerWeek ?? Int.max }
        maxMonth = people.map { $0.maxPerMonth ?? Int.max }
        let spanSeconds = Double((end.max() ?? 0) - (start.min() ?? 0))
        let spanMonths = max(1, spanSeconds / (30.436875 * 86_400))
        let defaultCapacity = problem.weights.defaultMonthlyCapacity
        capacity = people.map { f in
            let monthly = f.maxPerMonth.map(Double.init) ?? f.maxPerWeek.map { Double($0) * 52 / 12 } ?? defaultCapacity
            return max(monthly, 0.5) * spanMonths
        }
        windows = people.map { f in
            var byDay = Array(repeating: [(Int, Int)](), count: 8)
            for w in f.windows { byDay[w.weekday.rawValue].append((w.startMinute, w.endMinute)) }
            return byDay
        }
        blockouts = people.map { IntervalIndex($0.blockouts) }
        busy = people.map { IntervalIndex($0.busy) }
        excluded = people.map { Set($0.excludedGroups.compactMap { groupId[$0] }) }
        preferredGroups = people.map { Set($0.preferredGroups.compactMap { groupId[$0] }) }
        preferredDays = people.map { $0.preferredWeekdays.reduce(0) { $0 | (1 << $1.rawValue) } }

        agenda = Array(repeating: [], count: people.count)
        weekCount = Array(repeating: 0, count: people.count * weekSpan)
        monthCount = Array(repeating: 0, count: people.count * monthSpan)
        load = Array(repeating: 0, count: people.count)

        var byGroup = Array(repeating: [Int](), count: groupIds.count)
        for i in sessions.indices { byGroup[group[i]].append(i) }
        let starts = start
        for g in byGroup.indices {
            byGroup[g].sort { starts[$0] != starts[$1] ? starts[$0] < starts[$1] : sessions[$0].id < sessions[$1].id }
        }
        var position = Array(repeating: 0, count: sessions.count)
        for list in byGroup { for (p, s) in list.enumerated() { position[s] = p } }
        groupSessions = byGroup
        positionInGroup = position
        fixed = Array(repeating: [], count: sessions.count)
        published = Array(repeating: [], count: sessions.count)
    }

    // MARK: Slots

    /// Lays out open slots and places existing assignments: fixed ones as given, the others as a warm start.
    ///
    /// With `keepAsGiven` (re-planning one slot) every existing assignment stays even if it now breaks a rule,
    /// because touching other sessions is exactly what a re-plan must avoid.
    mutating func layOutSlots(keepAsGiven: Bool, skip: (session: Int, facilitator: Int)? = nil) {
        for (s, session) in problem.sessions.enumerated() {
            var seen: Set<Int> = []
            var movable: [ExistingAssignment] = []
            for a in session.existing {
                guard let f = facilitatorIndex[a.facilitatorId], seen.insert(f).inserted else { continue }
                if let skip, skip.session == s, skip.facilitator == f { continue }
                if frozen[s] || a.pinned {
                    fixed[s].append(FixedAssignment(facilitator: f, isLead: a.isLead, pinned: a.pinned))
                } else {
                    movable.append(a)
                }
                if a.published && !a.pinned && !session.isPast { published[s].append(f) }
            }
            let leadCovered = fixed[s].contains { $0.isLead && canLead[$0.facilitator] }
            let open = max(0, session.slotsNeeded - fixed[s].count)
            slotOffset.append(slotSession.count)
            slotCount.append(open)
            for k in 0..<open {
                slotSession.append(s)
                slotIsLead.append(k == 0 && session.needsLead && !leadCovered)
                slotFacilitator.append(-1)
            }
            for a in fixed[s] { attach(a.facilitator, s) }
            // Leads first so they can claim the lead slot.
            for a in movable.sorted(by: { $0.isLead && !$1.isLead }) {
                let f = facilitatorIndex[a.facilitatorId]!
                var placed = false
                for i in slotOffset[s]..<(slotOffset[s] + open) where slotFacilitator[i] < 0 {
                    if slotIsLead[i] && !canLead[f] { continue }
                    if !keepAsGiven && (staticBlock(f, s) != nil || !canAdd(f, s)) { break }
                    assign(i, f)
                    placed = true
                    break
                }
                if !placed && keepAsGiven {
                    // More existing assignments than slots: keep the extra one untouchable rather than drop it.
                    fixed[s].append(FixedAssignment(facilitator: f, isLead: a.isLead, pinned: false))
                    attach(f, s)
                }
            }
        }
    }

    mutating func computeCandidates() {
        candidates = (0..<sessionCount).map { s in
            guard !frozen[s], slotCount[s] > 0 else { return [] }
            return (0..<facilitatorCount).filter { staticBlock($0, s) == nil }
        }
    }

    // MARK: Rules

    /// Rules that do not depend on other assignments, in explanation order, skipping the lead rule.
    func staticBlock(_ f: Int, _ s: Int) -> BlockingRule? {
        if !speaks[f][language[s]] { return .language }
        if !qualified[f][audience[s]] { return .audience }
        if let rule = calendarBlock(f, s) { return rule }
        if excluded[f].contains(group[s]) { return .excludedFromGroup }
        if declined[s] == f { return .declined }
        return nil
    }

    func calendarBlock(_ f: Int, _ s: Int) -> BlockingRule? {
        let l = local[zoneIndex[f]][s]
        if !windows[f][l.weekday].contains(where: { $0.0 <= l.startMinute && l.endMinute <= $0.1 }) {
            return .outsideWeeklyWindow
        }
        if let hit = blockouts[f].firstOverlap(start[s], end[s]) { return .blockout(hit) }
        if let hit = busy[f].firstOverlap(start[s], end[s]) { return .busy(hit) }
        return nil
    }

    /// The first rule that stops `f` from joining `s`, judged as if `f` were not in `s` already.
    func firstBlock(_ f: Int, _ s: Int, leadSlot: Bool) -> BlockingRule? {
        if !speaks[f][language[s]] { return .language }
        if !qualified[f][audience[s]] { return .audience }
        if leadSlot && !canLead[f] { return .notLead }
        if let rule = calendarBlock(f, s) { return rule }
        if let t = overlapping(f, s) { return .overlapsOwnSession(sessionId: problem.sessions[t].id) }
        let member = contains(s, f) ? 1 : 0
        let l = local[zoneIndex[f]][s]
        if Int(weekCount[f * weekSpan + l.week - weekBase]) - member + 1 > maxWeek[f] {
            return .weeklyMaximum(limit: maxWeek[f])
        }
        if Int(monthCount[f * monthSpan + l.month - monthBase]) - member + 1 > maxMonth[f] {
            return .monthlyMaximum(limit: maxMonth[f])
        }
        if excluded[f].contains(group[s]) { return .excludedFromGroup }
        if member == 1 { return .alreadyInSession }
        if declined[s] == f { return .declined }
        return nil
    }

    func conflict(_ a: Int, _ b: Int) -> Bool {
        let gap = online[a] && online[b] ? 0 : bufferSeconds
        return start[a] < end[b] + gap && start[b] < end[a] + gap
    }

    /// Another session of `f` that clashes with `s`, travel buffer included.
    func overlapping(_ f: Int, _ s: Int) -> Int? {
        let list = agenda[f]
        // Sessions starting at or after s ends plus the buffer cannot clash; scan back from there.
        let limit = end[s] + bufferSeconds
        var i = upperBound(list, limit)
        let earliest = start[s] - bufferSeconds - longestSession
        while i > 0 {
            i -= 1
            let t = list[i]
            if start[t] < earliest { break }
            if t != s && conflict(s, t) { return t }
        }
        return nil
    }

    func overlappingAll(_ f: Int, _ s: Int) -> [Int] {
        let list = agenda[f]
        var i = upperBound(list, end[s] + bufferSeconds)
        let earliest = start[s] - bufferSeconds - longestSession
        var found: [Int] = []
        while i > 0 {
            i -= 1
            let t = list[i]
            if start[t] < earliest { break }
            if t != s && conflict(s, t) { found.append(t) }
        }
        return found
    }

    /// First index whose session starts at or after `time`.
    private func upperBound(_ list: [Int], _ time: Int) -> Int {
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if start[list[mid]] < time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func weekFull(_ f: Int, _ s: Int) -> Bool {
        let l = local[zoneIndex[f]][s]
        return Int(weekCount[f * weekSpan + l.week - weekBase]) >= maxWeek[f]
    }

    func monthFull(_ f: Int, _ s: Int) -> Bool {
        let l = local[zoneIndex[f]][s]
        return Int(monthCount[f * monthSpan + l.month - monthBase]) >= maxMonth[f]
    }

    /// Dynamic rules only: the caller has already checked the static ones (candidate lists hold only those).
    func canAdd(_ f: Int, _ s: Int) -> Bool {
        !contains(s, f) && !weekFull(f, s) && !monthFull(f, s) && overlapping(f, s) == nil
    }

    func contains(_ s: Int, _ f: Int) -> Bool {
        for a in fixed[s] where a.facilitator == f { return true }
        let o = slotOffset[s]
        for i in o..<(o + slotCount[s]) where slotFacilitator[i] == f { return true }
        return false
    }

    func isCandidate(_ f: Int, _ s: Int) -> Bool {
        let list = candidates[s]
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < f { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo] == f
    }

    // MARK: Mutation

    mutating func assign(_ slot: Int, _ f: Int) {
        slotFacilitator[slot] = f
        attach(f, slotSession[slot])
    }

    mutating func unassign(_ slot: Int) {
        let f = slotFacilitator[slot]
        guard f >= 0 else { return }
        slotFacilitator[slot] = -1
        detach(f, slotSession[slot])
    }

    private mutating func attach(_ f: Int, _ s: Int) {
        let i = upperBound(agenda[f], start[s])
        agenda[f].insert(s, at: i)
        let l = local[zoneIndex[f]][s]
        weekCount[f * weekSpan + l.week - weekBase] += 1
        monthCount[f * monthSpan + l.month - monthBase] += 1
        load[f] += 1
    }

    private mutating func detach(_ f: Int, _ s: Int) {
        if let i = agenda[f].firstIndex(of: s) { agenda[f].remove(at: i) }
        let l = local[zoneIndex[f]][s]
        weekCount[f * weekSpan + l.week - weekBase] -= 1
        monthCount[f * monthSpan + l.month - monthBase] -= 1
        load[f] -= 1
    }

    /// The open slot `f` holds in `s`, if any.
    func slot(of f: Int, in s: Int) -> Int? {
        let o = slotOffset[s]
        for i in o..<(o + slotCount[s]) where slotFacilitator[i] == f { return i }
        return nil
    }

    // MARK: Objective

    /// Facilitators of the later session who were not in the earlier one.
    ///
    /// Written as plain loops over the slot table: no temporary arrays, since it runs millions of times.
    func newcomers(_ earlier: Int, _ later: Int) -> Double {
        var n = 0
        for a in fixed[later] where !contains(earlier, a.facilitator) { n += 1 }
        let o = slotOffset[later]
        for i in o..<(o + slotCount[later]) {
            let f = slotFacilitator[i]
            if f >= 0 && !contains(earlier, f) { n += 1 }
        }
        return Double(n)
    }

    func preference(_ f: Int, _ s: Int) -> Double {
        var cost = 0.0
        if !preferredGroups[f].isEmpty && !preferredGroups[f].contains(group[s]) { cost += 1 }
        if preferredDays[f] != 0 && preferredDays[f] & (1 << local[zoneIndex[f]][s].weekday) == 0 { cost += 1 }
        return cost
    }

    func sessionComponents(_ s: Int, into c: inout Components) {
        guard !past[s] else { return }
        var count = 0
        for a in fixed[s] {
            count += 1
            c.preference += preference(a.facilitator, s)
        }
        let o = slotOffset[s]
        for i in o..<(o + slotCount[s]) {
            let f = slotFacilitator[i]
            guard f >= 0 else { continue }
            count += 1
            c.preference += preference(f, s)
        }
        c.unfilled += Double(max(0, problem.sessions[s].slotsNeeded - count))
        if problem.sessions[s].needsLead && !hasLead(s) { c.missingLeads += 1 }
        for f in published[s] where !contains(s, f) { c.stability += 1 }
    }

    func hasLead(_ s: Int) -> Bool {
        if fixed[s].contains(where: { $0.isLead && canLead[$0.facilitator] }) { return true }
        let o = slotOffset[s]
        for i in o..<(o + slotCount[s]) where slotIsLead[i] && slotFacilitator[i] >= 0 { return true }
        return false
    }

    func fairness(_ f: Int) -> Double { Double(load[f] * load[f]) / capacity[f] }

    /// Objective restricted to what a move of these sessions and facilitators can change.
    func localComponents(sessions: [Int], facilitators: [Int]) -> Components {
        var c = Components()
        for (k, s) in sessions.enumerated() where !sessions[..<k].contains(s) { sessionComponents(s, into: &c) }
        var pairs: [(Int, Int)] = []
        for s in sessions {
            let list = groupSessions[group[s]]
            let p = positionInGroup[s]
            if p > 0 { pairs.append((list[p - 1], s)) }
            if p + 1 < list.count { pairs.append((s, list[p + 1])) }
        }
        for (k, pair) in pairs.enumerated() where !pairs[..<k].contains(where: { $0 == pair }) {
            c.continuity += newcomers(pair.0, pair.1)
        }
        for (k, f) in facilitators.enumerated() where f >= 0 && !facilitators[..<k].contains(f) {
            c.fairness += fairness(f)
        }
        return c
    }

    /// Weighted cost of everything in session `s` plus the continuity of its two neighbouring pairs.
    ///
    /// Allocation-free because local search calls it millions of times; fairness is handled by the caller.
    func weightedSessionCost(_ s: Int) -> Double {
        var c = Components()
        sessionComponents(s, into: &c)
        let list = groupSessions[group[s]]
        let p = positionInGroup[s]
        if p > 0 { c.continuity += newcomers(list[p - 1], s) }
        if p + 1 < list.count { c.continuity += newcomers(s, list[p + 1]) }
        return c.total(weights)
    }

    /// Objective change of putting `g` (a feasible candidate) into open slot `i` in place of its occupant.
    ///
    /// Costs read only the slot table and loads, so the slot is swapped in place and back without touching the
    /// agenda; only an accepted move pays for real mutation.
    mutating func replaceDelta(_ i: Int, _ g: Int) -> Double {
        let s = slotSession[i]
        let f = slotFacilitator[i]
        let before = weightedSessionCost(s)
        slotFacilitator[i] = g
        let after = weightedSessionCost(s)
        slotFacilitator[i] = f
        var fair = Double(2 * load[g] + 1) / capacity[g]
        if f >= 0 { fair -= Double(2 * load[f] - 1) / capacity[f] }
        return after - before + weights.fairness * fair
    }

    func fullComponents() -> Components {
        var c = Components()
        for s in 0..<sessionCount { sessionComponents(s, into: &c) }
        for list in groupSessions where list.count > 1 {
            for k in 1..<list.count { c.continuity += newcomers(list[k - 1], list[k]) }
        }
        for f in 0..<facilitatorCount { c.fairness += fairness(f) }
        return c
    }
}

/// Sorted intervals with a running maximum of ends, so "does anything overlap [a, b)?" is one binary search.
struct IntervalIndex {
    private let starts: [Int]
    private let ends: [Int]
    private let maxEnd: [Int]
    private let intervals: [DateInterval]

    init(_ list: [DateInterval]) {
        let sorted = list.sorted { $0.start < $1.start }
        intervals = sorted
        starts = sorted.map { Int($0.start.timeIntervalSince1970.rounded(.down)) }
        ends = sorted.map { Int($0.end.timeIntervalSince1970.rounded(.up)) }
        var running = Int.min
        maxEnd = ends.map {
            running = max(running, $0)
            return running
        }
    }

    func firstOverlap(_ a: Int, _ b: Int) -> DateInterval? {
        // Last interval starting before b.
        var lo = 0
        var hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] < b { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, maxEnd[lo - 1] > a else { return nil }
        // Scanning back finds the nearest culprit first; one exists because the running maximum said so.
        for i in stride(from: lo - 1, through: 0, by: -1) where ends[i] > a { return intervals[i] }
        return nil
    }
}
