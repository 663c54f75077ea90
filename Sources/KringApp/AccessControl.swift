import Foundation
import KringDomain
import KringStorage

extension KringError {
    static func forbidden(_ role: Role) -> KringError { .forbidden(role.rawValue) }
}

extension Kring {
    /// The groups a facilitator is assigned to (at least one session of the group).
    public func groupsAssigned(toFacilitator facilitatorId: Int64) throws(KringError) -> Set<Int64> {
        try read { (transaction) throws(KringError) in
            Set(try transaction.wrap { try transaction.groupIdsAssigned(facilitatorId: facilitatorId) })
        }
    }

    /// The groups a participant belongs to: enrolled, waiting or completed; a withdrawal ends the access.
    public func groupsOf(participant participantId: Int64) throws(KringError) -> Set<Int64> {
        try read { (transaction) throws(KringError) in
            let enrolments = try transaction.wrap { try transaction.enrolments(participantId: participantId) }
            return Set(enrolments.filter { $0.state != .withdrawn }.map(\.groupId))
        }
    }
}

/// The operations as one caller may use them: deny by default. Coordinators pass through; facilitators see and
/// mark attendance in the groups they are assigned to; participants see only themselves, their groups and their
/// sessions, and may withdraw themselves. An object outside the caller's scope is refused with the very error a
/// missing object gets, so a token learns nothing about what exists beyond it (privacy rule 8).
public struct ScopedKring: KringOperations {
    public let kring: Kring
    public let caller: Caller

    public init(kring: Kring, caller: Caller) {
        self.kring = kring
        self.caller = caller
    }

    // MARK: Scope

    /// The group ids the caller may see; nil means all of them.
    func visibleGroups() throws(KringError) -> Set<Int64>? {
        switch caller {
        case .coordinator: nil
        case .facilitator(let id): try kring.groupsAssigned(toFacilitator: id)
        case .participant(let id): try kring.groupsOf(participant: id)
        }
    }

    /// Resolves a group reference and insists it is in scope, failing exactly as an unknown group does.
    func checkedGroup(_ reference: String) throws(KringError) -> GroupView {
        let unknown = KringError.notFound("group", reference, "no group has this id or name; see `kring group list`")
        let group: GroupView
        do { group = try kring.showGroup(reference) } catch  where error.kind == .notFound { throw unknown }
        if let visible = try visibleGroups(), !visible.contains(group.id) { throw unknown }
        return group
    }

    func checkedSessionGroup(_ reference: String) throws(KringError) -> Int64 {
        let unknown = KringError.notFound("session", reference, "no session has this id; see `kring session list`")
        guard let id = Int64(reference.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid("session", reference, "a session is named by its id, a number; see `kring session list`")
        }
        let groupId = try kring.read { (transaction) throws(KringError) in
            try transaction.wrap { try transaction.session(id: id) }?.groupId
        }
        guard let groupId else { throw unknown }
        if let visible = try visibleGroups(), !visible.contains(groupId) { throw unknown }
        return groupId
    }

    /// The sessions of the caller's groups (all of them for a coordinator), for listings and feeds.
    public func visibleSessions() throws(KringError) -> [SessionView] {
        try listSessions(group: nil, from: nil, to: nil)
    }

    // MARK: Groups

    public func listGroups() throws(KringError) -> [GroupView] {
        try consistently { () throws(KringError) in
            let groups = try kring.listGroups()
            guard let visible = try visibleGroups() else { return groups }
            return groups.filter { visible.contains($0.id) }
        }
    }

    public func showGroup(_ reference: String) throws(KringError) -> GroupView {
        try consistently { () throws(KringError) in
            try checkedGroup(reference)
        }
    }

