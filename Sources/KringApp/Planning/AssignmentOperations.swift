import Foundation
import KringDomain
import KringPlanChecker
import KringSolver
import KringStorage
import Logging

/// A `kring assign` run as typed: the scope, and whether to store and explain.
public struct AssignRequest: Sendable, Codable {
    public var group: String?
    public var from: String?
    public var to: String?
    public var dryRun: Bool
    public var explain: Bool
    /// Re-plan only the sessions whose stored assignments break a hard rule now (`conflictsOfStoredAssignments`),
    /// within the group and dates given; every other assignment stays exactly as it is.
    public var onlyAffected: Bool

    public init(
        group: String? = nil, from: String? = nil, to: String? = nil, dryRun: Bool = false, explain: Bool = false,
        onlyAffected: Bool = false
    ) {
        self.group = group
        self.from = from
        self.to = to
        self.dryRun = dryRun
        self.explain = explain
        self.onlyAffected = onlyAffected
    }
}

/// A change to the organisation's assignment settings; nil leaves a value as it is.
public struct AssignmentSettingsChanges: Sendable, Codable {
    public var travelBufferMinutes: Int?
    public var continuity: Double?
    public var fairness: Double?
    public var preference: Double?
    public var stability: Double?

    public init(
        travelBufferMinutes: Int? = nil, continuity: Double? = nil, fairness: Double? = nil, preference: Double? = nil,
        stability: Double? = nil
    ) {
        self.travelBufferMinutes = travelBufferMinutes
        self.continuity = continuity
        self.fairness = fairness
        self.preference = preference
        self.stability = stability
    }
}

extension Kring {
    /// The problem `kring assign` would hand the solver now, for tests and tools that check plans independently.
    public func assignmentProblem(group: String? = nil, from: String? = nil, to: String? = nil) throws(KringError)
        -> AssignmentProblem
    {
        try read { (operation) throws(KringError) in try operation.assignmentProblem(group: group, from: from, to: to) }
    }

    /// `kring assign`: plans every open slot in scope, keeps pinned and past assignments, stores the plan unless
    /// it is a dry run, and explains every slot left empty.
    ///
    /// Lock discipline: the problem is loaded from a read snapshot and solved outside any transaction (planning a
    /// national programme takes seconds), then stored in a short write transaction that loads the problem again and
    /// stores the plan only if nothing it depended on changed meanwhile. If something did (an enrolment, a blockout,
    /// another plan), it plans once more on the new state; if that changes again under it, it refuses, saying so.
    public func assign(_ request: AssignRequest) throws(KringError) -> AssignRunView {
        for _ in 0..<2 {
            let (loaded, plan) = try read { (operation) throws(KringError) in try operation.planAssignments(request) }
            if request.dryRun {
                return try read { (operation) throws(KringError) in operation.assignmentView(loaded, plan, request) }
            }
            let stored = try write { (operation) throws(KringError) -> AssignRunView? in
                try operation.storeAssignments(plan, solvedFrom: loaded, request)
            }
            if let stored { return stored }
            logger.notice("assignment re-planned: the data changed while planning")
        }
        throw KringError(
            .conflict, field: "assign", value: request.group ?? "",
            reason: "the plan's data kept changing while it was planned (other changes are being made); nothing was "
                + "stored; run it again")
    }

    /// `kring assignment set S --facilitator F [--pin] [--lead] [--override-decline]`: refused, naming the rule, when
    /// a hard rule blocks it, and refused for someone who declined the session unless `overrideDecline` (the
    /// coordinator has talked to them), which clears the decline; the audit entry names the decline row it removed.
    public func setAssignment(
        session sessionReference: String, facilitator reference: String, pin: Bool, lead: Bool,
        overrideDecline: Bool
    ) throws(KringError) -> SessionStaffingView {
        try write { (operation) throws(KringError) in
            try operation.setAssignment(
                session: sessionReference, facilitator: reference, pin: pin, lead: lead,
                overrideDecline: overrideDecline)
        }
    }

    /// `kring assignment remove S --facilitator F`: frees the slot (pinned or not); the next `assign` may refill it.
    public func removeAssignment(session sessionReference: String, facilitator reference: String) throws(KringError)
        -> SessionStaffingView
    {
        try write { (operation) throws(KringError) in
            try operation.removeAssignment(session: sessionReference, facilitator: reference)
        }
    }

