import ArgumentParser
import Foundation
import KringApp
import KringDomain

struct ParticipantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participant",
        abstract: "Enrol participants under a pseudonym, list, show and correct them, withdraw them, keep two apart.",
        subcommands: [
            Enrol.self, EnrolCSV.self, List.self, Show.self, Update.self, Withdraw.self, KeepApart.self,
            EraseStatusCommand.self,
        ]
    )

    struct Enrol: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a participant after the intake call: a seat if one is free, else the waitlist.",
            discussion: """
                Without --pseudonym a readable one is made in the participant's language. No legal name is ever
                asked or stored. The contact address is sealed with the key file before it is stored.

                Examples:
                  kring participant enrol --group gent-partners --relation partner --contact canary@example.org
                  kring participant enrol --group online-avond --participant "Stille Eik"
                """
        )
        @Option(help: "The group's id or name.") var group: String
        @Option(help: "A new participant's pseudonym (default: generated).") var pseudonym: String?
        @Option(help: "An existing participant (id or pseudonym) joining this group too.") var participant: String?
        @Option(help: "partner, parent, child, sibling, other-family, friend or other.") var relation: String?
        @Option(help: "nl, fr, en or de (default: the group's).") var language: String?
        @Option(help: "An e-mail address for invites; stored encrypted (also for an existing participant).")
        var contact: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().enrol(
                EnrolmentRequest(
                    group: group, pseudonym: pseudonym, existingParticipant: participant, relation: relation,
                    language: language, contact: contact))
            emit(view, format: output.format, table: Render.enrolment)
        }
    }

    struct EnrolCSV: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enrol-csv",
            abstract: "Enrol everyone on an intake list (CSV), all or nothing, with a report per line.",
            discussion: """
                The first line names the columns: pseudonym, relation, group, and optionally language and contact,
                in any order. UTF-8 with or without a byte order mark; comma or semicolon separated (Excel's "CSV"
                in Belgium uses semicolons); quoted fields may hold the separator. The whole list is checked first,
                then stored in one transaction: one bad line refuses the list, naming the line, field and value, and
                nothing is stored. Every enrolment rule holds (capacity and waitlist, keep-apart, duplicates). A line
                whose person is already enrolled or waiting in that group changes nothing, so running a list twice
                is safe. Give - to read the list from standard input, so the addresses need not sit on disk.

                Examples:
                  kring participant enrol-csv intake.csv
                  kring participant enrol-csv - < intake.csv
                """
        )
        @Argument(help: "The CSV file, or - for standard input.") var file: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw KringError.notFound("file", file, "cannot be read")
                }
                data = contents
            }
            emit(try database.operations().enrolFromList(data), format: output.format, table: Render.intakeList)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List participants and their groups.",
            discussion: "Example:\n  kring participant list --group gent-partners")
        @Option(help: "Only this group (id or name).") var group: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(
                try database.operations().listParticipants(group: group), format: output.format,
                table: Render.participants)
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a participant; the head of the waitlist takes the seat. --erase removes every trace.",
            discussion: """
                --erase also drops the participant's invites not exported yet, the cancellation among them, and says
                how many. For them to receive the cancellation: withdraw, run `kring invites export`, then erase.

                The command shows whom it matched and what will change, then asks; in a script it needs --yes.
                --dry-run shows the effect and changes nothing. A withdrawal is undone by enrolling them again
                (`kring participant enrol --participant ID`); --erase cannot be undone.

                Examples:
                  kring participant withdraw "Stille Eik" --group gent-partners --dry-run
                  kring participant withdraw 12 --erase --yes
                  kring participant withdraw "Stille Eik" --reason other-help --yes
                """)
        @Argument(help: "The participant's id or pseudonym.") var participant: String
        @Option(help: "The group to withdraw from (needed when they are in several).") var group: String?
        @Flag(help: "Also erase the participant, their enrolments, attendance and contact, irreversibly.") var erase =
            false
        @Option(
            help:
                "Why they left, for the annual report: helped, other-help, practical, not-a-fit or unstated (default)."
        ) var reason: String?
        @OptionGroup var confirmation: ConfirmationOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            try Confirmation.run(
                try database.operations(), yes: confirmation.yes, dryRun: confirmation.dryRun, format: output.format,
                action: erase ? "erasing '\(participant)'" : "withdrawing '\(participant)'", irreversible: erase,
                table: Render.change
            ) { (operations) throws(KringError) in
                try operations.withdraw(participant, group: group, erase: erase, reason: reason)
            }
        }
    }

    struct KeepApart: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keep-apart",
            abstract: "Mark two participants who know each other: they are never in one group. --list, --remove.",
            discussion: """
                The mark binds enrolment, promotion from a waitlist (the person is skipped and keeps their place),
                imports and capacity changes. When both are already in one group nothing moves by itself: the
                output names the one who joined later as the one to move.

                Examples:
                  kring participant keep-apart "Stille Eik" "Blauwe Reiger"
                  kring participant keep-apart --list
                  kring participant keep-apart "Stille Eik" "Blauwe Reiger" --remove --yes
                """)
        @Argument(help: "One participant (id or pseudonym).") var first: String?
        @Argument(help: "The other participant.") var second: String?
        @Flag(help: "List the marks (of the participant given, else all).") var list = false
        @Flag(help: "Remove the mark between the two.") var remove = false
        @OptionGroup var confirmation: ConfirmationOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            if list {
                guard second == nil, !remove else { throw ValidationError("--list takes at most one participant") }
            } else if first == nil || second == nil {
                throw ValidationError("name two participants (or use --list)")
            }
        }

        func run() throws {
            let operations = try database.operations()
            if list {
                emit(
                    try operations.listKeepApart(participant: first), format: output.format,
                    table: Render.keepApartMarks)
                return
            }
            guard let first, let second else { return }
            if remove {
                try Confirmation.run(
                    operations, yes: confirmation.yes, dryRun: confirmation.dryRun, format: output.format,
                    action: "removing the keep-apart mark between '\(first)' and '\(second)'", table: Render.keepApart
                ) { (operations) throws(KringError) in try operations.removeKeepApart(first, second) }
                return
            }
            emit(try operations.keepApart(first, second), format: output.format, table: Render.keepApart)
        }
    }
}

