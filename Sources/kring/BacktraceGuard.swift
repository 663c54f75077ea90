import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `kring serve` never prints a crash report: Swift's backtracer writes registers and memory to stderr, past the
/// redacting log handler, and it reads `SWIFT_BACKTRACE` only when the process starts (security review 2026-11, F22).
/// So a server started without `SWIFT_BACKTRACE=enable=no` runs itself again, once, with it set.
enum BacktraceGuard {
    static let variable = "SWIFT_BACKTRACE"
    /// Set on the one re-run, so a re-run that somehow lacks the setting never loops.
    static let marker = "KRING_SERVE_RESTARTED"

    static func isOff(_ environment: [String: String]) -> Bool {
        environment[variable]?.split(separator: ",").contains("enable=no") == true
    }

    /// Replaces this process with itself, same arguments, the backtracer off; returns only when that is not needed
    /// or not possible (then with a warning on stderr).
    static func restartWithoutBacktracesIfNeeded() {
        var environment = ProcessInfo.processInfo.environment
        guard !isOff(environment), environment[marker] == nil else { return }
        environment[variable] = "enable=no"
        environment[marker] = "1"
        #if os(Linux)
            let executable = "/proc/self/exe"
        #else
            let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        #endif
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(executable, arguments, variables)
        // Only reached when exec failed.
        for pointer in arguments + variables { free(pointer) }
        FileHandle.standardError.write(
            Data(
                "warning: could not restart with SWIFT_BACKTRACE=enable=no; set it in the service's environment\n".utf8)
        )
    }
}
