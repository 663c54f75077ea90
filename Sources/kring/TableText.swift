import Foundation

/// Plain aligned columns for terminals; wide enough for the widest cell, no colours, no borders.
struct TableText {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    var rendered: String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        let ruler = widths.map { String(repeating: "-", count: $0) }
        return ([line(headers), line(ruler)] + rows.map(line)).joined(separator: "\n")
    }
}

/// "2027-01-12T19:00:00+01:00" shown as "2027-01-12 19:00 (+01:00)".
func readable(_ iso: String) -> String {
    guard iso.count >= 25 else { return iso }
    let chars = Array(iso)
    return String(chars[0..<10]) + " " + String(chars[11..<16]) + " (" + String(chars[19...]) + ")"
}