    /// `kring facilitator decline F --session S`: the facilitator leaves the session for good and only that slot is
    /// re-planned (one free candidate, else the shortest chain of moves); nothing else changes.
    public func decline(facilitator reference: String, session sessionReference: String) throws(KringError)
        -> DeclineView
    {
        try write { (operation) throws(KringError) in
            try operation.decline(facilitator: reference, session: sessionReference)
        }
    }

    /// `kring assignment list [--facilitator F] [--group G]`: stored assignments in session order.
    public func listAssignments(facilitator: String?, group: String?) throws(KringError) -> [AssignmentListView] {
        try read { (operation) throws(KringError) in
            try operation.listAssignments(facilitator: facilitator, group: group)
        }
    }

    /// `kring assignment settings`: shows, or changes, the travel buffer and the soft-goal weights.
    public func assignmentSettings(_ changes: AssignmentSettingsChanges) throws(KringError) -> AssignmentSettingsView {
        try write { (operation) throws(KringError) in try operation.assignmentSettings(changes) }
    }

    /// Hard-rule violations present after a change but not before it: what the change itself would break.
    static func newHardViolations(_ problem: AssignmentProblem, before: AssignmentPlan, after: AssignmentPlan)
        -> [Violation]
    {
        let soft: Set<Violation.Rule> = [.misreportedScore, .unexplainedSlot, .missingSession, .tooManyAssignments]
        func hard(_ plan: AssignmentPlan) -> [Violation] {
            PlanChecker.violations(problem, plan).filter { !soft.contains($0.rule) }
        }
        // `isPreexisting` depends on the plan's origin flags, so violations are compared without it.
        struct Key: Hashable {
            let rule: Violation.Rule
            let sessionId: Int64?
            let facilitatorId: Int64?
            let detail: String
        }
        func key(_ v: Violation) -> Key {
            Key(rule: v.rule, sessionId: v.sessionId, facilitatorId: v.facilitatorId, detail: v.detail)
        }
        let old = Set(hard(before).map(key))
        return hard(after).filter { !old.contains(key($0)) }
    }
}

extension KringTransaction {
    /// The problem `kring assign` would hand the solver now, for tests and tools that check plans independently.
    func assignmentProblem(group: String? = nil, from: String? = nil, to: String? = nil) throws(KringError)
        -> AssignmentProblem
    {
        let scope = try transaction.assignmentScope(group: group, from: from, to: to)
        return try transaction.loadAssignmentProblem(scope: scope, now: now).problem
    }

    /// Loads the problem in scope and solves it; changes nothing. The solver runs inside this read transaction's
    /// snapshot but holds no lock that a writer waits for (WAL readers do not block writers).
    func planAssignments(_ request: AssignRequest) throws(KringError) -> (LoadedProblem, AssignmentPlan) {
        let scope = try assignmentScope(for: request)
        let loaded = try transaction.loadAssignmentProblem(scope: scope, now: now)
        let plan: AssignmentPlan
        do {
            plan = try AssignmentSolver.solve(loaded.problem, options: SolverOptions(explain: request.explain))
        } catch let error as SolverError {
            throw KringError(.conflict, field: "assign", value: error.value, reason: error.reason)
        } catch {
            throw KringError(.environment, field: "assign", value: "", reason: "the planner failed")
        }
        // The independent checker is cheap at this size; a plan it rejects is never stored.
        let broken = PlanChecker.introducedViolations(loaded.problem, plan)
        if let first = broken.first {
            logger.error(
                "plan rejected by checker",
                metadata: ["violation.rule": "\(first.rule.rawValue)", "violations.count": "\(broken.count)"])
            throw KringError(
                .environment, field: "assign", value: first.rule.rawValue,
                reason: "the planner produced a plan that breaks a hard rule; nothing was stored")
        }
        return (loaded, plan)
    }

