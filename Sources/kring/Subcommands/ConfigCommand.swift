import ArgumentParser
import Foundation
import KringApp
import KringDomain

/// `kring config set|get`: the organisation's settings.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or change the organisation's settings.",
        discussion: """
            Keys: organisation-name, organizer (the role e-mail address invites come from), uid-domain (host name
            used in new calendar UIDs; it shows in every feed, so it may not be the organizer's mail domain nor hold a
            word of the organisation's name: keep kring.invalid or pick a neutral one), default-language (nl, fr or en), retention-days (30 to 3650).

            Examples:
              kring config set organizer groepen@example.org
              kring config get
            """,
        subcommands: [Set.self, Get.self]
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change one setting; a bad value changes nothing.")
        @Argument(help: "The setting's key.") var key: String
        @Argument(help: "The new value.") var value: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let entry = try database.operations().setConfig(key, value)
            emit(entry, format: output.format) { "\($0.key) = \($0.value ?? "")" }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one setting, or all of them.")
        @Argument(help: "The setting's key (all settings when omitted).") var key: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let entries = try database.operations().getConfig(key)
            if key != nil, output.format == .table {
                print(entries.first?.value ?? "(not set)")
                return
            }
            emit(entries, format: output.format) { entries in
                entries.map { "\($0.key) = \($0.value ?? "(not set)")" }.joined(separator: "\n")
            }
        }
    }
}

/// `kring invites list|export`: the outbox of REQUEST and CANCEL messages to participants and facilitators with a
/// contact.
struct InvitesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invites",
        abstract: "List pending calendar invites, or write them as .ics files for sending.",
        subcommands: [List.self, Export.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The invites queued and not exported yet.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let invites = try database.operations().listInvites()
            emit(invites, format: output.format) { invites in
                if invites.isEmpty { return "No pending invites." }
                return invites.map { invite in
                    let what = invite.occurrence.map { "session of \($0)" } ?? "series \(invite.seriesId)"
                    return "\(invite.id)  \(invite.method.uppercased())  \(invite.group)  \(what)  \(invite.recipient)"
                }.joined(separator: "\n")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write each pending invite as one .ics file (named by its id and method) and mark it exported.",
            discussion: """
                ORGANIZER is the configured `organizer`; the only ATTENDEE is the recipient's own address. A
                facilitator's invite holds only the sessions they are assigned to. The files hold addresses: each is
                written 0600, and a folder created here is 0700.

                Examples:
                  kring invites export --out outbox/
                  kring invites export --out outbox/ --facilitator "An Claes"
                """)
        @Option(help: "The folder to write to (created 0700 when missing).") var out: String
        @Option(help: "Only this group's invites (id or name).") var group: String?
        @Option(help: "Only this participant's invites (id or pseudonym).") var participant: String?
        @Option(help: "Only this facilitator's invites (id or name).") var facilitator: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.local(
                because: "it writes files holding participants' addresses, which never leave the server"
            ).exportInvites(to: out, group: group, participant: participant, facilitator: facilitator)
            emit(view, format: output.format) { view in
                ([ "\(view.files.count) invite(s) written to \(view.directory)"] + view.files.map(\.file))
                    .joined(separator: "\n")
            }
        }
    }
}
