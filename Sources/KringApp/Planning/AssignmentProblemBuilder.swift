import Foundation
import KringDomain
import KringSolver
import KringStorage

/// The organisation's assignment settings: travel buffer and soft-goal weights, kept in the `setting` table.
public struct AssignmentSettingsView: Codable, Sendable, Equatable {
    public let travelBufferMinutes: Int
    public let continuity: Double
    public let fairness: Double
    public let preference: Double
    public let stability: Double
}

/// Which sessions one `kring assign` run may change; the others only constrain it.
struct AssignmentScope {
    var groupId: Int64?
    var from: Date?
    var to: Date?
    /// Only these sessions (`kring assign --only-affected`); nil means every session the other limits allow.
    var sessionIds: Set<Int64>? = nil

    static let everything = AssignmentScope(groupId: nil, from: nil, to: nil)

    func contains(_ session: Session) -> Bool {
        if let sessionIds, !sessionIds.contains(session.id) { return false }
        if let groupId, session.groupId != groupId { return false }
        if let from, session.startsAt < from { return false }
        if let to, session.startsAt >= to { return false }
        return true
    }
}

/// An assignment problem read from the database, with the stored objects needed to present its plan.
struct LoadedProblem {
    var problem: AssignmentProblem
    var groups: [Int64: SupportGroup]
    var sessions: [Int64: Session]
    var facilitators: [Int64: Facilitator]
    var limits: [Int64: StoredPlanningLimits]
    var windows: [Int64: [StoredWindow]]
    var blockouts: [Int64: [StoredBlockout]]
    /// Sessions this run plans; every other session in the problem is history or outside the scope.
    var inScope: Set<Int64>
    /// Declines are handed to the solver as a blockout over the declined session; these let explanations say so.
    var declineBlockouts: Set<DeclineMark>
    /// The stored rows, per session, as the problem's `existing` describes them.
    var stored: [Int64: [StoredAssignment]]

    struct DeclineMark: Hashable {
        var facilitatorId: Int64
        var interval: DateInterval
    }

    func name(of facilitatorId: Int64) -> String {
        facilitators[facilitatorId]?.displayName ?? "facilitator \(facilitatorId)"
    }
}

extension StoreTransaction {
    static let settingPrefix = "assignment."

    func assignmentSettings() throws(KringError) -> AssignmentSettingsView {
        let defaults = ObjectiveWeights()
        func number(_ key: String, _ fallback: Double) throws(KringError) -> Double {
            guard let text = try setting(Self.settingPrefix + key) else { return fallback }
            return Double(text) ?? fallback
        }
        return AssignmentSettingsView(
            travelBufferMinutes: Int(try number("travel-buffer-minutes", 30)),
            continuity: try number("weight.continuity", defaults.continuity),
            fairness: try number("weight.fairness", defaults.fairness),
            preference: try number("weight.preference", defaults.preference),
            stability: try number("weight.stability", defaults.stability))
    }