    /// Stores a plan solved from `solvedFrom`, in a short write, if the problem loaded now is still the one solved;
    /// nil (nothing stored) when it changed.
    func storeAssignments(_ plan: AssignmentPlan, solvedFrom solved: LoadedProblem, _ request: AssignRequest)
        throws(KringError) -> AssignRunView?
    {
        let scope = try assignmentScope(for: request)
        let current = try transaction.loadAssignmentProblem(scope: scope, now: now)
        guard current.problem == solved.problem, current.inScope == solved.inScope else { return nil }
        let groupIds = scope.groupId.map { [$0] }
        let before = try transaction.facilitatorSchedule(groupIds: groupIds)
        try transaction.store(plan, of: current, now: now)
        try transaction.queueFacilitatorInvites(since: before, groupIds: groupIds, now: now)
        return assignmentView(current, plan, request)
    }

    /// The sessions a run may change: the group and dates given and, with `onlyAffected`, only those with a stored
    /// assignment that breaks a hard rule now (both sessions of an overlap).
    func assignmentScope(for request: AssignRequest) throws(KringError) -> AssignmentScope {
        var scope = try transaction.assignmentScope(group: request.group, from: request.from, to: request.to)
        if request.onlyAffected {
            let conflicts = try conflictsOfStoredAssignments()
            scope.sessionIds = Set(conflicts.flatMap { [$0.sessionId] + ($0.otherSessionId.map { [$0] } ?? []) })
        }
        return scope
    }

    func assignmentView(_ loaded: LoadedProblem, _ plan: AssignmentPlan, _ request: AssignRequest) -> AssignRunView {
        logAfterCommit(
            .info, "assignment planned",
            [
                "sessions.count": "\(loaded.inScope.count)", "unfilled.count": "\(plan.score.unfilledSlots)",
                "dry_run": "\(request.dryRun)",
            ])
        return loaded.runView(plan, dryRun: request.dryRun)
    }

