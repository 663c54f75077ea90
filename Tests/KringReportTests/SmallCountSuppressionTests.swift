import Foundation
import Testing

@testable import KringReport

/// Suppression holds on random small tables: no shown count is under the threshold, and no hidden entry can be
/// worked out from the shown ones and the sums (checked by solving the equations with exact fractions, apart from
/// the implementation's own check).
@Suite struct SmallCountSuppressionTests {
    @Test func noHiddenCellCanBeSolvedForOnRandomTables() {
        var generator = SeededGenerator(seed: 20_261_130)
        for _ in 0..<400 {
            let rows = Int.random(in: 1...5, using: &generator)
            let columns = Int.random(in: 1...4, using: &generator)
            let body = (0..<rows).map { _ in
                (0..<columns).map { _ in
                    Bool.random(using: &generator)
                        ? Int.random(in: 0...4, using: &generator)
                        : Int.random(in: 5...40, using: &generator)
                }
            }
            let threshold = [5, 5, 7][Int.random(in: 0...2, using: &generator)]
            let grid = TotalledGrid(
                body: body, rowTotals: Bool.random(using: &generator), columnTotals: Bool.random(using: &generator))
            let hidden = SmallCountSuppression(threshold: threshold).suppress(grid)
            for position in grid.positions where !hidden.contains(position) {
                #expect(grid.value(at: position) >= threshold, "\(body) shows \(position)")
            }
            for position in hidden {
                #expect(!ExactSolver(grid: grid, hidden: hidden).determines(position), "\(body): \(position) solvable")
            }
        }
    }

    @Test func aSingleSmallCellInARowWithATotalTakesAnotherWithIt() {
        let grid = TotalledGrid(body: [[3, 20, 30], [10, 12, 14]], rowTotals: true, columnTotals: true)
        let hidden = SmallCountSuppression(threshold: 5).suppress(grid)
        #expect(hidden.contains(GridPosition(row: 0, column: 0)))
        // Row 0 total minus the visible cells would give 3 back, so a second cell of row 0 is hidden too.
        #expect(hidden.filter { $0.row == 0 && $0.column < 3 }.count >= 2)
        #expect(hidden.filter { $0.column == 0 && $0.row < 2 }.count >= 2)
    }

