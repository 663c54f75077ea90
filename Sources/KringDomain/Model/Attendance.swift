import Foundation

/// Whether a participant came to a session.
public enum AttendanceStatus: String, Sendable, Codable, CaseIterable {
    case present, absent, excused

    public static func parse(_ text: String, field: String) throws(KringError) -> AttendanceStatus {
        try parseChoice(text, field: field)
    }
}

/// One mark of attendance for one participant at one session.
public struct Attendance: Sendable, Codable, Equatable {
    public var sessionId: Int64
    public var participantId: Int64
    public var status: AttendanceStatus
    public var markedAt: Date

    public init(sessionId: Int64, participantId: Int64, status: AttendanceStatus, markedAt: Date) {
        self.sessionId = sessionId
        self.participantId = participantId
        self.status = status
        self.markedAt = markedAt
    }
}
