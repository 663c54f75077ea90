/// A wall-clock time of day to the minute ("19:00"); sessions keep it across DST switches.
///
/// Encoded (Codable) as its ISO string, "19:00".
public struct LocalTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Reads `HH:MM`, or `HH:MM:00` since many tools print seconds; other seconds are refused (Kring plans to the
    /// minute).
    public static func parse(_ text: String, field: String) throws(KringError) -> LocalTime {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "00"),
            let hour = DigitText.number(parts[0], length: 2),
            let minute = DigitText.number(parts[1], length: 2)
        else {
            throw .invalid(field, text, "a time must be written as HH:MM on a 24-hour clock, for example 19:00")
        }
        guard let time = LocalTime(hour: hour, minute: minute) else {
            throw .invalid(field, text, "hours run from 00 to 23 and minutes from 00 to 59")
        }
        return time
    }

    public var iso: String { "\(DigitText.twoDigits(hour)):\(DigitText.twoDigits(minute))" }

    public var description: String { iso }

    /// Minutes since midnight.
    public var minuteOfDay: Int { hour * 60 + minute }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool {
        lhs.minuteOfDay < rhs.minuteOfDay
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try LocalTime.parse(text, field: "time")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

/// A date and wall-clock time without a zone; a group's zone turns it into an instant (see `ZonedClock`).
///
/// Encoded (Codable) as its ISO string, "2027-01-12T19:00".
public struct LocalDateTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let date: LocalDate
    public let time: LocalTime

    public init(date: LocalDate, time: LocalTime) {
        self.date = date
        self.time = time
    }

    /// Reads `YYYY-MM-DDTHH:MM` (or with `:00` seconds); the error names the part that is wrong.
    public static func parse(_ text: String, field: String) throws(KringError) -> LocalDateTime {
        let halves = text.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2 else {
            throw .invalid(
                field, text, "a date and time must be written as YYYY-MM-DDTHH:MM, for example 2027-01-12T19:00"
            )
        }
        let date: LocalDate
        let time: LocalTime
        do {
            date = try LocalDate.parse(String(halves[0]), field: field)
            time = try LocalTime.parse(String(halves[1]), field: field)
        } catch {
            // Report the whole value the user typed, with the reason of the part that failed.
            throw .invalid(field, text, error.reason)
        }
        return LocalDateTime(date: date, time: time)
    }

    public var iso: String { "\(date.iso)T\(time.iso)" }

    public var description: String { iso }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.date, lhs.time) < (rhs.date, rhs.time)
    }

    /// Seconds since 1970-01-01T00:00 as if this wall-clock time were UTC; the starting point for zone resolution.
    var naiveSeconds: Int {
        date.dayNumber * 86_400 + time.minuteOfDay * 60
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try LocalDateTime.parse(text, field: "start")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}
