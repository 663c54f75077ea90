import Foundation
import KringCalendar

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses in a child process (`kring _parse-busy`, see `BusyParserChild`) under memory and processor limits and a
/// wall-clock timeout, so a file that crashes or hangs libical costs one child, never `kring` or `kring serve`.
/// Every way the child can fail (signal, timeout, exit status, unreadable answer) becomes a `BusyCalendarParseError`.
public struct ChildProcessBusyCalendarParser: BusyCalendarParser {
    /// What one child run gave: the intervals and the child's own peak resident memory.
    public struct Outcome: Sendable {
        public var intervals: [DateInterval]
        public var peakMemoryBytes: Int
    }

    /// The hidden subcommand of `kring` that runs the child half.
    public static let subcommand = "_parse-busy"
    /// The most the parent reads from the child's stdout: 20,000 intervals take about 1 MB of JSON.
    static let maxAnswerBytes = 8 * 1_048_576

    /// The `kring` binary to start.
    public var executable: URL
    /// After this many seconds the child is killed and the file refused.
    public var timeout: TimeInterval
    /// The child's environment: only the allow-listed variables of the one given (by default this process's).
    public var environment: [String: String]

    public init(executable: URL, timeout: TimeInterval = 10, environment: [String: String]? = nil) {
        self.executable = executable
        self.timeout = timeout
        self.environment = Self.childEnvironment(environment ?? ProcessInfo.processInfo.environment)
    }

    /// What of the parent's environment reaches the child: locale and time zone, nothing else. Every other variable
    /// (a key, a mail password, PATH) stays out of the process that reads hostile input (security review 2026-11,
    /// F12).
    public static let inheritedVariables: Set<String> = ["LANG", "LC_ALL", "LC_CTYPE", "TZ", "TZDIR"]

    /// A parser that starts the binary this process runs, which must be `kring`.
    public static func runningExecutable() -> ChildProcessBusyCalendarParser {
        ChildProcessBusyCalendarParser(executable: currentExecutable())
    }

    /// The running binary's path: `/proc/self/exe` on Linux, the main bundle's executable on macOS.
    static func currentExecutable() -> URL {
        #if os(Linux)
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                return URL(fileURLWithPath: path)
            }
        #else
            if let url = Bundle.main.executableURL { return url }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    static func childEnvironment(_ environment: [String: String]) -> [String: String] {
        var child = environment.filter { inheritedVariables.contains($0.key) }
        #if DEBUG
            child[BusyParserChild.testHookVariable] = environment[BusyParserChild.testHookVariable]
        #endif
        // A crashing child should die at once, not spend seconds symbolicating a backtrace nobody reads.
        child["SWIFT_BACKTRACE"] = "enable=no"
        return child
    }

    public func busyIntervals(
        icsData: Data, window: DateInterval, defaultZone: TimeZone
    ) throws(BusyCalendarParseError) -> [DateInterval] {
        try parse(icsData: icsData, window: window, defaultZone: defaultZone).intervals
    }

    /// Runs one child over `icsData` and checks its answer.
    public func parse(
        icsData: Data, window: DateInterval, defaultZone: TimeZone
    ) throws(BusyCalendarParseError) -> Outcome {
        let run = try runChild(
            input: icsData,
            arguments: [
                Self.subcommand, "--from", Self.instant(window.start), "--to", Self.instant(window.end),
                "--zone", defaultZone.identifier,
            ])
        if run.timedOut {
            throw BusyCalendarParseError("reading the file took longer than \(Int(timeout)) s; it was stopped")
        }
        if run.answerTooLong { throw BusyCalendarParseError("the parser's answer was too long; it was stopped") }
        switch run.termination {
        case .uncaughtSignal where run.status == SIGXCPU || run.status == SIGKILL:
            throw BusyCalendarParseError(
                "reading the file used more than \(BusyParserChild.processorSecondsLimit) s of processor time")
        case .uncaughtSignal:
            throw BusyCalendarParseError(
                "the parser stopped on signal \(run.status) (a crash, or more than "
                    + "\(BusyParserChild.addressSpaceLimitBytes / 1_048_576) MB of memory)")
        case .exit where run.status != 0:
            throw BusyCalendarParseError("the parser failed with exit status \(run.status)")
        default:
            break
        }
        guard let answer = try? JSONDecoder().decode(BusyParserAnswer.self, from: run.output) else {
            throw BusyCalendarParseError("the parser's answer could not be read")
        }
        return try Self.checked(answer, window: window)
    }

