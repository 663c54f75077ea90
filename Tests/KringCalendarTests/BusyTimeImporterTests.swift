import Foundation
import Testing

@testable import KringCalendar

@Suite("Busy-time import")
struct BusyTimeImporterTests {
    static let window = DateInterval(
        start: Fixtures.instant(Fixtures.local(2026, 1, 1, 0, 0)),
        end: Fixtures.instant(Fixtures.local(2028, 1, 1, 0, 0)))

    func busy(_ ics: String, window: DateInterval = Self.window) throws(ImportError) -> [DateInterval] {
        try BusyTimeImporter.busyIntervals(icsData: Data(ics.utf8), window: window, defaultZone: Fixtures.brussels)
    }

    func calendar(_ body: String, header: String = "") -> String {
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n\(header)\(body)END:VCALENDAR\r\n"
    }

    func event(_ lines: String) -> String {
        "BEGIN:VEVENT\r\nUID:\(UUID().uuidString)\r\nDTSTAMP:20260101T000000Z\r\n\(lines)END:VEVENT\r\n"
    }

    func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int, hours: Double, zone: TimeZone = Fixtures.brussels)
        -> DateInterval
    {
        DateInterval(start: Fixtures.instant(Fixtures.local(y, m, d, h, min), in: zone), duration: hours * 3_600)
    }

    @Test func ourOwnFeedGivesExactlyTheExpectedSessions() throws {
        let feed = try FeedExporter(now: { Fixtures.fixedNow })
            .publishFeed(language: .nl, series: [Fixtures.biweekly, Fixtures.monthly])
        #expect(try busy(feed) == Fixtures.expectedIntervals)
    }

    @Test func windowsAndMozillaTimeZoneNamesMapToIANA() throws {
        let ics = calendar(
            event(
                "DTSTART;TZID=W. Europe Standard Time:20260701T090000\r\n"
                    + "DTEND;TZID=W. Europe Standard Time:20260701T100000\r\n"
            )
                + event("DTSTART;TZID=\"Romance Standard Time\":20260115T090000\r\nDURATION:PT30M\r\n")
                + event("DTSTART;TZID=/mozilla.org/20050126_1/Europe/Brussels:20260116T090000\r\nDURATION:PT1H\r\n")
                + event(
                    "DTSTART;TZID=(UTC+01:00) Brussels\\, Copenhagen\\, Madrid\\, Paris:20260117T090000\r\n"
                        + "DURATION:PT1H\r\n"
                ))
        #expect(
            try busy(ics) == [
                at(2026, 1, 15, 9, 0, hours: 0.5), at(2026, 1, 16, 9, 0, hours: 1), at(2026, 1, 17, 9, 0, hours: 1),
                at(2026, 7, 1, 9, 0, hours: 1),
            ])
    }

    @Test func floatingTimesUseXWRTimezoneElseTheDefault() throws {
        let body = event("DTSTART:20260301T090000\r\nDTEND:20260301T100000\r\n")
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(
            try busy(calendar(body, header: "X-WR-TIMEZONE:America/New_York\r\n")) == [
                at(2026, 3, 1, 9, 0, hours: 1, zone: newYork)
            ])
        #expect(try busy(calendar(body)) == [at(2026, 3, 1, 9, 0, hours: 1)])
    }

    @Test func allDayEventsBlockWholeLocalDays() throws {
        let ics = calendar(
            event("DTSTART;VALUE=DATE:20260325\r\nDTEND;VALUE=DATE:20260327\r\n")
                + event("DTSTART;VALUE=DATE:20260401\r\n"))
        let start = Fixtures.instant(Fixtures.local(2026, 3, 25, 0, 0))
        let end = Fixtures.instant(Fixtures.local(2026, 3, 27, 0, 0))
        #expect(
            try busy(ics) == [
                DateInterval(start: start, end: end),
                DateInterval(start: Fixtures.instant(Fixtures.local(2026, 4, 1, 0, 0)), duration: 86_400),
            ])
    }

    @Test func transparentAndCancelledEventsAreFree() throws {
        let ics = calendar(
            event("DTSTART:20260301T090000Z\r\nDURATION:PT1H\r\nTRANSP:TRANSPARENT\r\n")
                + event("DTSTART:20260302T090000Z\r\nDURATION:PT1H\r\nSTATUS:CANCELLED\r\n")
                + event("DTSTART:20260303T090000Z\r\nDURATION:PT1H\r\nSUMMARY:Therapie bij dr. X\r\n"))
        let result = try busy(ics)
        #expect(result == [DateInterval(start: Fixtures.instant(Fixtures.local(2026, 3, 3, 10, 0)), duration: 3_600)])
    }

    @Test func recurrenceWithExdateRdateAndOverride() throws {
        let ics = calendar(
            """
            BEGIN:VEVENT\r
            UID:weekly@example.org\r
            DTSTAMP:20260101T000000Z\r
            DTSTART;TZID=Europe/Brussels:20260302T180000\r
            DTEND;TZID=Europe/Brussels:20260302T190000\r
            RRULE:FREQ=WEEKLY;COUNT=5\r
            EXDATE;TZID=Europe/Brussels:20260309T180000\r
            RDATE;TZID=Europe/Brussels:20260320T070000\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:weekly@example.org\r
            DTSTAMP:20260101T000000Z\r
            RECURRENCE-ID;TZID=Europe/Brussels:20260316T180000\r
            DTSTART;TZID=Europe/Brussels:20260317T200000\r
            DTEND;TZID=Europe/Brussels:20260317T210000\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:weekly@example.org\r
            DTSTAMP:20260101T000000Z\r
            RECURRENCE-ID;TZID=Europe/Brussels:20260323T180000\r
            DTSTART;TZID=Europe/Brussels:20260323T180000\r
            DTEND;TZID=Europe/Brussels:20260323T190000\r
            STATUS:CANCELLED\r
            END:VEVENT\r

            """)
        #expect(
            try busy(ics) == [
                at(2026, 3, 2, 18, 0, hours: 1), at(2026, 3, 17, 20, 0, hours: 1), at(2026, 3, 20, 7, 0, hours: 1),
                // Across the DST switch of 29 March the wall-clock time stays 18:00.
                at(2026, 3, 30, 18, 0, hours: 1),
            ])
    }

    @Test func untilInUTCIsAppliedOnInstants() throws {
        // 18:30 Brussels is 17:30Z; UNTIL 17:45Z includes the 5 March session, which libical 3.0.16's field-wise
        // comparison of local 18:30 with 17:45 would drop.
        let ics = calendar(
            event(
                "DTSTART;TZID=Europe/Brussels:20260302T183000\r\nDURATION:PT1H\r\n"
                    + "RRULE:FREQ=DAILY;UNTIL=20260305T174500Z\r\n"
            ))
        #expect(try busy(ics).count == 4)
    }

    @Test func freeBusyPeriodsCount() throws {
        let ics = calendar(
            """
            BEGIN:VFREEBUSY\r
            UID:fb@example.org\r
            DTSTAMP:20260101T000000Z\r
            FREEBUSY:20260310T080000Z/20260310T090000Z,20260311T080000Z/PT2H\r
            FREEBUSY;FBTYPE=FREE:20260312T080000Z/20260312T090000Z\r
            FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260313T080000Z/20260313T083000Z\r
            END:VFREEBUSY\r

            """)
        let utc = TimeZone(identifier: "UTC")!
        #expect(
            try busy(ics) == [
                at(2026, 3, 10, 8, 0, hours: 1, zone: utc), at(2026, 3, 11, 8, 0, hours: 2, zone: utc),
                at(2026, 3, 13, 8, 0, hours: 0.5, zone: utc),
            ])
    }

    @Test func resultsAreClippedAndMerged() throws {
        let ics = calendar(
            event("DTSTART:20260301T090000Z\r\nDTEND:20260301T110000Z\r\n")
                + event("DTSTART:20260301T100000Z\r\nDTEND:20260301T120000Z\r\n")
                + event("DTSTART:20251231T220000Z\r\nDTEND:20260101T010000Z\r\n"))
        let utc = TimeZone(identifier: "UTC")!
        #expect(
            try busy(ics) == [
                DateInterval(
                    start: Self.window.start, end: Fixtures.instant(Fixtures.local(2026, 1, 1, 1, 0), in: utc)),
                at(2026, 3, 1, 9, 0, hours: 3, zone: utc),
            ])
    }

    @Test(arguments: [
        ("", "ics: no VCALENDAR found"),
        ("<html><body>Not found</body></html>", "ics: no VCALENDAR found"),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101T100000Z\r\n",
            "ics: line 3: BEGIN:VEVENT is never closed (truncated file?)"
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
            "ics: line 3: END:VTODO does not close BEGIN:VEVENT"
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nthis is no content line\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "ics: line 3: content line without ':'"
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "ics: line 2: VEVENT without a valid DTSTART"
        ),
        ("BEGIN:VCALENDAR\r\nX:\0\r\nEND:VCALENDAR\r\n", "ics: line 2: NUL byte: not a text file"),
    ])
    func malformedInputGivesAClearError(input: String, message: String) {
        #expect {
            try busy(input)
        } throws: { error in
            (error as? ImportError)?.description == message
        }
    }

    @Test func nestingAndSizeAreCapped() {
        let deep = "BEGIN:VCALENDAR\r\n" + String(repeating: "BEGIN:X-A\r\n", count: 50)
        #expect(throws: ImportError.self) { try busy(deep) }
        let big = Data(repeating: UInt8(ascii: "A"), count: BusyTimeImporter.maxInputBytes + 1)
        #expect(throws: ImportError.self) {
            try BusyTimeImporter.busyIntervals(icsData: big, window: Self.window, defaultZone: Fixtures.brussels)
        }
    }

    @Test func hostileRecurrenceIsBoundedInTime() throws {
        let rules = [
            "FREQ=SECONDLY",
            "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO;BYMONTHDAY=1",
            "FREQ=DAILY;COUNT=100000000",
            "FREQ=HOURLY;INTERVAL=1",
            "FREQ=MONTHLY;BYDAY=5MO,-5TU;BYSETPOS=3",
        ]
        for rule in rules {
            let ics = calendar(event("DTSTART:19700101T000000Z\r\nDURATION:PT1H\r\nRRULE:\(rule)\r\n"))
            let started = Date()
            do {
                let result = try busy(ics)
                #expect(result.count <= BusyTimeImporter.maxIntervals, "\(rule)")
            } catch {
                #expect(error.description.hasPrefix("ics: "), "\(rule)")
            }
            #expect(Date().timeIntervalSince(started) < 5, "\(rule) took too long")
        }
    }

    @Test func aDailyRuleFromLongAgoStillReachesTheWindow() throws {
        let ics = calendar(
            event("DTSTART;TZID=Europe/Brussels:19950102T080000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY\r\n"))
        let window = DateInterval(start: Fixtures.instant(Fixtures.local(2026, 3, 1, 0, 0)), duration: 7 * 86_400)
        #expect(try busy(ics, window: window) == (1...7).map { at(2026, 3, $0, 8, 0, hours: 1) })
    }

    @Test func tooManyOccurrencesIsAnError() throws {
        // 30 daily rules over two years: about 21,900 intervals, above the 20,000 cap.
        let events = (0..<30).map {
            event("DTSTART:20260101T00\(String(format: "%02d", $0))00Z\r\nDURATION:PT30M\r\nRRULE:FREQ=DAILY\r\n")
        }
        #expect {
            try busy(calendar(events.joined()))
        } throws: { error in
            (error as? ImportError)?.message.contains("more than 20000") == true
        }
    }

    @Test func manySlowRulesHitTheExpansionBudget() throws {
        // Each rule can never match and costs libical over a second; ten of them would take 13 s.
        let events = (0..<10).map { _ in
            event("DTSTART:19700105T000000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=MONTHLY;BYDAY=5MO,-5TU;BYSETPOS=3\r\n")
        }
        let started = Date()
        #expect(throws: ImportError.self) { try busy(calendar(events.joined())) }
        #expect(Date().timeIntervalSince(started) < BusyTimeImporter.expansionBudget + 3)
    }

    /// A rule is expanded as written or refused with its line: libical drops unknown parts and keeps one of two
    /// repeated ones, which stored "the first occurrence only" with exit 0 (issue 10 item 14).
    @Test(arguments: [
        (
            "FREQ=HOURLY;COUNT=5",
            "ics: line 9: RRULE FREQ=HOURLY is finer than daily, which busy-time import does not expand"
        ),
        ("FREQ=WEEKLY;FREQ=DAILY;COUNT=5", "ics: line 9: RRULE repeats FREQ"),
        ("FREQ=WEEKLY;COUNT=5;X-NAME=A", "ics: line 9: RRULE has an unknown part X-NAME"),
        ("FREQ=FORTNIGHTLY", "ics: line 9: RRULE has an unknown FREQ=FORTNIGHTLY"),
        ("COUNT=5", "ics: line 9: RRULE has no FREQ"),
        ("FREQ=WEEKLY;BYDAY=XX", "ics: line 9: RRULE has an invalid BYDAY"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20260310", "ics: line 9: RRULE has both COUNT and UNTIL"),
    ])
    func malformedRulesAreRefusedNamingTheLine(rule: String, message: String) {
        let ics = calendar(event("DTSTART:20260301T090000Z\r\nDURATION:PT10M\r\nRRULE:\(rule)\r\n"))
        #expect {
            try busy(ics)
        } throws: { error in
            (error as? ImportError)?.description == message
        }
    }

    /// The caps refuse instead of cutting short: 24 occurrences a day for five years is above 20,000.
    @Test func aRuleAboveTheCapIsRefusedNotTruncated() {
        let window = DateInterval(start: Self.window.start, duration: 5 * 365 * 86_400)
        let hours = (0..<24).map(String.init).joined(separator: ",")
        let ics = calendar(event("DTSTART:20260101T000000Z\r\nDURATION:PT30M\r\nRRULE:FREQ=DAILY;BYHOUR=\(hours)\r\n"))
        #expect {
            try busy(ics, window: window)
        } throws: { error in
            (error as? ImportError)?.description
                == "ics: line 9: RRULE gives more than 20000 occurrences in the window"
        }
    }

    /// A COUNT rule has to be counted from its start: 40,000 days from 1950 reach into 2059.
    @Test func aLongCountedRuleFromLongAgoReachesTheWindow() throws {
        let ics = calendar(
            event("DTSTART;TZID=Europe/Brussels:19500101T070000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=40000\r\n"))
        let window = DateInterval(start: Fixtures.instant(Fixtures.local(2026, 3, 1, 0, 0)), duration: 7 * 86_400)
        #expect(try busy(ics, window: window) == (1...7).map { at(2026, 3, $0, 7, 0, hours: 1) })
    }

    /// An all-day day lasts from midnight to midnight: 25 hours on the October switch, so no free hour appears.
    @Test func dailyAllDayEventsLeaveNoGapOnTheOctoberSwitch() throws {
        let ics = calendar(event("DTSTART;VALUE=DATE:20261020\r\nRRULE:FREQ=DAILY;COUNT=10\r\n"))
        #expect(
            try busy(ics) == [
                DateInterval(
                    start: Fixtures.instant(Fixtures.local(2026, 10, 20, 0, 0)),
                    end: Fixtures.instant(Fixtures.local(2026, 10, 30, 0, 0)))
            ])
    }

    @Test func onlyTimesSurvive() throws {
        // The result type has no room for anything else; this pins that a rich event still yields one interval.
        let ics = calendar(
            event(
                """
                DTSTART:20260301T090000Z\r
                DURATION:PT1H\r
                SUMMARY:Afspraak met advocaat\r
                LOCATION:Gevangenis Brugge\r
                ATTENDEE;CN=Jan:mailto:jan@example.org\r

                """))
        #expect(try busy(ics).count == 1)
    }
}
