import Foundation
import GRDB
import KringDomain

/// One facilitator in one session, as stored.
public struct StoredAssignment: Sendable, Codable, Hashable {
    public var sessionId: Int64
    public var facilitatorId: Int64
    public var isLead: Bool
    /// Never changed by `kring assign`.
    public var pinned: Bool
    /// When the facilitator was told; nil for a draft.
    public var publishedAt: Date?
    public var createdAt: Date

    public init(
        sessionId: Int64, facilitatorId: Int64, isLead: Bool, pinned: Bool, publishedAt: Date?, createdAt: Date
    ) {
        self.sessionId = sessionId
        self.facilitatorId = facilitatorId
        self.isLead = isLead
        self.pinned = pinned
        self.publishedAt = publishedAt
        self.createdAt = createdAt
    }
}

/// A facilitator's "no" to one session.
public struct StoredDecline: Sendable, Codable, Hashable {
    public var sessionId: Int64
    public var facilitatorId: Int64
    public var declinedAt: Date

    public init(sessionId: Int64, facilitatorId: Int64, declinedAt: Date) {
        self.sessionId = sessionId
        self.facilitatorId = facilitatorId
        self.declinedAt = declinedAt
    }
}

extension StoreTransaction {
    /// The groups a facilitator has at least one assignment in (any session, cancelled ones included), for access
    /// checks: privacy rule 8 lets a facilitator see only these groups.
    public func groupIdsAssigned(facilitatorId: Int64) throws(KringError) -> [Int64] {
        try fetchValues(
            Int64.self,
            """
            SELECT DISTINCT session.group_id FROM assignment JOIN session ON session.id = assignment.session_id
            WHERE assignment.facilitator_id = ? ORDER BY session.group_id
            """,
            [facilitatorId])
    }

    /// The sessions a facilitator is assigned to, in start order. Cancelled sessions are included so a calendar feed
    /// can withdraw them; callers filter on the session's status.
    public func assignedSessionIds(facilitatorId: Int64) throws(KringError) -> [Int64] {
        try fetchValues(
            Int64.self,
            """
            SELECT assignment.session_id FROM assignment JOIN session ON session.id = assignment.session_id
            WHERE assignment.facilitator_id = ? ORDER BY session.starts_at, session.id
            """,
            [facilitatorId])
    }

    public func assignments(sessionId: Int64) throws(KringError) -> [StoredAssignment] {
        try fetchAll(
            "SELECT * FROM assignment WHERE session_id = ? ORDER BY is_lead DESC, created_at, facilitator_id",
            [sessionId], map: Self.assignment)
    }

    public func assignment(sessionId: Int64, facilitatorId: Int64) throws(KringError) -> StoredAssignment? {
        try fetchOne(
            "SELECT * FROM assignment WHERE session_id = ? AND facilitator_id = ?", [sessionId, facilitatorId],
            map: Self.assignment)
    }

    /// Assignments in session start order, optionally of one facilitator and/or one group.
    public func assignments(facilitatorId: Int64? = nil, groupId: Int64? = nil) throws(KringError) -> [StoredAssignment]
    {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let facilitatorId {
            conditions.append("assignment.facilitator_id = ?")
            arguments += [facilitatorId]
        }
        if let groupId {
            conditions.append("session.group_id = ?")
            arguments += [groupId]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try fetchAll(
            """
            SELECT assignment.* FROM assignment JOIN session ON session.id = assignment.session_id \(whereClause)
            ORDER BY session.starts_at, session.id, assignment.is_lead DESC, assignment.created_at,
                assignment.facilitator_id
            """, arguments, map: Self.assignment)
    }

    public func insert(_ assignment: StoredAssignment) throws(KringError) {
        try insert(AssignmentRecord(assignment))
    }

    public func update(_ assignment: StoredAssignment) throws(KringError) {
        try update(AssignmentRecord(assignment))
    }

    /// Removes one assignment; false when there was none.
    public func deleteAssignment(sessionId: Int64, facilitatorId: Int64) throws(KringError) -> Bool {
        try execute(
            "DELETE FROM assignment WHERE session_id = ? AND facilitator_id = ?", [sessionId, facilitatorId])
    }

    public func allDeclines() throws(KringError) -> [StoredDecline] {
        try fetchAll("SELECT * FROM assignment_decline ORDER BY session_id, facilitator_id", map: Self.decline)
    }

    public func insert(_ decline: StoredDecline) throws(KringError) {
        try upsert(
            DeclineRecord(
                sessionId: decline.sessionId, facilitatorId: decline.facilitatorId,
                declinedAt: decline.declinedAt.storedSeconds))
    }

    public func deleteDecline(sessionId: Int64, facilitatorId: Int64) throws(KringError) {
        try execute(
            "DELETE FROM assignment_decline WHERE session_id = ? AND facilitator_id = ?", [sessionId, facilitatorId])
    }

    static func assignment(_ row: Row) -> StoredAssignment {
        let published: Int64? = row["published_at"]
        return StoredAssignment(
            sessionId: row["session_id"], facilitatorId: row["facilitator_id"], isLead: row["is_lead"],
            pinned: row["pinned"], publishedAt: published.map(Date.init(storedSeconds:)),
            createdAt: Date(storedSeconds: row["created_at"]))
    }

    static func decline(_ row: Row) -> StoredDecline {
        StoredDecline(
            sessionId: row["session_id"], facilitatorId: row["facilitator_id"],
            declinedAt: Date(storedSeconds: row["declined_at"]))
    }
}

struct AssignmentRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "assignment"
    var sessionId: Int64
    var facilitatorId: Int64
    var isLead: Bool
    var pinned: Bool
    var publishedAt: Int64?
    var createdAt: Int64

    init(_ assignment: StoredAssignment) {
        sessionId = assignment.sessionId
        facilitatorId = assignment.facilitatorId
        isLead = assignment.isLead
        pinned = assignment.pinned
        publishedAt = assignment.publishedAt?.storedSeconds
        createdAt = assignment.createdAt.storedSeconds
    }
}

struct DeclineRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "assignment_decline"
    var sessionId: Int64
    var facilitatorId: Int64
    var declinedAt: Int64
}
