import Foundation
import KringDomain
import Testing

@Suite struct SeriesExpansionTests {
    func start(_ text: String) throws -> LocalDateTime { try LocalDateTime.parse(text, field: "start") }
    func date(_ text: String) throws -> LocalDate { try LocalDate.parse(text, field: "date") }

    func expand(
        _ first: String, _ rule: String, excluding: Set<LocalDate> = [], limit: Int = 1000
    ) throws -> [String] {
        try SeriesExpansion.occurrences(
            start: start(first), rule: RecurrenceRule.parse(rule), excluding: excluding, limit: limit
        ).map(\.date.iso)
    }

    // MARK: The fortnightly Tuesday group through both DST switches of 2027

    @Test func fortnightlyTuesdayKeepsWallClockAcrossDaylightSaving() throws {
        let brussels = try ZonedClock(identifier: "Europe/Brussels", field: "timezone")
        let utc = ZonedClock(timeZone: TimeZone(identifier: "UTC")!)
        let occurrences = try SeriesExpansion.occurrences(
            start: start("2027-01-12T19:00"), rule: RecurrenceRule.parse("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=26"),
            excluding: []
        )
        #expect(occurrences.count == 26)
        #expect(occurrences.first?.iso == "2027-01-12T19:00")
        #expect(occurrences.last?.iso == "2027-12-28T19:00")
        for (previous, next) in zip(occurrences, occurrences.dropFirst()) {
            #expect(next.date.dayNumber - previous.date.dayNumber == 14)
        }
        let springSwitch = try date("2027-03-28")
        let autumnSwitch = try date("2027-10-31")
        var summerCount = 0
        for occurrence in occurrences {
            #expect(occurrence.date.weekday == .tuesday)
            #expect(occurrence.time.iso == "19:00")
            let instant = try brussels.instant(for: occurrence, field: "start")
            #expect(brussels.local(instant) == occurrence)
            let summer = occurrence.date > springSwitch && occurrence.date < autumnSwitch
            if summer { summerCount += 1 }
            #expect(utc.local(instant).time.hour == (summer ? 17 : 18), "\(occurrence.iso)")
            #expect(brussels.iso8601(instant) == occurrence.iso + ":00" + (summer ? "+02:00" : "+01:00"))
        }
        // 6 April … 19 October are in summer time; 23 March and 2 November either side are not.
        #expect(summerCount == 15)
        #expect(occurrences.contains { $0.date.iso == "2027-03-23" })
        #expect(occurrences.contains { $0.date.iso == "2027-11-02" })
    }

    @Test func fortnightlyTuesdayMeetsNoHolidayIn2027() throws {
        let dates = try SeriesExpansion.dates(
            start: date("2027-01-12"), rule: RecurrenceRule.parse("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=26")
        )
        // 4 May is a Tuesday in the series but no holiday; every 2027 holiday misses these Tuesdays.
        #expect(dates.contains(try date("2027-05-04")))
        #expect(dates.filter(BelgianHolidays.isHoliday).isEmpty)
    }

