import Foundation

/// Runs a program to the end and returns what it said: for the Python checkers, the parser child and other
/// independent tools the tests call. Both pipes are read while waiting, so a chatty process never blocks.
public enum ProcessRunner {
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: Data

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, stdin: URL? = nil,
        directory: URL? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        // A thread of its own: the shared pool may be all blocked in waits like this one (two cores).
        Thread.detachNewThread {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: outData, stderr: errData)
    }

    /// Runs a program that must succeed and returns its stdout.
    public static func output(_ executable: URL, _ arguments: [String]) throws -> Data {
        let outcome = try run(executable, arguments)
        guard outcome.status == 0 else {
            throw SandboxError("\(executable.lastPathComponent) \(arguments) exited \(outcome.status)")
        }
        return outcome.stdout
    }
}
