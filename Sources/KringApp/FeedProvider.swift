import Foundation
import KringDomain
import KringStorage

/// Where the service gets a person's iCalendar feed. The calendar layer (issue 3) provides the real one; the
/// server takes it as a dependency so it never builds calendar text itself.
public protocol CalendarFeedProvider: Sendable {
    func participantFeed(participantId: Int64) throws(KringError) -> String
    func facilitatorFeed(facilitatorId: Int64) throws(KringError) -> String
}

/// PLACEHOLDER until the calendar layer wires `Kring.participantFeed`/`facilitatorFeed`: one plain VEVENT per
/// session the person may see, with a neutral title, no attendee and no group name (privacy rule 7). It has no
/// time zones, recurrence or overrides; replace it, do not extend it.
public struct PlaceholderFeedProvider: CalendarFeedProvider {
    let kring: Kring

    public init(kring: Kring) {
        self.kring = kring
    }

    public func participantFeed(participantId: Int64) throws(KringError) -> String {
        try calendar(try ScopedKring(kring: kring, caller: .participant(participantId)).visibleSessions())
    }

    public func facilitatorFeed(facilitatorId: Int64) throws(KringError) -> String {
        try calendar(try ScopedKring(kring: kring, caller: .facilitator(facilitatorId)).visibleSessions())
    }

    private func calendar(_ sessions: [SessionView]) throws(KringError) -> String {
        let input = ISO8601DateFormatter()
        let output = DateFormatter()
        output.locale = Locale(identifier: "en_US_POSIX")
        output.timeZone = TimeZone(identifier: "UTC")
        output.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kring//Agenda//EN", "METHOD:PUBLISH", "X-WR-CALNAME:Agenda",
        ]
        for session in sessions {
            guard let start = input.date(from: session.start), let end = input.date(from: session.end) else { continue }
            lines += [
                "BEGIN:VEVENT", "UID:\(session.id)-\(session.seriesId)@kring.invalid",
                // A fixed stamp keeps the body, and so its ETag, stable while nothing changes.
                "DTSTAMP:20260101T000000Z", "DTSTART:\(output.string(from: start))",
                "DTEND:\(output.string(from: end))", "SUMMARY:Afspraak",
                "STATUS:\(session.status == .cancelled ? "CANCELLED" : "CONFIRMED")", "SEQUENCE:\(session.changeCount)",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
