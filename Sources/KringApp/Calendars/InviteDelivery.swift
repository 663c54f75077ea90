import Foundation
import KringCalendar
import KringDomain
import KringMail
import KringSecrets
import KringStorage
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// When a message that failed for now is tried again: 5 minutes, then twice as long each time up to a ceiling of
/// 4 hours; after `maximumAttempts` it is failed for good and shown to the coordinator.
public struct RetrySchedule: Sendable, Equatable {
    public var firstDelay: TimeInterval
    public var ceiling: TimeInterval
    public var maximumAttempts: Int

    public static let standard = RetrySchedule(firstDelay: 300, ceiling: 4 * 3_600, maximumAttempts: 10)

    public init(firstDelay: TimeInterval, ceiling: TimeInterval, maximumAttempts: Int) {
        self.firstDelay = firstDelay
        self.ceiling = ceiling
        self.maximumAttempts = maximumAttempts
    }

    /// The wait after the `attempt`-th attempt (1-based) failed for now.
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(firstDelay * pow(2, Double(max(0, attempt - 1))), ceiling)
    }
}

/// What `kring invites send` did, or with `--dry-run` would do: per message its recipient (pseudonym or facilitator
/// name, never an address), kind, series and outcome.
public struct DeliveryView: Sendable, Codable, Equatable {
    public struct Message: Sendable, Codable, Equatable {
        public var id: Int64
        public var method: String
        public var recipient: String
        public var group: String
        public var seriesId: Int64
        public var occurrence: String?
        /// `would-send` (dry run), `sent`, `retrying`, `failed` or `dropped` (the recipient has no address now).
        public var outcome: String
        /// The server's reply or the failure's reason, scrubbed of addresses.
        public var reply: String?
    }

    public var dryRun: Bool
    public var messages: [Message]
    /// Messages dropped unsent because a later one says it all, or a CANCEL would cancel what never reached them.
    public var superseded: Int
    /// Set when the transport is misconfigured (STARTTLS missing, login refused): nothing more was sent.
    public var stopped: String?

    public var sent: Int { messages.filter { $0.outcome == "sent" }.count }
}

extension Kring {
    /// The mail settings as KringMail reads them, checked; `mail.from` defaults to the `organizer` setting.
    public func mailConfiguration() throws(KringError) -> MailConfiguration {
        try read { (operation) throws(KringError) in try operation.mailConfiguration() }
    }

    /// Whether `mail.transport` is set, so `kring serve` knows whether to deliver.
    public func mailIsConfigured() throws(KringError) -> Bool {
        try read { (operation) throws(KringError) in
            try operation.transaction.setting(MailConfiguration.Key.transport)
                != nil
        }
    }

    /// The transport the settings describe, with its password read now.
    public func makeMailTransport(_ configuration: MailConfiguration) throws(KringError) -> any MailTransport {
        do { return try configuration.makeTransport(logger: logger) } catch {
            throw KringError(.environment, field: error.field, value: "", reason: error.reason)
        }
    }

