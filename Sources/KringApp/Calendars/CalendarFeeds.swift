import Foundation
import KringCalendar
import KringDomain
import KringStorage
import Logging

/// The real calendar feeds: the database mapped to `CalendarSeries` and written by libical (`FeedExporter`).
///
/// One VEVENT per series (RRULE in the group's zone), EXDATE for explicit exceptions, skipped holidays and
/// cancelled sessions, an override per moved session. Nothing names a participant, the group's internal name or
/// its audience: the summary is the group's public title or the neutral default (privacy rule 7).
public struct LibicalFeedProvider: CalendarFeedProvider {
    let kring: Kring

    public init(kring: Kring) {
        self.kring = kring
    }

    public func participantFeed(participantId: Int64) throws(KringError) -> String {
        try kring.participantFeed(participantId: participantId)
    }

    public func facilitatorFeed(facilitatorId: Int64) throws(KringError) -> String {
        try kring.facilitatorFeed(facilitatorId: facilitatorId)
    }
}

extension Kring {
    /// `kring calendar export --participant P`: the series of every group the participant belongs to
    /// (enrolled, waiting or completed; a withdrawal ends it, as for the service's access rules), without the venue
    /// or online link of a group where they are still waiting for a seat.
    public func participantFeed(participant reference: String) throws(KringError) -> String {
        try renderFeed(
            try read { (operation) throws(KringError) in
                try operation.participantCalendar(
                    participantId: try operation.transaction.resolveParticipant(reference).id)
            })
    }

    /// `kring calendar export --facilitator F`: only the sessions they are assigned to; every other occurrence of
    /// those series is an EXDATE, and a series where they have no session left is absent.
    public func facilitatorFeed(facilitator reference: String) throws(KringError) -> String {
        try renderFeed(
            try read { (operation) throws(KringError) in
                try operation.transaction.facilitatorCalendarSeries(
                    facilitatorId: try operation.transaction.resolveFacilitator(reference).id)
            })
    }

    /// `kring calendar export --group G`: the coordinator's view of one group.
    public func groupFeed(group reference: String) throws(KringError) -> String {
        try renderFeed(
            try read { (operation) throws(KringError) in
                try operation.transaction.calendarSeries(ofGroups: [
                    try operation.transaction.resolveGroup(reference).id
                ])
            })
    }

    public func participantFeed(participantId: Int64) throws(KringError) -> String {
        try renderFeed(
            try read { (operation) throws(KringError) in try operation.participantCalendar(participantId: participantId)
            })
    }

    public func facilitatorFeed(facilitatorId: Int64) throws(KringError) -> String {
        try renderFeed(
            try read { (operation) throws(KringError) in
                try operation.transaction.facilitatorCalendarSeries(facilitatorId: facilitatorId)
            })
    }

    /// Writes a feed through libical once the snapshot it was read from is closed, so no transaction waits on it.
    /// DTSTAMP is the start of the current UTC day, so the body (and the service's ETag) stays the same while
    /// nothing changes, and clients still see a fresh stamp every day.
    func renderFeed(_ feed: (series: [CalendarSeries], language: CalendarLanguage)) throws(KringError) -> String {
        let now = self.now
        let day = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        do {
            return try FeedExporter(now: { day }).publishFeed(language: feed.language, series: feed.series)
        } catch {
            logger.error("feed export failed", metadata: ["error.type": "\(type(of: error))"])
            throw KringError(.environment, field: "calendar", value: "", reason: error.message)
        }
    }
}

extension KringTransaction {
    /// The series of every group the participant belongs to (a withdrawal ends it), in their own language, as
    /// their invites are: one UID reads the same in both.
    func participantCalendar(participantId: Int64) throws(KringError) -> (
        series: [CalendarSeries], language: CalendarLanguage
    ) {
        let enrolments = try transaction.enrolments(participantId: participantId)
        let groups = Set(enrolments.filter { $0.state != .withdrawn }.map(\.groupId))
        // Someone on the waitlist sees when the group meets, not where: the venue and the online link are for those
        // who have a seat (security review 2026-11, F13).
        let waiting = Set(enrolments.filter { $0.state == .waitlisted }.map(\.groupId))
        var feed = try transaction.calendarSeries(
            ofGroups: groups.sorted(), participantId: participantId, withoutPlace: waiting)
        if let participant = try transaction.participant(id: participantId),
            let language = CalendarLanguage(rawValue: participant.language.rawValue)
        {
            feed.language = language
        }
        return feed
    }
}

extension StoreTransaction {
    /// Every series of these groups as calendar values, and the language of the first group (nl when none;
    /// German groups get English, for which neutral calendar texts exist). A participant's feed adds their own change
    /// count to each SEQUENCE, as their invites do, so one UID never goes down between the two.
    func calendarSeries(
        ofGroups groupIds: [Int64], participantId: Int64? = nil, withoutPlace: Set<Int64> = []
    ) throws(KringError) -> (series: [CalendarSeries], language: CalendarLanguage) {
        var result: [CalendarSeries] = []
        var language: CalendarLanguage?
        for groupId in groupIds {
            guard let group = try self.group(id: groupId) else { continue }
            if language == nil { language = CalendarLanguage(rawValue: group.language.rawValue) ?? .en }
            let clock = clock(for: group)
            let allSeries = try self.series(ofGroup: groupId)
            let sessions = try self.sessions(groupId: groupId)
            for series in allSeries {
                let own = sessions.filter { $0.seriesId == series.id }
                var calendar = Self.calendarSeries(series, sessions: own, group: group, clock: clock)
                if let participantId {
                    calendar.sequence += try participantCalendarChanges(
                        participantId: participantId, seriesId: series.id)
                    calendar.reminderSecondsBefore = try participantReminderSeconds()
                }
                if withoutPlace.contains(groupId) {
                    calendar.location = nil
                    for index in calendar.overrides.indices { calendar.overrides[index].location = nil }
                }
                result.append(calendar)
            }
        }
        return (result, language ?? .nl)
    }

