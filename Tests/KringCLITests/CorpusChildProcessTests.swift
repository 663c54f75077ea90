import Foundation
import KringBusyParsing
import KringTestSupport
import Testing

/// The ics corpus (`../shared/ics-corpus`) through the child-process parser `kring` really uses: every hostile file
/// (libical's fuzzer and crash reproducers, python-icalendar's fuzzing seeds), the 20 ordinary files the in-process
/// parser takes longest over, and every eighth other file. Each must give exactly what the in-process parser gives
/// (intervals or the same error), within a time bound per file, with the child's peak memory under a bound. One
/// process per file costs ~30 ms, so the remaining ~1,250 ordinary files run in-process only
/// (`KringCalendarTests/CorpusTests`).
@Suite(
    .timeLimit(.minutes(10)),
    .enabled(if: SharedCorpus.folder != nil, "../shared/ics-corpus is absent beside the repository"))
struct CorpusChildProcessTests {
    /// Files that crashed some libical once or were made by a fuzzer.
    static func isHostile(_ relativePath: String) -> Bool {
        let name = (relativePath as NSString).lastPathComponent
        return relativePath.hasPrefix("python-icalendar/fuzz-corpus/")
            || ["fuzz", "poc-", "crash", "malloc"].contains { name.hasPrefix($0) }
    }

    static let peakMemoryBound = 256 * 1_048_576
    static let perFileBound: TimeInterval = 12

    @Test func hostileFilesAndASampleGiveTheSameResultInAChildWithinBounds() throws {
        let corpus = try #require(SharedCorpus.folder)
        let walker = try #require(FileManager.default.enumerator(atPath: corpus.path))
        let all = walker.compactMap { $0 as? String }.filter { path in
            var directory: ObjCBool = false
            return FileManager.default.fileExists(
                atPath: corpus.appendingPathComponent(path).path, isDirectory: &directory)
                && !directory.boolValue && path != "README.md"
        }.sorted()
        let window = DateInterval(start: Date(timeIntervalSince1970: 1_735_689_600), duration: 2 * 366 * 86_400)
        let brussels = TimeZone(identifier: "Europe/Brussels")!
        let hostile = all.filter(Self.isHostile)
        var timed: [(seconds: TimeInterval, path: String)] = []
        for path in all where !Self.isHostile(path) {
            let data = try Data(contentsOf: corpus.appendingPathComponent(path))
            let started = Date()
            _ = try? InProcessBusyCalendarParser().busyIntervals(icsData: data, window: window, defaultZone: brussels)
            timed.append((Date().timeIntervalSince(started), path))
        }
        let slow = timed.sorted { $0.seconds > $1.seconds }.prefix(20).map(\.path)
        let ordinary = all.filter { !Self.isHostile($0) && !slow.contains($0) }
        let sample = hostile + slow + ordinary.enumerated().filter { $0.offset % 8 == 0 }.map(\.element)
        #expect(hostile.count >= 60)
        #expect(sample.count >= 200)

        let child = ChildProcessBusyCalendarParser(executable: KringSandbox.binary, timeout: Self.perFileBound)
        var parsed = 0
        var refused = 0
        var peak = (bytes: 0, file: "")
        var slowest = (seconds: 0.0, file: "")
        let started = Date()
        for path in sample {
            let data = try Data(contentsOf: corpus.appendingPathComponent(path))
            let expected = Result { () throws(BusyCalendarParseError) in
                try InProcessBusyCalendarParser().busyIntervals(icsData: data, window: window, defaultZone: brussels)
            }
            let fileStarted = Date()
            let outcome = Result { () throws(BusyCalendarParseError) in
                try child.parse(icsData: data, window: window, defaultZone: brussels)
            }
            let elapsed = Date().timeIntervalSince(fileStarted)
            if elapsed > slowest.seconds { slowest = (elapsed, path) }
            #expect(elapsed < Self.perFileBound, "\(path) took \(elapsed) s")
            switch (expected, outcome) {
            case (.success(let intervals), .success(let result)):
                #expect(result.intervals == intervals, "\(path)")
                #expect(result.peakMemoryBytes > 0 && result.peakMemoryBytes < Self.peakMemoryBound, "\(path)")
                if result.peakMemoryBytes > peak.bytes { peak = (result.peakMemoryBytes, path) }
                parsed += 1
            case (.failure(let inProcess), .failure(let inChild)):
                #expect(inChild == inProcess, "\(path)")
                refused += 1
            default:
                Issue.record("\(path): in-process \(expected), child \(outcome)")
            }
        }
        let total = Date().timeIntervalSince(started)
        let children = BusyParserChild.peakMemoryOfChildren()
        print(
            String(
                format:
                    "ics corpus through the child: %d files (%d hostile, %d slowest in-process), %d read, %d refused, %.1f s total, slowest %.3f s (%@), peak child memory %.1f MB (%@), largest child of this test process %.1f MB",
                sample.count, hostile.count, slow.count, parsed, refused, total, slowest.seconds, slowest.file,
                Double(peak.bytes) / 1_048_576, peak.file, Double(children) / 1_048_576))
        #expect(parsed > 100)
        #expect(refused > 10)
    }
}

/// `../shared/ics-corpus` beside the clone, as CI lays it out; nil where it is absent.
enum SharedCorpus {
    static let folder: URL? = {
        let url = ReadmeTourTests.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/ics-corpus")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()
}
