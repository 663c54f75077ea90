import Foundation

/// The report as plain text for the terminal: the figures, then each table with aligned columns.
public struct ReportTextRenderer: Sendable {
    public init() {}

    public func render(_ report: AnnualReport) -> String {
        let words = ReportVocabulary(report.language)
        let numbers = ReportNumbers(language: report.language, threshold: report.threshold)
        var lines = ["\(words("report.title")): \(report.from) – \(report.to)", ""]
        let width = report.figures.map(\.label.count).max() ?? 0
        for figure in report.figures {
            lines.append(
                figure.label.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + numbers.text(figure.value))
        }
        for table in report.tables {
            lines += ["", table.title]
            let header = [table.rowHeading] + table.columns
            let body = table.rows.map { [$0.label] + $0.values.map { numbers.text($0) } }
            let widths = header.indices.map { column in
                ([header] + body).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
            }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { column, cell in
                    column == 0
                        ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: max(0, widths[column] - cell.count)) + cell
                }.joined(separator: "  ")
            }
            lines.append(line(header))
            lines += body.map(line)
        }
        lines += ["", String(format: words("report.note"), report.threshold, report.threshold)]
        return lines.joined(separator: "\n") + "\n"
    }
}
