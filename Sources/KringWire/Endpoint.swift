import Foundation

/// Every `/api` operation of `kring serve`, in one table: the router registers each case at its method and path, the
/// remote client builds its requests from it, and a test holds it to `docs/openapi.yaml` (the raw value is the
/// document's `operationId`). A new endpoint is one case here, its route, and the operation behind it.
public enum Endpoint: String, CaseIterable, Sendable {
    // Groups
    case listGroups, createGroup, showGroup, updateGroup, openGroup, startGroup, closeGroup, roster
    // Sessions
    case addSeries, listSessions, moveSession, cancelSession, restoreSession
    case listSeries, updateSeries, removeSeries, updateSession
    // People
    case listParticipants, enrol, enrolFromList, withdraw, markAttendance, listFacilitators, addFacilitator
    case showParticipant, updateParticipant, retireFacilitator
    // Planning
    case updateFacilitatorPlanning, setAvailability, addBlockout, removeBlockout, importBusyTimes
    case excludeFacilitator, declineSession, undoDecline, assign, listAssignments, setAssignment, removeAssignment
    case showAssignmentSettings, changeAssignmentSettings
    // Administration
    case keepApart, listTokens, issueToken, revokeToken, getConfig, setConfig, importScenario, exportCalendar,
        listKeepApart, removeKeepApart, listAudit
    // The outbox of invites
    case listInvites, previewInvite, discardInvite, sendInvites
    // Reporting
    case report

    /// The HTTP methods the API uses; raw values as they go on the wire.
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    /// Where every endpoint lives; the router mounts its authenticated group here.
    public static let prefix = "/api"

    public var method: Method {
        switch self {
        case .listGroups, .showGroup, .roster, .listSessions, .listParticipants, .listFacilitators, .listAssignments,
            .showAssignmentSettings, .listTokens, .getConfig, .listInvites, .previewInvite, .exportCalendar,
            .listKeepApart, .listAudit, .report, .showParticipant, .listSeries:
            .get
        case .createGroup, .openGroup, .startGroup, .closeGroup, .addSeries, .moveSession, .cancelSession,
            .enrol, .enrolFromList, .withdraw, .markAttendance, .addFacilitator, .keepApart, .setAvailability,
            .addBlockout,
            .excludeFacilitator, .declineSession, .assign, .setAssignment, .issueToken, .revokeToken, .importScenario,
            .restoreSession, .undoDecline, .removeKeepApart, .discardInvite, .sendInvites, .retireFacilitator,
            .removeSeries:
            .post
        case .importBusyTimes, .setConfig: .put
        case .updateGroup, .updateFacilitatorPlanning, .changeAssignmentSettings, .updateParticipant, .updateSeries,
            .updateSession:
            .patch
        case .removeBlockout, .removeAssignment: .delete
        }
    }

    /// The path below `prefix`, with `{name}` for each path parameter, as Hummingbird and OpenAPI both write it.
    public var route: String {
        switch self {
        case .listGroups, .createGroup: "/groups"
        case .showGroup, .updateGroup: "/groups/{group}"
        case .openGroup: "/groups/{group}/open"
        case .startGroup: "/groups/{group}/start"
        case .closeGroup: "/groups/{group}/close"
        case .roster: "/groups/{group}/roster"
        case .addSeries, .listSeries: "/series"
        case .updateSeries: "/series/{series}"
        case .removeSeries: "/series/{series}/remove"
        case .updateSession: "/sessions/{session}"
        case .listSessions: "/sessions"
        case .moveSession: "/sessions/{session}/move"
        case .cancelSession: "/sessions/{session}/cancel"
        case .restoreSession: "/sessions/{session}/restore"
        case .listParticipants: "/participants"
        case .enrol: "/enrolments"
        case .enrolFromList: "/enrolments/list"
        case .withdraw: "/participants/{participant}/withdraw"
        case .showParticipant, .updateParticipant: "/participants/{participant}"
        case .retireFacilitator: "/facilitators/{facilitator}/retire"
        case .markAttendance: "/attendance"
        case .listFacilitators, .addFacilitator: "/facilitators"
        case .keepApart, .listKeepApart: "/keep-apart"
        case .removeKeepApart: "/keep-apart/remove"
        case .listAudit: "/audit"
        case .updateFacilitatorPlanning: "/facilitators/{facilitator}"
        case .setAvailability: "/facilitators/{facilitator}/availability"
        case .addBlockout, .removeBlockout: "/facilitators/{facilitator}/blockouts"
        case .importBusyTimes: "/facilitators/{facilitator}/busy"
        case .excludeFacilitator: "/facilitators/{facilitator}/exclusions"
        case .declineSession: "/facilitators/{facilitator}/decline"
        case .undoDecline: "/facilitators/{facilitator}/decline/undo"
        case .assign: "/assign"
        case .listAssignments, .setAssignment, .removeAssignment: "/assignments"
        case .showAssignmentSettings, .changeAssignmentSettings: "/assignment-settings"
        case .listTokens, .issueToken: "/tokens"
        case .revokeToken: "/tokens/{id}/revoke"
        case .getConfig: "/config"
        case .setConfig: "/config/{key}"
        case .listInvites: "/invites"
        case .previewInvite: "/invites/{id}/preview"
        case .discardInvite: "/invites/{id}/discard"
        case .sendInvites: "/invites/send"
        case .importScenario: "/import"
        case .exportCalendar: "/calendar"
        case .report: "/report"
        }
    }

    /// The status of a successful answer: 201 where something new is created and named in the answer, else 200.
    public var successStatus: Int {
        switch self {
        case .createGroup, .addSeries, .enrol, .enrolFromList, .addFacilitator, .addBlockout, .issueToken,
            .importScenario:
            201
        default: 200
        }
    }

    /// The full path template, as `docs/openapi.yaml` lists it: `/api/groups/{group}`.
    public var pathTemplate: String { Self.prefix + route }

    /// The names of the path parameters, in order.
    public var parameterNames: [String] {
        route.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    /// The concrete path with each `{name}` replaced, in order, by a percent-encoded value (pseudonyms and group
    /// names may hold spaces or slashes). Giving more or fewer values than the template has parameters is a bug.
    public func path(_ values: [String]) -> String {
        precondition(values.count == parameterNames.count, "\(rawValue) takes \(parameterNames) as path parameters")
        var remaining = values[...]
        let segments = route.split(separator: "/").map { segment -> String in
            guard segment.hasPrefix("{") else { return String(segment) }
            let value = remaining.removeFirst()
            return value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? value
        }
        return Self.prefix + "/" + segments.joined(separator: "/")
    }

    public func path(_ values: String...) -> String { path(values) }

    /// Letters, digits and `-._~` stay; everything else (spaces in pseudonyms, `/`, `&`) is escaped.
    public static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
