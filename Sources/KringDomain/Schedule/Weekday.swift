/// A day of the week, spelled as in RFC 5545 (`MO` … `SU`); weeks start on Monday as in Belgium.
public enum Weekday: String, Sendable, Codable, CaseIterable {
    case monday = "MO", tuesday = "TU", wednesday = "WE", thursday = "TH", friday = "FR", saturday = "SA", sunday = "SU"

    /// Position in a Monday-first week: Monday is 0, Sunday is 6.
    public var mondayBasedIndex: Int {
        switch self {
        case .monday: 0
        case .tuesday: 1
        case .wednesday: 2
        case .thursday: 3
        case .friday: 4
        case .saturday: 5
        case .sunday: 6
        }
    }

    /// The English name, for messages a coordinator reads ("Tuesday").
    public var name: String {
        switch self {
        case .monday: "Monday"
        case .tuesday: "Tuesday"
        case .wednesday: "Wednesday"
        case .thursday: "Thursday"
        case .friday: "Friday"
        case .saturday: "Saturday"
        case .sunday: "Sunday"
        }
    }

    init(mondayBasedIndex index: Int) {
        self = Weekday.allCases[((index % 7) + 7) % 7]
    }
}
