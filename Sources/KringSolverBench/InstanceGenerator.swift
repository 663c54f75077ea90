import Foundation
import KringSolver

/// The shape of a generated planning instance; presets match the sizes the solver is specified for.
public struct InstanceSpec: Sendable, Hashable {
    public var groups: Int
    public var facilitators: Int
    public var sessionsPerGroup: Int
    public var daysBetweenSessions: Int
    /// Independent areas: facilitators serve only groups of their own region and zone.
    public var regions: Int
    /// Above 1, that share of sessions gets no planted facilitators and maxima are tight, so demand exceeds supply.
    public var demandSupplyRatio: Double
    public var seed: UInt64
    /// Share of the horizon already in the past (its sessions carry their planted assignments as history).
    public var pastFraction: Double
    public var pinnedFraction: Double
    public var publishedFraction: Double

    public init(
        groups: Int, facilitators: Int, sessionsPerGroup: Int = 26, daysBetweenSessions: Int = 14, regions: Int = 1,
        demandSupplyRatio: Double = 1, seed: UInt64 = 1, pastFraction: Double = 0, pinnedFraction: Double = 0,
        publishedFraction: Double = 0
    ) {
        self.groups = groups
        self.facilitators = facilitators
        self.sessionsPerGroup = sessionsPerGroup
        self.daysBetweenSessions = daysBetweenSessions
        self.regions = regions
        self.demandSupplyRatio = demandSupplyRatio
        self.seed = seed
        self.pastFraction = pastFraction
        self.pinnedFraction = pinnedFraction
        self.publishedFraction = publishedFraction
    }

    /// 5 groups, 10 facilitators, 26 fortnightly sessions each.
    public static func small(ratio: Double = 1, seed: UInt64 = 1) -> InstanceSpec {
        InstanceSpec(groups: 5, facilitators: 10, demandSupplyRatio: ratio, seed: seed)
    }

    /// 200 groups, 150 facilitators in a few towns of one zone.
    public static func regional(ratio: Double = 1, seed: UInt64 = 1) -> InstanceSpec {
        InstanceSpec(groups: 200, facilitators: 150, regions: 6, demandSupplyRatio: ratio, seed: seed)
    }

    /// 500 groups, 400 facilitators, about 13,000 sessions over a year in independent regions.
    public static func national(ratio: Double = 1, seed: UInt64 = 1) -> InstanceSpec {
        InstanceSpec(groups: 500, facilitators: 400, regions: 20, demandSupplyRatio: ratio, seed: seed)
    }
}

/// A generated problem together with the feasible plan it was built around.
public struct GeneratedInstance: Sendable {
    public var problem: AssignmentProblem
    /// Assignments known to satisfy every hard rule; sessions listed in problem order.
    public var planted: [PlannedSession]
    /// Slots the planted plan leaves empty: an upper bound on what a good solver leaves empty.
    public var plantedUnfilledSlots: Int
}

/// Builds seeded random instances around a planted feasible solution.
///
/// Sessions are laid out first, then facilitators are planted into them respecting clashes, buffers and loads,
/// and only then are facilitators' languages, audiences, windows, maxima, blockouts and busy times derived so the
/// planted plan keeps every rule, with some random extra availability so the solver has real choices.
public enum InstanceGenerator {
    static let zones = ["Europe/Amsterdam", "Europe/Brussels", "Europe/Paris", "Europe/Berlin", "America/Toronto"]
    static let languages = ["nl", "fr", "de", "en"]
    static let audiences = ["parents", "partners", "youth", "adults"]
    static let epoch = DateComponents(year: 2027, month: 1, day: 4)  // a Monday

