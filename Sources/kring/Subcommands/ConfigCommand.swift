import ArgumentParser
import Foundation
import KringApp
import KringDomain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `kring config set|get`: the organisation's settings.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or change the organisation's settings.",
        discussion: """
            Keys: organisation-name, organizer (the role e-mail address invites come from), uid-domain (host name
            used in new calendar UIDs; it shows in every feed, so it may not be the organizer's mail domain nor hold a
            word of the organisation's name: keep kring.invalid or pick a neutral one), default-language (nl, fr or en), retention-days (30 to 3650).
            Mail (docs/mail.md): mail.transport (smtp://host:587 with STARTTLS, smtps://host:465,
            smtp+plain://127.0.0.1:25 for a local relay, or sendmail), mail.from (default: organizer),
            mail.username, mail.password-file (a 0600 file) or mail.password-env (a variable name): the password
            itself is never stored; mail.ca-file, mail.organisation-text.nl|fr|en, and mail.reminder (off, P1D, 2h:
            a reminder that long before each session in participants' invites and feeds).

            Examples:
              kring config set organizer groepen@example.org
              kring config set mail.transport smtps://mail.example.org
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

/// `kring invites list|send|preview|discard|export`: the outbox of REQUEST and CANCEL messages to participants and
/// facilitators with a contact.
struct InvitesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invites",
        abstract: "Send, list, preview or discard calendar invites, or write them as .ics files.",
        subcommands: [List.self, Send.self, Preview.self, Discard.self, Export.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The invites not delivered yet (pending, sending, retrying) and the failed ones.",
            discussion: """
                Per message: id, kind, group, series (or the cancelled session), recipient (pseudonym or facilitator
                name, never an address), state, attempts and the server's last reply.

                Examples:
                  kring invites list
                  kring invites list --all --format json
                """)
        @Flag(help: "Also list sent, exported and discarded messages.") var all = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let invites: [InviteView]
            if all {
                invites = try database.local(because: "the full record is kept on the server").listInvites(all: true)
            } else {
                invites = try database.operations().listInvites()
            }
            emit(invites, format: output.format) { invites in
                if invites.isEmpty { return all ? "No invites on record." : "No pending invites." }
                return invites.map { invite in
                    let what = invite.occurrence.map { "session of \($0)" } ?? "series \(invite.seriesId)"
                    let reply = invite.lastReply.map { "  \($0)" } ?? ""
                    return
                        "\(invite.id)  \(invite.method.uppercased())  \(invite.group)  \(what)  \(invite.recipient)  "
                        + "\(invite.state)  \(invite.attempts) attempt(s)\(reply)"
                }.joined(separator: "\n")
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the pending invites that are due by e-mail through mail.transport.",
            discussion: """
                Each message goes to its one recipient as an iMIP e-mail (docs/mail.md), rendered from the schedule
                as it is now; messages a later one already covers are dropped unsent. A temporary failure (4xx,
                server down) is retried by a later run after 5 minutes, doubling up to 4 hours; a refusal (5xx) is
                failed and shown by `kring invites list`. A misconfigured server (STARTTLS missing, login refused)
                stops the run with an error and marks nothing sent. `kring serve` sends by itself when
                mail.transport is set. With --server (a coordinator's token) the service sends now, at most 1,000
                messages per request.

                Examples:
                  kring config set mail.transport smtps://mail.example.org
                  kring invites send --dry-run
                  kring invites send --limit 50
                """)
        @Flag(help: "Show what would be sent (recipient, kind, series); send nothing.") var dryRun = false
        @Option(help: "Send at most this many messages.") var limit: Int?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        }

        func run() async throws {
            let view = try await database.operations().sendInvites(dryRun: dryRun, limit: limit)
            emit(view, format: output.format) { view in
                var lines = view.messages.map { message in
                    let what = message.occurrence.map { "session of \($0)" } ?? "series \(message.seriesId)"
                    let reply = message.reply.map { "  \($0)" } ?? ""
                    return "\(message.id)  \(message.method.uppercased())  \(message.group)  \(what)  "
                        + "\(message.recipient)  \(message.outcome)\(reply)"
                }
                if view.dryRun {
                    lines.append("\(view.messages.count) invite(s) would be sent (dry run: nothing sent)")
                } else {
                    lines.append("\(view.sent) of \(view.messages.count) invite(s) sent")
                }
                if view.superseded > 0 { lines.append("\(view.superseded) superseded invite(s) dropped unsent") }
                return lines.joined(separator: "\n")
            }
            if let stopped = view.stopped {
                throw KringError(
                    .environment, field: "mail.transport", value: "",
                    reason: "\(stopped); nothing more was sent, fix the mail settings and run again")
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one invite exactly as it would be sent now: the whole e-mail, headers and calendar.",
            discussion: """
                The text holds the recipient's address: it goes to stdout only, for the coordinator's eyes, and is
                never logged. With --server it needs a coordinator's token.

                Example:
                  kring invites preview 12
                """)
        @Argument(help: "The invite's id (from `kring invites list`).") var id: Int64
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let text = try database.operations().previewInvite(id)
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    struct Discard: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop one invite that has not gone out (pending, retrying or failed).",
            discussion: """
                Example:
                  kring invites discard 12
                """)
        @Argument(help: "The invite's id (from `kring invites list`).") var id: Int64
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().discardInvite(id)
            emit(view, format: output.format) { "discarded: \($0.id)  \($0.method.uppercased())  \($0.recipient)" }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write each pending invite as one .ics file (named by its id and method) and mark it exported.",
            discussion: """
                ORGANIZER is the configured `organizer`; the only ATTENDEE is the recipient's own address. A
                facilitator's invite holds only the sessions they are assigned to. The files hold addresses: each is
                written 0600, and a folder created here is 0700. manifest.tsv and manifest.json say which file is for
                whom (pseudonym or facilitator name, kind, series; no address).

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
            let permissions = (try? FileManager.default.attributesOfItem(atPath: out)[.posixPermissions]) as? NSNumber
            if !view.files.isEmpty, let permissions, permissions.intValue & 0o077 != 0 {
                let mode = String(permissions.intValue & 0o777, radix: 8)
                ErrorOutput.printLine(
                    "warning: \(out) is readable by others (mode \(mode)) and the files hold addresses: chmod 700 it")
            }
            emit(view, format: output.format) { view in
                (["\(view.files.count) invite(s) written to \(view.directory)"] + view.files.map(\.file))
                    .joined(separator: "\n")
            }
        }
    }
}
