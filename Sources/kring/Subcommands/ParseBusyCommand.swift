import ArgumentParser
import Foundation
import KringBusyParsing

/// `kring _parse-busy`: the child process `kring facilitator busy` and `kring serve` start to read an untrusted
/// calendar from stdin under resource limits (`BusyParserChild`). Hidden: nobody types it.
struct ParseBusyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ChildProcessBusyCalendarParser.subcommand,
        abstract: "Internal: read an iCalendar file on stdin under resource limits and print its busy times as JSON.",
        discussion: """
            Started by kring itself; stdout carries only instants or an error message, never event text.

            Example:
              kring _parse-busy --from 1798761600 --to 1830297600 --zone Europe/Brussels < calendar.ics
            """,
        shouldDisplay: false)

    @Option(help: "Start of the window, in seconds since 1970-01-01T00:00:00Z.") var from: Int64
    @Option(help: "End of the window, in seconds since 1970-01-01T00:00:00Z.") var to: Int64
    @Option(help: "The IANA zone for floating times.") var zone: String

    func validate() throws {
        guard to > from else { throw ValidationError("--to must be after --from") }
        guard TimeZone(identifier: zone) != nil else { throw ValidationError("--zone '\(zone)' is not a known zone") }
    }

    func run() throws {
        let status = BusyParserChild.run(
            window: DateInterval(
                start: Date(timeIntervalSince1970: TimeInterval(from)),
                end: Date(timeIntervalSince1970: TimeInterval(to))),
            defaultZone: TimeZone(identifier: zone)!)
        if status != 0 { throw ExitCode(status) }
    }
}
