import Foundation

/// A recurrence of sessions in a group's local time, from which the sessions are materialised.
public struct Series: Sendable, Codable, Equatable, Identifiable {
    /// Given by the database; a series not stored yet is a `NewSeries`.
    public let id: Int64
    public var groupId: Int64
    public var firstStart: LocalDateTime
    public var durationMinutes: Int
    public var rule: RecurrenceRule
    /// Dates the coordinator excluded explicitly.
    public var excludedDates: [LocalDate]
    /// Dates skipped because they are holidays or organisation closures (computed when the series was added); in a
    /// calendar they are EXDATEs like `excludedDates`.
    public var holidayDates: [LocalDate]
    /// The calendars whose days the series skipped when it was added (`--skip-holidays be,be-vl-school`).
    public var skipsHolidays: [HolidayCalendar]
    /// Random, stored once, never changed: the calendar UID of this series.
    public var calendarUID: String
    /// How often something every VEVENT of the series shows (the group's title, language, venue or link) changed;
    /// the calendar layer adds it to SEQUENCE.
    public var changeCount: Int

    /// Which holidays a series may skip: Belgium's ten legal holidays, or a community's school holidays.
    public enum HolidayCalendar: String, Sendable, Codable, CaseIterable {
        case be
        case flemishSchool = "be-vl-school"
        case frenchSchool = "be-fr-school"

        /// The name of the holiday `date` falls on in this calendar, if any.
        public func holiday(on date: LocalDate) -> String? {
            switch self {
            case .be: BelgianHolidays.holidays(year: date.year).first { $0.date == date }?.name
            case .flemishSchool: BelgianSchoolHolidays.holiday(on: date, .flemish)?.name
            case .frenchSchool: BelgianSchoolHolidays.holiday(on: date, .french)?.name
            }
        }

        /// `be,be-vl-school` as typed; each name once.
        public static func parseList(_ text: String, field: String) throws(KringError) -> [HolidayCalendar] {
            var calendars: [HolidayCalendar] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let name = part.trimmingCharacters(in: .whitespaces).lowercased()
                guard let calendar = HolidayCalendar(rawValue: name) else {
                    throw .invalid(
                        field, text,
                        "'\(name)' is not a holiday calendar; known: be (Belgium's legal holidays), be-vl-school "
                            + "(Flemish school holidays), be-fr-school (French community school holidays)")
                }
                if calendars.contains(calendar) { throw .invalid(field, text, "names '\(name)' twice") }
                calendars.append(calendar)
            }
            return calendars
        }
    }

    /// What a series does with a session that falls on a skipped day.
    public enum HolidayHandling: String, Sendable, Codable, CaseIterable {
        /// The date is dropped; the series has one session fewer.
        case skip
        /// The date is dropped and one more is added at the end of the rule, so COUNT sessions still take place.
        case shift
    }

    public static let durationRange = 15...480

    public init(
        id: Int64, groupId: Int64, firstStart: LocalDateTime, durationMinutes: Int, rule: RecurrenceRule,
        excludedDates: [LocalDate] = [], holidayDates: [LocalDate] = [], skipsHolidays: [HolidayCalendar] = [],
        calendarUID: String, changeCount: Int = 0
    ) {
        self.id = id
        self.groupId = groupId
        self.firstStart = firstStart
        self.durationMinutes = durationMinutes
        self.rule = rule
        self.excludedDates = excludedDates
        self.holidayDates = holidayDates
        self.skipsHolidays = skipsHolidays
        self.calendarUID = calendarUID
        self.changeCount = changeCount
    }
}

/// A recurrence as a coordinator adds it, before the database gives it an id.
public struct NewSeries: Sendable, Equatable {
    public var groupId: Int64
    public var firstStart: LocalDateTime
    public var durationMinutes: Int
    public var rule: RecurrenceRule
    public var excludedDates: [LocalDate]
    public var holidayDates: [LocalDate]
    public var skipsHolidays: [Series.HolidayCalendar]
    public var calendarUID: String
    public var changeCount: Int

    public init(
        groupId: Int64, firstStart: LocalDateTime, durationMinutes: Int, rule: RecurrenceRule,
        excludedDates: [LocalDate] = [], holidayDates: [LocalDate] = [], skipsHolidays: [Series.HolidayCalendar] = [],
        calendarUID: String, changeCount: Int = 0
    ) {
        self.groupId = groupId
        self.firstStart = firstStart
        self.durationMinutes = durationMinutes
        self.rule = rule
        self.excludedDates = excludedDates
        self.holidayDates = holidayDates
        self.skipsHolidays = skipsHolidays
        self.calendarUID = calendarUID
        self.changeCount = changeCount
    }
}
