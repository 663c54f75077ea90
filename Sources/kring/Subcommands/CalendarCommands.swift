import ArgumentParser
import Foundation
import KringApp
import KringDomain

/// `kring calendar`: iCalendar files for people's own calendars.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Export iCalendar feeds for a group, a facilitator or a participant.",
        subcommands: [Export.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one person's (or one group's) sessions as an iCalendar feed (no METHOD).",
            discussion: """
                One event per series in the group's time zone, cancelled sessions as exceptions, moved ones as
                overrides. No attendee and no other participant appears; titles are the group's public title or a
                neutral default. A facilitator's feed holds only the sessions they are assigned to.

                Examples:
                  kring calendar export --participant "Stille Eik" --out stille-eik.ics
                  kring calendar export --group gent-partners
                """)
        @Option(help: "A group's id or name (the coordinator's view).") var group: String?
        @Option(help: "A facilitator's id or name.") var facilitator: String?
        @Option(help: "A participant's id or pseudonym.") var participant: String?
        @Option(help: "Write to this file instead of stdout.") var out: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            let chosen = [group, facilitator, participant].compactMap { $0 }
            guard chosen.count == 1 else {
                throw ValidationError("give exactly one of --group, --facilitator or --participant")
            }
        }

        func run() throws {
            let text = try database.operations().exportCalendar(
                group: group, facilitator: facilitator, participant: participant)
            if let out {
                // A calendar says when someone goes to a group: readable by the owner only (0600).
                try PrivateFiles.write(Data(text.utf8), to: out)
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}

/// `kring facilitator busy`: a facilitator's own calendar export becomes their busy times.
struct FacilitatorBusyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "busy",
        abstract: "Import a facilitator's busy times from their own calendar (.ics), replacing the previous import.",
        discussion: """
            Only start and end times are kept: no titles, places or attendees. The window is --from to --to
            (dates, inclusive; default: today and the next 12 months). A malformed file stores nothing.

            Busy: every event occurrence except STATUS:CANCELLED or TRANSP:TRANSPARENT ones (TENTATIVE counts),
            and VFREEBUSY periods except FBTYPE=FREE. Floating times and all-day dates are in X-WR-TIMEZONE,
            else Europe/Brussels; an all-day day runs midnight to midnight local time. RRULE, RDATE (periods
            with their own end), EXDATE (a date removes that day), RECURRENCE-ID overrides (RANGE=THISANDFUTURE
            too) apply; the highest SEQUENCE of a UID wins. Refused, naming the line: an RRULE with an unknown or
            repeated part or finer than daily; more than 20,000 busy intervals (or occurrences of one rule) in
            the window, 500,000 occurrences of one rule before it, or 3 s of expansion. See docs/calendars.md.

            Example:
              kring facilitator busy "An Claes" --ics an-claes.ics --from 2027-01-01 --to 2027-06-30
            """)
    @Argument(help: "The facilitator's id or name.") var facilitator: String
    @Option(help: "The iCalendar file to read.") var ics: String
    @Option(help: "First day of the window (YYYY-MM-DD).") var from: String?
    @Option(help: "Last day of the window (YYYY-MM-DD).") var to: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let operations = try database.operations()
        let data: Data
        do {
            // Read at most one byte more than the importer accepts, so a huge file is refused without loading it.
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: ics))
            defer { try? handle.close() }
            data = try handle.read(upToCount: Kring.maxCalendarInputBytes + 1) ?? Data()
        } catch {
            throw KringError.invalid("ics", ics, "cannot be read")
        }
        let view = try operations.importBusyTimes(
            facilitator: facilitator, icsData: data, source: ics, from: from, to: to)
        emit(view, format: output.format) { view in
            (["\(view.facilitator): \(view.intervals) busy interval(s) stored for \(view.from) to \(view.to)"]
                + Render.conflicts(view.conflicts)).joined(separator: "\n")
        }
    }
}