    /// `kring invites send`: delivers every message pending and due, at most `limit`. Drops what a later message
    /// already says (`supersededInvites`), claims the rest in one short write, renders them on a snapshot, sends them
    /// outside any transaction through one transport (one connection), and records each result in its own short
    /// write as soon as the server answered. A crash between the server's acceptance and that write leaves the one
    /// message claimed by a dead process; the next run sends it again with the same Message-ID.
    ///
    /// A rehearsal (`--dry-run`, `Kring-Dry-Run: true`) never sends: it answers what would be sent. `actor` is who
    /// the audit trail names for the claims and results (a token's holder when the request came over HTTP).
    public func sendInvites(
        dryRun: Bool = false, limit: Int? = nil, transport given: (any MailTransport)? = nil,
        retry: RetrySchedule = .standard, actor: AuditActor? = nil
    ) async throws(KringError) -> DeliveryView {
        if let limit, limit < 1 { throw .invalid("limit", String(limit), "must be at least 1") }
        let configuration = try mailConfiguration()
        if dryRun || isRehearsal {
            return try read { (operation) throws(KringError) in try operation.deliveryPlan(limit: limit) }
        }
        // Claims carry the process id, and a run takes back claims its own process id holds as a dead process's:
        // two runs in one process (`kring serve`'s service and `POST /api/invites/send`) would take each other's
        // and send those messages twice. So one process runs one delivery per database at a time; a second is
        // refused.
        guard DeliveryRunGate.shared.enter(store.path) else {
            throw KringError.conflict(
                "invites", "send", "another delivery run of this service is sending right now; try again shortly")
        }
        defer { DeliveryRunGate.shared.leave(store.path) }
        let transport: any MailTransport
        if let given { transport = given } else { transport = try makeMailTransport(configuration) }
        let claimant = Int64(getpid())
        let (claimed, superseded, salt) = try write(actor: actor) { (operation) throws(KringError) in
            try operation.claimDueInvites(limit: limit, claimant: claimant)
        }
        var view = DeliveryView(dryRun: false, messages: [], superseded: superseded, stopped: nil)
        guard !claimed.isEmpty else { return view }
        let prepared: [PreparedInvite]
        do {
            prepared = try read { (operation) throws(KringError) in
                try operation.prepareInvites(claimed, configuration: configuration, salt: salt)
            }
        } catch {
            try releaseClaims(claimed.map { $0.id }, claimant: claimant)
            throw error
        }
        for (index, invite) in prepared.enumerated() {
            if Task.isCancelled || view.stopped != nil {
                try releaseClaims(prepared[index...].map(\.id), claimant: claimant)
                break
            }
            let result: DeliveryResult
            switch invite.content {
            case .mail(let mail): result = await transport.send(mail)
            case .noAddress: result = .permanentFailure(reason: "the recipient has no address any more")
            case .unsendable(let reason): result = .permanentFailure(reason: reason)
            }
            if case .configurationError(let reason) = result {
                view.stopped = reason
                try releaseClaims(prepared[index...].map(\.id), claimant: claimant)
                break
            }
            let outcome = try write(actor: actor) { (operation) throws(KringError) in
                try operation.recordDelivery(invite, result: result, claimant: claimant, retry: retry)
            }
            var message = invite.view
            message.outcome = outcome.state
            message.reply = outcome.reply
            view.messages.append(message)
        }
        return view
    }

    private func releaseClaims(_ ids: [Int64], claimant: Int64) throws(KringError) {
        guard !ids.isEmpty else { return }
        try write { (operation) throws(KringError) in
            for id in ids { try operation.transaction.releaseClaim(id: id, claimant: claimant) }
        }
    }

    /// `kring invites preview ID`: the whole message, MIME text and calendar, exactly as `send` would send it now.
    /// It holds the recipient's address: the caller prints it for the coordinator and logs nothing of it.
    public func previewInvite(_ id: Int64, actor: AuditActor?) throws(KringError) -> String {
        let salt = try write(actor: actor) { (operation) throws(KringError) in try operation.messageIDSalt() }
        return try read { (operation) throws(KringError) in
            let configuration = try operation.mailConfiguration(requireTransport: false)
            guard let message = try operation.transaction.outboxMessage(id: id)
            else { throw KringError.notFound("invite", String(id), "no such message in the outbox") }
            let prepared = try operation.prepareInvites([message], configuration: configuration, salt: salt)
            switch prepared.first?.content {
            case .mail(let mail): return String(decoding: mail.data, as: UTF8.self)
            case .noAddress, nil:
                throw KringError.conflict("invite", String(id), "the recipient has no address: nothing would be sent")
            case .unsendable(let reason): throw KringError.conflict("invite", String(id), reason)
            }
        }
    }

    /// `kring invites discard ID`: a coordinator drops a message that has not gone out.
    public func discardInvite(_ id: Int64) throws(KringError) -> InviteView {
        try write { (operation) throws(KringError) in try operation.discardInvite(id) }
    }
}

/// The databases this process is delivering from right now (`Kring.sendInvites`): at most one run per database.
final class DeliveryRunGate: @unchecked Sendable {
    // Unchecked: `running` is read and written only under `lock`.
    static let shared = DeliveryRunGate()

    private let lock = NSLock()
    private var running: Set<String> = []

    /// Takes the gate for the database at `path`; false when another run holds it.
    func enter(_ path: String) -> Bool {
        lock.withLock { running.insert(path).inserted }
    }

