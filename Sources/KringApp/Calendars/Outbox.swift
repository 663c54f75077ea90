import Foundation
import KringCalendar
import KringDomain
import KringSecrets
import KringStorage
import Logging

/// One pending invite as `kring invites list` shows it: a participant is named by pseudonym only, a facilitator by
/// the name colleagues know; never an address.
public struct InviteView: Sendable, Codable, Equatable {
    public var id: Int64
    public var method: String
    public var groupId: Int64
    public var group: String
    public var seriesId: Int64
    /// The cancelled occurrence's original local start (`YYYY-MM-DDTHH:MM`); nil for the whole series.
    public var occurrence: String?
    /// `participant <pseudonym>` or `facilitator <name>`.
    public var recipient: String
    /// Set for a participant's message only.
    public var participantId: Int64?
    public var participant: String?
    /// Set for a facilitator's message only.
    public var facilitatorId: Int64?
    public var facilitator: String?
    public var queuedAt: Date
    /// `pending`, `sending`, `retrying`, `sent`, `failed`, `discarded` or `exported`.
    public var state: String = "pending"
    public var attempts: Int = 0
    /// The server's last reply or the reason of the last failure, scrubbed of addresses.
    public var lastReply: String?
    public var nextAttemptAt: Date?
    public var sentAt: Date?
}

/// `kring invites export`: the files written, named by outbox id and method only.
public struct InviteExportView: Sendable, Codable, Equatable {
    public struct File: Sendable, Codable, Equatable {
        public var id: Int64
        public var method: String
        public var file: String
        /// `participant <pseudonym>` or `facilitator <name>`: who the file is for, never their address.
        public var recipient: String?
        public var group: String?
        public var seriesId: Int64?
        public var occurrence: String?

        public init(
            id: Int64, method: String, file: String, recipient: String? = nil, group: String? = nil,
            seriesId: Int64? = nil, occurrence: String? = nil
        ) {
            self.id = id
            self.method = method
            self.file = file
            self.recipient = recipient
            self.group = group
            self.seriesId = seriesId
            self.occurrence = occurrence
        }
    }

    public var directory: String
    public var files: [File]
}

extension StoreTransaction {
    /// Queues one message per (recipient, series) in the current transaction. Recipients are `participantIds`, or
    /// every participant enrolled in the group; only those with a sealed contact get anything. The series are
    /// `seriesId`, or every series of the group. `occurrenceStart` makes a CANCEL of that one occurrence.
    ///
    /// A whole-series CANCEL counts a change of each recipient's own view of the series, address or not (their feed
    /// drops it too), so whatever reaches them next carries a higher SEQUENCE than the CANCEL.
    func queueInvites(
        _ method: OutboxMessage.Method, group groupId: Int64, participantIds: [Int64]? = nil, seriesId: Int64? = nil,
        occurrenceStart: Date? = nil, now: Date
    ) throws(KringError) {
        let recipients: [Int64]
        if let participantIds {
            recipients = participantIds
        } else {
            recipients = try enrolments(groupId: groupId, states: [.enrolled]).map(\.participantId)
        }
        let seriesIds: [Int64]
        if let seriesId {
            seriesIds = [seriesId]
        } else {
            seriesIds = try series(ofGroup: groupId).map(\.id)
        }
        for participantId in recipients {
            let hasContact = try self.participant(id: participantId)?.hasContact == true
            for series in seriesIds {
                if method == .cancel, occurrenceStart == nil {
                    try countParticipantCalendarChange(participantId: participantId, seriesId: series)
                }
                guard hasContact else { continue }
                try queueParticipantMessage(
                    method, participantId: participantId, seriesId: series, occurrenceStart: occurrenceStart,
                    now: now)
            }
        }
    }

    /// A participant became enrolled (a new enrolment, a re-enrolment or a promotion from the waitlist): a REQUEST for
    /// every series of the group. After a withdrawal the return is counted too, so this REQUEST's SEQUENCE is higher
    /// than the CANCEL they may already have seen; a first enrolment keeps the series' own SEQUENCE.
    func queueEnrolmentInvites(group groupId: Int64, participantId: Int64, now: Date) throws(KringError) {
        for series in try self.series(ofGroup: groupId).map(\.id) {
            try countParticipantReturn(participantId: participantId, seriesId: series)
        }
        try queueInvites(.request, group: groupId, participantIds: [participantId], now: now)
    }

    /// Messages are rendered at export from the state then, so one pending REQUEST per recipient and series already
    /// carries every later change: another is not queued behind it. A REQUEST also drops a pending whole-series
    /// CANCEL: the recipient never saw it, and sending both would make the event vanish and come back. A whole-series
    /// CANCEL in turn drops whatever is pending for that series (a REQUEST, occurrence CANCELs): exported together
    /// they would carry the same SEQUENCE and leave the outcome to the order a client happens to read them in.
    private func queueParticipantMessage(
        _ method: OutboxMessage.Method, participantId: Int64, seriesId: Int64, occurrenceStart: Date?, now: Date
    ) throws(KringError) {
        let recipient = OutboxMessage.Recipient.participant(participantId)
        let pending = try pendingOutbox(for: recipient, seriesId: seriesId)
        if method == .request {
            for cancel in pending where cancel.method == .cancel && cancel.wholeSeries {
                try deletePendingOutbox(id: cancel.id)
            }
            if pending.contains(where: { $0.method == .request }) { return }
        } else if occurrenceStart == nil {
            if pending.contains(where: { $0.method == .cancel && $0.wholeSeries }) { return }
            for superseded in pending { try deletePendingOutbox(id: superseded.id) }
        }
        _ = try insert(
            NewOutboxMessage(
                recipient: recipient, seriesId: seriesId, method: method, occurrenceStart: occurrenceStart,
                queuedAt: now))
    }
}