    public static func generate(_ spec: InstanceSpec) -> GeneratedInstance {
        var rng = Rand(seed: spec.seed)
        let regions = max(1, spec.regions)
        let short = spec.demandSupplyRatio > 1

        // Groups and their sessions.
        struct Slot {
            var facilitators: [(Int, Bool)] = []
        }
        var sessions: [PlanningSession] = []
        var calendars: [Calendar] = []
        for r in 0..<regions {
            var c = Calendar(identifier: .gregorian)
            c.timeZone = TimeZone(identifier: zones[r % zones.count])!
            calendars.append(c)
        }
        var nextId: Int64 = 1000
        for g in 0..<spec.groups {
            let region = g % regions
            let calendar = calendars[region]
            let language = rng.chance(0.2) ? "en" : languages[region % 3]
            let audience = audiences[rng.below(audiences.count)]
            let weekday = rng.below(5)
            let startMinute = 18 * 60 + 30 * rng.below(5)
            let duration = rng.chance(0.5) ? 90 : 120
            let isOnline = rng.chance(0.3)
            let offset = rng.below(max(1, spec.daysBetweenSessions / 7)) * 7 + weekday
            for k in 0..<spec.sessionsPerGroup {
                var day = epoch
                day.day! += offset + k * spec.daysBetweenSessions
                day.hour = startMinute / 60
                day.minute = startMinute % 60
                let start = calendar.date(from: day)!
                sessions.append(
                    PlanningSession(
                        id: nextId, groupId: Int64(g + 1), start: start,
                        end: start.addingTimeInterval(TimeInterval(duration * 60)), language: language,
                        audience: audience, online: isOnline, needsLead: rng.chance(0.9),
                        timeZoneIdentifier: calendar.timeZone.identifier))
                nextId += 1
            }
        }

        // Plant facilitators, chronologically, preferring each group's team so continuity is achievable.
        let people = spec.facilitators
        let leads = (0..<people).map { _ in rng.chance(0.6) }
        var team: [[Int]] = []
        for g in 0..<spec.groups {
            let pool = (0..<people).filter { $0 % regions == g % regions }
            team.append(pool.isEmpty ? [] : (0..<3).map { _ in pool[rng.below(pool.count)] })
        }
        let weekCap = 3
        let monthCap = 8
        var agenda = Array(repeating: [Int](), count: people)
        var week = Array(repeating: [Int: Int](), count: people)
        var month = Array(repeating: [Int: Int](), count: people)
        var planted = Array(repeating: [(Int, Bool)](), count: sessions.count)
        var plantedUnfilled = 0
        let buffer = 30.0 * 60
        func weekKey(_ s: Int, _ f: Int) -> Int {
            let c = calendars[f % regions].dateComponents([.yearForWeekOfYear, .weekOfYear], from: sessions[s].start)
            return c.yearForWeekOfYear! * 100 + c.weekOfYear!
        }
        func monthKey(_ s: Int, _ f: Int) -> Int {
            let c = calendars[f % regions].dateComponents([.year, .month], from: sessions[s].start)
            return c.year! * 100 + c.month!
        }
        func free(_ f: Int, _ s: Int) -> Bool {
            guard week[f][weekKey(s, f), default: 0] < weekCap, month[f][monthKey(s, f), default: 0] < monthCap else {
                return false
            }
            let a = sessions[s]
            return !agenda[f].contains { t in
                let b = sessions[t]
                let gap = a.online && b.online ? 0 : buffer
                return a.start < b.end.addingTimeInterval(gap) && b.start < a.end.addingTimeInterval(gap)
            }
        }
        let order = sessions.indices.sorted { sessions[$0].start < sessions[$1].start }
        for s in order {
            let g = Int(sessions[s].groupId) - 1
            if short && rng.chance(1 - 1 / spec.demandSupplyRatio) {
                plantedUnfilled += sessions[s].slotsNeeded
                continue
            }
            var pool = (0..<people).filter { $0 % regions == g % regions }
            rng.shuffle(&pool)
            let ordered = team[g] + pool
            var chosen: [(Int, Bool)] = []
            for slot in 0..<sessions[s].slotsNeeded {
                let wantLead = slot == 0 && sessions[s].needsLead
                if let f = ordered.first(where: { f in
                    (!wantLead || leads[f]) && !chosen.contains { $0.0 == f } && free(f, s)
                }) {
                    chosen.append((f, wantLead))
                    agenda[f].append(s)
                    week[f][weekKey(s, f), default: 0] += 1
                    month[f][monthKey(s, f), default: 0] += 1
                } else {
                    plantedUnfilled += 1
                }
            }
            planted[s] = chosen
        }

        // Derive each facilitator from what they were planted into, plus random slack.
        let horizonStart = sessions.map(\.start).min() ?? Date(timeIntervalSince1970: 0)
        let horizonEnd = sessions.map(\.end).max() ?? horizonStart
        var facilitators: [PlanningFacilitator] = []
        for f in 0..<people {
            let region = f % regions
            let calendar = calendars[region]
            let mine = agenda[f].map { sessions[$0] }
            var langs = Set(mine.map(\.language))
            langs.insert(languages[region % 3])
            if rng.chance(0.3) { langs.insert("en") }
            var auds = Set(mine.map(\.audience))
            auds.insert(audiences[rng.below(audiences.count)])
            var windows: [WeeklyWindow] = []
            var byDay: [Int: (Int, Int)] = [:]
            for session in mine {
                let c = calendar.dateComponents([.weekday, .hour, .minute], from: session.start)
                let e = calendar.dateComponents([.hour, .minute], from: session.end)
                let day = c.weekday! == 1 ? 7 : c.weekday! - 1
                let from = c.hour! * 60 + c.minute!
                let to = e.hour! * 60 + e.minute!
                let old = byDay[day] ?? (from, to)
                byDay[day] = (min(old.0, from), max(old.1, to))
            }
            for day in 1...7 {
                if let (from, to) = byDay[day] {
                    windows.append(
                        WeeklyWindow(
                            weekday: Weekday(rawValue: day)!, startMinute: from - 60 * rng.below(2),
                            endMinute: min(1440, to + 60 * rng.below(2))))
                } else if rng.chance(0.25) {
                    windows.append(
                        WeeklyWindow(weekday: Weekday(rawValue: day)!, startMinute: 17 * 60, endMinute: 23 * 60))
                }
            }
            let weekly = agenda[f].reduce(into: [Int: Int]()) { $0[weekKey($1, f), default: 0] += 1 }.values.max() ?? 0
            let monthly =
                agenda[f].reduce(into: [Int: Int]()) { $0[monthKey($1, f), default: 0] += 1 }.values.max() ?? 0
            let maxWeek: Int? = rng.chance(0.2) && !short ? nil : max(1, weekly) + (short ? 0 : rng.below(2))
            let maxMonth: Int? = rng.chance(0.3) && !short ? nil : max(1, monthly) + (short ? 0 : rng.below(3))
            func clear(_ interval: DateInterval) -> Bool {
                !mine.contains { interval.start < $0.end && $0.start < interval.end }
            }
            let span = horizonEnd.timeIntervalSince(horizonStart)
            var blockouts: [DateInterval] = []
            for _ in 0..<rng.below(3) {
                let candidate = DateInterval(
                    start: horizonStart.addingTimeInterval(span * rng.unit()), duration: 7 * 86_400)
                if clear(candidate) { blockouts.append(candidate) }
            }
            var busy: [DateInterval] = []
            for _ in 0..<rng.below(12) {
                let startAt = horizonStart.addingTimeInterval((span * rng.unit() / 1800).rounded() * 1800)
                let candidate = DateInterval(start: startAt, duration: 7200)
                if clear(candidate) { busy.append(candidate) }
            }
            let worked = Set(agenda[f].map { sessions[$0].groupId })
            var excludedGroups: Set<Int64> = []
            if rng.chance(0.1) {
                let others = (0..<spec.groups).filter { $0 % regions == region }.map { Int64($0 + 1) }
                    .filter { !worked.contains($0) }
                if !others.isEmpty { excludedGroups.insert(others[rng.below(others.count)]) }
            }
            var preferredGroups: Set<Int64> = []
            if rng.chance(0.5), let g = team.indices.first(where: { team[$0].contains(f) }) {
                preferredGroups.insert(Int64(g + 1))
            }
            var preferredDays: Set<Weekday> = []
            if rng.chance(0.3) { preferredDays.insert(Weekday(rawValue: 1 + rng.below(5))!) }
            facilitators.append(
                PlanningFacilitator(
                    id: Int64(f + 1), displayName: "F\(f + 1)", languages: langs, canLead: leads[f],
                    audiences: auds, maxPerWeek: maxWeek, maxPerMonth: maxMonth, windows: windows,
                    timeZoneIdentifier: calendar.timeZone.identifier, blockouts: blockouts, busy: busy,
                    excludedGroups: excludedGroups, preferredGroups: preferredGroups, preferredWeekdays: preferredDays))
        }

        // History, pins and published drafts come straight from the planted plan, so they are feasible too.
        let now = horizonStart.addingTimeInterval(horizonEnd.timeIntervalSince(horizonStart) * spec.pastFraction)
        for s in sessions.indices {
            let chosen = planted[s].map { (id: Int64($0.0 + 1), lead: $0.1) }
            if sessions[s].start < now {
                sessions[s].isPast = true
                sessions[s].existing = chosen.map {
                    ExistingAssignment(facilitatorId: $0.id, isLead: $0.lead, published: true)
                }
            } else {
                for c in chosen {
                    if rng.chance(spec.pinnedFraction) {
                        sessions[s].existing.append(
                            ExistingAssignment(facilitatorId: c.id, isLead: c.lead, pinned: true, published: true))
                    } else if rng.chance(spec.publishedFraction) {
                        sessions[s].existing.append(
                            ExistingAssignment(facilitatorId: c.id, isLead: c.lead, published: true))
                    }
                }
            }
        }
        let plantedSessions = sessions.indices.map { s in
            PlannedSession(
                sessionId: sessions[s].id,
                assignments: planted[s].map { f, lead in
                    let pinned = sessions[s].existing.contains { $0.facilitatorId == Int64(f + 1) && $0.pinned }
                    return PlannedAssignment(
                        facilitatorId: Int64(f + 1), isLead: lead, isPinned: pinned,
                        origin: sessions[s].isPast || pinned ? .fixed : .new)
                })
        }
        return GeneratedInstance(
            problem: AssignmentProblem(sessions: sessions, facilitators: facilitators), planted: plantedSessions,
            plantedUnfilledSlots: plantedUnfilled)
    }
}

/// The generator's own seeded source (the solver's SplitMix64 on an offset seed), so instances are identical on
/// every platform.
struct Rand {
    private var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed &+ 0x1234_5678) }

    mutating func next() -> UInt64 { source.next() }
    mutating func below(_ n: Int) -> Int { source.below(max(1, n)) }
    mutating func unit() -> Double { source.unit() }
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func shuffle<T>(_ list: inout [T]) {
        guard list.count > 1 else { return }
        for i in stride(from: list.count - 1, to: 0, by: -1) { list.swapAt(i, below(i + 1)) }
    }
}