    @Test func linkedTablesHideTheSameTotals() {
        let first = TotalledGrid(body: [[2, 9], [9, 9]], rowTotals: true, columnTotals: true)
        let second = TotalledGrid(body: [[11, 18]], rowTotals: true, columnTotals: true)
        let hidden = SmallCountSuppression(threshold: 5).suppressLinked([first, second])
        let totalsFirst = Set(hidden[0].filter { $0.row == first.rows }.map(\.column))
        let totalsSecond = Set(hidden[1].filter { $0.row == second.rows }.map(\.column))
        #expect(totalsFirst == totalsSecond)
        for (grid, entries) in zip([first, second], hidden) {
            for position in entries { #expect(!ExactSolver(grid: grid, hidden: entries).determines(position)) }
        }
    }

    @Test func everyRendererShowsAHiddenCellAsLessThanTheThreshold() throws {
        let table = PeopleTable(
            id: "participants-by-relation", title: "Participants", rowHeading: "Relation",
            rowLabels: ["Partner", "Parent"], columnLabels: ["New", "Continuing"], body: [[3, 20], [10, 7]],
            rowTotals: true, columnTotals: true, chart: .bars)
        let hidden = SmallCountSuppression(threshold: 5).suppress(table.grid)
        let report = AnnualReport(
            from: "2026-01-01", to: "2026-12-31", language: .nl, threshold: 5,
            figures: [ReportFigure(id: "waitlist-size", label: "Wachtlijst", value: .suppressed)],
            tables: [table.shown(hiding: hidden, totalLabel: "Totaal")])
        let json = try report.json()
        let decoded = try JSONDecoder().decode(AnnualReport.self, from: Data(json.utf8))
        for row in decoded.tables[0].rows {
            for value in row.values {
                if case .people(let count) = value { #expect(count >= 5) }
            }
        }
        #expect(json.contains("\"<5\""))
        #expect(!json.contains(": 3"))
        let csv = ReportCSVRenderer().render(report)
        #expect(csv.hasPrefix("\u{FEFF}"))
        #expect(csv.contains("Partner;<5;"))
        #expect(ReportTextRenderer().render(report).contains("<5"))
        let html = ReportHTMLRenderer().render(report)
        #expect(html.contains("&lt;5"))
        #expect(!html.contains("<script"))
    }

    @Test func numbersAreWrittenInTheReportLanguage() {
        #expect(ReportNumbers(language: .nl, threshold: 5).text(.quantity(1234.5)) == "1.234,5")
        #expect(ReportNumbers(language: .fr, threshold: 5).text(.quantity(1234.5)) == "1\u{202F}234,5")
        #expect(ReportNumbers(language: .en, threshold: 5).text(.quantity(1234.5)) == "1,234.5")
        #expect(ReportNumbers(language: .en, threshold: 7).text(.suppressed) == "<7")
    }

    @Test func csvFieldsCannotRunAsFormulas() {
        #expect(ReportCSVRenderer.field("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(ReportCSVRenderer.field("a;b") == "\"a;b\"")
    }
}

/// Decides with exact fractions whether the sums a reader knows pin a hidden entry down: it does exactly when the
/// entry's unit vector is a combination of the equations restricted to the hidden entries.
struct ExactSolver {
    let grid: TotalledGrid
    let hidden: Set<GridPosition>

    func determines(_ target: GridPosition) -> Bool {
        let unknowns = hidden.sorted()
        var rows: [[Fraction]] = []
        for equation in grid.equations {
            var row = unknowns.map { _ in Fraction(0) }
            for (index, unknown) in unknowns.enumerated() {
                if unknown == equation.sum { row[index] = row[index] - Fraction(1) }
                if equation.parts.contains(unknown) { row[index] = row[index] + Fraction(1) }
            }
            if row.contains(where: { $0.numerator != 0 }) { rows.append(row) }
        }
        let unit = unknowns.map { Fraction($0 == target ? 1 : 0) }
        return Self.rank(rows + [unit]) == Self.rank(rows)
    }

    static func rank(_ input: [[Fraction]]) -> Int {
        var matrix = input
        guard let width = matrix.first?.count else { return 0 }
        var rank = 0
        for column in 0..<width {
            guard let pivot = (rank..<matrix.count).first(where: { matrix[$0][column].numerator != 0 }) else {
                continue
            }
            matrix.swapAt(rank, pivot)
            for other in 0..<matrix.count where other != rank && matrix[other][column].numerator != 0 {
                let factor = matrix[other][column] / matrix[rank][column]
                for k in 0..<width { matrix[other][k] = matrix[other][k] - factor * matrix[rank][k] }
            }
            rank += 1
            if rank == matrix.count { break }
        }
        return rank
    }
}

struct Fraction {
    let numerator: Int
    let denominator: Int

    init(_ value: Int) { (numerator, denominator) = (value, 1) }

    init(_ numerator: Int, _ denominator: Int) {
        let divisor = max(Self.gcd(abs(numerator), abs(denominator)), 1)
        let sign = denominator < 0 ? -1 : 1
        self.numerator = sign * numerator / divisor
        self.denominator = sign * denominator / divisor
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
    static func + (l: Fraction, r: Fraction) -> Fraction {
        Fraction(l.numerator * r.denominator + r.numerator * l.denominator, l.denominator * r.denominator)
    }
    static func - (l: Fraction, r: Fraction) -> Fraction {
        Fraction(l.numerator * r.denominator - r.numerator * l.denominator, l.denominator * r.denominator)
    }
    static func * (l: Fraction, r: Fraction) -> Fraction {
        Fraction(l.numerator * r.numerator, l.denominator * r.denominator)
    }
    static func / (l: Fraction, r: Fraction) -> Fraction {
        Fraction(l.numerator * r.denominator, l.denominator * r.numerator)
    }
}

/// A small deterministic generator (SplitMix64), so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_85B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
