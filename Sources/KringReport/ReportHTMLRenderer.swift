import Foundation

/// The report as one self-contained HTML page for a funder: inline CSS, charts drawn as inline SVG by Kring, no
/// script, no font, image or style from anywhere else (its Content-Security-Policy forbids every request), and an
/// A4 page set up for printing.
public struct ReportHTMLRenderer: Sendable {
    public init() {}

    public func render(_ report: AnnualReport, organisation: String? = nil) -> String {
        let words = ReportVocabulary(report.language)
        let numbers = ReportNumbers(language: report.language, threshold: report.threshold)
        var html = """
            <!DOCTYPE html>
            <html lang="\(report.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="referrer" content="no-referrer">
            <title>\(Self.escape(words("report.title"))) \(report.from) – \(report.to)</title>
            <style>
            @page { size: A4; margin: 15mm; }
            body { font-family: sans-serif; font-size: 10pt; color: #222; margin: 0 auto; max-width: 180mm; }
            h1 { font-size: 16pt; margin: 0 0 2mm; }
            h2 { font-size: 12pt; margin: 6mm 0 2mm; }
            .period, .note { color: #555; }
            .figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; margin: 4mm 0; }
            .figure { border: 0.3mm solid #ccc; padding: 2mm; break-inside: avoid; }
            .figure b { display: block; font-size: 14pt; }
            section { break-inside: avoid; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 2mm; }
            th, td { border-bottom: 0.2mm solid #ddd; padding: 0.8mm 1.5mm; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            tr.total td { font-weight: bold; border-top: 0.3mm solid #888; }
            svg.chart { display: block; width: 100%; height: auto; }
            </style>
            </head>
            <body>
            <h1>\(Self.escape(words("report.title")))</h1>

            """
        if let organisation { html += "<p>\(Self.escape(organisation))</p>\n" }
        html += "<p class=\"period\">\(Self.escape(words("report.period"))): \(report.from) – \(report.to)</p>\n"
        html += "<div class=\"figures\">\n"
        for figure in report.figures {
            html +=
                "<div class=\"figure\" id=\"figure-\(figure.id)\">\(Self.escape(figure.label))"
                + "<b>\(Self.escape(numbers.text(figure.value)))</b></div>\n"
        }
        html += "</div>\n"
        for table in report.tables {
            html += "<section id=\"\(table.id)\">\n<h2>\(Self.escape(table.title))</h2>\n"
            if table.chart != .none { html += ReportChartSVG(numbers: numbers).svg(for: table) + "\n" }
            html += "<table>\n<thead><tr><th>\(Self.escape(table.rowHeading))</th>"
            html += table.columns.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for (index, row) in table.rows.enumerated() {
                let total = table.totals && index == table.rows.count - 1
                html += total ? "<tr class=\"total\">" : "<tr>"
                html += "<td>\(Self.escape(row.label))</td>"
                html += row.values.map { "<td>\(Self.escape(numbers.text($0)))</td>" }.joined() + "</tr>\n"
            }
            html += "</tbody>\n</table>\n</section>\n"
        }
        html +=
            "<p class=\"note\">\(Self.escape(String(format: words("report.note"), report.threshold, report.threshold)))</p>\n"
        html += "</body>\n</html>\n"
        return html
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// One table drawn as an SVG chart: horizontal bars (one per row, the row's total or only value) or columns (a
/// series over months). A hidden count draws no bar, only its "<5" label, so the chart reveals no more than the
/// table.
struct ReportChartSVG {
    let numbers: ReportNumbers

    func svg(for table: ReportTable) -> String {
        let rows = table.totals ? Array(table.rows.dropLast()) : table.rows
        let column = table.columns.count > 1 && table.id.hasPrefix("participants") ? table.columns.count - 1 : 0
        let values = rows.map { $0.values.indices.contains(column) ? $0.values[column] : .none }
        let largest = max(values.map(\.chartAmount).max() ?? 0, 1)
        let title = ReportHTMLRenderer.escape(table.title)
        switch table.chart {
        case .columns:
            let width = 600.0
            let height = 200.0
            let step = (width - 20) / Double(max(rows.count, 1))
            var svg =
                "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\""
                + " role=\"img\" aria-label=\"\(title)\">"
            svg += "<line x1=\"10\" y1=\"170\" x2=\"\(Int(width) - 10)\" y2=\"170\" stroke=\"#888\"/>"
            for (index, (row, value)) in zip(rows, values).enumerated() {
                let x = 10 + Double(index) * step
                let barHeight = 140 * value.chartAmount / largest
                svg +=
                    "<rect x=\"\(format(x + step * 0.15))\" y=\"\(format(170 - barHeight))\" width=\"\(format(step * 0.7))\""
                    + " height=\"\(format(barHeight))\" fill=\"#3b7dd8\"/>"
                svg +=
                    "<text x=\"\(format(x + step / 2))\" y=\"\(format(165 - barHeight))\" font-size=\"10\""
                    + " text-anchor=\"middle\">\(ReportHTMLRenderer.escape(numbers.text(value)))</text>"
                svg +=
                    "<text x=\"\(format(x + step / 2))\" y=\"185\" font-size=\"9\" text-anchor=\"middle\">"
                    + "\(ReportHTMLRenderer.escape(String(row.label.prefix(8))))</text>"
            }
            return svg + "</svg>"
        case .bars, .none:
            let barHeight = 16.0
            let height = max(Double(rows.count) * (barHeight + 6) + 10, 30)
            var svg =
                "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 \(Int(height))\""
                + " role=\"img\" aria-label=\"\(title)\">"
            for (index, (row, value)) in zip(rows, values).enumerated() {
                let y = 5 + Double(index) * (barHeight + 6)
                let length = 340 * value.chartAmount / largest
                svg +=
                    "<text x=\"0\" y=\"\(format(y + 12))\" font-size=\"11\">"
                    + "\(ReportHTMLRenderer.escape(String(row.label.prefix(28))))</text>"
                svg +=
                    "<rect x=\"180\" y=\"\(format(y))\" width=\"\(format(length))\" height=\"\(Int(barHeight))\""
                    + " fill=\"#3b7dd8\"/>"
                svg +=
                    "<text x=\"\(format(186 + length))\" y=\"\(format(y + 12))\" font-size=\"11\">"
                    + "\(ReportHTMLRenderer.escape(numbers.text(value)))</text>"
            }
            return svg + "</svg>"
        }
    }

    private func format(_ value: Double) -> String {
        String(Int((value * 10).rounded())) == "0" ? "0" : String(Double(Int((value * 10).rounded())) / 10)
    }
}
