import Foundation
import KringDomain
import Testing

@Suite struct LocalDateTests {
    @Test(arguments: [
        (2028, 2, 29, true), (2027, 2, 29, false), (2000, 2, 29, true), (1900, 2, 29, false),
        (2027, 4, 31, false), (2027, 12, 31, true), (2027, 13, 1, false), (2027, 1, 0, false), (0, 1, 1, false),
    ])
    func initValidatesCalendar(year: Int, month: Int, day: Int, exists: Bool) {
        #expect((LocalDate(year: year, month: month, day: day) != nil) == exists)
    }

    @Test func parseReadsIsoAndPrintsItBack() throws {
        let date = try LocalDate.parse("2027-01-12", field: "date")
        #expect(date == LocalDate(year: 2027, month: 1, day: 12))
        #expect(date.iso == "2027-01-12")
        #expect(date.description == "2027-01-12")
        #expect(date.basic == "20270112")
    }

    @Test(arguments: ["2027-1-12", "12/01/2027", "20270112", "2027-01-12T19:00", "", "2027-02-30", "٢٠٢٧-01-12"])
    func parseRefusesOtherShapes(text: String) {
        #expect {
            _ = try LocalDate.parse(text, field: "exclude")
        } throws: { error in
            guard let error = error as? KringError else { return false }
            return error.field == "exclude" && error.value == text && error.kind == .invalidInput
        }
    }

    @Test func impossibleDateSaysSo() {
        // The last day of year 9999 once came back as "10000-01-01 must be written as YYYY-MM-DD".
        #expect(throws: KringError.invalid("expires", "9999-12-31", "must be in the years 1900 to 2199")) {
            _ = try LocalDate.parse("9999-12-31", field: "expires")
        }
        #expect(throws: KringError.invalid("date", "2027-02-29", "there is no such date in the calendar")) {
            _ = try LocalDate.parse("2027-02-29", field: "date")
        }
    }

    @Test(arguments: [
        ("1970-01-01", Weekday.thursday), ("1969-12-31", .wednesday), ("2000-01-01", .saturday),
        ("2027-01-12", .tuesday), ("2027-03-29", .monday), ("2028-02-29", .tuesday),
    ])
    func weekday(text: String, expected: Weekday) throws {
        #expect(try LocalDate.parse(text, field: "date").weekday == expected)
    }

    @Test func addingDaysCrossesMonthsYearsAndLeapDays() throws {
        let date = try LocalDate.parse("2027-12-30", field: "date")
        #expect(date.adding(days: 3).iso == "2028-01-02")
        #expect(try LocalDate.parse("2028-02-28", field: "d").adding(days: 1).iso == "2028-02-29")
        #expect(try LocalDate.parse("2027-02-28", field: "d").adding(days: 1).iso == "2027-03-01")
        #expect(date.adding(days: -365).iso == "2026-12-30")
        #expect(date.adding(days: 0) == date)
    }

    @Test func addingMonthsIsNilWhenTheDayIsMissing() throws {
        let endOfJanuary = try LocalDate.parse("2027-01-31", field: "d")
        #expect(endOfJanuary.adding(months: 1) == nil)
        #expect(endOfJanuary.adding(months: 2)?.iso == "2027-03-31")
        #expect(endOfJanuary.adding(months: -2) == nil)  // 31 November does not exist
        #expect(try LocalDate.parse("2027-11-15", field: "d").adding(months: 3)?.iso == "2028-02-15")
        #expect(try LocalDate.parse("2028-02-29", field: "d").adding(months: 12) == nil)
        #expect(try LocalDate.parse("2028-02-29", field: "d").adding(months: 48)?.iso == "2032-02-29")
    }

    @Test func daysInMonth() {
        #expect(LocalDate.daysInMonth(year: 2027, month: 2) == 28)
        #expect(LocalDate.daysInMonth(year: 2028, month: 2) == 29)
        #expect(LocalDate.daysInMonth(year: 2100, month: 2) == 28)
        #expect(LocalDate.daysInMonth(year: 2027, month: 4) == 30)
        #expect(LocalDate.daysInMonth(year: 2027, month: 12) == 31)
    }

    /// Our day arithmetic must agree with Foundation's Gregorian calendar over a wide span.
    @Test func dayNumbersAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for dayNumber in stride(from: -40_000, through: 60_000, by: 97) {
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(dayNumber) * 86_400)
            )
            let date = LocalDate(dayNumber: dayNumber)
            #expect(date.year == parts.year && date.month == parts.month && date.day == parts.day)
            #expect(date.dayNumber == dayNumber)
            // Foundation counts Sunday as 1.
            #expect(date.weekday.mondayBasedIndex == (parts.weekday! + 5) % 7)
        }
    }

    @Test func comparesChronologically() throws {
        let dates = try ["2027-10-01", "2027-02-15", "2026-12-31"].map { try LocalDate.parse($0, field: "d") }
        #expect(dates.sorted().map(\.iso) == ["2026-12-31", "2027-02-15", "2027-10-01"])
    }

    @Test func codableAsIsoString() throws {
        let date = try LocalDate.parse("2027-01-12", field: "d")
        let json = try JSONEncoder().encode([date])
        #expect(String(decoding: json, as: UTF8.self) == #"["2027-01-12"]"#)
        #expect(try JSONDecoder().decode([LocalDate].self, from: json) == [date])
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode([LocalDate].self, from: Data(#"["2027-02-30"]"#.utf8))
        }
    }
}

@Suite struct LocalTimeTests {
    @Test func parsesMinutesAndToleratesZeroSeconds() throws {
        #expect(try LocalTime.parse("19:00", field: "time") == LocalTime(hour: 19, minute: 0))
        #expect(try LocalTime.parse("07:05:00", field: "time").iso == "07:05")
        #expect(try LocalTime.parse("00:00", field: "time") < LocalTime.parse("23:59", field: "time"))
    }

    @Test(arguments: ["7:00", "24:00", "19:60", "19:00:30", "19h00", "", "19:00:00:00"])
    func refusesOtherTimes(text: String) {
        #expect {
            _ = try LocalTime.parse(text, field: "time")
        } throws: { error in
            (error as? KringError).map { $0.field == "time" && $0.value == text } ?? false
        }
    }

    @Test func dateTimeParsesPrintsAndCodes() throws {
        let value = try LocalDateTime.parse("2027-01-12T19:00", field: "start")
        #expect(value.date.iso == "2027-01-12")
        #expect(value.time.iso == "19:00")
        #expect(value.iso == "2027-01-12T19:00")
        #expect(try LocalDateTime.parse("2027-01-12T19:00:00", field: "start") == value)
        let json = try JSONEncoder().encode(value)
        #expect(String(decoding: json, as: UTF8.self) == #""2027-01-12T19:00""#)
        #expect(try JSONDecoder().decode(LocalDateTime.self, from: json) == value)
        #expect(try LocalDateTime.parse("2027-01-12T08:00", field: "start") < value)
    }

    @Test(arguments: ["2027-01-12 19:00", "2027-01-12", "2027-01-12T25:00", "2027-02-30T19:00", "2027-01-12T19:00Z"])
    func dateTimeRefusesNamingFieldAndWholeValue(text: String) {
        #expect {
            _ = try LocalDateTime.parse(text, field: "start")
        } throws: { error in
            (error as? KringError).map { $0.field == "start" && $0.value == text } ?? false
        }
    }
}
