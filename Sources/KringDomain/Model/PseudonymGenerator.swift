import Foundation

/// Makes readable pseudonyms in a participant's language ("Stille Eik", "Chêne Calme"), unique among those taken.
public struct PseudonymGenerator: Sendable {
    public init() {}

    /// Draws adjective–noun pairs until one is free, then falls back to adding a number; never returns a taken name.
    public func make<Failure: Error>(
        language: Language,
        using generator: inout some RandomNumberGenerator,
        isTaken: (String) throws(Failure) -> Bool
    ) throws(Failure) -> String {
        let words = Self.words[language] ?? Self.words[.nl]!
        for _ in 0..<40 {
            let candidate = Self.compose(
                adjective: words.adjectives.randomElement(using: &generator)!,
                noun: words.nouns.randomElement(using: &generator)!,
                language: language
            )
            if try !isTaken(candidate) { return candidate }
        }
        while true {
            let base = Self.compose(
                adjective: words.adjectives.randomElement(using: &generator)!,
                noun: words.nouns.randomElement(using: &generator)!,
                language: language
            )
            let candidate = "\(base) \(Int.random(in: 2...99, using: &generator))"
            if try !isTaken(candidate) { return candidate }
        }
    }

    static func compose(adjective: String, noun: String, language: Language) -> String {
        switch language {
        case .fr: "\(noun) \(adjective)"
        default: "\(adjective) \(noun)"
        }
    }

    // Nature words only: calm, neutral, and revealing nothing about the person or the subject.
    static let words: [Language: (adjectives: [String], nouns: [String])] = [
        .nl: (
            [
                "Stille", "Blauwe", "Groene", "Zachte", "Heldere", "Warme", "Rustige", "Lichte", "Verre", "Jonge",
                "Gouden", "Zilveren", "Frisse", "Vrije", "Open", "Late",
            ],
            [
                "Eik", "Beuk", "Reiger", "Duin", "Linde", "Meeuw", "Kreek", "Heide", "Wilg", "Zwaluw", "Polder",
                "Berk", "Lijster", "Vallei", "Schelp", "Ster",
            ]
        ),
        .fr: (
            [
                "Calme", "Bleu", "Vert", "Doux", "Clair", "Serein", "Léger", "Lointain", "Doré", "Argenté", "Libre",
                "Paisible", "Frais", "Tendre", "Vif", "Discret",
            ],
            [
                "Chêne", "Hêtre", "Héron", "Tilleul", "Saule", "Bouleau", "Ruisseau", "Nuage", "Rocher", "Sentier",
                "Vallon", "Merle", "Galet", "Phare", "Jardin", "Cèdre",
            ]
        ),
        .en: (
            [
                "Quiet", "Blue", "Green", "Gentle", "Bright", "Warm", "Calm", "Light", "Distant", "Golden", "Silver",
                "Fresh", "Free", "Open", "Still", "Clear",
            ],
            [
                "Oak", "Beech", "Heron", "Dune", "Linden", "Gull", "Creek", "Heath", "Willow", "Swallow", "Meadow",
                "Birch", "Thrush", "Valley", "Shell", "Star",
            ]
        ),
        .de: (
            [
                "Stille", "Blaue", "Grüne", "Sanfte", "Helle", "Warme", "Ruhige", "Leichte", "Ferne", "Goldene",
                "Silberne", "Frische", "Freie", "Offene", "Klare", "Junge",
            ],
            [
                "Eiche", "Buche", "Linde", "Weide", "Birke", "Düne", "Heide", "Quelle", "Lerche", "Möwe", "Wiese",
                "Schwalbe", "Tanne", "Welle", "Muschel", "Feder",
            ]
        ),
    ]
}
