import Foundation
import KringTestSupport
import Testing

/// The README's tour, command by command, through the real binary.
@Suite(.timeLimit(.minutes(10))) struct CLITourTests {
    /// A database with one open group of capacity 3 and a fortnightly series.
    static func plannedGroup() throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "gent-partners", "--audience", "partners", "--language", "nl",
            "--capacity", "3", "--minimum", "2", "--venue", "Gent",
        ])
        try sandbox.ok([
            "series", "add", "--group", "gent-partners", "--start", "2027-01-12T19:00", "--duration", "120",
            "--rrule", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10",
        ])
        try sandbox.ok(["group", "open", "gent-partners"])
        return sandbox
    }

    @Test func initCreatesDatabaseAndPrivateKeyAndIsSafeToRepeat() throws {
        let sandbox = try KringSandbox()
        let first = try sandbox.ok(["init", "--format", "json"]).object()
        #expect(first["databaseCreated"] as? Bool == true)
        #expect(first["keyCreated"] as? Bool == true)
        let mode = try FileManager.default.attributesOfItem(atPath: sandbox.keyPath)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let key = try String(contentsOfFile: sandbox.keyPath, encoding: .utf8)
        let second = try sandbox.ok(["init", "--format", "json"]).object()
        #expect(second["databaseCreated"] as? Bool == false)
        #expect(second["keyCreated"] as? Bool == false)
        #expect(try String(contentsOfFile: sandbox.keyPath, encoding: .utf8) == key)
    }

    @Test func groupGetsNeutralTitleAndJSONHasIds() throws {
        let sandbox = try Self.plannedGroup()
        let group = try sandbox.ok(["group", "show", "gent-partners", "--format", "json"]).object()
        #expect(group["title"] as? String == "Gespreksgroep")
        #expect(group["titleIsDefault"] as? Bool == true)
        #expect(group["state"] as? String == "open")
        #expect(group["sessions"] as? Int == 10)
        #expect(group["id"] as? Int == 1)
        let list = try sandbox.ok(["group", "list", "--format", "json"]).array()
        #expect(list.count == 1)
        let table = try sandbox.ok(["group", "list"]).stdout
        #expect(table.contains("gent-partners"))
        #expect(table.contains("0/3"))
    }

    @Test func sessionsListMoveAndCancelBumpTheChangeCounter() throws {
        let sandbox = try Self.plannedGroup()
        let sessions = try sandbox.ok(["session", "list", "--group", "gent-partners", "--format", "json"]).array()
        #expect(sessions.count == 10)
        #expect(sessions[0]["start"] as? String == "2027-01-12T19:00:00+01:00")
        let id = String(sessions[2]["id"] as! Int)
        let moved = try sandbox.ok(["session", "move", id, "--to", "2027-02-10T19:00", "--format", "json"]).object()
        #expect(moved["status"] as? String == "moved")
        #expect(moved["start"] as? String == "2027-02-10T19:00:00+01:00")
        #expect(moved["originalStart"] as? String == "2027-02-09T19:00:00+01:00")
        #expect(moved["changeCount"] as? Int == 1)
        let cancelled = try sandbox.ok(["session", "cancel", "--yes", id, "--format", "json"]).object()
        #expect(cancelled["status"] as? String == "cancelled")
        #expect(cancelled["changeCount"] as? Int == 2)
        let window = try sandbox.ok([
            "session", "list", "--from", "2027-01-12", "--to", "2027-01-26", "--format", "json",
        ]).array()
        #expect(window.map { $0["start"] as? String } == ["2027-01-12T19:00:00+01:00", "2027-01-26T19:00:00+01:00"])
    }

    @Test func enrolmentFillsSeatsThenWaitlistsAndWithdrawalPromotes() throws {
        let sandbox = try Self.plannedGroup()
        var states: [String] = []
        for name in ["Stille Eik", "Blauwe Reiger", "Zachte Duin", "Heldere Kreek", "Warme Linde"] {
            let view = try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--pseudonym", name, "--relation", "partner",
                "--format", "json",
            ]).object()
            states.append("\(view["state"]!)\(view["waitlistPosition"].map { " \($0)" } ?? "")")
        }
        #expect(states == ["enrolled", "enrolled", "enrolled", "waitlisted 1", "waitlisted 2"])
        let change = try sandbox.ok(["participant", "withdraw", "--yes", "Blauwe Reiger", "--format", "json"]).object()
        let promoted = change["promoted"] as? [[String: Any]]
        #expect(promoted?.map { $0["pseudonym"] as? String } == ["Heldere Kreek"])
        let roster = try sandbox.ok(["roster", "--group", "gent-partners", "--format", "json"]).object()
        let enrolled = (roster["enrolled"] as? [[String: Any]])?.compactMap { $0["pseudonym"] as? String }
        #expect(enrolled == ["Stille Eik", "Zachte Duin", "Heldere Kreek"])
        let waitlist = (roster["waitlist"] as? [[String: Any]])?.compactMap { $0["pseudonym"] as? String }
        #expect(waitlist == ["Warme Linde"])
    }

    @Test func generatedPseudonymsAreReadableAndUnique() throws {
        let sandbox = try Self.plannedGroup()
        try sandbox.ok(["group", "update", "gent-partners", "--capacity", "30"])
        var seen: Set<String> = []
        for _ in 0..<12 {
            let view = try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--relation", "parent", "--format", "json",
            ]).object()
            let pseudonym = try #require(view["pseudonym"] as? String)
            #expect(pseudonym.split(separator: " ").count >= 2)
            #expect(!seen.contains(pseudonym.lowercased()))
            seen.insert(pseudonym.lowercased())
        }
    }

    @Test func onePersonInTwoGroupsButKeepApartIsRefused() throws {
        let sandbox = try Self.plannedGroup()
        try sandbox.ok([
            "group", "create", "--name", "online-avond", "--audience", "mixed", "--language", "nl", "--capacity", "5",
            "--online", "https://meet.example.org/x",
        ])
        try sandbox.ok(["group", "open", "online-avond"])
        for name in ["Stille Eik", "Blauwe Reiger"] {
            try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--pseudonym", name, "--relation", "partner",
            ])
        }
        let both = try sandbox.ok([
            "participant", "enrol", "--group", "online-avond", "--participant", "Stille Eik", "--format", "json",
        ]).object()
        #expect(both["state"] as? String == "enrolled")
        let twice = try sandbox.run(["participant", "enrol", "--group", "online-avond", "--participant", "Stille Eik"])
        #expect(!twice.succeeded)
        #expect(twice.stderr.contains("already enrolled"))
        try sandbox.ok(["participant", "keep-apart", "Stille Eik", "Blauwe Reiger"])
        let before = try sandbox.dump()
        let refused = try sandbox.run([
            "participant", "enrol", "--group", "online-avond", "--participant", "Blauwe Reiger",
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("keep-apart"))
        #expect(refused.stderr.contains("Stille Eik"))
        #expect(try sandbox.dump() == before)
        let withdrawAmbiguous = try sandbox.run(["participant", "withdraw", "Stille Eik"])
        #expect(withdrawAmbiguous.stderr.contains("--group"))
    }

    @Test func attendanceAndRosterPerSession() throws {
        let sandbox = try Self.plannedGroup()
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Stille Eik", "--relation", "partner",
        ])
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Zachte Duin", "--relation", "partner",
        ])
        let early = try sandbox.run([
            "attendance", "mark", "--session", "1", "--participant", "Stille Eik", "--status", "present",
        ])
        #expect(early.status != 0)
        #expect(early.stderr.contains("not started"))
        sandbox.now = "2027-01-12T20:00:00Z"
        try sandbox.ok(["attendance", "mark", "--session", "1", "--participant", "Stille Eik", "--status", "present"])
        try sandbox.ok(["attendance", "mark", "--session", "1", "--participant", "Zachte Duin", "--status", "excused"])
        let roster = try sandbox.ok(["roster", "--group", "gent-partners", "--session", "1", "--format", "json"])
            .object()
        let members = try #require(roster["enrolled"] as? [[String: Any]])
        #expect(members.map { $0["attendance"] as? String } == ["present", "excused"])
        #expect(members.map { $0["present"] as? Int } == [1, 0])
        let session = try #require(roster["session"] as? [String: Any])
        #expect(session["status"] as? String == "held")
    }

    @Test func facilitatorsAreRegisteredAndListed() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "facilitator", "add", "--name", "An Claes", "--languages", "nl,fr", "--lead", "--audiences",
            "partners,parents", "--max-per-month", "4",
        ])
        let list = try sandbox.ok(["facilitator", "list", "--format", "json"]).array()
        #expect(list.count == 1)
        #expect(list[0]["languages"] as? [String] == ["nl", "fr"])
        #expect(list[0]["lead"] as? Bool == true)
        #expect(list[0]["maxPerMonth"] as? Int == 4)
    }

    @Test func everyCommandsHelpCarriesAnExample() throws {
        let sandbox = try KringSandbox()
        let commands: [[String]] = [
            [], ["init"], ["group", "create"], ["group", "list"], ["group", "show"], ["group", "update"],
            ["group", "open"], ["group", "start"], ["group", "close"], ["series", "add"], ["session", "list"],
            ["session", "move"], ["session", "cancel"], ["participant", "enrol"], ["participant", "list"],
            ["participant", "withdraw"], ["participant", "keep-apart"], ["facilitator", "add"],
            ["facilitator", "list"],
            ["roster"], ["attendance", "mark"], ["import"], ["demo"],
        ]
        for command in commands {
            let help = try sandbox.run(command + ["--help"])
            #expect(help.succeeded, "\(command)")
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
        }
    }

    @Test func demoPrintsGroupsNextSessionsAndARoster() throws {
        let sandbox = try KringSandbox()
        let path = sandbox.folder.appendingPathComponent("demo.sqlite").path
        let demo = try sandbox.ok(["demo", "--db", path, "--format", "json"]).object()
        let groups = try #require(demo["groups"] as? [[String: Any]])
        #expect(groups.count == 4)
        for group in groups {
            let sessions = try #require(group["sessions"] as? Int)
            #expect((10...14).contains(sessions), "\(group["name"]!) has \(sessions) sessions")
        }
        #expect(groups.contains { ($0["waitlisted"] as? Int ?? 0) > 0 })
        #expect((demo["nextSessions"] as? [Any])?.isEmpty == false)
        #expect(((demo["roster"] as? [String: Any])?["enrolled"] as? [Any])?.isEmpty == false)
        let again = try sandbox.run(["demo", "--db", path])
        #expect(again.status != 0)
        let table = try sandbox.ok(["demo"]).stdout
        #expect(table.contains("Next sessions"))
    }
}