extension StoreTransaction {
    func inviteView(of message: OutboxMessage) throws(KringError) -> InviteView {
        let series = try self.series(id: message.seriesId)
        let group = try resolveGroup(String(series?.groupId ?? 0))
        let occurrence = message.occurrenceStart.map { clock(for: group).local($0).iso }
        var view = InviteView(
            id: message.id, method: message.method.rawValue, groupId: group.id, group: group.internalName,
            seriesId: message.seriesId, occurrence: occurrence, recipient: "", queuedAt: message.queuedAt)
        view.state = message.deliveryState.rawValue
        view.attempts = message.attempts
        view.lastReply = message.lastReply
        view.nextAttemptAt = message.nextAttemptAt
        view.sentAt = message.sentAt
        switch message.recipient {
        case .participant(let id):
            let participant = try resolveParticipant(String(id))
            (view.participantId, view.participant) = (id, participant.pseudonym)
            view.recipient = "participant \(participant.pseudonym)"
        case .facilitator(let id):
            let facilitator = try resolveFacilitator(String(id))
            (view.facilitatorId, view.facilitator) = (id, facilitator.displayName)
            view.recipient = "facilitator \(facilitator.displayName)"
        }
        return view
    }

    /// Where the recipient's sealed address is and the language their invite is written in; nil when they have no
    /// address (any more). A facilitator reads the group's language if they speak it, else their first one.
    func addressee(of message: OutboxMessage, in series: Series, fallback: CalendarLanguage) throws(KringError)
        -> (ciphertext: [UInt8], location: ContactSealer.Location, language: CalendarLanguage)?
    {
        switch message.recipient {
        case .participant(let id):
            guard let participant = try self.participant(id: id),
                let ciphertext = participant.contactCiphertext
            else { return nil }
            return (
                ciphertext, .contact(of: id), CalendarLanguage(rawValue: participant.language.rawValue) ?? fallback
            )
        case .facilitator(let id):
            guard let facilitator = try self.facilitator(id: id),
                let ciphertext = facilitator.contactCiphertext
            else { return nil }
            let group = try resolveGroup(String(series.groupId))
            let spoken = facilitator.languages.contains(group.language) ? group.language : facilitator.languages.first
            return (
                ciphertext, .contact(ofFacilitator: id),
                spoken.flatMap { CalendarLanguage(rawValue: $0.rawValue) } ?? fallback
            )
        }
    }

    /// The series as it stands now (the same mapping as the feeds: a facilitator's holds only their own sessions, a
    /// participant's SEQUENCE adds their own change count), then the one message. Every change was counted when it
    /// was queued (a cancelled occurrence in its session, a withdrawal in the participant's count, a lost session
    /// or a closed group in the facilitator's), so the SEQUENCE written here is stored and never goes down.
    func renderInvite(
        _ message: OutboxMessage, series: Series, attendee: String, organizer: String, language: CalendarLanguage,
        now: Date
    ) throws(KringError) -> String {
        let calendar = try inviteCalendar(message, series: series)
        let group = try resolveGroup(String(series.groupId))
        let method: InviteMethod = message.method == .request ? .request : .cancel
        let occurrence = message.occurrenceStart.map { Self.calendarLocal(clock(for: group).local($0)) }
        do {
            return try FeedExporter(now: { now }).invite(
                method: method, organizer: organizer, attendee: attendee, series: calendar,
                cancelledOccurrence: occurrence, language: language)
        } catch {
            throw KringError(.environment, field: "invite", value: String(message.id), reason: error.message)
        }
    }

    /// The series as this recipient's calendar shows it now (see `renderInvite`).
    func inviteCalendar(_ message: OutboxMessage, series: Series) throws(KringError) -> CalendarSeries {
        let group = try resolveGroup(String(series.groupId))
        let clock = clock(for: group)
        var calendar: CalendarSeries
        switch message.recipient {
        case .participant(let id):
            let sessions = try self.sessions(groupId: group.id, seriesId: series.id)
            calendar = Self.calendarSeries(series, sessions: sessions, group: group, clock: clock)
            calendar.sequence += try participantCalendarChanges(participantId: id, seriesId: series.id)
            calendar.reminderSecondsBefore = try participantReminderSeconds()
        case .facilitator(let id):
            calendar = try facilitatorView(of: series, facilitatorId: id, group: group).calendar
        }
        if message.method == .cancel, message.wholeSeries, group.state == .closed { calendar.status = .cancelled }
        return calendar
    }

    /// `mail.reminder` in seconds before a session, for participants' invites and feeds; nil when off or unset.
    func participantReminderSeconds() throws(KringError) -> Int? {
        guard let text = try setting(Kring.reminderKey), text != "off" else { return nil }
        return ReminderSetting.seconds(text)
    }
}
