import Foundation

/// The checks every piece of free text passes before Kring stores it: normalised (NFKC), not empty, no control or
/// invisible characters, bounded. Names people tell apart by sight pass `checkedName` too.
public enum TextRules {
    /// Returns the text in NFKC and trimmed, or throws naming the field when it is empty, too long, or holds control
    /// or invisible characters (zero-width, bidirectional controls: text that reads differently than it is stored).
    public static func checked(_ text: String, field: String, maximumLength: Int) throws(KringError) -> String {
        // NFKC: fullwidth and other compatibility forms become the plain letters they show ("Ｓｔｉｌｌｅ" is "Stille").
        let trimmed = text.precomposedStringWithCompatibilityMapping.trimmingWhitespace()
        if trimmed.isEmpty { throw .invalid(field, text, "must not be empty") }
        if let bad = trimmed.unicodeScalars.first(where: isForbidden) {
            throw .invalid(field, text, "contains the control character U+\(hex(bad.value)); use plain text")
        }
        if let bad = trimmed.unicodeScalars.first(where: isInvisible) {
            throw .invalid(field, text, "contains the invisible character U+\(hex(bad.value)); use plain text")
        }
        if trimmed.count > maximumLength {
            throw .invalid(field, text, "is \(trimmed.count) characters long; the limit is \(maximumLength)")
        }
        return trimmed
    }

    /// A name people pick out by sight (a pseudonym, a facilitator, a group): `checked`, then at least one letter or
    /// digit (".." is no name) and no word that mixes Latin, Greek and Cyrillic letters ("Stіlle" with a Cyrillic і
    /// looks like "Stille" but is another name).
    public static func checkedName(_ text: String, field: String, maximumLength: Int) throws(KringError) -> String {
        let name = try checked(text, field: field, maximumLength: maximumLength)
        guard name.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        else {
            throw .invalid(field, text, "must contain a letter or a digit")
        }
        for word in name.split(whereSeparator: { $0.isWhitespace || $0 == "-" }) {
            let scripts = Set(word.unicodeScalars.compactMap(confusableScript))
            if scripts.count > 1 {
                throw .invalid(
                    field, text,
                    "mixes \(scripts.map(\.rawValue).sorted().joined(separator: " and ")) letters in '\(word)'; "
                        + "write each word in one alphabet")
            }
        }
        return name
    }

    /// What two names are compared by: NFKC, without accents, case or repeated spaces, and with Greek and Cyrillic
    /// letters that look like Latin ones read as those. "Stille Eik", "stille  eik", "Stílle Eik", "Ｓｔｉｌｌｅ Eik"
    /// and "Stille Еік" (Cyrillic) have one key, so only one of them can be taken.
    public static func comparisonKey(_ text: String) -> String {
        let decomposed = text.precomposedStringWithCompatibilityMapping.decomposedStringWithCanonicalMapping
        var key = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in decomposed.lowercased().unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark || isInvisible(scalar) { continue }
            if scalar.properties.isWhitespace {
                if !lastWasSpace { key.append(" ") }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            key.append(lookAlikes[scalar] ?? scalar)
        }
        return String(key).trimmingWhitespace()
    }

    /// Whether two names would be taken for one another.
    public static func sameName(_ first: String, _ second: String) -> Bool {
        comparisonKey(first) == comparisonKey(second)
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

    /// Characters that show as nothing: format characters (zero-width space and joiners, bidirectional controls,
    /// the byte-order mark, tags), every default-ignorable code point (variation selectors, Hangul fillers) and the
    /// blank braille pattern.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format || scalar.properties.isDefaultIgnorableCodePoint
            || scalar.value == 0x2800
    }

    enum Script: String {
        case latin = "Latin", greek = "Greek", cyrillic = "Cyrillic"
    }

    /// The alphabet of a letter among the three whose letters look alike; nil for anything else.
    static func confusableScript(_ scalar: Unicode.Scalar) -> Script? {
        guard scalar.properties.isAlphabetic else { return nil }
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0xAA, 0xBA, 0xC0...0x24F, 0x250...0x2AF, 0x1D00...0x1D7F, 0x1E00...0x1EFF,
            0x2C60...0x2C7F, 0xA720...0xA7FF, 0xAB30...0xAB6F:
            return .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF:
            return .greek
        case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F:
            return .cyrillic
        default:
            return nil
        }
    }

    /// Lower-case Greek and Cyrillic letters that are drawn like a Latin one (after NFKC, accents removed).
    static let lookAlikes: [Unicode.Scalar: Unicode.Scalar] = {
        let pairs: [(UInt32, Character)] = [
            // Cyrillic
            (0x430, "a"), (0x432, "b"), (0x435, "e"), (0x43A, "k"), (0x43C, "m"), (0x43D, "h"), (0x43E, "o"),
            (0x440, "p"), (0x441, "c"), (0x442, "t"), (0x443, "y"), (0x445, "x"), (0x455, "s"), (0x456, "i"),
            (0x458, "j"), (0x4BB, "h"), (0x4CF, "l"), (0x501, "d"), (0x51B, "q"), (0x51D, "w"), (0x44C, "b"),
            (0x450, "e"), (0x451, "e"), (0x457, "i"),
            // Greek
            (0x3B1, "a"), (0x3B2, "b"), (0x3B5, "e"), (0x3B7, "n"), (0x3B9, "i"), (0x3BA, "k"), (0x3BD, "v"),
            (0x3BF, "o"), (0x3C1, "p"), (0x3C4, "t"), (0x3C5, "u"), (0x3C7, "x"), (0x3C9, "w"), (0x3F2, "c"),
            (0x3F3, "j"), (0x3BC, "u"),
        ]
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (code, latin) in pairs { table[Unicode.Scalar(code)!] = latin.unicodeScalars.first! }
        // Typographic apostrophes read as the plain one.
        table["\u{2019}"] = "'"
        table["\u{2018}"] = "'"
        table["\u{02BC}"] = "'"
        return table
    }()

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
