import Foundation
import KringDomain
import KringStorage

/// A coordinator's description of a series, as typed on the command line or in a scenario.
public struct SeriesRequest: Sendable, Codable {
    public var group: String
    public var start: String
    public var durationMinutes: Int
    public var rrule: String
    public var excludedDates: [String]
    /// `be`, `be-vl-school`, `be-fr-school`, comma-separated.
    public var skipHolidays: String?
    /// `skip` (the default) or `shift`: what becomes of a session on a holiday or an organisation closure.
    public var onHoliday: String?

    public init(
        group: String, start: String, durationMinutes: Int, rrule: String, excludedDates: [String] = [],
        skipHolidays: String? = nil, onHoliday: String? = nil
    ) {
        self.onHoliday = onHoliday
        self.group = group
        self.start = start
        self.durationMinutes = durationMinutes
        self.rrule = rrule
        self.excludedDates = excludedDates
        self.skipHolidays = skipHolidays
    }
}

extension Kring {
    /// `kring series add`: expands the rule in the group's local time and materialises every session; every
    /// participant already enrolled (with an address) gets a REQUEST for it.
    public func addSeries(_ request: SeriesRequest) throws(KringError) -> SeriesView {
        try write { (operation) throws(KringError) in try operation.addSeries(request) }
    }

    /// `kring session list`: sessions in start order, optionally of one group and within dates (group-local).
    public func listSessions(group reference: String?, from: String?, to: String?) throws(KringError) -> [SessionView] {
        try read { (operation) throws(KringError) in try operation.listSessions(group: reference, from: from, to: to) }
    }

    /// `kring session move`: a new local start in the group's zone; the change counter goes up.
    public func moveSession(_ reference: String, to newStart: String) throws(KringError) -> SessionView {
        try write { (operation) throws(KringError) in try operation.moveSession(reference, to: newStart) }
    }

    /// `kring session cancel`: the session stays listed as cancelled, so calendars can withdraw it.
    public func cancelSession(_ reference: String) throws(KringError) -> SessionView {
        try write { (operation) throws(KringError) in try operation.cancelSession(reference) }
    }

    static func startOfDay(_ text: String, field: String, in clock: ZonedClock) throws(KringError) -> Date {
        let date = try LocalDate.parse(text, field: field)
        // Midnight exists in Brussels on every day; in zones where it may not, the earliest valid minute is used.
        for minute in stride(from: 0, to: 180, by: 30) {
            let local = LocalDateTime(date: date, time: LocalTime(hour: minute / 60, minute: minute % 60)!)
            if case .unique(let instant) = clock.resolve(local) { return instant }
            if case .ambiguous(let earlier, _) = clock.resolve(local) { return earlier }
        }
        throw .invalid(field, text, "has no valid start of day in \(clock.timeZone.identifier)")
    }
}

extension KringTransaction {
    /// `kring series add`: expands the rule in the group's local time and materialises every session; every
    /// participant already enrolled (with an address) gets a REQUEST for it.
    func addSeries(_ request: SeriesRequest) throws(KringError) -> SeriesView {
        let uidDomain = try transaction.uidDomain()
        return try transaction.addSeries(request, uidDomain: uidDomain, now: now)
    }

    /// `kring session list`: sessions in start order, optionally of one group and within dates (group-local).
    func listSessions(group reference: String?, from: String?, to: String?) throws(KringError) -> [SessionView] {
        let onlyGroup = try reference.map { (reference) throws(KringError) in try transaction.resolveGroup(reference) }
        let groups = try transaction.allGroups()
        let byId = Dictionary(uniqueKeysWithValues: groups.map { ($0.id, $0) })
        let zone =
            onlyGroup.map { transaction.clock(for: $0) }
            ?? ZonedClock(timeZone: TimeZone(identifier: SupportGroup.defaultTimeZone)!)
        let fromInstant = try from.map { (text) throws(KringError) in
            try Kring.startOfDay(text, field: "from", in: zone)
        }
        let toDate = try to.map { (text) throws(KringError) in try LocalDate.parse(text, field: "to") }
        let toInstant = try toDate.map { (date) throws(KringError) in
            try Kring.startOfDay(date.adding(days: 1).iso, field: "to", in: zone)
        }
        if let fromInstant, let toInstant, toInstant <= fromInstant {
            throw .invalid("to", to!, "is before --from \(from!)")
        }
        let sessions = try transaction.sessions(groupId: onlyGroup?.id, from: fromInstant, to: toInstant)
        return sessions.compactMap { session in
            byId[session.groupId].map { transaction.view(of: session, in: $0) }
        }
    }

