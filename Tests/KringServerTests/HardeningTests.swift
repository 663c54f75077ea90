import Foundation
import KringApp
import KringDomain
import KringServer
import KringStorage
import Testing

/// What a second review found at the edges of the service: one guesser locking everyone out, bodies read before the
/// token, HEAD, the bearer scheme's case, bodies declared as something other than JSON.
@Suite(.timeLimit(.minutes(10))) struct HardeningTests {
    @Test func overallGuessingMeets429ButAValidTokenIsStillServed() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        // Generous per address, tight overall: the overall limit alone is under test. The clock stands still, so the
        // window cannot end halfway through however slowly the requests go.
        try await harness.start {
            $0.failuresPerAddress = 5_000; $0.failuresOverall = 20; $0.clock = ManualClock()
        }
        let token = try harness.token(.participant, "Stille Eik")
        var statuses: [Int] = []
        for _ in 1...40 {
            statuses.append(try await harness.request("GET", "/feeds/\(FeedTests.randomToken()).ics").status)
        }
        #expect(Array(statuses.prefix(20)) == Array(repeating: 404, count: 20))
        #expect(Array(statuses.suffix(20)) == Array(repeating: 429, count: 20))
        // Everyone else keeps their calendar and the API.
        #expect(try await harness.request("GET", "/feeds/\(token).ics").status == 200)
        #expect(try await harness.request("GET", "/api/groups", token: token).status == 200)
        #expect(try await harness.request("GET", "/api/groups", token: FeedTests.randomToken()).status == 429)
        await harness.stop()
        harness.expectCleanLogs(secrets: [token])
    }

    @Test func behindATrustedProxyTheForwardedClientIsLimitedNotEveryone() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start {
            $0.failuresPerAddress = 10; $0.trustedProxies = ["127.0.0.1"]; $0.clock = ManualClock()
        }
        let token = try harness.token(.participant, "Stille Eik")
        let guesser = ["X-Forwarded-For": "192.0.2.1, 203.0.113.7"]
        let neighbour = ["X-Forwarded-For": "198.51.100.9"]
        var statuses: [Int] = []
        for _ in 1...15 {
            statuses.append(
                try await harness.request("GET", "/feeds/\(FeedTests.randomToken()).ics", headers: guesser).status)
        }
        #expect(statuses.filter { $0 == 429 }.count == 5, "\(statuses)")
        // The guesser's own valid token waits too: a limited address learns nothing, not even a right guess.
        #expect(try await harness.request("GET", "/feeds/\(token).ics", headers: guesser).status == 429)
        // Another client behind the same proxy is untouched, with a right token or a wrong one.
        #expect(try await harness.request("GET", "/feeds/\(token).ics", headers: neighbour).status == 200)
        let wrong = try await harness.request("GET", "/feeds/\(FeedTests.randomToken()).ics", headers: neighbour)
        #expect(wrong.status == 404)
        await harness.stop()
    }

    @Test func withoutATrustedProxyTheForwardedHeaderIsIgnored() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start {
            $0.failuresPerAddress = 10; $0.clock = ManualClock()
        }
        var statuses: [Int] = []
        for attempt in 1...15 {
            // A guesser who makes up a new address each time is still one peer.
            let forged = ["X-Forwarded-For": "203.0.113.\(attempt)"]
            statuses.append(
                try await harness.request("GET", "/feeds/\(FeedTests.randomToken()).ics", headers: forged).status)
        }
        #expect(statuses.filter { $0 == 429 }.count == 5, "\(statuses)")
        await harness.stop()
    }

    /// The window is the injected clock's: limited until it has moved a whole window on, then served again, with
    /// both counters back at zero.
    @Test func theFailureWindowEndsWhenTheServersClockHasMovedOn() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        let clock = ManualClock()
        try await harness.start {
            $0.failuresPerAddress = 3; $0.failuresOverall = 4; $0.failureWindow = .seconds(60); $0.clock = clock
        }
        let token = try harness.token(.participant, "Stille Eik")
        func guess() async throws -> Int {
            try await harness.request("GET", "/feeds/\(FeedTests.randomToken()).ics").status
        }
        #expect(try await [guess(), guess(), guess(), guess()] == [404, 404, 404, 429])
        #expect(try await harness.request("GET", "/feeds/\(token).ics").status == 429)
        clock.advance(by: .seconds(59))
        #expect(try await harness.request("GET", "/feeds/\(token).ics").status == 429)
        #expect(try await harness.request("GET", "/api/groups", token: token).status == 429)
        clock.advance(by: .seconds(1))
        #expect(try await harness.request("GET", "/feeds/\(token).ics").status == 200)
        #expect(try await harness.request("GET", "/api/groups", token: token).status == 200)
        // A fresh window: the address gets its three failures again, and the overall count restarted too.
        #expect(try await [guess(), guess(), guess(), guess()] == [404, 404, 404, 429])
        await harness.stop()
        harness.expectCleanLogs(secrets: [token])
    }

    @Test func theTokenIsCheckedBeforeTheBodyIsRead() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        // Far over the JSON body limit: without a token the answer is 401, so nothing was collected first.
        let large = Data(repeating: UInt8(ascii: " "), count: 1_000_000)
        let anonymous = try await harness.request(
            "POST", "/api/groups", raw: large, headers: ["Content-Type": "application/json"])
        #expect(anonymous.status == 401, "\(anonymous.text)")
        let coordinator = try harness.token(.coordinator)
        let authorised = try await harness.request(
            "POST", "/api/groups", token: coordinator, raw: large, headers: ["Content-Type": "application/json"])
        #expect(authorised.status == 413)
        await harness.stop()
    }

    @Test func headLowercaseBearerAndDeclaredMediaTypes() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let token = try harness.token(.participant, "Stille Eik")
        let get = try await harness.request("GET", "/feeds/\(token).ics")
        let head = try await harness.request("HEAD", "/feeds/\(token).ics")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("ETag") == get.header("ETag"))
        #expect(head.header("Cache-Control") == "no-store")
        #expect(try await harness.request("HEAD", "/feeds/\(FeedTests.randomToken()).ics").status == 404)
        #expect(try await harness.request("HEAD", "/health").status == 200)

        let lower = try await harness.request("GET", "/api/groups", headers: ["Authorization": "bearer \(token)"])
        #expect(lower.status == 200, "\(lower.text)")

        let coordinator = try harness.token(.coordinator)
        let body = Data(#"{"name":"x-groep","audience":"partners","language":"nl","capacity":8}"#.utf8)
        let plain = try await harness.request(
            "POST", "/api/groups", token: coordinator, raw: body, headers: ["Content-Type": "text/plain"])
        #expect(plain.status == 415)
        #expect(plain.text.contains("Content-Type"), "\(plain.text)")
        #expect(try harness.kring.listGroups().allSatisfy { $0.name != "x-groep" })
        let json = try await harness.request(
            "POST", "/api/groups", token: coordinator, raw: body,
            headers: ["Content-Type": "application/json; charset=utf-8"])
        #expect(json.status == 201, "\(json.text)")
        await harness.stop()
    }

    @Test func anUnknownFieldIsRefusedNamingItAndChangesNothing() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let before = try harness.kring.store.dump()
        let typo = try await harness.request(
            "PATCH", "/api/assignment-settings", token: coordinator, json: ["travelBufferMinutes": 45, "fairnes": 3])
        #expect(typo.status == 400)
        #expect(typo.text.contains("\"field\":\"fairnes\""), "\(typo.text)")
        #expect(try harness.kring.store.dump() == before)
        let right = try await harness.request(
            "PATCH", "/api/assignment-settings", token: coordinator, json: ["travelBufferMinutes": 45, "fairness": 3])
        #expect(right.status == 200, "\(right.text)")
        // null stands for "not given", as in every other body.
        let explicitNull = try await harness.request(
            "PATCH", "/api/facilitators/An%20Claes", token: coordinator,
            json: ["maxPerWeek": "2", "timezone": NSNull()])
        #expect(explicitNull.status == 200, "\(explicitNull.text)")
        await harness.stop()
    }

    @Test func aHugeCapacityIsABadRequestNotACrash() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let reply = try await harness.request(
            "POST", "/api/groups", token: coordinator,
            raw: Data(#"{"name":"x","audience":"partners","language":"nl","capacity":9223372036854775807}"#.utf8),
            headers: ["Content-Type": "application/json"])
        #expect(reply.status == 400)
        #expect(reply.text.contains("capacity"))
        #expect(try await harness.request("GET", "/health").status == 200)
        await harness.stop()
    }
}

