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
    /// Dates skipped because they are public holidays (computed when the series was added).
    public var holidayDates: [LocalDate]
    public var skipsHolidays: HolidayCalendar?
    /// Random, stored once, never changed: the calendar UID of this series.
    public var calendarUID: String
    /// How often something every VEVENT of the series shows (the group's title, language, venue or link) changed;
    /// the calendar layer adds it to SEQUENCE.
    public var changeCount: Int

    /// Which public holidays a series may skip.
    public enum HolidayCalendar: String, Sendable, Codable, CaseIterable {
        case be
    }

    public static let durationRange = 15...480

    public init(
        id: Int64, groupId: Int64, firstStart: LocalDateTime, durationMinutes: Int, rule: RecurrenceRule,
        excludedDates: [LocalDate] = [], holidayDates: [LocalDate] = [], skipsHolidays: HolidayCalendar? = nil,
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
    public var skipsHolidays: Series.HolidayCalendar?
    public var calendarUID: String
    public var changeCount: Int

    public init(
        groupId: Int64, firstStart: LocalDateTime, durationMinutes: Int, rule: RecurrenceRule,
        excludedDates: [LocalDate] = [], holidayDates: [LocalDate] = [], skipsHolidays: Series.HolidayCalendar? = nil,
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
