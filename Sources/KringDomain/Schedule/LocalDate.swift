/// A calendar date without a zone, as a coordinator says it ("12 January 2027"); sessions are planned on these.
///
/// Encoded (Codable) as its ISO string, "2027-01-12".
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Years Kring accepts; four digits keep the ISO form and the RFC 5545 form unambiguous.
    public static let yearRange = 1...9999

    public init?(year: Int, month: Int, day: Int) {
        guard LocalDate.yearRange.contains(year), (1...12).contains(month),
            day >= 1, day <= LocalDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.init(unchecked: year, month, day)
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads exactly `YYYY-MM-DD`; other shapes are refused so "1/2/2027" is never guessed at.
    public static func parse(_ text: String, field: String) throws(KringError) -> LocalDate {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let year = DigitText.number(parts[0], length: 4),
            let month = DigitText.number(parts[1], length: 2),
            let day = DigitText.number(parts[2], length: 2)
        else {
            throw .invalid(field, text, "a date must be written as YYYY-MM-DD, for example 2027-01-12")
        }
        guard let date = LocalDate(year: year, month: month, day: day) else {
            throw .invalid(field, text, "there is no such date in the calendar")
        }
        // A day after it must still be a date Kring can write, and no group plans further ahead than this.
        guard supportedYears.contains(year) else {
            throw .invalid(
                field, text, "must be in the years \(supportedYears.lowerBound) to \(supportedYears.upperBound)")
        }
        return date
    }

    /// The years a date given to Kring may fall in.
    public static let supportedYears = 1900...2199

    public var iso: String {
        "\(DigitText.fourDigits(year))-\(DigitText.twoDigits(month))-\(DigitText.twoDigits(day))"
    }

    /// The RFC 5545 DATE form, "20270112".
    public var basic: String {
        "\(DigitText.fourDigits(year))\(DigitText.twoDigits(month))\(DigitText.twoDigits(day))"
    }

    public var description: String { iso }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (Monday-based index 3).
        Weekday(mondayBasedIndex: dayNumber + 3)
    }

    public func adding(days: Int) -> LocalDate {
        LocalDate(dayNumber: dayNumber + days)
    }

    /// The same day-of-month `months` later; nil when that month is too short (31 January + 1 month).
    public func adding(months: Int) -> LocalDate? {
        let index = year * 12 + (month - 1) + months
        let newYear = index >= 0 ? index / 12 : (index - 11) / 12
        return LocalDate(year: newYear, month: index - newYear * 12 + 1, day: day)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    // MARK: Day numbers (days since 1970-01-01), after Howard Hinnant's civil-date algorithms.

    /// Days since 1970-01-01; negative before it.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    // MARK: Codable as the ISO string

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try LocalDate.parse(text, field: "date")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}
