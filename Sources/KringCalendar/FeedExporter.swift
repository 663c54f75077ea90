import CLibical
import Foundation

/// The iTIP method of an e-mail invite (RFC 5546). Feeds carry no METHOD: PUBLISH would pair them with an
/// ORGANIZER they do not have.
public enum InviteMethod: String, Sendable {
    case request
    case cancel
}

/// Writes feeds and one-recipient invites as iCalendar text through libical. Every object is made for one
/// recipient: feeds carry no ATTENDEE, invites exactly one (privacy rule 7, RFC 5546 3.2.1).
public struct FeedExporter: Sendable {
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock for DTSTAMP; tests inject a fixed instant.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The zone of the VTIMEZONE an empty feed carries: the default zone of every group.
    static let emptyFeedTimeZone = "Europe/Brussels"

    /// A subscribable feed or downloaded file: one master VEVENT per series plus one override per moved occurrence,
    /// and no METHOD, as most publishers write them (RFC 5546 pairs PUBLISH with an ORGANIZER, which a feed lacks).
    /// DTSTAMP is `now()` at the time of this call.
    /// A feed with no series (a withdrawn participant, a facilitator not yet assigned) still holds one component,
    /// as RFC 5545 requires of a VCALENDAR: the VTIMEZONE of `emptyFeedTimeZone` from the current year on.
    /// - Parameters:
    ///   - name: the calendar's display name; nil uses the neutral name of `language`.
    ///   - refreshInterval: seconds between refreshes suggested to clients (at least 60).
    public func publishFeed(
        name: String? = nil, language: CalendarLanguage, series: [CalendarSeries], refreshInterval: Int = 3_600
    ) throws(CalendarError) -> String {
        try Self.decoded(
            publishFeedOctets(name: name, language: language, series: series, refreshInterval: refreshInterval))
    }

    /// `publishFeed` as the exact bytes libical wrote, before any decoding, so tests can check its folding.
    func publishFeedOctets(
        name: String? = nil, language: CalendarLanguage, series: [CalendarSeries], refreshInterval: Int = 3_600
    ) throws(CalendarError) -> [UInt8] {
        let text = CalendarText.neutral(language)
        let stamp = now()
        return try Libical.run { () throws(CalendarError) -> [UInt8] in
            let prepared = try series.map { s throws(CalendarError) in try PreparedSeries(s) }
            guard Set(series.map(\.uid)).count == series.count else {
                throw CalendarError(.invalidSeries, "two series share one uid")
            }
            let root = ICalRoot(kind: ICAL_VCALENDAR_COMPONENT)
            Self.addHeader(root.pointer, text: text, method: nil)
            // NAME is TEXT, but clients that do not know RFC 7986 (PyPI icalendar 7 among them) show its escapes
            // raw, and X-WR-CALNAME is never escaped: both get the same name with `, ; \` replaced.
            let calendarName = Self.xSafe(name ?? text.calendarName)
            icalcomponent_add_property(root.pointer, icalproperty_new_name(calendarName))
            let xName = icalproperty_new_x(calendarName)
            icalproperty_set_x_name(xName, "X-WR-CALNAME")
            icalcomponent_add_property(root.pointer, xName)
            let refresh = max(60, refreshInterval)
            let interval = icalproperty_new_refreshinterval(icaldurationtype_from_int(Int32(refresh)))
            icalproperty_add_parameter(interval, icalparameter_new_value(ICAL_VALUE_DURATION))
            icalcomponent_add_property(root.pointer, interval)
            let ttl = icalproperty_new_x(
                Libical.take(
                    icaldurationtype_as_ical_string_r(
                        icaldurationtype_from_int(Int32(refresh)))) ?? "PT1H")
            icalproperty_set_x_name(ttl, "X-PUBLISHED-TTL")
            icalcomponent_add_property(root.pointer, ttl)

            if prepared.isEmpty {
                Self.addEmptyFeedTimeZone(root.pointer, at: stamp)
            } else {
                Self.addTimeZones(root.pointer, for: prepared)
            }
            for item in prepared {
                Self.addSeries(root.pointer, item, text: text, stamp: stamp, participant: nil)
            }
            return root.serializedOctets()
        }
    }

