import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Paths and processes the calendar tests share.
enum TestSupport {
    /// The repository root: this file is `<root>/Tests/KringCalendarTests/TestSupport.swift`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/ics-corpus` beside the clone, as CI lays it out; nil where it is absent.
    static var corpus: URL? {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/ics-corpus")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    static var checks: URL { repositoryRoot.appendingPathComponent("Tests/ical-checks") }

    /// The interpreter of the venv holding icalendar, recurring-ical-events and radicale (`make test` sets it).
    static var python: String? {
        guard let path = ProcessInfo.processInfo.environment["KRING_PYTHON"], !path.isEmpty else { return nil }
        return path
    }

    static func corpusFiles() -> [URL] {
        guard let corpus,
            let walker = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            return []
        }
        var files: [URL] = []
        for case let url as URL in walker
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kring-calendar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension TestSupport {
    struct ProcessFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `executable` with `arguments`, returning stdout; throws with stderr when it exits non-zero.
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Files, not pipes: a full pipe would block the child while we wait for it.
        let out = directory.appendingPathComponent("stdout")
        let err = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process)
            throw ProcessFailure(description: "\(arguments.first ?? executable) timed out after \(timeout) s")
        }
        let stdout = try Data(contentsOf: out)
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: try Data(contentsOf: err), as: UTF8.self)
            throw ProcessFailure(description: "exit \(process.terminationStatus): \(stderr.suffix(2_000))")
        }
        return stdout
    }

    /// Children inherit the test runner's blocked-signal mask, so SIGTERM never reaches them (a Radicale
    /// started with `Process` ignored it and `waitUntilExit` hung): SIGKILL cannot be blocked.
    static func kill(_ process: Process) {
        guard process.isRunning else { return }
        _ = sendSignal(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs a script of `Tests/ical-checks` with `$KRING_PYTHON` and decodes the JSON it prints.
    static func pythonCheck<T: Decodable>(
        _ type: T.Type, script: String, _ arguments: [String], timeout: TimeInterval = 120
    ) throws -> T {
        guard let python else { throw ProcessFailure(description: "KRING_PYTHON is not set") }
        let data = try run(python, [checks.appendingPathComponent(script).path] + arguments, timeout: timeout)
        return try JSONDecoder().decode(T.self, from: data)
    }

    static func write(_ text: String, named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

#if canImport(Glibc)
    private let sendSignal = Glibc.kill
#elseif canImport(Darwin)
    private let sendSignal = Darwin.kill
#endif
