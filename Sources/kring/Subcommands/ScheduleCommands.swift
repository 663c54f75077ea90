import ArgumentParser
import KringApp
import KringDomain

struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "Add, list, change and remove recurring series of sessions.",
        subcommands: [Add.self, List.self, Update.self, Remove.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a series in the group's local time; its sessions are created at once.",
            discussion: """
                The rule is an RFC 5545 RRULE subset: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY (with ordinals such
                as 2TU or -1FR for MONTHLY), and COUNT or UNTIL. Times stay at the same local hour across DST.

                --skip-holidays takes be (Belgium's ten legal holidays), be-vl-school (Flemish school holidays) and
                be-fr-school (French community school holidays), comma-separated; the organisation's closure dates
                (`kring config set closure-dates 2027-02-26,2027-05-07`) are always skipped. --on-holiday skip drops
                such a date; shift drops it and adds a session after the last one, so COUNT sessions still meet (a
                rule with COUNT only). The answer lists every date skipped, why, and every date added.

                Examples:
                  kring series add --group gent-partners --start 2027-01-12T19:00 --duration 120 \\
                    --rrule 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10' --exdate 2027-02-09 --skip-holidays be
                  kring series add --group gent-partners --start 2027-01-12T19:00 --duration 120 \\
                    --rrule 'FREQ=WEEKLY;BYDAY=TU;COUNT=8' --skip-holidays be,be-vl-school --on-holiday shift
                """
        )
        @Option(help: "The group's id or name.") var group: String
        @Option(help: "First session, local time: 2027-01-12T19:00.") var start: String
        @Option(help: "Length in minutes (15 to 480).") var duration: Int
        @Option(help: "The recurrence rule.") var rrule: String
        @Option(help: "Dates to leave out, comma-separated: 2027-02-09,2027-03-09.") var exdate: String?
        @Option(help: "Skip holidays: be, be-vl-school, be-fr-school (comma-separated).") var skipHolidays: String?
        @Option(help: "skip (default): drop a holiday's session; shift: add one at the end instead.")
        var onHoliday: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let excluded =
                exdate.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
            let view = try database.operations().addSeries(
                SeriesRequest(
                    group: group, start: start, durationMinutes: duration, rrule: rrule, excludedDates: excluded,
                    skipHolidays: skipHolidays, onHoliday: onHoliday))
            emit(view, format: output.format, table: Render.series)
        }
    }
}

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "List, move, cancel and restore sessions; give one session another place.",
        subcommands: [List.self, Move.self, Update.self, Cancel.self, Restore.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sessions in start order, times in the group's zone.",
            discussion: "Example:\n  kring session list --group gent-partners --from 2027-01-01 --to 2027-03-31")
        @Option(help: "Only this group (id or name).") var group: String?
        @Option(help: "From this date (inclusive), YYYY-MM-DD.") var from: String?
        @Option(help: "Up to this date (inclusive), YYYY-MM-DD.") var to: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(
                try database.operations().listSessions(group: group, from: from, to: to), format: output.format,
                table: Render.sessions)
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a session to a new local start; its length stays.",
            discussion: "Example:\n  kring session move 14 --to 2027-02-10T19:00")
        @Argument(help: "The session's id.") var session: String
        @Option(help: "New start, local time: 2027-02-10T19:00.") var to: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(try database.operations().moveSession(session, to: to), format: output.format) { view in
                ([Render.sessions([view])] + (view.warnings ?? []).map { "warning: " + $0.text }
                    + Render.conflicts(view.conflicts ?? [])).joined(separator: "\n")
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a session; it stays listed as cancelled (`kring session restore` brings it back).",
            discussion: "Asks first; in a script it needs --yes.\n\nExample:\n  kring session cancel 14 --yes")
        @Argument(help: "The session's id.") var session: String
        @OptionGroup var confirmation: ConfirmationOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            try Confirmation.run(
                try database.operations(), yes: confirmation.yes, dryRun: confirmation.dryRun, format: output.format,
                action: "cancelling session \(session)",
                table: { Render.sessions([$0]) }
            ) { (operations) throws(KringError) in try operations.cancelSession(session) }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring a cancelled session back; calendars and invites follow.",
            discussion: "Example:\n  kring session restore 14")
        @Argument(help: "The session's id.") var session: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(try database.operations().restoreSession(session), format: output.format) { Render.sessions([$0]) }
        }
    }
}
