import ArgumentParser
import Foundation
import KringApp
import KringDomain

/// `kring audit`: who changed what, and when, for coordinators.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the audit trail: every change, when, by which role and token (or local user), on which ids.",
        discussion: """
            The trail holds ids only, never a pseudonym, contact or text; after an erasure the ids no longer resolve.
            Entries older than the retention period are purged. Days are whole days in Europe/Brussels.

            Examples:
              kring audit --from 2027-01-01 --to 2027-01-31
              kring audit --operation withdraw --participant 12
            """)
    @Option(help: "First day, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day, YYYY-MM-DD.") var to: String?
    @Option(help: "Only this operation (withdraw, enrol, cancelSession, …).") var operation: String?
    @Option(help: "Only entries that touched this participant id.") var participant: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let entries = try database.operations().audit(
            AuditQuery(from: from, to: to, operation: operation, participant: participant))
        emit(entries, format: output.format, table: Render.audit)
    }
}

extension Render {
    static func audit(_ entries: [AuditEntryView]) -> String {
        var table = TableText("ID", "AT", "ROLE", "BY", "OPERATION", "OBJECTS")
        for entry in entries {
            let who = entry.tokenId.map { "token \($0)" } ?? entry.localUser.map { "local \($0)" } ?? "-"
            let objects = entry.objects.filter { ["participant", "group", "session", "facilitator"].contains($0.kind) }
                .map { "\($0.kind) \($0.id)" }
            table.add(
                String(entry.id), entry.at, entry.role, who, entry.operation,
                objects.isEmpty ? "\(entry.objects.count) rows" : objects.joined(separator: ", "))
        }
        return table.rendered
    }

    static func keepApart(_ view: KeepApartView) -> String {
        let pair =
            "\(view.participants[0]) (participant \(view.participantIds[0])) and "
            + "\(view.participants[1]) (participant \(view.participantIds[1]))"
        if view.removed { return "\(pair) are no longer kept apart" }
        var lines = ["\(pair) are kept apart" + (view.created ? "" : " (already marked)")]
        for conflict in view.conflicts {
            lines.append(
                "warning: both are in \(conflict.group); move \(conflict.move) (participant \(conflict.moveId)), "
                    + "who joined after \(conflict.staying): nothing was moved, and neither is promoted next to the other"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func keepApartMarks(_ marks: [KeepApartMarkView]) -> String {
        var table = TableText("IDS", "PARTICIPANTS", "BOTH IN")
        for mark in marks {
            table.add(
                "\(mark.participantIds[0]), \(mark.participantIds[1])", mark.participants.joined(separator: " / "),
                mark.sharedGroups.isEmpty ? "-" : mark.sharedGroups.joined(separator: ", "))
        }
        return table.rendered
    }
}
