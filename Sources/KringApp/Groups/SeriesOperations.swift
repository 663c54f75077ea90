import Foundation
import KringDomain
import KringStorage
import Logging

/// A series as `kring series list` shows it: its rule and how many of its sessions are still to come.
public struct SeriesSummaryView: Codable, Sendable, Equatable {
    public let id: Int64
    public let groupId: Int64
    public let group: String
    public let start: String
    public let durationMinutes: Int
    public let rrule: String
    public let sessions: Int
    /// Sessions not started yet and not cancelled: what `series update` and `series remove` change.
    public let upcoming: Int
    public let cancelled: Int
    public let nextSession: String?
}

/// What `series update` or `series remove` did: the series after it and every session it changed.
public struct SeriesChangeView: Codable, Sendable {
    public let series: SeriesSummaryView
    public let changed: [SessionView]
}

/// A change to the sessions of a series still to come; nil leaves a field as it is.
public struct SeriesChanges: Sendable, Codable, Equatable {
    /// A new local start time, `HH:MM`, for every session still to come (each keeps its date).
    public var time: String?
    /// A new length in minutes.
    public var durationMinutes: Int?

    public init(time: String? = nil, durationMinutes: Int? = nil) {
        self.time = time
        self.durationMinutes = durationMinutes
    }
}

extension Kring {
    /// `kring series list [--group G]`.
    public func listSeries(group reference: String?) throws(KringError) -> [SeriesSummaryView] {
        try read { (operation) throws(KringError) in try operation.listSeries(group: reference) }
    }

    /// `kring series update S --time HH:MM --duration N`: the sessions still to come, nothing held before.
    public func updateSeries(_ reference: String, _ changes: SeriesChanges) throws(KringError) -> SeriesChangeView {
        try write { (operation) throws(KringError) in try operation.updateSeries(reference, changes) }
    }

    /// `kring series remove S`: cancels every session still to come; past sessions and attendance stay.
    public func removeSeries(_ reference: String) throws(KringError) -> SeriesChangeView {
        try write { (operation) throws(KringError) in try operation.removeSeries(reference) }
    }
}

extension KringTransaction {
    func listSeries(group reference: String?) throws(KringError) -> [SeriesSummaryView] {
        let groups: [SupportGroup]
        if let reference {
            groups = [try transaction.resolveGroup(reference)]
        } else {
            groups = try transaction.allGroups()
        }
        var views: [SeriesSummaryView] = []
        for group in groups {
            for series in try transaction.series(ofGroup: group.id) {
                views.append(try transaction.summary(of: series, in: group, now: now))
            }
        }
        return views
    }

