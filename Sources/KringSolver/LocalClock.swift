import Foundation

/// A session's start as a facilitator sees it: weekday, wall-clock minutes and the week and month it counts in.
struct LocalSlot {
    /// ISO weekday, Monday = 1.
    var weekday: Int
    var startMinute: Int
    /// Minutes from the same local midnight, so a session past midnight ends after 1440.
    var endMinute: Int
    /// Monday-based week number since the epoch: the same grouping as ISO weeks, but one integer.
    var week: Int
    /// year × 12 + month − 1.
    var month: Int
}

/// Converts instants to local calendar facts with integer arithmetic.
///
/// Calendar and DateComponents are far too slow for the hundreds of thousands of look-ups a national plan needs,
/// and only the zone offset is needed from Foundation.
enum LocalClock {
    static func slot(start: Date, end: Date, zone: TimeZone) -> LocalSlot {
        let startSeconds = Int(start.timeIntervalSince1970.rounded(.down))
        let endSeconds = Int(end.timeIntervalSince1970.rounded(.down))
        let localStart = startSeconds + zone.secondsFromGMT(for: start)
        let localEnd = endSeconds + zone.secondsFromGMT(for: end)
        let day = floorDiv(localStart, 86_400)
        let midnight = day * 86_400
        let (year, month, _) = civil(fromDays: day)
        return LocalSlot(
            weekday: floorMod(day + 3, 7) + 1,
            startMinute: floorDiv(localStart - midnight, 60),
            endMinute: floorDiv(localEnd - midnight, 60),
            week: floorDiv(day + 3, 7),
            month: year * 12 + month - 1
        )
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
