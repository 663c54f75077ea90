import Foundation

/// Numbers as the report's language writes them: "1.234,5" in Dutch, "1 234,5" in French (a narrow no-break
/// space), "1,234.5" in English. Written by hand so the output does not depend on the machine's locale data.
public struct ReportNumbers: Sendable {
    public let language: ReportLanguage
    /// The threshold, for "<5".
    public let threshold: Int

    public init(language: ReportLanguage, threshold: Int) {
        self.language = language
        self.threshold = threshold
    }

    var grouping: String {
        switch language {
        case .nl: "."
        case .fr: "\u{202F}"
        case .en: ","
        }
    }

    var decimalMark: String { language == .en ? "." : "," }

    /// A cell as text: a count or quantity (one decimal at most), "<threshold" when suppressed, "–" when empty.
    public func text(_ value: ReportValue, grouped: Bool = true, decimalMark mark: String? = nil) -> String {
        switch value {
        case .people(let count): return number(Double(count), grouped: grouped, mark: mark ?? decimalMark)
        case .quantity(let amount): return number(amount, grouped: grouped, mark: mark ?? decimalMark)
        case .suppressed: return "<\(threshold)"
        case .none: return "–"
        }
    }

    func number(_ amount: Double, grouped: Bool, mark: String) -> String {
        let tenths = Int((abs(amount) * 10).rounded())
        let whole = String(tenths / 10)
        var digits = ""
        for (offset, digit) in whole.enumerated() {
            if grouped, offset > 0, (whole.count - offset) % 3 == 0 { digits += grouping }
            digits.append(digit)
        }
        let sign = amount < 0 && tenths != 0 ? "-" : ""
        return tenths % 10 == 0 ? sign + digits : sign + digits + mark + String(tenths % 10)
    }
}
