import Foundation
import KringCalendar
import KringDomain
import KringSecrets
import KringStorage
import Logging

/// One pending invite as `kring invites list` shows it: nothing but the recipient's pseudonym identifies them.
public struct InviteView: Sendable, Codable, Equatable {
    public var id: Int64
    public var method: String
    public var groupId: Int64
    public var group: String
    public var seriesId: Int64
    /// The cancelled occurrence's original local start (`YYYY-MM-DDTHH:MM`); nil for the whole series.
    public var occurrence: String?
    public var participantId: Int64
    public var participant: String
    public var queuedAt: Date
}

/// `kring invites export`: the files written, named by outbox id and method only.
public struct InviteExportView: Sendable, Codable, Equatable {
    public struct File: Sendable, Codable, Equatable {
        public var id: Int64
        public var method: String
        public var file: String
    }

    public var directory: String
    public var files: [File]
}

extension StoreTransaction {
    /// Queues one message per (recipient, series) in the current transaction. Recipients are `participantIds`, or
    /// every participant enrolled in the group; only those with a sealed contact get anything. The series are
    /// `seriesId`, or every series of the group. `occurrenceStart` makes a CANCEL of that one occurrence.
    func queueInvites(
        _ method: OutboxMessage.Method, group groupId: Int64, participantIds: [Int64]? = nil, seriesId: Int64? = nil,
        occurrenceStart: Date? = nil, now: Date
    ) throws(KringError) {
        try wrap {
            let recipients = try participantIds
                ?? self.enrolments(groupId: groupId, states: [.enrolled]).map(\.participantId)
            let seriesIds = try seriesId.map { [$0] } ?? self.series(ofGroup: groupId).compactMap(\.id)
            for participantId in recipients {
                guard let participant = try self.participant(id: participantId), participant.hasContact else { continue }
                for series in seriesIds {
                    _ = try self.insert(
                        OutboxMessage(
                            recipientParticipantId: participantId, seriesId: series, method: method,
                            occurrenceStart: occurrenceStart, queuedAt: now))
                }
            }
        }
    }
}

extension Kring {
    /// `kring invites list`: the messages not exported yet.
    public func listInvites() throws(KringError) -> [InviteView] {
        try read { (transaction) throws(KringError) in
            try transaction.wrap { try transaction.pendingOutbox() }.map { (message) throws(KringError) in
                try transaction.inviteView(of: message)
            }
        }
    }

    /// `kring invites export`: renders every pending message (optionally of one group or one participant) as one
    /// `.ics` file in `directory` and marks it exported, all in one transaction. The address is opened from the
    /// participant's sealed contact here and nowhere else.
    public func exportInvites(to directory: String, group: String?, participant: String?) throws(KringError)
        -> InviteExportView
    {
        let now = self.now
        let sealer = self.sealer
        let keyFile = self.keyFile
        let view = try write { (transaction) throws(KringError) -> InviteExportView in
            guard let organizer = try transaction.wrap({ try transaction.setting("organizer") }) else {
                throw KringError(
                    .environment, field: "organizer", value: "",
                    reason: "is not set; set the organisation's role address with `kring config set organizer ADDRESS`")
            }
            let groupId = try group.map { (reference) throws(KringError) in try transaction.resolveGroup(reference).id! }
            let participantId = try participant.map { (reference) throws(KringError) in
                try transaction.resolveParticipant(reference).id!
            }
            let fallback = try transaction.wrap { try transaction.setting("default-language") }
                .flatMap(CalendarLanguage.init(rawValue:)) ?? .en
            var messages = try transaction.wrap { try transaction.pendingOutbox() }
            if let participantId { messages = messages.filter { $0.recipientParticipantId == participantId } }
            var files: [InviteExportView.File] = []
            let folder = URL(fileURLWithPath: directory, isDirectory: true)
            if !messages.isEmpty {
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    throw KringError(.environment, field: "out", value: directory, reason: "cannot be created")
                }
            }
            for message in messages {
                guard let series = try transaction.wrap({ try transaction.series(id: message.seriesId) }) else { continue }
                if let groupId, series.groupId != groupId { continue }
                guard let recipient = try transaction.wrap({ try transaction.participant(id: message.recipientParticipantId) }),
                    let ciphertext = recipient.contactCiphertext
                else { continue }
                let opener: ContactSealer
                if let sealer { opener = sealer } else { opener = try keyFile.load() }
                let address = try opener.open(ciphertext, at: .contact(of: recipient.id!))
                let text = try transaction.renderInvite(
                    message, series: series, attendee: address, organizer: organizer,
                    language: CalendarLanguage(rawValue: recipient.language.rawValue) ?? fallback, now: now)
                let name = "\(message.id!)-\(message.method.rawValue).ics"
                do {
                    try Data(text.utf8).write(to: folder.appendingPathComponent(name), options: .atomic)
                } catch {
                    throw KringError(.environment, field: "out", value: directory, reason: "cannot be written")
                }
                try transaction.wrap { try transaction.markOutboxExported(id: message.id!, at: now) }
                files.append(.init(id: message.id!, method: message.method.rawValue, file: name))
            }
            return InviteExportView(directory: directory, files: files)
        }
        logger.info("invites exported", metadata: ["invite.count": "\(view.files.count)"])
        return view
    }
}

extension StoreTransaction {
    func inviteView(of message: OutboxMessage) throws(KringError) -> InviteView {
        let series = try wrap { try self.series(id: message.seriesId) }
        let group = try resolveGroup(String(series?.groupId ?? 0))
        let participant = try resolveParticipant(String(message.recipientParticipantId))
        let occurrence = message.occurrenceStart.map { clock(for: group).local($0).iso }
        return InviteView(
            id: message.id!, method: message.method.rawValue, groupId: group.id!, group: group.internalName,
            seriesId: message.seriesId, occurrence: occurrence, participantId: participant.id!,
            participant: participant.pseudonym, queuedAt: message.queuedAt)
    }

    /// The series as it stands now (the same mapping as the feeds), then the one message. A whole-series CANCEL
    /// bumps SEQUENCE once more (nothing else changed it); a cancelled occurrence already bumped its session.
    func renderInvite(
        _ message: OutboxMessage, series: Series, attendee: String, organizer: String, language: CalendarLanguage,
        now: Date
    ) throws(KringError) -> String {
        let group = try resolveGroup(String(series.groupId))
        let clock = clock(for: group)
        let sessions = try wrap { try self.sessions(groupId: group.id!) }.filter { $0.seriesId == series.id }
        var calendar = Self.calendarSeries(series, sessions: sessions, group: group, clock: clock)
        let method: InviteMethod = message.method == .request ? .request : .cancel
        if message.method == .cancel, message.wholeSeries {
            calendar.sequence += 1
            if group.state == .closed { calendar.status = .cancelled }
        }
        let occurrence = message.occurrenceStart.map { Self.calendarLocal(clock.local($0)) }
        do {
            return try FeedExporter(now: { now }).invite(
                method: method, organizer: organizer, attendee: attendee, series: calendar,
                cancelledOccurrence: occurrence, language: language)
        } catch {
            throw KringError(.environment, field: "invite", value: String(message.id ?? 0), reason: error.message)
        }
    }
}
