import Foundation

/// Small-count suppression of one table of counts (privacy rule 14). Primary: every cell under the threshold is
/// hidden. Complementary: more cells, then totals, are hidden until no hidden cell can be worked out from the visible
/// cells and totals (a row or column sum, or any combination of them: checked by linear algebra, not by a rule of
/// thumb).
public struct SmallCountSuppression: Sendable {
    public let threshold: Int

    public init(threshold: Int) {
        self.threshold = threshold
    }

    /// The entries of `grid` (cells and totals) to hide; `forced` are hidden whatever their value (a total another
    /// table hides too).
    public func suppress(_ grid: TotalledGrid, alsoHide forced: Set<GridPosition> = []) -> Set<GridPosition> {
        var hidden = Set(grid.positions.filter { grid.value(at: $0) < threshold }).union(forced)
        while true {
            let equations = grid.equations
            // Every equation (a sum and its parts) with exactly one hidden entry gives it away: hide another.
            var changed = false
            for equation in equations {
                let entries = equation.parts + [equation.sum]
                let hiddenEntries = entries.filter { hidden.contains($0) }
                if hiddenEntries.count == 1 {
                    let candidates = equation.parts.filter { !hidden.contains($0) }
                        .sorted { (grid.value(at: $0), $0) < (grid.value(at: $1), $1) }
                    hidden.insert(candidates.first ?? equation.sum)
                    changed = true
                    break
                }
            }
            if changed { continue }
            // Combinations of equations can still pin a cell down; hide the totals around the first such cell.
            guard let exposed = DisclosureCheck(grid: grid, hidden: hidden).determinedCells().sorted().first else {
                return hidden
            }
            let around = equations.filter { $0.parts.contains(exposed) || $0.sum == exposed }
                .map(\.sum).filter { !hidden.contains($0) }
            if let next = around.first {
                hidden.insert(next)
            } else if let any = grid.totalPositions.first(where: { !hidden.contains($0) }) {
                hidden.insert(any)
            } else {
                return hidden
            }
        }
    }
}

/// A cell of a `TotalledGrid`: `row == rows` is the total row, `column == columns` the total column.
public struct GridPosition: Hashable, Sendable, Comparable {
    public let row: Int
    public let column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    public static func < (left: GridPosition, right: GridPosition) -> Bool {
        (left.row, left.column) < (right.row, right.column)
    }
}

/// Counts with their row, column and grand totals, as the report shows them.
public struct TotalledGrid: Sendable {
    public let body: [[Int]]
    public let rowTotals: Bool
    public let columnTotals: Bool

    /// `rowTotals`: a last column with each row's sum; `columnTotals`: a last row with each column's sum (and the
    /// grand total when both).
    public init(body: [[Int]], rowTotals: Bool, columnTotals: Bool) {
        self.body = body
        self.rowTotals = rowTotals
        self.columnTotals = columnTotals
    }

    public var rows: Int { body.count }
    public var columns: Int { body.first?.count ?? 0 }
    /// Row totals are shown only for more than one column (with one, the row is its own total).
    public var hasRowTotals: Bool { rowTotals && columns > 1 }
    public var hasColumnTotals: Bool { columnTotals }

    public func value(at position: GridPosition) -> Int {
        let rowRange = position.row < rows ? position.row..<position.row + 1 : 0..<rows
        let columnRange = position.column < columns ? position.column..<position.column + 1 : 0..<columns
        return rowRange.reduce(0) { sum, row in sum + columnRange.reduce(0) { $0 + body[row][$1] } }
    }

    /// Every shown cell: the body, then the totals.
    public var positions: [GridPosition] {
        var all: [GridPosition] = []
        for row in 0..<rows { for column in 0..<columns { all.append(GridPosition(row: row, column: column)) } }
        return all + totalPositions
    }

    public var totalPositions: [GridPosition] {
        var all: [GridPosition] = []
        if hasRowTotals { for row in 0..<rows { all.append(GridPosition(row: row, column: columns)) } }
        if hasColumnTotals {
            let last = hasRowTotals ? columns : columns - 1
            if columns > 0 { for column in 0...last { all.append(GridPosition(row: rows, column: column)) } }
        }
        return all
    }

