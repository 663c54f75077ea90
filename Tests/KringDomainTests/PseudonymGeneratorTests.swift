import Testing

@testable import KringDomain

/// Generated pseudonyms stay clearly apart from every name already known, also at a national programme's size.
@Suite struct PseudonymGeneratorTests {
    /// A seeded generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// 400 people in one language used to hang: once the words were used up, the three-digit numbered names ran
    /// out (two numbers on one base are at most three edits apart). Every name returned is at least the minimum
    /// distance from every earlier one, and the first ones share no word with each other.
    @Test func fourHundredNamesInOneLanguageAreAllClearlyApart() {
        var random = SplitMix(state: 2026)
        let generator = PseudonymGenerator()
        var names: [String] = []
        for _ in 0..<400 {
            names.append(generator.makeDistinct(language: .nl, using: &random, existing: names))
        }
        #expect(Set(names.map(PseudonymGenerator.fold)).count == 400)
        let folded = names.map { Array(PseudonymGenerator.fold($0)) }
        var tooClose: [(String, String)] = []
        for i in folded.indices {
            for j in folded.indices where j > i {
                if !PseudonymGenerator.atLeast(PseudonymGenerator.minimumDistance, editsBetween: folded[i], folded[j]) {
                    tooClose.append((names[i], names[j]))
                }
            }
        }
        #expect(tooClose.isEmpty, "\(tooClose.prefix(5))")
        let firstWords = names.prefix(16).flatMap { PseudonymGenerator.fold($0).split(separator: " ") }
        #expect(Set(firstWords).count == firstWords.count, "\(names.prefix(16))")
    }

    @Test func editDistanceCountsInsertionsDeletionsAndChanges() {
        #expect(PseudonymGenerator.editDistance("late beuk", "rode beuk") == 3)
        #expect(PseudonymGenerator.editDistance("", "eik") == 3)
        #expect(PseudonymGenerator.editDistance("stille eik 123", "stille eik 456") == 3)
        #expect(PseudonymGenerator.atLeast(4, editsBetween: Array("eik"), Array("stille eik")))
        #expect(!PseudonymGenerator.atLeast(4, editsBetween: Array("late beuk"), Array("rode beuk")))
    }
}
