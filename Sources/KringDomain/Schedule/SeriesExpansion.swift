/// Expands a series' first start and rule into its occurrences, in the group's wall-clock time.
public enum SeriesExpansion {
    /// How far a series may reach past its first date; longer plans are a typo more often than a plan.
    public static let maximumSpanYears = 10

    /// Occurrence local start times, in order. RFC 5545 semantics: COUNT counts occurrences of the rule *before*
    /// exclusions are removed (so an RRULE+EXDATE export expands to the same set). The first occurrence is `start`
    /// itself, which must match the rule
    /// (else error field "start": "2027-01-13 is a Wednesday; the rule's BYDAY is TU").
    ///
    /// `limit` caps the occurrences the rule generates (before exclusions); more is refused, not truncated.
    public static func occurrences(
        start: LocalDateTime, rule: RecurrenceRule, excluding: Set<LocalDate>, limit: Int = 1000
    ) throws(KringError) -> [LocalDateTime] {
        let dates = try dates(start: start.date, rule: rule, limit: limit)
        return dates.filter { !excluding.contains($0) }.map { LocalDateTime(date: $0, time: start.time) }
    }

    /// The dates the rule generates from `start`, exclusions not yet removed.
    public static func dates(
        start: LocalDate, rule: RecurrenceRule, limit: Int = 1000
    ) throws(KringError) -> [LocalDate] {
        try checkStartMatches(start, rule: rule)
        let horizon =
            start.adding(months: 12 * maximumSpanYears)
            ?? start.adding(days: -1).adding(months: 12 * maximumSpanYears)!  // 29 February: one day earlier
        if case .until(let until) = rule.end {
            guard until >= start else {
                throw .invalid(
                    "rrule", rule.canonicalText, "UNTIL \(until.iso) is before the first session on \(start.iso)"
                )
            }
            guard until <= horizon else {
                throw .invalid(
                    "rrule", rule.canonicalText,
                    "UNTIL \(until.iso) is more than \(maximumSpanYears) years after the first session on "
                        + "\(start.iso); a series may span at most \(maximumSpanYears) years"
                )
            }
        }

        var result: [LocalDate] = []
        var period = 0
        while true {
            // Periods are weeks, days or months depending on FREQ; each yields its dates in order.
            let candidates = datesInPeriod(period * rule.interval, start: start, rule: rule)
            period += 1
            let periodStart = periodFirstDay(period * rule.interval, start: start, rule: rule)
            for date in candidates where date >= start {
                switch rule.end {
                case .until(let until) where date > until:
                    return result
                case .count(let count) where result.count == count:
                    return result
                default:
                    break
                }
                guard date <= horizon else { throw spanError(rule: rule, start: start) }
                result.append(date)
                guard result.count <= limit else {
                    throw .invalid(
                        "rrule", rule.canonicalText,
                        "the rule gives more than \(limit) sessions; shorten it or split it into several series"
                    )
                }
            }
            if case .count(let count) = rule.end, result.count == count { return result }
            if case .until(let until) = rule.end, periodStart > until { return result }
            // Also ends MONTHLY rules whose day-of-month never comes back (31st with INTERVAL=2 from January…).
            if periodStart > horizon {
                if case .count = rule.end { throw spanError(rule: rule, start: start) }
                return result
            }
        }
    }

    private static func spanError(rule: RecurrenceRule, start: LocalDate) -> KringError {
        .invalid(
            "rrule", rule.canonicalText,
            "the series would run more than \(maximumSpanYears) years past the first session on \(start.iso); "
                + "lower COUNT or INTERVAL"
        )
    }

    /// The dates of the period `offset` days/weeks/months after the start's, in order, possibly before `start`.
    private static func datesInPeriod(_ offset: Int, start: LocalDate, rule: RecurrenceRule) -> [LocalDate] {
        switch rule.frequency {
        case .daily:
            let date = start.adding(days: offset)
            let weekdays = Set(rule.byDay.map(\.weekday))
            return weekdays.isEmpty || weekdays.contains(date.weekday) ? [date] : []
        case .weekly:
            let monday = start.adding(days: -start.weekday.mondayBasedIndex + 7 * offset)
            let weekdays = rule.byDay.isEmpty ? [start.weekday] : rule.byDay.map(\.weekday)
            return Set(weekdays.map(\.mondayBasedIndex)).sorted().map { monday.adding(days: $0) }
        case .monthly:
            let first = LocalDate(year: start.year, month: start.month, day: 1)!.adding(months: offset)!
            guard !rule.byDay.isEmpty else {
                // RFC 5545: months without the start's day-of-month are skipped, not moved.
                return LocalDate(year: first.year, month: first.month, day: start.day).map { [$0] } ?? []
            }
            return Set(rule.byDay.flatMap { monthDays($0, year: first.year, month: first.month) }).sorted()
        }
    }

    /// The first day of the period `offset` units after the start's; once past UNTIL nothing later can match.
    private static func periodFirstDay(_ offset: Int, start: LocalDate, rule: RecurrenceRule) -> LocalDate {
        switch rule.frequency {
        case .daily: start.adding(days: offset)
        case .weekly: start.adding(days: -start.weekday.mondayBasedIndex + 7 * offset)
        case .monthly: LocalDate(year: start.year, month: start.month, day: 1)!.adding(months: offset)!
        }
    }

    /// The days of a month one BYDAY entry selects: all such weekdays, or the nth (from the end when negative).
    static func monthDays(_ spec: RecurrenceRule.DaySpec, year: Int, month: Int) -> [LocalDate] {
        let first = LocalDate(year: year, month: month, day: 1)!
        let length = LocalDate.daysInMonth(year: year, month: month)
        let firstMatch = (spec.weekday.mondayBasedIndex - first.weekday.mondayBasedIndex + 7) % 7 + 1
        let all = stride(from: firstMatch, through: length, by: 7).map { LocalDate(year: year, month: month, day: $0)! }
        guard let ordinal = spec.ordinal else { return all }
        let index = ordinal > 0 ? ordinal - 1 : all.count + ordinal
        return all.indices.contains(index) ? [all[index]] : []
    }

    private static func checkStartMatches(_ start: LocalDate, rule: RecurrenceRule) throws(KringError) {
        guard !rule.byDay.isEmpty else { return }
        let byDayText = rule.byDay.map(\.text).joined(separator: ",")
        guard rule.byDay.contains(where: { $0.weekday == start.weekday }) else {
            throw .invalid(
                "start", start.iso, "\(start.iso) is a \(start.weekday.name); the rule's BYDAY is \(byDayText)"
            )
        }
        guard rule.frequency == .monthly else { return }
        let matches = rule.byDay.contains { monthDays($0, year: start.year, month: start.month).contains(start) }
        guard matches else {
            let nth = (start.day - 1) / 7 + 1
            throw .invalid(
                "start", start.iso,
                "\(start.iso) is the \(ordinalWord(nth)) \(start.weekday.name) of its month; "
                    + "the rule's BYDAY is \(byDayText)"
            )
        }
    }

    private static func ordinalWord(_ n: Int) -> String {
        ["first", "second", "third", "fourth", "fifth"][n - 1]
    }
}