    /// What a reader knows besides the cells: each total is the sum of its parts.
    public var equations: [GridEquation] {
        guard rows > 0, columns > 0 else { return [] }
        var list: [GridEquation] = []
        if hasRowTotals {
            for row in 0..<rows {
                list.append(
                    GridEquation(
                        sum: GridPosition(row: row, column: columns),
                        parts: (0..<columns).map { GridPosition(row: row, column: $0) }))
            }
        }
        if hasColumnTotals {
            for column in 0..<columns {
                list.append(
                    GridEquation(
                        sum: GridPosition(row: rows, column: column),
                        parts: (0..<rows).map { GridPosition(row: $0, column: column) }))
            }
            if hasRowTotals {
                list.append(
                    GridEquation(
                        sum: GridPosition(row: rows, column: columns),
                        parts: (0..<columns).map { GridPosition(row: rows, column: $0) }))
                list.append(
                    GridEquation(
                        sum: GridPosition(row: rows, column: columns),
                        parts: (0..<rows).map { GridPosition(row: $0, column: columns) }))
            }
        }
        return list
    }
}

/// One known sum: the entry `sum` equals the sum of `parts`.
public struct GridEquation: Sendable {
    public let sum: GridPosition
    public let parts: [GridPosition]
}

/// Which hidden entries the visible ones and the sums determine: an unknown is determined exactly when its unit
/// vector lies in the row space of the equations over the unknowns (Gaussian elimination over the rationals).
struct DisclosureCheck {
    let grid: TotalledGrid
    let hidden: Set<GridPosition>

    func determinedCells() -> [GridPosition] {
        let unknowns = hidden.sorted()
        let index = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })
        var matrix: [[Double]] = grid.equations.compactMap { equation in
            var row = [Double](repeating: 0, count: unknowns.count)
            var touches = false
            if let at = index[equation.sum] {
                row[at] -= 1
                touches = true
            }
            for part in equation.parts {
                if let at = index[part] {
                    row[at] += 1
                    touches = true
                }
            }
            return touches ? row : nil
        }
        let rank = Self.rank(&matrix)
        return unknowns.enumerated().compactMap { offset, position in
            var withUnit = matrix
            var unit = [Double](repeating: 0, count: unknowns.count)
            unit[offset] = 1
            withUnit.append(unit)
            return Self.rank(&withUnit) == rank ? position : nil
        }
    }

    static func rank(_ matrix: inout [[Double]]) -> Int {
        guard let width = matrix.first?.count else { return 0 }
        var rank = 0
        for column in 0..<width where rank < matrix.count {
            guard let pivot = (rank..<matrix.count).max(by: { abs(matrix[$0][column]) < abs(matrix[$1][column]) }),
                abs(matrix[pivot][column]) > 1e-9
            else { continue }
            matrix.swapAt(rank, pivot)
            for other in 0..<matrix.count where other != rank {
                let factor = matrix[other][column] / matrix[rank][column]
                if factor != 0 { for k in 0..<width { matrix[other][k] -= factor * matrix[rank][k] } }
            }
            rank += 1
        }
        return rank
    }
}

extension SmallCountSuppression {
    /// Suppression for tables that show the same totals row (the same people split three ways): a total hidden in
    /// one is hidden in all, or the others would give it back. Returns the hidden entries of each table, in order.
    public func suppressLinked(_ grids: [TotalledGrid]) -> [Set<GridPosition>] {
        var hiddenTotalColumns = Set<Int>()
        while true {
            let hidden = grids.map { grid in
                suppress(
                    grid, alsoHide: Set(hiddenTotalColumns.map { GridPosition(row: grid.rows, column: $0) }))
            }
            var columns = hiddenTotalColumns
            for (grid, entries) in zip(grids, hidden) {
                for entry in entries where entry.row == grid.rows { columns.insert(entry.column) }
            }
            if columns == hiddenTotalColumns { return hidden }
            hiddenTotalColumns = columns
        }
    }
}