    /// Every session still to come moves to the new time on its own date and/or gets the new length, as one
    /// `session move` each would: the series' REQUEST to everyone seated, and each facilitator whose own sessions
    /// changed hears of it. The calendars show each changed session as an override of its occurrence (RECURRENCE-ID),
    /// so sessions already held keep the series' first time and length.
    func updateSeries(_ reference: String, _ changes: SeriesChanges) throws(KringError) -> SeriesChangeView {
        let (series, group) = try transaction.resolveSeries(reference)
        if changes.time == nil, changes.durationMinutes == nil {
            throw .invalid("update", reference, "name at least one of --time, --duration")
        }
        let time = try changes.time.map { (text) throws(KringError) in try LocalTime.parse(text, field: "time") }
        let duration = try changes.durationMinutes.map { (minutes) throws(KringError) in
            try TextRules.checked(minutes, field: "duration", in: Series.durationRange)
        }
        let clock = transaction.clock(for: group)
        let sessions = try transaction.sessions(groupId: group.id)
        let upcoming = sessions.filter { $0.seriesId == series.id && $0.startsAt > now && $0.status != .cancelled }
        guard !upcoming.isEmpty else {
            throw .conflict("series", reference, "has no session still to come; past sessions are not changed")
        }
        var changed: [Session] = []
        for var session in upcoming {
            var start = session.startsAt
            if let time {
                let local = LocalDateTime(date: clock.local(session.startsAt).date, time: time)
                do {
                    start = try clock.instant(for: local, field: "time")
                } catch {
                    throw .invalid("time", changes.time!, "session \(session.id) on \(local.date.iso): \(error.reason)")
                }
            }
            let length = duration.map { TimeInterval($0 * 60) } ?? session.endsAt.timeIntervalSince(session.startsAt)
            let end = start.addingTimeInterval(length)
            guard start != session.startsAt || end != session.endsAt else { continue }
            guard start > now else {
                throw .invalid("time", changes.time!, "would put session \(session.id) in the past")
            }
            try session.reschedule(start: start, end: end)
            changed.append(session)
        }
        guard !changed.isEmpty else {
            throw .invalid(
                changes.time != nil ? "time" : "duration", changes.time ?? String(changes.durationMinutes!),
                "is what the sessions still to come already have; nothing to change")
        }
        let changedIds = Set(changed.map(\.id))
        let others = sessions.filter { !changedIds.contains($0.id) && $0.status != .cancelled }
        for session in changed {
            if let clash = (others + changed).first(where: {
                $0.id != session.id && $0.startsAt < session.endsAt && session.startsAt < $0.endsAt
            }) {
                throw .conflict(
                    changes.time != nil ? "time" : "duration", changes.time ?? String(changes.durationMinutes!),
                    "session \(session.id) would overlap session \(clash.id) of the same group at "
                        + clock.iso8601(clash.startsAt))
            }
        }
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: [group.id])
        for session in changed { try transaction.update(session) }
        try transaction.queueInvites(.request, group: group.id, seriesId: series.id, now: now)
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: [group.id], now: now)
        logAfterCommit(.info, "series updated", ["series.id": "\(series.id)", "sessions.changed": "\(changed.count)"])
        return SeriesChangeView(
            series: try transaction.summary(of: series, in: group, now: now),
            changed: changed.map { transaction.view(of: $0, in: group) })
    }

    /// Every session still to come is cancelled as `session cancel` cancels one: it stays listed (and `session
    /// restore` brings it back), calendars withdraw it with a CANCEL of that occurrence, and its facilitators hear of
    /// it. When no session of the series was ever held, everyone seated gets one CANCEL of the whole series instead.
    func removeSeries(_ reference: String) throws(KringError) -> SeriesChangeView {
        let (series, group) = try transaction.resolveSeries(reference)
        let sessions = try transaction.sessions(groupId: group.id).filter { $0.seriesId == series.id }
        let upcoming = sessions.filter { $0.startsAt > now && $0.status != .cancelled }
        guard !upcoming.isEmpty else {
            throw .conflict("series", reference, "has no session still to come; past sessions are kept")
        }
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: [group.id])
        var cancelled: [Session] = []
        for var session in upcoming {
            try session.cancel()
            try transaction.update(session)
            cancelled.append(session)
        }
        let anyHeld = sessions.contains { $0.startsAt <= now && $0.status != .cancelled }
        if anyHeld {
            for session in cancelled {
                try transaction.queueInvites(
                    .cancel, group: group.id, seriesId: series.id, occurrenceStart: session.occurrenceStart, now: now)
            }
        } else {
            try transaction.queueInvites(.cancel, group: group.id, seriesId: series.id, now: now)
        }
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: [group.id], now: now)
        logAfterCommit(
            .info, "series removed", ["series.id": "\(series.id)", "sessions.cancelled": "\(cancelled.count)"])
        return SeriesChangeView(
            series: try transaction.summary(of: series, in: group, now: now),
            changed: cancelled.map { transaction.view(of: $0, in: group) })
    }
}

extension StoreTransaction {
    /// A series by its id, with its group.
    func resolveSeries(_ reference: String, field: String = "series") throws(KringError) -> (Series, SupportGroup) {
        guard let id = Int64(reference.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid(field, reference, "a series is named by its id, a number; see `kring series list`")
        }
        guard let series = try series(id: id) else {
            throw .notFound(field, reference, "no series has this id; see `kring series list`")
        }
        return (series, try resolveGroup(String(series.groupId)))
    }

    func summary(of series: Series, in group: SupportGroup, now: Date) throws(KringError) -> SeriesSummaryView {
        let sessions = try self.sessions(groupId: group.id).filter { $0.seriesId == series.id }
        let upcoming = sessions.filter { $0.startsAt > now && $0.status != .cancelled }
        return SeriesSummaryView(
            id: series.id, groupId: group.id, group: group.internalName, start: series.firstStart.iso,
            durationMinutes: series.durationMinutes, rrule: series.rule.canonicalText, sessions: sessions.count,
            upcoming: upcoming.count, cancelled: sessions.filter { $0.status == .cancelled }.count,
            nextSession: upcoming.first.map { clock(for: group).iso8601($0.startsAt) })
    }
}
