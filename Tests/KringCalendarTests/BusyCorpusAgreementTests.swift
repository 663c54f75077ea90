import Foundation
import Testing

@testable import KringCalendar

/// Issue 10 item 14: the importer's stored intervals equal an independent expansion (PyPI recurring-ical-events,
/// with the importer's rules applied by `check_export.py busy`), merged and clipped the same way, file by file:
/// our own cases in `Tests/ical-checks/busy-corpus` and every file of `../shared/ics-corpus`. Each file is read over
/// five years from 1 January of its earliest DTSTART year (or its X-KRING-WINDOW-START).
@Suite(
    "Busy-time import agrees with recurring-ical-events",
    .enabled(if: TestSupport.python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)")
)
struct BusyCorpusAgreementTests {
    struct Reference: Decodable {
        let window: [String]
        let intervals: [[String]]?
        let error: String?
    }

    /// Files the importer refuses on purpose although the reference expands them, and why.
    static let refusedOnPurpose: [String: String] = [
        // libical would drop the unknown part and the reference (dateutil) keeps the last FREQ: neither is the
        // rule the file states, so nothing is stored and the line is named.
        "busy-corpus/rrule-repeated-freq.ics": "line 10: RRULE repeats FREQ",
        "busy-corpus/rrule-unknown-part.ics": "line 10: RRULE has an unknown part X-NAME",
        // Meetings are not hourly; libical 3.0.16 can spin for seconds inside one call on such rules.
        "busy-corpus/rrule-hourly.ics": "line 10: RRULE FREQ=HOURLY is finer than daily",
        // 24 occurrences a day for five years: 43,824, above the 20,000 cap (the reference needs over 10 s).
        "busy-corpus/byhour-every-hour-above-cap.ics": "RRULE gives more than 20000 occurrences in the window",
    ]

    /// Structural refusals, older than this comparison: a bare VEVENT or VTIMEZONE without a VCALENDAR, a truncated
    /// or mis-nested file, a line without ':', NUL bytes or non-UTF-8 text. recurring-ical-events guesses at some
    /// of them (it reads a bare VEVENT); the importer refuses rather than guess, and says where.
    static let malformedFile = [
        "outside a VCALENDAR", "is never closed", "does not close", "content line without ':'",
        "invalid component name", "NUL byte", "not UTF-8",
    ]

    static var ownCorpus: URL { TestSupport.checks.appendingPathComponent("busy-corpus") }

    static func files() throws -> [URL] {
        let own = try FileManager.default.contentsOfDirectory(at: ownCorpus, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "ics" }.sorted { $0.path < $1.path }
        return own + TestSupport.corpusFiles().filter { $0.lastPathComponent != "README.md" }
    }

    static func name(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        if let corpus = TestSupport.corpus?.standardizedFileURL.path, path.hasPrefix(corpus + "/") {
            return "ics-corpus/" + path.dropFirst(corpus.count + 1)
        }
        return "busy-corpus/" + url.lastPathComponent
    }

    @Test func everyFileAgreesOrIsRefusedForAListedReason() throws {
        let files = try Self.files()
        let reference = try TestSupport.pythonCheck(
            [String: Reference].self, script: "check_export.py",
            ["busy", "auto", "5", "Europe/Brussels"] + files.map(\.path), timeout: 900)
        let parser = ISO8601DateFormatter()
        var agreed = 0
        var refusedByBoth = 0
        var referenceOnlyFails: [String] = []
        var refused: [String] = []
        var refusedAsMalformed: [String] = []
        for file in files {
            let name = Self.name(file)
            let expected = try #require(reference[file.path], "\(name)")
            let window = DateInterval(
                start: try #require(parser.date(from: expected.window[0])),
                end: try #require(parser.date(from: expected.window[1])))
            let data = try Data(contentsOf: file)
            let result = Result { () throws(ImportError) in
                try BusyTimeImporter.busyIntervals(icsData: data, window: window, defaultZone: Fixtures.brussels)
            }
            switch (result, expected.intervals) {
            case (.success(let intervals), let wanted?):
                let ours = intervals.map { [Fixtures.utcString($0.start), Fixtures.utcString($0.end)] }
                #expect(ours == wanted, "\(name): ours \(ours.prefix(6)) …, reference \(wanted.prefix(6)) …")
                if ours == wanted { agreed += 1 }
                #expect(Self.refusedOnPurpose[name] == nil, "\(name) is listed as refused but was read")
            case (.failure(let error), let wanted):
                refused.append(name)
                if let reason = Self.refusedOnPurpose[name] {
                    #expect(error.description.contains(reason), "\(name): \(error)")
                } else if wanted == nil {
                    refusedByBoth += 1  // the reference cannot read it either (broken or hostile input)
                } else if Self.malformedFile.contains(where: error.description.contains) {
                    refusedAsMalformed.append("\(name): \(error)")
                } else {
                    Issue.record("\(name): refused (\(error)) but the reference reads \(wanted!.count) interval(s)")
                }
            case (.success, nil):
                referenceOnlyFails.append("\(name): \(expected.error ?? "")")
            }
        }
        for name in Self.refusedOnPurpose.keys {
            #expect(refused.contains(name), "\(name) should be refused")
        }
        print(
            "busy corpus: \(files.count) files, \(agreed) agree, \(refused.count) refused by the importer "
                + "(\(Self.refusedOnPurpose.count) listed, \(refusedAsMalformed.count) malformed that the reference "
                + "reads anyway, \(refusedByBoth) unreadable for the reference too), "
                + "\(referenceOnlyFails.count) read by the importer only (the reference fails on them)")
        for line in refusedAsMalformed { print("  refused as malformed: \(line)") }
        // Mostly libical's zoneinfo files (VTIMEZONE only, which icalendar 7 cannot read: TZID-ALIAS-OF).
        let reasons = Dictionary(grouping: referenceOnlyFails) { $0.split(separator: ": ").dropFirst().first ?? "" }
        for (reason, names) in reasons.sorted(by: { $0.value.count > $1.value.count }) {
            print("  reference cannot expand (\(names.count)): \(reason)")
        }
        #expect(agreed > 100)
    }
}