    /// `kring session move`: a new local start in the group's zone; the change counter goes up. The answer names
    /// every rule the new time meets (`moveWarnings`, `conflictsOfStoredAssignments`); none of them stops the move.
    func moveSession(_ reference: String, to newStart: String) throws(KringError) -> SessionView {
        var session = try transaction.resolveSession(reference)
        let group = try transaction.resolveGroup(String(session.groupId))
        let clock = transaction.clock(for: group)
        let local = try LocalDateTime.parse(newStart, field: "to")
        let instant = try clock.instant(for: local, field: "to")
        guard session.endsAt > now else {
            throw .conflict("session", reference, "has already taken place and cannot be moved")
        }
        guard instant > now else { throw .invalid("to", newStart, "is in the past") }
        guard instant != session.startsAt else { throw .invalid("to", newStart, "is the session's current start") }
        try session.move(to: instant)
        let sessionId = session.id
        let clash = try transaction.sessions(groupId: group.id).first { other in
            other.id != sessionId && other.status != .cancelled && other.startsAt < session.endsAt
                && session.startsAt < other.endsAt
        }
        if let clash {
            throw .conflict(
                "to", newStart, "overlaps session \(clash.id) of the same group at \(clock.iso8601(clash.startsAt))")
        }
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: [group.id])
        try transaction.update(session)
        try transaction.queueInvites(.request, group: group.id, seriesId: session.seriesId, now: now)
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: [group.id], now: now)
        var view = transaction.view(of: session, in: group)
        view.conflicts = try conflictsOfStoredAssignments(sessionIDs: [session.id])
        view.warnings = try moveWarnings(session, in: group)
        return view
    }

    /// `kring session cancel`: the session stays listed as cancelled, so calendars can withdraw it.
    func cancelSession(_ reference: String) throws(KringError) -> SessionView {
        var session = try transaction.resolveSession(reference)
        let group = try transaction.resolveGroup(String(session.groupId))
        guard session.endsAt > now else {
            throw .conflict("session", reference, "has already taken place and cannot be cancelled")
        }
        try session.cancel()
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: [group.id])
        try transaction.update(session)
        try transaction.reportCounters.sessionCancelled(session, group: group)
        try transaction.queueInvites(
            .cancel, group: group.id, seriesId: session.seriesId, occurrenceStart: session.occurrenceStart, now: now)
        try transaction.queueFacilitatorInvites(since: calendarsBefore, groupIds: [group.id], now: now)
        return transaction.view(of: session, in: group)
    }
}

extension StoreTransaction {
    /// The organisation's closure dates (`kring config set closure-dates …`); every new series skips them.
    func closureDates() throws(KringError) -> [LocalDate] {
        try Kring.closureDates(try setting(Kring.closureDatesKey) ?? "")
    }

    func uidDomain() throws(KringError) -> String {
        try setting("uid-domain") ?? "kring.invalid"
    }

