import Foundation
import KringDomain
import KringStorage

extension KringError {
    static func forbidden(_ role: Role) -> KringError { .forbidden(role.rawValue) }
}

extension KringTransaction {
    /// The groups a facilitator is assigned to (at least one session of the group).
    func groupsAssigned(toFacilitator facilitatorId: Int64) throws(KringError) -> Set<Int64> {
        Set(try transaction.groupIdsAssigned(facilitatorId: facilitatorId))
    }

    /// The groups a participant belongs to: enrolled, waiting or completed; a withdrawal ends the access.
    func groupsOf(participant participantId: Int64) throws(KringError) -> Set<Int64> {
        let enrolments = try transaction.enrolments(participantId: participantId)
        return Set(enrolments.filter { $0.state != .withdrawn }.map(\.groupId))
    }
}

/// The operations as one caller may use them: deny by default. Coordinators pass through; facilitators see and
/// mark attendance in the groups they are assigned to; participants see only themselves, their groups and their
/// sessions, and may withdraw themselves. An object outside the caller's scope is refused with the very error a
/// missing object gets, so a token learns nothing about what exists beyond it (privacy rule 8).
public struct ScopedKring: KringOperations {
    public let kring: Kring
    public let caller: Caller
    /// The API token the caller presented, for the audit trail; nil on the database's own machine.
    public let tokenId: Int64?

    public init(kring: Kring, caller: Caller, tokenId: Int64? = nil) {
        self.kring = kring
        self.caller = caller
        self.tokenId = tokenId
    }

    /// The instant operations run at (the injected clock): pages use it to tell next sessions from past ones.
    public var now: Date { kring.now }

    /// Who the audit trail names for this caller's changes.
    var actor: AuditActor {
        tokenId == nil && caller == .coordinator
            ? .localUser : AuditActor(role: caller.role.rawValue, tokenId: tokenId, localUser: nil)
    }

    /// The same caller on a rehearsal of the database: every change runs and is rolled back (`--dry-run`).
    public func rehearsal() -> any KringOperations { rehearsing() }

    public func rehearsing() -> ScopedKring {
        ScopedKring(kring: kring.rehearsing(), caller: caller, tokenId: tokenId)
    }

    /// The same caller, every write checked against the service's request (`RequestGuard`).
    public func guarded(by requestGuard: RequestGuard) -> ScopedKring {
        ScopedKring(kring: kring.guarded(by: requestGuard), caller: caller, tokenId: tokenId)
    }

    // MARK: Scope

    /// The group ids the caller may see; nil means all of them.
    func visibleGroups(_ operation: KringTransaction) throws(KringError) -> Set<Int64>? {
        switch caller {
        case .coordinator: nil
        case .facilitator(let id): try operation.groupsAssigned(toFacilitator: id)
        case .participant(let id): try operation.groupsOf(participant: id)
        }
    }

    /// The groups the caller may see, as views.
    func visibleGroupViews(_ operation: KringTransaction) throws(KringError) -> [GroupView] {
        let groups = try operation.listGroups()
        guard let visible = try visibleGroups(operation) else { return groups }
        var views: [GroupView] = []
        for group in groups where visible.contains(group.id) { views.append(try shaped(group, operation)) }
        return views
    }

    /// A group view as the caller may see it: a participant gets neither the internal name, the audience nor exact
    /// counts, and no venue or online link while waiting for a seat (security review 2026-11, F13 and F14).
    func shaped(_ group: GroupView, _ operation: KringTransaction) throws(KringError) -> GroupView {
        guard case .participant(let id) = caller else { return group }
        let transaction = operation.transaction
        let enrolment = try transaction.enrolment(groupId: group.id, participantId: id)
        return group.forParticipant(seated: enrolment?.state == .enrolled || enrolment?.state == .completed)
    }

    /// Resolves a group reference and insists it is in scope, failing exactly as an unknown group does. The scope
    /// is checked before the view is built, so an existing group out of scope takes no longer than a missing one.
    func checkedGroup(_ reference: String, _ operation: KringTransaction) throws(KringError) -> GroupView {
        let unknown = KringError.notFound("group", reference, "no group has this id or name; see `kring group list`")
        let group: SupportGroup
        do { group = try operation.transaction.resolveGroup(reference) } catch  where error.kind == .notFound {
            throw unknown
        }
        if let visible = try visibleGroups(operation), !visible.contains(group.id) { throw unknown }
        return try shaped(try operation.transaction.view(of: group, now: operation.now), operation)
    }

