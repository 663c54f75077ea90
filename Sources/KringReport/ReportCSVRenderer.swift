import Foundation

/// The report as CSV for Excel as Flemish offices run it: UTF-8 with a byte-order mark (so accents survive),
/// semicolons between fields, a decimal comma, CRLF line ends; one block per table, a blank line between.
public struct ReportCSVRenderer: Sendable {
    public init() {}

    public func render(_ report: AnnualReport) -> String {
        let words = ReportVocabulary(report.language)
        let numbers = ReportNumbers(language: report.language, threshold: report.threshold)
        func cell(_ value: ReportValue) -> String { numbers.text(value, grouped: false, decimalMark: ",") }
        var rows: [[String]] = [
            [words("report.title")], [words("report.period"), report.from, report.to], [],
            [words("figure"), words("value")],
        ]
        rows += report.figures.map { [$0.label, cell($0.value)] }
        for table in report.tables {
            rows += [[], [table.title], [table.rowHeading] + table.columns]
            rows += table.rows.map { [$0.label] + $0.values.map(cell) }
        }
        rows += [[], [String(format: words("report.note"), report.threshold, report.threshold)]]
        return "\u{FEFF}" + rows.map { $0.map(Self.field).joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
    }

    /// Quotes a field with a separator, quote or line break; a leading = + - @ is neutralised so a group's name can
    /// never run as a formula ("<5" starts with "<", which Excel takes as text).
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { ";\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
