import ArgumentParser
import KringApp
import KringDomain

/// Correcting records after the fact (issue 14): a participant's details and address, a facilitator leaving.
extension ParticipantCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show one participant: relation, language, groups and where they meet, whether a contact is on file.",
            discussion: """
                The address stays sealed unless a coordinator asks for it with --reveal-contact; it is printed to
                stdout only and never logged.

                Examples:
                  kring participant show "Stille Eik"
                  kring participant show 12 --reveal-contact
                """)
        @Argument(help: "The participant's id or pseudonym.") var participant: String
        @Flag(help: "Open the sealed address and print it (coordinators only).") var revealContact = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(
                try database.operations().showParticipant(participant, revealContact: revealContact),
                format: output.format, table: Render.participantDetail)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a participant's relation or language, or set or clear their invite address.",
            discussion: """
                A new address is sealed like the first one, and a participant who has a seat gets a REQUEST for every
                series of their groups, so someone enrolled without an address gets their invites from now on.
                --clear-contact forgets the address and drops the invites not sent yet.

                Examples:
                  kring participant update "Stille Eik" --contact stille.eik@example.org
                  kring participant update 12 --relation parent --language fr
                  kring participant update 12 --clear-contact
                """)
        @Argument(help: "The participant's id or pseudonym.") var participant: String
        @Option(help: "partner, parent, child, sibling, other-family, friend or other.") var relation: String?
        @Option(help: "nl, fr, en or de.") var language: String?
        @Option(help: "A new e-mail address for invites; stored encrypted.") var contact: String?
        @Flag(help: "Forget the stored address.") var clearContact = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let changes = ParticipantChanges(
                relation: relation, language: language, contact: contact, clearContact: clearContact ? true : nil)
            emit(
                try database.operations().updateParticipant(participant, changes), format: output.format,
                table: Render.participantDetail)
        }
    }
}

extension FacilitatorCommand {
    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a facilitator who leaves: out of every future plan, history kept, address erased.",
            discussion: """
                Their assignments to sessions that have not started are removed and listed, so you can re-plan them
                (`kring assign`); they are never a candidate again. Past sessions keep them. Their invite address and
                pending invites are erased and their API tokens revoked. --erase-name also replaces their name with
                a neutral placeholder ("retired facilitator ID"); that cannot be undone.

                The command shows what it will change, then asks; in a script it needs --yes.

                Examples:
                  kring facilitator retire "Bart Peeters" --dry-run
                  kring facilitator retire "Bart Peeters" --erase-name --yes
                """)
        @Argument(help: "The facilitator's id or name.") var facilitator: String
        @Flag(help: "Also replace their name with a neutral placeholder, irreversibly.") var eraseName = false
        @OptionGroup var confirmation: ConfirmationOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            try Confirmation.run(
                try database.operations(), yes: confirmation.yes, dryRun: confirmation.dryRun, format: output.format,
                action: "retiring facilitator '\(facilitator)'", irreversible: eraseName, table: Render.retirement
            ) { (operations) throws(KringError) in
                try operations.retireFacilitator(facilitator, eraseName: eraseName)
            }
        }
    }
}

extension Render {
    static func participantDetail(_ view: ParticipantDetailView) -> String {
        var lines = [
            "\(view.pseudonym) (participant \(view.id)): \(view.relation.rawValue), language \(view.language.rawValue)"
        ]
        if let contact = view.contact {
            lines.append("  contact: \(contact)")
        } else {
            lines.append("  contact: \(view.hasContact ? "on file (sealed)" : "none")")
        }
        if view.places.isEmpty { lines.append("  groups: none") }
        for place in view.places {
            let position = view.enrolments.first { $0.groupId == place.groupId }?.waitlistPosition
            let where_ = place.venue ?? place.online ?? "-"
            lines.append(
                "  \(place.group): \(place.state.rawValue)\(position.map { " #\($0)" } ?? ""), meets at \(where_)")
        }
        return lines.joined(separator: "\n")
    }

    static func retirement(_ view: RetirementView) -> String {
        var lines = ["\(view.name) (facilitator \(view.facilitatorId)): retired; past sessions keep them"]
        if view.removedAssignments.isEmpty {
            lines.append("no future session to re-plan")
        } else {
            lines.append(
                "removed from \(view.removedAssignments.count) future session(s); re-plan them with `kring assign`:")
            for removed in view.removedAssignments {
                lines.append(
                    "  session \(removed.sessionId) (\(removed.group), \(readable(removed.start)))"
                        + (removed.wasLead ? ", was lead" : ""))
            }
        }
        if view.contactErased { lines.append("invite address erased, with the invites not sent yet") }
        if view.nameErased { lines.append("name erased") }
        if view.revokedTokens > 0 { lines.append("API tokens revoked: \(view.revokedTokens)") }
        return lines.joined(separator: "\n")
    }
}
