import Foundation
import Synchronization
import Testing

@testable import KringCalendar

@Suite("Feed export")
struct FeedExportTests {
    let exporter = FeedExporter(now: { Fixtures.fixedNow })

    func feed(_ series: [CalendarSeries] = [Fixtures.biweekly, Fixtures.monthly]) throws -> String {
        try exporter.publishFeed(language: .nl, series: series)
    }

    @Test func feedHasNoMethodAndHasNameRefreshAndNoAttendee() throws {
        let text = try feed()
        let calendar = CalendarReadBack.read(text)
        #expect(calendar.parseErrors == 0)
        // RFC 5546 pairs PUBLISH with an ORGANIZER, which a feed has not: no METHOD at all, as most publishers do.
        #expect(calendar.method == nil)
        #expect(!text.contains("METHOD"))
        #expect(calendar.calendarProperties["NAME"] == "Mijn afspraken")
        #expect(calendar.calendarProperties["X-WR-CALNAME"] == "Mijn afspraken")
        #expect(calendar.calendarProperties["PRODID"] == "-//Kring//Kalender//NL")
        #expect(text.contains("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"))
        #expect(text.contains("\r\nX-PUBLISHED-TTL:PT1H\r\n"))
        #expect(!text.contains("ATTENDEE"))
        #expect(!text.contains("ORGANIZER"))
        #expect(calendar.events.allSatisfy { $0.attendees.isEmpty })
        #expect(text.contains("DTSTAMP:20260101T000000Z"))
    }

    @Test func dtstartUsesPlainIANAZoneWithCompactVTIMEZONE() throws {
        let text = try feed()
        let calendar = CalendarReadBack.read(text)
        #expect(calendar.timeZoneIDs == ["Europe/Brussels"])
        #expect(calendar.timeZoneLineCounts.allSatisfy { $0 < 60 }, "\(calendar.timeZoneLineCounts)")
        #expect(!text.contains("freeassociation"))
        let master = try #require(calendar.events.first { $0.uid == Fixtures.biweekly.uid && $0.recurrenceID == nil })
        #expect(master.dtstart == "TZID=Europe/Brussels:20260106T190000")
        #expect(master.dtend == "TZID=Europe/Brussels:20260106T210000")
        // Every TZID parameter in the file names a zone the file defines.
        for line in text.components(separatedBy: "\r\n") where line.contains("TZID=") {
            #expect(line.contains("TZID=Europe/Brussels:"), "\(line)")
        }
    }

