import Foundation
import KringApp
import KringSecrets
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The issue's "done when": a real `kring serve`, a facilitator token, and the CLI from another shell with only
/// the URL and the token, printing what the same command prints locally.
@Suite struct RemoteCLITests {
    /// The `kring` executable built beside the test bundle (or `KRING_BINARY`).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["KRING_BINARY"] { return URL(fileURLWithPath: path) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("kring").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("kring")
    }

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

        let serve = Process()
        serve.executableURL = Self.binary
        serve.arguments = ["serve", "--host", "127.0.0.1", "--port", "0"]
        serve.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KRING_") }
            .merging(local) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        serve.standardOutput = out
        serve.standardError = err
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let listening = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(listening.hasPrefix("listening on 127.0.0.1:"))
        let url = "http://" + listening.dropFirst("listening on ".count)

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
            ["participant", "withdraw", "Witte Uil", "--group", "avond-b"], environment: asCoordinator)
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
}
