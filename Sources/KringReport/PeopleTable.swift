import Foundation

/// Counts about people laid out as a report table with totals, after small-count suppression.
public struct PeopleTable: Sendable {
    public var id: String
    public var title: String
    public var rowHeading: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var body: [[Int]]
    public var rowTotals: Bool
    public var columnTotals: Bool
    public var chart: ReportChart

    public init(
        id: String, title: String, rowHeading: String, rowLabels: [String], columnLabels: [String], body: [[Int]],
        rowTotals: Bool, columnTotals: Bool, chart: ReportChart
    ) {
        self.id = id
        self.title = title
        self.rowHeading = rowHeading
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.body = body
        self.rowTotals = rowTotals
        self.columnTotals = columnTotals
        self.chart = chart
    }

    public var grid: TotalledGrid { TotalledGrid(body: body, rowTotals: rowTotals, columnTotals: columnTotals) }

    /// The table as shown: `hidden` entries (from `SmallCountSuppression.suppress`) become "<threshold".
    public func shown(hiding hidden: Set<GridPosition>, totalLabel: String) -> ReportTable {
        let grid = self.grid
        let lastColumn = grid.hasRowTotals ? grid.columns : grid.columns - 1
        func value(_ row: Int, _ column: Int) -> ReportValue {
            let position = GridPosition(row: row, column: column)
            return hidden.contains(position) ? .suppressed : .people(grid.value(at: position))
        }
        let lastRow = grid.hasColumnTotals ? grid.rows : grid.rows - 1
        var rows: [ReportRow] = []
        if lastRow >= 0 {
            for row in 0...lastRow {
                let label = row < grid.rows ? rowLabels[row] : totalLabel
                rows.append(
                    ReportRow(label: label, values: lastColumn >= 0 ? (0...lastColumn).map { value(row, $0) } : []))
            }
        }
        return ReportTable(
            id: id, title: title, rowHeading: rowHeading,
            columns: columnLabels + (grid.hasRowTotals ? [totalLabel] : []), rows: rows,
            totals: grid.hasColumnTotals, chart: chart)
    }
}
