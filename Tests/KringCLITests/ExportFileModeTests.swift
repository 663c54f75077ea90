import Foundation
import KringTestSupport
import Testing

/// Exported files hold plain addresses (invites) or when someone goes to a group (calendars): owner only.
@Suite(.timeLimit(.minutes(10))) struct ExportFileModeTests {
    /// The planned group with two participants who have an address (one REQUEST each pending) and the organizer set.
    static func groupWithAddresses() throws -> KringSandbox {
        let (sandbox, _) = try InviteExportTests.plannedWithContacts()
        try sandbox.ok(["config", "set", "organizer", "groepen@example.org"])
        return sandbox
    }

    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue
    }

    @Test func inviteFolderKringCreatesIs0700AndEveryFile0600() throws {
        let sandbox = try Self.groupWithAddresses()
        let out = sandbox.folder.appendingPathComponent("private/outbox")
        let view = try sandbox.ok(["invites", "export", "--out", out.path, "--format", "json"]).object()
        let files = try #require(view["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(try Self.mode(out.path) == 0o700)
        #expect(try Self.mode(out.deletingLastPathComponent().path) == 0o700)
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path)
        // Two invites and the manifest (tsv and json), all 0600.
        #expect(written.count == 4, "no temporary file left behind: \(written)")
        for name in written { #expect(try Self.mode(out.appendingPathComponent(name).path) == 0o600, "\(name)") }

        // Into a folder that exists already: its mode is the coordinator's choice, the files are still 0600.
        let existing = sandbox.folder.appendingPathComponent("shared-folder")
        try FileManager.default.createDirectory(
            at: existing, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o750])
        try sandbox.ok(["participant", "withdraw", "--yes", "Stille Eik"])
        try sandbox.ok(["invites", "export", "--out", existing.path])
        #expect(try Self.mode(existing.path) == 0o750)
        let later = try FileManager.default.contentsOfDirectory(atPath: existing.path)
        #expect(later.filter { $0.hasSuffix(".ics") }.count == 1)
        #expect(later.count == 3)
        for name in later { #expect(try Self.mode(existing.appendingPathComponent(name).path) == 0o600) }
    }

    @Test func calendarExportFileIs0600EvenWhenReplacingAWiderOne() throws {
        let sandbox = try Self.groupWithAddresses()
        let path = sandbox.folder.appendingPathComponent("stille-eik.ics").path
        try sandbox.ok(["calendar", "export", "--participant", "Stille Eik", "--out", path])
        #expect(try Self.mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("BEGIN:VCALENDAR"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try sandbox.ok(["calendar", "export", "--participant", "Stille Eik", "--out", path])
        #expect(try Self.mode(path) == 0o600)
        let bad = try sandbox.run([
            "calendar", "export", "--participant", "Stille Eik", "--out",
            sandbox.folder.appendingPathComponent("missing/feed.ics").path,
        ])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("out"))
    }

    /// Every temporary file beside or below `folder` (the private `.kring-partial` folder and the hidden files of
    /// earlier versions).
    static func temporaryFiles(in folder: URL) -> [String] {
        let all = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        return all.filter { $0.hasSuffix(".tmp") || $0.contains(".kring-partial") }
    }

    /// Issue 11: a killed `invites export` could leave a hidden temporary file holding a plain address. Temporary
    /// files now live in a private 0700 folder and what a killed run left is removed by the next run, even one
    /// with nothing to export.
    @Test func leftoversOfAKilledExportAreRemovedByTheNextRun() throws {
        let sandbox = try Self.groupWithAddresses()
        let out = sandbox.folder.appendingPathComponent("outbox")
        try FileManager.default.createDirectory(
            at: out, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        // What a killed run leaves: a temporary file of a process that is gone, in the private folder, and one as
        // earlier versions wrote it, beside the files. Both hold an address.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let partial = out.appendingPathComponent(".kring-partial")
        try FileManager.default.createDirectory(
            at: partial, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let leftover = partial.appendingPathComponent("\(gone.processIdentifier).\(UUID().uuidString).tmp")
        let earlier = out.appendingPathComponent(".1-REQUEST.ics.\(UUID().uuidString).tmp")
        for file in [leftover, earlier] {
            #expect(
                FileManager.default.createFile(atPath: file.path, contents: Data("ATTENDEE:mailto:x@example.org".utf8)))
        }
        // A live process's temporary file is its own and stays.
        let live = partial.appendingPathComponent("1.\(UUID().uuidString).tmp")
        #expect(FileManager.default.createFile(atPath: live.path, contents: Data()))

        try sandbox.ok(["invites", "export", "--out", out.path])
        #expect(!FileManager.default.fileExists(atPath: leftover.path), "a killed run's temporary file is still there")
        #expect(
            !FileManager.default.fileExists(atPath: earlier.path), "an earlier version's temporary file is still there")
        #expect(FileManager.default.fileExists(atPath: live.path))
        #expect(try Self.mode(partial.path) == 0o700)
        try FileManager.default.removeItem(at: live)

        // Nothing pending now: a run with nothing to export still clears what a killed one left.
        try FileManager.default.createDirectory(
            at: partial, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        #expect(FileManager.default.createFile(atPath: leftover.path, contents: Data("x".utf8)))
        try sandbox.ok(["invites", "export", "--out", out.path])
        #expect(Self.temporaryFiles(in: out).isEmpty, "\(Self.temporaryFiles(in: out))")

        // kill -9 at random moments of an export: the next run leaves no temporary file and every invite exported.
        var generator = SystemRandomNumberGenerator()
        for round in 0..<4 {
            try sandbox.ok(["session", "move", try Self.firstSession(sandbox), "--to", "2027-02-0\(round + 3)T10:00"])
            let running = try sandbox.start(["invites", "export", "--out", out.path])
            usleep(UInt32.random(in: 0...150_000, using: &generator))
            kill(running.process.processIdentifier, SIGKILL)
            _ = running.wait()
            try sandbox.ok(["invites", "export", "--out", out.path])
            #expect(Self.temporaryFiles(in: out).isEmpty, "round \(round): \(Self.temporaryFiles(in: out))")
            #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
            for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
                #expect(try Self.mode(out.appendingPathComponent(name).path) == 0o600, "\(name)")
            }
        }
    }

    static func firstSession(_ sandbox: KringSandbox) throws -> String {
        let sessions = try sandbox.ok(["session", "list", "--group", "gent-partners", "--format", "json"]).array()
        return String(try #require(sessions.first?["id"] as? Int))
    }
}
