import Foundation
import KringDomain
import KringStorage

/// What the anonymous report counters count (`0020_report_counters.sql`). Each is updated in the transaction of the
/// event it counts, by `ReportCounters` only.
enum ReportMeasure: String, CaseIterable {
    /// A seat taken (a direct enrolment or a promotion); split by relation, language, audience and newcomer.
    case seatTaken = "seat.taken"
    /// A seat given up; `reason` is a `WithdrawalReason` or `completed` (the group closed).
    case seatLeft = "seat.left"
    case waitlistJoined = "waitlist.joined"
    /// A place on the waitlist given up; `reason` is `promoted`, `group-closed` or a `WithdrawalReason`.
    case waitlistLeft = "waitlist.left"
    /// A promotion, with the whole days waited (`waited_days`): the histogram the median wait is read from.
    case promoted
    /// A withdrawal by the person, from a seat or the waitlist, with its reason.
    case withdrawal
    case attendancePresent = "attendance.present"
    case attendanceAbsent = "attendance.absent"
    case attendanceExcused = "attendance.excused"
    case sessionHeld = "session.held"
    case sessionCancelled = "session.cancelled"
    /// Minutes facilitators spent in held sessions (duration times facilitators assigned).
    case facilitatorMinutes = "facilitator.minutes"
    /// Facilitator places a held session had but nobody filled.
    case staffingGap = "staffing.gap"
    /// An invite that reached its recipient: sent by e-mail or exported as a file.
    case inviteDelivered = "invite.delivered"

    static func attendance(_ status: AttendanceStatus) -> ReportMeasure {
        switch status {
        case .present: .attendancePresent
        case .absent: .attendanceAbsent
        case .excused: .attendanceExcused
        }
    }
}

/// The one component that updates the anonymous report counters. Callers name the event; this turns it into
/// counter cells on the group's local day, with categories only: no id, pseudonym or contact leaves the call.
struct ReportCounters {
    let transaction: StoreTransaction

    /// A new request took a seat or a waitlist place. `newcomer` is true for a participant's first request ever.
    func requested(
        _ state: Enrolment.State, by participant: Participant, in group: SupportGroup, newcomer: Bool, at instant: Date
    )
        throws(KringError)
    {
        if state == .enrolled {
            try add(.seatTaken, group, instant, person: participant, newcomer: newcomer)
        } else if state == .waitlisted {
            try add(.waitlistJoined, group, instant, person: participant)
        }
    }

    /// The head of the waitlist took a seat after waiting since `requestedAt`.
    func promoted(
        _ participant: Participant, in group: SupportGroup, requestedAt: Date, newcomer: Bool, at instant: Date
    )
        throws(KringError)
    {
        try add(.waitlistLeft, group, instant, person: participant, reason: "promoted")
        try add(.seatTaken, group, instant, person: participant, newcomer: newcomer)
        let waited = max(0, Int(instant.timeIntervalSince(requestedAt) / 86_400))
        try add(.promoted, group, instant, waitedDays: waited)
    }

    /// The person withdrew from a seat (`wasEnrolled`) or from the waitlist.
    func withdrew(
        _ participant: Participant, from group: SupportGroup, wasEnrolled: Bool, reason: WithdrawalReason,
        at instant: Date
    ) throws(KringError) {
        try add(wasEnrolled ? .seatLeft : .waitlistLeft, group, instant, person: participant, reason: reason.rawValue)
        try add(.withdrawal, group, instant, person: participant, reason: reason.rawValue)
    }

    /// The group closed: a seated person completed, a waiting one was released.
    func groupClosed(for participant: Participant, in group: SupportGroup, wasEnrolled: Bool, at instant: Date)
        throws(KringError)
    {
        try add(
            wasEnrolled ? .seatLeft : .waitlistLeft, group, instant, person: participant,
            reason: wasEnrolled ? "completed" : "group-closed")
    }

    /// An attendance mark was set (`previous` is the mark it replaced, taken back).
    func attendanceMarked(
        _ status: AttendanceStatus, replacing previous: AttendanceStatus?, session: Session, group: SupportGroup
    ) throws(KringError) {
        if let previous { try add(.attendance(previous), group, session.startsAt, amount: -1) }
        try add(.attendance(status), group, session.startsAt)
    }

    /// A session took place: counted once, with the facilitators' minutes and the places nobody filled.
    func sessionHeld(_ session: Session, group: SupportGroup) throws(KringError) {
        let facilitators = try transaction.assignments(sessionId: session.id).count
        let minutes = Int(session.endsAt.timeIntervalSince(session.startsAt) / 60)
        try add(.sessionHeld, group, session.startsAt)
        try add(.facilitatorMinutes, group, session.startsAt, amount: minutes * facilitators)
        try add(.staffingGap, group, session.startsAt, amount: max(0, group.facilitatorsPerSession - facilitators))
    }

    /// A session was cancelled (`restored`: the cancellation taken back).
    func sessionCancelled(_ session: Session, group: SupportGroup, restored: Bool = false) throws(KringError) {
        try add(.sessionCancelled, group, session.startsAt, amount: restored ? -1 : 1)
    }

    /// An invite of the series reached its recipient.
    func inviteDelivered(seriesId: Int64, at instant: Date) throws(KringError) {
        guard let series = try transaction.series(id: seriesId),
            let group = try transaction.group(id: series.groupId)
        else { return }
        try add(.inviteDelivered, group, instant)
    }

    /// True when the participant has no request in any group but `except` (their first request ever).
    func isNewcomer(_ participantId: Int64, except enrolmentId: Int64?) throws(KringError) -> Bool {
        try transaction.enrolments(participantId: participantId).allSatisfy { $0.id == enrolmentId }
    }

    private func add(
        _ measure: ReportMeasure, _ group: SupportGroup, _ instant: Date, person: Participant? = nil,
        newcomer: Bool? = nil, reason: String = "", waitedDays: Int = -1, amount: Int = 1
    ) throws(KringError) {
        let key = ReportCounterKey(
            day: Self.day(of: instant, in: group), groupId: group.id, measure: measure.rawValue,
            relation: person?.relation.rawValue ?? "", language: person?.language.rawValue ?? "",
            audience: person == nil ? "" : group.audience.rawValue,
            newcomer: newcomer.map { $0 ? "new" : "continuing" } ?? "", reason: reason, waitedDays: waitedDays)
        try transaction.addToReportCounter(key, amount: amount)
    }

    /// The day of an instant in the group's zone, `YYYY-MM-DD`: the finest time a counter keeps.
    static func day(of instant: Date, in group: SupportGroup) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: group.timeZone) ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

extension StoreTransaction {
    /// The report counters, updated inside this transaction.
    var reportCounters: ReportCounters { ReportCounters(transaction: self) }
}
