import Foundation
import GRDB
import KringApp
import KringDomain
import Testing

/// `kring backup` while the service writes: the copy opens, passes integrity_check, and holds every enrolment that
/// was acknowledged before the backup started.
@Suite struct BackupTests {
    @Test func aBackupTakenWhileEnrolmentsStreamInHoldsEveryAcknowledgedOne() async throws {
        let app = try AppHarness()
        try app.openGroup("avond", capacity: 40)
        // A second Kring on the same file, as `kring backup` beside a running `kring serve`.
        let other = try Kring.open(configuration: app.configuration)
        let acknowledged = Acknowledged()
        let writer = Task.detached {
            for index in 0..<200 {
                _ = try app.enrol("Deelnemer \(index)", in: "avond")
                acknowledged.add("Deelnemer \(index)")
            }
        }
        while acknowledged.count < 60 { await Task.yield() }
        let before = acknowledged.all
        let file = app.folder.appendingPathComponent("backup.sqlite").path
        let view = try other.backup(to: file)
        try await writer.value
        #expect(view.tables > 5)
        let copy = try DatabaseQueue(
            path: file,
            configuration: {
                var c = Configuration(); c.readonly = true; return c
            }())
        let (check, pseudonyms) = try await copy.read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                Set(try String.fetchAll(db, sql: "SELECT pseudonym FROM participant"))
            )
        }
        #expect(check == ["ok"])
        #expect(before.isSubset(of: pseudonyms), "missing: \(before.subtracting(pseudonyms).sorted().prefix(5))")
        #expect(pseudonyms.count <= 200)
    }
}

final class Acknowledged: @unchecked Sendable {
    // Unchecked: every access goes through the lock.
    private let lock = NSLock()
    private var names: [String] = []
    func add(_ name: String) { lock.withLock { names.append(name) } }
    var count: Int { lock.withLock { names.count } }
    var all: Set<String> { lock.withLock { Set(names) } }
}
