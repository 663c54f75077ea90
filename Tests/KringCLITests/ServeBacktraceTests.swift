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
            let serve = Process()
            serve.executableURL = KringSandbox.binary
            serve.arguments = ["serve", "--host", "127.0.0.1", "--port", "0"]
            var environment = sandbox.environment
            environment["SWIFT_BACKTRACE"] = nil
            serve.environment = environment
            let out = Pipe()
            serve.standardOutput = out
            serve.standardError = FileHandle.nullDevice
            try serve.run()
            defer {
                serve.terminate()
                serve.waitUntilExit()
            }
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            #expect(String(decoding: line, as: UTF8.self).hasPrefix("listening on "))
            // The same process, now running with the setting (it is read at start, so it restarted itself once).
            let environ = try #require(FileManager.default.contents(atPath: "/proc/\(serve.processIdentifier)/environ"))
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            #expect(variables.contains("SWIFT_BACKTRACE=enable=no"), "\(variables.filter { $0.hasPrefix("SWIFT") })")
            #expect(serve.isRunning)
        #endif
    }
}
