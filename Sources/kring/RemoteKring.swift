import Foundation
import KringApp
import KringDomain
import KringReport
import KringWire
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The CLI as the service's front: each operation is one HTTP request to `kring serve`, answered by the same
/// application operation behind the token's role, and printed exactly as a local run prints it.
struct RemoteKring: KringOperations {
    let baseURL: URL
    let token: String
    /// Sends `Kring-Dry-Run: true`: the server runs each change and rolls it back.
    var isRehearsal = false
    /// One generated `Idempotency-Key` per command, numbered per change it sends: a retry after a lost connection
    /// sends the same key, so the server answers it with the first answer instead of doing it twice.
    let keys = RequestKeys()

    final class RequestKeys: Sendable {
        private let command = UUID().uuidString.lowercased()
        private let sent = Mutex(0)

        func next() -> String {
            command + "-"
                + String(
                    sent.withLock { count in
                        count += 1
                        return count
                    })
        }
    }

    /// How long to wait before each retry of a request whose connection failed (refused, reset, or closed before
    /// the answer came).
    static let retryDelays: [TimeInterval] = [0.5, 1, 2]

    func rehearsal() -> any KringOperations {
        var copy = self
        copy.isRehearsal = true
        return copy
    }

    /// The server from `--server`, else `$KRING_SERVER`; nil runs locally. The token only ever comes from
    /// `$KRING_TOKEN`, so it never shows in shell history or the process list.
    static func configured(
        serverFlag: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KringError) -> RemoteKring? {
        guard let text = serverFlag ?? environment["KRING_SERVER"], !text.isEmpty else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw .invalid("server", text, "must be a URL such as https://kring.example.org")
        }
        // The token travels in every request: in clear text only to this machine (the service itself, or a tunnel).
        if scheme == "http", let host = url.host, !isLoopback(host) {
            throw .invalid(
                "server", text,
                "plain http would send your token unencrypted; use https:// (the service sits behind a TLS proxy)")
        }
        guard let token = environment["KRING_TOKEN"], !token.isEmpty else {
            throw KringError(
                .environment, field: "KRING_TOKEN", value: "", reason: "set it to the token a coordinator issued you")
        }
        return RemoteKring(baseURL: url, token: token)
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    // MARK: Operations

    func listGroups() throws(KringError) -> [GroupView] { try call(.listGroups) }
    func showGroup(_ reference: String) throws(KringError) -> GroupView { try call(.showGroup, [reference]) }
    func createGroup(_ changes: GroupChanges) throws(KringError) -> GroupView {
        try call(.createGroup, json: RequestBodies.Group(changes))
    }
    func updateGroup(_ reference: String, _ changes: GroupChanges) throws(KringError) -> GroupView {
        try call(.updateGroup, [reference], json: RequestBodies.Group(changes))
    }
    func openGroup(_ reference: String) throws(KringError) -> GroupView { try call(.openGroup, [reference]) }
    func startGroup(_ reference: String) throws(KringError) -> GroupView { try call(.startGroup, [reference]) }
    func closeGroup(_ reference: String) throws(KringError) -> GroupView { try call(.closeGroup, [reference]) }

    func addSeries(_ request: SeriesRequest) throws(KringError) -> SeriesView {
        try call(.addSeries, json: RequestBodies.Series(request))
    }
    func listSessions(group reference: String?, from: String?, to: String?) throws(KringError) -> [SessionView] {
        try call(.listSessions, query: ["group": reference, "from": from, "to": to])
    }
    func moveSession(_ reference: String, to newStart: String) throws(KringError) -> SessionView {
        try call(.moveSession, [reference], json: RequestBodies.Move(to: newStart))
    }
    func cancelSession(_ reference: String) throws(KringError) -> SessionView {
        try call(.cancelSession, [reference])
    }

    func enrol(_ request: EnrolmentRequest) throws(KringError) -> EnrolmentView {
        try call(.enrol, json: RequestBodies.Enrolment(request))
    }
    func enrolFromList(_ data: Data) throws(KringError) -> IntakeListView {
        try call(.enrolFromList, body: data, contentType: "text/csv; charset=utf-8")
    }
    func listParticipants(group reference: String?) throws(KringError) -> [ParticipantView] {
        try call(.listParticipants, query: ["group": reference])
    }
    func withdraw(_ reference: String, group groupReference: String?, erase: Bool, reason: String?)
        throws(KringError) -> EnrolmentChangeView
    {
        try call(
            .withdraw, [reference], json: RequestBodies.Withdrawal(group: groupReference, erase: erase, reason: reason))
    }

    func listFacilitators() throws(KringError) -> [FacilitatorView] { try call(.listFacilitators) }
    func addFacilitator(_ request: FacilitatorRequest) throws(KringError) -> FacilitatorView {
        try call(.addFacilitator, json: RequestBodies.Facilitator(request))
    }

