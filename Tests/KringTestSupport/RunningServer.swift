import Foundation

/// A real `kring serve` started for one test: its process, the `host:port` it printed ("listening on …"), and its
/// stderr. Stopped (SIGTERM, then waited for) by `stop()` or when the test lets it go.
public final class RunningServer: @unchecked Sendable {
    // Unchecked: the process is only started here and stopped once.
    public let process: Process
    /// `127.0.0.1:PORT` as the server printed it; empty when it exited before listening.
    public let address: String
    /// The server's stderr, drained as it arrives so a chatty server (trace level) never blocks on a full pipe.
    public var stderrText: String { collected.text }
    private let collected = Collected()

    private final class Collected: @unchecked Sendable {
        // Unchecked: every access goes through the lock.
        private let lock = NSLock()
        private var data = Data()
        func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    /// Starts `kring` with these arguments (usually `serve --host 127.0.0.1 --port 0 …`) and waits for its line.
    public init(_ arguments: [String], environment: [String: String]) throws {
        process = Process()
        process.executableURL = KringBinary.url
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let collected = collected
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if !chunk.isEmpty { collected.append(chunk) }
        }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        address = text.hasPrefix("listening on ") ? String(text.dropFirst("listening on ".count)) : ""
    }

    /// Starts `kring serve` on a free loopback port with a sandbox's environment.
    public convenience init(sandbox: KringSandbox, extra arguments: [String] = [], environment: [String: String]? = nil)
        throws
    {
        try self.init(
            ["serve", "--host", "127.0.0.1", "--port", "0"] + arguments, environment: environment ?? sandbox.environment
        )
    }

    /// SIGTERM, then waits: the graceful shutdown every supervisor uses.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
