import Foundation
import KringDomain
import KringStorage

/// Turns stored objects into the views the CLI and the service print.
extension StoreTransaction {
    func clock(for group: SupportGroup) -> ZonedClock {
        ZonedClock(
            timeZone: TimeZone(identifier: group.timeZone) ?? TimeZone(identifier: SupportGroup.defaultTimeZone)!)
    }

    func view(of session: Session, in group: SupportGroup) -> SessionView {
        let clock = clock(for: group)
        var view = SessionView(
            id: session.id, groupId: group.id, group: group.internalName, seriesId: session.seriesId,
            start: clock.iso8601(session.startsAt), end: clock.iso8601(session.endsAt), status: session.status,
            originalStart: session.originalStart.map(clock.iso8601), changeCount: session.changeCount)
        (view.venue, view.online) = (session.venue, session.onlineURL)
        return view
    }

    func view(of group: SupportGroup, now: Date) throws(KringError) -> GroupView {
        let groupId = group.id
        let (enrolled, waitlisted, sessions) = (
            try countEnrolments(groupId: groupId, state: .enrolled),
            try countEnrolments(groupId: groupId, state: .waitlisted),
            try self.sessions(groupId: groupId)
        )
        let next = sessions.first { $0.startsAt >= now && $0.status != .cancelled }
        return GroupView(
            id: groupId, name: group.internalName, title: group.displayTitle, titleIsDefault: group.publicTitle == nil,
            audience: group.audience, language: group.language, capacity: group.capacity,
            minimum: group.minimumToStart, facilitatorsPerSession: group.facilitatorsPerSession, venue: group.venue,
            online: group.onlineURL, timezone: group.timeZone, state: group.state, enrolled: enrolled,
            waitlisted: waitlisted, sessions: sessions.count,
            nextSession: next.map { clock(for: group).iso8601($0.startsAt) })
    }

    func view(of enrolment: Enrolment, participant: Participant, group: SupportGroup) throws(KringError)
        -> EnrolmentView
    {
        var position: Int?
        if enrolment.state == .waitlisted {
            let waiting = try enrolments(groupId: group.id, states: [.waitlisted])
            position = (waiting.firstIndex { $0.id == enrolment.id } ?? waiting.count) + 1
        }
        return EnrolmentView(
            participantId: participant.id, pseudonym: participant.pseudonym, groupId: group.id,
            group: group.internalName, state: enrolment.state, waitlistPosition: position)
    }

    func view(of participant: Participant) throws(KringError) -> ParticipantView {
        let enrolments = try self.enrolments(participantId: participant.id)
        var views: [EnrolmentView] = []
        for enrolment in enrolments {
            let group = try resolveGroup(String(enrolment.groupId))
            views.append(try view(of: enrolment, participant: participant, group: group))
        }
        return ParticipantView(
            id: participant.id, pseudonym: participant.pseudonym, relation: participant.relation,
            language: participant.language, hasContact: participant.hasContact, enrolments: views)
    }

    func view(of facilitator: Facilitator) -> FacilitatorView {
        FacilitatorView(
            id: facilitator.id, name: facilitator.displayName, languages: facilitator.languages,
            lead: facilitator.canLead, audiences: facilitator.audiences, maxPerMonth: facilitator.maxPerMonth,
            hasContact: facilitator.hasContact, retired: facilitator.isRetired)
    }
}
