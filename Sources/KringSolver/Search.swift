import Foundation

extension Engine {
    /// Whether `f` may take open slot `slot` right now (all hard rules; `f` must be a static candidate).
    func fits(_ f: Int, slot: Int) -> Bool {
        (!slotIsLead[slot] || canLead[f]) && canAdd(f, slotSession[slot])
    }

    /// The feasible candidate for an empty slot that raises the objective least, ties to the lowest index.
    mutating func bestCandidate(for slot: Int) -> (facilitator: Int, delta: Double)? {
        let s = slotSession[slot]
        var best: (Int, Double)?
        for g in candidates[s] where fits(g, slot: slot) {
            let delta = replaceDelta(slot, g)
            if best == nil || delta < best!.1 - 1e-9 { best = (g, delta) }
        }
        return best
    }

    /// Fills empty open slots, most constrained session first, each with its cheapest feasible candidate.
    ///
    /// Sessions with few candidates per open slot go first because every later choice can only take
    /// candidates away from them; within a tie, a group's sessions go in time order so continuity can build.
    mutating func greedyFill(sessions scope: [Int]) {
        let order = scope.filter { s in
            (slotOffset[s]..<(slotOffset[s] + slotCount[s])).contains { slotFacilitator[$0] < 0 }
        }.sorted { a, b in
            let ka = candidates[a].count - slotCount[a]
            let kb = candidates[b].count - slotCount[b]
            if ka != kb { return ka < kb }
            if group[a] != group[b] { return group[a] < group[b] }
            return start[a] != start[b] ? start[a] < start[b] : a < b
        }
        for s in order {
            // The lead slot is first within a session, and the hardest to fill.
            for i in slotOffset[s]..<(slotOffset[s] + slotCount[s]) where slotFacilitator[i] < 0 {
                if let best = bestCandidate(for: i) { assign(i, best.facilitator) }
            }
        }
    }

    /// Tries to fill an empty slot, moving at most `depth` other open assignments along an ejection chain.
    ///
    /// A candidate blocked only by one of their own movable assignments (a clash, or a full week or month)
    /// leaves it; the slot they leave is then filled the same way one level down. This is an augmenting path in
    /// the slot–facilitator graph, and finds fills that greedy order missed. Everything is undone on failure.
    mutating func augment(_ slot: Int, depth: Int, visited: inout [Int], budget: inout Int) -> Bool {
        // A node budget keeps hopeless slots (demand above supply) from costing exponential time.
        budget -= 1
        guard budget >= 0 else { return false }
        let s = slotSession[slot]
        if let best = bestCandidate(for: slot) {
            assign(slot, best.facilitator)
            return true
        }
        if slotIsLead[slot] {
            // Someone in this session who can lead may move to the lead slot, leaving an easier slot to fill.
            let o = slotOffset[s]
            for j in o..<(o + slotCount[s]) where j != slot && slotFacilitator[j] >= 0 && canLead[slotFacilitator[j]] {
                let g = slotFacilitator[j]
                slotFacilitator[slot] = g
                slotFacilitator[j] = -1
                if augment(j, depth: depth, visited: &visited, budget: &budget) { return true }
                slotFacilitator[j] = g
                slotFacilitator[slot] = -1
            }
        }
        guard depth > 0 else { return false }
        visited.append(s)
        defer { visited.removeLast() }
        for g in candidates[s] where (!slotIsLead[slot] || canLead[g]) && !contains(s, g) {
            for t in ejectionOptions(g, s) where !visited.contains(t) {
                guard let j = self.slot(of: g, in: t) else { continue }
                unassign(j)
                if canAdd(g, s) {
                    assign(slot, g)
                    if augment(j, depth: depth - 1, visited: &visited, budget: &budget) { return true }
                    unassign(slot)
                }
                assign(j, g)
            }
        }
        return false
    }

    /// Sessions whose open assignment of `g` could be given up so that `g` fits `s`: one removal only.
    private func ejectionOptions(_ g: Int, _ s: Int) -> [Int] {
        let clashes = overlappingAll(g, s)
        if clashes.count > 1 { return [] }
        let l = local[zoneIndex[g]][s]
        if let t = clashes.first {
            let lt = local[zoneIndex[g]][t]
            if weekFull(g, s) && lt.week != l.week { return [] }
            if monthFull(g, s) && lt.month != l.month { return [] }
            return [t]
        }
        let needWeek = weekFull(g, s)
        let needMonth = monthFull(g, s)
        guard needWeek || needMonth else { return [] }
        return agenda[g].filter { t in
            guard !frozen[t] else { return false }
            let lt = local[zoneIndex[g]][t]
            return (!needWeek || lt.week == l.week) && (!needMonth || lt.month == l.month)
        }
    }

    /// Search nodes one empty slot may use across all chain depths.
    static let augmentBudget = 400

    /// Fills what greedy and local search left empty, shortest ejection chain first.
    mutating func repairEmptySlots(sessions scope: [Int], maxDepth: Int) {
        for s in scope {
            for i in slotOffset[s]..<(slotOffset[s] + slotCount[s]) where slotFacilitator[i] < 0 {
                var visited: [Int] = []
                var budget = Self.augmentBudget
                for depth in 0...max(0, maxDepth) where slotFacilitator[i] < 0 {
                    if augment(i, depth: depth, visited: &visited, budget: &budget) { break }
                }
            }
        }
    }

