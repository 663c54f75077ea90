import Foundation
import KringDomain
import KringReport

/// The user actions the CLI can run either on a local database (`Kring`) or through the service (the CLI's remote
/// client). The server answers each with the same operation behind a role check (`ScopedKring`), so there is one
/// copy of every business rule.
public protocol KringOperations: Sendable {
    func listGroups() throws(KringError) -> [GroupView]
    func showGroup(_ reference: String) throws(KringError) -> GroupView
    func createGroup(_ changes: GroupChanges) throws(KringError) -> GroupView
    func updateGroup(_ reference: String, _ changes: GroupChanges) throws(KringError) -> GroupView
    func openGroup(_ reference: String) throws(KringError) -> GroupView
    func startGroup(_ reference: String) throws(KringError) -> GroupView
    func closeGroup(_ reference: String) throws(KringError) -> GroupView

    func addSeries(_ request: SeriesRequest) throws(KringError) -> SeriesView
    func listSessions(group reference: String?, from: String?, to: String?) throws(KringError) -> [SessionView]
    func moveSession(_ reference: String, to newStart: String) throws(KringError) -> SessionView
    func cancelSession(_ reference: String) throws(KringError) -> SessionView

    func enrol(_ request: EnrolmentRequest) throws(KringError) -> EnrolmentView
    /// The intake list (CSV bytes), all or nothing, one transaction.
    func enrolFromList(_ data: Data) throws(KringError) -> IntakeListView
    func listParticipants(group reference: String?) throws(KringError) -> [ParticipantView]
    func withdraw(_ reference: String, group groupReference: String?, erase: Bool, reason: String?)
        throws(KringError) -> EnrolmentChangeView

    func listFacilitators() throws(KringError) -> [FacilitatorView]
    func addFacilitator(_ request: FacilitatorRequest) throws(KringError) -> FacilitatorView

    // Correcting records (issue 14).
    func showParticipant(_ reference: String, revealContact: Bool) throws(KringError) -> ParticipantDetailView
    func updateParticipant(_ reference: String, _ changes: ParticipantChanges) throws(KringError)
        -> ParticipantDetailView
    func retireFacilitator(_ reference: String, eraseName: Bool) throws(KringError) -> RetirementView
    func listSeries(group reference: String?) throws(KringError) -> [SeriesSummaryView]
    func updateSeries(_ reference: String, _ changes: SeriesChanges) throws(KringError) -> SeriesChangeView
    func removeSeries(_ reference: String) throws(KringError) -> SeriesChangeView
    func updateSession(_ reference: String, _ changes: SessionChanges) throws(KringError) -> SessionView

    func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView
    func markAttendance(session sessionReference: String, participant participantReference: String, status: String)
        throws(KringError) -> AttendanceView

    // A facilitator's own planning: coordinators for anyone, a facilitator for themself.
    func setAvailability(facilitator reference: String, weekly: [String], anyTime: Bool) throws(KringError)
        -> FacilitatorPlanningView
    func blockout(facilitator reference: String, from: String, to: String, remove: Bool) throws(KringError)
        -> FacilitatorPlanningView
    func importBusyTimes(facilitator reference: String, icsData: Data, source: String, from: String?, to: String?)
        throws(KringError) -> BusyImportView
    func exclude(facilitator reference: String, group: String?, participant: String?, remove: Bool)
        throws(KringError) -> FacilitatorPlanningView
    func updatePlanning(facilitator reference: String, _ changes: FacilitatorPlanningChanges)
        throws(KringError) -> FacilitatorPlanningView
    func keepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView

    func assign(_ request: AssignRequest) throws(KringError) -> AssignRunView
    func setAssignment(
        session sessionReference: String, facilitator reference: String, pin: Bool, lead: Bool,
        overrideDecline: Bool
    ) throws(KringError) -> SessionStaffingView
    func removeAssignment(session sessionReference: String, facilitator reference: String) throws(KringError)
        -> SessionStaffingView
    func listAssignments(facilitator: String?, group: String?) throws(KringError) -> [AssignmentListView]
    func assignmentSettings(_ changes: AssignmentSettingsChanges) throws(KringError) -> AssignmentSettingsView
    func decline(facilitator reference: String, session sessionReference: String) throws(KringError) -> DeclineView

    func issueToken(_ request: TokenRequest) throws(KringError) -> IssuedTokenView
    func listTokens() throws(KringError) -> [TokenView]
    func revokeToken(_ reference: String) throws(KringError) -> TokenView

    func setConfig(_ key: String, _ value: String) throws(KringError) -> ConfigEntry
    func getConfig(_ key: String?) throws(KringError) -> [ConfigEntry]
    func listInvites() throws(KringError) -> [InviteView]
    /// The whole e-mail of one outbox message as it would be sent now; it holds the recipient's address, for the
    /// coordinator's eyes only (never logged).
    func previewInvite(_ id: Int64) throws(KringError) -> String
    func discardInvite(_ id: Int64) throws(KringError) -> InviteView
    /// Delivers the pending invites that are due, at most `limit`; `dryRun` (or a rehearsal) only says what would go.
    func sendInvites(dryRun: Bool, limit: Int?) async throws(KringError) -> DeliveryView
    func importScenario(fileData: Data, file: String) throws(KringError) -> ImportView
    func exportCalendar(group: String?, facilitator: String?, participant: String?) throws(KringError) -> String

    func listKeepApart(participant: String?) throws(KringError) -> [KeepApartMarkView]
    func removeKeepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView
    func restoreSession(_ reference: String) throws(KringError) -> SessionView
    func undoDecline(facilitator reference: String, session sessionReference: String) throws(KringError)
        -> SessionStaffingView
    func audit(_ query: AuditQuery) throws(KringError) -> [AuditEntryView]
    func report(_ request: ReportRequest) throws(KringError) -> AnnualReport

    /// The same operations, but every change is run and then rolled back: what `--dry-run` and a confirmation
    /// prompt show, computed by the code that would make the change.
    func rehearsal() -> any KringOperations
}

/// A local database answers everything: whoever holds the file and the key is the coordinator.
extension Kring: KringOperations {
    public func rehearsal() -> any KringOperations { rehearsing() }

    public func previewInvite(_ id: Int64) throws(KringError) -> String { try previewInvite(id, actor: nil) }

    public func sendInvites(dryRun: Bool, limit: Int?) async throws(KringError) -> DeliveryView {
        try await sendInvites(dryRun: dryRun, limit: limit, transport: nil, retry: .standard, actor: nil)
    }
}

extension KringOperations {
    /// `assignment set` without overriding a decline: someone who declined the session is refused.
    public func setAssignment(session sessionReference: String, facilitator reference: String, pin: Bool, lead: Bool)
        throws(KringError) -> SessionStaffingView
    {
        try setAssignment(
            session: sessionReference, facilitator: reference, pin: pin, lead: lead, overrideDecline: false)
    }
}
