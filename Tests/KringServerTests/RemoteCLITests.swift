import Foundation
import KringApp
import KringSecrets
import KringStorage
import KringTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The issue's "done when": a real `kring serve`, a facilitator token, and the CLI from another shell with only
/// the URL and the token, printing what the same command prints locally.
@Suite(.timeLimit(.minutes(10))) struct RemoteCLITests {
    static var binary: URL { KringBinary.url }

    static func kring(_ arguments: [String], environment: [String: String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KRING_") }
            .merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice  // a script: confirmations need --yes
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    @Test func facilitatorRunsRosterThroughARealKringServe() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let local = [
            "KRING_DB": harness.configuration.databasePath, "KRING_KEY_FILE": harness.configuration.keyFile.path,
            "KRING_NOW": ServerHarness.now, "KRING_LOG_LEVEL": "trace",
        ]
        let facilitator = try harness.token(.facilitator, "An Claes")
        let coordinator = try harness.token(.coordinator)

        let (serve, url, err) = try Self.serve(environment: local)
        defer { if serve.isRunning { serve.terminate() } }
        #expect(url.hasPrefix("http://127.0.0.1:"))

        // Only the URL and the token: no database, no key.
        let remote = ["KRING_SERVER": url, "KRING_TOKEN": facilitator, "KRING_NOW": ServerHarness.now]
        let remoteRoster = try Self.kring(["roster", "--group", "avond-a"], environment: remote)
        let localRoster = try Self.kring(["roster", "--group", "avond-a"], environment: local)
        #expect(remoteRoster.0 == 0, "\(remoteRoster.2)")
        #expect(remoteRoster.1 == localRoster.1)
        let remoteJSON = try Self.kring(["roster", "--group", "avond-a", "--format", "json"], environment: remote)
        let localJSON = try Self.kring(["roster", "--group", "avond-a", "--format", "json"], environment: local)
        #expect(remoteJSON.1 == localJSON.1)

        // Another group is unknown to this token, with the same one line and exit code as a missing group.
        let hidden = try Self.kring(["roster", "--group", "avond-b"], environment: remote)
        let missing = try Self.kring(["roster", "--group", "avond-zzz"], environment: local)
        #expect(hidden.0 == 66)
        #expect(hidden.2 == missing.2.replacingOccurrences(of: "avond-zzz", with: "avond-b"))
        let forbidden = try Self.kring(
            [
                "group", "create", "--name", "x1", "--audience", "partners", "--language", "nl",
                "--capacity", "4",
            ], environment: remote)
        #expect(forbidden.0 != 0)
        #expect(forbidden.2.split(separator: "\n").count == 1)

        // The coordinator's remote commands print what local ones print.
        let asCoordinator = ["KRING_SERVER": url, "KRING_TOKEN": coordinator, "KRING_NOW": ServerHarness.now]
        for arguments in [
            ["group", "list"], ["group", "show", "avond-a"], ["session", "list", "--group", "avond-b"],
            ["participant", "list", "--group", "avond-a"], ["facilitator", "list"],
            ["report", "--year", "2026"], ["report", "--year", "2027", "--format", "csv", "--language", "fr"],
            ["report", "--year", "2027", "--format", "html"],
        ] {
            let there = try Self.kring(arguments, environment: asCoordinator)
            let here = try Self.kring(arguments, environment: local)
            #expect(there.0 == 0, "\(arguments): \(there.2)")
            #expect(there.1 == here.1, "\(arguments)")
        }
        let enrolled = try Self.kring(
            ["participant", "enrol", "--group", "avond-b", "--pseudonym", "Witte Uil", "--relation", "friend"],
            environment: asCoordinator)
        #expect(enrolled.1 == "Witte Uil (participant 5): enrolled in avond-b\n", "\(enrolled.2)")
        let marked = try Self.kring(
            [
                "attendance", "mark", "--session", "\(world.sessionA.id)", "--participant", "Stille Eik", "--status",
                "excused",
            ],
            environment: ["KRING_SERVER": url, "KRING_TOKEN": facilitator])
        #expect(marked.0 == 0, "\(marked.2)")
        let withdrawn = try Self.kring(
            ["participant", "withdraw", "Witte Uil", "--group", "avond-b", "--reason", "helped", "--yes"],
            environment: asCoordinator)
        #expect(withdrawn.1 == "Witte Uil (participant 5): withdrawn in avond-b\n", "\(withdrawn.2)")
        let bad = try Self.kring(["group", "list"], environment: ["KRING_SERVER": url, "KRING_TOKEN": "nope"])
        #expect(bad.0 == 78)

        // The feed, as a calendar app would subscribe to it.
        let feed = try await harness.session.data(from: URL(string: "\(url)/feeds/\(facilitator).ics")!)
        #expect((feed.1 as? HTTPURLResponse)?.statusCode == 200)

        // SIGTERM: a graceful stop, exit 0.
        serve.terminate()
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
        let logs = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(logs.contains("http.route=/api/groups/{group}/roster"))
        for secret in world.pseudonymsA + world.pseudonymsB + [world.canary, facilitator, coordinator, "Witte Uil"] {
            #expect(!logs.contains(secret), "serve log contains \(secret)")
        }
        #expect(logs.range(of: #"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"#, options: .regularExpression) == nil)
    }

    /// Starts the real `kring serve` on a free loopback port over the database `environment` names.
    static func serve(environment: [String: String]) throws -> (process: Process, url: String, log: Pipe) {
        let serve = Process()
        serve.executableURL = binary
        serve.arguments = ["serve", "--host", "127.0.0.1", "--port", "0"]
        serve.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KRING_") }
            .merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        serve.standardOutput = out
        serve.standardError = err
        try serve.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let listening = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (serve, "http://" + listening.dropFirst("listening on ".count), err)
    }

    /// Every command that used to refuse `--server` now prints, through the service, byte for byte what it prints
    /// locally: the server runs over one database and the local runs over an identical copy, so both see the same
    /// state and make the same change.
    @Test func planningAndAdministrationCommandsPrintTheSameRemotelyAsLocally() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let coordinator = try harness.token(.coordinator)
        let facilitator = try harness.token(.facilitator, "An Claes")
        let participant = try harness.token(.participant, "Stille Eik")
        _ = try harness.token(.coordinator)  // token 4, revoked below
        // The copy: same rows, same ids, same key.
        let copy = harness.folder.appendingPathComponent("copy.sqlite").path
        try harness.kring.store.checkpointAndTruncateLog()
        try FileManager.default.copyItem(atPath: harness.configuration.databasePath, toPath: copy)
        let server = [
            "KRING_DB": harness.configuration.databasePath, "KRING_KEY_FILE": harness.configuration.keyFile.path,
            "KRING_NOW": ServerHarness.now, "KRING_LOG_LEVEL": "trace",
        ]
        // Local runs log nothing at the default level, so their stderr is only what the user is told.
        let local = server.merging(["KRING_DB": copy]) { _, new in new }.filter { $0.key != "KRING_LOG_LEVEL" }
        let serve = try Self.serve(environment: server)
        defer { if serve.process.isRunning { serve.process.terminate() } }
        let remote = ["KRING_SERVER": serve.url, "KRING_TOKEN": coordinator, "KRING_NOW": ServerHarness.now]

        let ics = harness.folder.appendingPathComponent("an.ics").path
        try FacilitatorSelfServiceTests.busyCalendar.write(to: URL(fileURLWithPath: ics))
        let broken = harness.folder.appendingPathComponent("broken.ics").path
        try Data("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n".utf8).write(to: URL(fileURLWithPath: broken))
        let scenario = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/flanders-groups.yaml").path
        let small = harness.folder.appendingPathComponent("small.yaml").path
        try """
        facilitators:
          - name: Lies Maes
            languages: [nl]
            lead: true
        """.write(toFile: small, atomically: true, encoding: .utf8)
        let intake = harness.folder.appendingPathComponent("intake.csv").path
        try
            "pseudonym;relation;contact;group\nLijst Een;parent;lijst1@example.org;avond-a\nLijst Twee;partner;;avond-b\n"
            .write(toFile: intake, atomically: true, encoding: .utf8)
        let badIntake = harness.folder.appendingPathComponent("bad.csv").path
        try "pseudonym,relation,group\nLijst Drie,cousin,avond-a\n".write(
            toFile: badIntake, atomically: true, encoding: .utf8)
        let shifted = [
            "series", "add", "--group", "avond-b", "--start", "2027-02-02T19:00", "--duration", "60", "--rrule",
            "FREQ=WEEKLY;BYDAY=TU;COUNT=4", "--skip-holidays", "be,be-vl-school", "--on-holiday", "shift",
        ]
        let sessionA = String(world.sessionA.id)
        let secondA = String(world.sessionA.id + 1)
        let sessionB = String(world.sessionB.id)
        let commands: [[String]] = [
            ["facilitator", "availability", "An Claes", "--weekly", "tu 18:00-22:00", "--weekly", "we 09:00-13:00"],
            ["facilitator", "availability", "An Claes", "--any-time", "--format", "json"],
            ["facilitator", "availability", "An Claes", "--weekly", "tu 18:00-17:00"],
            ["facilitator", "blockout", "Bart Peeters", "--from", "2027-01-18", "--to", "2027-01-20"],
            ["facilitator", "blockout", "Bart Peeters", "--from", "2027-01-18", "--to", "2027-01-20"],
            ["facilitator", "blockout", "Bart Peeters", "--from", "2027-02-18", "--to", "2027-02-01"],
            ["facilitator", "blockout", "Bart Peeters", "--from", "2027-01-18", "--to", "2027-01-20", "--remove"],
            ["facilitator", "busy", "An Claes", "--ics", ics, "--from", "2027-01-01", "--to", "2027-03-31"],
            ["facilitator", "busy", "An Claes", "--ics", broken],
            ["facilitator", "update", "An Claes", "--max-per-week", "2", "--prefer-days", "tu"],
            ["facilitator", "exclude", "Bart Peeters", "--participant", "Stille Eik"],
            ["facilitator", "exclude", "Bart Peeters", "--group", "avond-zzz"],
            ["participant", "keep-apart", "Stille Eik", "Rode Vos"],
            ["assignment", "settings"],
            ["assignment", "settings", "--travel-buffer", "45", "--format", "json"],
            ["assignment", "settings", "--travel-buffer", "999"],
            ["assign", "--dry-run", "--explain"],
            ["assign", "--yes"],
            ["assignment", "list"],
            ["assignment", "list", "--facilitator", "An Claes", "--format", "json"],
            ["assignment", "remove", sessionB, "--facilitator", "Bart Peeters"],
            ["assignment", "set", sessionB, "--facilitator", "Bart Peeters", "--lead", "--pin"],
            ["assignment", "set", "99999", "--facilitator", "Bart Peeters"],
            ["facilitator", "decline", "An Claes", "--session", sessionA, "--yes"],
            ["facilitator", "decline", "An Claes", "--session", secondA, "--yes"],
            ["config", "set", "organizer", "groepen@example.org"],
            ["config", "get"],
            ["config", "get", "uid-domain", "--format", "json"],
            ["invites", "list"],
            ["invites", "list", "--format", "json"],
            ["calendar", "export", "--group", "avond-a"],
            ["calendar", "export", "--participant", "Stille Eik"],
            ["calendar", "export", "--facilitator", "Niemand"],
            ["token", "list"],
            ["token", "revoke", "4", "--yes"],
            ["token", "revoke", "999", "--yes"],
            ["import", scenario],
            ["import", small],
            ["participant", "enrol-csv", intake],
            ["participant", "enrol-csv", intake],
            ["participant", "enrol-csv", badIntake],
            shifted,
            ["group", "list"],
        ]
        // The refusals above must be refusals everywhere; these must work, so the comparison is not of two errors.
        let succeeding: Set<[String]> = [
            ["facilitator", "busy", "An Claes", "--ics", ics, "--from", "2027-01-01", "--to", "2027-03-31"],
            ["facilitator", "update", "An Claes", "--max-per-week", "2", "--prefer-days", "tu"],
            ["participant", "keep-apart", "Stille Eik", "Rode Vos"], ["assign", "--yes"],
            ["assignment", "remove", sessionB, "--facilitator", "Bart Peeters"],
            ["assignment", "set", sessionB, "--facilitator", "Bart Peeters", "--lead", "--pin"],
            ["facilitator", "decline", "An Claes", "--session", secondA, "--yes"], ["token", "revoke", "4", "--yes"],
            ["import", small], ["calendar", "export", "--group", "avond-a"], ["participant", "enrol-csv", intake],
            shifted,
        ]
        for arguments in commands {
            let there = try Self.kring(arguments, environment: remote)
            let here = try Self.kring(arguments, environment: local)
            #expect(there.0 == here.0, "\(arguments): exit \(there.0) remotely, \(here.0) locally: \(there.2)")
            #expect(there.1 == here.1, "\(arguments)")
            #expect(there.2 == here.2, "\(arguments)")
            if succeeding.contains(arguments) { #expect(here.0 == 0, "\(arguments): \(here.2)") }
        }
        // A new token differs by its text only.
        let issuedThere = try Self.kring(["token", "issue", "--facilitator", "Bart Peeters"], environment: remote)
        let issuedHere = try Self.kring(["token", "issue", "--facilitator", "Bart Peeters"], environment: local)
        #expect(issuedThere.0 == 0, "\(issuedThere.2)")
        #expect(issuedThere.1.split(separator: "\n").dropFirst() == issuedHere.1.split(separator: "\n").dropFirst())

        // A facilitator from their own machine: their own planning, as a coordinator's local run prints it.
        let asFacilitator = ["KRING_SERVER": serve.url, "KRING_TOKEN": facilitator, "KRING_NOW": ServerHarness.now]
        for arguments in [
            ["facilitator", "availability", "An Claes", "--weekly", "mo 09:00-12:00"],
            ["facilitator", "blockout", "An Claes", "--from", "2027-03-01", "--to", "2027-03-07"],
            ["facilitator", "busy", "An Claes", "--ics", ics, "--from", "2027-01-01", "--to", "2027-03-31"],
            ["calendar", "export", "--facilitator", "An Claes"],
        ] {
            let there = try Self.kring(arguments, environment: asFacilitator)
            let here = try Self.kring(arguments, environment: local)
            #expect(there.0 == 0, "\(arguments): \(there.2)")
            #expect(there.1 == here.1, "\(arguments)")
        }
        // Another facilitator is unknown to this token: the same line a missing one gets locally.
        let other = try Self.kring(
            ["facilitator", "blockout", "Bart Peeters", "--from", "2027-03-01", "--to", "2027-03-07"],
            environment: asFacilitator)
        let missing = try Self.kring(
            ["facilitator", "blockout", "Niemand", "--from", "2027-03-01", "--to", "2027-03-07"], environment: local)
        #expect(other.0 == missing.0)
        #expect(other.2 == missing.2.replacingOccurrences(of: "Niemand", with: "Bart Peeters"))
        for arguments in [
            ["token", "list"], ["assign"], ["facilitator", "update", "An Claes", "--max-per-week", "1"],
        ] {
            let refused = try Self.kring(arguments, environment: asFacilitator)
            #expect(refused.0 != 0 && refused.2.contains("role may not do this"), "\(arguments): \(refused.2)")
        }
        let asParticipant = ["KRING_SERVER": serve.url, "KRING_TOKEN": participant]
        let refused = try Self.kring(
            ["facilitator", "availability", "An Claes", "--any-time"], environment: asParticipant)
        #expect(refused.0 != 0 && refused.2.contains("role may not do this"), "\(refused.2)")

        // What stays local says so, in one line naming why.
        let invites = try Self.kring(
            ["invites", "export", "--out", harness.folder.appendingPathComponent("out").path], environment: remote)
        #expect(invites.0 != 0 && invites.2.contains("runs only on the server's machine, because it writes files"))
        let initialise = try Self.kring(
            ["init", "--db", harness.folder.appendingPathComponent("new.sqlite").path], environment: remote)
        #expect(initialise.0 != 0 && initialise.2.contains("runs only on the server's machine, because it creates"))
        #expect(!FileManager.default.fileExists(atPath: harness.folder.appendingPathComponent("new.sqlite").path))

        serve.process.terminate()
        serve.process.waitUntilExit()
        let logs = String(decoding: serve.log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(logs.contains("http.route=/api/facilitators/{facilitator}/busy"))
        for secret in world.pseudonymsA + world.pseudonymsB + [world.canary, facilitator, coordinator, participant] {
            #expect(!logs.contains(secret), "serve log contains \(secret)")
        }
        #expect(logs.range(of: #"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"#, options: .regularExpression) == nil)
    }
}