    /// Simulated annealing over "replace" and "swap" moves that keep every hard rule.
    ///
    /// Replace gives a slot to another candidate; swap exchanges two facilitators between two sessions, which
    /// keeps both loads (and so the maxima) unchanged and is what gets past tight weekly limits. The best plan
    /// seen is kept. The run is a pure function of the seed unless the optional time limit cuts it short.
    mutating func localSearch(sessions scope: [Int], options: SolverOptions) {
        var slots: [Int] = []
        for s in scope { slots.append(contentsOf: slotOffset[s]..<(slotOffset[s] + slotCount[s])) }
        guard !slots.isEmpty else { return }
        let iterations = min(options.maxIterations, max(20_000, options.iterationsPerSlot * slots.count))
        var rng = SplitMix64(seed: options.seed)
        let deadline = options.timeLimitSeconds.map { Date().addingTimeInterval($0) }
        // Temperatures in objective units: a continuity break costs 3 by default, so moves that lose about
        // that much are taken now and then early on, and almost never at the end.
        let hot = 0.5
        let cold = 0.01
        var current = 0.0
        var best = 0.0
        var bestSlots = slotFacilitator

        for iteration in 0..<iterations {
            if let deadline, iteration & 1023 == 0, Date() > deadline { break }
            let temperature = hot * pow(cold / hot, Double(iteration) / Double(iterations))
            let i = slots[rng.below(slots.count)]
            let s = slotSession[i]
            let f = slotFacilitator[i]
            let pool = candidates[s]
            guard !pool.isEmpty else { continue }
            if f < 0 {
                if let fill = bestCandidate(for: i) {
                    assign(i, fill.facilitator)
                    current += fill.delta
                }
            } else if rng.below(4) != 0 {
                let g = pool[rng.below(pool.count)]
                guard g != f, !slotIsLead[i] || canLead[g], !contains(s, g) else { continue }
                guard canAdd(g, s) else { continue }
                let delta = replaceDelta(i, g)
                if accept(delta, temperature, &rng) {
                    unassign(i)
                    assign(i, g)
                    current += delta
                }
            } else {
                let g = pool[rng.below(pool.count)]
                guard g != f, !slotIsLead[i] || canLead[g], !contains(s, g), !agenda[g].isEmpty else { continue }
                let t = agenda[g][rng.below(agenda[g].count)]
                guard t != s, !frozen[t], let j = slot(of: g, in: t), !slotIsLead[j] || canLead[f],
                    isCandidate(f, t), !contains(t, f)
                else { continue }
                let before = localComponents(sessions: [s, t], facilitators: [f, g]).total(weights)
                unassign(i)
                unassign(j)
                var moved = false
                if canAdd(g, s) {
                    assign(i, g)
                    if canAdd(f, t) {
                        assign(j, f)
                        moved = true
                    } else {
                        unassign(i)
                    }
                }
                guard moved else {
                    assign(i, f)
                    assign(j, g)
                    continue
                }
                let delta = localComponents(sessions: [s, t], facilitators: [f, g]).total(weights) - before
                if accept(delta, temperature, &rng) {
                    current += delta
                } else {
                    unassign(i)
                    unassign(j)
                    assign(i, f)
                    assign(j, g)
                }
            }
            if current < best - 1e-9 {
                best = current
                bestSlots = slotFacilitator
            }
        }
        if current > best + 1e-9 { restore(bestSlots) }
    }

    /// Steepest-descent sweeps over replace moves until none improves, so the plan is a local optimum: no chosen
    /// facilitator can be swapped for a free candidate with gain (explain mode relies on this).
    mutating func polish(sessions scope: [Int], maxSweeps: Int = 5) {
        for _ in 0..<maxSweeps {
            var improved = false
            for s in scope {
                for i in slotOffset[s]..<(slotOffset[s] + slotCount[s]) where slotFacilitator[i] >= 0 {
                    let f = slotFacilitator[i]
                    var best: (Int, Double)?
                    for g in candidates[s] where g != f && (!slotIsLead[i] || canLead[g]) && canAdd(g, s) {
                        let delta = replaceDelta(i, g)
                        if delta < (best?.1 ?? 0) - 1e-9 { best = (g, delta) }
                    }
                    if let best {
                        unassign(i)
                        assign(i, best.0)
                        improved = true
                    }
                }
            }
            if !improved { return }
        }
    }

    private func accept(_ delta: Double, _ temperature: Double, _ rng: inout SplitMix64) -> Bool {
        if delta <= 1e-12 { return true }
        return rng.unit() < exp(-delta / temperature)
    }

    /// Puts a remembered slot layout back, rebuilding the agenda and counters through the normal mutations.
    mutating func restore(_ layout: [Int]) {
        for i in slotFacilitator.indices where slotFacilitator[i] >= 0 { unassign(i) }
        for i in layout.indices where layout[i] >= 0 { assign(i, layout[i]) }
    }
}
