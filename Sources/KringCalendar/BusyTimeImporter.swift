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
    /// Busy intervals one file may give inside the window; more is refused, never cut short.
    public static let maxIntervals = 20_000
    /// Occurrences one rule may produce before the window starts (a daily rule with COUNT from 1950 has to be
    /// counted from its start); more is refused. libical needs about 2 µs per occurrence.
    public static let maxSkippedOccurrencesPerRule = 500_000
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
        /// Each `BEGIN:VEVENT` directly inside a VCALENDAR, in order.
        let events: [ScannedEvent]
    }

    struct ScannedEvent {
        /// The physical line of `BEGIN:VEVENT`, for error messages.
        var line: Int
        /// Whether it had a DTSTART line at all: an event without one has no time and is skipped, while one whose
        /// DTSTART libical could not read is an error.
        var hasStart = false
        /// The physical line of each RRULE, in order, for errors about a rule.
        var ruleLines: [Int] = []
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
        var events: [ScannedEvent] = []
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
                    if name == "VEVENT", stack == ["VCALENDAR"] { events.append(ScannedEvent(line: number)) }
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
                if stack == ["VCALENDAR", "VEVENT"], upper.hasPrefix("RRULE;") || upper.hasPrefix("RRULE:") {
                    // libical drops parts it does not know and keeps the first of repeated ones, which turned such
                    // a rule into "the first occurrence only" without a word.
                    let value = upper.drop(while: { $0 != ":" }).dropFirst()
                    if let problem = RecurrenceRuleCheck.problem(in: value) {
                        throw ImportError(.malformed, line: number, "RRULE \(problem)")
                    }
                    events[events.count - 1].ruleLines.append(number)
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
    let events: [BusyTimeImporter.ScannedEvent]
    let window: DateInterval
    let defaultZone: OpaquePointer
    var zoneCache: [String: OpaquePointer] = [:]
    var intervalCount = 0
    let deadline = Date().addingTimeInterval(BusyTimeImporter.expansionBudget)

    init(text: String, events: [BusyTimeImporter.ScannedEvent], window: DateInterval, defaultZone: TimeZone)
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

    /// How long an occurrence lasts from its start: first `wall` seconds on the local clock of `zone` (nominal
    /// days, and the whole length of floating and all-day events), then `exact` seconds (RFC 5545 3.3.6, 3.8.5.3).
    struct Length: Equatable {
        var wall: Int32 = 0
        var exact: TimeInterval = 0
        static let cap: TimeInterval = 366 * 86_400
        var upperBound: TimeInterval { min(Self.cap, Double(wall) + exact + 3_600) }
    }

    /// One VEVENT reduced to what busy time needs.
    struct Event {
        var component: OpaquePointer
        var scanned: BusyTimeImporter.ScannedEvent?
        var uid: String
        var sequence: Int32
        var recurrenceID: Date?
        /// RANGE=THISANDFUTURE: the new start and length apply to every later occurrence as well.
        var thisAndFuture: Bool
        var skipped: Bool
        var startTime: icaltimetype
        var start: Date
        var zone: OpaquePointer
        var length: Length
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
            var masters: [String: Event] = [:]
            var overrides: [String: [Date: Event]] = [:]
            var order: [String] = []
            for component in children(of: calendar, ICAL_VEVENT_COMPONENT) {
                let scanned = eventIndex < events.count ? events[eventIndex] : nil
                eventIndex += 1
                guard let event = try readEvent(component, scanned: scanned, calendar: calendar, floating: floating)
                else { continue }
                if masters[event.uid] == nil && overrides[event.uid] == nil { order.append(event.uid) }
                // A newer SEQUENCE of the same UID (or of the same occurrence) replaces the older one; on a tie
                // the first stays, as recurring-ical-events does.
                if let recurrenceID = event.recurrenceID {
                    if let old = overrides[event.uid]?[recurrenceID], old.sequence >= event.sequence { continue }
                    overrides[event.uid, default: [:]][recurrenceID] = event
                } else {
                    if let old = masters[event.uid], old.sequence >= event.sequence { continue }
                    masters[event.uid] = event
                }
            }
            for uid in order {
                let moved = overrides[uid] ?? [:]
                var excluded = Set<Date>()
                if let master = masters[uid] {
                    let series = try occurrences(of: master, calendar: calendar, floating: floating, moved: moved)
                    result += series.intervals
                    excluded = series.excluded
                }
                for (recurrenceID, event) in moved where !event.skipped && !excluded.contains(recurrenceID) {
                    result.append(DateInterval(start: event.start, end: end(of: event.start, event.length, event.zone)))
                }
            }
            for component in children(of: calendar, ICAL_VFREEBUSY_COMPONENT) {
                result += freeBusy(component, calendar: calendar, floating: floating)
            }
            try count(result.count, line: nil)
        }
        return result
    }

    func count(_ total: Int, line: Int?) throws(ImportError) {
        guard total <= BusyTimeImporter.maxIntervals else {
            throw ImportError(
                .tooManyOccurrences, line: line,
                "more than \(BusyTimeImporter.maxIntervals) busy intervals in the window")
        }
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
        _ component: OpaquePointer, scanned: BusyTimeImporter.ScannedEvent?, calendar: OpaquePointer,
        floating: OpaquePointer
    ) throws(ImportError) -> Event? {
        let line = scanned?.line
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
            if !(scanned?.hasStart ?? true) { return nil }
            throw ImportError(.malformed, line: line, "VEVENT without a valid DTSTART")
        }
        let startTime = icalproperty_get_dtstart(startProperty)
        guard icaltime_is_null_time(startTime) == 0, icaltime_is_valid_time(startTime) != 0 else {
            throw ImportError(.malformed, line: line, "VEVENT without a valid DTSTART")
        }
        let zone = timeZone(for: startProperty, time: startTime, calendar: calendar, floating: floating)
        let start = instant(startTime, zone: zone)
        let length = length(
            of: component, start: start, startProperty: startProperty, calendar: calendar, floating: floating)

        var recurrenceID: Date?
        var thisAndFuture = false
        if let property = icalcomponent_get_first_property(component, ICAL_RECURRENCEID_PROPERTY) {
            let time = icalproperty_get_recurrenceid(property)
            if icaltime_is_null_time(time) == 0 {
                recurrenceID = instant(
                    time, zone: timeZone(for: property, time: time, calendar: calendar, floating: floating))
                thisAndFuture =
                    Libical.take(icalproperty_get_parameter_as_string_r(property, "RANGE"))?.uppercased()
                    == "THISANDFUTURE"
            }
        }
        return Event(
            component: component, scanned: scanned, uid: uid, sequence: icalcomponent_get_sequence(component),
            recurrenceID: recurrenceID, thisAndFuture: thisAndFuture, skipped: skipped, startTime: startTime,
            start: start, zone: zone, length: length)
    }

    /// The busy intervals of a master event: its recurrence set less EXDATEs and moved occurrences, with
    /// RANGE=THISANDFUTURE overrides shifting later ones. Also returns the excluded starts: an override of an
    /// excluded occurrence does not count either.
    mutating func occurrences(
        of master: Event, calendar: OpaquePointer, floating: OpaquePointer, moved: [Date: Event]
    ) throws(ImportError) -> (intervals: [DateInterval], excluded: Set<Date>) {
        let component = master.component
        let futures = moved.values.filter(\.thisAndFuture).sorted { $0.recurrenceID! < $1.recurrenceID! }
        // A THISANDFUTURE shift can move an occurrence into the window from outside it.
        let shifts = futures.map { $0.start.timeIntervalSince($0.recurrenceID!) }
        let from = window.start.addingTimeInterval(-max(0, shifts.max() ?? 0))
        let to = window.end.addingTimeInterval(max(0, -(shifts.min() ?? 0)))

        // Each start with its own length where an RDATE period gives one.
        var starts: [Date: Length] = [master.start: master.length]
        let rules = properties(of: component, ICAL_RRULE_PROPERTY)
        for (index, rule) in rules.enumerated() {
            let ruleLine = master.scanned.flatMap { index < $0.ruleLines.count ? $0.ruleLines[index] : nil }
            for start in try expand(
                icalproperty_get_rrule(rule), dtstart: master.startTime, zone: master.zone,
                from: from.addingTimeInterval(-master.length.upperBound), to: to, line: ruleLine ?? master.scanned?.line
            )
            where starts[start] == nil {
                starts[start] = master.length
            }
        }
        for property in properties(of: component, ICAL_RDATE_PROPERTY) {
            let value = icalproperty_get_rdate(property)
            let isPeriod = icaltime_is_null_time(value.period.start) == 0
            let time = isPeriod ? value.period.start : value.time
            guard icaltime_is_null_time(time) == 0, icaltime_is_valid_time(time) != 0 else { continue }
            // A date in the set of a timed series is midnight in the series' zone, as recurring-ical-events has it.
            let zoneOf = { (reader: inout CalendarReader, time: icaltimetype) -> OpaquePointer in
                time.is_date != 0 && master.startTime.is_date == 0
                    ? master.zone
                    : reader.timeZone(for: property, time: time, calendar: calendar, floating: floating)
            }
            let start = instant(time, zone: zoneOf(&self, time))
            var length = master.length
            if isPeriod {
                if icaltime_is_null_time(value.period.end) == 0 {
                    let end = instant(value.period.end, zone: zoneOf(&self, value.period.end))
                    length = Length(exact: min(max(0, end.timeIntervalSince(start)), Length.cap))
                } else {
                    length = Self.length(of: value.period.duration)
                }
            }
            if starts[start] == nil { starts[start] = length }
        }
        // EXDATE as a date removes every occurrence starting on that local day (RFC 5545 3.8.5.1 allows DATE).
        var excluded = Set<Date>()
        var excludedDays = Set<Int32>()
        for property in properties(of: component, ICAL_EXDATE_PROPERTY) {
            let time = icalproperty_get_exdate(property)
            guard icaltime_is_null_time(time) == 0, icaltime_is_valid_time(time) != 0 else { continue }
            if time.is_date != 0, master.startTime.is_date == 0 {
                excludedDays.insert(Self.dayNumber(time))
            } else {
                excluded.insert(
                    instant(time, zone: timeZone(for: property, time: time, calendar: calendar, floating: floating)))
            }
        }
        if !excludedDays.isEmpty {
            for start in starts.keys where excludedDays.contains(Self.dayNumber(local(start, in: master.zone))) {
                excluded.insert(start)
            }
        }
        if master.skipped && futures.isEmpty { return ([], excluded) }

        var intervals: [DateInterval] = []
        for (original, ownLength) in starts where !excluded.contains(original) && moved[original] == nil {
            var start = original
            var length = ownLength
            var skipped = master.skipped
            var zone = master.zone
            if let future = futures.last(where: { $0.recurrenceID! < original }) {
                start = original.addingTimeInterval(future.start.timeIntervalSince(future.recurrenceID!))
                length = future.length
                skipped = future.skipped
                zone = future.zone
            }
            guard !skipped else { continue }
            let end = end(of: start, length, zone)
            guard start < window.end, end > window.start || (end == start && start >= window.start) else { continue }
            intervals.append(DateInterval(start: start, end: end))
        }
        intervalCount += intervals.count
        try count(intervalCount, line: master.scanned?.line)
        return (intervals, excluded)
    }

    /// DTEND, else DURATION, else one day for a date and nothing for a date-time (RFC 5545 3.6.1). A date or a
    /// floating DTEND counts on the local clock (an all-day event on the October switch lasts 25 hours); a zoned
    /// or UTC one is an exact duration, as RFC 5545 3.8.5.3 has it for recurrences.
    mutating func length(
        of component: OpaquePointer, start: Date, startProperty: OpaquePointer, calendar: OpaquePointer,
        floating: OpaquePointer
    ) -> Length {
        let startTime = icalproperty_get_dtstart(startProperty)
        if let property = icalcomponent_get_first_property(component, ICAL_DTEND_PROPERTY) {
            let time = icalproperty_get_dtend(property)
            if icaltime_is_null_time(time) == 0, icaltime_is_valid_time(time) != 0 {
                let endZone = timeZone(for: property, time: time, calendar: calendar, floating: floating)
                if Self.isLocal(startProperty, startTime) && Self.isLocal(property, time) {
                    let seconds = Self.localSeconds(time) - Self.localSeconds(startTime)
                    return Length(wall: Int32(clamping: min(max(0, seconds), Int64(Length.cap))))
                }
                let end = instant(time, zone: endZone)
                return Length(exact: min(max(0, end.timeIntervalSince(start)), Length.cap))
            }
        }
        if let property = icalcomponent_get_first_property(component, ICAL_DURATION_PROPERTY) {
            return Self.length(of: icalproperty_get_duration(property))
        }
        return startTime.is_date != 0 ? Length(wall: 86_400) : Length()
    }

    /// A date, or a date-time with neither UTC nor a TZID: a time on the local clock.
    static func isLocal(_ property: OpaquePointer, _ time: icaltimetype) -> Bool {
        time.is_date != 0
            || icaltime_is_utc(time) == 0 && icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER) == nil
    }

    /// Days and weeks are nominal (added on the local clock), hours, minutes and seconds exact (RFC 5545 3.3.6).
    static func length(of duration: icaldurationtype) -> Length {
        guard duration.is_neg == 0 else { return Length() }
        let days = Int64(duration.weeks) * 7 + Int64(duration.days)
        let seconds = Int64(duration.hours) * 3_600 + Int64(duration.minutes) * 60 + Int64(duration.seconds)
        return Length(
            wall: Int32(clamping: min(days * 86_400, Int64(Length.cap))), exact: min(Double(seconds), Length.cap))
    }

    /// Seconds since a fixed epoch of a local date or date-time, ignoring any zone.
    static func localSeconds(_ time: icaltimetype) -> Int64 {
        Int64(dayNumber(time)) * 86_400
            + Int64(time.is_date != 0 ? 0 : time.hour * 3_600 + time.minute * 60 + time.second)
    }

    /// Days since 1970-01-01 of a local date (proleptic Gregorian).
    static func dayNumber(_ time: icaltimetype) -> Int32 {
        let y = Int(time.year) - (time.month <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int(time.month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int(time.day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    func local(_ date: Date, in zone: OpaquePointer) -> icaltimetype {
        icaltime_convert_to_zone(
            icaltime_from_timet_with_zone(time_t(date.timeIntervalSince1970), 0, Libical.utc), zone)
    }

    func end(of start: Date, _ length: Length, _ zone: OpaquePointer) -> Date {
        var end = start
        if length.wall != 0 {
            var time = local(start, in: zone)
            icaltime_adjust(&time, 0, 0, 0, length.wall)
            end = instant(time, zone: zone)
        }
        return end.addingTimeInterval(length.exact)
    }

    /// Occurrence starts of one RRULE from `from` to `to`. UNTIL is applied here on instants, since libical 3.0.16
    /// compares it field by field with the (local) DTSTART. Nothing is cut short: a rule that gives more than the
    /// caps allow is refused, naming its line.
    func expand(
        _ original: icalrecurrencetype, dtstart: icaltimetype, zone: OpaquePointer, from: Date, to: Date, line: Int?
    ) throws(ImportError) -> [Date] {
        var rule = original
        // Finer rules were refused when scanning; libical would spin inside one `next` call on a rule that can
        // never match (13 s for FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30), and so it does on the 30th of February.
        guard
            rule.freq == ICAL_DAILY_RECURRENCE || rule.freq == ICAL_WEEKLY_RECURRENCE
                || rule.freq == ICAL_MONTHLY_RECURRENCE || rule.freq == ICAL_YEARLY_RECURRENCE
        else { throw ImportError(.malformed, line: line, "RRULE has no frequency libical can read") }
        guard Self.canMatch(rule) else { return [] }
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
        guard Date() < deadline else {
            throw ImportError(.tooComplex, line: line, "recurrence rules too costly to expand")
        }
        var local = dtstart
        local.zone = nil
        guard let iterator = icalrecur_iterator_new(rule, local) else { return [] }
        defer { icalrecur_iterator_free(iterator) }
        // Jump close to the window where that cannot change the result: an open rule of interval 1 without
        // BYSETPOS (a COUNT must be counted from the start, and libical restarts INTERVAL and BYSETPOS there).
        let jump = from.addingTimeInterval(-86_400)
        let bySetPos = withUnsafeBytes(of: rule.by_set_pos) { $0.bindMemory(to: Int16.self).first }
        if rule.count == 0, rule.interval <= 1,
            bySetPos == Int16(truncatingIfNeeded: ICAL_RECURRENCE_ARRAY_MAX.rawValue),
            rule.freq == ICAL_DAILY_RECURRENCE || rule.freq == ICAL_WEEKLY_RECURRENCE,
            jump > instant(dtstart, zone: zone)
        {
            var target = icaltime_from_timet_with_zone(time_t(jump.timeIntervalSince1970), 0, Libical.utc)
            target = icaltime_convert_to_zone(target, zone)
            target.zone = nil
            target.is_date = local.is_date
            _ = icalrecur_iterator_set_start(iterator, target)
        }
        var starts: [Date] = []
        var skipped = 0
        while true {
            guard Date() < deadline else {
                throw ImportError(.tooComplex, line: line, "recurrence rules too costly to expand")
            }
            let next = icalrecur_iterator_next(iterator)
            if icaltime_is_null_time(next) != 0 { break }
            let occurrence = instant(next, zone: zone)
            if let until, occurrence > until { break }
            if occurrence >= to { break }
            if occurrence >= from {
                starts.append(occurrence)
                guard starts.count <= BusyTimeImporter.maxIntervals else {
                    throw ImportError(
                        .tooManyOccurrences, line: line,
                        "RRULE gives more than \(BusyTimeImporter.maxIntervals) occurrences in the window")
                }
            } else {
                skipped += 1
                guard skipped <= BusyTimeImporter.maxSkippedOccurrencesPerRule else {
                    throw ImportError(
                        .tooComplex, line: line,
                        "RRULE has more than \(BusyTimeImporter.maxSkippedOccurrencesPerRule) occurrences before the window"
                    )
                }
            }
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
