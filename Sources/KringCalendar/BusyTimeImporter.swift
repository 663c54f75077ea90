import CLibical
import Foundation

/// Why an untrusted calendar could not be read; `description` is one line (`ics: line 12: …`) fit for a user.
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    enum Code: Hashable, Sendable {
        case tooLarge
        case notText
        case noCalendar
        case malformed
        case tooManyOccurrences
        case tooComplex
        case invalidWindow
    }

    let code: Code
    /// The physical line the problem was found on, when known.
    public let line: Int?
    public let message: String

    init(_ code: Code, line: Int? = nil, _ message: String) {
        self.code = code
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "ics: line \(line): \(message)" }
        return "ics: \(message)"
    }
}

/// Reads someone's own calendar (a file or a feed they chose to share) and keeps only when they are busy: no
/// titles, places or attendees survive. Input is untrusted: size, nesting and recurrence expansion are capped, and
/// every failure is an `ImportError`, never a crash or a hang.
public enum BusyTimeImporter {
    public static let maxInputBytes = 2 * 1024 * 1024
    public static let maxOccurrencesPerRule = 5_000
    public static let maxIteratorCallsPerRule = 20_000
    public static let maxIntervals = 20_000
    /// Wall-clock budget for expanding all rules of one file; one libical `next` call cannot be interrupted, so
    /// the budget is checked between calls and rules that make single calls slow are refused beforehand.
    public static let expansionBudget: TimeInterval = 3
    static let maxNesting = 12

    /// Busy intervals that overlap `window`, clipped to it, sorted and merged.
    /// - Parameter defaultZone: the zone for floating times when the file names none (X-WR-TIMEZONE).
    public static func busyIntervals(
        icsData: Data, window: DateInterval, defaultZone: TimeZone
    ) throws(ImportError) -> [DateInterval] {
        guard icsData.count <= maxInputBytes else {
            throw ImportError(.tooLarge, "input is larger than \(maxInputBytes / 1_048_576) MB")
        }
        guard window.duration > 0, window.duration <= 5 * 366 * 86_400 else {
            throw ImportError(.invalidWindow, "window must be longer than 0 and at most 5 years")
        }
        let text = try prescan(icsData)
        let intervals = try Libical.run { () throws(ImportError) -> [DateInterval] in
            var reader = try CalendarReader(
                text: text.normalized, events: text.events, window: window,
                defaultZone: defaultZone)
            return try reader.read()
        }
        return merge(intervals, in: window)
    }

    struct Prescanned {
        let normalized: String
        /// Each `BEGIN:VEVENT` directly inside a VCALENDAR, in order: its physical line, for error messages, and
        /// whether it had a DTSTART line at all (an event without one has no time and is skipped, while one whose
        /// DTSTART libical could not read is an error).
        let events: [(line: Int, hasStart: Bool)]
    }

    /// Structure checks libical does not make: libical turns any junk into X-LIC-ERROR properties and carries on,
    /// which gives no line number and happily returns an empty calendar for a web page.
    static func prescan(_ data: Data) throws(ImportError) -> Prescanned {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw ImportError(.notText, line: line, "NUL byte: not a text file")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ImportError(.notText, "not UTF-8 text")
        }
        // Unfold first: a parameter list may be folded before its ':'
        // (`ATTENDEE;RSVP=FALSE;\r\n CUTYPE=…:mailto:…`).
        var logical: [(line: Int, text: Substring)] = []
        var physical = 0
        var pending: (line: Int, text: String)?
        // "\r\n" is one Character in Swift, so split on all three line ends rather than on "\n".
        for line in text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        {
            physical += 1
            if let first = line.first, first == " " || first == "\t" {
                pending?.text += line.dropFirst()
                continue
            }
            if let done = pending { logical.append((done.line, Substring(done.text))) }
            pending = line.isEmpty ? nil : (physical, String(line))
        }
        if let done = pending { logical.append((done.line, Substring(done.text))) }

