import ArgumentParser
import Foundation
import KringApp
import KringDomain

/// `kring assign`: staffs every open slot it can and explains every gap.
struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign facilitators to upcoming sessions; print the plan, its score and why any slot stays empty.",
        discussion: """
            Hard rules are never broken: language, audience, a lead where needed, weekly windows, blockouts, busy
            times, no overlaps (travel buffer included), weekly and monthly maxima, exclusions. Pinned assignments
            and sessions that have started never change; a change to a published assignment costs stability.
            Dates are whole days in the group's zone (Europe/Brussels without --group). After a blockout, busy-time
            import, exclusion or session move reports conflicts, --only-affected re-plans exactly those sessions.

            Examples:
              kring assign
              kring assign --group gent-partners --from 2027-01-01 --to 2027-03-31 --dry-run --explain
              kring assign --only-affected --yes
            """)
    @Option(help: "Only this group's sessions (id or name); the others still count for overlaps and maxima.")
    var group: String?
    @Option(help: "First day to plan, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day to plan, YYYY-MM-DD.") var to: String?
    @Flag(help: "Show the plan without storing it.") var dryRun = false
    @Flag(help: "Make the change without asking; required when stdin is not a terminal (scripts).") var yes = false
    @Flag(help: "Also say, for each chosen facilitator, why they beat the runner-up.") var explain = false
    @Flag(
        help: ArgumentHelp(
            "Re-plan only the sessions whose stored assignments break a hard rule now (a blockout, busy time, "
                + "move…); every other assignment stays."))
    var onlyAffected = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let request = AssignRequest(
            group: group, from: from, to: to, dryRun: dryRun, explain: explain, onlyAffected: onlyAffected)
        if dryRun {
            emit(try database.operations().assign(request), format: output.format, table: Render.assignRun)
            return
        }
        // A re-plan moves people between sessions: seen first, or --yes.
        try Confirmation.run(
            try database.operations(), yes: yes, dryRun: false, format: output.format, action: "re-planning",
            table: Render.assignRun
        ) { (operations) throws(KringError) in try operations.assign(request) }
    }
}

/// `kring assignment set|remove|list|settings`: the coordinator's hand on the plan.
struct AssignmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assignment",
        abstract: "Set, remove and list facilitator assignments; change the planner's settings.",
        subcommands: [SetAssignment.self, Remove.self, List.self, Settings.self]
    )

    struct SetAssignment: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Put a facilitator on a session; refused, naming the rule, if a hard rule blocks it.",
            discussion: """
                --pin keeps the assignment through every later `kring assign`; --lead makes them the session's lead.
                Someone who declined the session is refused; --override-decline (after talking to them) sets them
                back and clears the decline, which the audit trail records.

                Examples:
                  kring assignment set 12 --facilitator "An Claes" --lead --pin
                  kring assignment set 12 --facilitator 3
                """)
        @Argument(help: "The session's id.") var session: String
        @Option(help: "The facilitator's id or name.") var facilitator: String
        @Flag(help: "Never change this assignment when re-planning.") var pin = false
        @Flag(help: "They lead this session.") var lead = false
        @Flag(help: "Set them even though they declined this session, and clear the decline.")
        var overrideDecline = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().setAssignment(
                session: session, facilitator: facilitator, pin: pin, lead: lead, overrideDecline: overrideDecline)
            emit(view, format: output.format, table: Render.staffingLine)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a facilitator off a session (pinned or not); the next `kring assign` may refill it.",
            discussion: "Example:\n  kring assignment remove 12 --facilitator \"An Claes\"")
        @Argument(help: "The session's id.") var session: String
        @Option(help: "The facilitator's id or name.") var facilitator: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().removeAssignment(session: session, facilitator: facilitator)
            emit(view, format: output.format, table: Render.staffingLine)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List assignments in session order.",
            discussion:
                """
                Examples:
                  kring assignment list --group gent-partners
                  kring assignment list --facilitator "An Claes"
                """
        )
        @Option(help: "Only this facilitator (id or name).") var facilitator: String?
        @Option(help: "Only this group (id or name).") var group: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().listAssignments(facilitator: facilitator, group: group)
            emit(view, format: output.format, table: Render.assignments)
        }
    }

    struct Settings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change the travel buffer and the weights of the soft goals.",
            discussion: """
                The travel buffer (default 30 minutes) separates two sessions of one facilitator unless both are
                online. Weights (0-100) trade continuity (the same pair across a series), fairness (load in
                proportion to each maximum), stated preferences and stability (not changing published assignments);
                an empty slot or a missing lead always weighs more than all of them.

                Examples:
                  kring assignment settings
                  kring assignment settings --travel-buffer 45 --continuity 5
                """)
        @Option(help: "Minutes between two sessions of one facilitator (0-240).") var travelBuffer: Int?
        @Option(help: "Weight of continuity.") var continuity: Double?
        @Option(help: "Weight of fairness.") var fairness: Double?
        @Option(help: "Weight of stated preferences.") var preference: Double?
        @Option(help: "Weight of stability.") var stability: Double?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().assignmentSettings(
                AssignmentSettingsChanges(
                    travelBufferMinutes: travelBuffer, continuity: continuity, fairness: fairness,
                    preference: preference, stability: stability))
            emit(view, format: output.format) { view in
                "travel buffer \(view.travelBufferMinutes) min (none between two online sessions); weights: "
                    + "continuity \(view.continuity), fairness \(view.fairness), preference \(view.preference), "
                    + "stability \(view.stability)"
            }
        }
    }
}

