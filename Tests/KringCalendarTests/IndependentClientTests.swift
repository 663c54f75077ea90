import Foundation
import Testing

@testable import KringCalendar

/// The exports read by code that shares nothing with libical: PyPI `icalendar` 7.x, `recurring-ical-events` 3.x
/// and a real CalDAV server (Radicale). `make test` always sets `KRING_PYTHON`; elsewhere these are skipped.
@Suite(
    "Independent clients",
    .enabled(if: TestSupport.python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"),
    .serialized
)
struct IndependentClientTests {
    struct Parsed: Decodable {
        struct Time: Decodable, Equatable {
            let local: String
            let tzid: String?
            let utc: String?
        }

        struct Event: Decodable {
            let uid: String
            let sequence: Int
            let summary: String
            let description: String
            let location: String
            let status: String
            let dtstart: Time
            let recurrence_id: Time?
            let rrule: String?
            let exdates: [Time]
            let attendees: [String]
            let organizer: String?
        }

        let method: String
        let name: String
        let x_wr_calname: String
        let timezones: [String]
        let events: [Event]
        let errors: [String]
    }

    struct Expanded: Decodable {
        struct Occurrence: Decodable {
            let uid: String
            let start: String
            let end: String
            let sequence: Int
        }

        let occurrences: [Occurrence]
    }

    struct RoundTrip: Decodable {
        struct Stored: Decodable {
            struct Event: Decodable {
                let uid: String
                let sequence: Int
                let dtstart: String
                let dtstart_tzid: String?
                let rrule: String?
                let exdates: [String]
                let recurrence_id: String?
            }

            let put: Int
            let put_error: String?
            let get: Int
            let events: [Event]
            let verbatim: Bool
            let method_in_object: Bool
            /// Every property of every component, as sent (parsed from the export itself) and as returned.
            let components_sent: [JSONValue]
            let components_returned: [JSONValue]
        }

        let mkcalendar: [Int]
        let files: [String: [String: Stored]]
        /// UIDs Radicale's time-range REPORT found, per file and probed range.
        let probes: [String: [String: [String]]]
    }

    struct ZoneReadings: Decodable {
        let vobject: [String]
        let icalendar: [String]
    }

    /// Any JSON value, compared structurally.
    indirect enum JSONValue: Decodable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONValue])
        case object([String: JSONValue])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([JSONValue].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: JSONValue].self))
            }
        }
    }

    let exporter = FeedExporter(now: { Fixtures.fixedNow })

    /// One file of every kind this layer writes, keyed by a short name.
    func exports(in directory: URL) throws -> [String: String] {
        var cancelledSeries = Fixtures.biweekly
        cancelledSeries.status = .cancelled
        var texty = Fixtures.monthly
        texty.summary = "Groep, met; punt\\komma 🙂 שלום"
        texty.description = "Regel 1\nRegel 2; \\ einde مرحبا"
        var reminded = Fixtures.biweekly
        reminded.reminderSecondsBefore = 86_400
        let organizer = Fixtures.organizer
        let attendee = Fixtures.attendee
        let texts: [String: String] = [
            "feed-reminder": try exporter.publishFeed(language: .fr, series: [reminded]),
            "reminder-request": try exporter.invite(
                method: .request, organizer: organizer, attendee: attendee, series: reminded, language: .nl),
            "feed": try exporter.publishFeed(language: .nl, series: [Fixtures.biweekly, Fixtures.monthly]),
            "feed-text": try exporter.publishFeed(name: "Mijn groep, 2026", language: .fr, series: [texty]),
            "request": try exporter.invite(
                method: .request, organizer: organizer, attendee: attendee, series: Fixtures.biweekly, language: .nl),
            "cancel-occurrence": try exporter.invite(
                method: .cancel, organizer: organizer, attendee: attendee, series: Fixtures.biweekly,
                cancelledOccurrence: Fixtures.local(2026, 5, 12, 19, 0), language: .nl),
            "cancel-series": try exporter.invite(
                method: .cancel, organizer: organizer, attendee: attendee, series: cancelledSeries, language: .nl),
            "withdrawn": try exporter.invite(
                method: .cancel, organizer: organizer, attendee: attendee, series: Fixtures.biweekly, language: .en),
        ]
        return try texts.mapValues { try TestSupport.write($0, named: UUID().uuidString + ".ics", in: directory) }
    }

    @Test func pythonIcalendarParsesEveryExport() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try exports(in: directory)
        let parsed = try TestSupport.pythonCheck(
            [String: Parsed].self, script: "check_export.py", ["parse"] + files.values.sorted())
        #expect(parsed.count == files.count)
        for (kind, path) in files {
            let calendar = try #require(parsed[path], "\(kind)")
            #expect(calendar.errors.isEmpty, "\(kind): \(calendar.errors)")
            #expect(calendar.timezones == ["Europe/Brussels"], "\(kind)")
            for event in calendar.events {
                #expect(event.dtstart.tzid == "Europe/Brussels", "\(kind)")
                if kind.hasPrefix("feed") {
                    #expect(event.attendees.isEmpty && event.organizer == nil, "\(kind)")
                } else {
                    #expect(event.attendees == ["mailto:\(Fixtures.attendee)"], "\(kind)")
                }
            }
        }
        let feed = try #require(parsed[files["feed"]!])
        #expect(feed.method == "" && feed.name == "Mijn afspraken" && feed.x_wr_calname == "Mijn afspraken")
        let master = try #require(feed.events.first { $0.uid == Fixtures.biweekly.uid && $0.recurrence_id == nil })
        #expect(master.exdates.map(\.local) == ["20260331T190000", "20261027T190000"])
        #expect(master.rrule == "FREQ=WEEKLY;UNTIL=20271228T225959Z;INTERVAL=2;BYDAY=TU")
        #expect(feed.events.filter { $0.uid == Fixtures.biweekly.uid }.map(\.sequence) == [3, 3])

        let text = try #require(parsed[files["feed-text"]!])
        #expect(text.name == "Mijn groep 2026" && text.x_wr_calname == "Mijn groep 2026")
        #expect(text.events.first?.summary == "Groep, met; punt\\komma 🙂 שלום")
        #expect(text.events.first?.description == "Regel 1\nRegel 2; \\ einde مرحبا")

        let occurrence = try #require(parsed[files["cancel-occurrence"]!])
        #expect(occurrence.method == "CANCEL")
        #expect(occurrence.events.first?.recurrence_id?.local == "20260512T190000")
        #expect(occurrence.events.first?.recurrence_id?.tzid == "Europe/Brussels")
        let series = try #require(parsed[files["cancel-series"]!])
        #expect(series.events.first?.status == "CANCELLED" && series.events.first?.recurrence_id == nil)
        let withdrawn = try #require(parsed[files["withdrawn"]!])
        #expect(withdrawn.events.first?.status == "" && withdrawn.events.first?.recurrence_id == nil)
    }

    @Test func recurringIcalEventsExpandsTwoYearsToTheExpectedInstants() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let feed = try exporter.publishFeed(language: .nl, series: [Fixtures.biweekly, Fixtures.monthly])
        let path = try TestSupport.write(feed, named: "feed.ics", in: directory)
        let expanded = try TestSupport.pythonCheck(
            Expanded.self, script: "check_export.py", ["expand", path, "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z"])
        let expected = Fixtures.expectedIntervals
        #expect(expanded.occurrences.map(\.start) == expected.map { Fixtures.utcString($0.start) })
        #expect(expanded.occurrences.map(\.end) == expected.map { Fixtures.utcString($0.end) })
        #expect(expanded.occurrences.allSatisfy { $0.sequence == ($0.uid == Fixtures.biweekly.uid ? 3 : 0) })
        // Both DST switches are inside: 19:00 Brussels is 18:00Z in winter and 17:00Z in summer.
        let hours = Set(
            expanded.occurrences.filter { $0.uid == Fixtures.biweekly.uid }.map { $0.start.dropFirst(11).prefix(5) })
        #expect(hours == ["18:00", "17:00", "16:30"])
        #expect(!expanded.occurrences.contains { $0.start == "2026-03-31T17:00:00Z" }, "excluded")
        #expect(!expanded.occurrences.contains { $0.start == "2026-04-14T17:00:00Z" }, "moved away")
        #expect(expanded.occurrences.contains { $0.start == "2026-04-16T16:30:00Z" }, "moved here")
        #expect(expected.count == 52 - 2 + 10, "52 fortnightly sessions less 2 excluded, 10 monthly")
    }

    /// Issue 10 item 12: vobject (Radicale's reader) and icalendar's `to_tz()` read session times through the
    /// feed's own VTIMEZONE; with a truncated one the last summer's sessions came an hour late.
    @Test(arguments: [
        ([Fixtures.biweekly, Fixtures.monthly], Fixtures.expectedIntervals.map(\.start)),
        ([Fixtures.march2027], Fixtures.march2027Starts),
    ])
    func readersOfTheFeedsOwnVTimeZoneGetOurInstants(series: [CalendarSeries], starts: [Date]) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(
            try exporter.publishFeed(language: .nl, series: series), named: "feed.ics", in: directory)
        let read = try TestSupport.pythonCheck(ZoneReadings.self, script: "check_zones.py", [path])
        let expected = starts.map(Fixtures.utcString)
        #expect(read.vobject == expected)
        #expect(read.icalendar == expected)
    }

    @Test func radicaleStoresAndReturnsEveryExport() throws {
        let python = try #require(TestSupport.python)
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var files = try exports(in: directory)
        files["march2027"] = try TestSupport.write(
            try exporter.publishFeed(language: .nl, series: [Fixtures.march2027]), named: "march.ics", in: directory)
        let portText = try TestSupport.run(python, [TestSupport.checks.appendingPathComponent("free_port.py").path])
        let port = String(decoding: portText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: python)
        server.arguments = [
            "-m", "radicale", "--config", "",
            "--storage-filesystem-folder", directory.appendingPathComponent("storage").path,
            "--server-hosts", "127.0.0.1:\(port)", "--auth-type", "none", "--logging-level", "warning",
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { TestSupport.kill(server) }
        // Session starts in the first and the last summer of the feeds (19:00 CEST is 17:00Z), and the hour where a
        // misread last-summer session would be: Radicale answers time-range queries from its own reading.
        let firstSummer = "20260428T170000Z/20260428T170100Z"
        let lastSummer = ["20270330T170000Z/20270330T170100Z", "20271026T170000Z/20271026T170100Z"]
        let hourLate = "20270330T190000Z/20270330T190100Z"
        let probes = ([firstSummer, hourLate] + lastSummer).flatMap { ["--probe", $0] }
        // The script waits until the server answers before its first request.
        let result = try TestSupport.pythonCheck(
            RoundTrip.self, script: "radicale_roundtrip.py",
            ["http://127.0.0.1:\(port)/"] + probes + files.values.sorted())
        let feedProbes = try #require(result.probes[files["feed"]!])
        for probe in [firstSummer] + lastSummer {
            #expect(feedProbes[probe] == [Fixtures.biweekly.uid], "\(probe)")
        }
        #expect(feedProbes[hourLate] == [])
        let marchProbes = try #require(result.probes[files["march2027"]!])
        #expect(marchProbes[lastSummer[0]] == [Fixtures.march2027.uid])
        #expect(marchProbes[hourLate] == [])
        #expect(result.mkcalendar.allSatisfy { $0 == 201 }, "\(result.mkcalendar)")
        for (kind, path) in files {
            let stored = try #require(result.files[path], "\(kind)")
            for (uid, object) in stored {
                #expect(object.put == 201, "\(kind) \(uid): \(object.put_error ?? "")")
                #expect(object.get == 200, "\(kind) \(uid)")
                #expect(object.events.allSatisfy { $0.uid == uid && $0.dtstart_tzid == "Europe/Brussels" }, "\(kind)")
                #expect(object.verbatim && !object.method_in_object, "\(kind) \(uid): kring's own lines, no METHOD")
                #expect(object.components_sent.count >= 2, "\(kind) \(uid)")
                #expect(object.components_returned == object.components_sent, "\(kind) \(uid) came back changed")
            }
        }
        let feed = try #require(result.files[files["feed"]!])
        let biweekly = try #require(feed[Fixtures.biweekly.uid]?.events)
        #expect(biweekly.count == 2)
        #expect(biweekly.map(\.sequence) == [3, 3])
        let master = try #require(biweekly.first { $0.recurrence_id == nil })
        #expect(master.dtstart == "20260106T190000")
        #expect(master.rrule == "FREQ=WEEKLY;UNTIL=20271228T225959Z;INTERVAL=2;BYDAY=TU")
        #expect(master.exdates == ["20260331T190000", "20261027T190000"])
        #expect(biweekly.first { $0.recurrence_id != nil }?.recurrence_id == "20260414T190000")
        let monthly = try #require(feed[Fixtures.monthly.uid]?.events.first)
        #expect(monthly.rrule == "FREQ=MONTHLY;COUNT=10;BYDAY=1MO" && monthly.sequence == 0)
        let request = try #require(result.files[files["request"]!]?[Fixtures.biweekly.uid]?.events)
        #expect(request.count == 2 && request.allSatisfy { $0.sequence == 3 })
    }

    /// `mail.reminder`: every VEVENT that takes place carries one VALARM (ACTION:DISPLAY, the neutral localised text,
    /// TRIGGER:-P1D), as Python's icalendar reads it; Radicale accepts it unchanged (`radicaleStoresAndReturnsEveryExport`).
    @Test func reminderIsAValarmIcalendarReads() throws {
        let python = try #require(TestSupport.python)
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try exports(in: directory)
        let script = """
            import icalendar, json, sys
            out = {}
            for path in sys.argv[1:]:
                cal = icalendar.Calendar.from_ical(open(path, 'rb').read())
                out[path] = [[(str(a.get('ACTION')), str(a.get('DESCRIPTION')), str(a.get('TRIGGER').to_ical(), 'ascii'))
                              for a in e.walk('VALARM')] for e in cal.walk('VEVENT')]
            print(json.dumps(out))
            """
        let output = try TestSupport.run(
            python, ["-c", script, files["feed-reminder"]!, files["reminder-request"]!, files["request"]!])
        let alarms = try JSONDecoder().decode([String: [[[String]]]].self, from: output)
        let feed = try #require(alarms[files["feed-reminder"]!])
        #expect(!feed.isEmpty && feed.allSatisfy { $0 == [["DISPLAY", "Rappel : rendez-vous", "-P1D"]] }, "\(feed)")
        let request = try #require(alarms[files["reminder-request"]!])
        #expect(!request.isEmpty && request.allSatisfy { $0 == [["DISPLAY", "Herinnering: afspraak", "-P1D"]] })
        #expect(alarms[files["request"]!]?.allSatisfy(\.isEmpty) == true, "no reminder unless asked for")
    }
}