    /// `kring assignment set S --facilitator F [--pin] [--lead] [--override-decline]`: refused, naming the rule, when
    /// a hard rule blocks it; someone who declined the session is refused unless `overrideDecline`, which clears it.
    func setAssignment(
        session sessionReference: String, facilitator reference: String, pin: Bool, lead: Bool,
        overrideDecline: Bool
    ) throws(KringError) -> SessionStaffingView {
        let (session, group) = try transaction.changeableSession(sessionReference, now: now)
        let facilitator = try transaction.resolveFacilitator(reference)
        let declined = try transaction.allDeclines().contains {
            $0.sessionId == session.id && $0.facilitatorId == facilitator.id
        }
        if declined && !overrideDecline {
            let start = transaction.clock(for: group).iso8601(session.startsAt)
            throw .conflict(
                "facilitator", facilitator.displayName,
                "declined session \(session.id) (\(group.internalName), \(start)); put them back only after talking "
                    + "to them, with --override-decline (the decline is then cleared)")
        }
        let rows = try transaction.assignments(sessionId: session.id)
        let current = rows.first { $0.facilitatorId == facilitator.id }
        if current == nil, rows.count >= group.facilitatorsPerSession {
            let names = try rows.map { (row) throws(KringError) in
                try transaction.resolveFacilitator(String(row.facilitatorId)).displayName
            }
            throw .conflict(
                "session", sessionReference,
                "already has its \(group.facilitatorsPerSession) facilitators (\(names.joined(separator: ", "))); "
                    + "remove one first")
        }
        let loaded = try transaction.loadAssignmentProblem(
            scope: .everything, now: now, ignoringDecline: (session.id, facilitator.id))
        let before = loaded.storedPlan()
        var after = before
        let isLead = lead || (current?.isLead ?? false)
        if let index = after.sessions.firstIndex(where: { $0.sessionId == session.id }) {
            var list = after.sessions[index].assignments.filter { $0.facilitatorId != facilitator.id }
            if isLead {
                list = list.map {
                    PlannedAssignment(
                        facilitatorId: $0.facilitatorId, isLead: false, isPinned: $0.isPinned, origin: $0.origin)
                }
            }
            list.append(
                PlannedAssignment(facilitatorId: facilitator.id, isLead: isLead, isPinned: pin, origin: .new))
            after.sessions[index].assignments = list
        }
        if let violation = Kring.newHardViolations(loaded.problem, before: before, after: after)
            .first(where: { $0.facilitatorId == facilitator.id })
        {
            throw .conflict(
                "facilitator", facilitator.displayName,
                "cannot take session \(session.id): \(loaded.describe(violation, facilitator: facilitator.id))")
        }
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: [group.id])
        if declined {
            try transaction.deleteDecline(sessionId: session.id, facilitatorId: facilitator.id)
            logAfterCommit(
                .notice, "decline overridden",
                ["session.id": "\(session.id)", "facilitator.id": "\(facilitator.id)"])
        }
        if isLead {
            for row in rows where row.isLead && row.facilitatorId != facilitator.id {
                var demoted = row
                demoted.isLead = false
                try transaction.update(demoted)
            }
        }
        if var current {
            current.isLead = isLead
            current.pinned = current.pinned || pin
            try transaction.update(current)
        } else {
            try transaction.insert(
                StoredAssignment(
                    sessionId: session.id, facilitatorId: facilitator.id, isLead: isLead, pinned: pin,
                    publishedAt: now, createdAt: now))
        }
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: [group.id], now: now)
        return try transaction.staffing(of: session, in: group)
    }

    /// `kring assignment remove S --facilitator F`: frees the slot (pinned or not); the next `assign` may refill it.
    func removeAssignment(session sessionReference: String, facilitator reference: String) throws(KringError)
        -> SessionStaffingView
    {
        let (session, group) = try transaction.changeableSession(sessionReference, now: now)
        let facilitator = try transaction.resolveFacilitator(reference)
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: [group.id])
        let removed = try transaction.deleteAssignment(sessionId: session.id, facilitatorId: facilitator.id)
        guard removed else {
            throw .conflict("facilitator", reference, "is not assigned to session \(session.id)")
        }
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: [group.id], now: now)
        return try transaction.staffing(of: session, in: group)
    }

    /// `kring facilitator decline F --session S`: the facilitator leaves the session for good and only that slot is
    /// re-planned (one free candidate, else the shortest chain of moves); nothing else changes.
    func decline(facilitator reference: String, session sessionReference: String) throws(KringError)
        -> DeclineView
    {
        let (session, _) = try transaction.changeableSession(sessionReference, now: now)
        let facilitator = try transaction.resolveFacilitator(reference)
        guard
            let assignment = try transaction.assignment(sessionId: session.id, facilitatorId: facilitator.id)
        else {
            throw .conflict("facilitator", reference, "is not assigned to session \(session.id)")
        }
        // A pin is the coordinator's promise that this assignment never moves; re-planning around it would be
        // refused by the checker, so the coordinator decides first.
        guard !assignment.pinned else {
            throw .conflict(
                "session", sessionReference,
                "\(facilitator.displayName) is pinned to this session; a coordinator removes the pin first "
                    + "(`kring assignment remove`)")
        }
        let loaded = try transaction.loadAssignmentProblem(scope: .everything, now: now)
        let plan: AssignmentPlan
        do {
            plan = try AssignmentSolver.replanAfterDecline(
                loaded.problem, sessionId: session.id, facilitatorId: facilitator.id)
        } catch let error as SolverError {
            throw KringError(.conflict, field: "session", value: sessionReference, reason: error.reason)
        } catch {
            throw KringError(.environment, field: "decline", value: "", reason: "the planner failed")
        }
        if let violation = Kring.newHardViolations(loaded.problem, before: loaded.storedPlan(), after: plan).first {
            logger.error("re-plan rejected by checker", metadata: ["violation.rule": "\(violation.rule.rawValue)"])
            throw KringError(
                .environment, field: "decline", value: violation.rule.rawValue,
                reason: "the planner produced a plan that breaks a hard rule; nothing was stored")
        }
        // The re-plan may move people between groups (a chain of moves), so every group is compared.
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: nil)
        try transaction.store(plan, of: loaded, now: now)
        try transaction.insert(
            StoredDecline(sessionId: session.id, facilitatorId: facilitator.id, declinedAt: now))
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: nil, now: now)
        let planned = plan.sessions.first { $0.sessionId == session.id }!
        return DeclineView(
            sessionId: session.id, facilitatorId: facilitator.id, facilitator: facilitator.displayName,
            session: loaded.staffing(planned),
            changes: plan.changes(comparedTo: loaded.problem).map(loaded.changeView),
            unfilled: plan.unfilled.map(loaded.unfilledView), plan: plan)
    }

    /// `kring assignment list [--facilitator F] [--group G]`: stored assignments in session order.
    func listAssignments(facilitator: String?, group: String?) throws(KringError) -> [AssignmentListView] {
        let person = try facilitator.map { (text) throws(KringError) in try transaction.resolveFacilitator(text) }
        let onlyGroup = try group.map { (text) throws(KringError) in try transaction.resolveGroup(text) }
        let rows = try transaction.assignments(facilitatorId: person?.id, groupId: onlyGroup?.id)
        var views: [AssignmentListView] = []
        for row in rows {
            let session = try transaction.resolveSession(String(row.sessionId))
            let group = try transaction.resolveGroup(String(session.groupId))
            let who = try transaction.resolveFacilitator(String(row.facilitatorId))
            let clock = transaction.clock(for: group)
            views.append(
                AssignmentListView(
                    sessionId: session.id, groupId: group.id, group: group.internalName,
                    start: clock.iso8601(session.startsAt), end: clock.iso8601(session.endsAt),
                    status: session.status,
                    facilitatorId: who.id, facilitator: who.displayName, lead: row.isLead, pinned: row.pinned,
                    published: row.publishedAt != nil))
        }
        return views
    }

    /// `kring assignment settings`: shows, or changes, the travel buffer and the soft-goal weights.
    func assignmentSettings(_ changes: AssignmentSettingsChanges) throws(KringError) -> AssignmentSettingsView {
        if let minutes = changes.travelBufferMinutes {
            _ = try TextRules.checked(minutes, field: "travel-buffer", in: 0...240)
            try transaction.setSetting(
                StoreTransaction.settingPrefix + "travel-buffer-minutes", String(minutes))
        }
        let weights: [(String, Double?)] = [
            ("continuity", changes.continuity), ("fairness", changes.fairness), ("preference", changes.preference),
            ("stability", changes.stability),
        ]
        for case (let key, let value?) in weights {
            guard value.isFinite, (0...100).contains(value) else {
                throw .invalid(key, String(value), "a weight is a number from 0 to 100")
            }
            try transaction.setSetting(StoreTransaction.settingPrefix + "weight." + key, String(value))
        }
        return try transaction.assignmentSettings()
    }
}

