import CLibical
import Foundation

/// What libical reads back from an iCalendar text: the values tests and diagnostics compare with what was meant.
/// Internal: the public API exposes only `String` exports and busy intervals.
struct CalendarReadBack {
    struct Event {
        var uid = ""
        var sequence = -1
        var summary: String?
        var description: String?
        var location: String?
        var status: String?
        /// `TZID=Europe/Brussels:20260106T190000` or `20260106T180000Z`.
        var dtstart: String?
        var dtend: String?
        var dtstamp: String?
        var recurrenceID: String?
        var rrule: String?
        var exdates: [String] = []
        var attendees: [String] = []
        var attendeeParameters: [String] = []
        var organizer: String?
    }

    var method: String?
    var calendarProperties: [String: String] = [:]
    var timeZoneIDs: [String] = []
    var timeZoneLineCounts: [Int] = []
    var events: [Event] = []
    /// X-LIC-ERROR properties libical added while parsing.
    var parseErrors = 0
    /// Messages `icalrestriction_check` adds for iTIP rules of the METHOD (run on a copy).
    var restrictionErrors: [String] = []

    static func read(_ text: String) -> CalendarReadBack {
        Libical.run {
            var result = CalendarReadBack()
            guard let parsed = icalparser_parse_string(text) else { return result }
            let root = ICalRoot(owning: parsed)
            result.parseErrors = Int(icalcomponent_count_errors(root.pointer))
            var property = icalcomponent_get_first_property(root.pointer, ICAL_ANY_PROPERTY)
            while let current = property {
                let name = Libical.take(icalproperty_get_property_name_r(current)) ?? ""
                result.calendarProperties[name] = Libical.take(icalproperty_get_value_as_string_r(current))
                property = icalcomponent_get_next_property(root.pointer, ICAL_ANY_PROPERTY)
            }
            result.method = result.calendarProperties["METHOD"]
            var child = icalcomponent_get_first_component(root.pointer, ICAL_ANY_COMPONENT)
            while let component = child {
                switch icalcomponent_isa(component) {
                case ICAL_VTIMEZONE_COMPONENT:
                    if let tzid = icalcomponent_get_first_property(component, ICAL_TZID_PROPERTY) {
                        result.timeZoneIDs.append(String(cString: icalproperty_get_tzid(tzid)))
                    }
                    let text = Libical.take(icalcomponent_as_ical_string_r(component)) ?? ""
                    result.timeZoneLineCounts.append(text.split(separator: "\r\n").count)
                case ICAL_VEVENT_COMPONENT:
                    result.events.append(readEvent(component))
                default:
                    break
                }
                child = icalcomponent_get_next_component(root.pointer, ICAL_ANY_COMPONENT)
            }
            if let copy = icalcomponent_new_clone(root.pointer) {
                let checked = ICalRoot(owning: copy)
                icalrestriction_check(checked.pointer)
                result.restrictionErrors = errors(in: checked.pointer)
            }
            return result
        }
    }

    private static func errors(in component: OpaquePointer) -> [String] {
        var found: [String] = []
        var property = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY)
        while let current = property {
            found.append(String(cString: icalproperty_get_xlicerror(current)))
            property = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)
        }
        var child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT)
        while let current = child {
            found += errors(in: current)
            child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)
        }
        return found
    }

    private static func time(_ property: OpaquePointer?) -> String? {
        guard let property else { return nil }
        let value = Libical.take(icalproperty_get_value_as_string_r(property)) ?? ""
        if let tzid = Libical.take(icalproperty_get_parameter_as_string_r(property, "TZID")) {
            return "TZID=\(tzid):\(value)"
        }
        return value
    }

    private static func readEvent(_ component: OpaquePointer) -> Event {
        var event = Event()
        var property = icalcomponent_get_first_property(component, ICAL_ANY_PROPERTY)
        while let current = property {
            switch icalproperty_isa(current) {
            case ICAL_UID_PROPERTY: event.uid = String(cString: icalproperty_get_uid(current))
            case ICAL_SEQUENCE_PROPERTY: event.sequence = Int(icalproperty_get_sequence(current))
            case ICAL_SUMMARY_PROPERTY: event.summary = String(cString: icalproperty_get_summary(current))
            case ICAL_DESCRIPTION_PROPERTY: event.description = String(cString: icalproperty_get_description(current))
            case ICAL_LOCATION_PROPERTY: event.location = String(cString: icalproperty_get_location(current))
            case ICAL_STATUS_PROPERTY: event.status = Libical.take(icalproperty_get_value_as_string_r(current))
            case ICAL_DTSTART_PROPERTY: event.dtstart = time(current)
            case ICAL_DTEND_PROPERTY: event.dtend = time(current)
            case ICAL_DTSTAMP_PROPERTY: event.dtstamp = time(current)
            case ICAL_RECURRENCEID_PROPERTY: event.recurrenceID = time(current)
            case ICAL_EXDATE_PROPERTY: event.exdates.append(time(current) ?? "")
            case ICAL_RRULE_PROPERTY: event.rrule = Libical.take(icalproperty_get_value_as_string_r(current))
            case ICAL_ORGANIZER_PROPERTY: event.organizer = String(cString: icalproperty_get_organizer(current))
            case ICAL_ATTENDEE_PROPERTY:
                event.attendees.append(String(cString: icalproperty_get_attendee(current)))
                let line = Libical.take(icalproperty_as_ical_string_r(current)) ?? ""
                event.attendeeParameters.append(line.replacingOccurrences(of: "\r\n ", with: ""))
            default: break
            }
            property = icalcomponent_get_next_property(component, ICAL_ANY_PROPERTY)
        }
        return event
    }
}