    /// Reads everything the solver needs. Sessions in `scope` that have not started and are not cancelled are open
    /// to planning; any other session that has facilitators goes in as history (`isPast`), kept exactly, so its
    /// assignments still count for overlaps, maxima and fairness.
    ///
    /// `ignoringDecline` leaves one stored decline out, for a coordinator who sets that facilitator back.
    func loadAssignmentProblem(
        scope: AssignmentScope, now: Date, ignoringDecline: (session: Int64, facilitator: Int64)? = nil
    )
        throws(KringError) -> LoadedProblem
    {
        let settings = try assignmentSettings()
        let (
            groupList, sessionList, people, limits, windows, blockoutList, busyList, excluded, preferred, rows, declines
        ) =
            (
                try allGroups(), try sessions(), try allFacilitators(), try allPlanningLimits(), try allWindows(),
                try allBlockouts(), try allBusyTimes(), try allExcludedGroupIds(), try allPreferredGroupIds(),
                try assignments(), try allDeclines()
            )
        let groups = Dictionary(uniqueKeysWithValues: groupList.map { ($0.id, $0) })
        let byId = Dictionary(uniqueKeysWithValues: sessionList.map { ($0.id, $0) })
        let stored = Dictionary(grouping: rows, by: \.sessionId)

        var planning: [PlanningSession] = []
        var inScope: Set<Int64> = []
        for session in sessionList where session.status != .cancelled {
            guard let group = groups[session.groupId] else { continue }
            let open = session.startsAt > now && scope.contains(session)
            let existing = stored[session.id] ?? []
            guard open || !existing.isEmpty else { continue }
            if open { inScope.insert(session.id) }
            planning.append(
                PlanningSession(
                    id: session.id, groupId: group.id, start: session.startsAt, end: session.endsAt,
                    language: group.language.rawValue, audience: group.audience.rawValue, online: group.isOnline,
                    slotsNeeded: group.facilitatorsPerSession, needsLead: true, isPast: !open,
                    existing: existing.map {
                        ExistingAssignment(
                            facilitatorId: $0.facilitatorId, isLead: $0.isLead, pinned: $0.pinned,
                            published: $0.publishedAt != nil)
                    },
                    timeZoneIdentifier: group.timeZone))
        }

        var declineMarks: Set<LoadedProblem.DeclineMark> = []
        var declineIntervals: [Int64: [DateInterval]] = [:]
        for decline in declines {
            if let ignoringDecline, ignoringDecline.session == decline.sessionId,
                ignoringDecline.facilitator == decline.facilitatorId
            {
                continue
            }
            guard let session = byId[decline.sessionId], session.status != .cancelled else { continue }
            let interval = DateInterval(start: session.startsAt, end: session.endsAt)
            declineIntervals[decline.facilitatorId, default: []].append(interval)
            declineMarks.insert(.init(facilitatorId: decline.facilitatorId, interval: interval))
        }
        let blockouts = Dictionary(grouping: blockoutList, by: \.facilitatorId)
        let busy = Dictionary(grouping: busyList, by: \.facilitatorId)
        let anyTime = (1...7).map {
            WeeklyWindow(weekday: KringSolver.Weekday(rawValue: $0)!, startMinute: 0, endMinute: 1440)
        }

        var facilitators: [PlanningFacilitator] = []
        for person in people {
            let id = person.id
            let limit =
                limits[id]
                ?? StoredPlanningLimits(
                    maxPerWeek: nil, timeZone: SupportGroup.defaultTimeZone, preferredWeekdays: [])
            let own = windows[id] ?? []
            // A retired facilitator stays in the problem, so the history that names them still counts, but is
            // unavailable from their retirement on: no plan, repair or `assignment set` can give them a session.
            let retirement = person.retiredAt.map { [DateInterval(start: $0, end: .distantFuture)] } ?? []
            facilitators.append(
                PlanningFacilitator(
                    id: id, displayName: person.displayName, languages: Set(person.languages.map(\.rawValue)),
                    canLead: person.canLead, audiences: Set(person.audiences.map(\.rawValue)),
                    maxPerWeek: limit.maxPerWeek, maxPerMonth: person.maxPerMonth,
                    windows: own.isEmpty
                        ? anyTime
                        : own.map {
                            WeeklyWindow(
                                weekday: KringSolver.Weekday(rawValue: $0.weekday)!, startMinute: $0.startMinute,
                                endMinute: $0.endMinute)
                        },
                    timeZoneIdentifier: limit.timeZone,
                    blockouts: (blockouts[id] ?? []).map { DateInterval(start: $0.startsAt, end: $0.endsAt) }
                        + (declineIntervals[id] ?? []) + retirement,
                    busy: (busy[id] ?? []).map { DateInterval(start: $0.startsAt, end: $0.endsAt) },
                    excludedGroups: excluded[id] ?? [], preferredGroups: preferred[id] ?? [],
                    preferredWeekdays: Set(limit.preferredWeekdays.compactMap(KringSolver.Weekday.init(rawValue:)))))
        }
        let weights = ObjectiveWeights(
            continuity: settings.continuity, fairness: settings.fairness, preference: settings.preference,
            stability: settings.stability)
        return LoadedProblem(
            problem: AssignmentProblem(
                sessions: planning, facilitators: facilitators, weights: weights,
                travelBufferMinutes: settings.travelBufferMinutes),
            groups: groups, sessions: byId, facilitators: Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) }),
            limits: limits, windows: windows, blockouts: blockouts, inScope: inScope, declineBlockouts: declineMarks,
            stored: stored)
    }

    /// `--group`, `--from` and `--to` as typed: dates are whole days in the group's zone (Brussels without a group).
    func assignmentScope(group: String?, from: String?, to: String?) throws(KringError) -> AssignmentScope {
        let onlyGroup = try group.map { (reference) throws(KringError) in try resolveGroup(reference) }
        let zone =
            onlyGroup.map { clock(for: $0) }
            ?? ZonedClock(timeZone: TimeZone(identifier: SupportGroup.defaultTimeZone)!)
        let fromInstant = try from.map { (text) throws(KringError) in
            try Kring.startOfDay(text, field: "from", in: zone)
        }
        let toDate = try to.map { (text) throws(KringError) in try LocalDate.parse(text, field: "to") }
        let toInstant = try toDate.map { (date) throws(KringError) in
            try Kring.startOfDay(date.adding(days: 1).iso, field: "to", in: zone)
        }
        if let fromInstant, let toInstant, toInstant <= fromInstant {
            throw .invalid("to", to!, "is before --from \(from!)")
        }
        return AssignmentScope(groupId: onlyGroup?.id, from: fromInstant, to: toInstant)
    }
}

extension LoadedProblem {
    /// The stored assignments as a plan over this problem, so the independent checker can compare before and after.
    func storedPlan() -> AssignmentPlan {
        let sessions = problem.sessions.map { session in
            PlannedSession(
                sessionId: session.id,
                assignments: session.existing.map {
                    PlannedAssignment(
                        facilitatorId: $0.facilitatorId, isLead: $0.isLead, isPinned: $0.pinned, origin: .kept)
                })
        }
        return AssignmentPlan(
            sessions: sessions,
            score: PlanScore(
                unfilledSlots: 0, missingLeads: 0, continuity: 0, fairness: 0, preference: 0, stability: 0,
                weights: problem.weights),
            unfilled: [], preexistingIssues: [], justifications: [])
    }
}
