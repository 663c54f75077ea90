import Foundation
import KringApp
import KringBusyParsing
import KringServer
import Synchronization
import Testing

/// A parser that holds every file until the test lets it go, like a child process that takes its full 10 s.
final class HeldParser: BusyCalendarParser, Sendable {
    private let entered = Mutex(0)
    private let gate = DispatchSemaphore(value: 0)

    var inside: Int { entered.withLock { $0 } }

    func release(_ count: Int) { for _ in 0..<count { gate.signal() } }

    func busyIntervals(icsData: Data, window: DateInterval, defaultZone: TimeZone) throws(BusyCalendarParseError)
        -> [DateInterval]
    {
        entered.withLock { $0 += 1 }
        // Bounded, so a failing test cannot hold a thread for ever.
        _ = gate.wait(timeout: .now() + 60)
        return []
    }
}

/// The statuses of requests that have finished, from many tasks.
final class Statuses: Sendable {
    private let list = Mutex<[Int]>([])
    func withLock<T>(_ body: (inout [Int]) -> T) -> T { list.withLock { body(&$0) } }
}

/// Security review 2026-11, F4: concurrent busy-time uploads each held a database thread for up to 10 s, with no
/// cap, and every token check and feed queued behind them. Now a few parse at once (one per caller), the rest get
/// 503 at once, and parsing never runs on the threads token checks and feeds use.
@Suite(.timeLimit(.minutes(10))) struct SlowUploadTests {
    @Test func heldUploadsNeitherQueueNorStallFeedsAndOtherRequests() async throws {
        let parser = HeldParser()
        let harness = try ServerHarness(busyCalendarParser: parser)
        let world = try harness.seedWorld()
        try await harness.start { $0.concurrentCalendarParses = 2 }
        let facilitators = [
            (id: world.facilitatorA.id, token: try harness.token(.facilitator, "An Claes")),
            (id: world.facilitatorB.id, token: try harness.token(.facilitator, "Bart Peeters")),
        ]
        let participant = try harness.token(.participant, "Stille Eik")
        let coordinator = try harness.token(.coordinator)
        let finished = Statuses()
        var uploads: [Task<Void, any Error>] = []
        for index in 0..<10 {
            let facilitator = facilitators[index % 2]
            uploads.append(
                Task {
                    let reply = try await harness.request(
                        "PUT", "/api/facilitators/\(facilitator.id)/busy?from=2027-01-01&to=2027-03-31",
                        token: facilitator.token, raw: Data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".utf8))
                    finished.withLock { $0.append(reply.status) }
                })
        }
        // Two files are being parsed (one per facilitator) and held; the other eight are refused without waiting.
        for _ in 0..<400 where parser.inside < 2 || finished.withLock({ $0.count }) < 8 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(parser.inside == 2, "\(parser.inside) files are being parsed at once")
        let refused = finished.withLock { $0 }
        #expect(refused.count == 8 && refused.allSatisfy { $0 == 503 }, "\(refused)")

        // While both are still held, a participant's feed and a coordinator's request are answered.
        let feed = try await harness.request("GET", "/feeds/\(participant).ics")
        #expect(feed.status == 200)
        let groups = try await harness.request("GET", "/api/groups", token: coordinator)
        #expect(groups.status == 200)
        let busy = try await harness.request(
            "PUT", "/api/facilitators/\(world.facilitatorA.id)/busy?from=2027-01-01&to=2027-03-31",
            token: facilitators[0].token, raw: Data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".utf8))
        #expect(busy.status == 503 && busy.header("Retry-After") == "5", "\(busy.text)")
        #expect(finished.withLock { $0.count } == 8, "an admitted upload finished before it was let go")
        #expect(parser.inside == 2)

        parser.release(10)
        for upload in uploads { try await upload.value }
        let statuses = finished.withLock { $0 }
        #expect(statuses.filter { $0 == 200 }.count == 2, "\(statuses)")
        await harness.stop()
    }
}