    func addSeries(_ request: SeriesRequest, uidDomain: String, now: Date) throws(KringError) -> SeriesView {
        let group = try resolveGroup(request.group)
        guard group.state != .closed else {
            throw .conflict("group", request.group, "is closed; it gets no new sessions")
        }
        let clock = clock(for: group)
        let start = try LocalDateTime.parse(request.start, field: "start")
        let duration = try TextRules.checked(request.durationMinutes, field: "duration", in: Series.durationRange)
        var rule = try RecurrenceRule.parse(request.rrule)
        var excluded: [LocalDate] = []
        for text in request.excludedDates {
            let date = try LocalDate.parse(text.trimmingCharacters(in: .whitespaces), field: "exdate")
            if excluded.contains(date) { throw .invalid("exdate", text, "is listed twice") }
            excluded.append(date)
        }
        let calendars = try request.skipHolidays.map { (text) throws(KringError) in
            try Series.HolidayCalendar.parseList(text, field: "skip-holidays")
        }
        let handling = try request.onHoliday.map { (text) throws(KringError) -> Series.HolidayHandling in
            guard let handling = Series.HolidayHandling(rawValue: text.lowercased()) else {
                throw .invalid(
                    "on-holiday", text, "must be skip (drop the date) or shift (add a session at the end instead)")
            }
            return handling
        }
        let closures = Set(try closureDates())
        // Why a date is skipped: an organisation closure first, then the first selected calendar that names it.
        func skipReason(_ date: LocalDate) -> String? {
            if closures.contains(date) { return "organisation closed" }
            for calendar in calendars ?? [] {
                if let name = calendar.holiday(on: date) { return "\(calendar.rawValue): \(name)" }
            }
            return nil
        }
        // Every date the rule gives, so explicit exclusions can be checked and holidays found among them.
        var ruleDates = try SeriesExpansion.occurrences(start: start, rule: rule, excluding: [])
        let ruleDateSet = Set(ruleDates.map(\.date))
        for date in excluded where !ruleDateSet.contains(date) {
            throw .invalid("exdate", date.iso, "is not one of the series' dates, so it cannot be excluded")
        }
        let promisedDates = ruleDates.map(\.date)
        if handling == .shift, promisedDates.contains(where: { skipReason($0) != nil }) {
            // Shift keeps the promise: COUNT grows until as many sessions as the rule first gave (less the dates the
            // coordinator excluded) remain. In the calendars the rule's COUNT is the new one and every skipped date an
            // EXDATE, so any client expands the very same sessions.
            guard case .count(let promised) = rule.end else {
                throw .invalid(
                    "on-holiday", "shift",
                    "needs a rule that ends with COUNT, so there is a number of sessions to keep; "
                        + "with UNTIL the series ends on its date (use skip, or give COUNT)")
            }
            let wanted = promised - excluded.count
            var count = promised
            while ruleDates.count { !excluded.contains($0.date) && skipReason($0.date) == nil } < wanted {
                count += 1
                guard RecurrenceRule.countRange.contains(count) else {
                    throw .invalid(
                        "on-holiday", "shift", "would need more than \(RecurrenceRule.countRange.upperBound) dates")
                }
                rule = try RecurrenceRule(
                    frequency: rule.frequency, interval: rule.interval, byDay: rule.byDay, end: .count(count))
                ruleDates = try SeriesExpansion.occurrences(start: start, rule: rule, excluding: [])
            }
        }
        let skippedDates = ruleDates.map(\.date).filter { !excluded.contains($0) && skipReason($0) != nil }
        let addedDates = ruleDates.map(\.date).filter { !promisedDates.contains($0) && skipReason($0) == nil }
        let holidayDates = skippedDates
        let skipped = Set(excluded).union(holidayDates)
        let occurrences = ruleDates.filter { !skipped.contains($0.date) }
        guard !occurrences.isEmpty else {
            throw .invalid("rrule", request.rrule, "leaves no session once the excluded dates are removed")
        }
        var instants: [(start: Date, local: LocalDateTime)] = []
        for occurrence in occurrences {
            do {
                instants.append((try clock.instant(for: occurrence, field: "start"), occurrence))
            } catch {
                throw .invalid(
                    "start", occurrence.iso,
                    "a session of this series: \(error.reason); choose another time or exclude the date")
            }
        }
        let series = NewSeries(
            groupId: group.id, firstStart: start, durationMinutes: duration, rule: rule, excludedDates: excluded,
            holidayDates: holidayDates, skipsHolidays: calendars ?? [],
            calendarUID: UUID().uuidString.lowercased() + "@" + uidDomain)
        let stored = try insert(series)
        var sessions: [SessionView] = []
        for occurrence in instants {
            let session = NewSession(
                seriesId: stored.id, groupId: group.id, startsAt: occurrence.start,
                endsAt: occurrence.start.addingTimeInterval(TimeInterval(duration * 60)),
                occurrenceStart: occurrence.start)
            let inserted = try insert(session)
            sessions.append(view(of: inserted, in: group))
        }
        // Facilitators hear of it when they are assigned; enrolled participants only from this REQUEST.
        try queueInvites(.request, group: group.id, seriesId: stored.id, now: now)
        return SeriesView(
            id: stored.id, groupId: group.id, group: group.internalName, start: start.iso, durationMinutes: duration,
            rrule: rule.canonicalText, excludedDates: excluded.map(\.iso), skippedHolidays: holidayDates.map(\.iso),
            skipped: skippedDates.map { SeriesView.SkippedDate(date: $0.iso, reason: skipReason($0) ?? "") },
            onHoliday: (handling ?? .skip).rawValue, addedAtEnd: addedDates.map(\.iso), sessions: sessions)
    }
}
