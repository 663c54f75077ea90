import ArgumentParser
import Foundation
import KringApp
import KringDomain
import KringReport

/// `kring report`: the period's numbers and charts from the anonymous counters, with small counts suppressed.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The year's (or a period's) numbers: groups, sessions, places, participants, waitlist, attendance.",
        discussion: """
            Counted from anonymous counters kept as things happen, so erasing people later changes nothing. Every
            count about people under the threshold (5; `kring config set report.threshold N` raises it) shows as
            "<5", and other cells are hidden where a total would give a hidden one away. See docs/report.md.

            csv opens in Excel as Flemish offices run it (UTF-8 with a byte-order mark, semicolons, decimal comma);
            html is one self-contained page with charts that prints on A4.

            Examples:
              kring report --year 2026
              kring report --from 2026-01-01 --to 2026-06-30 --format csv --language nl > half-year.csv
              kring report --year 2026 --format html --language fr > rapport-2026.html
            """)
    @Option(help: "First day, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day, YYYY-MM-DD.") var to: String?
    @Option(help: "A whole calendar year, instead of --from and --to.") var year: Int?
    @Option(help: "nl, fr or en (default: the default-language setting, else nl).") var language: String?
    @Option(help: "table (default), json, csv or html.") var format: ReportFormat = .table
    @OptionGroup var database: DatabaseOptions

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv, html
    }

    func run() throws {
        let report = try database.operations().report(
            ReportRequest(from: from, to: to, year: year, language: language))
        switch format {
        case .table: print(ReportTextRenderer().render(report), terminator: "")
        case .json: print(try report.json())
        case .csv: FileHandle.standardOutput.write(Data(ReportCSVRenderer().render(report).utf8))
        case .html: print(ReportHTMLRenderer().render(report), terminator: "")
        }
    }
}