    /// An e-mail invite to one recipient, per the table in `icalendar.md`:
    /// - `.request`: the series (master and overrides) with ORGANIZER and the one ATTENDEE.
    /// - `.cancel` with `cancelledOccurrence`: one VEVENT with RECURRENCE-ID = that original start, STATUS:CANCELLED.
    /// - `.cancel` without it, series status `.cancelled`: the whole series, STATUS:CANCELLED, no RECURRENCE-ID.
    /// - `.cancel` without it, series still `.confirmed`: the participant was withdrawn; no STATUS, no RECURRENCE-ID.
    /// The caller bumps `series.sequence` before every CANCEL and every changed REQUEST.
    public func invite(
        method: InviteMethod, organizer: String, attendee: String, series: CalendarSeries,
        cancelledOccurrence: LocalDateTime? = nil, language: CalendarLanguage
    ) throws(CalendarError) -> String {
        let text = CalendarText.neutral(language)
        let stamp = now()
        let organizerAddress = try Self.mailto(organizer, field: "organizer")
        let attendeeAddress = try Self.mailto(attendee, field: "attendee")
        if method == .request, cancelledOccurrence != nil {
            throw CalendarError(.invalidSeries, "a REQUEST cannot cancel an occurrence; use .cancel")
        }
        let octets = try Libical.run { () throws(CalendarError) -> [UInt8] in
            let item = try PreparedSeries(series)
            let root = ICalRoot(kind: ICAL_VCALENDAR_COMPONENT)
            Self.addHeader(
                root.pointer, text: text, method: method == .request ? ICAL_METHOD_REQUEST : ICAL_METHOD_CANCEL)
            Self.addTimeZones(root.pointer, for: [item])
            let participant = Participant(organizer: organizerAddress, attendee: attendeeAddress)
            switch (method, cancelledOccurrence) {
            case (.request, _):
                Self.addSeries(root.pointer, item, text: text, stamp: stamp, participant: participant)
            case (.cancel, let original?):
                try Self.addCancelledOccurrence(
                    root.pointer, item, original: original, text: text, stamp: stamp,
                    participant: participant)
            case (.cancel, nil):
                let status: icalproperty_status? = series.status == .cancelled ? ICAL_STATUS_CANCELLED : nil
                let event = Self.masterEvent(item, text: text, stamp: stamp, participant: participant, status: status)
                icalcomponent_add_component(root.pointer, event)
            }
            return root.serializedOctets()
        }
        return try Self.decoded(octets)
    }

    /// libical's output as text. Refuses rather than repairs bytes that are not UTF-8 (`String(cString:)` would
    /// silently put U+FFFD where a fold split a character), so what callers get is exactly what libical wrote.
    static func decoded(_ octets: [UInt8]) throws(CalendarError) -> String {
        guard let text = String(validating: octets, as: UTF8.self) else {
            throw CalendarError(.invalidSeries, "libical wrote a calendar that is not valid UTF-8")
        }
        return text
    }

    // MARK: - Building blocks (all called inside Libical.run)