    public func createGroup(_ changes: GroupChanges) throws(KringError) -> GroupView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.createGroup(changes)
        }
    }

    public func updateGroup(_ reference: String, _ changes: GroupChanges) throws(KringError) -> GroupView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.updateGroup(reference, changes)
        }
    }

    public func openGroup(_ reference: String) throws(KringError) -> GroupView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.openGroup(reference)
        }
    }

    public func startGroup(_ reference: String) throws(KringError) -> GroupView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.startGroup(reference)
        }
    }

    public func closeGroup(_ reference: String) throws(KringError) -> GroupView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.closeGroup(reference)
        }
    }

    // MARK: Schedule

    public func addSeries(_ request: SeriesRequest) throws(KringError) -> SeriesView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.addSeries(request)
        }
    }

    public func listSessions(group reference: String?, from: String?, to: String?) throws(KringError) -> [SessionView] {
        try consistently { () throws(KringError) in
            let resolved = try reference.map { (reference) throws(KringError) in try checkedGroup(reference) }
            let sessions = try kring.listSessions(group: resolved.map { String($0.id) }, from: from, to: to)
            guard let visible = try visibleGroups() else { return sessions }
            return sessions.filter { visible.contains($0.groupId) }
        }
    }

    public func moveSession(_ reference: String, to newStart: String) throws(KringError) -> SessionView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.moveSession(reference, to: newStart)
        }
    }

    public func cancelSession(_ reference: String) throws(KringError) -> SessionView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.cancelSession(reference)
        }
    }

    // MARK: People

    public func enrol(_ request: EnrolmentRequest) throws(KringError) -> EnrolmentView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.enrol(request)
        }
    }

    public func listParticipants(group reference: String?) throws(KringError) -> [ParticipantView] {
        try consistently { () throws(KringError) in
            switch caller {
            case .coordinator:
                return try kring.listParticipants(group: reference)
            case .facilitator:
                // The roster is a facilitator's view of people; a participant listing would show their other groups.
                throw .forbidden(caller.role)
            case .participant(let id):
                if let reference { _ = try checkedGroup(reference) }
                return try kring.listParticipants(group: nil).filter { $0.id == id }
            }
        }
    }

    public func withdraw(_ reference: String, group groupReference: String?, erase: Bool) throws(KringError)
        -> EnrolmentChangeView
    {
        try atomically { () throws(KringError) in
            switch caller {
            case .coordinator:
                return try kring.withdraw(reference, group: groupReference, erase: erase)
            case .facilitator:
                throw .forbidden(caller.role)
            case .participant(let id):
                // Erasure is done by a coordinator, who also handles what the participant asked for around it.
                if erase { throw .forbidden(caller.role) }
                let unknown = KringError.notFound(
                    "participant", reference, "no participant has this id or pseudonym; see `kring participant list`")
                let target = try kring.read { (transaction) throws(KringError) in
                    try? transaction.resolveParticipant(reference)
                }
                guard target?.id == id else { throw unknown }
                if let groupReference { _ = try checkedGroup(groupReference) }
                // Who moved up from the waitlist is the coordinator's to know: a participant sees only themself.
                return try kring.withdraw(String(id), group: groupReference, erase: false).withoutPromotions()
            }
        }
    }

    public func listFacilitators() throws(KringError) -> [FacilitatorView] {
        try consistently { () throws(KringError) in
            switch caller {
            case .coordinator: return try kring.listFacilitators()
            case .facilitator(let id): return try kring.listFacilitators().filter { $0.id == id }
            case .participant: throw .forbidden(caller.role)
            }
        }
    }

    public func addFacilitator(_ request: FacilitatorRequest) throws(KringError) -> FacilitatorView {
        try atomically { () throws(KringError) in
            try coordinatorOnly()
            return try kring.addFacilitator(request)
        }
    }

    // MARK: Rosters and attendance

    public func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView {
        try consistently { () throws(KringError) in
            guard caller.role != .participant else { throw .forbidden(caller.role) }
            let group = try checkedGroup(reference)
            if let sessionReference { _ = try checkedSessionGroup(sessionReference) }
            return try kring.roster(group: String(group.id), session: sessionReference)
        }
    }

    public func markAttendance(
        session sessionReference: String, participant participantReference: String, status: String
    )
        throws(KringError) -> AttendanceView
    {
        try atomically { () throws(KringError) in
            switch caller {
            case .coordinator:
                return try kring.markAttendance(
                    session: sessionReference, participant: participantReference, status: status)
            case .participant:
                throw .forbidden(caller.role)
            case .facilitator:
                let groupId = try checkedSessionGroup(sessionReference)
                // Someone who was never in this group is "unknown" here, not "enrolled elsewhere": no existence oracle.
                let unknown = KringError.notFound(
                    "participant", participantReference,
                    "no participant has this id or pseudonym; see `kring participant list`")
                let inGroup = try kring.read { (transaction) throws(KringError) -> Bool in
                    guard let participant = try? transaction.resolveParticipant(participantReference) else {
                        return false
                    }
                    return try transaction.wrap {
                        try transaction.enrolment(groupId: groupId, participantId: participant.id!) != nil
                    }
                }
                guard inGroup else { throw unknown }
                return try kring.markAttendance(
                    session: sessionReference, participant: participantReference, status: status)
            }
        }
    }

    // MARK: Feeds

    /// The caller's own calendar feed; a coordinator token has none.
    public func feed(from provider: any CalendarFeedProvider) throws(KringError) -> String? {
        try consistently { () throws(KringError) in
            switch caller {
            case .coordinator: nil
            case .facilitator(let id): try provider.facilitatorFeed(facilitatorId: id)
            case .participant(let id): try provider.participantFeed(participantId: id)
            }
        }
    }

    func coordinatorOnly() throws(KringError) {
        guard caller == .coordinator else { throw .forbidden(caller.role) }
    }

    // MARK: One transaction

    /// Runs the role check and the change it guards in one write transaction: the operation joins it (see
    /// `AmbientTransaction`), so nothing (an unassignment, a withdrawal) can slip in between check and change.
    func atomically<T>(_ body: () throws(KringError) -> T) throws(KringError) -> T {
        try kring.write { (_) throws(KringError) in try body() }
    }

    /// Runs the role check and the read it guards on one snapshot.
    func consistently<T>(_ body: () throws(KringError) -> T) throws(KringError) -> T {
        try kring.read { (_) throws(KringError) in try body() }
    }
}
