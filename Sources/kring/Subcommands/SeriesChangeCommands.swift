import ArgumentParser
import KringApp
import KringDomain

/// Listing, changing and removing series, and one session's own place (issue 14).
extension SeriesCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List series: rule, length, and how many sessions are still to come.",
            discussion: "Example:\n  kring series list --group gent-partners")
        @Option(help: "Only this group (id or name).") var group: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(
                try database.operations().listSeries(group: group), format: output.format, table: Render.seriesList)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the time or length of a series' sessions still to come; those held stay as they were.",
            discussion: """
                Each session still to come keeps its date; calendars show it as a changed occurrence and everyone
                seated, and its facilitators, get the update as for `kring session move`.

                Examples:
                  kring series update 1 --time 19:30
                  kring series update 1 --duration 90
                """)
        @Argument(help: "The series' id (see `kring series list`).") var series: String
        @Option(help: "New local start time, HH:MM.") var time: String?
        @Option(help: "New length in minutes (15 to 480).") var duration: Int?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(
                try database.operations().updateSeries(series, SeriesChanges(time: time, durationMinutes: duration)),
                format: output.format, table: Render.seriesChange)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel every session of a series still to come; sessions held and their attendance stay.",
            discussion: """
                The sessions stay listed as cancelled (`kring session restore` brings one back); calendars withdraw
                them and invites follow as for `kring session cancel`. Asks first; in a script it needs --yes.

                Example:
                  kring series remove 2 --dry-run
                  kring series remove 2 --yes
                """)
        @Argument(help: "The series' id (see `kring series list`).") var series: String
        @OptionGroup var confirmation: ConfirmationOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            try Confirmation.run(
                try database.operations(), yes: confirmation.yes, dryRun: confirmation.dryRun, format: output.format,
                action: "removing series \(series)", table: Render.seriesChange
            ) { (operations) throws(KringError) in try operations.removeSeries(series) }
        }
    }
}

extension SessionCommand {
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give one session another venue or online link (the room is closed that evening).",
            discussion: """
                Only that occurrence changes: calendars show it as an override with its own LOCATION, and everyone
                seated, and its facilitators, get the update. --group-place goes back to the group's place.

                Examples:
                  kring session update 3 --venue "Zaal 2, Kerkstraat 5"
                  kring session update 3 --online https://meet.example.org/avond
                  kring session update 3 --group-place
                """)
        @Argument(help: "The session's id.") var session: String
        @Option(help: "Where this session meets instead.") var venue: String?
        @Option(help: "The online link this session uses instead.") var online: String?
        @Flag(help: "Meet at the group's place again.") var groupPlace = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let changes = SessionChanges(venue: venue, online: online, groupPlace: groupPlace ? true : nil)
            emit(try database.operations().updateSession(session, changes), format: output.format) {
                Render.sessions([$0]) + "\nmeets at: " + ($0.venue ?? $0.online ?? "the group's place")
            }
        }
    }
}

extension Render {
    static func seriesList(_ list: [SeriesSummaryView]) -> String {
        var table = TableText("ID", "GROUP", "RULE", "FIRST", "MIN", "SESSIONS", "TO COME", "CANCELLED", "NEXT")
        for series in list {
            table.add(
                String(series.id), series.group, series.rrule, series.start, String(series.durationMinutes),
                String(series.sessions), String(series.upcoming), String(series.cancelled),
                series.nextSession.map(readable) ?? "-")
        }
        return table.rendered
    }

    static func seriesChange(_ change: SeriesChangeView) -> String {
        [
            "series \(change.series.id) of \(change.series.group): \(change.changed.count) session(s) changed, "
                + "\(change.series.upcoming) still to come",
            sessions(change.changed),
        ].joined(separator: "\n")
    }
}