        var stack: [String] = []
        var events: [(line: Int, hasStart: Bool)] = []
        var sawCalendar = false
        for (number, line) in logical {
            let upper = line.uppercased()
            if upper.hasPrefix("BEGIN:") || upper.hasPrefix("END:") {
                let name = upper.drop(while: { $0 != ":" }).dropFirst().trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
                else {
                    throw ImportError(.malformed, line: number, "invalid component name")
                }
                if upper.hasPrefix("BEGIN:") {
                    guard stack.count < maxNesting else {
                        throw ImportError(.malformed, line: number, "components nested too deeply")
                    }
                    if name == "VCALENDAR" {
                        guard stack.isEmpty else {
                            throw ImportError(.malformed, line: number, "VCALENDAR inside another component")
                        }
                        sawCalendar = true
                    } else if stack.isEmpty {
                        throw ImportError(.malformed, line: number, "BEGIN:\(name) outside a VCALENDAR")
                    }
                    if name == "VEVENT", stack == ["VCALENDAR"] { events.append((number, false)) }
                    stack.append(name)
                } else {
                    guard let open = stack.last else {
                        throw ImportError(.malformed, line: number, "END:\(name) without BEGIN")
                    }
                    guard open == name else {
                        throw ImportError(.malformed, line: number, "END:\(name) does not close BEGIN:\(open)")
                    }
                    stack.removeLast()
                }
            } else if !stack.isEmpty {
                guard line.contains(":") else {
                    throw ImportError(.malformed, line: number, "content line without ':'")
                }
                if stack == ["VCALENDAR", "VEVENT"], upper.hasPrefix("DTSTART;") || upper.hasPrefix("DTSTART:") {
                    events[events.count - 1].hasStart = true
                }
            }
        }
        guard sawCalendar else { throw ImportError(.noCalendar, "no VCALENDAR found") }
        if let open = stack.last {
            throw ImportError(
                .malformed, line: logical.last?.line ?? physical, "BEGIN:\(open) is never closed (truncated file?)")
        }
        return Prescanned(normalized: text, events: events)
    }

    static func merge(_ intervals: [DateInterval], in window: DateInterval) -> [DateInterval] {
        let clipped = intervals.compactMap { interval -> DateInterval? in
            let start = max(interval.start, window.start)
            let end = min(interval.end, window.end)
            return end > start ? DateInterval(start: start, end: end) : nil
        }.sorted { $0.start < $1.start }
        var merged: [DateInterval] = []
        for interval in clipped {
            if let last = merged.last, interval.start <= last.end {
                merged[merged.count - 1] = DateInterval(start: last.start, end: max(last.end, interval.end))
            } else {
                merged.append(interval)
            }
        }
        return merged
    }
}

/// One pass over a parsed file. Lives inside one `Libical.run`; owns the parsed tree through `root`.
private struct CalendarReader {
    let root: ICalRoot
    let events: [(line: Int, hasStart: Bool)]
    let window: DateInterval
    let defaultZone: OpaquePointer
    var zoneCache: [String: OpaquePointer] = [:]
    var intervalCount = 0
    let deadline = Date().addingTimeInterval(BusyTimeImporter.expansionBudget)

    init(text: String, events: [(line: Int, hasStart: Bool)], window: DateInterval, defaultZone: TimeZone)
        throws(ImportError)
    {
        guard let parsed = icalparser_parse_string(text) else {
            throw ImportError(.noCalendar, "no VCALENDAR found")
        }
        root = ICalRoot(owning: parsed)
        self.events = events
        self.window = window
        self.defaultZone = Libical.zone(defaultZone.identifier) ?? Libical.utc
    }

    /// One VEVENT or VFREEBUSY reduced to what busy time needs.
    struct Event {
        var uid: String
        var recurrenceID: Date?
        var skipped: Bool
        var occurrences: [DateInterval]
    }

