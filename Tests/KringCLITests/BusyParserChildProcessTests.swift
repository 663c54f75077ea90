import Foundation
import KringBusyParsing
import KringTestSupport
import Testing

/// `kring facilitator busy` parses the untrusted file in a child `kring _parse-busy` with memory, processor and
/// wall-clock limits: a child that hangs, spins, crashes or answers nonsense gives one clear `ics` line naming the
/// file, and the database stays as it was. The misbehaviour comes from a test hook only debug builds compile.
@Suite(.timeLimit(.minutes(10))) struct BusyParserChildProcessTests {
    static let hook = "KRING_TEST_HOOK_BUSY_PARSER"

    /// A sandbox with one facilitator, one good calendar imported, and that calendar's path.
    static func sandboxWithImport() throws -> (KringSandbox, String) {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl"])
        let file = sandbox.folder.appendingPathComponent("an claes.ics").path
        try PrivateCalendarFile.text(
            start: "20270320T090000", end: "20270320T170000", weeks: 3, location: "Secret street 1"
        ).write(toFile: file, atomically: true, encoding: .utf8)
        try sandbox.ok(["facilitator", "busy", "An Claes", "--ics", file, "--from", "2027-01-01", "--to", "2027-06-30"])
        return (sandbox, file)
    }

    /// Runs the import with the child told to misbehave; checks the one-line error, the time and the database.
    static func refusal(
        hook value: String, expecting words: String, within seconds: TimeInterval
    ) throws {
        let (sandbox, file) = try sandboxWithImport()
        let before = try sandbox.dump()
        let started = Date()
        let run = try sandbox.run(
            ["facilitator", "busy", "An Claes", "--ics", file, "--from", "2027-01-01", "--to", "2027-06-30"],
            environment: [hook: value])
        let elapsed = Date().timeIntervalSince(started)
        #expect(run.status == 65, "\(value): \(run.stderr)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(value): \(run.stderr)")
        #expect(run.stderr.hasPrefix("error: ics '\(file)': "), "\(value): \(run.stderr)")
        #expect(run.stderr.contains(words), "\(value): \(run.stderr)")
        #expect(!run.stderr.contains("dentist") && !run.stderr.contains("Secret"))
        #expect(elapsed < seconds, "\(value) took \(elapsed) s")
        #expect(try sandbox.dump() == before)
    }

    @Test func aNormalImportStoresWhatTheInProcessParserReads() throws {
        let (sandbox, file) = try Self.sandboxWithImport()
        let dump = try sandbox.dump()
        #expect(!dump.contains("dentist") && !dump.contains("Secret"))
        // 2027-03-20 and 03-27 09:00 in winter time, 04-03 in summer time (clocks change on 28 March).
        let window = DateInterval(
            start: ISO8601DateFormatter().date(from: "2026-12-31T23:00:00Z")!,
            end: ISO8601DateFormatter().date(from: "2027-06-30T22:00:00Z")!)
        let brussels = TimeZone(identifier: "Europe/Brussels")!
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let inProcess = try InProcessBusyCalendarParser().busyIntervals(
            icsData: data, window: window, defaultZone: brussels)
        let child = try ChildProcessBusyCalendarParser(executable: KringSandbox.binary).busyIntervals(
            icsData: data, window: window, defaultZone: brussels)
        #expect(child == inProcess)
        let utc = ISO8601DateFormatter()
        #expect(
            child.map { utc.string(from: $0.start) } == [
                "2027-03-20T08:00:00Z", "2027-03-27T08:00:00Z", "2027-04-03T07:00:00Z",
            ])
        for interval in child {
            #expect(dump.contains(String(Int64(interval.start.timeIntervalSince1970))))
        }
    }

    @Test func aChildThatHangsIsKilledAtTheWallClockTimeout() throws {
        // `sleep` uses no processor time, so only the parent's 10 s timeout can end it.
        try Self.refusal(hook: "sleep", expecting: "took longer than 10 s", within: 25)
    }

    @Test func aChildThatSpinsMeetsItsProcessorLimit() throws {
        // On a busy machine the wall clock may strike before 5 s of processor time; either way it is stopped.
        let (sandbox, file) = try Self.sandboxWithImport()
        let run = try sandbox.run(
            ["facilitator", "busy", "An Claes", "--ics", file], environment: [Self.hook: "spin"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("processor time") || run.stderr.contains("took longer than"), "\(run.stderr)")
    }

    @Test func aChildKilledByASignalGivesAClearError() throws {
        try Self.refusal(hook: "abort", expecting: "stopped on signal \(SIGABRT)", within: 10)
    }

    @Test func aChildThatRunsOutOfMemoryGivesAClearError() throws {
        try Self.refusal(hook: "allocate", expecting: "512 MB of memory", within: 10)
    }

    @Test func garbageOnTheChildsStdoutIsRefused() throws {
        try Self.refusal(hook: "garbage", expecting: "answer could not be read", within: 10)
    }

    @Test func aShortTimeoutIsHonouredAndTheChildIsGone() throws {
        var environment = ProcessInfo.processInfo.environment
        environment[Self.hook] = "sleep"
        let parser = ChildProcessBusyCalendarParser(
            executable: KringSandbox.binary, timeout: 1, environment: environment)
        let started = Date()
        #expect(throws: BusyCalendarParseError("reading the file took longer than 1 s; it was stopped")) {
            _ = try parser.busyIntervals(
                icsData: Data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".utf8),
                window: DateInterval(start: Date(timeIntervalSince1970: 1_800_000_000), duration: 86_400),
                defaultZone: TimeZone(identifier: "Europe/Brussels")!)
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func theHiddenSubcommandIsNotInHelp() throws {
        let sandbox = try KringSandbox()
        let help = try sandbox.run(["--help"])
        #expect(help.succeeded)
        #expect(help.stdout.contains("facilitator"))
        #expect(!help.stdout.contains("_parse-busy"))
    }

    @Test func theChildWritesOnlyInstantsNeverEventText() throws {
        let (sandbox, file) = try Self.sandboxWithImport()
        let outcome = try ProcessRunner.run(
            KringSandbox.binary,
            ["_parse-busy", "--from", "1798761600", "--to", "1814400000", "--zone", "Europe/Brussels"],
            environment: sandbox.environment, stdin: URL(fileURLWithPath: file))
        let data = outcome.stdout
        #expect(outcome.status == 0)
        let answer = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(answer.keys) == ["intervals", "peakMemoryBytes"])
        #expect((answer["intervals"] as? [[String: Double]])?.count == 3)
        let text = String(decoding: data, as: UTF8.self)
        for secret in ["dentist", "Secret", "example.org", "Europe"] { #expect(!text.contains(secret)) }
    }
    /// Security review 2026-11, F12: the child got every variable but `KRING_*` (a mail password among them) and no
    /// confinement. Now it gets locale and zone only, cannot regain privileges and runs under a seccomp filter.
    @Test func theChildGetsOnlyAllowListedVariablesAndNoNewPrivileges() throws {
        #if os(Linux)
            var environment = ProcessInfo.processInfo.environment
            environment[Self.hook] = "sleep"
            environment["SMTP_PASSWORD"] = "hunter2"
            environment["LANG"] = "C.UTF-8"
            let parser = ChildProcessBusyCalendarParser(
                executable: KringSandbox.binary, timeout: 8, environment: environment)
            // A window start no other test uses, to find this child among the test process's others.
            let start = Date(timeIntervalSince1970: 1_800_000_000 + Double(Int.random(in: 0..<10_000_000)))
            let marker = String(Int(start.timeIntervalSince1970))
            let finished = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                _ = try? parser.busyIntervals(
                    icsData: Data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".utf8),
                    window: DateInterval(start: start, duration: 86_400),
                    defaultZone: TimeZone(identifier: "Europe/Brussels")!)
                finished.signal()
            }
            defer { finished.wait() }
            var child: String?
            var status = ""
            for _ in 0..<200 {
                let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
                child = pids.first { pid in
                    guard Int(pid) != nil,
                        let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
                    else { return false }
                    let text = String(decoding: command, as: UTF8.self)
                    return text.contains("_parse-busy") && text.contains(marker)
                }
                if let child {
                    status = (try? String(contentsOfFile: "/proc/\(child)/status", encoding: .utf8)) ?? ""
                    // The child confines itself first thing; wait until it has.
                    if status.contains("NoNewPrivs:\t1") { break }
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let pid = try #require(child, "the child was never seen")
            #expect(status.contains("NoNewPrivs:\t1"), "\(status)")
            #expect(status.contains("Seccomp:\t2"), "\(status)")
            let environ = try #require(FileManager.default.contents(atPath: "/proc/\(pid)/environ"))
            let names = Set(
                environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                    .compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
            let allowed = ChildProcessBusyCalendarParser.inheritedVariables.union([Self.hook, "SWIFT_BACKTRACE"])
            #expect(names.isSubset(of: allowed), "\(names.subtracting(allowed))")
            #expect(names.contains("LANG"))
            #expect(!names.contains("SMTP_PASSWORD") && !names.contains("PATH") && !names.contains("HOME"))
        #endif
    }
}
