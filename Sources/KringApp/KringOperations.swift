import KringDomain

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
    func listParticipants(group reference: String?) throws(KringError) -> [ParticipantView]
    func withdraw(_ reference: String, group groupReference: String?, erase: Bool) throws(KringError)
        -> EnrolmentChangeView

    func listFacilitators() throws(KringError) -> [FacilitatorView]
    func addFacilitator(_ request: FacilitatorRequest) throws(KringError) -> FacilitatorView

    func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView
    func markAttendance(session sessionReference: String, participant participantReference: String, status: String)
        throws(KringError) -> AttendanceView
}

/// A local database answers everything: whoever holds the file and the key is the coordinator.
extension Kring: KringOperations {}
