import Foundation
import KringDomain
import KringStorage

/// Where the service gets a person's iCalendar feed: `LibicalFeedProvider` (CalendarFeeds.swift) is the real one;
/// the server takes it as a dependency so it never builds calendar text itself.
public protocol CalendarFeedProvider: Sendable {
    func participantFeed(participantId: Int64) throws(KringError) -> String
    func facilitatorFeed(facilitatorId: Int64) throws(KringError) -> String
}