    private static func addEmptyFeedTimeZone(_ root: OpaquePointer, at stamp: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: emptyFeedTimeZone) ?? .gmt
        let year = calendar.component(.year, from: stamp)
        if let vtimezone = TimeZoneComponents.compact(emptyFeedTimeZone, firstYear: year) {
            icalcomponent_add_component(root, vtimezone)
        }
    }

    struct Participant {
        let organizer: String
        let attendee: String
    }

    private static func addHeader(_ root: OpaquePointer, text: CalendarText, method: icalproperty_method?) {
        icalcomponent_add_property(root, icalproperty_new_prodid(text.productIdentifier))
        icalcomponent_add_property(root, icalproperty_new_version("2.0"))
        icalcomponent_add_property(root, icalproperty_new_calscale("GREGORIAN"))
        if let method { icalcomponent_add_property(root, icalproperty_new_method(method)) }
    }

    /// One compact VTIMEZONE per zone, from the first year any series using it needs.
    private static func addTimeZones(_ root: OpaquePointer, for items: [PreparedSeries]) {
        var firstYears: [String: Int] = [:]
        for item in items {
            let id = item.series.timeZoneIdentifier
            firstYears[id] = min(firstYears[id] ?? item.firstYear, item.firstYear)
        }
        for (id, first) in firstYears.sorted(by: { $0.key < $1.key }) {
            guard let vtimezone = TimeZoneComponents.compact(id, firstYear: first) else { continue }
            icalcomponent_add_component(root, vtimezone)
        }
    }

    private static func addSeries(
        _ root: OpaquePointer, _ item: PreparedSeries, text: CalendarText, stamp: Date, participant: Participant?
    ) {
        let status = item.series.status == .cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED
        let master = masterEvent(item, text: text, stamp: stamp, participant: participant, status: status)
        addReminder(master, item, text: text)
        icalcomponent_add_component(root, master)
        for move in item.overrides {
            let event = commonEvent(
                item, text: text, stamp: stamp, participant: participant, location: move.location)
            let tzid = item.series.timeZoneIdentifier
            icalcomponent_add_property(
                event, zoned(icalproperty_new_recurrenceid(move.originalStartLocal.icalFloating), tzid))
            icalcomponent_add_property(event, zoned(icalproperty_new_dtstart(move.newStartLocal.icalFloating), tzid))
            icalcomponent_add_property(event, zoned(icalproperty_new_dtend(move.newEndLocal.icalFloating), tzid))
            icalcomponent_add_property(event, icalproperty_new_status(status))
            addReminder(event, item, text: text)
            icalcomponent_add_component(root, event)
        }
    }

    /// A VALARM (RFC 5545 3.6.6): ACTION:DISPLAY, the neutral localised text, TRIGGER a duration before the start.
    /// Only on events that take place: a cancelled series reminds nobody.
    private static func addReminder(_ event: OpaquePointer, _ item: PreparedSeries, text: CalendarText) {
        guard let seconds = item.series.reminderSecondsBefore, seconds > 0, item.series.status != .cancelled else {
            return
        }
        let alarm = icalcomponent_new(ICAL_VALARM_COMPONENT)!
        icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY))
        icalcomponent_add_property(alarm, icalproperty_new_description(text.reminderText))
        var trigger = icaltriggertype()
        trigger.time = icaltime_null_time()
        trigger.duration = icaldurationtype_from_int(Int32(clamping: -seconds))
        icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger))
        icalcomponent_add_component(event, alarm)
    }

    private static func masterEvent(
        _ item: PreparedSeries, text: CalendarText, stamp: Date, participant: Participant?,
        status: icalproperty_status?
    ) -> OpaquePointer {
        let tzid = item.series.timeZoneIdentifier
        let event = commonEvent(item, text: text, stamp: stamp, participant: participant)
        icalcomponent_add_property(
            event, zoned(icalproperty_new_dtstart(item.series.firstStartLocal.icalFloating), tzid))
        icalcomponent_add_property(event, zoned(icalproperty_new_dtend(item.endLocal.icalFloating), tzid))
        icalcomponent_add_property(event, icalproperty_new_rrule(item.rule))
        // One EXDATE per date, each once: ical.js breaks on repeated values (nextcloud/calendar #8304).
        for start in item.excluded {
            icalcomponent_add_property(event, zoned(icalproperty_new_exdate(start.icalFloating), tzid))
        }
        if let status {
            icalcomponent_add_property(event, icalproperty_new_status(status))
        }
        return event
    }

    private static func addCancelledOccurrence(
        _ root: OpaquePointer, _ item: PreparedSeries, original: LocalDateTime, text: CalendarText, stamp: Date,
        participant: Participant
    ) throws(CalendarError) {
        let tzid = item.series.timeZoneIdentifier
        let move = item.overrides.first { $0.originalStartLocal == original }
        let start = move?.newStartLocal ?? original
        let end: LocalDateTime
        if let move {
            end = move.newEndLocal
        } else {
            let instant = try item.clock.instant(original)
            end = item.clock.local(instant.addingTimeInterval(Double(item.series.durationMinutes * 60)))
        }
        let event = commonEvent(item, text: text, stamp: stamp, participant: participant)
        icalcomponent_add_property(event, zoned(icalproperty_new_recurrenceid(original.icalFloating), tzid))
        icalcomponent_add_property(event, zoned(icalproperty_new_dtstart(start.icalFloating), tzid))
        icalcomponent_add_property(event, zoned(icalproperty_new_dtend(end.icalFloating), tzid))
        icalcomponent_add_property(event, icalproperty_new_status(ICAL_STATUS_CANCELLED))
        icalcomponent_add_component(root, event)
    }

    /// The properties every VEVENT of a series repeats: overrides are full copies, not deltas.
    private static func commonEvent(
        _ item: PreparedSeries, text: CalendarText, stamp: Date, participant: Participant?,
        location override: String? = nil
    ) -> OpaquePointer {
        let series = item.series
        let event = icalcomponent_new(ICAL_VEVENT_COMPONENT)!
        icalcomponent_add_property(event, icalproperty_new_uid(series.uid))
        icalcomponent_add_property(event, icalproperty_new_sequence(Int32(clamping: item.sequence)))
        icalcomponent_add_property(
            event,
            icalproperty_new_dtstamp(icaltime_from_timet_with_zone(time_t(stamp.timeIntervalSince1970), 0, Libical.utc))
        )
        if let participant {
            let organizer = icalproperty_new_organizer(participant.organizer)
            icalcomponent_add_property(event, organizer)
            let attendee = icalproperty_new_attendee(participant.attendee)
            icalproperty_add_parameter(attendee, icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL))
            icalproperty_add_parameter(attendee, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT))
            icalproperty_add_parameter(attendee, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION))
            icalproperty_add_parameter(attendee, icalparameter_new_rsvp(ICAL_RSVP_FALSE))
            icalcomponent_add_property(event, attendee)
        }
        let summary = series.summary.map(cleanText).flatMap { $0.isEmpty ? nil : $0 } ?? text.defaultSummary
        icalcomponent_add_property(event, icalproperty_new_summary(summary))
        if let description = series.description.map(cleanText), !description.isEmpty {
            icalcomponent_add_property(event, icalproperty_new_description(description))
        }
        if let location = (override ?? series.location).map(cleanText), !location.isEmpty {
            icalcomponent_add_property(event, icalproperty_new_location(location))
        }
        if let url = series.url, let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" {
            icalcomponent_add_property(event, icalproperty_new_url(url.absoluteString))
        }
        // Shared or delegated calendars (a partner's, an employer's) show only "busy" for private events.
        icalcomponent_add_property(event, icalproperty_new_class(ICAL_CLASS_PRIVATE))
        icalcomponent_add_property(event, icalproperty_new_transp(ICAL_TRANSP_OPAQUE))
        return event
    }

    private static func zoned(_ property: OpaquePointer?, _ tzid: String) -> OpaquePointer? {
        icalproperty_add_parameter(property, icalparameter_new_tzid(tzid))
        return property
    }

    /// TEXT values: libical escapes `\ , ;` and newlines; other control characters have no business there.
    static func cleanText(_ text: String) -> String {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return String(
            String.UnicodeScalarView(
                unified.unicodeScalars.filter {
                    $0 == "\n" || $0 == "\t" || !($0.properties.generalCategory == .control)
                }))
    }

    /// X- values go out raw in libical 3.0.16, so `,` `;` `\` and line breaks are replaced, not escaped.
    static func xSafe(_ text: String) -> String {
        let cleaned = cleanText(text).unicodeScalars.map { scalar -> Character in
            switch scalar {
            case ",", ";", "\\", "\n", "\t": return " "
            default: return Character(scalar)
            }
        }
        return String(cleaned).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func mailto(_ address: String, field: String) throws(CalendarError) -> String {
        let bare = address.lowercased().hasPrefix("mailto:") ? String(address.dropFirst(7)) : address
        let parts = bare.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), bare.utf8.count <= 254,
            bare.unicodeScalars.allSatisfy({
                $0.value > 0x20 && $0.value < 0x7F && !",;:\"<>()[]\\".unicodeScalars.contains($0)
            })
        else {
            throw CalendarError(.invalidAddress, "\(field) is not a plain e-mail address")
        }
        return "mailto:" + bare
    }
}