    func leave(_ path: String) { _ = lock.withLock { running.remove(path) } }
}

/// One claimed message made ready on a snapshot: the mail, or why there is none.
struct PreparedInvite {
    enum Content {
        case mail(OutgoingMail)
        case noAddress
        case unsendable(String)
    }

    let id: Int64
    let content: Content
    var view: DeliveryView.Message
}

extension KringTransaction {
    /// The mail settings, checked through `MailConfiguration(settings:)`; `mail.from` defaults to `organizer`.
    /// Without `requireTransport` a missing transport is filled in, for composing a preview.
    func mailConfiguration(requireTransport: Bool = true) throws(KringError) -> MailConfiguration {
        var settings = try mailSettings()
        if settings[MailConfiguration.Key.transport] == nil {
            guard !requireTransport else {
                throw KringError(
                    .environment, field: MailConfiguration.Key.transport, value: "",
                    reason: "is not set; set it with `kring config set mail.transport smtps://mail.example.org`")
            }
            settings[MailConfiguration.Key.transport] = "sendmail"
        }
        guard settings[MailConfiguration.Key.from] != nil else {
            throw KringError(
                .environment, field: MailConfiguration.Key.from, value: "",
                reason: "is not set and there is no organizer; set `kring config set organizer ADDRESS`")
        }
        do { return try MailConfiguration(settings: settings) } catch {
            throw KringError(.environment, field: error.field, value: settings[error.field] ?? "", reason: error.reason)
        }
    }

    /// Every stored `mail.*` setting KringMail reads, and `mail.from` from `organizer` when it is not set.
    func mailSettings() throws(KringError) -> [String: String] {
        var settings: [String: String] = [:]
        for key in Kring.mailLibraryKeys {
            settings[key] = try transaction.setting(key)
        }
        if settings[MailConfiguration.Key.from] == nil {
            settings[MailConfiguration.Key.from] = try transaction.setting("organizer")
        }
        return settings
    }

    func messageIDSalt() throws(KringError) -> [UInt8] {
        var fresh = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in fresh.indices { fresh[index] = generator.next() }
        return try transaction.messageIDSalt(orStore: fresh)
    }

    /// Of the messages still to go out, those that no longer say anything true, for each recipient and series:
    /// every message but the last whole-series CANCEL when one is last; else every message but the newest
    /// REQUEST when there is one (it is rendered from the state at send time, so it already leaves out a cancelled
    /// session and carries every move); and any CANCEL to a recipient who never received this series (a participant
    /// who withdrew before anything was sent must not get a cancellation as their first message).
    func supersededInvites() throws(KringError) -> [OutboxMessage] {
        struct Key: Hashable {
            let recipient: OutboxMessage.Recipient
            let seriesId: Int64
        }
        let pending = try transaction.pendingOutbox()
        var byKey: [Key: [OutboxMessage]] = [:]
        var order: [Key] = []
        for message in pending {
            let key = Key(recipient: message.recipient, seriesId: message.seriesId)
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(message)
        }
        var dropped: [OutboxMessage] = []
        for key in order {
            let messages = byKey[key] ?? []
            let lastWhole = messages.last { $0.method == .cancel && $0.wholeSeries }
            let lastRequest = messages.last { $0.method == .request }
            var kept = messages
            if let lastWhole, lastWhole.id > (lastRequest?.id ?? 0) {
                kept = [lastWhole]
            } else if let lastRequest {
                kept = [lastRequest]
            }
            dropped += messages.filter { message in !kept.contains { $0.id == message.id } }
            let reached = try transaction.outboxReachedRecipient(key.recipient, seriesId: key.seriesId)
            if !reached { dropped += kept.filter { $0.method == .cancel } }
        }
        return dropped
    }

    /// Deletes the superseded messages (they never went out); returns how many.
    func dropSupersededInvites() throws(KringError) -> Int {
        let dropped = try supersededInvites()
        for message in dropped { try transaction.deletePendingOutbox(id: message.id) }
        if !dropped.isEmpty { logAfterCommit(.info, "invites superseded", ["invite.count": "\(dropped.count)"]) }
        return dropped.count
    }

