import Foundation

/// What the busy-time parser child writes on stdout, as JSON: the intervals or an error, and its own peak memory.
/// Only instants and the importer's fixed messages cross the process boundary: never a title, place or attendee.
struct BusyParserAnswer: Codable, Sendable {
    struct Interval: Codable, Sendable {
        /// Seconds since 1970-01-01T00:00:00Z.
        var start: Double
        var end: Double
    }

    struct Failure: Codable, Sendable {
        var line: Int?
        var message: String
    }

    var intervals: [Interval]?
    var error: Failure?
    /// The child's peak resident memory in bytes (`getrusage(RUSAGE_SELF)`), for tests and diagnostics.
    var peakMemoryBytes: Int
}