extension StoreTransaction {
    /// A session whose facilitators may still change: not cancelled and not started.
    func changeableSession(_ reference: String, now: Date) throws(KringError) -> (Session, SupportGroup) {
        let session = try resolveSession(reference)
        let group = try resolveGroup(String(session.groupId))
        guard session.status != .cancelled else {
            throw .conflict("session", reference, "was cancelled; it needs no facilitators")
        }
        guard session.startsAt > now else {
            throw .conflict("session", reference, "has already started; its facilitators are history")
        }
        return (session, group)
    }

    /// Who facilitates one session, as stored now.
    func staffing(of session: Session, in group: SupportGroup) throws(KringError) -> SessionStaffingView {
        let rows = try assignments(sessionId: session.id)
        var people: [AssignedFacilitatorView] = []
        var hasLead = false
        for row in rows {
            let person = try resolveFacilitator(String(row.facilitatorId))
            if row.isLead && person.canLead { hasLead = true }
            people.append(
                AssignedFacilitatorView(
                    facilitatorId: row.facilitatorId, name: person.displayName, lead: row.isLead, pinned: row.pinned,
                    origin: nil))
        }
        let clock = clock(for: group)
        return SessionStaffingView(
            sessionId: session.id, groupId: group.id, group: group.internalName,
            start: clock.iso8601(session.startsAt),
            end: clock.iso8601(session.endsAt), slotsNeeded: group.facilitatorsPerSession, facilitators: people,
            openSlots: max(0, group.facilitatorsPerSession - people.count), hasLead: hasLead)
    }

    /// For the roster: the named session, else the group's next few sessions that are not cancelled.
    func rosterStaffing(group: SupportGroup, session: Session?, now: Date, upcoming: Int = 4) throws(KringError)
        -> [SessionStaffingView]
    {
        let sessions: [Session]
        if let session {
            sessions = [session]
        } else {
            sessions = Array(
                try self.sessions(groupId: group.id, from: now).filter { $0.status != .cancelled }
                    .prefix(upcoming))
        }
        var views: [SessionStaffingView] = []
        for session in sessions { views.append(try staffing(of: session, in: group)) }
        return views
    }

