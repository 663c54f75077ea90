import Foundation
import Testing

@testable import KringCalendar

/// Every file of `../shared/ics-corpus` (real exports from many clients, RFC examples and fuzzer crash
/// reproducers) must give busy intervals or a clear `ImportError`, quickly. The child-process path `kring` uses, with
/// its memory bound, runs the hostile files and a sample in `KringCLITests/CorpusChildProcessTests`.
@Suite("ics corpus", .enabled(if: TestSupport.corpus != nil, "../shared/ics-corpus is absent beside the repository"))
struct CorpusTests {
    @Test func everyFileGivesAResultOrAClearErrorQuickly() throws {
        let files = TestSupport.corpusFiles()
        #expect(files.count > 100)
        let window = DateInterval(start: Date(timeIntervalSince1970: 1_735_689_600), duration: 2 * 366 * 86_400)
        var parsed = 0
        var refused = 0
        var slowest: (TimeInterval, String) = (0, "")
        let started = Date()
        for file in files {
            let data = try Data(contentsOf: file)
            let fileStarted = Date()
            do {
                _ = try BusyTimeImporter.busyIntervals(icsData: data, window: window, defaultZone: Fixtures.brussels)
                parsed += 1
            } catch {
                #expect(error.description.hasPrefix("ics: "), "\(file.lastPathComponent): \(error)")
                refused += 1
            }
            let elapsed = Date().timeIntervalSince(fileStarted)
            if elapsed > slowest.0 { slowest = (elapsed, file.lastPathComponent) }
            // Generous: other suites hold the libical lock meanwhile; a hang would show as minutes.
            #expect(elapsed < 5, "\(file.path) took \(elapsed) s")
        }
        let total = Date().timeIntervalSince(started)
        print(
            String(
                format: "ics corpus: %d files, %d read, %d refused with an error, %.2f s total, slowest %.3f s (%@)",
                files.count, parsed, refused, total, slowest.0, slowest.1))
        #expect(parsed > 100)
    }

    @Test func realClientExportsAreRead() throws {
        let corpus = try #require(TestSupport.corpus)
        let window = DateInterval(start: Date(timeIntervalSince1970: 0), duration: 5 * 365 * 86_400 - 1)
        // Files from Google, Thunderbird and Outlook-like producers that must parse, not just fail cleanly.
        for name in [
            "alarm_google_future.ics", "alarm_thunderbird_future.ics", "america_new_york.ics",
            "issue_466_respect_unique_timezone.ics",
        ] {
            let data = try Data(contentsOf: corpus.appendingPathComponent("python-icalendar/calendars/\(name)"))
            #expect(throws: Never.self, "\(name)") {
                _ = try BusyTimeImporter.busyIntervals(icsData: data, window: window, defaultZone: Fixtures.brussels)
            }
        }
    }
}