    /// One facilitator's calendar: per series of the groups they work in, their own sessions that take place.
    func facilitatorCalendarSeries(facilitatorId: Int64) throws(KringError) -> (
        series: [CalendarSeries], language: CalendarLanguage
    ) {
        var result: [CalendarSeries] = []
        var language: CalendarLanguage?
        let groupIds = try groupIdsAssigned(facilitatorId: facilitatorId)
        for groupId in groupIds {
            guard let group = try self.group(id: groupId) else { continue }
            for series in try self.series(ofGroup: groupId) {
                let view = try facilitatorView(of: series, facilitatorId: facilitatorId, group: group)
                guard view.ownSessions > 0 else { continue }
                if language == nil { language = CalendarLanguage(rawValue: group.language.rawValue) ?? .en }
                result.append(view.calendar)
            }
        }
        return (result, language ?? .nl)
    }

    /// One series as one facilitator's calendar shows it, and how many of its sessions are theirs (0: every
    /// occurrence is an EXDATE; a feed leaves it out, a CANCEL still needs it). SEQUENCE adds the count of changes
    /// to their own view, so gaining or losing a session raises it as a move does.
    func facilitatorView(of series: Series, facilitatorId: Int64, group: SupportGroup) throws(KringError) -> (
        calendar: CalendarSeries, ownSessions: Int
    ) {
        let sessions = try self.sessions(groupId: group.id, seriesId: series.id)
        let assigned = Set(try assignedSessionIds(facilitatorId: facilitatorId))
        let own = Set(sessions.filter { assigned.contains($0.id) && $0.status != .cancelled }.map { $0.id })
        let changes = try facilitatorCalendarChanges(facilitatorId: facilitatorId, seriesId: series.id)
        var calendar = Self.calendarSeries(
            series, sessions: sessions, group: group, clock: clock(for: group), keepingOnly: own)
        calendar.sequence += changes
        return (calendar, own.count)
    }

    static func calendarLocal(_ local: KringDomain.LocalDateTime) -> KringCalendar.LocalDateTime {
        KringCalendar.LocalDateTime(
            year: local.date.year, month: local.date.month, day: local.date.day, hour: local.time.hour,
            minute: local.time.minute)
    }

    /// - Parameter keepingOnly: when given, every session not in it is an EXDATE too (a facilitator's own view).
    static func calendarSeries(
        _ series: Series, sessions: [Session], group: SupportGroup, clock: ZonedClock,
        keepingOnly kept: Set<Int64>? = nil
    ) -> CalendarSeries {
        var excluded = Set<KringCalendar.LocalDateTime>()
        for date in series.excludedDates + series.holidayDates {
            excluded.insert(calendarLocal(KringDomain.LocalDateTime(date: date, time: series.firstStart.time)))
        }
        var overrides: [MovedOccurrence] = []
        for session in sessions {
            let original = calendarLocal(clock.local(session.occurrenceStart))
            if session.status == .cancelled || kept.map({ !$0.contains(session.id) }) == true {
                excluded.insert(original)
            } else if session.startsAt != session.occurrenceStart
                || Int(session.endsAt.timeIntervalSince(session.startsAt)) != series.durationMinutes * 60
                || session.hasOwnPlace
            {
                // A session with its own place (`session update --venue|--online`) is an override of its
                // occurrence too, at its own times, with that LOCATION.
                overrides.append(
                    MovedOccurrence(
                        originalStartLocal: original, newStartLocal: calendarLocal(clock.local(session.startsAt)),
                        newEndLocal: calendarLocal(clock.local(session.endsAt)), sequence: session.changeCount,
                        location: session.venue ?? session.onlineURL))
            }
        }
        // Every move and cancellation bumps one session's change counter and sessions are never deleted, so the
        // sum only grows: any change of any occurrence raises the series' SEQUENCE (a maximum would not move
        // when a second session changes). The series' own count adds changes every VEVENT shows (title, venue).
        let sequence = series.changeCount + sessions.reduce(0) { $0 + $1.changeCount }
        return CalendarSeries(
            uid: series.calendarUID, sequence: sequence, timeZoneIdentifier: group.timeZone,
            firstStartLocal: calendarLocal(series.firstStart), durationMinutes: series.durationMinutes,
            rrule: series.rule.canonicalText, excludedStarts: excluded.sorted(),
            overrides: overrides.sorted { $0.originalStartLocal < $1.originalStartLocal },
            summary: group.publicTitle, location: group.venue ?? group.onlineURL)
    }
}

extension Kring {
    /// `kring calendar export`: exactly one of a group's, a facilitator's or a participant's feed.
    public func exportCalendar(group: String?, facilitator: String?, participant: String?) throws(KringError)
        -> String
    {
        switch (group, facilitator, participant) {
        case (let group?, nil, nil): try groupFeed(group: group)
        case (nil, let facilitator?, nil): try facilitatorFeed(facilitator: facilitator)
        case (nil, nil, let participant?): try participantFeed(participant: participant)
        default: throw .invalid("group", group ?? "", "give exactly one of group, facilitator or participant")
        }
    }
}
