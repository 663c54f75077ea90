import Foundation

/// How long Kring keeps a participant after their last group ended (privacy rule 10).
public struct RetentionPolicy: Sendable, Equatable {
    public let days: Int

    public init(days: Int) {
        self.days = days
    }

    /// One year after the last enrolment ended, unless the organisation sets otherwise.
    public static let standard = RetentionPolicy(days: 365)
    public static let allowedDays = 30...3650

    /// Whether a participant whose enrolments are all over, the last change at `lastChange`, is due for purging.
    public func isExpired(lastChange: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastChange) > TimeInterval(days) * 86_400
    }
}
