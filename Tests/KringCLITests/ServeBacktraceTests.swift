import Foundation
import KringTestSupport
import Testing

/// Security review 2026-11, F22: a crash of `kring serve` printed a backtrace with registers to stderr, past the log
/// redaction. The server turns Swift's backtracer off for itself, whatever environment it was started with.
@Suite(.timeLimit(.minutes(10))) struct ServeBacktraceTests {
    @Test func theServerRunsWithTheBacktracerOffEvenWhenStartedWithout() throws {
        #if os(Linux)
            let sandbox = try KringSandbox()
            try sandbox.ok(["init"])
            var environment = sandbox.environment
            environment["SWIFT_BACKTRACE"] = nil
            let server = try RunningServer(sandbox: sandbox, environment: environment)
            defer { server.stop() }
            let serve = server.process
            #expect(!server.address.isEmpty)
            // The same process, now running with the setting (it is read at start, so it restarted itself once).
            let environ = try #require(FileManager.default.contents(atPath: "/proc/\(serve.processIdentifier)/environ"))
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            #expect(variables.contains("SWIFT_BACKTRACE=enable=no"), "\(variables.filter { $0.hasPrefix("SWIFT") })")
            #expect(serve.isRunning)
        #endif
    }
}
