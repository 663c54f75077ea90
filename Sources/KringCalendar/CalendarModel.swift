import Foundation

/// A wall-clock date and time in a series' own time zone, to the minute, as the coordinator planned it.
public struct LocalDateTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute) < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute)
    }

    /// `2025-03-30 02:30`, for error messages.
    public var description: String {
        String(format: "%04d-%02d-%02d %02d:%02d", year, month, day, hour, minute)
    }

    var isPlausible: Bool {
        (1900...2200).contains(year) && (1...12).contains(month) && (1...31).contains(day)
            && (0...23).contains(hour) && (0...59).contains(minute)
    }
}

/// Whether a series (or the invite about it) is going ahead.
public enum CalendarStatus: String, Codable, Sendable {
    case confirmed
    case cancelled
}

/// One occurrence moved to another time; exported as an override VEVENT carrying RECURRENCE-ID.
public struct MovedOccurrence: Hashable, Codable, Sendable {
    /// The start the recurrence rule gives this occurrence; becomes RECURRENCE-ID.
    public var originalStartLocal: LocalDateTime
    public var newStartLocal: LocalDateTime
    public var newEndLocal: LocalDateTime
    /// The series' SEQUENCE when the move was made; the export writes the series' current value on every VEVENT.
    public var sequence: Int
    /// Where this occurrence meets when not where the series does (a room closed that evening); nil: the series'
    /// LOCATION.
    public var location: String?

    public init(
        originalStartLocal: LocalDateTime, newStartLocal: LocalDateTime, newEndLocal: LocalDateTime, sequence: Int,
        location: String? = nil
    ) {
        self.originalStartLocal = originalStartLocal
        self.newStartLocal = newStartLocal
        self.newEndLocal = newEndLocal
        self.sequence = sequence
        self.location = location
    }
}

/// Everything the calendar layer needs about one recurring series of sessions; plain values, no database types.
public struct CalendarSeries: Hashable, Codable, Sendable {
    /// Random and stable for the life of the series (`<uuid>@<neutral domain>`); clients match updates on it.
    public var uid: String
    /// Bumped by the caller on every change of time, recurrence, status or location, and on every CANCEL.
    public var sequence: Int
    /// IANA name, e.g. `Europe/Brussels`.
    public var timeZoneIdentifier: String
    public var firstStartLocal: LocalDateTime
    public var durationMinutes: Int
    /// RFC 5545 RRULE value without the `RRULE:` prefix; UNTIL may be a local date (`UNTIL=20250630`).
    public var rrule: String
    /// Original starts of occurrences that do not take place (cancelled, holidays, explicit exceptions).
    public var excludedStarts: [LocalDateTime]
    public var overrides: [MovedOccurrence]
    public var status: CalendarStatus
    /// Public title; `nil` uses the neutral default of `CalendarText`.
    public var summary: String?
    public var description: String?
    public var location: String?
    public var url: URL?
    /// A reminder this many seconds before each session (a VALARM, ACTION:DISPLAY with a neutral text); nil for none.
    public var reminderSecondsBefore: Int?

    public init(
        uid: String, sequence: Int, timeZoneIdentifier: String, firstStartLocal: LocalDateTime, durationMinutes: Int,
        rrule: String, excludedStarts: [LocalDateTime] = [], overrides: [MovedOccurrence] = [],
        status: CalendarStatus = .confirmed, summary: String? = nil, description: String? = nil,
        location: String? = nil, url: URL? = nil
    ) {
        self.uid = uid
        self.sequence = sequence
        self.timeZoneIdentifier = timeZoneIdentifier
        self.firstStartLocal = firstStartLocal
        self.durationMinutes = durationMinutes
        self.rrule = rrule
        self.excludedStarts = excludedStarts
        self.overrides = overrides
        self.status = status
        self.summary = summary
        self.description = description
        self.location = location
        self.url = url
    }
}

/// Languages the neutral calendar texts exist in.
public enum CalendarLanguage: String, Codable, Sendable, CaseIterable {
    case nl
    case fr
    case en
}

/// Neutral default texts: a household member or an employer may see a participant's calendar, so nothing here
/// names the organisation, the group or its audience (privacy rule 7).
public struct CalendarText: Hashable, Sendable {
    public var defaultSummary: String
    public var calendarName: String
    public var productIdentifier: String
    /// The text of a reminder (VALARM DESCRIPTION): as neutral as the default title.
    public var reminderText: String

    public init(
        defaultSummary: String, calendarName: String, productIdentifier: String, reminderText: String = "Reminder"
    ) {
        self.defaultSummary = defaultSummary
        self.calendarName = calendarName
        self.productIdentifier = productIdentifier
        self.reminderText = reminderText
    }

    public static func neutral(_ language: CalendarLanguage) -> CalendarText {
        switch language {
        case .nl:
            CalendarText(
                defaultSummary: "Gespreksgroep", calendarName: "Mijn afspraken",
                productIdentifier: "-//Kring//Kalender//NL", reminderText: "Herinnering: afspraak")
        case .fr:
            CalendarText(
                defaultSummary: "Groupe de parole", calendarName: "Mes rendez-vous",
                productIdentifier: "-//Kring//Calendrier//FR", reminderText: "Rappel : rendez-vous")
        case .en:
            CalendarText(
                defaultSummary: "Conversation group", calendarName: "My appointments",
                productIdentifier: "-//Kring//Calendar//EN", reminderText: "Reminder: appointment")
        }
    }
}

/// Why a calendar could not be exported; the message names the field to fix and never carries personal data.
public struct CalendarError: Error, Hashable, Sendable, CustomStringConvertible {
    enum Code: Hashable, Sendable {
        case unknownTimeZone
        case invalidRule
        case invalidTime
        case nonexistentLocalTime
        case ambiguousLocalTime
        case invalidAddress
        case invalidSeries
        case overrideNotAnOccurrence
    }

    let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "calendar: \(message)" }
}
