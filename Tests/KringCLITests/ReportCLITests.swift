import Foundation
import KringTestSupport
import Testing

/// `kring report` from the binary: formats, bad input, and the HTML page in headless Chromium.
@Suite(.timeLimit(.minutes(10))) struct ReportCLITests {
    static var python: String? { ProcessInfo.processInfo.environment["KRING_PYTHON"] }
    static var chromium: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") }

    /// Three people in one group, one session held in January 2027.
    static func smallYear() throws -> KringSandbox {
        let sandbox = try CLITourTests.plannedGroup()
        for (name, relation) in [("Stille Eik", "partner"), ("Blauwe Reiger", "parent"), ("Rode Vos", "partner")] {
            try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--pseudonym", name, "--relation", relation,
            ])
        }
        let sessions = try sandbox.ok(["session", "list", "--group", "gent-partners", "--format", "json"]).array()
        sandbox.now = "2027-02-01T09:00:00Z"
        try sandbox.ok([
            "attendance", "mark", "--session", String(sessions[0]["id"] as! Int), "--participant", "Stille Eik",
            "--status", "present",
        ])
        try sandbox.ok(["participant", "withdraw", "Rode Vos", "--reason", "practical", "--yes"])
        return sandbox
    }

    @Test func everyFormatShowsSmallCountsAsLessThanFive() throws {
        let sandbox = try Self.smallYear()
        let table = try sandbox.ok(["report", "--year", "2027", "--language", "en"]).stdout
        #expect(table.contains("Sessions held"))
        #expect(table.contains("<5"))
        let csv = try sandbox.ok(["report", "--year", "2027", "--format", "csv", "--language", "nl"]).stdout
        #expect(csv.hasPrefix("\u{FEFF}"))
        #expect(csv.contains("Praktisch;<5"))
        #expect(csv.contains("\r\n"))
        let json = try sandbox.ok(["report", "--year", "2027", "--format", "json"]).object()
        let tables = json["tables"] as? [[String: Any]] ?? []
        for table in tables where (table["id"] as? String)?.hasPrefix("participants") == true {
            for row in table["rows"] as? [[String: Any]] ?? [] {
                for value in row["values"] as? [Any] ?? [] { #expect(!(value is Int && (value as! Int) < 5)) }
            }
        }
        let html = try sandbox.ok(["report", "--year", "2027", "--format", "html", "--language", "fr"]).stdout
        #expect(html.contains("lang=\"fr\""))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || html.contains("http://www.w3.org/2000/svg"))
        #expect(!html.contains("https://"))
    }

    @Test func badInputNamesTheFieldAndTheThresholdNeverGoesDown() throws {
        let sandbox = try Self.smallYear()
        let noPeriod = try sandbox.run(["report"])
        #expect(noPeriod.status != 0)
        #expect(noPeriod.stderr.contains("from"), "\(noPeriod.stderr)")
        let backwards = try sandbox.run(["report", "--from", "2027-03-01", "--to", "2027-01-01"])
        #expect(backwards.status != 0)
        #expect(backwards.stderr.contains("2027-01-01"))
        for low in ["0", "1", "4"] {
            let lowered = try sandbox.run(["config", "set", "report.threshold", low])
            #expect(lowered.status != 0)
            #expect(lowered.stderr.contains("report.threshold"), "\(lowered.stderr)")
        }
        try sandbox.ok(["config", "set", "report.threshold", "8"])
        #expect(try sandbox.ok(["report", "--year", "2027"]).stdout.contains("<8"))
        let reason = try sandbox.run(["participant", "withdraw", "Stille Eik", "--reason", "boos", "--yes"])
        #expect(reason.status != 0)
        #expect(reason.stderr.contains("boos"))
    }

    @Test(
        .enabled(if: python != nil, "KRING_PYTHON is not set: run `make test` (it creates .venv)"),
        .enabled(if: chromium, "chromium is not installed: run `make deps`"))
    func theHTMLReportOpensInChromiumWithNoRequestNoErrorAndEveryChartDrawn() throws {
        let sandbox = try Self.smallYear()
        let html = try sandbox.ok(["report", "--year", "2027", "--format", "html", "--language", "nl"]).stdout
        let file = sandbox.folder.appendingPathComponent("report.html")
        try Data(html.utf8).write(to: file)
        let script = ReadmeTourTests.repositoryRoot.appendingPathComponent("Tests/ical-checks/check_report_html.py")
        let output = try ProcessRunner.output(URL(fileURLWithPath: Self.python!), [script.path, file.path])
        let result = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect((result["requests"] as? [String])?.isEmpty == true, "\(result)")
        #expect((result["console"] as? [String])?.isEmpty == true, "\(result)")
        #expect((result["errors"] as? [String])?.isEmpty == true, "\(result)")
        let charts = try #require(result["charts"] as? [[String: Any]])
        let expected = html.components(separatedBy: "<svg class=\"chart\"").count - 1
        #expect(charts.count == expected && expected >= 5, "\(charts)")
        for chart in charts {
            #expect((chart["width"] as? Double ?? 0) > 100, "\(chart)")
            #expect((chart["height"] as? Double ?? 0) > 10, "\(chart)")
            #expect((chart["drawn_width"] as? Double ?? 0) > 0, "\(chart)")
        }
        #expect((result["pdf_pages"] as? Int ?? 0) >= 1, "\(result)")
    }
}