/// A calendar app gets a token that opens the feed and nothing else.
@Suite(.timeLimit(.minutes(10))) struct FeedOnlyTokenTests {
    @Test func aFeedOnlyTokenOpensTheFeedAndNoRouteOfTheAPI() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let participant = try harness.kring.issueToken(
            TokenRequest(role: .participant, subject: "Stille Eik", feedOnly: true))
        let facilitator = try harness.kring.issueToken(
            TokenRequest(role: .facilitator, subject: "An Claes", feedOnly: true))
        #expect(participant.details.feedOnly && facilitator.details.feedOnly)
        for issued in [participant, facilitator] {
            let feed = try await harness.request("GET", "/feeds/\(issued.token).ics")
            #expect(feed.status == 200)
            #expect(feed.text.hasPrefix("BEGIN:VCALENDAR"))
            for path in ["/api/groups", "/api/sessions", "/api/groups/avond-a/roster", "/api/assignments"] {
                let reply = try await harness.request("GET", path, token: issued.token)
                #expect(reply.status == 401, "\(path): \(reply.status)")
            }
        }
        // Above all, a participant's calendar URL cannot withdraw them.
        let withdraw = try await harness.request(
            "POST", "/api/participants/\(world.participantA.participantId)/withdraw", token: participant.token,
            json: ["group": "avond-a"])
        #expect(withdraw.status == 401)
        #expect(try harness.kring.listParticipants(group: "avond-a").contains { $0.pseudonym == "Stille Eik" })
        // The same holder's ordinary token still works on both.
        let full = try harness.token(.participant, "Stille Eik")
        #expect(try await harness.request("GET", "/api/groups", token: full).status == 200)
        #expect(try await harness.request("GET", "/feeds/\(full).ics").status == 200)
        // A coordinator has no feed, so no feed-only token either; nothing is stored for the refusal.
        let before = try harness.kring.listTokens().count
        #expect(throws: KringError.self) {
            try harness.kring.issueToken(TokenRequest(role: .coordinator, feedOnly: true))
        }
        #expect(try harness.kring.listTokens().count == before)
        await harness.stop()
        harness.expectCleanLogs(secrets: [participant.token, facilitator.token, full])
    }
}
