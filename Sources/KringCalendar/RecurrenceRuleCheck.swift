/// A strict reading of an RRULE value (RFC 5545 3.3.10) for untrusted calendars. libical 3.0.16 drops parts it
/// does not know and keeps one of two repeated parts, so the rule it expands is not the rule the file states.
enum RecurrenceRuleCheck {
    static let frequencies: Set<Substring> = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
    static let weekdays: Set<Substring> = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
    /// Each BY part with the range of its (absolute) values; 0 is never allowed.
    static let numberLists: [Substring: ClosedRange<Int>] = [
        "BYSECOND": 0...60, "BYMINUTE": 0...59, "BYHOUR": 0...23, "BYMONTHDAY": 1...31, "BYYEARDAY": 1...366,
        "BYWEEKNO": 1...53, "BYMONTH": 1...12, "BYSETPOS": 1...366,
    ]
    static let signed: Set<Substring> = ["BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"]

    /// Nil when `value` (upper-cased, without `RRULE:`) is a rule this importer expands as written; else why not,
    /// in a few words that name the offending part.
    static func problem(in value: Substring) -> String? {
        var seen = Set<Substring>()
        var frequency: Substring?
        for part in value.split(separator: ";", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
                return "part '\(part.prefix(40))' is not NAME=VALUE"
            }
            let (name, text) = (pieces[0], pieces[1])
            guard seen.insert(name).inserted else { return "repeats \(name.prefix(40))" }
            switch name {
            case "FREQ":
                guard frequencies.contains(text) else { return "has an unknown FREQ=\(text.prefix(20))" }
                frequency = text
            case "UNTIL":
                let digits = text.filter(\.isNumber)
                guard text.count == 8 && digits.count == 8 || (15...16).contains(text.count) && digits.count == 14
                else { return "has an invalid UNTIL" }
            case "COUNT", "INTERVAL":
                guard let number = Int(text), number > 0 else { return "has an invalid \(name)" }
            case "WKST":
                guard weekdays.contains(text) else { return "has an invalid WKST" }
            case "BYDAY":
                for day in text.split(separator: ",", omittingEmptySubsequences: false) {
                    let ordinal = day.dropLast(2)
                    guard weekdays.contains(day.suffix(2)),
                        ordinal.isEmpty || Int(ordinal).map({ (1...53).contains(abs($0)) }) == true
                    else { return "has an invalid BYDAY" }
                }
            default:
                guard let range = numberLists[name] else { return "has an unknown part \(name.prefix(40))" }
                for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let number = Int(item), range.contains(abs(number)), number >= 0 || signed.contains(name)
                    else { return "has an invalid \(name)" }
                }
            }
        }
        guard let frequency else { return "has no FREQ" }
        guard !(seen.contains("COUNT") && seen.contains("UNTIL")) else { return "has both COUNT and UNTIL" }
        // Finer rules are no meetings, and libical 3.0.16 can spin for seconds in one call on them.
        guard !["SECONDLY", "MINUTELY", "HOURLY"].contains(frequency) else {
            return "FREQ=\(frequency) is finer than daily, which busy-time import does not expand"
        }
        return nil
    }
}
