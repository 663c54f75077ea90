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

    /// A pseudonym that differs clearly from every one in `existing`, so a coordinator cannot mistake one person for
    /// another (`--erase` on the wrong one): it shares no word with any of them (case and accents folded) and is at
    /// least `minimumDistance` edits away from each. The group's language is tried first, then every language's
    /// words. Once the vocabulary is used up, a name gets a number: three digits, then six, which always leaves a
    /// name `minimumDistance` away, so a national programme of any size gets one (the numbered search used to run
    /// out of three-digit names after a few hundred people and never return).
    public func makeDistinct(
        language: Language, using generator: inout some RandomNumberGenerator, existing: [String]
    ) -> String {
        let folded = existing.map(Self.fold)
        let usedWords = Set(folded.flatMap { $0.split(separator: " ").map(String.init) })
        func farEnough(_ candidate: String) -> Bool {
            let mine = Array(Self.fold(candidate))
            return folded.allSatisfy { Self.atLeast(Self.minimumDistance, editsBetween: mine, Array($0)) }
        }
        func fresh(_ candidate: String) -> Bool {
            let words = Self.fold(candidate).split(separator: " ").map(String.init)
            return usedWords.isDisjoint(with: words) && farEnough(candidate)
        }
        let own = Self.words[language] ?? Self.words[.nl]!
        let every = Self.words.values.reduce(([], [])) { ($0.0 + $1.adjectives, $0.1 + $1.nouns) }
        for pool in [own, every] {
            for _ in 0..<200 {
                let candidate = Self.compose(
                    adjective: pool.0.randomElement(using: &generator)!, noun: pool.1.randomElement(using: &generator)!,
                    language: language)
                if fresh(candidate) { return candidate }
            }
        }
        var attempts = 0
        while true {
            let pool = attempts < 100 ? own : every
            let numbers = attempts < 200 ? 100...999 : 100_000...999_999
            let candidate =
                Self.compose(
                    adjective: pool.0.randomElement(using: &generator)!,
                    noun: pool.1.randomElement(using: &generator)!, language: language)
                + " \(Int.random(in: numbers, using: &generator))"
            if farEnough(candidate) { return candidate }
            attempts += 1
        }
    }

    /// Whether two names are at least `minimum` edits apart; names whose lengths differ that much are, without
    /// counting.
    static func atLeast(_ minimum: Int, editsBetween left: [Character], _ right: [Character]) -> Bool {
        if abs(left.count - right.count) >= minimum { return true }
        return editDistance(left, right) >= minimum
    }

    /// Generated names differ from every existing one by at least this many edits.
    public static let minimumDistance = 4

    /// Lower case without accents: how names are compared and looked up.
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Levenshtein distance over characters.
    public static func editDistance(_ left: String, _ right: String) -> Int {
        editDistance(Array(left), Array(right))
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
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
