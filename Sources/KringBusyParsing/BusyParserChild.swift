import CKringSandbox
import Foundation
import KringCalendar

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The child half of `ChildProcessBusyCalendarParser` (`kring _parse-busy`): lowers its own limits, reads the
/// untrusted file from stdin, parses it and writes one `BusyParserAnswer` as JSON on stdout, nothing else.
public enum BusyParserChild {
    /// Address space the child may map; libical and the Swift runtime need well under this for a 2 MB file.
    public static let addressSpaceLimitBytes = 512 * 1_048_576
    /// Processor seconds before the kernel stops the child (SIGXCPU, then SIGKILL one second later).
    public static let processorSecondsLimit = 5

    #if DEBUG
        /// Test hook, compiled only into debug builds: makes the child misbehave (`sleep`, `spin`, `abort`,
        /// `allocate`, `garbage`) so tests can prove the parent survives it. A release build ignores it.
        public static let testHookVariable = "KRING_TEST_HOOK_BUSY_PARSER"
    #endif

    /// Runs the child and returns its exit status: 0 whenever an answer (intervals or error) was written.
    public static func run(window: DateInterval, defaultZone: TimeZone) -> Int32 {
        guard lowerLimits() else {
            FileHandle.standardError.write(Data("kring _parse-busy: cannot lower resource limits\n".utf8))
            return 70
        }
        confine()
        #if DEBUG
            misbehaveIfTestHookAsks()
        #endif
        let input: Data
        do {
            input = try FileHandle.standardInput.read(upToCount: BusyTimeImporter.maxInputBytes + 1) ?? Data()
        } catch {
            return write(BusyParserAnswer(error: .init(message: "input cannot be read"), peakMemoryBytes: peakMemory()))
        }
        var answer: BusyParserAnswer
        do {
            let intervals = try InProcessBusyCalendarParser().busyIntervals(
                icsData: input, window: window, defaultZone: defaultZone)
            answer = BusyParserAnswer(
                intervals: intervals.map {
                    .init(start: $0.start.timeIntervalSince1970, end: $0.end.timeIntervalSince1970)
                },
                peakMemoryBytes: 0)
        } catch {
            answer = BusyParserAnswer(error: .init(line: error.line, message: error.message), peakMemoryBytes: 0)
        }
        answer.peakMemoryBytes = peakMemory()
        return write(answer)
    }

    /// On Linux: no privilege can be gained again (`PR_SET_NO_NEW_PRIVS`), and a seccomp filter refuses running
    /// programs, the network and tracing, so a libical bug exploited by a hostile file cannot reach beyond this
    /// process's own files (security review 2026-11, F12). Elsewhere the limits and the allow-listed environment are
    /// what remains. Opening files stays allowed: libical and Foundation read the time-zone database.
    static func confine() {
        #if os(Linux)
            if kring_no_new_privileges() == 0 { _ = kring_deny_escapes() }
        #endif
    }

    /// No core file (it would hold the private calendar), bounded memory and processor time.
    static func lowerLimits() -> Bool {
        let addressSpace = setLimit(
            RLIMIT_AS, soft: rlim_t(addressSpaceLimitBytes), hard: rlim_t(addressSpaceLimitBytes))
        #if os(Linux)
            guard addressSpace else { return false }
        #else
            // macOS may refuse RLIMIT_AS and does not enforce it anyway; the wall-clock timeout still bounds a child.
            _ = addressSpace
        #endif
        return setLimit(RLIMIT_CORE, soft: 0, hard: 0)
            && setLimit(RLIMIT_CPU, soft: rlim_t(processorSecondsLimit), hard: rlim_t(processorSecondsLimit + 1))
    }

    private static func setLimit(_ resource: ResourceLimit, soft: rlim_t, hard: rlim_t) -> Bool {
        var current = rlimit()
        guard getrlimit(code(resource), &current) == 0 else { return false }
        // Never raise a limit the parent already set lower.
        let hardLimit = min(hard, current.rlim_max)
        var lowered = rlimit(rlim_cur: min(soft, hardLimit), rlim_max: hardLimit)
        return setrlimit(code(resource), &lowered) == 0
    }

    // Glibc imports RLIMIT_* and RUSAGE_* as C enums while its functions take Int32; Darwin has Int32 throughout.
    #if canImport(Glibc)
        typealias ResourceLimit = __rlimit_resource
        private static func code(_ resource: ResourceLimit) -> Int32 { Int32(resource.rawValue) }
        static let usageOfSelf = Int32(RUSAGE_SELF.rawValue)
        static let usageOfChildren = Int32(RUSAGE_CHILDREN.rawValue)
    #else
        typealias ResourceLimit = Int32
        private static func code(_ resource: ResourceLimit) -> Int32 { resource }
        static let usageOfSelf = RUSAGE_SELF
        static let usageOfChildren = RUSAGE_CHILDREN
    #endif

    /// This process's peak resident memory in bytes.
    static func peakMemory() -> Int { peakResidentBytes(who: usageOfSelf) }

    /// The peak resident memory in bytes of the largest child this process has waited for.
    public static func peakMemoryOfChildren() -> Int { peakResidentBytes(who: usageOfChildren) }

    private static func peakResidentBytes(who: Int32) -> Int {
        var usage = rusage()
        guard getrusage(who, &usage) == 0 else { return 0 }
        // Linux reports kilobytes, macOS bytes.
        #if os(Linux)
            return Int(usage.ru_maxrss) * 1024
        #else
            return Int(usage.ru_maxrss)
        #endif
    }

    private static func write(_ answer: BusyParserAnswer) -> Int32 {
        guard let data = try? JSONEncoder().encode(answer) else { return 70 }
        FileHandle.standardOutput.write(data)
        return 0
    }

    #if DEBUG
        private static func misbehaveIfTestHookAsks() {
            switch ProcessInfo.processInfo.environment[testHookVariable] {
            case "sleep":
                Thread.sleep(forTimeInterval: 3_600)
            case "spin":
                var counter: UInt64 = 0
                while true { counter &+= 1 }
            case "abort":
                abort()
            case "allocate":
                // Touch every page so the memory is really used, until the address-space limit stops it.
                var blocks: [UnsafeMutableRawPointer] = []
                while true {
                    guard let block = malloc(16 * 1_048_576) else { abort() }
                    memset(block, 1, 16 * 1_048_576)
                    blocks.append(block)
                }
            case "garbage":
                FileHandle.standardOutput.write(Data("SUMMARY:not an answer\n".utf8))
                exit(0)
            default:
                return
            }
        }
    #endif
}
