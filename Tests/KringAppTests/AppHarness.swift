import Foundation
import KringApp
import KringDomain
import KringSecrets
import KringStorage

/// Kring on a fresh SQLite file in a temporary folder, in this process: the rules run in milliseconds, without
/// the binary. The clock is fixed (and movable) so nothing depends on the day the tests run.
final class AppHarness: @unchecked Sendable {
    let folder: URL
    let configuration: KringConfiguration
    let kring: Kring
    private let clock: MovableClock

    init(now: String = "2026-12-01T09:00:00Z") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kring-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        clock = MovableClock(ISO8601DateFormatter().date(from: now)!)
        let clock = self.clock
        let configuration = KringConfiguration(
            databasePath: folder.appendingPathComponent("kring.sqlite").path,
            keyFile: KeyFile(path: folder.appendingPathComponent("key").path), clock: { clock.now })
        self.configuration = configuration
        _ = try Kring.initialise(configuration: configuration)
        kring = try Kring.open(configuration: configuration)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Moves "now" forward, as the days of a programme pass.
    func advance(days: Int) { clock.advance(by: TimeInterval(days) * 86_400) }

    /// A group in the standard test shape, open for enrolment, with weekly sessions from 12 January 2027.
    @discardableResult
    func openGroup(_ name: String, capacity: Int = 10, sessions: Int = 4) throws -> GroupView {
        let group = try kring.createGroup(
            GroupChanges(name: name, audience: "partners", language: "nl", capacity: capacity, venue: "Gent"))
        _ = try kring.addSeries(
            SeriesRequest(
                group: name, start: "2027-01-12T19:00", durationMinutes: 120, rrule: "FREQ=WEEKLY;COUNT=\(sessions)"))
        return try kring.openGroup(String(group.id))
    }

    @discardableResult
    func enrol(_ pseudonym: String, in group: String, contact: String? = nil) throws -> EnrolmentView {
        try kring.enrol(EnrolmentRequest(group: group, pseudonym: pseudonym, relation: "partner", contact: contact))
    }

    /// Every row of every table, to compare before and after a refused change.
    func dump() throws -> String { try kring.store.dump() }

    func walSize() throws -> Int {
        try FileManager.default.attributesOfItem(atPath: configuration.databasePath + "-wal")[.size] as? Int ?? -1
    }
}

final class MovableClock: @unchecked Sendable {
    // Unchecked: every access goes through the lock.
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}
