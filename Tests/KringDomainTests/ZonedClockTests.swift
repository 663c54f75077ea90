import Foundation
import KringDomain
import Testing

@Suite struct ZonedClockTests {
    let brussels = try! ZonedClock(identifier: "Europe/Brussels", field: "timezone")

    func local(_ text: String) throws -> LocalDateTime { try LocalDateTime.parse(text, field: "start") }

    @Test func winterAndSummerOffsetsInIso8601() throws {
        let winter = try brussels.instant(for: local("2027-01-12T19:00"), field: "start")
        let summer = try brussels.instant(for: local("2027-07-13T19:00"), field: "start")
        #expect(brussels.iso8601(winter) == "2027-01-12T19:00:00+01:00")
        #expect(brussels.iso8601(summer) == "2027-07-13T19:00:00+02:00")
        #expect(winter.timeIntervalSince1970 == 1_799_776_800)  // 2027-01-12T18:00:00Z
        #expect(brussels.utcOffsetSeconds(at: winter) == 3600)
        #expect(brussels.utcOffsetSeconds(at: summer) == 7200)
        let utc = ZonedClock(timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc.iso8601(summer) == "2027-07-13T17:00:00+00:00")
    }

    @Test func negativeOffsetsAreSigned() throws {
        let newYork = try ZonedClock(identifier: "America/New_York", field: "timezone")
        let instant = try newYork.instant(for: local("2027-01-12T19:00"), field: "start")
        #expect(newYork.iso8601(instant) == "2027-01-12T19:00:00-05:00")
        #expect(brussels.iso8601(instant) == "2027-01-13T01:00:00+01:00")
    }

    @Test func localIsTheInverseOfInstantAndTruncatesToTheMinute() throws {
        let texts = [
            "2027-01-12T19:00", "2027-03-28T03:00", "2027-10-31T01:59", "2027-10-31T03:00", "1999-12-31T23:59",
        ]
        for text in texts {
            let value = try local(text)
            let instant = try brussels.instant(for: value, field: "start")
            #expect(brussels.local(instant) == value)
            #expect(brussels.local(instant.addingTimeInterval(59.9)) == value)
        }
    }

    @Test func springForwardGapIsNonexistent() throws {
        #expect(brussels.resolve(try local("2027-03-28T02:30")) == .nonexistent)
        #expect(brussels.resolve(try local("2027-03-28T02:00")) == .nonexistent)
        guard case .unique(let three) = brussels.resolve(try local("2027-03-28T03:00")) else {
            Issue.record("03:00 after the spring switch exists once")
            return
        }
        #expect(brussels.iso8601(three) == "2027-03-28T03:00:00+02:00")
        guard case .unique(let beforeGap) = brussels.resolve(try local("2027-03-28T01:59")) else {
            Issue.record("01:59 before the spring switch exists once")
            return
        }
        #expect(three.timeIntervalSince(beforeGap) == 60)
    }

    @Test func nonexistentTimeIsRefusedNamingFieldAndValue() throws {
        #expect {
            _ = try brussels.instant(for: local("2027-03-28T02:30"), field: "start")
        } throws: { error in
            guard let error = error as? KringError else { return false }
            return error.field == "start" && error.value == "2027-03-28T02:30"
                && error.reason.contains("does not exist in Europe/Brussels: the clocks go forward")
                && error.reason.contains("+01:00 to +02:00")
        }
    }

    @Test func fallBackOverlapIsAmbiguous() throws {
        guard case .ambiguous(let earlier, let later) = brussels.resolve(try local("2027-10-31T02:30")) else {
            Issue.record("02:30 on the autumn switch exists twice")
            return
        }
        #expect(later.timeIntervalSince(earlier) == 3600)
        #expect(brussels.iso8601(earlier) == "2027-10-31T02:30:00+02:00")
        #expect(brussels.iso8601(later) == "2027-10-31T02:30:00+01:00")
        guard case .unique(let three) = brussels.resolve(try local("2027-10-31T03:00")) else {
            Issue.record("03:00 after the autumn switch exists once")
            return
        }
        #expect(brussels.iso8601(three) == "2027-10-31T03:00:00+01:00")
    }

    @Test func ambiguousTimeIsRefusedNamingFieldAndValue() throws {
        #expect {
            _ = try brussels.instant(for: local("2027-10-31T02:30"), field: "first_start")
        } throws: { error in
            guard let error = error as? KringError else { return false }
            return error.field == "first_start" && error.value == "2027-10-31T02:30"
                && error.reason.contains("exists twice in Europe/Brussels")
        }
    }

    @Test func otherZonesSwitchOnTheirOwnDates() throws {
        let newYork = try ZonedClock(identifier: "America/New_York", field: "timezone")
        #expect(newYork.resolve(try local("2027-03-14T02:30")) == .nonexistent)
        #expect(brussels.resolve(try local("2027-03-14T02:30")) != .nonexistent)
    }

    @Test(arguments: ["Europe/Brusels", "", "Mars/Olympus_Mons", "europe/brussels"])
    func unknownZoneIsRefused(identifier: String) {
        #expect {
            _ = try ZonedClock(identifier: identifier, field: "timezone")
        } throws: { error in
            guard let error = error as? KringError else { return false }
            return error.field == "timezone" && error.value == identifier && error.reason.contains("IANA")
        }
    }
}
