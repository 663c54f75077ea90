import Dispatch
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hands each message to the local MTA through the `sendmail` interface every MTA provides (Postfix, Exim,
/// msmtp): `sendmail -i -f SENDER -- RECIPIENT`, message on stdin, outcome from the exit status (sysexits.h).
public struct SendmailTransport: MailTransport {
    public let path: String
    public let sender: MailAddress
    public let timeout: Duration
    /// Variables added to the inherited environment (Postfix's MAIL_CONFIG for a second instance, in tests).
    public let environment: [String: String]
    private let logger: Logger

    public init(
        path: String = "/usr/sbin/sendmail",
        sender: MailAddress,
        timeout: Duration = .seconds(60),
        environment: [String: String] = [:],
        logger: Logger
    ) {
        self.path = path
        self.sender = sender
        self.timeout = timeout
        self.environment = environment
        self.logger = logger
    }

    public func send(_ mails: [OutgoingMail]) async -> [DeliveryResult] {
        var results: [DeliveryResult] = []
        for mail in mails {
            if case .configurationError(let reason) = results.last {
                results.append(.configurationError(reason: reason))
                continue
            }
            let result = await withCheckedContinuation { continuation in
                // Blocks until sendmail exits: a thread of its own, never one of the shared pool.
                Thread.detachNewThread { continuation.resume(returning: run(mail)) }
            }
            results.append(result)
        }
        SMTPTransport.log(results, transport: "sendmail", logger: logger)
        return results
    }

    /// sysexits.h: which statuses mean "later", "never" and "fix the set-up".
    static func classify(status: Int32, stderr: String, path: String) -> DeliveryResult {
        let detail = ReplyScrubber.scrub(stderr)
        let said = detail.isEmpty ? "" : ": \(detail)"
        switch status {
        case 0:
            return .sent(serverReply: detail.isEmpty ? "accepted by \(path)" : detail)
        case 65, 67, 68:  // EX_DATAERR, EX_NOUSER, EX_NOHOST
            return .permanentFailure(reason: "\(path) refused the message (exit \(status))\(said)")
        case 64, 77, 78, 126, 127:  // EX_USAGE, EX_NOPERM, EX_CONFIG, not executable, not found
            return .configurationError(reason: "\(path) cannot deliver as set up (exit \(status))\(said)")
        default:  // EX_TEMPFAIL (75), EX_UNAVAILABLE, EX_SOFTWARE, EX_OSERR, EX_IOERR, …
            return .temporaryFailure(reason: "\(path) failed (exit \(status))\(said)")
        }
    }

    private func run(_ mail: OutgoingMail) -> DeliveryResult {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return .configurationError(reason: "'\(path)' is not an executable sendmail program")
        }
        var sockets: [Int32] = [0, 0]
        #if canImport(Glibc)
            let streamType = Int32(SOCK_STREAM.rawValue)
        #else
            let streamType = SOCK_STREAM
        #endif
        // A socket rather than a pipe for stdin: if sendmail exits early, writing gets EPIPE instead of a
        // SIGPIPE that would kill the whole service.
        guard socketpair(AF_UNIX, streamType, 0, &sockets) == 0 else {
            return .temporaryFailure(reason: "cannot create a socket for sendmail: \(String(cString: strerror(errno)))")
        }
        let (ours, theirs) = (sockets[0], sockets[1])
        var ourOpen = true
        defer { if ourOpen { close(ours) } }
        #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(ours, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let seconds = Int(timeout.components.seconds)
        var sendTimeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(ours, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-i", "-f", mail.envelopeSender.description, "--", mail.recipient.description]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let childInput = FileHandle(fileDescriptor: theirs, closeOnDealloc: true)
        process.standardInput = childInput
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            try? childInput.close()
            return .configurationError(reason: "cannot start '\(path)': \(error)")
        }
        try? childInput.close()

        // Read concurrently, so a talkative sendmail cannot fill the pipe and stall.
        let said = OutputBox()
        let reading = DispatchSemaphore(value: 0)
        let outputReader = output.fileHandleForReading
        Thread.detachNewThread {
            said.data = outputReader.readDataToEndOfFile()
            reading.signal()
        }

        // The sendmail interface is a local one: lines end in LF.
        let body = Self.localLineEndings(mail.data)
        var written = 0
        var writeError: Int32 = 0
        body.withUnsafeBytes { raw in
            while written < raw.count {
                #if canImport(Glibc)
                    let count = Glibc.send(ours, raw.baseAddress! + written, raw.count - written, Int32(MSG_NOSIGNAL))
                #else
                    let count = Darwin.send(ours, raw.baseAddress! + written, raw.count - written, 0)
                #endif
                if count < 0 {
                    if errno == EINTR { continue }
                    writeError = errno
                    break
                }
                written += count
            }
        }
        close(ours)
        ourOpen = false

        if exited.wait(timeout: .now() + .seconds(seconds)) == .timedOut {
            // SIGKILL: a child may inherit a mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            return .temporaryFailure(reason: "\(path) did not finish within \(seconds) s")
        }
        let text =
            reading.wait(timeout: .now() + .seconds(5)) == .success ? String(decoding: said.data, as: UTF8.self) : ""
        if process.terminationReason == .uncaughtSignal {
            return .temporaryFailure(reason: "\(path) was killed by signal \(process.terminationStatus)")
        }
        if process.terminationStatus == 0, writeError != 0 {
            return .temporaryFailure(reason: "\(path) exited before reading the whole message")
        }
        return Self.classify(status: process.terminationStatus, stderr: text, path: path)
    }

    static func localLineEndings(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        for (index, byte) in data.enumerated() {
            if byte == 0x0D, index + 1 < data.count, data[index + 1] == 0x0A { continue }
            out.append(byte)
        }
        return out
    }
}

/// The output read on another thread; the semaphore orders the write before the read.
private final class OutputBox: @unchecked Sendable {
    var data = Data()
}
