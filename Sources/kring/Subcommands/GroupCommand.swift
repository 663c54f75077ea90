import ArgumentParser
import KringApp
import KringDomain

struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Plan groups: create, list, show, update, open, start, close.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Open.self, Start.self, Close.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a group in draft, with a neutral public title unless --title is given.",
            discussion: """
                Example:
                  kring group create --name gent-partners --audience partners --language nl --capacity 10 \\
                    --minimum 5 --venue "Gent, ontmoetingsruimte"
                """
        )
        @Option(help: "Internal name, seen by coordinators only.") var name: String
        @Option(help: "partners, parents, family, friends or mixed.") var audience: String
        @Option(help: "nl, fr, en or de.") var language: String
        @Option(help: "Seats (1 to 40).") var capacity: Int
        @Option(help: "Participants needed to start (default: half the capacity).") var minimum: Int?
        @Option(help: "Facilitators per session, one of them a lead (default 2).") var facilitators: Int?
        @Option(help: "Where the group meets.") var venue: String?
        @Option(help: "The online meeting address (https://…), instead of a venue.") var online: String?
        @Option(help: "What calendars show (default: a neutral title in the group's language).") var title: String?
        @Option(help: "IANA time zone (default Europe/Brussels).") var timezone: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().createGroup(
                GroupChanges(
                    name: name, title: title, audience: audience, language: language, capacity: capacity,
                    minimum: minimum, facilitators: facilitators, venue: venue, online: online, timezone: timezone))
            emit(view, format: output.format, table: Render.group)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every group with its enrolment and next session.",
            discussion: "Example:\n  kring group list --format json")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(try database.operations().listGroups(), format: output.format, table: Render.groups)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one group.", discussion: "Example:\n  kring group show gent-partners")
        @Argument(help: "The group's id or name.") var group: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(try database.operations().showGroup(group), format: output.format, table: Render.group)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a group's fields; a higher capacity promotes the waitlist.",
            discussion: """
                A new title, language, venue or online address is in every calendar event of the group: it raises the
                events' SEQUENCE and queues an invite to everyone enrolled and every facilitator with sessions in it.

                Example:
                  kring group update gent-partners --capacity 12 --title "Dinsdaggroep"
                """)
        @Argument(help: "The group's id or name.") var group: String
        @Option(help: "New internal name.") var name: String?
        @Option(help: "partners, parents, family, friends or mixed.") var audience: String?
        @Option(help: "nl, fr, en or de.") var language: String?
        @Option(help: "Seats; not below the number enrolled.") var capacity: Int?
        @Option(help: "Participants needed to start.") var minimum: Int?
        @Option(help: "Facilitators per session.") var facilitators: Int?
        @Option(help: "Where the group meets (replaces an online address).") var venue: String?
        @Option(help: "Online meeting address (replaces a venue).") var online: String?
        @Option(help: "Public title.") var title: String?
        @Flag(help: "Go back to the neutral default title.") var defaultTitle = false
        @Option(help: "IANA time zone (only before sessions exist).") var timezone: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().updateGroup(
                group,
                GroupChanges(
                    name: name, title: title, clearTitle: defaultTitle, audience: audience, language: language,
                    capacity: capacity, minimum: minimum, facilitators: facilitators, venue: venue, online: online,
                    timezone: timezone))
            emit(view, format: output.format, table: Render.group)
        }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a draft group for enrolments.", discussion: "Example:\n  kring group open gent-partners")
        @Argument(help: "The group's id or name.") var group: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(try database.operations().openGroup(group), format: output.format, table: Render.group)
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an open group as running once its minimum is enrolled.",
            discussion: "Example:\n  kring group start gent-partners")
        @Argument(help: "The group's id or name.") var group: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(try database.operations().startGroup(group), format: output.format, table: Render.group)
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Close a group: enrolled participants complete, the waitlist is released, future sessions cancelled.",
            discussion:
                "Asks first; in a script it needs --yes.\n\nExample:\n  kring group close gent-partners --dry-run")
        @Argument(help: "The group's id or name.") var group: String
        @OptionGroup var confirmation: ConfirmationOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            try Confirmation.run(
                try database.operations(), yes: confirmation.yes, dryRun: confirmation.dryRun, format: output.format,
                action: "closing group '\(group)'",
                table: Render.group
            ) { (operations) throws(KringError) in try operations.closeGroup(group) }
        }
    }
}
