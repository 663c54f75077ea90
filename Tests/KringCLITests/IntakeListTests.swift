import Foundation
import KringTestSupport
import Testing

/// `kring participant enrol-csv`: the intake list of a programme, in one process and one transaction, all or nothing.
@Suite(.timeLimit(.minutes(10))) struct IntakeListTests {
    static let relations = ["partner", "parent", "child", "sibling", "other-family", "friend", "other"]

    /// 25 people over two groups of 10 seats, in Excel's semicolon CSV with a byte order mark and quoted fields.
    static func excelList(canary: String) -> String {
        var lines = ["pseudonym;relation;language;contact;group"]
        for index in 1...25 {
            let group = index <= 15 ? "gent-avond" : "\"brugge; online\""
            let contact = index == 7 ? canary : (index % 3 == 0 ? "" : "deelnemer\(index)@example.org")
            lines.append("\"Intake \(index) Eik\";\(relations[index % 7]);nl;\(contact);\(group)")
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    func programme() throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        for name in ["gent-avond", "brugge; online"] {
            try sandbox.ok([
                "group", "create", "--name", name, "--audience", "parents", "--language", "nl", "--capacity", "10",
            ])
            try sandbox.ok(["group", "open", name])
        }
        return sandbox
    }

    func write(_ text: String, in sandbox: KringSandbox, name: String = "intake.csv") throws -> URL {
        let url = sandbox.folder.appendingPathComponent(name)
        #expect(
            FileManager.default.createFile(
                atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        return url
    }

    @Test func twentyFivePeopleFromStdinInOneTransactionWithAReportPerLineAndNoAddressInTheLogs() throws {
        let sandbox = try programme()
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        let list = try write(Self.excelList(canary: canary), in: sandbox)
        var environment = sandbox.environment
        environment["KRING_LOG_LEVEL"] = "trace"
        let run = try ProcessRunner.run(
            KringSandbox.binary, ["participant", "enrol-csv", "-", "--format", "json"], environment: environment,
            stdin: list)
        #expect(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
        let view = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        let lines = try #require(view["lines"] as? [[String: Any]])
        #expect(lines.count == 25)
        #expect(lines.map { $0["line"] as? Int } == (2...26).map { $0 })
        #expect(lines.filter { $0["outcome"] as? String == "enrolled" }.count == 20)
        #expect(lines.filter { $0["outcome"] as? String == "waitlisted" }.count == 5)
        #expect(lines.last?["group"] as? String == "brugge; online")
        #expect(lines.last?["waitlistPosition"] as? Int == nil)
        #expect(lines[14]["group"] as? String == "gent-avond")
        #expect(lines[14]["waitlistPosition"] as? Int == 5)

        // No address and no pseudonym in any log line at trace level; the canary is nowhere in the files.
        let (logs, _) = TraceLogCheck.split(String(decoding: run.stderr, as: UTF8.self))
        #expect(!logs.isEmpty)
        var personal = (1...25).map { "Intake \($0) Eik" } + [canary]
        personal += (1...25).map { "deelnemer\($0)@example.org" }
        #expect(TraceLogCheck.leaks(in: logs, arguments: personal).isEmpty, "\(logs)")
        for suffix in ["", "-wal"] {
            #expect(CanaryScan.traces(of: canary, in: sandbox.rawBytes(suffix), where: "db\(suffix)").isEmpty)
        }

        // One operation, one transaction: one audit entry for the whole list.
        let audit = try sandbox.ok(["audit", "--operation", "enrolFromList", "--format", "json"]).array()
        #expect(audit.count == 1)

        // Running the same list again changes nothing and says so per line.
        let before = try sandbox.dump()
        let again = try sandbox.ok(["participant", "enrol-csv", list.path])
        #expect(again.stdout.contains("line 2: Intake 1 Eik"))
        #expect(again.stdout.contains("already enrolled — unchanged"))
        #expect(again.stdout.contains("already waitlisted — unchanged"))
        #expect(again.stdout.contains("25 lines: 0 enrolled, 0 waitlisted, 25 unchanged"))
        #expect(try sandbox.dump() == before)
    }

    @Test func oneBadLineRefusesTheWholeListNamingTheLineFieldAndValue() throws {
        let sandbox = try programme()
        var text = Self.excelList(canary: "eerste@example.org").replacingOccurrences(of: "\r\n", with: "\n")
        text = text.replacingOccurrences(of: "deelnemer20@example.org", with: "x;y@example.org")
        // Quoted, because the separator is a semicolon: the bad address is one field.
        text = text.replacingOccurrences(of: ";x;y@example.org;", with: ";\"x;y@example.org\";")
        let list = try write(text, in: sandbox)
        let refusal = try sandbox.expectRefused(
            ["participant", "enrol-csv", list.path], mentioning: ["line 21 contact", "x;y@example.org", "';'"])
        #expect(!refusal.stderr.contains("Intake 1 Eik"))
        let participants = try sandbox.ok(["participant", "list", "--format", "json"]).array()
        #expect(participants.isEmpty)
    }

    @Test func aRuleBrokenHalfwayRollsBackEveryEarlierLine() throws {
        let sandbox = try programme()
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-avond", "--pseudonym", "Stille Eik", "--relation", "partner",
        ])
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-avond", "--pseudonym", "Rode Vos", "--relation", "partner",
        ])
        try sandbox.ok(["participant", "keep-apart", "Stille Eik", "Rode Vos"])
        try sandbox.ok(["participant", "withdraw", "--yes", "Rode Vos"])
        let list = try write(
            "pseudonym,relation,group\nNieuwe Reiger,parent,gent-avond\nRode Vos,partner,gent-avond\n", in: sandbox)
        try sandbox.expectRefused(
            ["participant", "enrol-csv", list.path], mentioning: ["line 3 participant", "keep-apart"])
    }

    @Test(arguments: [
        ("pseudonym,relation,grup\nA Eik,parent,g\n", ["line 1 column 3", "grup"]),
        ("pseudonym,relation,group\nStille Eik,cousin,gent-avond\n", ["line 2 relation", "cousin"]),
        ("pseudonym,relation,group\nStille Eik,parent,nergens\n", ["line 2 group", "nergens"]),
        (
            "pseudonym,relation,group\nStille Eik,parent,gent-avond\nStille Eik,parent,gent-avond\n",
            ["line 3 pseudonym", "repeats line 2"]
        ),
        ("pseudonym,relation,group\n\"Stille Eik,parent,gent-avond\n", ["line 2", "never closed"]),
        ("pseudonym,relation,group\nStille Eik,parent\n", ["line 2", "2 fields"]),
        // A look-alike (Cyrillic і in a Latin word) is refused as at single enrolment.
        ("pseudonym,relation,group\nSt\u{0456}lle Eik,parent,gent-avond\n", ["line 2 pseudonym"]),
        // One address, two people: the second line is refused, the first rolled back with it.
        (
            "pseudonym,relation,contact,group\nStille Eik,parent,een@example.org,gent-avond\n"
                + "Rode Vos,parent,een@example.org,gent-avond\n", ["line 3 contact", "een@example.org"]
        ),
    ])
    func malformedListsAreRefusedNamingWhere(text: String, mentions: [String]) throws {
        let sandbox = try programme()
        let list = try write(text, in: sandbox)
        try sandbox.expectRefused(["participant", "enrol-csv", list.path], mentioning: mentions)
    }

    /// Excel may write `sep=;` first; the lines keep their numbers in the file.
    @Test func anExcelSeparatorLineIsHonoured() throws {
        let sandbox = try programme()
        let list = try write(
            "sep=;\npseudonym;relation;group\nKever 1;parent;gent-avond\nKever 2;cousin;gent-avond\n", in: sandbox)
        try sandbox.expectRefused(["participant", "enrol-csv", list.path], mentioning: ["line 4 relation", "cousin"])
        let good = try write(
            "sep=;\npseudonym;relation;group\nKever 1;parent;gent-avond\n", in: sandbox, name: "good.csv")
        #expect(try sandbox.ok(["participant", "enrol-csv", good.path]).stdout.contains("line 3: Kever 1"))
    }

    @Test func aFileThatIsNotUTF8IsRefused() throws {
        let sandbox = try programme()
        let url = sandbox.folder.appendingPathComponent("latin1.csv")
        FileManager.default.createFile(
            atPath: url.path,
            contents: Data(
                "pseudonym,relation,group\nJos\u{E9},parent,gent-avond\n".utf8.map { $0 }.filter { $0 != 0xC3 }),
            attributes: [.posixPermissions: 0o600])
        try sandbox.expectRefused(["participant", "enrol-csv", url.path], mentioning: ["file", "UTF-8"])
    }
}
