import Foundation
import KringApp
import KringServer
import Testing

/// Security review 2026-11, F1: an erased participant's row id went to the next person enrolled, and with it the
/// erased person's cached feed. Ids are never reused now, and a cached feed belongs to one token.
@Suite(.timeLimit(.minutes(10))) struct ErasedIdTests {
    static func uids(_ calendar: String) -> Set<String> {
        Set(calendar.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("UID:") }.map(String.init))
    }

    @Test func theNextPersonNeverGetsAnErasedPersonsIdOrFeed() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        // A cache that lives an hour on a clock that never moves: before the fix Y was served X's feed from it.
        try await harness.start {
            $0.feedCacheLifetime = .seconds(3_600); $0.clock = ManualClock()
        }
        let coordinator = try harness.token(.coordinator)
        let uidsA = Self.uids(try harness.kring.groupFeed(group: "avond-a"))
        let uidsB = Self.uids(try harness.kring.groupFeed(group: "avond-b"))
        #expect(!uidsA.isEmpty && !uidsB.isEmpty && uidsA.isDisjoint(with: uidsB))

        let enrolX = try await harness.request(
            "POST", "/api/enrolments", token: coordinator,
            json: ["group": "avond-a", "pseudonym": "Verre Ster", "relation": "partner"])
        #expect(enrolX.status == 201, "\(enrolX.text)")
        let x = try #require(try enrolX.object()["participantId"] as? Int)
        let tokenX = try #require(
            try await harness.request(
                "POST", "/api/tokens", token: coordinator,
                json: ["role": "participant", "subject": String(x), "feedOnly": true]
            ).object()["token"] as? String)
        let feedX = try await harness.request("GET", "/feeds/\(tokenX).ics")
        #expect(feedX.status == 200)
        #expect(Self.uids(feedX.text) == uidsA)

        let erased = try await harness.request(
            "POST", "/api/participants/\(x)/withdraw", token: coordinator, json: ["erase": true])
        #expect(erased.status == 200, "\(erased.text)")
        #expect(try await harness.request("GET", "/feeds/\(tokenX).ics").status == 404)

        let enrolY = try await harness.request(
            "POST", "/api/enrolments", token: coordinator,
            json: ["group": "avond-b", "pseudonym": "Late Merel", "relation": "friend"])
        #expect(enrolY.status == 201, "\(enrolY.text)")
        let y = try #require(try enrolY.object()["participantId"] as? Int)
        #expect(y > x, "participant id \(x) was given out again")
        let tokenY = try #require(
            try await harness.request(
                "POST", "/api/tokens", token: coordinator,
                json: ["role": "participant", "subject": String(y), "feedOnly": true]
            ).object()["token"] as? String)
        let feedY = try await harness.request("GET", "/feeds/\(tokenY).ics")
        #expect(feedY.status == 200)
        #expect(Self.uids(feedY.text) == uidsB, "Y's first feed is not Y's own group")
        await harness.stop()
        harness.expectCleanLogs(secrets: [tokenX, tokenY, coordinator, "Verre Ster", "Late Merel"])
    }

    /// A change made through the service shows in the next feed request, however long the cache lives.
    @Test func aWithdrawalThroughTheServiceEmptiesTheFeedCache() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start {
            $0.feedCacheLifetime = .seconds(3_600); $0.clock = ManualClock()
        }
        let coordinator = try harness.token(.coordinator)
        let participant = try harness.token(.participant, "Stille Eik")
        let before = try await harness.request("GET", "/feeds/\(participant).ics")
        #expect(!Self.uids(before.text).isEmpty)
        let withdrawn = try await harness.request(
            "POST", "/api/participants/\(world.participantA.participantId)/withdraw", token: coordinator,
            json: [String: String]())
        #expect(withdrawn.status == 200, "\(withdrawn.text)")
        let after = try await harness.request("GET", "/feeds/\(participant).ics")
        #expect(after.status == 200)
        #expect(Self.uids(after.text).isEmpty, "the withdrawn participant still gets the group's sessions")
        await harness.stop()
    }
}
