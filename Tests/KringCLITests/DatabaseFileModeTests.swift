import Foundation
import KringTestSupport
import Testing

/// Security review 2026-11, F3: the database and its `-wal` and `-shm` hold every pseudonym and who is in which group,
/// so they are the owner's alone, whatever the umask; a database others can read is refused with the fix.
@Suite(.timeLimit(.minutes(10))) struct DatabaseFileModeTests {
    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue
    }

    @Test func theDatabaseAndItsLogAndIndexAre0600() throws {
        let sandbox = try KringSandbox()
        // Under the usual umask 022 SQLite created every file 0644 before the fix.
        try sandbox.ok(["init"])
        #expect(try Self.mode(sandbox.databasePath) == 0o600)

        // A running service keeps the log and the index open, as it does in production.
        let serve = try RunningServer(sandbox: sandbox)
        defer { serve.stop() }
        #expect(!serve.address.isEmpty)
        try sandbox.ok([
            "group", "create", "--name", "avond-a", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        for suffix in ["", "-wal", "-shm"] {
            let path = sandbox.databasePath + suffix
            #expect(FileManager.default.fileExists(atPath: path), "\(suffix) is missing")
            let mode = try Self.mode(path)
            #expect(mode == 0o600, "kring.sqlite\(suffix) is \(String(mode, radix: 8))")
        }
    }

    @Test func aDatabaseOthersCanReadIsRefusedWithTheCommandThatFixesIt() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: sandbox.databasePath)
        let refused = try sandbox.run(["group", "list"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("others can read the database (mode 644)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("chmod 600 '\(sandbox.databasePath)'"), "\(refused.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: sandbox.databasePath)
        try sandbox.ok(["group", "list"])
    }
}
