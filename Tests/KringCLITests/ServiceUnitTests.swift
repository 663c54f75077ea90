import Foundation
import KringTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// docs/operations.md's systemd unit, run for real: its ExecStart line (with this build's binary, a sandbox's
/// database and a free port) serves /health and stops cleanly on SIGTERM, and it keeps its sandboxing lines.
@Suite(.timeLimit(.minutes(5))) struct ServiceUnitTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/operations/kring.service")

    static func directives() throws -> [(key: String, value: String)] {
        try String(contentsOf: unit, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    @Test func theUnitIsSandboxedAndTurnsCrashBacktracesOff() throws {
        let lines = try Self.directives()
        func value(_ key: String) -> [String] { lines.filter { $0.key == key }.map(\.value) }
        #expect(value("User") == ["kring"])
        #expect(value("NoNewPrivileges") == ["yes"])
        #expect(value("ProtectSystem") == ["strict"])
        #expect(value("PrivateTmp") == ["yes"])
        #expect(value("UMask") == ["0077"])
        #expect(value("ReadWritePaths") == ["/var/lib/kring"])
        #expect(value("Environment").contains("SWIFT_BACKTRACE=enable=no"))
        #expect(value("Environment").contains("KRING_DB=/var/lib/kring/kring.sqlite"))
    }

    @Test func theUnitsCommandLineServesAndStopsOnSigterm() async throws {
        let exec = try #require(try Self.directives().first { $0.key == "ExecStart" }?.value)
        var arguments = exec.split(separator: " ").map(String.init)
        #expect(arguments.removeFirst() == "/usr/local/bin/kring")
        let portIndex = try #require(arguments.firstIndex(of: "--port"))
        arguments[portIndex + 1] = "0"
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        let server = try RunningServer(
            arguments, environment: sandbox.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new })
        defer { server.stop() }
        let (process, address) = (server.process, server.address)
        #expect(address.hasPrefix("127.0.0.1:"))
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://\(address)/health")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("ok"))

        // A second service on the same port is told so, plainly.
        let port = String(address.split(separator: ":").last!)
        var again = arguments
        again[portIndex + 1] = port
        let second = try sandbox.run(again)
        #expect(second.status == 78)
        #expect(second.stderr.contains("port '127.0.0.1:\(port)': is already in use"), "\(second.stderr)")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }
}
