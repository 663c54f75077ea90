import Foundation
import GRDB
import KringTestSupport
import Testing

/// Running Kring for years (issue 11): files that are not Kring's are refused, backups restore, a restored database
/// without its key is refused, and an interrupted erasure is finished by the next command.
@Suite(.timeLimit(.minutes(10))) struct OperationsTests {
    @Test func anEmptyFileIsRefusedUntilInitCreatesTheDatabaseInIt() throws {
        let sandbox = try KringSandbox()
        #expect(
            FileManager.default.createFile(
                atPath: sandbox.databasePath, contents: Data(), attributes: [.posixPermissions: 0o600]))
        let refused = try sandbox.run(["group", "list"])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("db '\(sandbox.databasePath)'") && refused.stderr.contains("empty file"))
        #expect(sandbox.rawBytes().isEmpty, "the refused command wrote into the file")
        try sandbox.ok(["init"])
        #expect(try sandbox.ok(["group", "list", "--format", "json"]).array().isEmpty)
    }

    @Test func anotherApplicationsDatabaseAndANewerKringsAreRefusedUnchanged() throws {
        let sandbox = try KringSandbox()
        let other = try DatabaseQueue(path: sandbox.databasePath)
        try other.write { try $0.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)") }
        try other.close()
        // Private like a Kring database, so the refusal is about what the file is, not who can read it.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: sandbox.databasePath)
        let before = sandbox.rawBytes()
        for command in [["group", "list"], ["init"]] {
            let refused = try sandbox.run(command)
            #expect(refused.status == 78)
            #expect(refused.stderr.contains("another application's SQLite database"), "\(refused.stderr)")
        }
        #expect(sandbox.rawBytes() == before)

        let newer = try KringSandbox()
        try newer.ok(["init"])
        let queue = try DatabaseQueue(path: newer.databasePath)
        try queue.write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')")
        }
        try queue.close()
        let refused = try newer.run(["group", "list"])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("newer Kring (migration 9999_from_the_future)"), "\(refused.stderr)")
    }

    @Test func aBackupRestoresOnAnotherPathOnlyWithItsKey() throws {
        let sandbox = try CLITourTests.plannedGroup()
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Stille Eik",
            "--relation", "partner", "--contact", canary,
        ])
        let backup = sandbox.folder.appendingPathComponent("backup.sqlite").path
        let made = try sandbox.ok(["backup", "--out", backup, "--format", "json"]).object()
        #expect((made["rows"] as? Int ?? 0) > 0)
        let mode = try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // A second backup to the same file is refused rather than overwriting it.
        #expect(try sandbox.run(["backup", "--out", backup]).status == 67)

        // Another machine without the key: refused, nothing restored, and init refuses to make a new key for it.
        let elsewhere = sandbox.folder.appendingPathComponent("elsewhere")
        let restored = elsewhere.appendingPathComponent("kring.sqlite").path
        let otherKey = elsewhere.appendingPathComponent("key").path
        let withoutKey = try sandbox.run(
            ["restore", "--from", backup, "--db", restored], environment: ["KRING_KEY_FILE": otherKey])
        #expect(withoutKey.status == 78)
        #expect(withoutKey.stderr.contains("nothing was restored"), "\(withoutKey.stderr)")
        #expect(!FileManager.default.fileExists(atPath: restored))
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        #expect(
            FileManager.default.createFile(
                atPath: restored, contents: try Data(contentsOf: URL(fileURLWithPath: backup)),
                attributes: [.posixPermissions: 0o600]))
        let initWithoutKey = try sandbox.run(["init", "--db", restored], environment: ["KRING_KEY_FILE": otherKey])
        #expect(initWithoutKey.status == 78)
        #expect(initWithoutKey.stderr.contains("restore that key file"), "\(initWithoutKey.stderr)")
        #expect(!FileManager.default.fileExists(atPath: otherKey))
        try FileManager.default.removeItem(atPath: restored)

        // With its key, the restore opens and holds the participant.
        try FileManager.default.copyItem(atPath: sandbox.keyPath, toPath: otherKey)
        try sandbox.ok(["restore", "--from", backup, "--db", restored], environment: ["KRING_KEY_FILE": otherKey])
        let listing = try sandbox.run(
            ["participant", "list", "--db", restored, "--format", "json"], environment: ["KRING_KEY_FILE": otherKey])
        #expect(listing.succeeded)
        #expect(try listing.array().map { $0["pseudonym"] as? String } == ["Stille Eik"])
        // Restoring over an existing database is refused.
        #expect(try sandbox.run(["restore", "--from", backup, "--db", restored]).status == 67)
    }

    /// A write that cannot get the lock fails within the configured time, saying the database is busy, and changes
    /// nothing (it used to wait 60 s and say only "the change could not be stored").
    @Test func aWriteThatCannotGetTheLockSaysTheDatabaseIsBusy() throws {
        let sandbox = try CLITourTests.plannedGroup()
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true  // the lock is held across two accesses on purpose
        let holder = try DatabaseQueue(path: sandbox.databasePath, configuration: unsafe)
        try holder.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let refused = try sandbox.run(
            ["participant", "enrol", "--group", "gent-partners", "--pseudonym", "Stille Eik", "--relation", "partner"],
            environment: ["KRING_BUSY_TIMEOUT": "0.5"])
        try holder.inDatabase { try $0.execute(sql: "ROLLBACK") }
        try holder.close()
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("the database is busy"), "\(refused.stderr)")
        #expect(try sandbox.ok(["participant", "list", "--format", "json"]).array().isEmpty)
    }

    /// `kill -9` at random moments of `withdraw --erase`: whatever was interrupted, the next command finishes the
    /// erasure, and the files then hold the pseudonym only if the participant still exists.
    @Test func killedErasuresAreFinishedByTheNextCommand() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<6 {
            let sandbox = try CLITourTests.plannedGroup()
            let pseudonym = "Verdwenen Vlinder"
            try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--pseudonym", pseudonym,
                "--relation", "partner",
            ])
            try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Blijvende Beuk",
                "--relation", "parent",
            ])
            let running = try sandbox.start(
                ["participant", "withdraw", pseudonym, "--erase", "--yes"], environment: ["KRING_LOG_LEVEL": "critical"]
            )
            // Round 0 lets it finish; the others are killed somewhere between start and end.
            if round > 0 { usleep(UInt32.random(in: 0...120_000, using: &generator)) }
            if round > 0 { kill(running.process.processIdentifier, SIGKILL) }
            _ = running.wait()
            let status = try sandbox.run(["participant", "erase-status", "--format", "json"])
            let stillThere = try sandbox.ok(["participant", "list", "--format", "json"]).array()
                .contains { $0["pseudonym"] as? String == pseudonym }
            if !stillThere {
                #expect(status.succeeded, "round \(round): \(status.stderr)")
                for suffix in ["", "-wal", "-shm"] {
                    #expect(
                        !sandbox.rawBytes(suffix).contains(pseudonym),
                        "round \(round): pseudonym in kring.sqlite\(suffix)")
                }
            }
        }
    }
}
