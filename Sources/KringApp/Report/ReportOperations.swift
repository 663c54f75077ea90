import Foundation
import KringDomain
import KringReport
import KringStorage

/// What `kring report` and `GET /api/report` ask for: a period (from and to, or a year) and a language.
public struct ReportRequest: Sendable, Codable, Equatable {
    public var from: String?
    public var to: String?
    public var year: Int?
    public var language: String?

    public init(from: String? = nil, to: String? = nil, year: Int? = nil, language: String? = nil) {
        self.from = from
        self.to = to
        self.year = year
        self.language = language
    }
}

/// The report's settings: the threshold under which counts about people are hidden.
public enum ReportSettings {
    /// Privacy rule 14's default, which is also the least a coordinator may set.
    public static let defaultThreshold = 5
    public static let thresholdRange = 5...100
}

extension Kring {
    /// `kring report`: the period's numbers from the anonymous counters, suppressed; see `docs/report.md`.
    public func report(_ request: ReportRequest) throws(KringError) -> AnnualReport {
        try read { (operation) throws(KringError) in try operation.report(request) }
    }
}

extension KringTransaction {
    func report(_ request: ReportRequest) throws(KringError) -> AnnualReport {
        let (from, to) = try Self.period(of: request)
        let language: ReportLanguage
        if let text = request.language {
            guard let chosen = ReportLanguage(rawValue: text.lowercased()) else {
                throw .invalid("language", text, "must be nl, fr or en")
            }
            language = chosen
        } else {
            language = try transaction.setting("default-language").flatMap(ReportLanguage.init(rawValue:)) ?? .nl
        }
        let threshold =
            try transaction.setting(Kring.reportThresholdKey).flatMap { Int($0) } ?? ReportSettings.defaultThreshold
        let counters = try transaction.reportCounters(through: to.description)
        let groups = try transaction.allGroups()
        return ReportBuilder(
            from: from.description, to: to.description, language: language,
            threshold: max(threshold, ReportSettings.defaultThreshold), counters: counters, groups: groups
        ).build()
    }

    /// The first and last day: `--year`, or `--from` and `--to` (both needed, from not after to).
    static func period(of request: ReportRequest) throws(KringError) -> (LocalDate, LocalDate) {
        if let year = request.year {
            if request.from != nil || request.to != nil {
                throw .invalid("year", String(year), "give either --year or --from and --to, not both")
            }
            guard (2000...2100).contains(year), let first = LocalDate(year: year, month: 1, day: 1),
                let last = LocalDate(year: year, month: 12, day: 31)
            else { throw .invalid("year", String(year), "must be a year from 2000 to 2100") }
            return (first, last)
        }
        guard let fromText = request.from else {
            throw .invalid("from", "", "give --year Y, or --from YYYY-MM-DD and --to YYYY-MM-DD")
        }
        guard let toText = request.to else {
            throw .invalid("to", "", "give --to YYYY-MM-DD with --from")
        }
        let from = try LocalDate.parse(fromText, field: "from")
        let to = try LocalDate.parse(toText, field: "to")
        guard from <= to else { throw .invalid("to", toText, "is before --from \(fromText)") }
        return (from, to)
    }
}