struct FacilitatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facilitator",
        abstract:
            "Register facilitators, list, correct and retire them; their availability, limits, conflicts, declines.",
        subcommands: [
            Add.self, List.self, Availability.self, Blockout.self, Exclude.self, Update.self, Retire.self,
            Decline.self, FacilitatorBusyCommand.self,
        ]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a facilitator.",
            discussion: """
                Examples:
                  kring facilitator add --name "An Claes" --languages nl,fr --lead --audiences partners,parents --max-per-month 4
                  kring facilitator add --name "Bert Peeters" --languages nl --contact bert@example.org
                """)
        @Option(help: "The name colleagues know them by.") var name: String
        @Option(help: "Languages, comma-separated: nl,fr.") var languages: String
        @Flag(help: "Can lead a session.") var lead = false
        @Option(help: "Audiences they may serve, comma-separated (default: all).") var audiences: String?
        @Option(help: "At most this many sessions a month.") var maxPerMonth: Int?
        @Option(help: "An e-mail address for calendar invites; stored encrypted.") var contact: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().addFacilitator(
                FacilitatorRequest(
                    name: name, languages: languages, lead: lead, audiences: audiences, maxPerMonth: maxPerMonth,
                    contact: contact))
            emit(view, format: output.format) { Render.facilitators([$0]) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List facilitators.", discussion: "Example:\n  kring facilitator list")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(try database.operations().listFacilitators(), format: output.format, table: Render.facilitators)
        }
    }
}

struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Who is enrolled in a group and how they attended so far, then the waitlist.",
        discussion: "Examples:\n  kring roster --group gent-partners\n  kring roster --group gent-partners --session 3")
    @Option(help: "The group's id or name.") var group: String
    @Option(help: "Show each participant's mark at this session.") var session: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        emit(
            try database.operations().roster(group: group, session: session), format: output.format,
            table: Render.roster)
    }
}

struct AttendanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attendance",
        abstract: "Record attendance.",
        subcommands: [Mark.self]
    )

    struct Mark: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a participant present, absent or excused at a session.",
            discussion: "Example:\n  kring attendance mark --session 3 --participant \"Stille Eik\" --status present")
        @Option(help: "The session's id.") var session: String
        @Option(help: "The participant's id or pseudonym.") var participant: String
        @Option(help: "present, absent or excused.") var status: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().markAttendance(
                session: session, participant: participant, status: status)
            emit(view, format: output.format) {
                "\($0.pseudonym): \($0.status.rawValue) at session \($0.sessionId) (\(readable($0.session.start)))"
            }
        }
    }
}