    func showParticipant(_ reference: String, revealContact: Bool) throws(KringError) -> ParticipantDetailView {
        try call(.showParticipant, [reference], query: ["revealContact": revealContact ? "true" : nil])
    }
    func updateParticipant(_ reference: String, _ changes: ParticipantChanges) throws(KringError)
        -> ParticipantDetailView
    {
        try call(.updateParticipant, [reference], json: changes)
    }
    func retireFacilitator(_ reference: String, eraseName: Bool) throws(KringError) -> RetirementView {
        try call(.retireFacilitator, [reference], json: RequestBodies.Retirement(eraseName: eraseName))
    }

    func listSeries(group reference: String?) throws(KringError) -> [SeriesSummaryView] {
        try call(.listSeries, query: ["group": reference])
    }
    func updateSeries(_ reference: String, _ changes: SeriesChanges) throws(KringError) -> SeriesChangeView {
        try call(.updateSeries, [reference], json: changes)
    }
    func removeSeries(_ reference: String) throws(KringError) -> SeriesChangeView {
        try call(.removeSeries, [reference])
    }
    func updateSession(_ reference: String, _ changes: SessionChanges) throws(KringError) -> SessionView {
        try call(.updateSession, [reference], json: changes)
    }

    func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView {
        try call(.roster, [reference], query: ["session": sessionReference])
    }
    func markAttendance(session sessionReference: String, participant participantReference: String, status: String)
        throws(KringError) -> AttendanceView
    {
        try call(
            .markAttendance,
            json: RequestBodies.Attendance(session: sessionReference, participant: participantReference, status: status)
        )
    }

