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
}
