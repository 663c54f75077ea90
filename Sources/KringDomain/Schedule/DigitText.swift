/// Strict ASCII-digit reading shared by the schedule parsers; `Int(_:)` alone would also accept "+7" or "٣".
enum DigitText {
    /// The value of `text` when it is exactly `length` ASCII digits (any length when `length` is nil).
    static func number(_ text: Substring, length: Int? = nil) -> Int? {
        guard !text.isEmpty, length == nil || text.utf8.count == length else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            // Long digit strings are refused rather than allowed to overflow.
            guard value < 100_000_000 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    static func fourDigits(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
