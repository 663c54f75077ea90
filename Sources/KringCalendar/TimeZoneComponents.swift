import CLibical
import Foundation

/// Compact VTIMEZONEs named by plain IANA names. libical 3.0.16 names system zones
/// `/freeassociation.sourceforge.net/Europe/Brussels` and ships observances back to 1880; Outlook needs a
/// VTIMEZONE for every TZID and Google rejects long ones.
enum TimeZoneComponents {
    static let libicalPrefix = "/freeassociation.sourceforge.net/"

    /// A new VTIMEZONE owned by the caller (hand it to a parent with `icalcomponent_add_component`).
    /// Call inside `Libical.run`.
    static func compact(_ identifier: String, firstYear: Int, lastYear: Int?) -> OpaquePointer? {
        guard let zone = Libical.zone(identifier), let shared = icaltimezone_get_component(zone) else { return nil }
        // The zone owns its component: truncating must happen on a copy.
        guard let vtimezone = icalcomponent_new_clone(shared) else { return nil }
        let start = utcNewYear(firstYear)
        // An unbounded series keeps the open-ended rules; a bounded one ends the year after its last session.
        let end = lastYear.map { utcNewYear($0 + 1) } ?? icaltime_null_time()
        icaltimezone_truncate_vtimezone(vtimezone, start, end, 1)
        rewriteTZIDs(in: vtimezone, to: identifier)
        return vtimezone
    }

    private static func utcNewYear(_ year: Int) -> icaltimetype {
        var time = icaltime_null_time()
        time.year = Int32(year)
        time.month = 1
        time.day = 1
        time.zone = Libical.utc
        return time
    }

    /// Sets the TZID property and every TZID parameter inside `component` to the plain IANA name.
    static func rewriteTZIDs(in component: OpaquePointer, to identifier: String) {
        var property = icalcomponent_get_first_property(component, ICAL_ANY_PROPERTY)
        while let current = property {
            if icalproperty_isa(current) == ICAL_TZID_PROPERTY {
                icalproperty_set_tzid(current, identifier)
            }
            if let parameter = icalproperty_get_first_parameter(current, ICAL_TZID_PARAMETER) {
                icalparameter_set_tzid(parameter, identifier)
            }
            property = icalcomponent_get_next_property(component, ICAL_ANY_PROPERTY)
        }
        var child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT)
        while let current = child {
            rewriteTZIDs(in: current, to: identifier)
            child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)
        }
    }
}
