import KringApp
import KringDomain

/// The table form of each view; JSON needs none.
enum Render {
    static func groups(_ groups: [GroupView]) -> String {
        var table = TableText(
            "ID", "NAME", "TITLE", "AUDIENCE", "LANG", "STATE", "ENROLLED", "WAITING", "SESSIONS", "NEXT")
        for group in groups {
            table.add(
                String(group.id), group.name ?? "-", group.title, group.audience?.rawValue ?? "-",
                group.language.rawValue, group.state.rawValue, seats(group), group.waitlisted.map(String.init) ?? "-",
                String(group.sessions), group.nextSession.map(readable) ?? "-")
        }
        return table.rendered
    }

    static func group(_ group: GroupView) -> String {
        let place = group.venue.map { "venue: \($0)" } ?? group.online.map { "online: \($0)" } ?? "place: not set"
        let counts =
            if let enrolled = group.enrolled, let waitlisted = group.waitlisted {
                "enrolled \(enrolled), waitlisted \(waitlisted)"
            } else {
                group.seatsFree == true ? "seats free" : "no seat free"
            }
        return """
            group \(group.id): \(group.name ?? group.title) (\(group.state.rawValue))
              title: \(group.title)\(group.titleIsDefault ? " (neutral default)" : "")
              audience: \(group.audience?.rawValue ?? "-"), language: \(group.language.rawValue), time zone: \(group.timezone)
              \(place)
              capacity \(group.capacity), minimum \(group.minimum), facilitators per session \(group.facilitatorsPerSession)
              \(counts), sessions \(group.sessions), next \(group.nextSession.map(readable) ?? "-")
            """
    }

    /// Taken seats of the capacity, or for a participant only whether one is free.
    static func seats(_ group: GroupView) -> String {
        if let enrolled = group.enrolled { return "\(enrolled)/\(group.capacity)" }
        return group.seatsFree == true ? "seats free" : "full"
    }

    static func sessions(_ sessions: [SessionView]) -> String {
        var table = TableText("ID", "GROUP", "START", "END", "STATUS", "CHANGES", "ORIGINAL START")
        for session in sessions {
            table.add(
                String(session.id), session.group, readable(session.start), String(readable(session.end).dropFirst(11)),
                session.status.rawValue, String(session.changeCount), session.originalStart.map(readable) ?? "")
        }
        return table.rendered
    }

    static func series(_ series: SeriesView) -> String {
        var lines = [
            "series \(series.id) of \(series.group): \(series.rrule) from \(series.start), \(series.durationMinutes) min"
        ]
        if !series.excludedDates.isEmpty { lines.append("excluded: " + series.excludedDates.joined(separator: ", ")) }
        if !series.skipped.isEmpty {
            let verb = series.onHoliday == "shift" ? "shifted" : "skipped"
            lines.append(
                "\(verb): " + series.skipped.map { "\($0.date) (\($0.reason))" }.joined(separator: ", "))
        }
        if !series.addedAtEnd.isEmpty {
            lines.append(
                "added at the end, so \(series.sessions.count) sessions still meet: "
                    + series.addedAtEnd.joined(separator: ", "))
        }
        lines.append(sessions(series.sessions))
        return lines.joined(separator: "\n")
    }

    static func enrolment(_ enrolment: EnrolmentView) -> String {
        var text =
            "\(enrolment.pseudonym) (participant \(enrolment.participantId)): \(enrolment.state.rawValue) in \(enrolment.group)"
        if let position = enrolment.waitlistPosition { text += ", waitlist position \(position)" }
        if enrolment.restored == true {
            text +=
                enrolment.state == .enrolled
                ? " (re-enrolled: their earlier record is restored, with a seat)"
                : " (re-enrolled: their earlier record is restored; no seat is free, so they wait)"
        }
        if let listed = enrolment.conflicts, !listed.isEmpty {
            text += "\n" + conflicts(listed).joined(separator: "\n")
        }
        return text
    }

