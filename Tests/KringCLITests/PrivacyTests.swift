import Crypto
import Foundation
import KringStorage
import KringTestSupport
import Testing

/// The rules of privacy.md that the CLI and its database file must keep.
@Suite(.timeLimit(.minutes(10))) struct PrivacyTests {
    static func enrolCanary(_ sandbox: KringSandbox) throws -> String {
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Kanarie Vogel", "--relation", "friend",
            "--contact", canary,
        ])
        return canary
    }

    /// Rule 2 and 4: no trace of the address, nor its plain SHA-256, in the file or its write-ahead log.
    @Test func canaryContactLeavesNoTraceInDatabaseOrLog() throws {
        let sandbox = try CLITourTests.plannedGroup()
        let canary = try Self.enrolCanary(sandbox)
        #expect(CanaryScan.traces(of: canary, inDatabase: sandbox.databasePath) == [])
        let listing = try sandbox.ok(["participant", "list", "--format", "json"]).stdout
        #expect(!listing.contains(canary))
        #expect(listing.contains("\"hasContact\" : true"))
    }

    /// Rule 3: the key is not in the database, and without it Kring refuses to run on sealed data.
    @Test func keyStaysOutOfDatabaseAndItsAbsenceStopsKring() throws {
        let sandbox = try CLITourTests.plannedGroup()
        _ = try Self.enrolCanary(sandbox)
        let keyText = try String(contentsOfFile: sandbox.keyPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let keyBytes = try #require(Data(base64Encoded: keyText))
        for suffix in ["", "-wal"] {
            #expect(!sandbox.rawBytes(suffix).contains(keyText))
            #expect(sandbox.rawBytes(suffix).range(of: keyBytes) == nil)
        }
        let moved = sandbox.keyPath + ".away"
        try FileManager.default.moveItem(atPath: sandbox.keyPath, toPath: moved)
        let refused = try sandbox.run(["group", "list"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("key"))
        #expect(refused.stderr.split(separator: "\n").count == 1)

        // `kring init` will not make a new key for a database that holds sealed contacts.
        let initWithNewKey = try sandbox.run(["init"])
        #expect(initWithNewKey.status == 78)
        #expect(initWithNewKey.stderr.contains("restore that key file"), "\(initWithNewKey.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.keyPath))
        // A different key is refused too: it does not open what is stored.
        let otherKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() + "\n"
        #expect(
            FileManager.default.createFile(
                atPath: sandbox.keyPath, contents: Data(otherKey.utf8), attributes: [.posixPermissions: 0o600]))
        let wrongKey = try sandbox.run(["group", "list"])
        #expect(wrongKey.status != 0)
        #expect(wrongKey.stderr.contains("does not open"))
        try FileManager.default.removeItem(atPath: sandbox.keyPath)
        try FileManager.default.moveItem(atPath: moved, toPath: sandbox.keyPath)
        try sandbox.ok(["group", "list"])
    }

    @Test func keyFileReadableByOthersIsRefused() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: sandbox.keyPath)
        let refused = try sandbox.run(["group", "list"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("chmod 600"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: sandbox.keyPath)
        try sandbox.ok(["group", "list"])
    }

    /// Rule 9: erasure really erases, in the main file and in the log.
    @Test func erasureLeavesNoTraceOfPseudonymOrContact() throws {
        let sandbox = try CLITourTests.plannedGroup()
        let canary = try Self.enrolCanary(sandbox)
        let before = sandbox.rawBytes() + sandbox.rawBytes("-wal")
        #expect(before.contains("Kanarie Vogel"))
        try sandbox.ok(["participant", "withdraw", "--yes", "Kanarie Vogel", "--erase"])
        for suffix in ["", "-wal"] {
            let bytes = sandbox.rawBytes(suffix)
            #expect(!bytes.contains("Kanarie Vogel"), "pseudonym left in kring.sqlite\(suffix)")
            #expect(!bytes.contains(canary))
        }
        #expect(sandbox.rawBytes("-wal").count == 0)
        let gone = try sandbox.run(["participant", "withdraw", "Kanarie Vogel"])
        #expect(gone.status != 0)
    }

    /// Rule 1: the schema holds the minimum; no column could take a legal name, notes or an IP address.
    @Test func schemaHasNoColumnForNamesNotesOrAddresses() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        let columns = try KringStore.open(path: sandbox.databasePath, create: false).columnNames()
        let participantColumns = Set(columns.filter { $0.hasPrefix("participant.") })
        #expect(
            participantColumns == [
                "participant.id", "participant.pseudonym", "participant.relation", "participant.language",
                "participant.contact_ciphertext", "participant.contact_lookup", "participant.created_at",
            ])
        let forbidden: Set<Substring> = [
            "firstname", "lastname", "given", "legal", "surname", "birth", "note", "notes", "comment", "ip",
            "address", "phone", "email", "street",
        ]
        let namedOnPurpose: Set<String> = ["support_group.internal_name", "facilitator.display_name"]
        for column in columns where !namedOnPurpose.contains(column) {
            let words = Set(column.split(separator: ".").last!.split(separator: "_"))
            #expect(words.isDisjoint(with: forbidden), "column \(column) could hold personal data")
            #expect(!words.contains("name"), "column \(column) could hold a name")
        }
    }
}

