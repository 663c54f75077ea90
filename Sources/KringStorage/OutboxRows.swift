import Foundation
import GRDB
import KringDomain

/// One queued invite: who gets which message about which series. No address and no rendered text are stored.
public struct OutboxMessage: Sendable, Equatable {
    public enum Method: String, Sendable, Codable {
        case request
        case cancel
    }

    /// Who gets the message: a participant or a facilitator, never both.
    public enum Recipient: Sendable, Equatable, Hashable {
        case participant(Int64)
        case facilitator(Int64)

        public var participantId: Int64? {
            if case .participant(let id) = self { id } else { nil }
        }

        public var facilitatorId: Int64? {
            if case .facilitator(let id) = self { id } else { nil }
        }
    }

    /// Where the message is on its way out (`0015_outbox_delivery.sql`).
    public enum DeliveryState: String, Sendable, Codable, CaseIterable {
        case pending, sending, retrying, sent, failed, discarded, exported

        /// Still to go out: what a newer message about the same series may replace or merge with.
        public var isUndelivered: Bool { self == .pending || self == .retrying }
        /// Reached the recipient (by mail or as an exported file): a later CANCEL has something to cancel.
        public var reachedRecipient: Bool { self == .sent || self == .exported }
    }

    /// Given by the database; a message not queued yet is a `NewOutboxMessage`.
    public let id: Int64
    public var recipient: Recipient
    public var seriesId: Int64
    public var method: Method
    /// The original start of the one cancelled occurrence; nil for the whole series.
    public var occurrenceStart: Date?
    public var queuedAt: Date
    public var exportedAt: Date?
    public var deliveryState: DeliveryState = .pending
    public var attempts: Int = 0
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    /// The server's last reply or the failure's reason, scrubbed of addresses by KringMail.
    public var lastReply: String?
    public var sentAt: Date?
    /// Random; with the installation's salt it makes the Message-ID, so retries of this message share one.
    public var messageKey: String = ""

    public var wholeSeries: Bool { occurrenceStart == nil }

    public var participantId: Int64? { recipient.participantId }

    public var facilitatorId: Int64? { recipient.facilitatorId }

    public init(
        id: Int64, recipient: Recipient, seriesId: Int64, method: Method, occurrenceStart: Date?,
        queuedAt: Date, exportedAt: Date? = nil
    ) {
        self.id = id
        self.recipient = recipient
        self.seriesId = seriesId
        self.method = method
        self.occurrenceStart = occurrenceStart
        self.queuedAt = queuedAt
        self.exportedAt = exportedAt
        self.messageKey = Self.newMessageKey()
    }

    public static func newMessageKey() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}

/// A message about to be queued, before the database gives it an id.
public struct NewOutboxMessage: Sendable, Equatable {
    public var recipient: OutboxMessage.Recipient
    public var seriesId: Int64
    public var method: OutboxMessage.Method
    /// The original start of the one cancelled occurrence; nil for the whole series.
    public var occurrenceStart: Date?
    public var queuedAt: Date

    public init(
        recipient: OutboxMessage.Recipient, seriesId: Int64, method: OutboxMessage.Method, occurrenceStart: Date?,
        queuedAt: Date
    ) {
        self.recipient = recipient
        self.seriesId = seriesId
        self.method = method
        self.occurrenceStart = occurrenceStart
        self.queuedAt = queuedAt
    }
}

extension StoreTransaction {
    public func insert(_ new: NewOutboxMessage) throws(KringError) -> OutboxMessage {
        try mapped {
            let message = OutboxMessage(
                id: 0, recipient: new.recipient, seriesId: new.seriesId, method: new.method,
                occurrenceStart: new.occurrenceStart, queuedAt: new.queuedAt)
            try db.execute(
                sql: """
                    INSERT INTO outbox
                        (recipient_participant_id, recipient_facilitator_id, series_id, method, occurrence_start,
                         whole_series, queued_at, exported_at, delivery_state, message_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    message.participantId, message.facilitatorId, message.seriesId, message.method.rawValue,
                    message.occurrenceStart?.storedSeconds, message.wholeSeries ? 1 : 0, message.queuedAt.storedSeconds,
                    message.exportedAt?.storedSeconds, message.deliveryState.rawValue, message.messageKey,
                ])
            var stored = OutboxMessage(
                id: db.lastInsertedRowID, recipient: message.recipient, seriesId: message.seriesId,
                method: message.method, occurrenceStart: message.occurrenceStart, queuedAt: message.queuedAt)
            stored.messageKey = message.messageKey
            return stored
        }
    }

    /// Messages still to go out (pending or retrying), in queue order.
    public func pendingOutbox() throws(KringError) -> [OutboxMessage] {
        try mapped {
            try fetchAll("SELECT * FROM outbox WHERE \(Self.undelivered) ORDER BY id", map: Self.outboxMessage)
        }
    }

    /// Messages in these states, in queue order.
    public func outbox(states: [OutboxMessage.DeliveryState]) throws(KringError) -> [OutboxMessage] {
        try mapped {
            let list = states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            return try fetchAll(
                "SELECT * FROM outbox WHERE delivery_state IN (\(list)) ORDER BY id", map: Self.outboxMessage)
        }
    }

    public func outboxMessage(id: Int64) throws(KringError) -> OutboxMessage? {
        try mapped {
            try fetchAll("SELECT * FROM outbox WHERE id = ?", [id], map: Self.outboxMessage).first
        }
    }

    /// Whether this recipient ever got a message about this series (sent or exported): only then can a CANCEL
    /// cancel anything, or is one in flight that may have reached them.
    public func outboxReachedRecipient(_ recipient: OutboxMessage.Recipient, seriesId: Int64) throws(KringError) -> Bool
    {
        try mapped {
            let column = recipient.participantId != nil ? "recipient_participant_id" : "recipient_facilitator_id"
            return try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM outbox WHERE \(column) = ? AND series_id = ? AND method = 'request'
                        AND delivery_state IN ('sent', 'exported', 'sending'))
                    """,
                arguments: [recipient.participantId ?? recipient.facilitatorId, seriesId]) ?? false
        }
    }

