import Foundation
import KringApp
import KringServer
import Synchronization
import Testing

/// Security review 2026-11, F8: the retention purge ran only when a process opened the database, never inside a
/// running `kring serve`. The service now purges on its own schedule.
@Suite(.timeLimit(.minutes(10))) struct RetentionServiceTests {
    @Test func theRunningServicePurgesParticipantsOnceRetentionHasPassed() async throws {
        let now = Mutex(ISO8601DateFormatter().date(from: ServerHarness.now)!)
        let harness = try ServerHarness(clock: { now.withLock { $0 } })
        _ = try harness.seedWorld()
        _ = try harness.kring.setConfig("retention-days", "30")
        _ = try harness.kring.withdraw("Blauwe Reiger", group: nil, erase: false)
        try await harness.start { $0.retentionInterval = .milliseconds(100) }
        let coordinator = try harness.token(.coordinator)
        func pseudonyms() async throws -> [String] {
            try await harness.request("GET", "/api/participants", token: coordinator).array()
                .compactMap { $0["pseudonym"] as? String }
        }
        #expect(try await pseudonyms().contains("Blauwe Reiger"))
        // Several ticks pass while nobody is due: nothing is purged.
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await pseudonyms().contains("Blauwe Reiger"))

        now.withLock { $0 = $0.addingTimeInterval(31 * 86_400) }
        var remaining = try await pseudonyms()
        // Polled up to a minute: a loaded machine may run the 100 ms tick late, never early.
        for _ in 0..<1200 where remaining.contains("Blauwe Reiger") {
            try await Task.sleep(for: .milliseconds(50))
            remaining = try await pseudonyms()
        }
        #expect(!remaining.contains("Blauwe Reiger"), "the running service never purged")
        #expect(remaining.contains("Stille Eik"), "an enrolled participant was purged")
        await harness.stop()
        harness.expectCleanLogs(secrets: ["Blauwe Reiger", coordinator])
    }
}
