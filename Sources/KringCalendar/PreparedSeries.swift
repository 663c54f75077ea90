import CLibical
import Foundation

/// A `CalendarSeries` checked and normalised for export: rule parsed, UNTIL in UTC, every planned wall-clock time
/// proven to exist exactly once, exclusions deduplicated and overrides ordered. Built inside `Libical.run`.
struct PreparedSeries {
    /// Caps the occurrences checked per series; a weekly group never gets near it.
    static let maxCheckedOccurrences = 5_000

    let series: CalendarSeries
    let clock: ZoneClock
    let rule: icalrecurrencetype
    let start: Date
    let end: Date
    let excluded: [LocalDateTime]
    let overrides: [MovedOccurrence]
    /// The value written on the master and on every override: Google drops an override whose SEQUENCE is lower.
    let sequence: Int
    /// The first year the VTIMEZONE must cover; it is open-ended, so no last year is needed.
    let firstYear: Int

    init(_ series: CalendarSeries) throws(CalendarError) {
        self.series = series
        try Self.checkToken(series.uid, field: "uid")
        guard Libical.zone(series.timeZoneIdentifier) != nil else {
            throw CalendarError(.unknownTimeZone, "libical has no time zone \(series.timeZoneIdentifier)")
        }
        clock = try ZoneClock(identifier: series.timeZoneIdentifier)
        guard series.firstStartLocal.isPlausible else {
            throw CalendarError(.invalidTime, "first start \(series.firstStartLocal) is not a valid date and time")
        }
        guard (1...(7 * 24 * 60)).contains(series.durationMinutes) else {
            throw CalendarError(.invalidSeries, "duration must be 1 minute to 7 days")
        }
        guard series.sequence >= 0 else { throw CalendarError(.invalidSeries, "sequence must not be negative") }
        start = try clock.instant(series.firstStartLocal)
        end = start.addingTimeInterval(Double(series.durationMinutes * 60))

        let (exportRule, iterationRule) = try Self.parseRule(series.rrule, clock: clock)
        rule = exportRule

        // Expand with a floating DTSTART and a floating local UNTIL: libical compares wall-clock fields, so both
        // must be in the same frame. The iterator ignores EXDATE and overrides; that is handled below.
        var occurrences: [LocalDateTime] = []
        let dtstart = series.firstStartLocal.icalFloating
        guard let iterator = icalrecur_iterator_new(iterationRule, dtstart) else {
            throw CalendarError(.invalidRule, "rrule cannot be expanded: \(series.rrule)")
        }
        defer { icalrecur_iterator_free(iterator) }
        let unboundedHorizon = series.firstStartLocal.year + 3
        while occurrences.count < Self.maxCheckedOccurrences {
            let next = icalrecur_iterator_next(iterator)
            if icaltime_is_null_time(next) != 0 { break }
            let local = LocalDateTime(next)
            if iterationRule.count == 0 && icaltime_is_null_time(iterationRule.until) != 0
                && local.year > unboundedHorizon
            {
                break
            }
            occurrences.append(local)
        }
        for occurrence in occurrences {
            _ = try clock.instant(occurrence)
        }
        let occurrenceSet = Set(occurrences)

        excluded = Array(Set(series.excludedStarts)).sorted()
        let excludedSet = Set(excluded)
        var seenOriginals = Set<LocalDateTime>()
        var kept: [MovedOccurrence] = []
        for move in series.overrides.sorted(by: { $0.originalStartLocal < $1.originalStartLocal }) {
            guard seenOriginals.insert(move.originalStartLocal).inserted else {
                throw CalendarError(.invalidSeries, "two overrides move the occurrence of \(move.originalStartLocal)")
            }
            // A moved session that was later cancelled stays cancelled: the EXDATE wins and no override is sent.
            if excludedSet.contains(move.originalStartLocal) { continue }
            if let last = occurrences.last, move.originalStartLocal <= last,
                !occurrenceSet.contains(move.originalStartLocal)
            {
                throw CalendarError(
                    .overrideNotAnOccurrence, "\(move.originalStartLocal) is not an occurrence of the series")
            }
            let newStart = try clock.instant(move.newStartLocal)
            let newEnd = try clock.instant(move.newEndLocal)
            guard newEnd > newStart else {
                throw CalendarError(.invalidTime, "moved occurrence ends before it starts: \(move.newStartLocal)")
            }
            kept.append(move)
        }
        overrides = kept
        sequence = ([series.sequence] + series.overrides.map(\.sequence)).max()!

        let years = [series.firstStartLocal.year] + kept.flatMap { [$0.newStartLocal.year, $0.newEndLocal.year] }
        firstYear = years.min()!
    }

    var endLocal: LocalDateTime { clock.local(end) }

    /// Parses the rule once for export (UNTIL as UTC, as RFC 5545 requires with a TZID DTSTART) and once for
    /// iteration (UNTIL as the same instant in floating local time).
    private static func parseRule(
        _ text: String, clock: ZoneClock
    ) throws(CalendarError) -> (icalrecurrencetype, icalrecurrencetype) {
        guard !text.isEmpty, text.count < 500, text.allSatisfy({ $0.isASCII && !$0.isNewline }),
            !text.uppercased().hasPrefix("RRULE")
        else {
            throw CalendarError(.invalidRule, "rrule must be one RFC 5545 RRULE value without the RRULE: prefix")
        }
        kring_icalerrno_clear()
        var rule = icalrecurrencetype_from_string(text)
        guard rule.freq != ICAL_NO_RECURRENCE, kring_icalerrno() == ICAL_NO_ERROR else {
            throw CalendarError(.invalidRule, "rrule is not valid RFC 5545: \(text)")
        }
        guard rule.freq != ICAL_SECONDLY_RECURRENCE, rule.freq != ICAL_MINUTELY_RECURRENCE else {
            throw CalendarError(.invalidRule, "rrule frequency too fine for sessions: \(text)")
        }
        var iteration = rule
        if icaltime_is_null_time(rule.until) == 0 {
            guard let zone = Libical.zone(clock.zone.identifier) else {
                throw CalendarError(.unknownTimeZone, "libical has no time zone \(clock.zone.identifier)")
            }
            var until = rule.until
            if until.is_date != 0 {
                // A local end date includes that whole day.
                until.is_date = 0
                until.hour = 23
                until.minute = 59
                until.second = 59
            }
            if icaltime_is_utc(until) != 0 {
                var local = icaltime_convert_to_zone(until, zone)
                local.zone = nil
                iteration.until = local
            } else {
                until.zone = nil
                iteration.until = until
                var zoned = until
                zoned.zone = zone
                rule.until = icaltime_convert_to_zone(zoned, Libical.utc)
            }
        }
        return (rule, iteration)
    }

    /// UIDs, addresses and similar tokens go out unescaped; refuse anything that could break a content line.
    static func checkToken(_ value: String, field: String) throws(CalendarError) {
        guard !value.isEmpty, value.utf8.count <= 255,
            value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "," && $0 != ";" })
        else {
            throw CalendarError(.invalidSeries, "\(field) must be 1 to 255 visible characters without , ; or spaces")
        }
    }
}
