import Foundation
import KringDomain
import KringStorage

/// Who made a change, as the audit trail records it: a role, and the API token's id or the local operating-system
/// user running the CLI on the database's machine. Never a pseudonym or a token's text.
public struct AuditActor: Sendable, Hashable {
    public let role: String
    public let tokenId: Int64?
    public let localUser: String?

    public init(role: String, tokenId: Int64?, localUser: String?) {
        self.role = role
        self.tokenId = tokenId
        self.localUser = localUser
    }

    /// Whoever holds the database file and key on this machine: a coordinator, named by their login.
    public static var localUser: AuditActor {
        AuditActor(role: Role.coordinator.rawValue, tokenId: nil, localUser: operatingSystemUser())
    }

    /// The automatic retention purge, which nobody asked for.
    static let system = AuditActor(role: "system", tokenId: nil, localUser: nil)

    static func operatingSystemUser() -> String {
        if let name = getpwuid(getuid())?.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }
}

/// The append-only trail of every change (`audit_entry`, `0013_audit_trail.sql`), written by `Kring.write` only.
enum AuditTrail {
    /// Appends one entry for a transaction's changes: the operation is the name of the `Kring` or `ScopedKring`
    /// method that ran it (`withdraw(_:group:erase:)` is stored as `withdraw`).
    static func record(
        _ changes: [RowChange], operation: String, actor: AuditActor, at instant: Date, in transaction: StoreTransaction
    ) throws(KringError) {
        let name = String(operation.prefix { $0 != "(" })
        let objects = try transaction.auditObjects(for: changes)
        try transaction.insert(
            AuditRecord(
                at: instant, role: actor.role, tokenId: actor.tokenId, osUser: actor.localUser, operation: name,
                objects: objects))
    }
}

/// What `kring audit` filters by; every field optional.
public struct AuditQuery: Sendable, Codable, Equatable {
    /// The first day (YYYY-MM-DD, Brussels) included.
    public var from: String?
    /// The last day included.
    public var to: String?
    public var operation: String?
    /// A participant's id: ids stay in the trail after an erasure, pseudonyms never were in it.
    public var participant: String?

    public init(from: String? = nil, to: String? = nil, operation: String? = nil, participant: String? = nil) {
        self.from = from
        self.to = to
        self.operation = operation
        self.participant = participant
    }
}

/// One entry of the audit trail as `kring audit` shows it.
public struct AuditEntryView: Codable, Sendable, Equatable {
    public let id: Int64
    public let at: String
    public let role: String
    public let tokenId: Int64?
    public let localUser: String?
    public let operation: String
    public let objects: [Object]

    /// A row the change touched, or an object such a row refers to: `participant 3`, `group 1`, `enrolment 7`.
    public struct Object: Codable, Sendable, Equatable {
        public let kind: String
        public let id: Int64
    }
}

extension Kring {
    /// `kring audit`: the trail of changes, oldest first, filtered by day, operation and participant id.
    public func audit(_ query: AuditQuery) throws(KringError) -> [AuditEntryView] {
        try read { (operation) throws(KringError) in try operation.audit(query) }
    }
}

extension KringTransaction {
    func audit(_ query: AuditQuery) throws(KringError) -> [AuditEntryView] {
        let zone = ZonedClock(timeZone: TimeZone(identifier: SupportGroup.defaultTimeZone)!)
        let from = try query.from.map { (text) throws(KringError) in try Kring.startOfDay(text, field: "from", in: zone)
        }
        let to = try query.to.map { (text) throws(KringError) in
            try Kring.startOfDay(try LocalDate.parse(text, field: "to").adding(days: 1).iso, field: "to", in: zone)
        }
        var object: AuditObject?
        if let participant = query.participant {
            guard let id = Int64(participant.trimmingCharacters(in: .whitespaces)) else {
                throw .invalid(
                    "participant", participant, "the audit trail holds ids only; give the participant's id")
            }
            object = AuditObject(kind: "participant", id: id)
        }
        let operationName = query.operation.map { $0.trimmingCharacters(in: .whitespaces) }
        let records = try transaction.auditEntries(from: from, to: to, operation: operationName, object: object)
        let formatter = ISO8601DateFormatter()
        return records.map { record in
            AuditEntryView(
                id: record.id ?? 0, at: formatter.string(from: record.at), role: record.role, tokenId: record.tokenId,
                localUser: record.osUser, operation: record.operation,
                objects: record.objects.map { AuditEntryView.Object(kind: $0.kind, id: $0.id) })
        }
    }
}
