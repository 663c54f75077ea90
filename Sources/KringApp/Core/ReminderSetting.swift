import Foundation

/// `mail.reminder`: how long before a session participants' calendars remind them. Stored as an ISO 8601
/// duration (`P1D`, `PT2H`, `PT30M`) or `off`; `1d`, `2h` and `30m` are accepted as shorthand.
enum ReminderSetting {
    static let range = 5 * 60...7 * 86_400

    /// The stored form of `text`, or nil when it is not a duration in range (nor `off`).
    static func canonical(_ text: String) -> String? {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.lowercased() == "off" { return "off" }
        guard let seconds = seconds(value), range.contains(seconds) else { return nil }
        if seconds % 86_400 == 0 { return "P\(seconds / 86_400)D" }
        if seconds % 3_600 == 0 { return "PT\(seconds / 3_600)H" }
        if seconds % 60 == 0 { return "PT\(seconds / 60)M" }
        return nil
    }

    /// Seconds before the start, from `P1D`, `PT1H30M`, `P1DT2H`, `1d`, `2h`, `30m`; nil for anything else.
    static func seconds(_ text: String) -> Int? {
        let upper = text.uppercased()
        if let last = upper.last, "DHM".contains(last), let number = Int(upper.dropLast()), number > 0,
            !upper.hasPrefix("P")
        {
            return number * (last == "D" ? 86_400 : last == "H" ? 3_600 : 60)
        }
        guard upper.hasPrefix("P"), upper.count > 1 else { return nil }
        var total = 0
        var digits = ""
        var inTime = false
        var sawUnit = false
        for character in upper.dropFirst() {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            if character == "T" {
                guard digits.isEmpty, !inTime else { return nil }
                inTime = true
                continue
            }
            guard let number = Int(digits) else { return nil }
            digits = ""
            switch (character, inTime) {
            case ("W", false): total += number * 7 * 86_400
            case ("D", false): total += number * 86_400
            case ("H", true): total += number * 3_600
            case ("M", true): total += number * 60
            case ("S", true): total += number
            default: return nil
            }
            sawUnit = true
        }
        return digits.isEmpty && sawUnit && total > 0 ? total : nil
    }
}