    /// The answer comes from a process that read hostile input: believe only well-formed instants in the window.
    static func checked(_ answer: BusyParserAnswer, window: DateInterval) throws(BusyCalendarParseError) -> Outcome {
        if let failure = answer.error {
            let message = failure.message.split(whereSeparator: \.isNewline).joined(separator: " ")
            throw BusyCalendarParseError(line: failure.line, String(message.prefix(200)))
        }
        guard let intervals = answer.intervals, intervals.count <= BusyTimeImporter.maxIntervals else {
            throw BusyCalendarParseError("the parser's answer could not be read")
        }
        var checked: [DateInterval] = []
        checked.reserveCapacity(intervals.count)
        for interval in intervals {
            guard interval.start.isFinite, interval.end.isFinite, interval.start < interval.end,
                interval.start >= window.start.timeIntervalSince1970, interval.end <= window.end.timeIntervalSince1970
            else {
                throw BusyCalendarParseError("the parser's answer held an interval outside the window")
            }
            checked.append(
                DateInterval(
                    start: Date(timeIntervalSince1970: interval.start), end: Date(timeIntervalSince1970: interval.end)))
        }
        return Outcome(intervals: checked, peakMemoryBytes: answer.peakMemoryBytes)
    }

    private static func instant(_ date: Date) -> String {
        String(format: "%.0f", date.timeIntervalSince1970)
    }

    struct ChildRun {
        var termination: Process.TerminationReason
        var status: Int32
        var output: Data
        var timedOut: Bool
        var answerTooLong: Bool
    }

    /// Starts the child, feeds stdin and reads stdout concurrently (either pipe can fill), and kills it on timeout.
    private func runChild(input: Data, arguments: [String]) throws(BusyCalendarParseError) -> ChildRun {
        Self.ignoreBrokenPipes
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        // The child's stderr could only carry runtime noise; it goes nowhere near a log.
        process.standardError = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw BusyCalendarParseError("the parser process could not be started")
        }
        let collected = Collected()
        // Threads of their own, not the shared dispatch pool: this call blocks its caller, and when every pool thread
        // is blocked the same way (two cores, two waiting callers) work queued on the pool would never run.
        let streams = DispatchGroup()
        streams.enter()
        Thread.detachNewThread {
            // Fails with EPIPE when the child dies early; its death is reported below.
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
            streams.leave()
        }
        let pid = process.processIdentifier
        streams.enter()
        Thread.detachNewThread {
            defer { streams.leave() }
            let reader = stdout.fileHandleForReading
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                if !collected.append(chunk, limit: Self.maxAnswerBytes) {
                    kill(pid, SIGKILL)
                    break
                }
            }
        }
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(pid, SIGKILL)
            exited.wait()
        }
        streams.wait()
        try? stdout.fileHandleForReading.close()
        return ChildRun(
            termination: process.terminationReason, status: process.terminationStatus, output: collected.data,
            timedOut: timedOut, answerTooLong: collected.overflowed)
    }

    /// Writing to a child that died would otherwise kill this process with SIGPIPE; servers ignore it anyway.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()
}

/// The child's stdout as it arrives, filled by one reader thread and read after it finished.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()
    private var tooLong = false

    /// Appends unless the total would pass `limit`; returns false (and keeps nothing more) once it would.
    func append(_ chunk: Data, limit: Int) -> Bool {
        lock.withLock {
            guard bytes.count + chunk.count <= limit else {
                tooLong = true
                return false
            }
            bytes.append(chunk)
            return true
        }
    }

    var data: Data { lock.withLock { bytes } }
    var overflowed: Bool { lock.withLock { tooLong } }
}
