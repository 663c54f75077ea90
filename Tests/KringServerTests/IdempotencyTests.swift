import Foundation
import KringApp
import KringServer
import KringStorage
import Synchronization
import Testing

/// Issue 11: a retried write is carried out once. The same `Idempotency-Key` with the same request from the same
/// caller gets the stored first answer; with another request it is refused naming the header; keys expire after a
/// day on the application clock and are purged; erasing a participant deletes the answers that name them.
@Suite(.timeLimit(.minutes(10))) struct IdempotencyTests {
    final class MovableNow: Sendable {
        private let instant = Mutex(ISO8601DateFormatter().date(from: ServerHarness.now)!)
        var now: Date { instant.withLock { $0 } }
        func advance(seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// The rows of the `request_key` table as `KringStore.dump` prints them ("" when there are none).
    static func storedKeys(_ harness: ServerHarness) throws -> String {
        let dump = try harness.kring.store.dump()
        let after = dump.components(separatedBy: "# request_key\n").dropFirst().first ?? ""
        return after.components(separatedBy: "# ").first ?? ""
    }

    static func participantCount(_ harness: ServerHarness) throws -> Int {
        try harness.kring.listParticipants(group: "avond-a").count
    }

    @Test func aRetriedEnrolmentWithAGeneratedPseudonymCreatesOneParticipant() async throws {
        let clock = MovableNow()
        let harness = try ServerHarness(clock: { clock.now })
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let before = try Self.participantCount(harness)
        let key = ["Idempotency-Key": UUID().uuidString]
        // No pseudonym, no contact: nothing in the request tells two attempts apart.
        let body = ["group": "avond-a", "relation": "partner"]

        // The retry rebuilds the same object with its keys in another order, as most JSON libraries may: still
        // the same request.
        let first = try await harness.request(
            "POST", "/api/enrolments", token: coordinator,
            raw: Data(#"{"group":"avond-a","relation":"partner"}"#.utf8), headers: key)
        #expect(first.status == 201, "\(first.text)")
        let second = try await harness.request(
            "POST", "/api/enrolments", token: coordinator,
            raw: Data(#"{ "relation": "partner", "group": "avond-a" }"#.utf8), headers: key)
        #expect(second.status == 201, "\(second.text)")
        #expect(second.body == first.body, "the retry did not get the first answer")
        #expect(second.header("Idempotency-Replayed") == "true")
        #expect(try Self.participantCount(harness) == before + 1, "the retry enrolled a second person")

        // Another request under the same key is refused, naming the header, and changes nothing.
        let other = try await harness.request(
            "POST", "/api/enrolments", token: coordinator, json: ["group": "avond-a", "relation": "friend"],
            headers: key)
        #expect(other.status == 409, "\(other.text)")
        let error = try #require(try other.object()["error"] as? [String: Any])
        #expect(error["field"] as? String == "Idempotency-Key")
        #expect(try Self.participantCount(harness) == before + 1)

        // Another caller's same key is its own: it does not get this caller's answer.
        let otherCoordinator = try harness.token(.coordinator)
        let elsewhere = try await harness.request(
            "POST", "/api/enrolments", token: otherCoordinator, json: body, headers: key)
        #expect(elsewhere.status == 201)
        #expect(elsewhere.header("Idempotency-Replayed") == nil)
        #expect(try Self.participantCount(harness) == before + 2)

        // A day later the key has expired: the purge removes it, and the same request is a new enrolment.
        clock.advance(seconds: RequestGuard.keyLifetime + 60)
        _ = try harness.kring.purgeExpired()
        #expect(try Self.storedKeys(harness).isEmpty, "an expired key is still stored")
        let later = try await harness.request("POST", "/api/enrolments", token: coordinator, json: body, headers: key)
        #expect(later.status == 201)
        #expect(later.header("Idempotency-Replayed") == nil)
        #expect(try Self.participantCount(harness) == before + 3)
        await harness.stop()
    }

    @Test func aStoredAnswerHoldsNoPlainTextAndGoesWithAnErasure() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let key = ["Idempotency-Key": "erase-me-\(UUID().uuidString)"]
        let enrolled = try await harness.request(
            "POST", "/api/enrolments", token: coordinator,
            json: ["group": "avond-a", "pseudonym": "Zilte Meeuw", "relation": "partner"], headers: key)
        #expect(enrolled.status == 201, "\(enrolled.text)")
        let id = try #require(try enrolled.object()["participantId"] as? Int)
        let stored = try Self.storedKeys(harness)
        #expect(!stored.isEmpty, "the key was not stored")
        #expect(!stored.contains("Zilte"), "the stored answer holds the pseudonym in plain")

        let erased = try await harness.request(
            "POST", "/api/participants/\(id)/withdraw", token: coordinator, json: ["erase": true])
        #expect(erased.status == 200, "\(erased.text)")
        #expect(try Self.storedKeys(harness).isEmpty, "the erased participant's answer is still stored")
        // The retry after the erasure is refused by the group rules or enrols again, but never answers with the
        // erased person's pseudonym from storage.
        let retry = try await harness.request(
            "POST", "/api/enrolments", token: coordinator,
            json: ["group": "avond-a", "pseudonym": "Zilte Meeuw", "relation": "partner"], headers: key)
        #expect(retry.header("Idempotency-Replayed") == nil)
        await harness.stop()
    }

    @Test func aMalformedKeyIsRefusedNamingTheHeader() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let before = try Self.participantCount(harness)
        let reply = try await harness.request(
            "POST", "/api/enrolments", token: coordinator, json: ["group": "avond-a", "relation": "partner"],
            headers: ["Idempotency-Key": String(repeating: "k", count: 300)])
        #expect(reply.status == 400)
        #expect(reply.text.contains("Idempotency-Key"))
        #expect(try Self.participantCount(harness) == before)
        await harness.stop()
    }
}
