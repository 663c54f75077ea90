import Foundation
import KringApp
import KringDomain
import KringServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The CLI as the service's front: each operation is one HTTP request to `kring serve`, answered by the same
/// application operation behind the token's role, and printed exactly as a local run prints it.
struct RemoteKring: KringOperations {
    let baseURL: URL
    let token: String

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

    func listGroups() throws(KringError) -> [GroupView] { try get("groups") }
    func showGroup(_ reference: String) throws(KringError) -> GroupView { try get("groups", reference) }
    func createGroup(_ changes: GroupChanges) throws(KringError) -> GroupView {
        try send("POST", ["groups"], RequestBodies.Group(changes))
    }
    func updateGroup(_ reference: String, _ changes: GroupChanges) throws(KringError) -> GroupView {
        try send("PATCH", ["groups", reference], RequestBodies.Group(changes))
    }
    func openGroup(_ reference: String) throws(KringError) -> GroupView { try post(["groups", reference, "open"]) }
    func startGroup(_ reference: String) throws(KringError) -> GroupView { try post(["groups", reference, "start"]) }
    func closeGroup(_ reference: String) throws(KringError) -> GroupView { try post(["groups", reference, "close"]) }

    func addSeries(_ request: SeriesRequest) throws(KringError) -> SeriesView {
        try send("POST", ["series"], RequestBodies.Series(request))
    }
    func listSessions(group reference: String?, from: String?, to: String?) throws(KringError) -> [SessionView] {
        try get("sessions", query: ["group": reference, "from": from, "to": to])
    }
    func moveSession(_ reference: String, to newStart: String) throws(KringError) -> SessionView {
        try send("POST", ["sessions", reference, "move"], RequestBodies.Move(to: newStart))
    }
    func cancelSession(_ reference: String) throws(KringError) -> SessionView {
        try post(["sessions", reference, "cancel"])
    }

    func enrol(_ request: EnrolmentRequest) throws(KringError) -> EnrolmentView {
        try send("POST", ["enrolments"], RequestBodies.Enrolment(request))
    }
    func listParticipants(group reference: String?) throws(KringError) -> [ParticipantView] {
        try get("participants", query: ["group": reference])
    }
    func withdraw(_ reference: String, group groupReference: String?, erase: Bool) throws(KringError)
        -> EnrolmentChangeView
    {
        try send(
            "POST", ["participants", reference, "withdraw"],
            RequestBodies.Withdrawal(group: groupReference, erase: erase))
    }

    func listFacilitators() throws(KringError) -> [FacilitatorView] { try get("facilitators") }
    func addFacilitator(_ request: FacilitatorRequest) throws(KringError) -> FacilitatorView {
        try send("POST", ["facilitators"], RequestBodies.Facilitator(request))
    }

    func roster(group reference: String, session sessionReference: String?) throws(KringError) -> RosterView {
        try get("groups", reference, "roster", query: ["session": sessionReference])
    }
    func markAttendance(session sessionReference: String, participant participantReference: String, status: String)
        throws(KringError) -> AttendanceView
    {
        try send(
            "POST", ["attendance"],
            RequestBodies.Attendance(session: sessionReference, participant: participantReference, status: status))
    }