    /// `--dry-run`: what the next run would send, without changing anything.
    func deliveryPlan(limit: Int?) throws(KringError) -> DeliveryView {
        let superseded = Set(try supersededInvites().compactMap(\.id))
        let due = try transaction.dueOutbox(now: now, limit: nil)
            .filter { !superseded.contains($0.id) }
        var messages: [DeliveryView.Message] = []
        for message in due.prefix(limit ?? Int.max) {
            messages.append(try deliveryMessage(message, outcome: "would-send"))
        }
        return DeliveryView(dryRun: true, messages: messages, superseded: superseded.count, stopped: nil)
    }

    func deliveryMessage(_ message: OutboxMessage, outcome: String) throws(KringError) -> DeliveryView.Message {
        let view = try transaction.inviteView(of: message)
        return DeliveryView.Message(
            id: view.id, method: view.method, recipient: view.recipient, group: view.group, seriesId: view.seriesId,
            occurrence: view.occurrence, outcome: outcome, reply: nil)
    }

    /// The short write before sending: drops superseded messages, takes back what a dead sender left claimed,
    /// then claims the due ones for `claimant`. Returns them with the Message-ID salt (made at first use).
    func claimDueInvites(
        limit: Int?, claimant: Int64
    ) throws(KringError) -> (claimed: [OutboxMessage], superseded: Int, salt: [UInt8]) {
        let salt = try messageIDSalt()
        let staleBefore = now.addingTimeInterval(-3_600)
        let released = try transaction.releaseAbandonedClaims(staleBefore: staleBefore) { pid in
            pid != claimant && (kill(pid_t(pid), 0) == 0 || errno == EPERM)
        }
        if released > 0 { logAfterCommit(.info, "abandoned invites taken back", ["invite.count": "\(released)"]) }
        let superseded = try dropSupersededInvites()
        let due = try transaction.dueOutbox(now: now, limit: limit)
        var claimed: [OutboxMessage] = []
        for message in due
        where try transaction.claimOutbox(id: message.id, claimant: claimant, at: now) {
            claimed.append(message)
        }
        return (claimed, superseded, salt)
    }

    /// Renders each message as `renderInvite` does for export, from the state now, and composes its mail.
    func prepareInvites(
        _ messages: [OutboxMessage], configuration: MailConfiguration, salt: [UInt8]
    ) throws(KringError) -> [PreparedInvite] {
        let composer: MailComposer
        do { composer = try MailComposer(configuration: configuration, messageIDSalt: salt) } catch {
            throw KringError(.environment, field: error.field, value: "", reason: error.reason)
        }
        let organizer =
            try transaction.setting("organizer") ?? configuration.from.description
        let fallback =
            try transaction.setting("default-language")
            .flatMap(CalendarLanguage.init(rawValue:)) ?? .en
        var prepared: [PreparedInvite] = []
        for claimed in messages {
            // Read again: it may have gone with its recipient since it was claimed.
            guard let message = try transaction.outboxMessage(id: claimed.id),
                let series = try transaction.series(id: message.seriesId)
            else { continue }
            var view = try deliveryMessage(message, outcome: "")
            guard let addressee = try transaction.addressee(of: message, in: series, fallback: fallback) else {
                prepared.append(PreparedInvite(id: message.id, content: .noAddress, view: view))
                continue
            }
            let opener: ContactSealer
            if let sealer { opener = sealer } else { opener = try keyFile.load() }
            let address = try opener.open(addressee.ciphertext, at: addressee.location)
            let text = try transaction.renderInvite(
                message, series: series, attendee: address, organizer: organizer, language: addressee.language,
                now: now)
            guard let recipient = MailAddress(address) else {
                view.outcome = "failed"
                prepared.append(
                    PreparedInvite(
                        id: message.id, content: .unsendable("the recipient's address cannot be used for mail"),
                        view: view))
                continue
            }
            let invite = try inviteMail(
                message, series: series, calendar: text, recipient: recipient, addressee.language)
            do {
                let mail = try composer.compose(invite, date: now)
                prepared.append(PreparedInvite(id: message.id, content: .mail(mail), view: view))
            } catch {
                prepared.append(PreparedInvite(id: message.id, content: .unsendable(error.description), view: view))
            }
        }
        return prepared
    }

