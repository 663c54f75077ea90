import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Real mail servers for tests, shared by KringMailTests and KringCLITests: a scripted aiosmtpd server for faults
/// and a private Postfix instance delivering into a Maildir (`Tests/KringMailTests/Scripts`).
public enum MailServerSupport {
    /// `<root>/Tests/KringTestSupport/MailServers.swift`.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    public static let scripts = repositoryRoot.appendingPathComponent("Tests/KringMailTests/Scripts")

    /// The venv interpreter with aiosmtpd and icalendar (`make venv`; `make test` sets it).
    public static var python: String? {
        guard let path = ProcessInfo.processInfo.environment["KRING_PYTHON"], !path.isEmpty else { return nil }
        return path
    }

    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kring-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it).
    public static func freePort() -> Int {
        let descriptor = socket(AF_INET, streamSocket, 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `condition` until it holds or `seconds` pass; deliveries are awaited this way, never slept on.
    public static func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    /// Runs a program to completion and returns its stdout; throws with its output when it fails.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> Data
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        let stdout = try Data(contentsOf: out)
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: try Data(contentsOf: err), as: UTF8.self)
            throw Failure(description: "\(executable) \(arguments) exit \(process.terminationStatus): \(stderr)")
        }
        return stdout
    }

    public static func kill(_ process: Process) {
        guard process.isRunning else { return }
        _ = sendSignal(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// `Scripts/scripted_smtp.py` in one mode, on a port of its choosing on 127.0.0.1.
public final class ScriptedSMTPServer {
    public let directory: URL
    public let port: Int
    private let process: Process

    public init(mode: String, certificates: URL? = nil) throws {
        guard let python = MailServerSupport.python else { throw MailServerSupport.Failure(description: "no python") }
        directory = try MailServerSupport.temporaryDirectory()
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [MailServerSupport.scripts.appendingPathComponent("scripted_smtp.py").path, mode, directory.path]
            + (certificates.map { [$0.path] } ?? [])
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let portFile = directory.appendingPathComponent("port")
        let directory = directory
        guard
            MailServerSupport.waitUntil(
                seconds: 30,
                { [process] in FileManager.default.fileExists(atPath: portFile.path) || !process.isRunning }
            ),
            let port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap({ Int($0) })
        else {
            MailServerSupport.kill(process)
            let said = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
            throw MailServerSupport.Failure(description: "the scripted SMTP server did not start: \(said)")
        }
        self.port = port
    }

    deinit {
        MailServerSupport.kill(process)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The accepted messages, in order of arrival.
    public var messages: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }
            .sorted { Int($0.dropFirst(4).dropLast(4))! < Int($1.dropFirst(4).dropLast(4))! }
            .map { directory.appendingPathComponent($0) }
    }

    public struct Envelope: Decodable {
        public let mail_from: String
        public let rcpt_tos: [String]
    }

    public func envelope(of message: URL) throws -> Envelope {
        let url = message.deletingPathExtension().appendingPathExtension("json")
        return try JSONDecoder().decode(Envelope.self, from: Data(contentsOf: url))
    }

    public var connections: Int { lines(in: "connections") }
    public var closed: Int { lines(in: "closed") }

    private func lines(in name: String) -> Int {
        let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }
}

/// A private Postfix instance (Debian's postfix, `Scripts/postfix-instance.sh`) on a free loopback port,
/// delivering every message into a Maildir: the whole path through a real MTA, by SMTP and by sendmail.
public final class PostfixInstance {
    public static let isRoot = getuid() == 0
    public static let isInstalled = FileManager.default.isExecutableFile(atPath: "/usr/sbin/postfix")
    public static let script = MailServerSupport.scripts.appendingPathComponent("postfix-instance.sh").path

    public let directory: URL
    public let port: Int
    public var configDirectory: String { directory.appendingPathComponent("conf").path }
    public var maildir: URL { directory.appendingPathComponent("mail/maildir/new") }

    public init() throws {
        // Under /tmp rather than a per-user folder: Postfix's daemons, running as `postfix`, must reach it.
        directory = URL(fileURLWithPath: "/tmp/kring-postfix-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = MailServerSupport.freePort()
        try MailServerSupport.run("/bin/sh", [Self.script, "start", directory.path, "\(port)"])
        let listening = MailServerSupport.waitUntil(seconds: 30) { Self.accepts(port: port) }
        if !listening {
            _ = try? MailServerSupport.run("/bin/sh", [Self.script, "stop", directory.path])
            throw MailServerSupport.Failure(description: "postfix did not listen on \(port): \(log)")
        }
    }

    deinit {
        _ = try? MailServerSupport.run("/bin/sh", [Self.script, "stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("postfix.log"), encoding: .utf8)) ?? ""
    }

    public var delivered: [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []).sorted()
            .map { maildir.appendingPathComponent($0) }
    }

    public static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, streamSocket, 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

#if canImport(Glibc)
    private let sendSignal = Glibc.kill
    let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
    private let sendSignal = Darwin.kill
    let streamSocket = SOCK_STREAM
#endif
