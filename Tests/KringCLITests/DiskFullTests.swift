import Foundation
import GRDB
import KringTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 11: a full disk. An enrolment fails with a message that names the database file and says "disk full",
/// exits 78 (docs/operations.md), applies nothing, and the database opens afterwards; `kring init` on a full disk
/// leaves no empty key behind. Each test mounts a small tmpfs over its sandbox folder (root only; unmounted always).
@Suite(.serialized, .timeLimit(.minutes(10))) struct DiskFullTests {
    /// Whether this process may mount a tmpfs: tests run as root in CI; elsewhere they are skipped with this reason.
    static let canMount: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("kring-mount-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)) != nil else {
            return false
        }
        defer { try? FileManager.default.removeItem(at: probe) }
        guard mount(probe.path, size: "1m") else { return false }
        return unmount(probe.path)
    }()

    @discardableResult
    static func mount(_ path: String, size: String) -> Bool {
        run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path])
    }

    @discardableResult
    static func unmount(_ path: String) -> Bool { run("/bin/umount", [path]) }

    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Fills the file system holding `folder` with one file, then frees `slack` bytes of it.
    static func fill(_ folder: URL, leaving slack: Int) throws -> URL {
        let filler = folder.appendingPathComponent("filler")
        let descriptor = open(filler.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw SandboxError("cannot create the filler") }
        let chunk = [UInt8](repeating: 0, count: 4096)
        var size = 0
        while true {
            let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            size += written
        }
        _ = ftruncate(descriptor, off_t(max(0, size - slack)))
        close(descriptor)
        return filler
    }

    @Test(.enabled(if: canMount, "needs root to mount a small tmpfs (tests run as root in CI)"))
    func anEnrolmentOnAFullDiskSaysSoAndAppliesNothing() throws {
        let sandbox = try KringSandbox()
        #expect(Self.mount(sandbox.folder.path, size: "4m"))
        defer { Self.unmount(sandbox.folder.path) }
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "gent-partners", "--audience", "partners", "--language", "nl",
            "--capacity", "30", "--venue", "Gent",
        ])
        try sandbox.ok([
            "series", "add", "--group", "gent-partners", "--start", "2027-01-12T19:00", "--duration", "120",
            "--rrule", "FREQ=WEEKLY;COUNT=10",
        ])
        try sandbox.ok(["group", "open", "gent-partners"])
        let before = try sandbox.dump()

        // No space at all, then just enough to open the log but not to write the change.
        for slack in [0, 48 * 1024] {
            let filler = try Self.fill(sandbox.folder, leaving: slack)
            let refused = try sandbox.run([
                "participant", "enrol", "--group", "gent-partners", "--relation", "partner", "--pseudonym",
                "Volle Schijf",
                "--contact", "volle.schijf@example.org",
            ])
            #expect(refused.status == 78, "slack \(slack): \(refused.stderr)")
            #expect(refused.stderr.contains(sandbox.databasePath), "slack \(slack): \(refused.stderr)")
            #expect(refused.stderr.contains("disk full"), "slack \(slack): \(refused.stderr)")
            try FileManager.default.removeItem(at: filler)
            // Nothing half-applied, and the file is sound.
            #expect(try sandbox.dump() == before, "slack \(slack): the refused enrolment left a trace")
            let queue = try DatabaseQueue(path: sandbox.databasePath)
            #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
            try queue.close()
        }
        let listed = try sandbox.ok(["participant", "list", "--format", "json"]).array()
        #expect(listed.isEmpty)
        try sandbox.ok(["participant", "enrol", "--group", "gent-partners", "--relation", "partner"])
    }

    @Test(.enabled(if: canMount, "needs root to mount a small tmpfs (tests run as root in CI)"))
    func initOnAFullDiskLeavesNoEmptyKey() throws {
        let sandbox = try KringSandbox()
        #expect(Self.mount(sandbox.folder.path, size: "1m"))
        defer { Self.unmount(sandbox.folder.path) }
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: sandbox.keyPath).deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let filler = try Self.fill(sandbox.folder, leaving: 0)
        let refused = try sandbox.run(["init"])
        #expect(refused.status == 78, "\(refused.stderr)")
        #expect(refused.stderr.contains("disk full"), "\(refused.stderr)")
        let key = FileManager.default.contents(atPath: sandbox.keyPath)
        #expect(key == nil || key?.isEmpty == false, "an empty key was left behind")
        try FileManager.default.removeItem(at: filler)
        // With space again, init succeeds: nothing left behind blocks it.
        try sandbox.ok(["init"])
        #expect((FileManager.default.contents(atPath: sandbox.keyPath)?.count ?? 0) > 0)
    }
}
