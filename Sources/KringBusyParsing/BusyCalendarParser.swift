import Foundation
import KringCalendar

/// Why an untrusted calendar file gave no busy times: a sentence for the user, with the line when it is known.
public struct BusyCalendarParseError: Error, Sendable, Equatable {
    /// The physical line of the file the problem was found on, when the parser knows it.
    public let line: Int?
    public let message: String

    public init(line: Int? = nil, _ message: String) {
        self.line = line
        self.message = message
    }

    /// The reason as `Kring.importBusyTimes` puts it after the file's name.
    public var reason: String { line.map { "line \($0): \(message)" } ?? message }
}

/// Turns the bytes of a facilitator's own calendar file (untrusted) into busy intervals, keeping nothing else.
/// `KringConfiguration.busyCalendarParser` picks where the parsing runs: in this process or in a child process.
public protocol BusyCalendarParser: Sendable {
    /// Busy intervals overlapping `window`, clipped, sorted and merged; floating times are read in `defaultZone`.
    func busyIntervals(
        icsData: Data, window: DateInterval, defaultZone: TimeZone
    ) throws(BusyCalendarParseError) -> [DateInterval]
}

/// Parses in the calling process. Right where no separate executable exists (the server inside tests, the child
/// itself); a libical crash on a hostile file would take the caller down, so `kring` uses
/// `ChildProcessBusyCalendarParser` instead.
public struct InProcessBusyCalendarParser: BusyCalendarParser {
    public init() {}

    public func busyIntervals(
        icsData: Data, window: DateInterval, defaultZone: TimeZone
    ) throws(BusyCalendarParseError) -> [DateInterval] {
        do {
            return try BusyTimeImporter.busyIntervals(icsData: icsData, window: window, defaultZone: defaultZone)
        } catch {
            throw BusyCalendarParseError(line: error.line, error.message)
        }
    }
}
