import Foundation

/// The checks every piece of free text passes before Kring stores it: not empty, no control characters, bounded.
public enum TextRules {
    /// Returns the text trimmed, or throws naming the field when it is empty, too long or holds control characters.
    public static func checked(_ text: String, field: String, maximumLength: Int) throws(KringError) -> String {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { throw .invalid(field, text, "must not be empty") }
        if let bad = trimmed.unicodeScalars.first(where: isForbidden) {
            throw .invalid(field, text, "contains the control character U+\(hex(bad.value)); use plain text")
        }
        if trimmed.count > maximumLength {
            throw .invalid(field, text, "is \(trimmed.count) characters long; the limit is \(maximumLength)")
        }
        return trimmed
    }

    /// A positive whole number within bounds, with the bounds in the error.
    public static func checked(_ number: Int, field: String, in range: ClosedRange<Int>) throws(KringError) -> Int {
        guard range.contains(number) else {
            throw .invalid(field, String(number), "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    /// An https or http address for an online meeting.
    public static func checkedURL(_ text: String, field: String) throws(KringError) -> String {
        let url = try checked(text, field: field, maximumLength: 500)
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), !url.contains(" "), url.count > 10 else {
            throw .invalid(field, text, "must be a web address starting with https://")
        }
        return url
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