    @Test func weeklyMondaySkipsEasterAndWhitMonday() throws {
        let rule = try RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=MO;COUNT=12")
        let dates = try SeriesExpansion.dates(start: date("2027-03-01"), rule: rule)
        let holidays = dates.filter(BelgianHolidays.isHoliday)
        #expect(holidays.map(\.iso) == ["2027-03-29", "2027-05-17"])
        let kept = try expand("2027-03-01T19:00", rule.canonicalText, excluding: Set(holidays))
        #expect(
            kept == [
                "2027-03-01", "2027-03-08", "2027-03-15", "2027-03-22", "2027-04-05", "2027-04-12",
                "2027-04-19", "2027-04-26", "2027-05-03", "2027-05-10",
            ])
    }

    // MARK: COUNT, UNTIL and exclusions

    @Test func countIsCountedBeforeExclusions() throws {
        let all = try expand("2027-01-12T19:00", "FREQ=WEEKLY;COUNT=5")
        #expect(all == ["2027-01-12", "2027-01-19", "2027-01-26", "2027-02-02", "2027-02-09"])
        let kept = try expand("2027-01-12T19:00", "FREQ=WEEKLY;COUNT=5", excluding: [date("2027-01-19")])
        // The series still ends on 9 February: an exclusion does not add a sixth week.
        #expect(kept == ["2027-01-12", "2027-01-26", "2027-02-02", "2027-02-09"])
        let withoutStart = try expand("2027-01-12T19:00", "FREQ=WEEKLY;COUNT=5", excluding: [date("2027-01-12")])
        #expect(withoutStart.first == "2027-01-19" && withoutStart.count == 4)
        let unrelated = try expand("2027-01-12T19:00", "FREQ=WEEKLY;COUNT=5", excluding: [date("2027-01-13")])
        #expect(unrelated == all)
    }

    @Test func untilIsInclusive() throws {
        #expect(
            try expand("2027-01-12T19:00", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270209")
                == ["2027-01-12", "2027-01-19", "2027-01-26", "2027-02-02", "2027-02-09"])
        #expect(try expand("2027-01-12T19:00", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270208").last == "2027-02-02")
        #expect(try expand("2027-01-12T19:00", "FREQ=WEEKLY;UNTIL=20270112") == ["2027-01-12"])
        // A UTC DATE-TIME UNTIL late on the last day still includes that evening's session.
        #expect(try expand("2027-01-12T19:00", "FREQ=WEEKLY;UNTIL=20270209T225959Z").last == "2027-02-09")
    }

    // MARK: WEEKLY and DAILY

    @Test func weeklyWithSeveralDaysStartsInTheStartWeek() throws {
        #expect(
            try expand("2027-01-14T10:00", "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=4")
                == ["2027-01-14", "2027-01-18", "2027-01-21", "2027-01-25"])
        // Fortnightly weeks are counted from the week of the start (Monday 11 January), not from the Monday after.
        #expect(
            try expand("2027-01-14T10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=4")
                == ["2027-01-14", "2027-01-25", "2027-01-28", "2027-02-08"])
    }

    @Test func weeklyCrossesTheYearEnd() throws {
        #expect(
            try expand("2027-12-21T19:00", "FREQ=WEEKLY;INTERVAL=2;COUNT=3")
                == ["2027-12-21", "2028-01-04", "2028-01-18"])
    }

    @Test func dailyWithIntervalAndWeekdayFilter() throws {
        #expect(
            try expand("2027-01-30T09:00", "FREQ=DAILY;INTERVAL=3;COUNT=4")
                == ["2027-01-30", "2027-02-02", "2027-02-05", "2027-02-08"])
        #expect(
            try expand("2027-01-11T09:00", "FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=5")
                == ["2027-01-11", "2027-01-13", "2027-01-15", "2027-01-18", "2027-01-20"])
    }

    // MARK: MONTHLY

    @Test func monthlySecondTuesday() throws {
        #expect(
            try expand("2027-01-12T19:00", "FREQ=MONTHLY;BYDAY=2TU;COUNT=6")
                == ["2027-01-12", "2027-02-09", "2027-03-09", "2027-04-13", "2027-05-11", "2027-06-08"])
        #expect(
            try expand("2027-01-12T19:00", "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU;COUNT=3")
                == ["2027-01-12", "2027-03-09", "2027-05-11"])
    }

    @Test func monthlyLastFriday() throws {
        #expect(
            try expand("2027-01-29T19:00", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=5")
                == ["2027-01-29", "2027-02-26", "2027-03-26", "2027-04-30", "2027-05-28"])
    }

    @Test func monthlyFifthTuesdaySkipsMonthsWithoutOne() throws {
        #expect(
            try expand("2027-03-30T19:00", "FREQ=MONTHLY;BYDAY=5TU;COUNT=3")
                == ["2027-03-30", "2027-06-29", "2027-08-31"])
    }

    @Test func monthlyWithoutOrdinalTakesEveryMatchingWeekday() throws {
        #expect(
            try expand("2027-02-02T19:00", "FREQ=MONTHLY;BYDAY=TU;UNTIL=20270302")
                == ["2027-02-02", "2027-02-09", "2027-02-16", "2027-02-23", "2027-03-02"])
    }

    @Test func monthlyByDateSkipsShortMonths() throws {
        #expect(
            try expand("2027-01-31T19:00", "FREQ=MONTHLY;COUNT=4")
                == ["2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31"])
        #expect(
            try expand("2027-01-15T19:00", "FREQ=MONTHLY;INTERVAL=5;COUNT=3")
                == ["2027-01-15", "2027-06-15", "2027-11-15"])
    }

    // MARK: Refusals

    @Test func startMustMatchTheRule() throws {
        let wednesday = KringError.invalid("start", "2027-01-13", "2027-01-13 is a Wednesday; the rule's BYDAY is TU")
        #expect(throws: wednesday) {
            _ = try expand("2027-01-13T19:00", "FREQ=WEEKLY;BYDAY=TU;COUNT=3")
        }
        #expect {
            _ = try expand("2027-01-19T19:00", "FREQ=MONTHLY;BYDAY=2TU;COUNT=3")
        } throws: { error in
            guard let error = error as? KringError else { return false }
            return error.field == "start" && error.reason.contains("third Tuesday") && error.reason.contains("2TU")
        }
        #expect(throws: KringError.self) { _ = try expand("2027-01-22T19:00", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3") }
        #expect(throws: KringError.self) { _ = try expand("2027-01-12T19:00", "FREQ=DAILY;BYDAY=MO,WE;COUNT=3") }
    }

    @Test func tooManyOccurrencesIsRefusedNotTruncated() throws {
        #expect {
            _ = try expand("2027-01-01T09:00", "FREQ=DAILY;UNTIL=20300101")
        } throws: { error in
            (error as? KringError).map { $0.field == "rrule" && $0.reason.contains("more than 1000") } ?? false
        }
        #expect(throws: KringError.self) { _ = try expand("2027-01-12T19:00", "FREQ=WEEKLY;COUNT=10", limit: 9) }
        #expect(try expand("2027-01-12T19:00", "FREQ=WEEKLY;COUNT=10", limit: 10).count == 10)
    }

    @Test func seriesLongerThanTenYearsIsRefused() throws {
        #expect {
            _ = try expand("2027-01-12T19:00", "FREQ=WEEKLY;INTERVAL=52;COUNT=20")
        } throws: { error in
            (error as? KringError).map { $0.field == "rrule" && $0.reason.contains("10 years") } ?? false
        }
        #expect {
            _ = try expand("2027-01-12T19:00", "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20370113")
        } throws: { error in
            (error as? KringError).map { $0.field == "rrule" && $0.reason.contains("UNTIL 2037-01-13") } ?? false
        }
        // Exactly ten years is still allowed.
        #expect(try expand("2027-01-12T19:00", "FREQ=MONTHLY;INTERVAL=12;UNTIL=20370112").count == 11)
    }

    @Test func untilBeforeStartIsRefused() {
        #expect {
            _ = try expand("2027-01-12T19:00", "FREQ=WEEKLY;UNTIL=20270111")
        } throws: { error in
            (error as? KringError).map { $0.field == "rrule" && $0.reason.contains("before the first session") }
                ?? false
        }
    }
}
