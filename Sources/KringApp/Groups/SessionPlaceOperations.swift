import Foundation
import KringDomain
import KringStorage
import Logging

/// Where one session meets instead of its group's place; `groupPlace` goes back to the group's.
public struct SessionChanges: Sendable, Codable, Equatable {
    public var venue: String?
    public var online: String?
    public var groupPlace: Bool?

    public init(venue: String? = nil, online: String? = nil, groupPlace: Bool? = nil) {
        self.venue = venue
        self.online = online
        self.groupPlace = groupPlace
    }
}

extension Kring {
    /// `kring session update S --venue V | --online URL | --group-place`: that occurrence only.
    public func updateSession(_ reference: String, _ changes: SessionChanges) throws(KringError) -> SessionView {
        try write { (operation) throws(KringError) in try operation.updateSession(reference, changes) }
    }
}

extension KringTransaction {
    /// Gives one session its own place (the room is closed that evening). Its change counter goes up, so its
    /// calendars carry a higher SEQUENCE; everyone seated gets the series' REQUEST, in which this occurrence is an
    /// override (RECURRENCE-ID) with that LOCATION, and so do the session's facilitators.
    func updateSession(_ reference: String, _ changes: SessionChanges) throws(KringError) -> SessionView {
        var session = try transaction.resolveSession(reference)
        let group = try transaction.resolveGroup(String(session.groupId))
        let backToGroup = changes.groupPlace ?? false
        switch (changes.venue, changes.online, backToGroup) {
        case (nil, nil, false):
            throw .invalid("update", reference, "name one of --venue, --online or --group-place")
        case (.some, .some, _):
            throw .invalid("online", changes.online!, "give either --venue or --online, not both")
        case (.some, _, true), (_, .some, true):
            throw .invalid("group-place", "true", "give either --group-place or a place of its own, not both")
        default: break
        }
        let venue = try changes.venue.map { (text) throws(KringError) in
            try TextRules.checked(text, field: "venue", maximumLength: 200)
        }
        let online = try changes.online.map { (text) throws(KringError) in
            try TextRules.checkedURL(text, field: "online")
        }
        guard session.endsAt > now else {
            throw .conflict("session", reference, "has already taken place and cannot be changed")
        }
        if venue == session.venue, online == session.onlineURL {
            let field = venue != nil ? "venue" : online != nil ? "online" : "group-place"
            throw .invalid(
                field, venue ?? online ?? "true",
                backToGroup ? "the session already meets at its group's place" : "is already this session's place")
        }
        try session.meet(venue: venue, onlineURL: online)
        try transaction.update(session)
        try transaction.queueInvites(.request, group: group.id, seriesId: session.seriesId, now: now)
        try transaction.queueFacilitatorRequests(session: session, now: now)
        logAfterCommit(.info, "session place changed", ["session.id": "\(session.id)"])
        return transaction.view(of: session, in: group)
    }
}