    static let undelivered = "delivery_state IN ('pending', 'retrying')"

    /// One recipient's messages about one series not exported yet, in queue order: what a new message may replace.
    public func pendingOutbox(for recipient: OutboxMessage.Recipient, seriesId: Int64) throws(KringError)
        -> [OutboxMessage]
    {
        try mapped {
            let column = recipient.participantId != nil ? "recipient_participant_id" : "recipient_facilitator_id"
            return try fetchAll(
                "SELECT * FROM outbox WHERE \(column) = ? AND series_id = ? AND \(Self.undelivered) ORDER BY id",
                [recipient.participantId ?? recipient.facilitatorId, seriesId], map: Self.outboxMessage)
        }
    }

    /// Drops a facilitator's messages not exported yet (their address was cleared: nothing can be sent).
    public func deletePendingOutbox(facilitatorId: Int64) throws(KringError) {
        try mapped {
            try db.execute(
                sql: "DELETE FROM outbox WHERE recipient_facilitator_id = ? AND \(Self.undelivered)",
                arguments: [facilitatorId])
        }
    }

    /// Drops a participant's messages not exported yet (their address was cleared: nothing can be sent).
    public func deletePendingOutbox(participantId: Int64) throws(KringError) {
        try mapped {
            try db.execute(
                sql: "DELETE FROM outbox WHERE recipient_participant_id = ? AND \(Self.undelivered)",
                arguments: [participantId])
        }
    }

    public func markOutboxExported(id: Int64, at instant: Date) throws(KringError) {
        try mapped {
            try db.execute(
                sql: """
                    UPDATE outbox SET exported_at = ?, delivery_state = 'exported' WHERE id = ? AND \(Self.undelivered)
                    """,
                arguments: [instant.storedSeconds, id])
        }
    }

    static func outboxMessage(_ row: Row) throws -> OutboxMessage {
        let occurrence: Int64? = row["occurrence_start"]
        let exported: Int64? = row["exported_at"]
        let methodText: String = row["method"]
        let participantId: Int64? = row["recipient_participant_id"]
        let facilitatorId: Int64? = row["recipient_facilitator_id"]
        let recipient: OutboxMessage.Recipient
        if let participantId {
            recipient = .participant(participantId)
        } else if let facilitatorId {
            recipient = .facilitator(facilitatorId)
        } else {
            throw CorruptRow(table: "outbox", column: "recipient_participant_id")
        }
        var message = OutboxMessage(
            id: row["id"], recipient: recipient, seriesId: row["series_id"],
            method: OutboxMessage.Method(rawValue: methodText) ?? .request,
            occurrenceStart: occurrence.map(Date.init(storedSeconds:)), queuedAt: Date(storedSeconds: row["queued_at"]),
            exportedAt: exported.map(Date.init(storedSeconds:)))
        let state: String = row["delivery_state"]
        guard let deliveryState = OutboxMessage.DeliveryState(rawValue: state) else {
            throw CorruptRow(table: "outbox", column: "delivery_state")
        }
        message.deliveryState = deliveryState
        message.attempts = row["attempts"]
        message.nextAttemptAt = (row["next_attempt_at"] as Int64?).map(Date.init(storedSeconds:))
        message.lastAttemptAt = (row["last_attempt_at"] as Int64?).map(Date.init(storedSeconds:))
        message.lastReply = row["last_reply"]
        message.sentAt = (row["sent_at"] as Int64?).map(Date.init(storedSeconds:))
        message.messageKey = row["message_key"] ?? String(message.id)
        return message
    }
}

extension StoreTransaction {
    /// Drops one message not exported yet (superseded before anyone saw it).
    public func deletePendingOutbox(id: Int64) throws(KringError) {
        try mapped {
            try db.execute(sql: "DELETE FROM outbox WHERE id = ? AND \(Self.undelivered)", arguments: [id])
        }
    }

    /// How many messages to this participant are not exported yet.
    public func countPendingOutbox(participantId: Int64) throws(KringError) -> Int {
        try mapped {
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM outbox WHERE recipient_participant_id = ? AND \(Self.undelivered)",
                arguments: [participantId]) ?? 0
        }
    }
}
