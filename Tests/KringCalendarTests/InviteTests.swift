import Foundation
import Testing

@testable import KringCalendar

@Suite("E-mail invites")
struct InviteTests {
    let exporter = FeedExporter(now: { Fixtures.fixedNow })

    func invite(
        _ method: InviteMethod, _ series: CalendarSeries = Fixtures.biweekly, occurrence: LocalDateTime? = nil
    ) throws -> (String, CalendarReadBack) {
        let text = try exporter.invite(
            method: method, organizer: Fixtures.organizer, attendee: Fixtures.attendee, series: series,
            cancelledOccurrence: occurrence, language: .nl)
        return (text, CalendarReadBack.read(text))
    }

    @Test func requestHasOneRecipientWithoutRSVP() throws {
        let (text, calendar) = try invite(.request)
        #expect(calendar.method == "REQUEST")
        #expect(calendar.parseErrors == 0)
        #expect(calendar.restrictionErrors.isEmpty, "\(calendar.restrictionErrors)")
        #expect(calendar.events.count == 2)
        for event in calendar.events {
            #expect(event.attendees == ["mailto:\(Fixtures.attendee)"])
            #expect(event.attendeeParameters.allSatisfy { $0.contains("RSVP=FALSE") })
            #expect(event.organizer == "mailto:\(Fixtures.organizer)")
            #expect(event.sequence == 3)
        }
        #expect(text.components(separatedBy: "ATTENDEE").count - 1 == 2, "one per VEVENT")
        #expect(calendar.events[0].exdates.count == 2, "EXDATEs stay in every later REQUEST")
        #expect(calendar.timeZoneIDs == ["Europe/Brussels"])
    }

    @Test func cancellingOneSessionSendsItsRecurrenceID() throws {
        var series = Fixtures.biweekly
        series.sequence += 1
        let (_, calendar) = try invite(.cancel, series, occurrence: Fixtures.local(2026, 5, 12, 19, 0))
        #expect(calendar.method == "CANCEL")
        #expect(calendar.restrictionErrors.isEmpty, "\(calendar.restrictionErrors)")
        let event = try #require(calendar.events.first)
        #expect(calendar.events.count == 1)
        #expect(event.recurrenceID == "TZID=Europe/Brussels:20260512T190000")
        #expect(event.dtstart == "TZID=Europe/Brussels:20260512T190000")
        #expect(event.status == "CANCELLED")
        #expect(event.sequence == 4)
        #expect(event.rrule == nil && event.exdates.isEmpty)
        #expect(event.attendees == ["mailto:\(Fixtures.attendee)"])
    }

    @Test func cancellingAMovedSessionNamesItsOriginalStart() throws {
        let (_, calendar) = try invite(.cancel, occurrence: Fixtures.local(2026, 4, 14, 19, 0))
        let event = try #require(calendar.events.first)
        #expect(event.recurrenceID == "TZID=Europe/Brussels:20260414T190000")
        #expect(event.dtstart == "TZID=Europe/Brussels:20260416T183000")
    }

    @Test func cancellingTheSeriesHasStatusAndNoRecurrenceID() throws {
        var series = Fixtures.biweekly
        series.status = .cancelled
        series.sequence += 1
        let (_, calendar) = try invite(.cancel, series)
        #expect(calendar.method == "CANCEL")
        #expect(calendar.restrictionErrors.isEmpty, "\(calendar.restrictionErrors)")
        #expect(calendar.events.count == 1)
        let event = try #require(calendar.events.first)
        #expect(event.recurrenceID == nil)
        #expect(event.status == "CANCELLED")
        #expect(event.uid == series.uid && event.sequence == 4)
        #expect(event.attendees == ["mailto:\(Fixtures.attendee)"])
    }

    @Test func withdrawnParticipantGetsCancelWithoutStatus() throws {
        let (_, calendar) = try invite(.cancel)
        #expect(calendar.method == "CANCEL")
        #expect(calendar.restrictionErrors.isEmpty, "\(calendar.restrictionErrors)")
        let event = try #require(calendar.events.first)
        #expect(calendar.events.count == 1)
        #expect(event.recurrenceID == nil)
        #expect(event.status == nil)
        #expect(event.attendees == ["mailto:\(Fixtures.attendee)"])
    }

    @Test func addressesMustBePlain() throws {
        for address in ["", "no-at-sign", "a@b", "x@example.org\r\nATTENDEE:mailto:y@example.org", "a,b@example.org"] {
            #expect(throws: CalendarError.self) {
                try exporter.invite(
                    method: .request, organizer: Fixtures.organizer, attendee: address,
                    series: Fixtures.monthly, language: .en)
            }
        }
        #expect(throws: CalendarError.self) {
            try exporter.invite(
                method: .request, organizer: Fixtures.organizer, attendee: Fixtures.attendee,
                series: Fixtures.monthly, cancelledOccurrence: Fixtures.local(2026, 3, 2, 10, 0), language: .en)
        }
    }

    @Test func restrictionCheckDoesCatchABrokenRequest() throws {
        // Proves the checker the tests above rely on can fail: a REQUEST without ORGANIZER or ATTENDEE.
        let broken = """
            BEGIN:VCALENDAR\r
            PRODID:-//Test//EN\r
            VERSION:2.0\r
            METHOD:REQUEST\r
            BEGIN:VEVENT\r
            UID:x@example.org\r
            DTSTAMP:20260101T000000Z\r
            DTSTART:20260101T100000Z\r
            SEQUENCE:0\r
            SUMMARY:x\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        #expect(!CalendarReadBack.read(broken).restrictionErrors.isEmpty)
    }
}