extension Render {
    /// One line per changed session, in start order: who left and who came, so a coordinator sees which
    /// facilitators' calendars change (not only how many rows did).
    static func changesPerSession(_ changes: [AssignmentChangeView]) -> [String] {
        let bySession = Dictionary(grouping: changes, by: \.sessionId)
        return bySession.values.sorted { ($0[0].start, $0[0].sessionId) < ($1[0].start, $1[0].sessionId) }.map {
            session in
            let first = session[0]
            let left = session.filter { $0.kind == "removed" }.map(\.facilitator)
            let came = session.filter { $0.kind == "added" }.map(\.facilitator)
            var parts: [String] = []
            if !left.isEmpty { parts.append("left: \(left.joined(separator: ", "))") }
            if !came.isEmpty { parts.append("came: \(came.joined(separator: ", "))") }
            return "  - session \(first.sessionId) (\(first.group), \(first.start)): " + parts.joined(separator: "; ")
        }
    }

    static func assignRun(_ view: AssignRunView) -> String {
        var lines: [String] = []
        let unfilled = view.slots - view.filledSlots
        lines.append(
            "\(view.dryRun ? "dry run, nothing stored: " : "")\(view.sessions.count) sessions, \(view.filledSlots) of "
                + "\(view.slots) slots filled" + (unfilled > 0 ? ", \(unfilled) unfilled (explained below)" : ""))
        if !view.sessions.isEmpty { lines.append(staffingTable(view.sessions)) }
        lines.append(score(view.score))
        let added = view.changes.count { $0.kind == "added" }
        let removed = view.changes.count { $0.kind == "removed" }
        lines.append("changes: \(added) added, \(removed) removed")
        lines += changesPerSession(view.changes)
        if !view.unfilled.isEmpty {
            lines.append("unfilled slots:")
            lines += view.unfilled.map { "  - " + $0.text }
        }
        if !view.justifications.isEmpty {
            lines.append("why each choice beat the runner-up:")
            lines += view.justifications.map { "  - " + $0.text }
        }
        if !view.preexistingIssues.isEmpty {
            lines.append("pinned or past assignments that break a rule (kept):")
            lines += view.preexistingIssues.map { "  - " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    static func score(_ score: PlanScoreView) -> String {
        "score: unfilled \(score.unfilledSlots), missing leads \(score.missingLeads), continuity \(score.continuity), "
            + "fairness \(score.fairness), preference \(score.preference), stability \(score.stability) "
            + "(total \(score.total))"
    }

    static func staffingTable(_ sessions: [SessionStaffingView]) -> String {
        var table = TableText("SESSION", "GROUP", "START", "LEAD", "WITH", "OPEN")
        for session in sessions {
            let lead = session.facilitators.first { $0.lead }
            let others = session.facilitators.filter { $0.facilitatorId != lead?.facilitatorId }
            table.add(
                String(session.sessionId), session.group, readable(session.start),
                lead.map { $0.name + ($0.pinned ? " [pinned]" : "") } ?? "-",
                others.isEmpty ? "-" : others.map { $0.name + ($0.pinned ? " [pinned]" : "") }.joined(separator: ", "),
                session.openSlots > 0 || !session.hasLead
                    ? "\(session.openSlots)\(session.hasLead ? "" : ", no lead")" : "")
        }
        return table.rendered
    }

    static func assignments(_ rows: [AssignmentListView]) -> String {
        var table = TableText("SESSION", "GROUP", "START", "STATUS", "FACILITATOR", "ROLE", "PINNED")
        for row in rows {
            table.add(
                String(row.sessionId), row.group, readable(row.start), row.status.rawValue, row.facilitator,
                row.lead ? "lead" : "co", row.pinned ? "yes" : "")
        }
        return table.rendered
    }
}

extension Render {
    /// The demo's short form of a plan: counts, score and every unfilled slot's explanation, without the table.
    static func assignSummary(_ view: AssignRunView) -> String {
        let unfilled = view.slots - view.filledSlots
        var lines = [
            "\(view.sessions.count) upcoming sessions, \(view.filledSlots) of \(view.slots) slots filled, "
                + "\(view.score.missingLeads) sessions without a lead"
                + (unfilled > 0 ? "; \(unfilled) unfilled, each explained:" : "; every slot filled")
        ]
        lines += view.unfilled.map { "  - " + $0.text }
        lines.append(score(view.score))
        return lines.joined(separator: "\n")
    }
}
