import ArgumentParser
import KringApp
import KringDomain

/// `kring facilitator availability|blockout|exclude|update|decline`: what the planner must respect for a facilitator.
extension FacilitatorCommand {
    struct Availability: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a facilitator's weekly windows (or show their planning profile without options).",
            discussion: """
                Windows are in the facilitator's own time zone (Europe/Brussels unless `facilitator update
                --timezone` says otherwise). A session must fit one window whole. Without any window a facilitator
                is available at any time.

                Examples:
                  kring facilitator availability "An Claes" --weekly 'tu 18:00-22:00' --weekly 'we 09:00-13:00'
                  kring facilitator availability "An Claes" --any-time
                  kring facilitator availability "An Claes"
                """)
        @Argument(help: "The facilitator's id or name.") var facilitator: String
        @Option(help: "A weekly window such as 'tu 18:00-22:00'; repeat for more. Replaces all windows.")
        var weekly: [String] = []
        @Flag(help: "Remove every window: available at any time.") var anyTime = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().setAvailability(
                facilitator: facilitator, weekly: weekly, anyTime: anyTime)
            emit(view, format: output.format, table: Render.planningProfile)
        }
    }

    struct Blockout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block out whole days (holiday, illness) for a facilitator, or remove a blockout.",
            discussion: """
                Both dates are included, in the facilitator's time zone.

                Examples:
                  kring facilitator blockout "An Claes" --from 2027-02-15 --to 2027-02-21
                  kring facilitator blockout "An Claes" --from 2027-02-15 --to 2027-02-21 --remove
                """)
        @Argument(help: "The facilitator's id or name.") var facilitator: String
        @Option(help: "First day away, YYYY-MM-DD.") var from: String
        @Option(help: "Last day away, YYYY-MM-DD.") var to: String
        @Flag(help: "Remove the blockout with exactly these dates.") var remove = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().blockout(facilitator: facilitator, from: from, to: to, remove: remove)
            emit(view, format: output.format, table: Render.planningProfile)
        }
    }

    struct Exclude: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a conflict of interest: never in this group, or never where this participant is enrolled.",
            discussion: """
                No reason is stored. A participant mark keeps the facilitator out of every group the participant is
                enrolled or waitlisted in, now and later.

                Examples:
                  kring facilitator exclude "Karim Haddou" --group gent-partners
                  kring facilitator exclude "Karim Haddou" --participant "Stille Eik"
                  kring facilitator exclude "Karim Haddou" --group gent-partners --remove
                """)
        @Argument(help: "The facilitator's id or name.") var facilitator: String
        @Option(help: "A group (id or name).") var group: String?
        @Option(help: "A participant they know (id or pseudonym).") var participant: String?
        @Flag(help: "Remove the mark.") var remove = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let view = try database.operations().exclude(
                facilitator: facilitator, group: group, participant: participant, remove: remove)
            emit(view, format: output.format, table: Render.planningProfile)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct any of a facilitator's details: name, languages, audiences, lead role, limits, address.",
            discussion: """
                `none` clears a maximum or a preference. Preferences are soft: the planner follows them when it can.
                A change that breaks a stored assignment of a session not yet held (a language dropped, no longer a
                lead, a lower maximum) is made, and each such session is listed for you to re-plan.

                Examples:
                  kring facilitator update "An Claes" --max-per-week 1 --max-per-month 3
                  kring facilitator update "An Claes" --prefer-days tu,th --prefer-groups gent-partners
                  kring facilitator update "An Claes" --max-per-week none
                  kring facilitator update "An Claes" --contact an.claes@example.org
                  kring facilitator update "An Claes" --languages nl --audiences all --no-lead --name "An Claes-Maes"
                """)
        @Argument(help: "The facilitator's id or name.") var facilitator: String
        @Option(help: "The name colleagues know them by.") var name: String?
        @Option(help: "Languages, comma-separated: nl,fr.") var languages: String?
        @Option(help: "Audiences they may serve, comma-separated, or all.") var audiences: String?
        @Flag(inversion: .prefixedNo, help: "Whether they can lead a session.") var lead: Bool?
        @Option(help: "At most this many sessions in one week (1-7), or none.") var maxPerWeek: String?
        @Option(help: "At most this many sessions in one month (1-31), or none.") var maxPerMonth: String?
        @Option(help: "Their IANA time zone, e.g. Europe/Brussels.") var timezone: String?
        @Option(help: "Preferred weekdays, comma-separated (mo,tu,…), or none.") var preferDays: String?
        @Option(help: "Preferred groups, comma-separated ids or names, or none.") var preferGroups: String?
        @Option(help: "An e-mail address for calendar invites; stored encrypted.") var contact: String?
        @Flag(help: "Forget the stored invite address.") var clearContact = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let changes = FacilitatorPlanningChanges(
                maxPerWeek: maxPerWeek, maxPerMonth: maxPerMonth, timezone: timezone, preferredWeekdays: preferDays,
                preferredGroups: preferGroups, contact: contact, clearContact: clearContact ? true : nil, name: name,
                languages: languages, audiences: audiences, lead: lead)
            if [maxPerWeek, maxPerMonth, timezone, preferDays, preferGroups, contact, name, languages, audiences]
                .allSatisfy({ $0 == nil }), !clearContact, lead == nil
            {
                throw KringError.invalid("update", facilitator, "name at least one of the options to change")
            }
            let view = try database.operations().updatePlanning(facilitator: facilitator, changes)
            emit(view, format: output.format, table: Render.planningProfile)
        }
    }

    struct Decline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a facilitator cannot do a session; only that slot is re-planned.",
            discussion: """
                The facilitator is never planned into that session again. The slot goes to the best free candidate,
                else to someone who moves over from another session whose slot is refilled in turn; nothing else
                changes. If nobody can take it, the slot stays empty and the reason for each candidate is shown.

                It re-plans, so it asks first; in a script it needs --yes. --undo takes a decline back (they may be
                planned there again; nobody is moved by it).

                Examples:
                  kring facilitator decline "An Claes" --session 12 --yes
                  kring facilitator decline "An Claes" --session 12 --undo
                """)
        @Argument(help: "The facilitator's id or name.") var facilitator: String
        @Option(help: "The session's id.") var session: String
        @Flag(help: "Take the decline back.") var undo = false
        @OptionGroup var confirmation: ConfirmationOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            if undo {
                let view = try database.operations().undoDecline(facilitator: facilitator, session: session)
                emit(view, format: output.format) { "decline taken back: " + Render.staffingLine($0) }
                return
            }
            try Confirmation.run(
                try database.operations(), yes: confirmation.yes, dryRun: confirmation.dryRun, format: output.format,
                action: "declining session \(session) for '\(facilitator)'", table: Render.decline
            ) { (operations) throws(KringError) in try operations.decline(facilitator: facilitator, session: session) }
        }
    }
}