    /// Writes a plan's sessions that the run was allowed to change: removed rows go, new rows come in published,
    /// kept rows keep their dates and only follow a change of the lead flag.
    func store(_ plan: AssignmentPlan, of loaded: LoadedProblem, now: Date) throws(KringError) {
        for planned in plan.sessions where loaded.inScope.contains(planned.sessionId) {
            let current = loaded.stored[planned.sessionId] ?? []
            for row in current where !planned.assignments.contains(where: { $0.facilitatorId == row.facilitatorId }) {
                _ = try deleteAssignment(sessionId: row.sessionId, facilitatorId: row.facilitatorId)
            }
            for assignment in planned.assignments {
                if var row = current.first(where: { $0.facilitatorId == assignment.facilitatorId }) {
                    guard row.isLead != assignment.isLead else { continue }
                    row.isLead = assignment.isLead
                    try update(row)
                } else {
                    try insert(
                        StoredAssignment(
                            sessionId: planned.sessionId, facilitatorId: assignment.facilitatorId,
                            isLead: assignment.isLead, pinned: false, publishedAt: now, createdAt: now))
                }
            }
        }
    }
}

extension LoadedProblem {
    func runView(_ plan: AssignmentPlan, dryRun: Bool) -> AssignRunView {
        let planned = plan.sessions.filter { inScope.contains($0.sessionId) }
        let staffing = planned.map(staffing)
        let slots = staffing.reduce(0) { $0 + $1.slotsNeeded }
        let filled = staffing.reduce(0) { $0 + min($1.slotsNeeded, $1.facilitators.count) }
        return AssignRunView(
            dryRun: dryRun, sessions: staffing, slots: slots, filledSlots: filled, score: Self.scoreView(plan.score),
            unfilled: plan.unfilled.map(unfilledView), changes: plan.changes(comparedTo: problem).map(changeView),
            justifications: plan.justifications.map(justificationView),
            preexistingIssues: plan.preexistingIssues.map(issueText), plan: plan)
    }

    /// A checker violation as a coordinator reads it, naming the hard rule.
    func describe(_ violation: Violation, facilitator facilitatorId: Int64) -> String {
        let person = facilitators[facilitatorId]
        let session = violation.sessionId.flatMap { sessions[$0] }
        let group = session.flatMap { groups[$0.groupId] }
        let detail: String
        switch violation.rule {
        case .language:
            detail =
                "the group speaks \(group?.language.rawValue ?? "?"), they speak "
                + (person?.languages.map(\.rawValue).joined(separator: ",") ?? "?")
        case .audience: detail = "they are not qualified for \(group?.audience.rawValue ?? "?")"
        case .leadCannotLead: detail = "they are not registered as a lead"
        case .outsideWeeklyWindow:
            detail =
                "outside their weekly availability ("
                + (windows[facilitatorId] ?? []).map(WindowText.format).joined(separator: ", ") + ")"
        case .blockout:
            let days = (blockouts[facilitatorId] ?? []).first { b in
                session.map { b.startsAt < $0.endsAt && $0.startsAt < b.endsAt } ?? false
            }
            if person?.isRetired == true, days == nil {
                detail = "they are retired"
            } else {
                detail = days.map { "blocked out \($0.firstDay.iso) to \($0.lastDay.iso)" } ?? "blocked out (declined)"
            }
        case .busy: detail = "busy in their own calendar at that time"
        case .overlap:
            detail =
                "too close to their other session (\(violation.detail)) with the "
                + "\(problem.travelBufferMinutes)-minute travel buffer"
        case .weeklyMaximum, .monthlyMaximum: detail = violation.detail
        case .excludedFromGroup: detail = "excluded from this group (conflict of interest)"
        default: detail = violation.detail
        }
        return "breaks the hard rule '\(Self.ruleName(violation.rule))': \(detail)"
    }

    static func ruleName(_ rule: Violation.Rule) -> String {
        switch rule {
        case .language: "language"
        case .audience: "audience"
        case .leadCannotLead: "lead"
        case .outsideWeeklyWindow: "weekly availability"
        case .blockout: "blockout"
        case .busy: "busy time"
        case .overlap: "no overlapping sessions"
        case .weeklyMaximum: "weekly maximum"
        case .monthlyMaximum: "monthly maximum"
        case .excludedFromGroup: "exclusion"
        case .duplicateInSession: "one slot per person"
        default: rule.rawValue
        }
    }
}
