import Foundation
import KringDomain
import KringPlanChecker
import KringSolver
import KringStorage

/// Planning as one caller may do it: a facilitator manages their own availability, blockouts and calendar import,
/// reads their own assignments and declines their own sessions; coordinators do all of it for anyone; participants
/// none of it. Another facilitator's id fails exactly like an unknown one.
extension ScopedKring {
    /// The facilitator a self-service action is about, as the operation should name them: coordinators may name
    /// anyone; a facilitator only themself.
    func checkedSelf(_ reference: String, _ operation: KringTransaction) throws(KringError) -> String {
        switch caller {
        case .coordinator: return reference
        case .participant: throw .forbidden(caller.role)
        case .facilitator(let id):
            let found = try? operation.transaction.resolveFacilitator(reference)
            guard found?.id == id else {
                throw .notFound(
                    "facilitator", reference, "no facilitator has this id or name; see `kring facilitator list`")
            }
            return reference
        }
    }

    /// A facilitator sees their own profile without the coordinator's notes on conflicts of interest: which
    /// participants they know says who is enrolled, and is the coordinator's to hold. For the same reason their
    /// conflicts leave out exclusions (a participant mark would tell them that person is in the group).
    func ownView(_ view: FacilitatorPlanningView, _ operation: KringTransaction) throws(KringError)
        -> FacilitatorPlanningView
    {
        guard case .facilitator = caller else { return view }
        let visible = Set(try visibleGroupViews(operation).map(\.name))
        return FacilitatorPlanningView(
            id: view.id, name: view.name, timezone: view.timezone, weekly: view.weekly, maxPerWeek: view.maxPerWeek,
            maxPerMonth: view.maxPerMonth, blockouts: view.blockouts, busyTimes: view.busyTimes, excludedGroups: [],
            excludedParticipants: [], preferredGroups: view.preferredGroups.filter(visible.contains),
            preferredWeekdays: view.preferredWeekdays, hasContact: view.hasContact, languages: view.languages,
            lead: view.lead, audiences: view.audiences, retired: view.retired, conflicts: ownConflicts(view.conflicts))
    }

    /// Conflicts as the caller may read them: a facilitator does not learn of conflict-of-interest marks.
    func ownConflicts(_ conflicts: [AssignmentConflict]) -> [AssignmentConflict] {
        guard case .facilitator = caller else { return conflicts }
        return conflicts.filter { $0.rule != Violation.Rule.excludedFromGroup.rawValue }
    }

    public func setAvailability(facilitator reference: String, weekly: [String], anyTime: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        try atomically { (operation) throws(KringError) in
            let facilitator = try checkedSelf(reference, operation)
            return try ownView(
                operation.setAvailability(facilitator: facilitator, weekly: weekly, anyTime: anyTime), operation)
        }
    }

    public func blockout(facilitator reference: String, from: String, to: String, remove: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        try atomically { (operation) throws(KringError) in
            let facilitator = try checkedSelf(reference, operation)
            return try ownView(
                operation.blockout(facilitator: facilitator, from: from, to: to, remove: remove), operation)
        }
    }

    public func importBusyTimes(
        facilitator reference: String, icsData: Data, source: String, from: String?, to: String?
    ) throws(KringError) -> BusyImportView {
        // Parsing the untrusted file may take seconds (a child process with its own limits), so it must not hold the
        // write lock. The check is about identity only: a facilitator's own id, which cannot come to name anyone
        // else meanwhile, is what the import gets.
        let facilitator = try consistently { (operation) throws(KringError) -> String in
            switch caller {
            case .facilitator(let id):
                _ = try checkedSelf(reference, operation)
                return String(id)
            default:
                return try checkedSelf(reference, operation)
            }
        }
        var view = try kring.importBusyTimes(
            facilitator: facilitator, icsData: icsData, source: source, from: from, to: to)
        view.conflicts = ownConflicts(view.conflicts)
        return view
    }

    public func exclude(facilitator reference: String, group: String?, participant: String?, remove: Bool)
        throws(KringError) -> FacilitatorPlanningView
    {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.exclude(facilitator: reference, group: group, participant: participant, remove: remove)
        }
    }

    public func updatePlanning(facilitator reference: String, _ changes: FacilitatorPlanningChanges)
        throws(KringError) -> FacilitatorPlanningView
    {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.updatePlanning(facilitator: reference, changes)
        }
    }

    // MARK: Assignments

    /// Planning is the coordinator's; the role alone decides, so the check needs no transaction, and planning keeps
    /// its own lock discipline (`Kring.assign`: solve on a snapshot, store in a short write).
    public func assign(_ request: AssignRequest) throws(KringError) -> AssignRunView {
        try coordinatorOnly()
        return try kring.assign(request)
    }

    public func setAssignment(
        session sessionReference: String, facilitator reference: String, pin: Bool, lead: Bool,
        overrideDecline: Bool
    ) throws(KringError) -> SessionStaffingView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.setAssignment(
                session: sessionReference, facilitator: reference, pin: pin, lead: lead,
                overrideDecline: overrideDecline)
        }
    }

    public func removeAssignment(session sessionReference: String, facilitator reference: String) throws(KringError)
        -> SessionStaffingView
    {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.removeAssignment(session: sessionReference, facilitator: reference)
        }
    }

    /// A facilitator reads only their own assignments (naming anyone else fails like an unknown facilitator).
    public func listAssignments(facilitator: String?, group: String?) throws(KringError) -> [AssignmentListView] {
        try consistently { (operation) throws(KringError) in
            switch caller {
            case .coordinator:
                return try operation.listAssignments(facilitator: facilitator, group: group)
            case .participant:
                throw .forbidden(caller.role)
            case .facilitator(let id):
                if let facilitator { _ = try checkedSelf(facilitator, operation) }
                if let group { _ = try checkedGroup(group, operation) }
                return try operation.listAssignments(facilitator: String(id), group: group)
            }
        }
    }

    public func assignmentSettings(_ changes: AssignmentSettingsChanges) throws(KringError) -> AssignmentSettingsView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.assignmentSettings(changes)
        }
    }

    /// A facilitator declines only their own sessions. They learn who took the slot over, but not what moved
    /// elsewhere, why other facilitators could not take it or how the whole plan scores: those are other people's
    /// constraints.
    public func decline(facilitator reference: String, session sessionReference: String) throws(KringError)
        -> DeclineView
    {
        try atomically { (operation) throws(KringError) in
            switch caller {
            case .coordinator:
                return try operation.decline(facilitator: reference, session: sessionReference)
            case .participant:
                throw .forbidden(caller.role)
            case .facilitator:
                let facilitator = try checkedSelf(reference, operation)
                _ = try checkedSessionGroup(sessionReference, operation)
                let view = try operation.decline(facilitator: facilitator, session: sessionReference)
                return DeclineView(
                    sessionId: view.sessionId, facilitatorId: view.facilitatorId, facilitator: view.facilitator,
                    session: view.session, changes: view.changes.filter { $0.sessionId == view.sessionId },
                    // The plan's score sums up every group of the organisation: not a facilitator's to see (F16).
                    unfilled: [], plan: nil)
            }
        }
    }
}