extension Render {
    static func planningProfile(_ view: FacilitatorPlanningView) -> String {
        func list(_ items: [String]) -> String { items.isEmpty ? "-" : items.joined(separator: ", ") }
        let maxima = [
            view.maxPerWeek.map { "\($0) a week" }, view.maxPerMonth.map { "\($0) a month" },
        ].compactMap { $0 }
        return """
            \(view.name) (facilitator \(view.id)), time zone \(view.timezone)
              weekly: \(view.weekly.isEmpty ? "any time" : list(view.weekly))
              maximum: \(maxima.isEmpty ? "none" : maxima.joined(separator: ", "))
              blockouts: \(list(view.blockouts.map { "\($0.from) to \($0.to)" }))
              busy times imported: \(view.busyTimes)
              excluded from groups: \(list(view.excludedGroups)); knows participants: \(list(view.excludedParticipants))
              prefers groups: \(list(view.preferredGroups)); prefers days: \(list(view.preferredWeekdays))
              invite address: \(view.hasContact ? "sealed" : "none")
            """ + details(view)
                + (view.conflicts.isEmpty ? "" : "\n" + conflicts(view.conflicts).joined(separator: "\n"))
    }

    /// Stored assignments that break a hard rule now, one line per session and rule, and how to re-plan them. The
    /// assignments stay until a coordinator acts, so the facilitators' calendars do not change yet.
    static func conflicts(_ conflicts: [AssignmentConflict]) -> [String] {
        guard !conflicts.isEmpty else { return [] }
        return ["conflicts with stored assignments (nothing re-planned yet):"]
            + conflicts.map {
                "  - session \($0.sessionId) (\($0.group), \(readable($0.start))): \($0.facilitator) \($0.text)"
            } + ["  re-plan exactly these sessions with `kring assign --only-affected`"]
    }

    /// The lines `facilitator update` added (issue 14): who they are for the planner.
    static func details(_ view: FacilitatorPlanningView) -> String {
        "\n  languages: \(view.languages.map(\.rawValue).joined(separator: ",")); "
            + "audiences: \(view.audiences.map(\.rawValue).joined(separator: ",")); "
            + (view.retired ? "retired" : view.lead ? "can lead" : "co-facilitates only")
    }

    static func decline(_ view: DeclineView) -> String {
        var lines = ["\(view.facilitator) declined session \(view.sessionId) (\(readable(view.session.start)))"]
        let others = view.changes.filter { !($0.kind == "removed" && $0.facilitatorId == view.facilitatorId) }
        if others.isEmpty { lines.append("no one else changed") }
        for change in others {
            lines.append(
                "  \(change.kind) \(change.facilitator) at session \(change.sessionId) (\(readable(change.start)))")
        }
        lines.append(staffingLine(view.session))
        lines += view.unfilled.map { "unfilled: " + $0.text }
        return lines.joined(separator: "\n")
    }

    static func staffingLine(_ staffing: SessionStaffingView) -> String {
        let names = staffing.facilitators.map { $0.name + ($0.lead ? " (lead)" : "") + ($0.pinned ? " [pinned]" : "") }
        let open = staffing.openSlots > 0 ? ", \(staffing.openSlots) open" : ""
        return "session \(staffing.sessionId) \(readable(staffing.start)) \(staffing.group): "
            + (names.isEmpty ? "no facilitators" : names.joined(separator: ", ")) + open
            + (staffing.hasLead || staffing.facilitators.isEmpty ? "" : ", no lead")
    }
}