    static func intakeList(_ list: IntakeListView) -> String {
        var lines = list.lines.map { line in
            let what: String
            switch line.outcome {
            case .enrolled: what = "enrolled"
            case .waitlisted: what = "waitlisted, position \(line.waitlistPosition ?? 0)"
            case .unchanged: what = "already \(line.state.rawValue) — unchanged"
            }
            return "line \(line.line): \(line.pseudonym) (participant \(line.participantId)) in \(line.group): \(what)"
        }
        lines.append(
            "\(list.lines.count) lines: \(list.enrolled) enrolled, \(list.waitlisted) waitlisted, "
                + "\(list.unchanged) unchanged")
        return lines.joined(separator: "\n")
    }

    static func change(_ change: EnrolmentChangeView) -> String {
        var lines = change.changed.map(enrolment)
        if change.erased {
            lines.append("erased: the participant and their enrolments and attendance are gone")
            if change.droppedInvites > 0 {
                lines.append(
                    "dropped unsent: \(change.droppedInvites) pending invite(s), the cancellation among them; to send "
                        + "one, withdraw without --erase, run `kring invites export`, then erase")
            }
        }
        lines += change.promoted.map { "promoted from the waitlist: " + enrolment($0) }
        lines += change.heldBack.map {
            "not promoted: \($0.pseudonym) (participant \($0.participantId)) is kept apart from \($0.keptApartFrom) "
                + "in \($0.group); they keep their place on the waitlist"
        }
        return lines.joined(separator: "\n")
    }

    static func participants(_ participants: [ParticipantView]) -> String {
        var table = TableText("ID", "PSEUDONYM", "RELATION", "LANG", "CONTACT", "GROUPS")
        for participant in participants {
            let groups = participant.enrolments.map { enrolment in
                "\(enrolment.group): \(enrolment.state.rawValue)" + (enrolment.waitlistPosition.map { " #\($0)" } ?? "")
            }
            table.add(
                String(participant.id), participant.pseudonym, participant.relation.rawValue,
                participant.language.rawValue, participant.hasContact ? "sealed" : "-",
                groups.isEmpty ? "-" : groups.joined(separator: "; "))
        }
        return table.rendered
    }

    static func facilitators(_ facilitators: [FacilitatorView]) -> String {
        var table = TableText("ID", "NAME", "LANGUAGES", "ROLE", "AUDIENCES", "MAX/MONTH", "CONTACT")
        for facilitator in facilitators {
            table.add(
                String(facilitator.id), facilitator.name, facilitator.languages.map(\.rawValue).joined(separator: ","),
                facilitator.retired ? "retired" : facilitator.lead ? "lead" : "co",
                facilitator.audiences.map(\.rawValue).joined(separator: ","),
                facilitator.maxPerMonth.map(String.init) ?? "-", facilitator.hasContact ? "sealed" : "-")
        }
        return table.rendered
    }

    static func roster(_ roster: RosterView) -> String {
        var lines = ["roster of \(roster.group) (\(roster.title)), \(roster.sessionsSoFar) sessions so far"]
        if let session = roster.session {
            lines.append("session \(session.id): \(readable(session.start)), \(session.status.rawValue)")
        }
        var table =
            roster.session == nil
            ? TableText("PSEUDONYM", "PRESENT", "ABSENT", "EXCUSED")
            : TableText("PSEUDONYM", "PRESENT", "ABSENT", "EXCUSED", "THIS SESSION")
        for member in roster.enrolled {
            if roster.session == nil {
                table.add(member.pseudonym, String(member.present), String(member.absent), String(member.excused))
            } else {
                table.add(
                    member.pseudonym, String(member.present), String(member.absent), String(member.excused),
                    member.attendance?.rawValue ?? "-")
            }
        }
        lines.append(roster.enrolled.isEmpty ? "no one enrolled yet" : table.rendered)
        if !roster.staffing.isEmpty {
            lines.append(roster.session == nil ? "facilitators of the next sessions:" : "facilitators:")
            lines += roster.staffing.map { "  " + staffingLine($0) }
        }
        if roster.waitlist.isEmpty {
            lines.append("waitlist: empty")
        } else {
            lines.append("waitlist:")
            lines += roster.waitlist.map { "  \($0.position). \($0.pseudonym)" }
        }
        return lines.joined(separator: "\n")
    }
}