    func setAvailability(facilitator reference: String, weekly: [String], anyTime: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        try call(.setAvailability, [reference], json: RequestBodies.Availability(weekly: weekly, anyTime: anyTime))
    }
    func blockout(facilitator reference: String, from: String, to: String, remove: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        if remove { return try call(.removeBlockout, [reference], query: ["from": from, "to": to]) }
        return try call(.addBlockout, [reference], json: RequestBodies.Blockout(from: from, to: to))
    }
    func importBusyTimes(facilitator reference: String, icsData: Data, source: String, from: String?, to: String?)
        throws(KringError) -> BusyImportView
    {
        try call(
            .importBusyTimes, [reference], query: ["from": from, "to": to, "source": source], body: icsData,
            contentType: "text/calendar")
    }
    func exclude(facilitator reference: String, group: String?, participant: String?, remove: Bool)
        throws(KringError) -> FacilitatorPlanningView
    {
        try call(
            .excludeFacilitator, [reference],
            json: RequestBodies.Exclusion(group: group, participant: participant, remove: remove))
    }
    func updatePlanning(facilitator reference: String, _ changes: FacilitatorPlanningChanges)
        throws(KringError) -> FacilitatorPlanningView
    {
        try call(.updateFacilitatorPlanning, [reference], json: changes)
    }
    func keepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        try call(.keepApart, json: RequestBodies.KeepApart(first: first, second: second))
    }

    func assign(_ request: AssignRequest) throws(KringError) -> AssignRunView {
        try call(.assign, json: RequestBodies.Assign(request))
    }
    func setAssignment(
        session sessionReference: String, facilitator reference: String, pin: Bool, lead: Bool,
        overrideDecline: Bool
    ) throws(KringError) -> SessionStaffingView {
        try call(
            .setAssignment,
            json: RequestBodies.Assignment(
                session: sessionReference, facilitator: reference, pin: pin, lead: lead,
                overrideDecline: overrideDecline))
    }
    func removeAssignment(session sessionReference: String, facilitator reference: String) throws(KringError)
        -> SessionStaffingView
    {
        try call(.removeAssignment, query: ["session": sessionReference, "facilitator": reference])
    }
    func listAssignments(facilitator: String?, group: String?) throws(KringError) -> [AssignmentListView] {
        try call(.listAssignments, query: ["facilitator": facilitator, "group": group])
    }
    func assignmentSettings(_ changes: AssignmentSettingsChanges) throws(KringError) -> AssignmentSettingsView {
        let unchanged = [changes.continuity, changes.fairness, changes.preference, changes.stability]
            .allSatisfy { $0 == nil }
        if unchanged && changes.travelBufferMinutes == nil { return try call(.showAssignmentSettings) }
        return try call(.changeAssignmentSettings, json: changes)
    }
    func decline(facilitator reference: String, session sessionReference: String) throws(KringError) -> DeclineView {
        try call(.declineSession, [reference], json: RequestBodies.Decline(session: sessionReference))
    }

    func issueToken(_ request: TokenRequest) throws(KringError) -> IssuedTokenView {
        try call(.issueToken, json: RequestBodies.Token(request))
    }
    func listTokens() throws(KringError) -> [TokenView] { try call(.listTokens) }
    func revokeToken(_ reference: String) throws(KringError) -> TokenView { try call(.revokeToken, [reference]) }

    func setConfig(_ key: String, _ value: String) throws(KringError) -> ConfigEntry {
        try call(.setConfig, [key], json: RequestBodies.ConfigValue(value: value))
    }
    func getConfig(_ key: String?) throws(KringError) -> [ConfigEntry] { try call(.getConfig, query: ["key": key]) }
    func listInvites() throws(KringError) -> [InviteView] { try call(.listInvites) }
    func previewInvite(_ id: Int64) throws(KringError) -> String {
        let data = try exchange(
            .previewInvite, [String(id)], query: [:], body: nil, contentType: nil, accept: "message/rfc822")
        return String(decoding: data, as: UTF8.self)
    }
    func discardInvite(_ id: Int64) throws(KringError) -> InviteView { try call(.discardInvite, [String(id)]) }
    /// `--dry-run` is the `Kring-Dry-Run` header: the server answers what it would send and sends nothing. The
    /// request waits for the mail server's answers, so it is made on a thread of its own.
    func sendInvites(dryRun: Bool, limit: Int?) async throws(KringError) -> DeliveryView {
        var target = self
        if dryRun { target.isRehearsal = true }
        let chosen = target
        let result: Result<DeliveryView, KringError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    returning: Result { () throws(KringError) -> DeliveryView in
                        try chosen.call(.sendInvites, json: RequestBodies.InviteSend(limit: limit))
                    })
            }
        }
        return try result.get()
    }
    func importScenario(fileData: Data, file: String) throws(KringError) -> ImportView {
        try call(.importScenario, query: ["file": file], body: fileData, contentType: "application/octet-stream")
    }
    func exportCalendar(group: String?, facilitator: String?, participant: String?) throws(KringError) -> String {
        let data = try exchange(
            .exportCalendar, [], query: ["group": group, "facilitator": facilitator, "participant": participant],
            body: nil, contentType: nil, accept: "text/calendar")
        return String(decoding: data, as: UTF8.self)
    }

    func listKeepApart(participant: String?) throws(KringError) -> [KeepApartMarkView] {
        try call(.listKeepApart, query: ["participant": participant])
    }
    func removeKeepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        try call(.removeKeepApart, json: RequestBodies.KeepApart(first: first, second: second))
    }
    func restoreSession(_ reference: String) throws(KringError) -> SessionView {
        try call(.restoreSession, [reference])
    }
    func undoDecline(facilitator reference: String, session sessionReference: String) throws(KringError)
        -> SessionStaffingView
    {
        try call(.undoDecline, [reference], json: RequestBodies.Decline(session: sessionReference))
    }
    func audit(_ query: AuditQuery) throws(KringError) -> [AuditEntryView] {
        try call(
            .listAudit,
            query: ["from": query.from, "to": query.to, "operation": query.operation, "participant": query.participant])
    }

    func report(_ request: ReportRequest) throws(KringError) -> AnnualReport {
        try call(
            .report,
            query: [
                "from": request.from, "to": request.to, "year": request.year.map(String.init),
                "language": request.language, "format": "json",
            ])
    }

    // MARK: HTTP

    /// One endpoint of the table with a JSON body.
    private func call<T: Decodable>(
        _ endpoint: Endpoint, _ parameters: [String] = [], query: [String: String?] = [:], json body: some Encodable
    ) throws(KringError) -> T {
        let data: Data
        do { data = try JSONEncoder().encode(body) } catch {
            throw KringError(.invalidInput, field: "request", value: "", reason: "could not be encoded")
        }
        return try call(endpoint, parameters, query: query, body: data)
    }

    /// One endpoint of the table, its JSON answer decoded. A POST without a body sends `{}`.
    private func call<T: Decodable>(
        _ endpoint: Endpoint, _ parameters: [String] = [], query: [String: String?] = [:], body: Data? = nil,
        contentType: String = "application/json"
    ) throws(KringError) -> T {
        let body = body ?? (endpoint.method == .post ? Data("{}".utf8) : nil)
        let data = try exchange(
            endpoint, parameters, query: query, body: body, contentType: contentType, accept: "application/json")
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw KringError(
                .environment, field: "server", value: baseURL.absoluteString,
                reason: "answered in a form this kring does not understand; are both the same version?")
        }
    }

    private func exchange(
        _ endpoint: Endpoint, _ parameters: [String], query: [String: String?], body: Data?, contentType: String?,
        accept: String
    ) throws(KringError) -> Data {
        var text =
            baseURL.absoluteString.hasSuffix("/") ? String(baseURL.absoluteString.dropLast()) : baseURL.absoluteString
        text += endpoint.path(parameters)
        let pairs = query.sorted { $0.key < $1.key }.compactMap { key, value in
            value.map { key + "=" + ($0.addingPercentEncoding(withAllowedCharacters: Endpoint.unreserved) ?? $0) }
        }
        if !pairs.isEmpty { text += "?" + pairs.joined(separator: "&") }
        guard let url = URL(string: text) else {
            throw .invalid("server", baseURL.absoluteString, "is not a usable URL")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 120)
        request.httpMethod = endpoint.method.rawValue
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        request.setValue(accept, forHTTPHeaderField: "Accept")
        if isRehearsal { request.setValue("true", forHTTPHeaderField: "Kring-Dry-Run") }
        if let body {
            request.httpBody = body
            request.setValue(contentType ?? "application/json", forHTTPHeaderField: "Content-Type")
        }
        if endpoint.method != .get && !isRehearsal {
            request.setValue(keys.next(), forHTTPHeaderField: "Idempotency-Key")
        }
        var attempt = 0
        var answer: (Data, Int)?
        while answer == nil {
            do {
                answer = try Self.perform(request, server: baseURL.absoluteString)
            } catch let error where error.reason == Self.unreachable && attempt < Self.retryDelays.count {
                Thread.sleep(forTimeInterval: Self.retryDelays[attempt])
                attempt += 1
            }
        }
        let (data, status) = answer!
        if (200..<300).contains(status) { return data }
        throw Self.error(status: status, body: data, server: baseURL.absoluteString)
    }

    /// Collects the one answer, and refuses to follow a redirect to another origin (scheme, host or port): the
    /// token would go with it, to a host nobody configured or in clear text (security review 2026-11, F6).
    private final class Outcome: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        // Unchecked: URLSession calls these one at a time on its delegate queue, and `perform` reads them only after
        // the completion has signalled `done`.
        var data = Data()
        var status = 0
        var failed = false
        var refusedRedirect: URL?
        let done = DispatchSemaphore(value: 0)

        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) {
            guard let from = task.originalRequest?.url, let to = request.url, RemoteKring.sameOrigin(from, to) else {
                refusedRedirect = request.url
                return completionHandler(nil)
            }
            completionHandler(request)
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
        ) {
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            self.data.append(data)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            if error != nil { failed = true }
            if let response = task.response as? HTTPURLResponse { status = response.statusCode }
            done.signal()
        }
    }

    /// Whether two URLs share scheme, host and port (the default port when none is written).
    static func sameOrigin(_ first: URL, _ second: URL) -> Bool {
        func origin(_ url: URL) -> String? {
            guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
            return "\(scheme)://\(host):\(url.port ?? (scheme == "https" ? 443 : 80))"
        }
        return origin(first) != nil && origin(first) == origin(second)
    }

    /// The scheme, host and port of a URL, as an error names them.
    static func originText(_ url: URL) -> String {
        var text = "\(url.scheme ?? "?")://\(url.host ?? "?")"
        if let port = url.port { text += ":\(port)" }
        return text
    }

    static let unreachable = "cannot be reached"

    /// The CLI is synchronous; it waits for the one request it makes, on URLSession's own threads.
    private static func perform(_ request: URLRequest, server: String) throws(KringError) -> (Data, Int) {
        let outcome = Outcome()
        let session = URLSession(configuration: .ephemeral, delegate: outcome, delegateQueue: nil)
        session.dataTask(with: request).resume()
        outcome.done.wait()
        session.finishTasksAndInvalidate()
        if let target = outcome.refusedRedirect {
            throw KringError(
                .environment, field: "server", value: server,
                reason: "redirected to \(originText(target)), another origin; not following it with your token")
        }
        if outcome.failed || outcome.status == 0 {
            throw KringError(.environment, field: "server", value: server, reason: unreachable)
        }
        return (outcome.data, outcome.status)
    }

    /// The server's refusal as the error a local run throws: the body carries its kind, field, value and reason.
    static func error(status: Int, body: Data, server: String) -> KringError {
        switch status {
        case 401:
            return KringError(
                .environment, field: "KRING_TOKEN", value: "",
                reason: "the server did not accept the token; ask a coordinator for a new one")
        case 403:
            return KringError(
                .forbidden, field: "KRING_TOKEN", value: "", reason: "this token's role may not do this")
        case 429:
            return KringError(
                .environment, field: "server", value: server, reason: "too many failed attempts; wait a minute")
        case 503:
            let reason = (try? JSONDecoder().decode(ErrorBody.self, from: body))?.error.reason
            return KringError(
                .environment, field: "server", value: server, reason: reason ?? "is busy; try again in a few seconds")
        default:
            break
        }
        guard let error = (try? JSONDecoder().decode(ErrorBody.self, from: body))?.kringError else {
            return KringError(.environment, field: "server", value: server, reason: "could not complete the request")
        }
        return error
    }
}