    func checkedSessionGroup(_ reference: String, _ operation: KringTransaction) throws(KringError) -> Int64 {
        let unknown = KringError.notFound("session", reference, "no session has this id; see `kring session list`")
        guard let id = Int64(reference.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid("session", reference, "a session is named by its id, a number; see `kring session list`")
        }
        let groupId = try operation.transaction.session(id: id)?.groupId
        guard let groupId else { throw unknown }
        if let visible = try visibleGroups(operation), !visible.contains(groupId) { throw unknown }
        return groupId
    }

    // MARK: Groups

    public func listGroups() throws(KringError) -> [GroupView] {
        try consistently { (operation) throws(KringError) in try visibleGroupViews(operation) }
    }

    public func showGroup(_ reference: String) throws(KringError) -> GroupView {
        try consistently { (operation) throws(KringError) in
            try checkedGroup(reference, operation)
        }
    }

    public func createGroup(_ changes: GroupChanges) throws(KringError) -> GroupView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.createGroup(changes)
        }
    }

    public func updateGroup(_ reference: String, _ changes: GroupChanges) throws(KringError) -> GroupView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.updateGroup(reference, changes)
        }
    }

    public func openGroup(_ reference: String) throws(KringError) -> GroupView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.openGroup(reference)
        }
    }

    public func startGroup(_ reference: String) throws(KringError) -> GroupView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.startGroup(reference)
        }
    }

    public func closeGroup(_ reference: String) throws(KringError) -> GroupView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.closeGroup(reference)
        }
    }

    // MARK: Schedule

    public func addSeries(_ request: SeriesRequest) throws(KringError) -> SeriesView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.addSeries(request)
        }
    }

    public func listSessions(group reference: String?, from: String?, to: String?) throws(KringError) -> [SessionView] {
        try consistently { (operation) throws(KringError) in
            let resolved = try reference.map { (reference) throws(KringError) in try checkedGroup(reference, operation)
            }
            let sessions = try operation.listSessions(group: resolved.map { String($0.id) }, from: from, to: to)
            guard let visible = try visibleGroups(operation) else { return sessions }
            let own = sessions.filter { visible.contains($0.groupId) }
            guard case .participant = caller else { return own }
            // The internal name is the coordinators' (it may say "ouders Hasselt"): a participant reads the group's
            // public title, the one their calendar shows.
            var titles: [Int64: String] = [:]
            var seated: Set<Int64> = []
            for groupId in Set(own.map(\.groupId)) {
                titles[groupId] = try operation.transaction.group(id: groupId)?.displayTitle
                guard case .participant(let id) = caller else { continue }
                let state = try operation.transaction.enrolment(groupId: groupId, participantId: id)?.state
                if state == .enrolled || state == .completed { seated.insert(groupId) }
            }
            // Where a session meets is for those who have a seat, as for the group's own place.
            return own.map {
                let view = $0.named(titles[$0.groupId] ?? "")
                return seated.contains($0.groupId) ? view : view.withoutPlace()
            }
        }
    }

    public func moveSession(_ reference: String, to newStart: String) throws(KringError) -> SessionView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.moveSession(reference, to: newStart)
        }
    }

    public func cancelSession(_ reference: String) throws(KringError) -> SessionView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.cancelSession(reference)
        }
    }

    /// Series are the coordinators' to list and change: a facilitator or participant sees sessions instead.
    public func listSeries(group reference: String?) throws(KringError) -> [SeriesSummaryView] {
        try consistently { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.listSeries(group: reference)
        }
    }

    public func updateSeries(_ reference: String, _ changes: SeriesChanges) throws(KringError) -> SeriesChangeView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.updateSeries(reference, changes)
        }
    }

    public func removeSeries(_ reference: String) throws(KringError) -> SeriesChangeView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.removeSeries(reference)
        }
    }

    public func updateSession(_ reference: String, _ changes: SessionChanges) throws(KringError) -> SessionView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.updateSession(reference, changes)
        }
    }

    // MARK: People

    public func enrol(_ request: EnrolmentRequest) throws(KringError) -> EnrolmentView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.enrol(request)
        }
    }

    /// Coordinators only; the list is parsed before the transaction opens, then checked and stored in it.
    public func enrolFromList(_ data: Data) throws(KringError) -> IntakeListView {
        try coordinatorOnly()
        let list = try IntakeList.parse(data)
        return try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.enrolFromList(list)
        }
    }

    public func listParticipants(group reference: String?) throws(KringError) -> [ParticipantView] {
        try consistently { (operation) throws(KringError) in
            switch caller {
            case .coordinator:
                return try operation.listParticipants(group: reference)
            case .facilitator:
                // The roster is a facilitator's view of people; a participant listing would show their other groups.
                throw .forbidden(caller.role)
            case .participant(let id):
                if let reference { _ = try checkedGroup(reference, operation) }
                return try operation.listParticipants(group: nil).filter { $0.id == id }
            }
        }
    }

    public func withdraw(_ reference: String, group groupReference: String?, erase: Bool, reason: String? = nil)
        throws(KringError) -> EnrolmentChangeView
    {
        try atomically { (operation) throws(KringError) in
            switch caller {
            case .coordinator:
                return try operation.withdraw(reference, group: groupReference, erase: erase, reason: reason)
            case .facilitator:
                throw .forbidden(caller.role)
            case .participant(let id):
                // Erasure is done by a coordinator, who also handles what the participant asked for around it.
                if erase { throw .forbidden(caller.role) }
                let unknown = KringError.notFound(
                    "participant", reference, "no participant has this id or pseudonym; see `kring participant list`")
                let target = try? operation.transaction.resolveParticipant(reference)
                guard target?.id == id else { throw unknown }
                if let groupReference { _ = try checkedGroup(groupReference, operation) }
                // Who moved up from the waitlist is the coordinator's to know: a participant sees only themself.
                return try operation.withdraw(String(id), group: groupReference, erase: false, reason: reason)
                    .withoutPromotions()
            }
        }
    }

    public func listFacilitators() throws(KringError) -> [FacilitatorView] {
        try consistently { (operation) throws(KringError) in
            switch caller {
            case .coordinator: return try operation.listFacilitators()
            case .facilitator(let id): return try operation.listFacilitators().filter { $0.id == id }
            case .participant: throw .forbidden(caller.role)
            }
        }
    }

    public func addFacilitator(_ request: FacilitatorRequest) throws(KringError) -> FacilitatorView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.addFacilitator(request)
        }
    }

    /// Coordinators see anyone, and the address only on request; a participant sees only themself, without the
    /// address and without where a group meets while they wait for a seat; a facilitator sees no participant this way
    /// (the roster is their view of people).
    public func showParticipant(_ reference: String, revealContact: Bool) throws(KringError) -> ParticipantDetailView {
        try consistently { (operation) throws(KringError) in
            switch caller {
            case .coordinator:
                return try operation.showParticipant(reference, revealContact: revealContact)
            case .facilitator:
                throw .forbidden(caller.role)
            case .participant(let id):
                if revealContact { throw .forbidden(caller.role) }
                let target = try? operation.transaction.resolveParticipant(reference)
                guard target?.id == id else {
                    throw .notFound(
                        "participant", reference,
                        "no participant has this id or pseudonym; see `kring participant list`")
                }
                return try operation.showParticipant(String(id), revealContact: false).forParticipant()
            }
        }
    }

    public func updateParticipant(_ reference: String, _ changes: ParticipantChanges) throws(KringError)
        -> ParticipantDetailView
    {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.updateParticipant(reference, changes)
        }
    }

    public func retireFacilitator(_ reference: String, eraseName: Bool) throws(KringError) -> RetirementView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.retireFacilitator(reference, eraseName: eraseName)
        }
    }

    // MARK: Rosters and attendance

    public func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView {
        try consistently { (operation) throws(KringError) in
            guard caller.role != .participant else { throw .forbidden(caller.role) }
            let group = try checkedGroup(reference, operation)
            if let sessionReference { _ = try checkedSessionGroup(sessionReference, operation) }
            return try operation.roster(group: String(group.id), session: sessionReference)
        }
    }

    public func markAttendance(
        session sessionReference: String, participant participantReference: String, status: String
    )
        throws(KringError) -> AttendanceView
    {
        try atomically { (operation) throws(KringError) in
            switch caller {
            case .coordinator:
                return try operation.markAttendance(
                    session: sessionReference, participant: participantReference, status: status)
            case .participant(let id):
                // "I can't come this time": a participant marks only themself, only as excused, only in their groups.
                guard (try? AttendanceStatus.parse(status, field: "status")) == .excused else {
                    throw .forbidden(caller.role)
                }
                _ = try checkedSessionGroup(sessionReference, operation)
                let target = try? operation.transaction.resolveParticipant(participantReference)
                guard target?.id == id else {
                    throw .notFound(
                        "participant", participantReference,
                        "no participant has this id or pseudonym; see `kring participant list`")
                }
                return try operation.markAttendance(session: sessionReference, participant: String(id), status: status)
            case .facilitator:
                let groupId = try checkedSessionGroup(sessionReference, operation)
                // Someone who was never in this group is "unknown" here, not "enrolled elsewhere": no existence oracle.
                let unknown = KringError.notFound(
                    "participant", participantReference,
                    "no participant has this id or pseudonym; see `kring participant list`")
                let transaction = operation.transaction
                // A withdrawn participant is not on the roster a facilitator sees, so they are unknown too: the answer
                // must not tell a former member from someone who never was one (security review 2026-11, F15).
                guard let participant = try? transaction.resolveParticipant(participantReference),
                    let enrolment = try transaction.enrolment(groupId: groupId, participantId: participant.id),
                    enrolment.state != .withdrawn
                else { throw unknown }
                return try operation.markAttendance(
                    session: sessionReference, participant: participantReference, status: status)
            }
        }
    }

    // MARK: Feeds

    /// The caller's own calendar feed; a coordinator token has none. A caller's own id needs no check, and the
    /// provider reads its own snapshot and renders after closing it.
    public func feed(from provider: any CalendarFeedProvider) throws(KringError) -> String? {
        switch caller {
        case .coordinator: nil
        case .facilitator(let id): try provider.facilitatorFeed(facilitatorId: id)
        case .participant(let id): try provider.participantFeed(participantId: id)
        }
    }

    /// The organisation's contact text in a language (`mail.organisation-text.LANG`, the text every invite carries),
    /// for the pages' withdrawal confirmation ("whom to call"); nil when not set.
    public func organisationText(_ language: Language) throws(KringError) -> String? {
        try consistently { (operation) throws(KringError) in
            try operation.transaction.setting("mail.organisation-text.\(language.rawValue)")
        }
    }

    /// A feed-only token for the caller's own calendar (the pages' subscribe link): a facilitator or participant
    /// issues one for themself; it opens their feed and nothing else. A coordinator has no feed.
    public func issueOwnFeedToken() throws(KringError) -> IssuedTokenView {
        try atomically { (operation) throws(KringError) in
            switch caller {
            case .coordinator: throw .forbidden(caller.role)
            case .facilitator(let id):
                return try operation.issueToken(TokenRequest(role: .facilitator, subject: String(id), feedOnly: true))
            case .participant(let id):
                return try operation.issueToken(TokenRequest(role: .participant, subject: String(id), feedOnly: true))
            }
        }
    }

    func coordinatorOnly() throws(KringError) {
        guard caller == .coordinator else { throw .forbidden(caller.role) }
    }

    // MARK: One transaction

    /// Runs the role check and the change it guards in one write transaction, so nothing (an unassignment, a
    /// withdrawal) can slip in between check and change.
    func atomically<T>(
        operation: String = #function, _ body: (KringTransaction) throws(KringError) -> T
    ) throws(KringError) -> T {
        try kring.write(actor: actor, operation: operation, body)
    }

    /// Runs the role check and the read it guards on one snapshot.
    func consistently<T>(_ body: (KringTransaction) throws(KringError) -> T) throws(KringError) -> T {
        try kring.read(body)
    }
}
