import Foundation
import KringApp
import KringServer
import Testing

/// Security review 2026-11, F17: names that look like another one, or like nothing, were stored. Text is NFKC now,
/// invisible characters and words mixing look-alike alphabets are refused, and names that read the same are one.
@Suite(.timeLimit(.minutes(10))) struct ConfusableTextTests {
    @Test func lookAlikeInvisibleAndPunctuationOnlyNamesAreRefusedNamingFieldAndValue() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        func enrol(_ pseudonym: String) async throws -> Reply {
            try await harness.request(
                "POST", "/api/enrolments", token: coordinator,
                json: ["group": "avond-b", "pseudonym": pseudonym, "relation": "friend"])
        }
        // "Stille Eik" is taken (in avond-a). Each of these reads as that name, or as nothing at all.
        let cases: [(pseudonym: String, status: Int, reason: String)] = [
            ("stille eik", 409, "already taken"),
            ("Stílle Eik", 409, "already taken"),
            ("Ｓｔｉｌｌｅ Eik", 409, "already taken"),
            ("Stille  Eik", 409, "already taken"),
            ("Stille \u{0415}\u{0456}\u{043A}", 409, "already taken"),  // Cyrillic Е, і, к: one alphabet per word
            ("St\u{0456}lle Eik", 400, "mixes Cyrillic and Latin letters"),
            ("Stille\u{200B} Eik", 400, "invisible character U+200B"),
            ("\u{202E}kiE ellitS", 400, "invisible character U+202E"),
            ("\u{200B}\u{200B}\u{200B}", 400, "invisible character"),
            ("..", 400, "must contain a letter or a digit"),
            ("-'-", 400, "must contain a letter or a digit"),
        ]
        for (pseudonym, status, reason) in cases {
            let reply = try await enrol(pseudonym)
            #expect(reply.status == status, "\(pseudonym.debugDescription): \(reply.text)")
            let error = try reply.object()["error"] as? [String: Any]
            #expect(error?["field"] as? String == "pseudonym", "\(reply.text)")
            #expect(error?["value"] as? String == pseudonym, "\(reply.text)")
            #expect(
                (error?["reason"] as? String)?.contains(reason) == true, "\(pseudonym.debugDescription): \(reply.text)")
        }
        // A fullwidth name that is new is stored as the plain letters it shows.
        let fullwidth = try await enrol("Ｌａｔｅ Merel")
        #expect(fullwidth.status == 201, "\(fullwidth.text)")
        #expect(try fullwidth.object()["pseudonym"] as? String == "Late Merel")

        // Facilitators and group titles: the same rules.
        let facilitator = try await harness.request(
            "POST", "/api/facilitators", token: coordinator, json: ["name": "an cláes", "languages": "nl"])
        #expect(facilitator.status == 409, "\(facilitator.text)")
        let title = try await harness.request(
            "PATCH", "/api/groups/avond-b", token: coordinator,
            json: ["title": String(repeating: "\u{200B}", count: 80)])
        #expect(title.status == 400, "\(title.text)")
        #expect(try (title.object()["error"] as? [String: Any])?["field"] as? String == "title")
        await harness.stop()
    }
}
