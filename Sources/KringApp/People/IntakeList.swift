import Foundation
import KringDomain

/// The intake list a coordinator keeps in a spreadsheet, read as CSV: a header naming the columns (`pseudonym`,
/// `relation`, `group`, and optionally `language` and `contact`, in any order), then one person and group per line.
/// UTF-8 with or without a byte order mark; comma or semicolon (Excel writes semicolons where the decimal mark is a
/// comma, as in Belgium), told apart by the header; fields may be quoted (`"…"`, `""` for a quote) and may then hold
/// the separator or a line break. Nothing here knows the database: `BulkEnrolment` checks the values.
public struct IntakeList: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        /// The line of the file the record starts on, counting from 1 (the header, or an Excel `sep=` line).
        public let number: Int
        public let pseudonym: String
        public let relation: String
        public let language: String
        public let contact: String
        public let group: String
    }

    public let lines: [Line]
    public let separator: Character

    public static let requiredColumns = ["pseudonym", "relation", "group"]
    public static let optionalColumns = ["language", "contact"]
    /// The most lines one list may hold; a bigger programme is several lists.
    public static let maximumLines = 5000

    public static func parse(_ data: Data) throws(KringError) -> IntakeList {
        guard var text = String(data: data, encoding: .utf8) else {
            throw .invalid(
                "file", "", "is not UTF-8 text; in Excel save it as \"CSV UTF-8\", in LibreOffice choose UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var headerLine = text.prefix { !$0.isNewline }
        var separator: Character =
            headerLine.filter { $0 == ";" }.count > headerLine.filter { $0 == "," }.count ? ";" : ","
        // Excel may start a file with `sep=;` to say its separator; that line names no column.
        var skippedLines = 0
        if headerLine.lowercased().hasPrefix("sep="), headerLine.count == 5, let named = headerLine.last {
            separator = named
            text = String(text.drop { !$0.isNewline }.dropFirst())
            headerLine = text.prefix { !$0.isNewline }
            skippedLines = 1
        }
        let records = try Self.records(text, separator: separator).map {
            (line: $0.line + skippedLines, fields: $0.fields)
        }
        guard let header = records.first else {
            throw .invalid("file", "", "is empty; the first line names the columns: pseudonym, relation, group, …")
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let known = requiredColumns + optionalColumns
        for (index, column) in columns.enumerated() {
            guard known.contains(column) else {
                throw .invalid(
                    "line \(header.line) column \(index + 1)", header.fields[index],
                    "is not a column of an intake list; the columns are \(known.joined(separator: ", "))")
            }
            if columns[..<index].contains(column) {
                throw .invalid("line \(header.line) column \(index + 1)", header.fields[index], "names a column twice")
            }
        }
        for column in requiredColumns where !columns.contains(column) {
            throw .invalid(
                "line \(header.line)", String(headerLine),
                "has no column '\(column)'; an intake list needs "
                    + requiredColumns.joined(separator: ", "))
        }
        var lines: [Line] = []
        for record in records.dropFirst() {
            let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.allSatisfy(\.isEmpty) { continue }
            guard fields.count == columns.count else {
                throw .invalid(
                    "line \(record.line)", fields.joined(separator: String(separator)),
                    "has \(fields.count) fields; the header has \(columns.count) (separator '\(separator)')")
            }
            func value(_ column: String) -> String { columns.firstIndex(of: column).map { fields[$0] } ?? "" }
            lines.append(
                Line(
                    number: record.line, pseudonym: value("pseudonym"), relation: value("relation"),
                    language: value("language"), contact: value("contact"), group: value("group")))
            guard lines.count <= maximumLines else {
                throw .invalid("file", "", "has more than \(maximumLines) lines; split it into several lists")
            }
        }
        guard !lines.isEmpty else { throw .invalid("file", "", "has a header but no line to enrol") }
        return IntakeList(lines: lines, separator: separator)
    }

    /// Records with the line each starts on; quotes may span lines. An unclosed quote is refused naming its line.
    private static func records(_ text: String, separator: Character) throws(KringError)
        -> [(line: Int, fields: [String])]
    {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var quoteClosed = false
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var characters = Array(text)
        if characters.last != "\n" { characters.append("\n") }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            if quoted {
                if character == "\"" {
                    if index < characters.count, characters[index] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                        quoteClosed = true
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.allSatisfy(\.isWhitespace) && !quoteClosed:
                field = ""
                quoted = true
                quoteLine = line
            case separator:
                fields.append(field)
                field = ""
                quoteClosed = false
            case "\n", "\r\n", "\r":
                fields.append(field)
                records.append((recordLine, fields))
                fields = []
                field = ""
                quoteClosed = false
                line += 1
                recordLine = line
            default:
                if quoteClosed, !character.isWhitespace {
                    throw .invalid(
                        "line \(line)", String(character),
                        "follows a closing quote; inside a quoted field write a quote as \"\"")
                }
                field.append(character)
            }
        }
        if quoted { throw .invalid("line \(quoteLine)", "\"", "opens a quote that is never closed") }
        return records
    }
}