    mutating func read() throws(ImportError) -> [DateInterval] {
        let calendars: [OpaquePointer]
        if icalcomponent_isa(root.pointer) == ICAL_VCALENDAR_COMPONENT {
            calendars = [root.pointer]
        } else {
            calendars = children(of: root.pointer, ICAL_VCALENDAR_COMPONENT)
        }
        guard !calendars.isEmpty else { throw ImportError(.noCalendar, "no VCALENDAR found") }
        var result: [DateInterval] = []
        var eventIndex = 0
        for calendar in calendars {
            let floating = floatingZone(of: calendar)
            var masters: [String: [Event]] = [:]
            var overrides: [String: [Event]] = [:]
            for component in children(of: calendar, ICAL_VEVENT_COMPONENT) {
                let scanned = eventIndex < events.count ? events[eventIndex] : nil
                eventIndex += 1
                guard
                    let event = try readEvent(
                        component, calendar: calendar, floating: floating,
                        line: scanned?.line, hasStart: scanned?.hasStart ?? true)
                else { continue }
                if event.recurrenceID != nil {
                    overrides[event.uid, default: []].append(event)
                } else {
                    masters[event.uid, default: []].append(event)
                }
            }
            for (uid, events) in masters {
                let replaced = Set((overrides[uid] ?? []).compactMap(\.recurrenceID))
                for event in events where !event.skipped {
                    result += event.occurrences.filter { !replaced.contains($0.start) }
                }
            }
            for event in overrides.values.joined() where !event.skipped {
                result += event.occurrences
            }
            for component in children(of: calendar, ICAL_VFREEBUSY_COMPONENT) {
                result += freeBusy(component, calendar: calendar, floating: floating)
            }
            guard result.count <= BusyTimeImporter.maxIntervals else {
                throw ImportError(
                    .tooManyOccurrences, "more than \(BusyTimeImporter.maxIntervals) busy intervals in the window")
            }
        }
        return result
    }

    // Collected first: reading a component moves its one internal iterator, so nested loops must not share it.
    func children(of component: OpaquePointer, _ kind: icalcomponent_kind) -> [OpaquePointer] {
        var found: [OpaquePointer] = []
        var child = icalcomponent_get_first_component(component, kind)
        while let current = child {
            found.append(current)
            child = icalcomponent_get_next_component(component, kind)
        }
        return found
    }

    func properties(of component: OpaquePointer, _ kind: icalproperty_kind) -> [OpaquePointer] {
        var found: [OpaquePointer] = []
        var property = icalcomponent_get_first_property(component, kind)
        while let current = property {
            found.append(current)
            property = icalcomponent_get_next_property(component, kind)
        }
        return found
    }

    func floatingZone(of calendar: OpaquePointer) -> OpaquePointer {
        for property in properties(of: calendar, ICAL_X_PROPERTY) {
            guard let name = icalproperty_get_x_name(property), String(cString: name).uppercased() == "X-WR-TIMEZONE",
                let value = Libical.take(icalproperty_get_value_as_string_r(property)),
                let zone = Libical.zone(value.trimmingCharacters(in: .whitespaces))
            else { continue }
            return zone
        }
        return defaultZone
    }