    /// The plain values KringMail shows in the text part: the public title (or the neutral default), the session
    /// the message is about (the cancelled one, else the next one this recipient has), the zone and the venue.
    private func inviteMail(
        _ message: OutboxMessage, series: Series, calendar text: String, recipient: MailAddress,
        _ language: CalendarLanguage
    ) throws(KringError) -> InviteMail {
        let group = try transaction.resolveGroup(String(series.groupId))
        var sessions = try transaction.sessions(groupId: group.id, seriesId: series.id)
        if case .facilitator(let facilitatorId) = message.recipient {
            let own = Set(
                try transaction.assignments(facilitatorId: facilitatorId, groupId: group.id)
                    .map(\.sessionId))
            sessions = sessions.filter { own.contains($0.id) }
        }
        let session: Session?
        if let occurrence = message.occurrenceStart {
            session = sessions.first { $0.occurrenceStart == occurrence }
        } else {
            let taking = sessions.filter { $0.status != .cancelled }
            session = taking.first { $0.endsAt > now } ?? taking.last ?? sessions.first
        }
        let start = session?.startsAt ?? message.occurrenceStart ?? now
        let end = session?.endsAt ?? start.addingTimeInterval(TimeInterval(series.durationMinutes * 60))
        let mailLanguage = MailLanguage(rawValue: language.rawValue) ?? .en
        return InviteMail(
            outboxMessageID: message.messageKey, recipient: recipient, language: mailLanguage,
            method: message.method == .request ? .request : .cancel, calendar: text,
            title: group.publicTitle ?? CalendarText.neutral(language).defaultSummary, start: start, end: end,
            timeZone: TimeZone(identifier: group.timeZone) ?? TimeZone(identifier: "UTC")!,
            location: group.venue ?? group.onlineURL)
    }

    /// Stores one message's outcome; returns the state and the reply recorded.
    func recordDelivery(
        _ invite: PreparedInvite, result: DeliveryResult, claimant: Int64, retry: RetrySchedule
    ) throws(KringError) -> (state: String, reply: String?) {
        let current = try transaction.outboxMessage(id: invite.id)
        let attempt = (current?.attempts ?? 0) + 1
        let state: OutboxMessage.DeliveryState
        let reply: String?
        var next: Date?
        switch (result, invite.content) {
        case (_, .noAddress):
            (state, reply) = (.discarded, "the recipient has no address any more")
        case (.sent(let serverReply), _):
            (state, reply) = (.sent, serverReply)
        case (.temporaryFailure(let reason), _):
            if attempt >= retry.maximumAttempts {
                (state, reply) = (.failed, "gave up after \(attempt) attempts: \(reason)")
            } else {
                (state, reply) = (.retrying, reason)
                next = now.addingTimeInterval(retry.delay(afterAttempt: attempt))
            }
        case (.permanentFailure(let reason), _), (.configurationError(let reason), _):
            (state, reply) = (.failed, reason)
        }
        let recorded = try transaction.recordDelivery(
            id: invite.id, claimant: claimant, state: state, reply: reply, nextAttemptAt: next, at: now)
        if recorded, state == .sent, let current {
            try transaction.reportCounters.inviteDelivered(seriesId: current.seriesId, at: now)
        }
        if recorded {
            logAfterCommit(
                state == .sent ? .info : .warning, "invite delivery recorded",
                ["outbox.id": "\(invite.id)", "delivery.state": "\(state.rawValue)", "delivery.attempts": "\(attempt)"])
        }
        return (state.rawValue, reply)
    }

    func discardInvite(_ id: Int64) throws(KringError) -> InviteView {
        guard let message = try transaction.outboxMessage(id: id) else {
            throw KringError.notFound("invite", String(id), "no such message in the outbox")
        }
        guard try transaction.discardOutbox(id: id, at: now) else {
            throw KringError.conflict(
                "invite", String(id),
                "is \(message.deliveryState.rawValue); only a pending, retrying or failed message can be discarded")
        }
        logAfterCommit(.info, "invite discarded", ["outbox.id": "\(id)"])
        var view = try transaction.inviteView(of: message)
        view.state = OutboxMessage.DeliveryState.discarded.rawValue
        return view
    }
}