    /// Issue 10 item 12: an observance whose UNTIL ends on its last transition makes dateutil readers (vobject,
    /// Radicale) drop that year's switch. The rules in force are written once each, without UNTIL.
    @Test(arguments: [[Fixtures.biweekly, Fixtures.monthly], [Fixtures.march2027]])
    func vtimezoneRulesInForceAreOpenEnded(series: [CalendarSeries]) throws {
        let zone = try vtimezone(of: try feed(series))
        #expect(!zone.contains("UNTIL"), "\(zone)")
        let rules = zone.components(separatedBy: "\r\n").filter { $0.hasPrefix("RRULE:") }
        #expect(
            rules.sorted() == ["RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"])
        #expect(zone.components(separatedBy: "BEGIN:DAYLIGHT").count - 1 == 1)
        #expect(zone.components(separatedBy: "BEGIN:STANDARD").count - 1 == 1)
    }

    @Test func southernAndWesternZonesAreOpenEndedToo() throws {
        for identifier in ["America/New_York", "Australia/Sydney"] {
            var series = Fixtures.march2027
            series.timeZoneIdentifier = identifier
            let zone = try vtimezone(of: try feed([series]))
            #expect(!zone.contains("UNTIL"), "\(identifier): \(zone)")
            #expect(zone.components(separatedBy: "BEGIN:DAYLIGHT").count - 1 == 1, "\(identifier)")
            #expect(zone.components(separatedBy: "BEGIN:STANDARD").count - 1 == 1, "\(identifier)")
        }
    }

    func vtimezone(of text: String) throws -> String {
        try #require(
            text.components(separatedBy: "BEGIN:VTIMEZONE\r\n").last?.components(separatedBy: "END:VTIMEZONE\r\n")
                .first)
    }

    /// DTSTAMP is read from the clock when the feed is written, not when the exporter is made.
    @Test func dtstampIsTheTimeOfWriting() throws {
        let clock = Mutex(Fixtures.fixedNow)
        let exporter = FeedExporter(now: { clock.withLock { $0 } })
        clock.withLock { $0 = Date(timeIntervalSince1970: 1_790_000_123) }  // 2026-09-21T14:15:23Z
        let first = CalendarReadBack.read(try exporter.publishFeed(language: .nl, series: [Fixtures.monthly]))
        clock.withLock { $0 = Date(timeIntervalSince1970: 1_790_086_524) }  // a day and a second later
        let second = try exporter.publishFeed(language: .nl, series: [Fixtures.monthly])
        #expect(first.events.map(\.dtstamp) == ["20260921T141523Z"])
        #expect(CalendarReadBack.read(second).events.map(\.dtstamp) == ["20260922T141524Z"])
        #expect(second.contains("\r\nDTSTAMP:20260922T141524Z\r\n"), "UTC, as RFC 5545 3.8.7.2 requires")
    }

    @Test func localUntilBecomesUTCAsRFC5545Requires() throws {
        let calendar = CalendarReadBack.read(try feed())
        let master = try #require(calendar.events.first { $0.uid == Fixtures.biweekly.uid && $0.recurrenceID == nil })
        // 2027-12-28 23:59:59 in Brussels (CET, +01:00) is 22:59:59Z.
        #expect(master.rrule == "FREQ=WEEKLY;UNTIL=20271228T225959Z;INTERVAL=2;BYDAY=TU")
    }

    @Test func sequenceIsTheSameOnMasterAndOverrides() throws {
        let calendar = CalendarReadBack.read(try feed())
        let events = calendar.events.filter { $0.uid == Fixtures.biweekly.uid }
        #expect(events.count == 2)
        // The override was made at SEQUENCE 2; Google ignores an override below the master's, so both carry 3.
        #expect(events.map(\.sequence) == [3, 3])
    }

    @Test func overrideIsAFullCopyWithRecurrenceIDAndNoRecurrence() throws {
        let calendar = CalendarReadBack.read(try feed())
        let events = calendar.events.filter { $0.uid == Fixtures.biweekly.uid }
        #expect(events.first?.recurrenceID == nil, "master comes first")
        let override = try #require(events.last)
        #expect(override.recurrenceID == "TZID=Europe/Brussels:20260414T190000")
        #expect(override.dtstart == "TZID=Europe/Brussels:20260416T183000")
        #expect(override.dtend == "TZID=Europe/Brussels:20260416T203000")
        #expect(override.rrule == nil && override.exdates.isEmpty)
        #expect(override.location == Fixtures.biweekly.location && override.summary == "Gespreksgroep")
    }

    /// A session that meets elsewhere (`kring session update --venue`): its override carries its own LOCATION, the
    /// master and every other occurrence keep the series' one.
    @Test func anOverrideWithItsOwnPlaceCarriesThatLocationOnly() throws {
        var series = Fixtures.biweekly
        series.overrides.append(
            MovedOccurrence(
                originalStartLocal: Fixtures.local(2026, 5, 26, 19, 0),
                newStartLocal: Fixtures.local(2026, 5, 26, 19, 0),
                newEndLocal: Fixtures.local(2026, 5, 26, 21, 0), sequence: 1, location: "Bibliotheek, zaal 3"))
        let calendar = CalendarReadBack.read(try feed([series]))
        let events = calendar.events.filter { $0.uid == series.uid }
        #expect(events.count == 3)
        let own = try #require(events.first { $0.recurrenceID == "TZID=Europe/Brussels:20260526T190000" })
        #expect(own.location == "Bibliotheek, zaal 3")
        #expect(own.dtstart == "TZID=Europe/Brussels:20260526T190000")
        #expect(events.filter { $0.recurrenceID != own.recurrenceID }.allSatisfy { $0.location == series.location })
    }

    @Test func excludedStartsBecomeEXDATEsOnceEach() throws {
        let text = try feed()
        let calendar = CalendarReadBack.read(text)
        let master = try #require(calendar.events.first { $0.uid == Fixtures.biweekly.uid && $0.recurrenceID == nil })
        #expect(master.exdates == ["TZID=Europe/Brussels:20260331T190000", "TZID=Europe/Brussels:20261027T190000"])
        #expect(text.components(separatedBy: "20260331T190000").count - 1 == 1)
        let monthly = try #require(calendar.events.first { $0.uid == Fixtures.monthly.uid })
        #expect(monthly.exdates.isEmpty)
    }

    @Test func movedThenCancelledOccurrenceStaysCancelled() throws {
        var series = Fixtures.biweekly
        series.excludedStarts.append(Fixtures.local(2026, 4, 14, 19, 0))
        let calendar = CalendarReadBack.read(try feed([series]))
        #expect(calendar.events.count == 1)
        #expect(calendar.events[0].exdates.contains("TZID=Europe/Brussels:20260414T190000"))
    }

    @Test func uidIsStableAcrossReExports() throws {
        let first = CalendarReadBack.read(try feed())
        var changed = Fixtures.biweekly
        changed.sequence = 4
        changed.excludedStarts.append(Fixtures.local(2026, 6, 9, 19, 0))
        let later = FeedExporter(now: { Fixtures.fixedNow.addingTimeInterval(86_400) })
        let second = CalendarReadBack.read(try later.publishFeed(language: .nl, series: [changed, Fixtures.monthly]))
        #expect(first.events.map(\.uid) == second.events.map(\.uid))
        #expect(second.events.filter { $0.uid == changed.uid }.map(\.sequence) == [4, 4])
    }

    @Test func textRoundTripsThroughLibical() throws {
        var series = Fixtures.monthly
        series.summary = "Groep, met; punt\\komma 🙂 שלום عربي"
        series.description = "Regel 1\nRegel 2, met \"quotes\"; en \\ backslash\r\n" + "Regel 3 👨‍👩‍👧 مرحبا"
        series.location = "Zaal 3; ingang B, achterkant"
        let text = try exporter.publishFeed(name: "Mijn groep, 2026; \\ deel 1", language: .nl, series: [series])
        let calendar = CalendarReadBack.read(text)
        let event = try #require(calendar.events.first)
        #expect(event.summary == series.summary)
        let expected = "Regel 1\nRegel 2, met \"quotes\"; en \\ backslash\n" + "Regel 3 👨‍👩‍👧 مرحبا"
        #expect(event.description == expected, "CRLF becomes one newline")
        #expect(event.location == series.location)
        #expect(text.contains("\r\nNAME:Mijn groep 2026 deel 1\r\n"))
        // libical writes X- values raw and some clients show NAME's escapes, so both are cleaned, not escaped.
        #expect(text.contains("\r\nX-WR-CALNAME:Mijn groep 2026 deel 1\r\n"))
    }

    /// The physical lines of libical's raw output, split on CRLF; fails on a bare CR or LF or a missing final CRLF.
    static func physicalLines(_ octets: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = octets.startIndex
        var index = start
        while index < octets.endIndex {
            if octets[index] == 0x0D, index + 1 < octets.endIndex, octets[index + 1] == 0x0A {
                lines.append(octets[start..<index])
                index += 2
                start = index
            } else {
                #expect(octets[index] != 0x0D && octets[index] != 0x0A, "bare CR or LF at octet \(index)")
                index += 1
            }
        }
        #expect(start == octets.endIndex, "the last line ends with CRLF")
        return lines
    }

    @Test func foldingKeepsLinesWithin75OctetsAndNeverSplitsACharacter() throws {
        var series = Fixtures.monthly
        // Two-, three- and four-octet characters and a ZWJ sequence, long enough to be folded many times at
        // every offset within a character.
        series.summary = String(repeating: "é", count: 45) + "🙂"
        series.description = Array(repeating: "ab€ שלום 👨‍👩‍👧 مرحبا", count: 12).joined(separator: " ")
        series.location = "x" + String(repeating: "🙂", count: 40)
        let octets = try exporter.publishFeedOctets(language: .nl, series: [series])
        let lines = Self.physicalLines(octets)
        let continuations = lines.filter { $0.first == 0x20 || $0.first == 0x09 }
        #expect(continuations.count >= 10, "the text above must be folded, or this test proves nothing")
        for (number, line) in lines.enumerated() {
            #expect(line.count <= 75, "line \(number + 1) has \(line.count) octets")
            // Strict decoding of each physical line on its own: a fold inside a character leaves a broken half.
            #expect(String(validating: line, as: UTF8.self) != nil, "line \(number + 1) is not UTF-8 on its own")
        }
        // And the text survives the folds.
        let event = try #require(CalendarReadBack.read(try FeedExporter.decoded(octets)).events.first)
        #expect(event.summary == series.summary && event.location == series.location)
        #expect(event.description == series.description)
    }

    @Test func anEmptyFeedIsStillAValidSubscribableCalendar() throws {
        let text = try exporter.publishFeed(language: .fr, series: [])
        let calendar = CalendarReadBack.read(text)
        #expect(calendar.parseErrors == 0)
        #expect(calendar.events.isEmpty)
        // RFC 5545 3.6: a VCALENDAR holds at least one component; the zone's VTIMEZONE for the current year.
        #expect(calendar.timeZoneIDs == ["Europe/Brussels"])
        #expect(text.contains("\r\nBEGIN:VTIMEZONE\r\n"))
        // Fixtures.fixedNow is in 2026: the zone's rules from that year on, open-ended.
        #expect(!text.contains("UNTIL") && !text.contains("TZUNTIL"))
        #expect(calendar.method == nil)
        #expect(calendar.calendarProperties["NAME"] == CalendarText.neutral(.fr).calendarName)
        #expect(calendar.calendarProperties["X-WR-CALNAME"] == CalendarText.neutral(.fr).calendarName)
        #expect(text.contains("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"))
        #expect(text.contains("\r\nX-PUBLISHED-TTL:PT1H\r\n"))
    }

    @Test(arguments: CalendarLanguage.allCases)
    func defaultsAreNeutral(language: CalendarLanguage) throws {
        let text = try exporter.publishFeed(language: language, series: [Fixtures.monthly])
        let calendar = CalendarReadBack.read(text)
        let neutral = CalendarText.neutral(language)
        #expect(calendar.events.first?.summary == neutral.defaultSummary)
        #expect(calendar.calendarProperties["X-WR-CALNAME"] == neutral.calendarName)
        #expect(calendar.calendarProperties["PRODID"] == neutral.productIdentifier)
        for word in ["Stop it", "pedo", "seks", "Kring vzw", "daders", "preventie"] {
            #expect(!text.localizedCaseInsensitiveContains(word))
        }
        #expect(text.contains("CLASS:PRIVATE"))
    }

    @Test func localTimesThatDSTSkipsOrRepeatsAreRefused() throws {
        var skipped = Fixtures.monthly
        skipped.firstStartLocal = Fixtures.local(2026, 3, 29, 2, 30)
        skipped.rrule = "FREQ=DAILY;COUNT=3"
        #expect(throws: CalendarError.self) { try exporter.publishFeed(language: .en, series: [skipped]) }

        var weekly = Fixtures.monthly
        weekly.firstStartLocal = Fixtures.local(2026, 10, 4, 2, 30)
        weekly.rrule = "FREQ=WEEKLY;BYDAY=SU"
        do {
            _ = try exporter.publishFeed(language: .en, series: [weekly])
            Issue.record("2026-10-25 02:30 exists twice and must be refused")
        } catch {
            #expect(error.description.contains("2026-10-25 02:30"))
        }

        var moved = Fixtures.biweekly
        moved.overrides[0].newStartLocal = Fixtures.local(2026, 3, 29, 2, 15)
        #expect(throws: CalendarError.self) { try exporter.publishFeed(language: .en, series: [moved]) }
    }

    @Test func badInputIsRefusedWithAClearError() throws {
        var badRule = Fixtures.monthly
        badRule.rrule = "FREQ=SOMETIMES"
        #expect(throws: CalendarError.self) { try exporter.publishFeed(language: .en, series: [badRule]) }
        var badZone = Fixtures.monthly
        badZone.timeZoneIdentifier = "Europe/Atlantis"
        #expect(throws: CalendarError.self) { try exporter.publishFeed(language: .en, series: [badZone]) }
        var badUID = Fixtures.monthly
        badUID.uid = "x\r\nATTENDEE:mailto:spy@example.org"
        #expect(throws: CalendarError.self) { try exporter.publishFeed(language: .en, series: [badUID]) }
        var notAnOccurrence = Fixtures.biweekly
        notAnOccurrence.overrides[0].originalStartLocal = Fixtures.local(2026, 4, 15, 19, 0)
        #expect(throws: CalendarError.self) { try exporter.publishFeed(language: .en, series: [notAnOccurrence]) }
        #expect(throws: CalendarError.self) {
            try exporter.publishFeed(language: .en, series: [Fixtures.monthly, Fixtures.monthly])
        }
    }

    @Test func concurrentExportsAreSafe() async throws {
        let exporter = self.exporter
        let reference = try feed()
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    try exporter.publishFeed(language: .nl, series: [Fixtures.biweekly, Fixtures.monthly])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 == reference })
    }
}
