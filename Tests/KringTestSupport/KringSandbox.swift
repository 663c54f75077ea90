import Foundation
import KringStorage
import Testing

/// The outcome of one `kring` process.
public struct KringRun: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    public var succeeded: Bool { status == 0 }

    /// stdout parsed as JSON (the `--format json` output).
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    }

    public func object() throws -> [String: Any] {
        guard let object = try json() as? [String: Any] else { throw SandboxError("not a JSON object: \(stdout)") }
        return object
    }

    public func array() throws -> [[String: Any]] {
        guard let array = try json() as? [[String: Any]] else { throw SandboxError("not a JSON array: \(stdout)") }
        return array
    }
}

public struct SandboxError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A temporary home for one test: its own database, key file and XDG folders, and the real `kring` binary.
public final class KringSandbox: @unchecked Sendable {
    public let folder: URL
    public let databasePath: String
    public let keyPath: String
    /// A fixed "now" so tests about past and future sessions do not depend on the day they run.
    public var now = "2026-12-01T09:00:00Z"

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kring-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        databasePath = folder.appendingPathComponent("kring.sqlite").path
        keyPath = folder.appendingPathComponent("config/kring/key").path
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The `kring` executable built beside the test bundle (or `KRING_BINARY`).
    public static var binary: URL { KringBinary.url }

    public var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KRING_") }
        environment["KRING_DB"] = databasePath
        environment["KRING_KEY_FILE"] = keyPath
        environment["XDG_CONFIG_HOME"] = folder.appendingPathComponent("config").path
        environment["XDG_DATA_HOME"] = folder.appendingPathComponent("data").path
        environment["KRING_NOW"] = now
        return environment
    }

    /// Runs `kring` with the arguments and waits for it. Unless the test sets `KRING_LOG_LEVEL` itself, every run
    /// logs at trace level and its log lines are checked for personal data (privacy rule 6) then taken out of
    /// `stderr`, so the whole suite runs at trace level and tests still see only the command's own messages.
    @discardableResult
    public func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> KringRun {
        var environment = extra
        let traced = environment["KRING_LOG_LEVEL"] == nil
        if traced { environment["KRING_LOG_LEVEL"] = "trace" }
        let result = try start(arguments, environment: environment).wait()
        guard traced else { return result }
        let (logLines, messages) = TraceLogCheck.split(result.stderr)
        TraceLogCheck.expectNothingPersonal(in: logLines, arguments: arguments)
        return KringRun(status: result.status, stdout: result.stdout, stderr: messages)
    }

    public func start(
        _ arguments: [String], environment extra: [String: String] = [:], directory: URL? = nil
    ) throws -> RunningKring {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = environment.merging(extra) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        // Like a script: never a terminal, so a command that would ask for confirmation needs --yes.
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningKring(process: process, out: out, err: err)
    }

    /// Runs and insists on success, returning the run for its output.
    @discardableResult
    public func ok(_ arguments: [String], environment extra: [String: String] = [:]) throws -> KringRun {
        let result = try run(arguments, environment: extra)
        guard result.succeeded else {
            throw SandboxError("kring \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result
    }

    /// Every row of every table, to compare before and after a refused command.
    public func dump() throws -> String {
        try KringStore.open(path: databasePath, create: false).dump()
    }

    public func rawBytes(_ suffix: String = "") -> Data {
        FileManager.default.contents(atPath: databasePath + suffix) ?? Data()
    }
}

/// A started `kring` process; reading both pipes while waiting so a chatty process never blocks.
public struct RunningKring: @unchecked Sendable {
    public let process: Process
    public let out: Pipe
    public let err: Pipe

    public func wait() -> KringRun {
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        // A thread of its own: the shared pool may be all blocked in waits like this one (two cores).
        Thread.detachNewThread {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return KringRun(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension Data {
    public func contains(_ text: String) -> Bool {
        range(of: Data(text.utf8)) != nil
    }
}

extension KringSandbox {
    /// Runs a command that must be refused and checks the house rule for bad input: a non-zero exit, nothing on
    /// stdout, one line on stderr containing every text in `mentions` (the field, and the value where there is one),
    /// and a database identical to before. Returns the run for further checks.
    @discardableResult
    public func expectRefused(
        _ arguments: [String], mentioning mentions: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> KringRun {
        let before = try dump()
        let result = try run(arguments)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(
            result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        for mention in mentions {
            #expect(
                result.stderr.contains(mention), "stderr lacks '\(mention)': \(result.stderr)",
                sourceLocation: sourceLocation)
        }
        #expect(try dump() == before, sourceLocation: sourceLocation)
        return result
    }
}
