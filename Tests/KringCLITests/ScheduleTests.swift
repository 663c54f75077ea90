import Foundation
import KringTestSupport
import Testing

/// Series stay at their local hour across DST and skip Belgian holidays when asked.
@Suite(.timeLimit(.minutes(10))) struct ScheduleTests {
    @Test func fortnightlyTuesdayStaysAtSevenInBrusselsAcrossBothSwitches() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        let series = try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-01-12T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=26", "--format", "json",
        ]).object()
        let sessions = try #require(series["sessions"] as? [[String: Any]])
        #expect(sessions.count == 26)
        let starts = sessions.compactMap { $0["start"] as? String }
        // Every start reads 19:00 local; the offset is +01:00 in winter and +02:00 between the switches.
        for start in starts { #expect(start.dropFirst(11).hasPrefix("19:00:00"), "\(start)") }
        #expect(starts.contains("2027-03-23T19:00:00+01:00"))
        #expect(starts.contains("2027-04-06T19:00:00+02:00"))
        #expect(starts.contains("2027-10-19T19:00:00+02:00"))
        #expect(starts.contains("2027-11-02T19:00:00+01:00"))
        let formatter = ISO8601DateFormatter()
        let utcHours = starts.compactMap(formatter.date(from:)).map { Calendar.utc.component(.hour, from: $0) }
        #expect(Set(utcHours) == [17, 18])
        #expect(starts.last == "2027-12-28T19:00:00+01:00")
    }

    @Test func belgianHolidaysAreSkippedWhenAsked() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        // Daily at 10:00 through 2027 touches every Belgian public holiday.
        let series = try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-01-01T10:00", "--duration", "60", "--rrule",
            "FREQ=DAILY;UNTIL=20271231", "--skip-holidays", "be", "--format", "json",
        ]).object()
        let skipped = try #require(series["skippedHolidays"] as? [String])
        #expect(
            skipped == [
                "2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-17", "2027-07-21", "2027-08-15",
                "2027-11-01", "2027-11-11", "2027-12-25",
            ])
        let sessions = try #require(series["sessions"] as? [[String: Any]])
        #expect(sessions.count == 365 - 10)
        let days = Set(sessions.compactMap { ($0["start"] as? String)?.prefix(10) }.map(String.init))
        for holiday in skipped { #expect(!days.contains(holiday)) }
        #expect(days.contains("2027-01-02"))
    }

    @Test func explicitExdatesAreLeftOut() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        let series = try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-01-12T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10", "--exdate", "2027-02-09,2027-03-09", "--format", "json",
        ]).object()
        let starts = (series["sessions"] as? [[String: Any]])?.compactMap { $0["start"] as? String } ?? []
        #expect(starts.count == 8)
        #expect(!starts.contains { $0.hasPrefix("2027-02-09") || $0.hasPrefix("2027-03-09") })
    }

    @Test func monthlySecondTuesday() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        let series = try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-01-12T19:00", "--duration", "90", "--rrule",
            "FREQ=MONTHLY;BYDAY=2TU;COUNT=4", "--format", "json",
        ]).object()
        let days = (series["sessions"] as? [[String: Any]])?.compactMap { ($0["start"] as? String)?.prefix(10) }
        #expect(days?.map(String.init) == ["2027-01-12", "2027-02-09", "2027-03-09", "2027-04-13"])
    }
}

extension Calendar {
    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }
}
