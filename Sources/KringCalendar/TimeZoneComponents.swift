import CLibical
import Foundation

/// Compact VTIMEZONEs named by plain IANA names. libical 3.0.16 names system zones
/// `/freeassociation.sourceforge.net/Europe/Brussels` and ships observances back to 1880; Outlook needs a
/// VTIMEZONE for every TZID and Google rejects long ones.
enum TimeZoneComponents {
    static let libicalPrefix = "/freeassociation.sourceforge.net/"

    /// A new VTIMEZONE owned by the caller (hand it to a parent with `icalcomponent_add_component`), with history
    /// before `firstYear` trimmed and the current observances open-ended. Call inside `Libical.run`.
    ///
    /// Open-ended, as Google and Outlook write them: a rule whose UNTIL falls exactly on its last transition is
    /// valid RFC 5545, but dateutil-based readers (vobject, and so Radicale and every CalDAV client it serves)
    /// drop that year's transitions and show the last summer's sessions an hour late.
    static func compact(_ identifier: String, firstYear: Int) -> OpaquePointer? {
        guard let zone = Libical.zone(identifier), let shared = icaltimezone_get_component(zone) else { return nil }
        // The zone owns its component: truncating must happen on a copy.
        guard let vtimezone = icalcomponent_new_clone(shared) else { return nil }
        // No end: libical then keeps the zone's future as tzdata knows it, ending with open rules.
        icaltimezone_truncate_vtimezone(vtimezone, utcNewYear(firstYear), icaltime_null_time(), 1)
        joinContinuedRules(in: vtimezone)
        rewriteTZIDs(in: vtimezone, to: identifier)
        return vtimezone
    }

    /// libical 3.0.16 splits one rule in two where its tzdata expansion stops (2037): `RRULE:…;UNTIL=2037…` then
    /// the same observance again without UNTIL. Joins each such pair into the one open rule it stands for, so
    /// the rule in force today is written once, without UNTIL.
    static func joinContinuedRules(in vtimezone: OpaquePointer) {
        var observances: [OpaquePointer] = []
        var child = icalcomponent_get_first_component(vtimezone, ICAL_ANY_COMPONENT)
        while let current = child {
            let kind = icalcomponent_isa(current)
            if kind == ICAL_XSTANDARD_COMPONENT || kind == ICAL_XDAYLIGHT_COMPONENT { observances.append(current) }
            child = icalcomponent_get_next_component(vtimezone, ICAL_ANY_COMPONENT)
        }
        var removed: [OpaquePointer] = []
        for ended in observances where !removed.contains(ended) {
            guard let endedRule = rule(of: ended), icaltime_is_null_time(endedRule.until) == 0 else { continue }
            let continuation = observances.first { open in
                guard open != ended, !removed.contains(open), let openRule = rule(of: open),
                    icaltime_is_null_time(openRule.until) != 0,
                    icalcomponent_isa(open) == icalcomponent_isa(ended),
                    offsetsAndName(of: open) == offsetsAndName(of: ended),
                    ruleText(openRule) == ruleText(endedRule, withoutUntil: true)
                else { return false }
                return icaltime_compare(icalcomponent_get_dtstart(open), endedRule.until) >= 0
            }
            guard let continuation,
                let property = icalcomponent_get_first_property(ended, ICAL_RRULE_PROPERTY)
            else { continue }
            var open = endedRule
            open.until = icaltime_null_time()
            icalproperty_set_rrule(property, open)
            icalcomponent_remove_component(vtimezone, continuation)
            icalcomponent_free(continuation)
            removed.append(continuation)
        }
    }

    private static func rule(of observance: OpaquePointer) -> icalrecurrencetype? {
        guard let property = icalcomponent_get_first_property(observance, ICAL_RRULE_PROPERTY) else { return nil }
        return icalproperty_get_rrule(property)
    }

    private static func ruleText(_ rule: icalrecurrencetype, withoutUntil: Bool = false) -> String? {
        var copy = rule
        if withoutUntil { copy.until = icaltime_null_time() }
        return Libical.take(icalrecurrencetype_as_string_r(&copy))
    }

    private static func offsetsAndName(of observance: OpaquePointer) -> [String] {
        [ICAL_TZOFFSETFROM_PROPERTY, ICAL_TZOFFSETTO_PROPERTY, ICAL_TZNAME_PROPERTY].map { kind in
            icalcomponent_get_first_property(observance, kind)
                .flatMap { Libical.take(icalproperty_get_value_as_string_r($0)) } ?? ""
        }
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
