import Foundation

@testable import KringCalendar

/// Series, expected instants and helpers shared by the calendar tests.
enum Fixtures {
    static let fixedNow = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let brussels = TimeZone(identifier: "Europe/Brussels")!
    static let organizer = "groepen@kring.invalid"
    static let attendee = "deelnemer-7@example.org"

    static func local(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int) -> LocalDateTime {
        LocalDateTime(year: y, month: m, day: d, hour: h, minute: min)
    }

    /// Every second Tuesday at 19:00 Brussels from 2026-01-06 to 2027-12-28: crosses four DST switches, with
    /// a holiday excluded (listed twice on purpose), one cancelled session and one moved session.
    static var biweekly: CalendarSeries {
        CalendarSeries(
            uid: "7f0c5b0e-3c1d-4d0e-9b8a-2f7d9c1e4a11@kring.invalid",
            sequence: 3,
            timeZoneIdentifier: "Europe/Brussels",
            firstStartLocal: local(2026, 1, 6, 19, 0),
            durationMinutes: 120,
            rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20271228",
            excludedStarts: [local(2026, 3, 31, 19, 0), local(2026, 10, 27, 19, 0), local(2026, 3, 31, 19, 0)],
            overrides: [
                MovedOccurrence(
                    originalStartLocal: local(2026, 4, 14, 19, 0), newStartLocal: local(2026, 4, 16, 18, 30),
                    newEndLocal: local(2026, 4, 16, 20, 30), sequence: 2)
            ],
            location: "Zaal 2, Kerkstraat 5; Gent"
        )
    }

    /// First Monday of the month at 10:00, ten times.
    static var monthly: CalendarSeries {
        CalendarSeries(
            uid: "0b6a9f7e-51c2-4f4a-8d5b-6c3e2a1f9d02@kring.invalid",
            sequence: 0,
            timeZoneIdentifier: "Europe/Brussels",
            firstStartLocal: local(2026, 2, 2, 10, 0),
            durationMinutes: 90,
            rrule: "FREQ=MONTHLY;BYDAY=1MO;COUNT=10"
        )
    }

    /// Tuesdays 2 to 30 March 2027 at 19:00: the last session is two days after the switch to summer time, in
    /// the only year of its VTIMEZONE (issue 10 item 12: dateutil readers showed it at 20:00).
    static var march2027: CalendarSeries {
        CalendarSeries(
            uid: "c41d2e6f-8a3b-4f1e-9d7c-5b2a0e6f3c19@kring.invalid",
            sequence: 0,
            timeZoneIdentifier: "Europe/Brussels",
            firstStartLocal: local(2027, 3, 2, 19, 0),
            durationMinutes: 120,
            rrule: "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330"
        )
    }

    static var march2027Starts: [Date] { (0..<5).map { instant(local(2027, 3, 2 + 7 * $0, 19, 0)) } }

    static func instant(_ local: LocalDateTime, in zone: TimeZone = brussels) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(
            from: DateComponents(
                year: local.year, month: local.month, day: local.day, hour: local.hour,
                minute: local.minute))!
    }

    /// The sessions of `biweekly` and `monthly` as instants, computed with Foundation alone (no libical).
    static var expectedIntervals: [DateInterval] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = brussels
        var result: [DateInterval] = []
        var day = calendar.date(from: DateComponents(year: 2026, month: 1, day: 6))!
        let last = calendar.date(from: DateComponents(year: 2027, month: 12, day: 28))!
        while day <= last {
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            let start = local(parts.year!, parts.month!, parts.day!, 19, 0)
            if start == local(2026, 4, 14, 19, 0) {
                result.append(DateInterval(start: instant(local(2026, 4, 16, 18, 30)), duration: 7_200))
            } else if start != local(2026, 3, 31, 19, 0) && start != local(2026, 10, 27, 19, 0) {
                result.append(DateInterval(start: instant(start), duration: 7_200))
            }
            day = calendar.date(byAdding: .day, value: 14, to: day)!
        }
        for month in 2...11 {
            let firstMonday = (1...7).first { d in
                calendar.component(
                    .weekday, from: calendar.date(from: DateComponents(year: 2026, month: month, day: d))!) == 2
            }!
            result.append(DateInterval(start: instant(local(2026, month, firstMonday, 10, 0)), duration: 5_400))
        }
        return result.sorted { $0.start < $1.start }
    }

    static func utcString(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