/// Rule 10: past the retention period, participants whose groups ended are purged without anyone asking.
@Suite(.timeLimit(.minutes(10))) struct RetentionTests {
    @Test func participantsArePurgedOnceRetentionHasPassed() throws {
        let sandbox = try CLITourTests.plannedGroup()
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Oude Wilg", "--relation", "partner",
        ])
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Jonge Berk", "--relation", "partner",
        ])
        try sandbox.ok(["participant", "withdraw", "--yes", "Oude Wilg"])
        sandbox.now = "2027-06-01T09:00:00Z"
        let listed = try sandbox.ok(["participant", "list", "--format", "json"]).array()
        #expect(listed.compactMap { $0["pseudonym"] as? String } == ["Oude Wilg", "Jonge Berk"])
        sandbox.now = "2028-01-02T09:00:00Z"
        let later = try sandbox.ok(["participant", "list", "--format", "json"]).array()
        #expect(later.compactMap { $0["pseudonym"] as? String } == ["Jonge Berk"])
        #expect(!sandbox.rawBytes().contains("Oude Wilg"))
        #expect(!sandbox.rawBytes("-wal").contains("Oude Wilg"))
    }
}

/// Rule 6: at trace level, no log line carries a pseudonym, a contact, or an IP address.
@Suite(.timeLimit(.minutes(10))) struct LogPrivacyTests {
    /// Every `KringSandbox.run` of the suite goes through `TraceLogCheck`: it sees real log lines, and it fails on
    /// a line that carries what the command was given.
    @Test func theSuiteWideTraceCheckSeesLogLinesAndCatchesALeak() throws {
        let sandbox = try KringSandbox()
        let raw = try sandbox.start(["init"], environment: ["KRING_LOG_LEVEL": "trace"]).wait()
        let (logs, messages) = TraceLogCheck.split(raw.stderr)
        #expect(!logs.isEmpty, "no trace lines recognised in: \(raw.stderr)")
        #expect(!messages.contains("trace"))
        let arguments = ["participant", "enrol", "--pseudonym", "Stille Eik", "--contact", "eik@example.org"]
        let leak = logs[0] + " pseudonym=Stille Eik contact=eik@example.org"
        #expect(TraceLogCheck.leaks(in: [leak], arguments: arguments).count == 2)
        #expect(TraceLogCheck.leaks(in: [logs[0] + " peer=192.0.2.4"], arguments: ["init"]).count == 1)
        #expect(TraceLogCheck.leaks(in: logs, arguments: arguments).isEmpty)
    }

    @Test func traceLogsCarryNoPersonalData() throws {
        let sandbox = try KringSandbox()
        let trace = ["KRING_LOG_LEVEL": "trace"]
        var logs = ""
        func run(_ arguments: [String]) throws {
            let result = try sandbox.run(arguments, environment: trace)
            #expect(result.succeeded, "\(arguments): \(result.stderr)")
            logs += result.stderr
        }
        try run(["init"])
        try run([
            "group", "create", "--name", "log-groep", "--audience", "partners", "--language", "nl", "--capacity", "2",
        ])
        try run([
            "series", "add", "--group", "log-groep", "--start", "2027-01-12T19:00", "--duration", "90", "--rrule",
            "FREQ=WEEKLY;COUNT=3",
        ])
        try run(["group", "open", "log-groep"])
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        try run([
            "participant", "enrol", "--group", "log-groep", "--pseudonym", "Geheime Reiger", "--relation", "partner",
            "--contact", canary,
        ])
        try run([
            "participant", "enrol", "--group", "log-groep", "--pseudonym", "Verborgen Eik", "--relation", "partner",
        ])
        try run([
            "participant", "enrol", "--group", "log-groep", "--pseudonym", "Stille Wachter", "--relation", "parent",
        ])
        try run(["participant", "withdraw", "--yes", "Geheime Reiger", "--erase"])
        try run(["roster", "--group", "log-groep"])
        #expect(logs.contains("participant enrolled"), "trace logging did not run: \(logs)")
        for secret in [canary, "Geheime Reiger", "Verborgen Eik", "Stille Wachter"] {
            #expect(!logs.contains(secret), "log carries \(secret)")
        }
        let ipv4 = try Regex(#"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"#)
        #expect(logs.firstMatch(of: ipv4) == nil)
    }
}
