import Foundation

/// The RFC 5545 RRULE subset Kring schedules with: DAILY, WEEKLY or MONTHLY, an interval, BYDAY, and a required end.
///
/// Encoded (Codable) as its `canonicalText`, so stored rules read like the iCalendar exports.
public struct RecurrenceRule: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How often the rule repeats, before `interval` is applied.
    public enum Frequency: String, Hashable, Sendable, Codable, CaseIterable {
        case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY"
    }

    /// One BYDAY entry: a weekday, optionally with a month ordinal ("2TU" = second Tuesday, "-1FR" = last Friday).
    public struct DaySpec: Hashable, Sendable, Codable, CustomStringConvertible {
        public let ordinal: Int?
        public let weekday: Weekday

        public init(ordinal: Int? = nil, weekday: Weekday) {
            self.ordinal = ordinal
            self.weekday = weekday
        }

        /// The RFC 5545 form: "TU", "2TU", "-1FR".
        public var text: String { (ordinal.map(String.init) ?? "") + weekday.rawValue }

        public var description: String { text }
    }

    /// How a series stops; Kring has no endless series.
    public enum End: Hashable, Sendable, Codable {
        /// This many occurrences of the rule, counted before exclusions (RFC 5545).
        case count(Int)
        /// The last date an occurrence may fall on, inclusive, in the group's local date.
        case until(LocalDate)
    }

    public let frequency: Frequency
    public let interval: Int
    /// Sorted Monday first, so equal rules compare and print equal whatever order they were written in.
    public let byDay: [DaySpec]
    public let end: End

    public static let intervalRange = 1...52
    public static let countRange = 1...500
    public static let ordinalRange = 1...5
    static let supportedParts = "FREQ, INTERVAL, BYDAY, COUNT, UNTIL"

    /// A checked rule; refuses the same things `parse` refuses, with field `rrule`.
    public init(frequency: Frequency, interval: Int = 1, byDay: [DaySpec] = [], end: End) throws(KringError) {
        let spelled = RecurrenceRule.spell(frequency: frequency, interval: interval, byDay: byDay, end: end)
        guard RecurrenceRule.intervalRange.contains(interval) else {
            throw .invalid(
                "rrule", spelled, "INTERVAL=\(interval) is out of range; it must be a whole number from 1 to 52"
            )
        }
        if case .count(let count) = end, !RecurrenceRule.countRange.contains(count) {
            throw .invalid("rrule", spelled, "COUNT=\(count) is out of range; it must be a whole number from 1 to 500")
        }
        var seen = Set<DaySpec>()
        for spec in byDay {
            guard seen.insert(spec).inserted else {
                throw .invalid("rrule", spelled, "BYDAY lists \(spec.text) twice")
            }
            guard let ordinal = spec.ordinal else { continue }
            guard frequency == .monthly else {
                throw .invalid(
                    "rrule", spelled,
                    "BYDAY=\(spec.text) has an ordinal (\(ordinal)), which only FREQ=MONTHLY allows; "
                        + "write \(spec.weekday.rawValue) instead"
                )
            }
            guard RecurrenceRule.ordinalRange.contains(abs(ordinal)) else {
                throw .invalid(
                    "rrule", spelled,
                    "BYDAY=\(spec.text) has ordinal \(ordinal); a month has weeks 1 to 5 (or -1 to -5 from the end)"
                )
            }
        }
        self.frequency = frequency
        self.interval = interval
        self.byDay = byDay.sorted(by: RecurrenceRule.mondayFirst)
        self.end = end
    }

    /// The rule in a fixed part order, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10` (INTERVAL=1 left out).
    public var canonicalText: String {
        RecurrenceRule.spell(frequency: frequency, interval: interval, byDay: byDay, end: end)
    }

    public var description: String { canonicalText }

    private static func spell(frequency: Frequency, interval: Int, byDay: [DaySpec], end: End) -> String {
        var parts = ["FREQ=\(frequency.rawValue)"]
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        if !byDay.isEmpty { parts.append("BYDAY=" + byDay.map(\.text).joined(separator: ",")) }
        switch end {
        case .count(let count): parts.append("COUNT=\(count)")
        case .until(let date): parts.append("UNTIL=\(date.basic)")
        }
        return parts.joined(separator: ";")
    }

    private static func mondayFirst(_ lhs: DaySpec, _ rhs: DaySpec) -> Bool {
        if lhs.weekday != rhs.weekday { return lhs.weekday.mondayBasedIndex < rhs.weekday.mondayBasedIndex }
        // No ordinal first, then 1…5, then -5…-1: the order a reader counts through the month.
        func rank(_ ordinal: Int?) -> Int {
            guard let ordinal else { return -100 }
            return ordinal > 0 ? ordinal : 100 + ordinal
        }
        return rank(lhs.ordinal) < rank(rhs.ordinal)
    }

    // MARK: Parsing

    /// Reads an RRULE value such as `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10` (case-insensitive, optional `RRULE:`).
    public static func parse(_ text: String) throws(KringError) -> RecurrenceRule {
        func refuse(_ reason: String) -> KringError { .invalid("rrule", text, reason) }

        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.uppercased().hasPrefix("RRULE:") { body = body.dropFirst("RRULE:".count) }
        guard !body.isEmpty else { throw refuse("the rule is empty; write for example FREQ=WEEKLY;COUNT=10") }

        var values: [String: String] = [:]
        // A trailing or doubled ';' carries no meaning, so it is tolerated rather than refused.
        for part in body.split(separator: ";", omittingEmptySubsequences: true) {
            guard let equals = part.firstIndex(of: "=") else {
                throw refuse("'\(part)' is not a NAME=VALUE part")
            }
            let name = part[..<equals].trimmingCharacters(in: .whitespaces).uppercased()
            let value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces).uppercased()
            guard ["FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"].contains(name) else {
                let shown = name.isEmpty ? "'\(part)'" : name
                throw refuse("\(shown) is outside the supported subset (\(supportedParts))")
            }
            guard values[name] == nil else { throw refuse("\(name) appears twice; give each part once") }
            values[name] = value
        }

        guard let freqText = values["FREQ"] else {
            throw refuse("the rule has no FREQ; it must say FREQ=DAILY, FREQ=WEEKLY or FREQ=MONTHLY")
        }
        guard let frequency = Frequency(rawValue: freqText) else {
            let known = ["SECONDLY", "MINUTELY", "HOURLY", "YEARLY"].contains(freqText)
            throw refuse(
                known
                    ? "FREQ=\(freqText) is outside the supported subset (DAILY, WEEKLY, MONTHLY)"
                    : "FREQ=\(freqText) is not a frequency; use DAILY, WEEKLY or MONTHLY"
            )
        }

        if let wkst = values["WKST"], wkst != "MO" {
            throw refuse("WKST=\(wkst) is not supported; Kring counts weeks from Monday (WKST=MO)")
        }

        var interval = 1
        if let intervalText = values["INTERVAL"] {
            guard let number = DigitText.number(Substring(intervalText)), intervalRange.contains(number) else {
                throw refuse("INTERVAL=\(intervalText) is out of range; it must be a whole number from 1 to 52")
            }
            interval = number
        }

        var byDay: [DaySpec] = []
        if let byDayText = values["BYDAY"] {
            guard !byDayText.isEmpty else { throw refuse("BYDAY is empty; list weekdays such as BYDAY=TU,TH") }
            for item in byDayText.split(separator: ",", omittingEmptySubsequences: false) {
                byDay.append(try parseDaySpec(item, refuse: refuse))
            }
        }

        let end: End
        switch (values["COUNT"], values["UNTIL"]) {
        case (.some, .some):
            throw refuse("COUNT and UNTIL cannot both be given; choose one way for the series to end")
        case (nil, nil):
            throw refuse("a series must end: add COUNT (number of sessions) or UNTIL (last date)")
        case (.some(let countText), nil):
            guard let count = DigitText.number(Substring(countText)), countRange.contains(count) else {
                throw refuse("COUNT=\(countText) is out of range; it must be a whole number from 1 to 500")
            }
            end = .count(count)
        case (nil, .some(let untilText)):
            end = .until(try parseUntil(untilText, refuse: refuse))
        }

        do {
            return try RecurrenceRule(frequency: frequency, interval: interval, byDay: byDay, end: end)
        } catch {
            // Same reason, but show the text the user wrote rather than our normalised spelling.
            throw refuse(error.reason)
        }
    }

    private static func parseDaySpec(_ item: Substring, refuse: (String) -> KringError) throws(KringError) -> DaySpec {
        guard item.count >= 2, let weekday = Weekday(rawValue: String(item.suffix(2))) else {
            throw refuse(
                item.isEmpty
                    ? "BYDAY has an empty entry; list weekdays such as BYDAY=TU,TH"
                    : "BYDAY=\(item) is not a weekday; use MO, TU, WE, TH, FR, SA or SU, optionally with an ordinal"
            )
        }
        let prefix = item.dropLast(2)
        guard !prefix.isEmpty else { return DaySpec(ordinal: nil, weekday: weekday) }
        var digits = prefix
        var sign = 1
        if let first = digits.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            digits = digits.dropFirst()
        }
        guard let magnitude = DigitText.number(digits) else {
            throw refuse("BYDAY=\(item) has an ordinal that is not a number; write for example 2TU or -1FR")
        }
        return DaySpec(ordinal: sign * magnitude, weekday: weekday)
    }

    /// UNTIL as DATE or DATE-TIME (floating or UTC); only the date matters since UNTIL is inclusive per day in Kring.
    private static func parseUntil(_ text: String, refuse: (String) -> KringError) throws(KringError) -> LocalDate {
        let shape = "UNTIL=\(text) is not a date; write YYYYMMDD (or YYYYMMDDTHHMMSS, optionally ending in Z)"
        let datePart = text.prefix(8)
        let rest = text.dropFirst(8)
        if !rest.isEmpty {
            var time = rest
            if time.last == "Z" { time = time.dropLast() }
            guard time.first == "T", DigitText.number(time.dropFirst(), length: 6) != nil else { throw refuse(shape) }
        }
        guard let year = DigitText.number(datePart.prefix(4), length: 4),
            let month = DigitText.number(datePart.dropFirst(4).prefix(2), length: 2),
            let day = DigitText.number(datePart.dropFirst(6), length: 2)
        else { throw refuse(shape) }
        guard let date = LocalDate(year: year, month: month, day: day) else {
            throw refuse("UNTIL=\(text) is not a date in the calendar")
        }
        return date
    }

    // MARK: Codable as the canonical text

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try RecurrenceRule.parse(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonicalText)
    }
}
