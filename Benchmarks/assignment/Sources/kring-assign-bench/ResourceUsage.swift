#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Peak memory of this process, as the operating system accounts it.
enum ResourceUsage {
    /// `ru_maxrss` in megabytes: kilobytes on Linux, bytes on Darwin.
    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        #if canImport(Darwin)
            let who = RUSAGE_SELF
        #else
            let who = RUSAGE_SELF.rawValue
        #endif
        guard getrusage(who, &usage) == 0 else { return -1 }
        #if canImport(Darwin)
            return Double(usage.ru_maxrss) / 1_048_576
        #else
            return Double(usage.ru_maxrss) / 1024
        #endif
    }
}
