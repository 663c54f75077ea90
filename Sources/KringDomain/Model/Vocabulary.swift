import Foundation

/// The languages a group, participant or facilitator can use.
public enum Language: String, Sendable, Codable, CaseIterable {
    case nl, fr, en, de

    /// What calendars show for a group that has no public title: neutral, names no audience or subject.
    public var neutralGroupTitle: String {
        switch self {
        case .nl: "Gespreksgroep"
        case .fr: "Groupe de parole"
        case .en: "Conversation group"
        case .de: "Gesprächsgruppe"
        }
    }

    public static func parse(_ text: String, field: String) throws(KringError) -> Language {
        try parseChoice(text, field: field)
    }

    /// A comma-separated list such as `nl,fr`, without duplicates.
    public static func parseList(_ text: String, field: String) throws(KringError) -> [Language] {
        try parseChoiceList(text, field: field)
    }
}

/// Whom a group is for: the relatives' relation to the person of concern.
public enum Audience: String, Sendable, Codable, CaseIterable {
    case partners, parents, family, friends, mixed

    public static func parse(_ text: String, field: String) throws(KringError) -> Audience {
        try parseChoice(text, field: field)
    }

    public static func parseList(_ text: String, field: String) throws(KringError) -> [Audience] {
        try parseChoiceList(text, field: field)
    }
}

/// A participant's relation to the person of concern; kept for aggregate reporting only.
public enum Relation: String, Sendable, Codable, CaseIterable {
    case partner, parent, child, sibling
    case otherFamily = "other-family"
    case friend, other

    public static func parse(_ text: String, field: String) throws(KringError) -> Relation {
        try parseChoice(text, field: field)
    }
}

/// Parses one of an enum's raw values, naming every accepted value when the text is not one of them.
public func parseChoice<Choice: RawRepresentable & CaseIterable>(
    _ text: String,
    field: String
) throws(KringError) -> Choice where Choice.RawValue == String {
    let normalised = text.trimmingWhitespace().lowercased()
    if let choice = Choice(rawValue: normalised) { return choice }
    let accepted = Choice.allCases.map(\.rawValue).joined(separator: ", ")
    throw .invalid(field, text, "must be one of \(accepted)")
}

public func parseChoiceList<Choice: RawRepresentable & CaseIterable & Equatable>(
    _ text: String,
    field: String
) throws(KringError) -> [Choice] where Choice.RawValue == String {
    var choices: [Choice] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let choice: Choice = try parseChoice(String(part), field: field)
        if choices.contains(choice) { throw .invalid(field, text, "lists '\(part)' twice") }
        choices.append(choice)
    }
    return choices
}
