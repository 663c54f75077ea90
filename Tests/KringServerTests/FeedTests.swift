import Foundation
import KringApp
import KringServer
import Testing

/// `GET /feeds/{token}.ics`: caching headers, 304, 404 for revoked and random tokens, 429 for guessing.
@Suite(.timeLimit(.minutes(10))) struct FeedTests {
    static func randomToken() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return String((0..<43).map { _ in alphabet.randomElement()! })
    }

    @Test func feedHasPrivateCachingHeadersAndAnswers304ToItsETag() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let token = try harness.token(.participant, "Stille Eik")
        let reply = try await harness.request("GET", "/feeds/\(token).ics")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "text/calendar; charset=utf-8")
        #expect(reply.header("Cache-Control") == "no-store")
        #expect(reply.header("Referrer-Policy") == "no-referrer")
        #expect(reply.header("X-Content-Type-Options") == "nosniff")
        #expect(reply.text.hasPrefix("BEGIN:VCALENDAR"))
        for name in world.pseudonymsA + world.pseudonymsB + ["avond-a", "avond-b"] {
            #expect(!reply.text.contains(name))
        }
        let tag = try #require(reply.header("ETag"))
        let again = try await harness.request("GET", "/feeds/\(token).ics", headers: ["If-None-Match": tag])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        #expect(again.header("Cache-Control") == "no-store")
        let other = try await harness.request("GET", "/feeds/\(token).ics", headers: ["If-None-Match": "\"nope\""])
        #expect(other.status == 200)

        let facilitator = try harness.token(.facilitator, "An Claes")
        #expect(try await harness.request("GET", "/feeds/\(facilitator).ics").status == 200)
        let coordinator = try harness.token(.coordinator)
        #expect(try await harness.request("GET", "/feeds/\(coordinator).ics").status == 404)
        await harness.stop()
        harness.expectCleanLogs(secrets: world.pseudonymsA + world.pseudonymsB + [token, facilitator, coordinator])
    }

    @Test func revokedAndAThousandRandomTokensGet404() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        // A generous limit, so this test sees the 404s themselves; the next test sees the limit.
        try await harness.start {
            $0.failuresPerAddress = 5_000; $0.failuresOverall = 5_000
        }
        let issued = try harness.kring.issueToken(TokenRequest(role: .participant, subject: "Stille Eik"))
        #expect(try await harness.request("GET", "/feeds/\(issued.token).ics").status == 200)
        _ = try harness.kring.revokeToken(String(issued.details.id))
        let revoked = try await harness.request("GET", "/feeds/\(issued.token).ics")
        #expect(revoked.status == 404)
        #expect(revoked.header("Cache-Control") == "no-store")
        var statuses: [Int: Int] = [:]
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<1_000 {
                group.addTask { try await harness.request("GET", "/feeds/\(Self.randomToken()).ics").status }
            }
            for try await status in group { statuses[status, default: 0] += 1 }
        }
        #expect(statuses == [404: 1_000])
        await harness.stop()
        harness.expectCleanLogs(secrets: [issued.token])
    }

    @Test func guessingMeets429AndThenEvenAValidTokenWaits() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let token = try harness.token(.participant, "Stille Eik")
        var firstLimited: Int?
        for attempt in 1...100 {
            let reply = try await harness.request("GET", "/feeds/\(Self.randomToken()).ics")
            #expect([404, 429].contains(reply.status))
            if reply.status == 429, firstLimited == nil { firstLimited = attempt }
        }
        #expect(firstLimited != nil, "100 bad tokens in a minute never met 429")
        let valid = try await harness.request("GET", "/feeds/\(token).ics")
        #expect(valid.status == 429)
        #expect(valid.header("Retry-After") != nil)
        let api = try await harness.request("GET", "/api/groups", token: token)
        #expect(api.status == 429)
        await harness.stop()
        harness.expectCleanLogs(secrets: [token])
    }
}