    mutating func readEvent(
        _ component: OpaquePointer, calendar: OpaquePointer, floating: OpaquePointer, line: Int?, hasStart: Bool
    ) throws(ImportError) -> Event? {
        let uid =
            icalcomponent_get_first_property(component, ICAL_UID_PROPERTY)
            .flatMap { Libical.take(icalproperty_get_value_as_string_r($0)) } ?? "no-uid-\(line ?? 0)"
        var skipped = false
        if let status = icalcomponent_get_first_property(component, ICAL_STATUS_PROPERTY),
            icalproperty_get_status(status) == ICAL_STATUS_CANCELLED
        {
            skipped = true
        }
        if let transp = icalcomponent_get_first_property(component, ICAL_TRANSP_PROPERTY),
            icalproperty_get_transp(transp) == ICAL_TRANSP_TRANSPARENT
        {
            skipped = true
        }
        guard let startProperty = icalcomponent_get_first_property(component, ICAL_DTSTART_PROPERTY) else {
            // No DTSTART line at all: an event with no time (allowed in iTIP messages) blocks nothing.
            if !hasStart { return nil }
            throw ImportError(.malformed, line: line, "VEVENT without a valid DTSTART")
        }
        let startTime = icalproperty_get_dtstart(startProperty)
        guard icaltime_is_null_time(startTime) == 0, icaltime_is_valid_time(startTime) != 0 else {
            throw ImportError(.malformed, line: line, "VEVENT without a valid DTSTART")
        }
        let zone = timeZone(for: startProperty, time: startTime, calendar: calendar, floating: floating)
        let start = instant(startTime, zone: zone)
        let length = duration(component, start: start, startTime: startTime, calendar: calendar, floating: floating)

        var recurrenceID: Date?
        if let property = icalcomponent_get_first_property(component, ICAL_RECURRENCEID_PROPERTY) {
            let time = icalproperty_get_recurrenceid(property)
            if icaltime_is_null_time(time) == 0 {
                recurrenceID = instant(
                    time,
                    zone: timeZone(
                        for: property, time: time, calendar: calendar,
                        floating: floating))
            }
        }
        var event = Event(uid: uid, recurrenceID: recurrenceID, skipped: skipped, occurrences: [])
        if skipped { return event }
        if recurrenceID != nil {
            event.occurrences = [DateInterval(start: start, duration: length)]
            return event
        }
        var starts: [Date] = []
        let rules = properties(of: component, ICAL_RRULE_PROPERTY)
        let rdates = properties(of: component, ICAL_RDATE_PROPERTY)
        if rules.isEmpty && rdates.isEmpty {
            starts = [start]
        } else {
            starts.append(start)
            for rule in rules {
                starts += try expand(icalproperty_get_rrule(rule), dtstart: startTime, zone: zone, length: length)
            }
            for property in rdates {
                let value = icalproperty_get_rdate(property)
                let time = icaltime_is_null_time(value.period.start) == 0 ? value.period.start : value.time
                guard icaltime_is_null_time(time) == 0, icaltime_is_valid_time(time) != 0 else { continue }
                starts.append(
                    instant(
                        time,
                        zone: timeZone(
                            for: property, time: time, calendar: calendar,
                            floating: floating)))
            }
        }
        var excluded = Set<Date>()
        for property in properties(of: component, ICAL_EXDATE_PROPERTY) {
            let time = icalproperty_get_exdate(property)
            guard icaltime_is_null_time(time) == 0, icaltime_is_valid_time(time) != 0 else { continue }
            excluded.insert(
                instant(
                    time,
                    zone: timeZone(
                        for: property, time: time, calendar: calendar,
                        floating: floating)))
        }
        let earliest = window.start.addingTimeInterval(-length)
        for occurrence in Set(starts) where !excluded.contains(occurrence) {
            guard occurrence < window.end, occurrence >= earliest, length > 0 || occurrence >= window.start else {
                continue
            }
            event.occurrences.append(DateInterval(start: occurrence, duration: length))
        }
        intervalCount += event.occurrences.count
        guard intervalCount <= BusyTimeImporter.maxIntervals else {
            throw ImportError(
                .tooManyOccurrences, line: line,
                "more than \(BusyTimeImporter.maxIntervals) busy intervals in the window")
        }
        return event
    }

    /// DTEND, else DURATION, else one day for a date and nothing for a date-time (RFC 5545 3.6.1).
    mutating func duration(
        _ component: OpaquePointer, start: Date, startTime: icaltimetype, calendar: OpaquePointer,
        floating: OpaquePointer
    ) -> TimeInterval {
        if let property = icalcomponent_get_first_property(component, ICAL_DTEND_PROPERTY) {
            let time = icalproperty_get_dtend(property)
            if icaltime_is_null_time(time) == 0, icaltime_is_valid_time(time) != 0 {
                let end = instant(
                    time,
                    zone: timeZone(
                        for: property, time: time, calendar: calendar,
                        floating: floating))
                return min(max(0, end.timeIntervalSince(start)), 366 * 86_400)
            }
        }
        if let property = icalcomponent_get_first_property(component, ICAL_DURATION_PROPERTY) {
            let seconds = Double(icaldurationtype_as_int(icalproperty_get_duration(property)))
            return min(max(0, seconds), 366 * 86_400)
        }
        return startTime.is_date != 0 ? 86_400 : 0
    }

