import Foundation
import GRDB
import KringApp
import KringServer
import Synchronization
import Testing

/// Issue 11: what the service does while another connection (a CLI `kring assign`, a backup) holds SQLite's write
/// lock. A change whose client leaves while it waits is not carried out once the lock is free; reads and feeds never
/// wait behind waiting changes; beyond `waitingWrites` a change is refused at once with 503 and Retry-After.
/// Everything is asserted by order (the lock is released only after what must not wait has answered), never by time.
@Suite(.timeLimit(.minutes(10))) struct WriteLockTests {
    /// Another connection holding the write lock (`BEGIN IMMEDIATE`) until `release`.
    final class LockHolder {
        let queue: DatabaseQueue

        init(path: String) throws {
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true  // the lock is held across two accesses on purpose
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        }

        func release() throws {
            try queue.inDatabase { try $0.execute(sql: "ROLLBACK") }
            try queue.close()
        }
    }

    static func enrolment(_ pseudonym: String) -> [String: String] {
        ["group": "avond-a", "pseudonym": pseudonym, "relation": "partner"]
    }

    static func pseudonyms(_ harness: ServerHarness) throws -> Set<String> {
        Set(try harness.kring.listParticipants(group: nil).map(\.pseudonym))
    }

    /// The most changes the service's write gate held at once, as `ServerConfiguration.onWritesAdmitted` tells it.
    final class GateCount: Sendable {
        private let most = Mutex(0)
        func saw(_ count: Int) { most.withLock { $0 = max($0, count) } }
        /// Returns once the gate has held `count` changes at once: the test goes on from the gate's own count.
        func wait(for count: Int) async throws {
            while most.withLock({ $0 }) < count { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Starts the harness's service with a gate observer.
    static func startCounting(
        _ harness: ServerHarness, _ adjust: @escaping (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> GateCount {
        let gate = GateCount()
        try await harness.start {
            adjust(&$0)
            $0.onWritesAdmitted = { gate.saw($0) }
        }
        return gate
    }

    @Test func aChangeWhoseClientLeftWhileItWaitedIsNotCarriedOut() async throws {
        let harness = try ServerHarness(busyTimeoutSeconds: 600)
        _ = try harness.seedWorld()
        let admitted = try await Self.startCounting(harness)
        let coordinator = try harness.token(.coordinator)
        let holder = try LockHolder(path: harness.configuration.databasePath)
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: Self.enrolment("Verlaten Vraag")), as: UTF8.self)
        let connection = try RawConnection(port: harness.port)
        connection.send(
            "POST /api/enrolments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(coordinator)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        // Once the change waits at the lock (the gate's own count, not a guess), the client hangs up.
        try await admitted.wait(for: 1)
        connection.hangUp()
        try await Task.sleep(for: .milliseconds(300))
        try holder.release()

        var line: Substring?
        for _ in 0..<600 where line == nil {
            line = harness.logs.text.split(separator: "\n").first {
                $0.contains("http.route=/api/enrolments") || $0.contains("/api/enrolments")
            }
            if line == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let handled = try #require(line, "the service never handled the abandoned request")
        #expect(handled.contains("http.status=409"), "the abandoned change was not refused: \(handled)")
        #expect(!(try Self.pseudonyms(harness)).contains("Verlaten Vraag"), "the abandoned enrolment was stored")

        // The service keeps answering, and a client that stays gets its change.
        #expect(try await harness.request("GET", "/health").status == 200)
        let stayed = try await harness.request(
            "POST", "/api/enrolments", token: coordinator, json: Self.enrolment("Blijvende Vraag"))
        #expect(stayed.status == 201, "\(stayed.text)")
        await harness.stop()
    }

    @Test func aChangePastItsDeadlineIsNotCarriedOut() async throws {
        let harness = try ServerHarness(busyTimeoutSeconds: 600)
        _ = try harness.seedWorld()
        let admitted = try await Self.startCounting(harness) { $0.requestDeadline = .seconds(1) }
        let coordinator = try harness.token(.coordinator)
        let holder = try LockHolder(path: harness.configuration.databasePath)
        async let late = harness.request(
            "POST", "/api/enrolments", token: coordinator, json: Self.enrolment("Te Laat"))
        // It waits at the lock; its deadline (1 s from its arrival) has surely passed 2 s after that.
        try await admitted.wait(for: 1)
        try await Task.sleep(for: .seconds(2))
        try holder.release()
        let reply = try await late
        #expect(reply.status == 409, "\(reply.text)")
        #expect(reply.text.contains("deadline"))
        #expect(!(try Self.pseudonyms(harness)).contains("Te Laat"))
        await harness.stop()
    }

    /// The gate counts a finished change out again, with or without an observer: with room for two, five changes in
    /// a row all get through (a slip here once left every change after the bound refused for good).
    @Test func finishedChangesLeaveTheGate() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start { $0.waitingWrites = 2 }
        let coordinator = try harness.token(.coordinator)
        for index in 0..<5 {
            let reply = try await harness.request(
                "POST", "/api/enrolments", token: coordinator, json: Self.enrolment("Na Elkaar \(index)"))
            #expect(reply.status == 201, "change \(index): \(reply.text)")
        }
        await harness.stop()
    }

    /// A change that cannot get the lock within the busy timeout is told the database is busy (503, Retry-After),
    /// not that the service failed, and its body names no file; nothing is stored.
    @Test func aLockHeldPastTheBusyTimeoutAnswers503() async throws {
        let harness = try ServerHarness(busyTimeoutSeconds: 1)
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let holder = try LockHolder(path: harness.configuration.databasePath)
        let reply = try await harness.request(
            "POST", "/api/enrolments", token: coordinator, json: Self.enrolment("Druk Bezet"))
        try holder.release()
        #expect(reply.status == 503, "\(reply.text)")
        #expect(reply.header("Retry-After") != nil)
        #expect(reply.text.contains("busy"))
        #expect(!reply.text.contains("kring.sqlite"))
        #expect(!(try Self.pseudonyms(harness)).contains("Druk Bezet"))
        await harness.stop()
    }

    @Test func readsAndFeedsAnswerWhileChangesWaitForTheLock() async throws {
        // The waiting changes must outlast a slow, loaded machine's reads below: a generous busy timeout.
        let harness = try ServerHarness(busyTimeoutSeconds: 600)
        let world = try harness.seedWorld()
        let admitted = try await Self.startCounting(harness) { $0.waitingWrites = 3 }
        let coordinator = try harness.token(.coordinator)
        let participant = try harness.token(.participant, "Stille Eik")
        let feedToken = try #require(
            try await harness.request(
                "POST", "/api/tokens", token: coordinator,
                json: ["role": "participant", "subject": String(world.participantA.participantId), "feedOnly": true]
            ).object()["token"] as? String)
        let holder = try LockHolder(path: harness.configuration.databasePath)

        // Changes that wait for the lock; the first three are admitted (one runs, two queue), the others are
        // refused at once.
        let waiting = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<3 {
                    group.addTask {
                        try await harness.request(
                            "POST", "/api/enrolments", token: coordinator, json: Self.enrolment("Wachtende \(index)")
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        // Wait until the gate holds all three (by its own count, not a guess with the wall clock).
        try await admitted.wait(for: 3)
        // While the lock is held and those wait: a change beyond the bound is refused at once...
        let refused = try await harness.request(
            "POST", "/api/enrolments", token: coordinator, json: Self.enrolment("Eén Te Veel"))
        #expect(refused.status == 503, "\(refused.text)")
        #expect(refused.header("Retry-After") != nil)
        // ...and reads and feeds answer.
        let groups = try await harness.request("GET", "/api/groups", token: coordinator)
        let roster = try await harness.request("GET", "/api/groups/avond-a/roster", token: coordinator)
        let own = try await harness.request("GET", "/api/sessions?group=avond-a", token: participant)
        let feed = try await harness.request("GET", "/feeds/\(feedToken).ics")
        #expect(groups.status == 200)
        #expect(roster.status == 200)
        #expect(own.status == 200)
        #expect(feed.status == 200 && feed.text.contains("BEGIN:VCALENDAR"))
        // Only now is the lock released: everything above answered while it was held.
        try holder.release()
        let statuses = try await waiting.value
        #expect(statuses.sorted() == [201, 201, 201], "the waiting changes: \(statuses)")
        let stored = try Self.pseudonyms(harness)
        #expect(stored.isSuperset(of: ["Wachtende 0", "Wachtende 1", "Wachtende 2"]))
        #expect(!stored.contains("Eén Te Veel"))
        await harness.stop()
    }
}
