import Foundation
import KringDomain
import KringStorage

/// Something about a moved session's new date the coordinator should know; the move is made all the same.
public struct SessionMoveWarning: Codable, Sendable, Hashable {
    /// The new date, in the group's zone.
    public let date: String
    /// A stable key: `holiday` (a public holiday the series skips), `excludedDate` (a date the series excludes),
    /// `keepApart` (two people marked apart meet at that session or in the same venue at the same time).
    public let rule: String
    public let text: String
}

extension KringTransaction {
    /// What the new date of a moved session runs into besides its facilitators' hard rules (those are conflicts):
    ///
    /// - the series skips public holidays and the new date is one, or the new date is one the series excludes;
    /// - keep-apart: two people marked apart are both enrolled in this group (a mark added after they were), or one
    ///   is enrolled here and the other in a group meeting at the same venue within the travel buffer of the new
    ///   time, so they would cross in the building. Online groups meet nowhere, so only the first case applies.
    func moveWarnings(_ session: Session, in group: SupportGroup) throws(KringError) -> [SessionMoveWarning] {
        let clock = transaction.clock(for: group)
        let date = clock.local(session.startsAt).date
        var warnings: [SessionMoveWarning] = []
        func warn(_ rule: String, _ text: String) {
            warnings.append(SessionMoveWarning(date: date.iso, rule: rule, text: text))
        }
        if let series = try transaction.series(id: session.seriesId) {
            if series.skipsHolidays != nil,
                let holiday = BelgianHolidays.holidays(year: date.year).first(where: { $0.date == date })
            {
                warn(
                    "holiday",
                    "\(date.iso) is a public holiday (\(holiday.name)) that series \(series.id) was planned to skip")
            }
            if series.excludedDates.contains(date) {
                warn("excludedDate", "\(date.iso) is a date series \(series.id) excludes")
            }
        }
        let marks = try transaction.allKeepApart()
        guard !marks.isEmpty else { return warnings }
        let here = Set(try transaction.enrolments(groupId: group.id, states: [.enrolled]).map(\.participantId))
        func pseudonym(_ id: Int64) throws(KringError) -> String {
            try transaction.resolveParticipant(String(id)).pseudonym
        }
        for (one, other) in marks where here.contains(one) && here.contains(other) {
            warn(
                "keepApart",
                "'\(try pseudonym(one))' and '\(try pseudonym(other))' are marked keep-apart and both enrolled in "
                    + "'\(group.internalName)'; the session on \(date.iso) brings them together (move one: "
                    + "`kring participant keep-apart --list`)")
        }
        guard let venue = group.venue, !group.isOnline else { return warnings }
        let buffer = TimeInterval(try transaction.assignmentSettings().travelBufferMinutes * 60)
        let nearby = try transaction.sessions(
            from: session.startsAt.addingTimeInterval(-buffer - 24 * 3600),
            to: session.endsAt.addingTimeInterval(buffer))
        var reported: Set<[Int64]> = []
        for other in nearby where other.groupId != group.id && other.status != .cancelled {
            guard other.startsAt < session.endsAt.addingTimeInterval(buffer),
                session.startsAt < other.endsAt.addingTimeInterval(buffer)
            else { continue }
            let otherGroup = try transaction.resolveGroup(String(other.groupId))
            guard !otherGroup.isOnline,
                TextRules.comparisonKey(otherGroup.venue ?? "") == TextRules.comparisonKey(venue)
            else { continue }
            let there = Set(
                try transaction.enrolments(groupId: otherGroup.id, states: [.enrolled]).map(\.participantId))
            for (one, two) in marks {
                let pair: (mine: Int64, theirs: Int64)? =
                    here.contains(one) && there.contains(two)
                    ? (one, two) : here.contains(two) && there.contains(one) ? (two, one) : nil
                guard let pair, reported.insert([pair.mine, pair.theirs, otherGroup.id]).inserted else { continue }
                warn(
                    "keepApart",
                    "'\(try pseudonym(pair.mine))' (enrolled here) and '\(try pseudonym(pair.theirs))' (enrolled in "
                        + "'\(otherGroup.internalName)', session \(other.id) at \(clock.iso8601(other.startsAt))) are "
                        + "marked keep-apart and would be at '\(venue)' at the same time on \(date.iso)")
            }
        }
        return warnings
    }
}
