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

    /// Given by the database; a message not queued yet is a `NewOutboxMessage`.
    public let id: Int64
    public var recipient: Recipient
    public var seriesId: Int64
    public var method: Method
    /// The original start of the one cancelled occurrence; nil for the whole series.
    public var occurrenceStart: Date?
    public var queuedAt: Date
    public var exportedAt: Date?

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
    public func insert(_ message: NewOutboxMessage) throws(KringError) -> OutboxMessage {
        try insert(OutboxRecord(message)) { try $0.message() }
    }

    /// Messages not exported yet, in queue order.
    public func pendingOutbox() throws(KringError) -> [OutboxMessage] {
        try fetchRecords(OutboxRecord.self, "SELECT * FROM outbox WHERE exported_at IS NULL ORDER BY id") {
            try $0.message()
        }
    }

    /// One recipient's messages about one series not exported yet, in queue order: what a new message may replace.
    public func pendingOutbox(for recipient: OutboxMessage.Recipient, seriesId: Int64) throws(KringError)
        -> [OutboxMessage]
    {
        let column = recipient.participantId != nil ? "recipient_participant_id" : "recipient_facilitator_id"
        return try fetchRecords(
            OutboxRecord.self,
            "SELECT * FROM outbox WHERE \(column) = ? AND series_id = ? AND exported_at IS NULL ORDER BY id",
            [recipient.participantId ?? recipient.facilitatorId, seriesId]
        ) { try $0.message() }
    }

    /// Drops a facilitator's messages not exported yet (their address was cleared: nothing can be sent).
    public func deletePendingOutbox(facilitatorId: Int64) throws(KringError) {
        try execute(
            "DELETE FROM outbox WHERE recipient_facilitator_id = ? AND exported_at IS NULL",
            [facilitatorId])
    }

    public func markOutboxExported(id: Int64, at instant: Date) throws(KringError) {
        try execute(
            "UPDATE outbox SET exported_at = ? WHERE id = ? AND exported_at IS NULL",
            [instant.storedSeconds, id])
    }

}

struct OutboxRecord: StoredRecord {
    static let databaseTableName = "outbox"
    var id: Int64?
    var recipientParticipantId: Int64?
    var recipientFacilitatorId: Int64?
    var seriesId: Int64
    var method: String
    var occurrenceStart: Int64?
    var wholeSeries: Bool
    var queuedAt: Int64
    var exportedAt: Int64?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    init(_ message: NewOutboxMessage) {
        id = nil
        recipientParticipantId = message.recipient.participantId
        recipientFacilitatorId = message.recipient.facilitatorId
        seriesId = message.seriesId
        method = message.method.rawValue
        occurrenceStart = message.occurrenceStart?.storedSeconds
        wholeSeries = message.occurrenceStart == nil
        queuedAt = message.queuedAt.storedSeconds
        exportedAt = nil
    }

    func message() throws -> OutboxMessage {
        let recipient: OutboxMessage.Recipient
        if let recipientParticipantId {
            recipient = .participant(recipientParticipantId)
        } else if let recipientFacilitatorId {
            recipient = .facilitator(recipientFacilitatorId)
        } else {
            throw CorruptRow(table: Self.databaseTableName, column: "recipient_participant_id")
        }
        return OutboxMessage(
            id: try storedId(id, table: Self.databaseTableName), recipient: recipient, seriesId: seriesId,
            method: OutboxMessage.Method(rawValue: method) ?? .request,
            occurrenceStart: occurrenceStart.map(Date.init(storedSeconds:)), queuedAt: Date(storedSeconds: queuedAt),
            exportedAt: exportedAt.map(Date.init(storedSeconds:)))
    }
}

extension StoreTransaction {
    /// Drops one message not exported yet (superseded before anyone saw it).
    public func deletePendingOutbox(id: Int64) throws(KringError) {
        try execute("DELETE FROM outbox WHERE id = ? AND exported_at IS NULL", [id])
    }

    /// How many messages to this participant are not exported yet.
    public func countPendingOutbox(participantId: Int64) throws(KringError) -> Int {
        try fetchValue(
            Int.self, "SELECT COUNT(*) FROM outbox WHERE recipient_participant_id = ? AND exported_at IS NULL",
            [participantId]) ?? 0
    }
}
