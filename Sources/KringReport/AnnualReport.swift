import Foundation

/// The annual report as figures and tables, already suppressed: what every renderer (table, JSON, CSV, HTML) shows.
/// It knows no SQL, no HTML and no person; `KringApp` builds it from the anonymous counters.
public struct AnnualReport: Codable, Sendable, Equatable {
    /// The first and last day covered, `YYYY-MM-DD`, both included.
    public var from: String
    public var to: String
    /// The language of the labels and of the numbers (`nl`, `fr` or `en`).
    public var language: ReportLanguage
    /// Counts about people under this are shown as "<threshold".
    public var threshold: Int
    public var figures: [ReportFigure]
    public var tables: [ReportTable]

    public init(
        from: String, to: String, language: ReportLanguage, threshold: Int, figures: [ReportFigure],
        tables: [ReportTable]
    ) {
        self.from = from
        self.to = to
        self.language = language
        self.threshold = threshold
        self.figures = figures
        self.tables = tables
    }
}

/// The languages a report can be written in.
public enum ReportLanguage: String, Codable, Sendable, CaseIterable {
    case nl, fr, en
}

/// One headline number of the report.
public struct ReportFigure: Codable, Sendable, Equatable {
    public var id: String
    public var label: String
    public var value: ReportValue

    public init(id: String, label: String, value: ReportValue) {
        self.id = id
        self.label = label
        self.value = value
    }
}

/// One cell. A count about people may be `suppressed`; a quantity (sessions, hours, a rate) is not about people.
public enum ReportValue: Codable, Sendable, Equatable {
    /// People (or what each stands for one person: an enrolment, a withdrawal, an invite).
    case people(Int)
    /// Anything else: sessions, hours, places offered, days, a percentage.
    case quantity(Double)
    /// A count about people under the threshold, or one hidden so another cannot be worked out.
    case suppressed
    /// Nothing to show (no attendance marked, no one waited).
    case none

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .none
        } else if let text = try? container.decode(String.self) {
            guard text.hasPrefix("<") else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a suppressed cell")
            }
            self = .suppressed
        } else if let whole = try? container.decode(Int.self) {
            self = .people(whole)
        } else {
            self = .quantity(try container.decode(Double.self))
        }
    }

    /// A suppressed cell is written as the string "<5" (with the report's threshold), so no reader takes it for 0.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .people(let count): try container.encode(count)
        case .quantity(let amount): try container.encode(amount)
        case .suppressed: try container.encode("<\(encoder.userInfo[ReportValue.thresholdKey] as? Int ?? 5)")
        case .none: try container.encodeNil()
        }
    }

    /// Where the JSON encoder finds the report's threshold for "<N".
    public static let thresholdKey = CodingUserInfoKey(rawValue: "report.threshold")!

    /// The number behind the cell for charts: 0 when suppressed or empty.
    public var chartAmount: Double {
        switch self {
        case .people(let count): Double(count)
        case .quantity(let amount): amount
        case .suppressed, .none: 0
        }
    }
}

/// A table of the report. When `totals` is set, the last row and (if there is more than one column) the last column
/// hold the sums of the others, and suppression keeps every hidden cell from being worked out from them.
public struct ReportTable: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var rowHeading: String
    public var columns: [String]
    public var rows: [ReportRow]
    public var totals: Bool
    /// How the HTML page draws it: bars per row (`bars`), one line per column over rows (`line`), or no chart.
    public var chart: ReportChart

    public init(
        id: String, title: String, rowHeading: String, columns: [String], rows: [ReportRow], totals: Bool,
        chart: ReportChart
    ) {
        self.id = id
        self.title = title
        self.rowHeading = rowHeading
        self.columns = columns
        self.rows = rows
        self.totals = totals
        self.chart = chart
    }
}

/// One row: its label and one value per column.
public struct ReportRow: Codable, Sendable, Equatable {
    public var label: String
    public var values: [ReportValue]

    public init(label: String, values: [ReportValue]) {
        self.label = label
        self.values = values
    }
}

/// The chart the HTML page draws for a table.
public enum ReportChart: String, Codable, Sendable {
    case bars, columns, none
}

extension AnnualReport {
    /// The report as JSON, suppressed cells as "<threshold".
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[ReportValue.thresholdKey] = threshold
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