    /// Occurrence starts of one RRULE that can touch the window. UNTIL is applied here on instants, since libical
    /// 3.0.16 compares it field by field with the (local) DTSTART; the iterator is bounded in calls and results.
    func expand(
        _ original: icalrecurrencetype, dtstart: icaltimetype, zone: OpaquePointer, length: TimeInterval
    ) throws(ImportError) -> [Date] {
        var rule = original
        // Rules finer than daily are not meetings, and libical 3.0.16 spins inside one `next` call through every
        // hour up to its year limit when a rule can never match (13 s for FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30).
        // Such rules are dropped; the event still counts once at DTSTART.
        guard
            rule.freq == ICAL_DAILY_RECURRENCE || rule.freq == ICAL_WEEKLY_RECURRENCE
                || rule.freq == ICAL_MONTHLY_RECURRENCE || rule.freq == ICAL_YEARLY_RECURRENCE,
            Self.canMatch(rule)
        else { return [] }
        var until: Date?
        if icaltime_is_null_time(rule.until) == 0 {
            var time = rule.until
            if time.is_date != 0 {
                time.is_date = 0
                time.hour = 23
                time.minute = 59
                time.second = 59
            }
            until = instant(time, zone: icaltime_is_utc(rule.until) != 0 ? Libical.utc : zone)
            rule.until = icaltime_null_time()
        }
        // Creating or repositioning an iterator already searches for the first match, so check before that too.
        guard Date() < deadline else { throw ImportError(.tooComplex, "recurrence rules too costly to expand") }
        var local = dtstart
        local.zone = nil
        guard let iterator = icalrecur_iterator_new(rule, local) else { return [] }
        defer { icalrecur_iterator_free(iterator) }
        // Jump close to the window for open rules: a daily rule from 1995 would otherwise use up the cap early.
        let jump = window.start.addingTimeInterval(-length - 86_400)
        if rule.count == 0, jump > instant(dtstart, zone: zone) {
            var target = icaltime_from_timet_with_zone(time_t(jump.timeIntervalSince1970), local.is_date, Libical.utc)
            target = icaltime_convert_to_zone(target, zone)
            target.zone = nil
            target.is_date = local.is_date
            _ = icalrecur_iterator_set_start(iterator, target)
        }
        var starts: [Date] = []
        var calls = 0
        while calls < BusyTimeImporter.maxIteratorCallsPerRule, starts.count < BusyTimeImporter.maxOccurrencesPerRule {
            calls += 1
            guard Date() < deadline else {
                throw ImportError(.tooComplex, "recurrence rules too costly to expand")
            }
            let next = icalrecur_iterator_next(iterator)
            if icaltime_is_null_time(next) != 0 { break }
            let occurrence = instant(next, zone: zone)
            if let until, occurrence > until { break }
            if occurrence >= window.end { break }
            if occurrence.addingTimeInterval(length) >= window.start { starts.append(occurrence) }
        }
        return starts
    }

    /// False when BYMONTHDAY names only days that none of the months (BYMONTH, else all) has, such as the 30th of
    /// February: libical would search to its year limit for a match that never comes.
    static func canMatch(_ rule: icalrecurrencetype) -> Bool {
        let end = Int16(truncatingIfNeeded: ICAL_RECURRENCE_ARRAY_MAX.rawValue)
        let days = withUnsafeBytes(of: rule.by_month_day) { Array($0.bindMemory(to: Int16.self)) }
            .prefix { $0 != end }
        let months = withUnsafeBytes(of: rule.by_month) { Array($0.bindMemory(to: Int16.self)) }
            .prefix { $0 != end }.map { Int($0) & 0xFF }
        guard !days.isEmpty else { return true }
        let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let longest =
            (months.isEmpty ? Array(1...12) : months).compactMap { (1...12).contains($0) ? lengths[$0 - 1] : nil }
            .max() ?? 0
        return days.contains { Int(abs($0)) <= longest }
    }

