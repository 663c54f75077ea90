import Foundation
import KringDomain
import Yams

/// Every key a scenario file may use, where: a misspelled key (`venu`, `skip_holiday`, `contakt`) used to be ignored
/// and the import answered success with the venue empty, a holiday kept and an address dropped. Now any key not
/// known at its place refuses the whole file, naming the key, where it is, and the nearest known key.
enum ScenarioKeys {
    indirect enum Shape: Sendable {
        case object([String: Shape])
        case list(Shape)
        case value
    }

    static let facilitator: Shape = .object([
        "name": .value, "languages": .value, "lead": .value, "audiences": .value, "max_per_month": .value,
        // The planning part (ScenarioPlanning) shares the facilitator entries.
        "availability": .value, "max_per_week": .value, "timezone": .value,
        "blockouts": .list(.object(["from": .value, "to": .value])), "exclude_groups": .value,
        "exclude_participants": .value, "prefer_groups": .value, "prefer_days": .value,
    ])

    static let series: Shape = .object([
        "start": .value, "duration": .value, "rrule": .value, "exdates": .value, "skip_holidays": .value,
        "on_holiday": .value,
    ])

    static let participant: Shape = .object([
        "pseudonym": .value, "participant": .value, "relation": .value, "language": .value, "contact": .value,
    ])

    static let group: Shape = .object([
        "name": .value, "title": .value, "audience": .value, "language": .value, "capacity": .value,
        "minimum": .value, "facilitators": .value, "venue": .value, "online": .value, "timezone": .value,
        "state": .value, "series": .list(series), "participants": .list(participant),
        "attendance": .list(.object(["session": .value, "participant": .value, "status": .value])),
    ])

    static let file: Shape = .object([
        "facilitators": .list(facilitator), "groups": .list(group), "keep_apart": .value,
        "assignment": .object(["travel_buffer": .value]),
    ])

    /// Refuses the first unknown key of the file's tree (YAML or JSON).
    static func check(_ text: String, file: String) throws(KringError) {
        let tree: Any?
        do { tree = try Yams.load(yaml: text) } catch { return }  // the decoders report malformed files
        guard let tree else { return }
        try check(tree, against: Self.file, path: "", file: file)
    }

    private static func check(_ node: Any, against shape: Shape, path: String, file: String) throws(KringError) {
        switch shape {
        case .value:
            return
        case .list(let element):
            guard let items = node as? [Any] else { return }
            for (index, item) in items.enumerated() {
                try check(item, against: element, path: "\(path)[\(index)]", file: file)
            }
        case .object(let fields):
            guard let object = node as? [String: Any] else { return }
            for key in object.keys.sorted() {
                let here = path.isEmpty ? key : "\(path).\(key)"
                guard let field = fields[key] else {
                    let nearest = fields.keys.min { distance(key, $0) < distance(key, $1) }
                    let hint = nearest.map { "; did you mean '\($0)'?" } ?? ""
                    throw .invalid("file", file, "unknown key '\(key)' at \(here)\(hint) Nothing was imported.")
                }
                try check(object[key]!, against: field, path: here, file: file)
            }
        }
    }

    /// Levenshtein distance, for the nearest-key hint.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
