import Foundation
import KringTestSupport
import Testing

/// Issue 16, end to end in a real browser: Debian's headless Chromium, driven by Playwright from PyPI
/// (`Tests/ical-checks/browser_pages.py`), against a real `kring serve`. A facilitator signs in from a link, marks
/// everyone present and then one person absent (which asks first), blocks out her holiday, uploads her busy calendar and declines the next
/// session; a participant excuses themself and leaves the group. After each
/// step the script reads the database back through the CLI; on every page nothing is wider than a 360 px phone, no
/// request leaves the server's origin, the browser reports no CSP violation or console error, and axe-core (shipped
/// by axe-playwright-python from PyPI) finds no serious or critical violation.
@Suite(.timeLimit(.minutes(10)))
struct BrowserPagesTests {
    static let python = ProcessInfo.processInfo.environment["KRING_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    static let chromium = "/usr/bin/chromium"
    static var ready: Bool { python != nil && FileManager.default.isExecutableFile(atPath: chromium) }

    @Test(.enabled(if: ready, "needs KRING_PYTHON (make test) with playwright, and Debian's chromium"))
    func facilitatorAndParticipantOnAPhone() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "dinsdag", "--audience", "partners", "--language", "nl", "--capacity", "8",
            "--venue", "Gent, ontmoetingsruimte",
        ])
        try sandbox.ok([
            "series", "add", "--group", "dinsdag", "--start", "2027-01-12T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;COUNT=4",
        ])
        try sandbox.ok(["group", "open", "dinsdag"])
        for (pseudonym, relation) in [("Stille Eik", "partner"), ("Blauwe Reiger", "parent"), ("Rode Vos", "friend")] {
            try sandbox.ok([
                "participant", "enrol", "--group", "dinsdag", "--pseudonym", pseudonym, "--relation", relation,
            ])
        }
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl", "--lead"])
        try sandbox.ok(["facilitator", "add", "--name", "Sofie Wouters", "--languages", "nl"])
        let sessions = try sandbox.ok(["session", "list", "--group", "dinsdag", "--format", "json"]).array()
        let ids = sessions.compactMap { $0["id"] as? Int }
        try #require(ids.count == 4)
        for id in ids.prefix(2) {
            try sandbox.ok(["assignment", "set", "\(id)", "--facilitator", "An Claes", "--lead"])
            try sandbox.ok(["assignment", "set", "\(id)", "--facilitator", "Sofie Wouters"])
        }
        // The evening of the first session, half an hour in: attendance can be marked, the next one is ahead.
        sandbox.now = "2027-01-12T18:30:00Z"
        let server = try RunningServer(sandbox: sandbox)
        defer { server.stop() }
        try #require(!server.address.isEmpty, "\(server.stderrText)")
        let base = "http://\(server.address)"
        func link(_ arguments: [String]) throws -> String {
            let made = try sandbox.ok(
                ["signin-link", "create"] + arguments + ["--base-url", base, "--format", "json"])
            return try #require(try made.object()["url"] as? String)
        }
        let facilitatorLink = try link(["--facilitator", "An Claes"])
        let participantLink = try link(["--participant", "Stille Eik"])
        var environment = sandbox.environment
        environment["KRING_LOG_LEVEL"] = "error"
        let configuration: [String: Any] = [
            "base": base, "kring": KringBinary.url.path, "env": environment, "facilitator_link": facilitatorLink,
            "facilitator": "An Claes",
            "participant_link": participantLink, "group": "dinsdag", "started_session": ids[0],
            "next_session": ids[1], "participant": "Stille Eik",
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: configuration), as: UTF8.self)
        let script = MailServerSupport.repositoryRoot.appendingPathComponent("Tests/ical-checks/browser_pages.py")
        let outcome = try ProcessRunner.run(URL(fileURLWithPath: Self.python!), [script.path, json])
        #expect(
            outcome.status == 0,
            "browser script: \(outcome.stdoutText) \(String(decoding: outcome.stderr, as: UTF8.self).suffix(4000))")
        // The links were used: a second opening is refused.
        let again = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "-o", "/dev/null", "-w", "%{http_code}", facilitatorLink])
        #expect(again.stdoutText == "404")
        // The server's trace-free log still names no one and no token.
        for secret in ["Stille Eik", "An Claes", String(facilitatorLink.suffix(43))] {
            #expect(!server.stderrText.contains(secret))
        }
    }

    /// `kring signin-link create`: one link per call, shown once, refused for an unknown person or a bad address,
    /// and only on the server's machine; `kring token list` shows it as a sign-in link and revokes it like a token.
    @Test func signinLinksFromTheCLI() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl", "--lead"])
        let made = try sandbox.ok([
            "signin-link", "create", "--facilitator", "An Claes", "--base-url", "https://kring.example.org/",
        ])
        let url = try #require(made.stdout.split(separator: "\n").first.map(String.init))
        #expect(url.hasPrefix("https://kring.example.org/s/") && url.count == "https://kring.example.org/s/".count + 43)
        #expect(made.stdout.contains("signin facilitator 1"))
        let unknown = try sandbox.run(["signin-link", "create", "--participant", "Niemand"])
        #expect(!unknown.succeeded)
        #expect(unknown.stderr.contains("Niemand"), "\(unknown.stderr)")
        let address = try sandbox.run(["signin-link", "create", "--facilitator", "An Claes", "--base-url", "ftp://x"])
        #expect(!address.succeeded)
        #expect(address.stderr.contains("base-url"), "\(address.stderr)")
        let both = try sandbox.run(["signin-link", "create", "--facilitator", "An Claes", "--participant", "X"])
        #expect(!both.succeeded)
        let remote = try sandbox.run(
            ["signin-link", "create", "--facilitator", "An Claes"], environment: ["KRING_SERVER": "http://127.0.0.1:9"])
        #expect(!remote.succeeded)
        #expect(remote.stderr.contains("server"), "\(remote.stderr)")
        let tokens = try sandbox.ok(["token", "list", "--format", "json"]).array()
        #expect(tokens.count == 1)
        #expect(tokens.first?["kind"] as? String == "signin")
        try sandbox.ok(["token", "revoke", "1", "--yes"])
        let after = try sandbox.ok(["token", "list", "--format", "json"]).array()
        #expect(after.first?["state"] as? String == "revoked")
    }
}