    func setAvailability(facilitator reference: String, weekly: [String], anyTime: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        try send(
            "POST", ["facilitators", reference, "availability"],
            RequestBodies.Availability(weekly: weekly, anyTime: anyTime))
    }
    func blockout(facilitator reference: String, from: String, to: String, remove: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        if remove {
            return try exchange(
                "DELETE", ["facilitators", reference, "blockouts"], query: ["from": from, "to": to], body: nil)
        }
        return try send("POST", ["facilitators", reference, "blockouts"], RequestBodies.Blockout(from: from, to: to))
    }
    func importBusyTimes(facilitator reference: String, icsData: Data, source: String, from: String?, to: String?)
        throws(KringError) -> BusyImportView
    {
        try exchange(
            "PUT", ["facilitators", reference, "busy"], query: ["from": from, "to": to, "source": source],
            body: icsData, contentType: "text/calendar")
    }
    func exclude(facilitator reference: String, group: String?, participant: String?, remove: Bool)
        throws(KringError) -> FacilitatorPlanningView
    {
        try send(
            "POST", ["facilitators", reference, "exclusions"],
            RequestBodies.Exclusion(group: group, participant: participant, remove: remove))
    }
    func updatePlanning(facilitator reference: String, _ changes: FacilitatorPlanningChanges)
        throws(KringError) -> FacilitatorPlanningView
    {
        try send("PATCH", ["facilitators", reference], changes)
    }
    func keepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        try send("POST", ["keep-apart"], RequestBodies.KeepApart(first: first, second: second))
    }

    func assign(_ request: AssignRequest) throws(KringError) -> AssignRunView {
        try send("POST", ["assign"], RequestBodies.Assign(request))
    }
    func setAssignment(session sessionReference: String, facilitator reference: String, pin: Bool, lead: Bool)
        throws(KringError) -> SessionStaffingView
    {
        try send(
            "POST", ["assignments"],
            RequestBodies.Assignment(session: sessionReference, facilitator: reference, pin: pin, lead: lead))
    }
    func removeAssignment(session sessionReference: String, facilitator reference: String) throws(KringError)
        -> SessionStaffingView
    {
        try exchange(
            "DELETE", ["assignments"], query: ["session": sessionReference, "facilitator": reference], body: nil)
    }
    func listAssignments(facilitator: String?, group: String?) throws(KringError) -> [AssignmentListView] {
        try get("assignments", query: ["facilitator": facilitator, "group": group])
    }
    func assignmentSettings(_ changes: AssignmentSettingsChanges) throws(KringError) -> AssignmentSettingsView {
        let unchanged = [changes.continuity, changes.fairness, changes.preference, changes.stability]
            .allSatisfy { $0 == nil }
        if unchanged && changes.travelBufferMinutes == nil { return try get("assignment-settings") }
        return try send("PATCH", ["assignment-settings"], changes)
    }
    func decline(facilitator reference: String, session sessionReference: String) throws(KringError) -> DeclineView {
        try send("POST", ["facilitators", reference, "decline"], RequestBodies.Decline(session: sessionReference))
    }

    func issueToken(_ request: TokenRequest) throws(KringError) -> IssuedTokenView {
        try send("POST", ["tokens"], RequestBodies.Token(request))
    }
    func listTokens() throws(KringError) -> [TokenView] { try get("tokens") }
    func revokeToken(_ reference: String) throws(KringError) -> TokenView { try post(["tokens", reference, "revoke"]) }

    func setConfig(_ key: String, _ value: String) throws(KringError) -> ConfigEntry {
        try send("PUT", ["config", key], RequestBodies.ConfigValue(value: value))
    }
    func getConfig(_ key: String?) throws(KringError) -> [ConfigEntry] { try get("config", query: ["key": key]) }
    func listInvites() throws(KringError) -> [InviteView] { try get("invites") }
    func importScenario(fileData: Data, file: String) throws(KringError) -> ImportView {
        try exchange(
            "POST", ["import"], query: ["file": file], body: fileData, contentType: "application/octet-stream")
    }
    func exportCalendar(group: String?, facilitator: String?, participant: String?) throws(KringError) -> String {
        let data = try exchangeRaw(
            "GET", ["calendar"], query: ["group": group, "facilitator": facilitator, "participant": participant],
            body: nil, contentType: nil, accept: "text/calendar")
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: HTTP

    private func get<T: Decodable>(_ path: String..., query: [String: String?] = [:]) throws(KringError) -> T {
        try exchange("GET", path, query: query, body: nil)
    }

    private func post<T: Decodable>(_ path: [String]) throws(KringError) -> T {
        try exchange("POST", path, query: [:], body: Data("{}".utf8))
    }

    private func send<T: Decodable>(_ method: String, _ path: [String], _ body: some Encodable) throws(KringError) -> T
    {
        let data: Data
        do { data = try JSONEncoder().encode(body) } catch {
            throw KringError(.invalidInput, field: "request", value: "", reason: "could not be encoded")
        }
        return try exchange(method, path, query: [:], body: data)
    }

    /// Letters, digits and `-._~` stay; everything else (spaces in pseudonyms, `/`, `&`) is escaped.
    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    private func exchange<T: Decodable>(
        _ method: String, _ path: [String], query: [String: String?], body: Data?,
        contentType: String = "application/json"
    ) throws(KringError) -> T {
        let data = try exchangeRaw(
            method, path, query: query, body: body, contentType: contentType, accept: "application/json")
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw KringError(
                .environment, field: "server", value: baseURL.absoluteString,
                reason: "answered in a form this kring does not understand; are both the same version?")
        }
    }

    private func exchangeRaw(
        _ method: String, _ path: [String], query: [String: String?], body: Data?, contentType: String?,
        accept: String
    ) throws(KringError) -> Data {
        var text =
            baseURL.absoluteString.hasSuffix("/") ? String(baseURL.absoluteString.dropLast()) : baseURL.absoluteString
        text +=
            "/api/"
            + path.map { $0.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? $0 }
            .joined(separator: "/")
        let pairs = query.sorted { $0.key < $1.key }.compactMap { key, value in
            value.map { key + "=" + ($0.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? $0) }
        }
        if !pairs.isEmpty { text += "?" + pairs.joined(separator: "&") }
        guard let url = URL(string: text) else {
            throw .invalid("server", baseURL.absoluteString, "is not a usable URL")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 120)
        request.httpMethod = method
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        request.setValue(accept, forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue(contentType ?? "application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, status) = try Self.perform(request, server: baseURL.absoluteString)
        if (200..<300).contains(status) { return data }
        throw Self.error(status: status, body: data, server: baseURL.absoluteString)
    }

    private final class Outcome: @unchecked Sendable {
        var data = Data()
        var status = 0
        var failed = false
    }

    /// The CLI is synchronous; it waits for the one request it makes, on URLSession's own threads.
    private static func perform(_ request: URLRequest, server: String) throws(KringError) -> (Data, Int) {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let session = URLSession(configuration: .ephemeral)
        session.dataTask(with: request) { data, response, error in
            if error != nil { outcome.failed = true }
            outcome.data = data ?? Data()
            outcome.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            done.signal()
        }.resume()
        done.wait()
        session.finishTasksAndInvalidate()
        if outcome.failed || outcome.status == 0 {
            throw KringError(.environment, field: "server", value: server, reason: "cannot be reached")
        }
        return (outcome.data, outcome.status)
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let kind: String
            let field: String
            let message: String
        }
        let error: Detail
    }

    /// The server's refusal as the same one line a local run prints: `field 'value': reason`.
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
        default:
            break
        }
        guard let detail = try? JSONDecoder().decode(ErrorBody.self, from: body).error,
            let kind = KringError.Kind(rawValue: detail.kind), kind != .environment
        else {
            return KringError(.environment, field: "server", value: server, reason: "could not complete the request")
        }
        let prefix = "\(detail.field) '"
        if detail.message.hasPrefix(prefix), let split = detail.message.range(of: "': ") {
            let value = String(
                detail.message[
                    detail.message.index(detail.message.startIndex, offsetBy: prefix.count)..<split.lowerBound])
            return KringError(
                kind, field: detail.field, value: value, reason: String(detail.message[split.upperBound...]))
        }
        return KringError(kind, field: detail.field, value: "", reason: detail.message)
    }
}