    func freeBusy(_ component: OpaquePointer, calendar: OpaquePointer, floating: OpaquePointer) -> [DateInterval] {
        var found: [DateInterval] = []
        for property in properties(of: component, ICAL_FREEBUSY_PROPERTY) {
            if let type = Libical.take(icalproperty_get_parameter_as_string_r(property, "FBTYPE")),
                type.uppercased() == "FREE"
            {
                continue
            }
            let period = icalproperty_get_freebusy(property)
            guard icaltime_is_null_time(period.start) == 0, icaltime_is_valid_time(period.start) != 0 else {
                continue
            }
            let zone = icaltime_is_utc(period.start) != 0 ? Libical.utc : floating
            let start = instant(period.start, zone: zone)
            let end: Date
            if icaltime_is_null_time(period.end) == 0 {
                end = instant(period.end, zone: icaltime_is_utc(period.end) != 0 ? Libical.utc : floating)
            } else {
                end = start.addingTimeInterval(Double(icaldurationtype_as_int(period.duration)))
            }
            if end > start, end.timeIntervalSince(start) <= 366 * 86_400 {
                found.append(DateInterval(start: start, end: end))
            }
        }
        return found
    }

    /// The zone a time property is in: UTC if it says so, its TZID mapped to a system zone where possible
    /// (IANA, libical or Mozilla prefixed, Windows names), the file's own plain VTIMEZONE otherwise, and floating
    /// times (and all-day dates) in X-WR-TIMEZONE or the default zone.
    mutating func timeZone(
        for property: OpaquePointer, time: icaltimetype, calendar: OpaquePointer, floating: OpaquePointer
    ) -> OpaquePointer {
        if icaltime_is_utc(time) != 0 { return Libical.utc }
        guard time.is_date == 0,
            let tzid = Libical.take(icalproperty_get_parameter_as_string_r(property, "TZID")), !tzid.isEmpty
        else { return floating }
        if let cached = zoneCache[tzid] { return cached }
        let zone = systemZone(named: tzid) ?? fileZone(named: tzid, calendar: calendar) ?? floating
        zoneCache[tzid] = zone
        return zone
    }

    func systemZone(named tzid: String) -> OpaquePointer? {
        let trimmed = tzid.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        if let zone = Libical.zone(trimmed) { return zone }
        // `/freeassociation.sourceforge.net/Tzfile/Europe/Brussels`, `/mozilla.org/20050126_1/Europe/Brussels`.
        let parts = trimmed.split(separator: "/")
        for count in [3, 2] where parts.count >= count {
            if let zone = Libical.zone(parts.suffix(count).joined(separator: "/")) { return zone }
        }
        if let iana = WindowsTimeZones.iana(for: trimmed) { return Libical.zone(iana) }
        return nil
    }

    /// A zone defined only in the file. libical expands its observances on use, so only yearly rules are trusted.
    func fileZone(named tzid: String, calendar: OpaquePointer) -> OpaquePointer? {
        guard let zone = icalcomponent_get_timezone(calendar, tzid),
            let definition = icaltimezone_get_component(zone)
        else { return nil }
        for observance in children(of: definition, ICAL_ANY_COMPONENT) {
            for rule in properties(of: observance, ICAL_RRULE_PROPERTY)
            where icalproperty_get_rrule(rule).freq != ICAL_YEARLY_RECURRENCE {
                return nil
            }
        }
        return zone
    }

    func instant(_ time: icaltimetype, zone: OpaquePointer) -> Date {
        var local = time
        if local.is_date != 0 {
            local.is_date = 0
            local.hour = 0
            local.minute = 0
            local.second = 0
        }
        local.zone = zone
        let utc = icaltime_convert_to_zone(local, Libical.utc)
        return Date(timeIntervalSince1970: TimeInterval(icaltime_as_timet(utc)))
    }
}
