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

    /// COUNT=8 over the Flemish spring holiday used to give 7 sessions; with shift it gives 8 and says which date.
    @Test func shiftKeepsThePromisedNumberOfSessionsAndNamesTheShiftedDate() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        let arguments = [
            "series", "add", "--group", "g", "--start", "2027-01-05T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;BYDAY=TU;COUNT=8", "--skip-holidays", "be,be-vl-school",
        ]
        let shifted = try sandbox.ok(arguments + ["--on-holiday", "shift"]).stdout
        #expect(shifted.contains("shifted: 2027-02-09 (be-vl-school: krokusvakantie)"), "\(shifted)")
        #expect(shifted.contains("added at the end, so 8 sessions still meet: 2027-03-02"), "\(shifted)")
        let sessions = try sandbox.ok(["session", "list", "--group", "g", "--format", "json"]).array()
        let days = sessions.compactMap { ($0["start"] as? String)?.prefix(10) }.map(String.init)
        #expect(
            days == [
                "2027-01-05", "2027-01-12", "2027-01-19", "2027-01-26", "2027-02-02", "2027-02-16", "2027-02-23",
                "2027-03-02",
            ])

        // Skip (the default) drops the date and says so; the series then has seven sessions.
        try sandbox.ok([
            "group", "create", "--name", "h", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        var skipping = arguments
        skipping[3] = "h"
        let skipped = try sandbox.ok(skipping + ["--format", "json"]).object()
        #expect((skipped["sessions"] as? [Any])?.count == 7)
        #expect(skipped["onHoliday"] as? String == "skip")
        #expect(skipped["skippedHolidays"] as? [String] == ["2027-02-09"])
    }

    @Test func holidayOptionsAreCheckedNamingTheValue() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        let base = [
            "series", "add", "--group", "g", "--start", "2027-01-05T19:00", "--duration", "120", "--rrule",
        ]
        try sandbox.expectRefused(
            base + ["FREQ=WEEKLY;BYDAY=TU;COUNT=8", "--skip-holidays", "be,nl-school"],
            mentioning: ["skip-holidays", "be,nl-school", "be-vl-school"])
        try sandbox.expectRefused(
            base + ["FREQ=WEEKLY;BYDAY=TU;COUNT=8", "--skip-holidays", "be", "--on-holiday", "later"],
            mentioning: ["on-holiday", "later"])
        try sandbox.expectRefused(
            base + ["FREQ=WEEKLY;BYDAY=TU;UNTIL=20270601", "--skip-holidays", "be-vl-school", "--on-holiday", "shift"],
            mentioning: ["on-holiday", "COUNT"])
        try sandbox.expectRefused(["config", "set", "closure-dates", "2027-02-30"], mentioning: ["closure-dates"])
    }

    /// The organisation's closure dates are skipped by every new series, named as such.
    @Test func closureDatesAreSkipped() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok(["config", "set", "closure-dates", "2027-01-19, 2027-01-12,2027-01-19"])
        let setting = try sandbox.ok(["config", "get", "closure-dates"]).stdout
        #expect(setting.contains("2027-01-12,2027-01-19"))
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        let series = try sandbox.ok([
            "series", "add", "--group", "g", "--start", "2027-01-05T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;BYDAY=TU;COUNT=4",
        ]).stdout
        #expect(series.contains("skipped: 2027-01-12 (organisation closed), 2027-01-19 (organisation closed)"))
        try sandbox.ok(["config", "set", "closure-dates", "none"])
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
