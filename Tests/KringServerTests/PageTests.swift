import Foundation
import KringApp
import KringDomain
import KringServer
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Refuses every redirect, so a test sees the 303 of a sign-in and its headers.
final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

/// The pages over real HTTP (issue 16): sign-in links work once and briefly, forms need their CSRF token, another
/// person's session answers as an unknown one, and every page carries the strict headers.
@Suite("Pages for facilitators and participants")
struct PageTests {
    /// A browser in miniature: no redirects followed, no cookie jar; the test carries the session cookie itself.
    final class Browser: Sendable {
        let harness: ServerHarness
        let session: URLSession

        init(_ harness: ServerHarness) {
            self.harness = harness
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpShouldSetCookies = false
            configuration.httpCookieAcceptPolicy = .never
            configuration.urlCache = nil
            session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
        }

        func send(_ method: String, _ path: String, cookie: String? = nil, form: [String: String]? = nil)
            async throws -> Reply
        {
            var request = URLRequest(url: URL(string: harness.base + path)!)
            request.httpMethod = method
            request.httpShouldHandleCookies = false
            if let cookie { request.setValue("kring_session=\(cookie)", forHTTPHeaderField: "Cookie") }
            if let form {
                let allowed = CharacterSet.alphanumerics
                request.httpBody = Data(
                    form.map {
                        "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
                    }.joined(separator: "&").utf8)
                request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw HarnessError("no HTTP response") }
            var fields: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let key = key as? String, let value = value as? String { fields[key] = value }
            }
            return Reply(status: http.statusCode, headers: fields, body: data)
        }

        /// Opens a sign-in link and returns the session cookie's value.
        func signIn(_ link: String) async throws -> String {
            let reply = try await send("GET", SigninLink.pathPrefix + link)
            #expect(reply.status == 303, "\(reply.status) \(reply.text)")
            let setCookie = try #require(reply.header("Set-Cookie"))
            let value = setCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1]
            return String(value)
        }

        static func csrf(in page: Reply) throws -> String {
            let text = page.text
            let marker = "name=\"csrf\" value=\""
            let start = try #require(text.range(of: marker))
            let end = try #require(text[start.upperBound...].firstIndex(of: "\""))
            return String(text[start.upperBound..<end])
        }
    }

    /// The application's "now", moved by the test.
    final class MovableNow: Sendable {
        private let instant = Mutex(ISO8601DateFormatter().date(from: ServerHarness.now)!)
        var now: Date { instant.withLock { $0 } }
        func set(_ date: Date) { instant.withLock { $0 = date } }
        func advance(_ seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static func movableHarness() throws -> (ServerHarness, MovableNow) {
        let now = MovableNow()
        return (try ServerHarness(clock: { now.now }), now)
    }

    @Test("a sign-in link is exchanged once for an HttpOnly SameSite=Strict cookie and a URL without the token")
    func linkWorksOnce() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let browser = Browser(harness)
        let link = try harness.kring.createSigninLink(role: .facilitator, subject: world.facilitatorA.name).token

        let first = try await browser.send("GET", "/s/\(link)")
        #expect(first.status == 303)
        #expect(first.header("Location") == "/me")
        let setCookie = try #require(first.header("Set-Cookie"))
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] { #expect(setCookie.contains(attribute)) }
        #expect(!setCookie.contains("Secure"), "plain HTTP without --secure-cookies")
        let cookie = try await browser.signIn(
            try harness.kring.createSigninLink(role: .facilitator, subject: world.facilitatorA.name).token)

        let second = try await browser.send("GET", "/s/\(link)")
        #expect(second.status == 404)
        #expect(second.header("Set-Cookie") == nil)
        #expect(second.text.contains("<title>Kring</title>"))

        let home = try await browser.send("GET", "/me", cookie: cookie)
        #expect(home.status == 200, "\(home.text)")
        #expect(home.text.contains("di 12-01-2027"), "the facilitator's session: \(home.text)")
        #expect(!home.text.contains(link) && !home.text.contains(cookie))
        // Neither the link nor the cookie opens the API; the API token opens no page.
        for token in [link, cookie] {
            #expect(try await harness.request("GET", "/api/groups", token: token).status == 401)
        }
        let apiToken = try harness.token(.facilitator, world.facilitatorA.name)
        #expect(try await browser.send("GET", "/me", cookie: apiToken).status == 401)
        #expect(try await harness.request("GET", "/feeds/\(cookie).ics").status == 404)
        harness.expectCleanLogs(secrets: [link, cookie, world.facilitatorA.name] + world.pseudonymsA)
    }

    @Test("a sign-in link is refused after 15 minutes on the application's clock, and when revoked")
    func linkExpires() async throws {
        let (harness, now) = try Self.movableHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let browser = Browser(harness)
        let late = try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym)
        let revoked = try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym)
        _ = try harness.kring.revokeToken(String(revoked.details.id))
        #expect(try await browser.send("GET", "/s/\(revoked.token)").status == 404)

        now.advance(14 * 60)
        let inTime = try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym)
        now.advance(60 + 1)
        #expect(try await browser.send("GET", "/s/\(late.token)").status == 404, "15 minutes and 1 second old")
        let cookie = try await browser.signIn(inTime.token)
        #expect(try await browser.send("GET", "/me", cookie: cookie).status == 200)
        // Revoking the link ends the session it opened.
        _ = try harness.kring.revokeToken(String(inTime.details.id))
        #expect(try await browser.send("GET", "/me", cookie: cookie).status == 401)
        let states = Dictionary(uniqueKeysWithValues: try harness.kring.listTokens().map { ($0.id, $0.state) })
        #expect(states[late.details.id] == "expired")
        #expect(states[revoked.details.id] == "revoked")
    }

    @Test("a form without its CSRF token changes nothing; with it, a participant's excuse reaches the roster")
    func csrfIsRequired() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let browser = Browser(harness)
        let cookie = try await browser.signIn(
            try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym).token)
        let path = "/me/sessions/\(world.sessionA.id)"
        let page = try await browser.send("GET", path, cookie: cookie)
        #expect(page.status == 200, "\(page.text)")
        let csrf = try Browser.csrf(in: page)

        func mark() throws -> AttendanceStatus? {
            try harness.kring.roster(group: String(world.groupA.id), session: String(world.sessionA.id)).enrolled
                .first { $0.pseudonym == world.participantA.pseudonym }?.attendance
        }
        let tampered = String(csrf.dropLast()) + (csrf.hasSuffix("A") ? "B" : "A")
        for form in [[:], ["csrf": "wrong"], ["csrf": tampered], ["csrf": ""]] {
            let refused = try await browser.send("POST", path + "/excuse", cookie: cookie, form: form)
            #expect(refused.status == 403, "\(form) against \(csrf)")
            #expect(try mark() == nil, "\(form)")
        }
        // Another session's CSRF token is not this one's.
        let other = try await browser.signIn(
            try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym).token)
        let otherCSRF = try Browser.csrf(in: try await browser.send("GET", "/me", cookie: other))
        #expect(otherCSRF != csrf)
        #expect(
            try await browser.send("POST", path + "/excuse", cookie: cookie, form: ["csrf": otherCSRF]).status == 403)
        #expect(try mark() == nil)

        let accepted = try await browser.send("POST", path + "/excuse", cookie: cookie, form: ["csrf": csrf])
        #expect(accepted.status == 200, "\(accepted.text)")
        #expect(try mark() == .excused)

        // Sign-out needs the token too, then the cookie opens nothing.
        #expect(try await browser.send("POST", "/signout", cookie: cookie, form: [:]).status == 403)
        #expect(try await browser.send("GET", "/me", cookie: cookie).status == 200)
        let out = try await browser.send("POST", "/signout", cookie: cookie, form: ["csrf": csrf])
        #expect(out.status == 200)
        #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        #expect(try await browser.send("GET", "/me", cookie: cookie).status == 401)
    }

    @Test("another person's session answers exactly as an unknown one, for reading and for changing")
    func otherSessionIsUnknown() async throws {
        let (harness, now) = try Self.movableHarness()
        let world = try harness.seedWorld()
        // The evening of session A, half an hour in: a facilitator may mark attendance.
        now.set(ISO8601DateFormatter().date(from: "2027-01-12T18:30:00Z")!)
        try await harness.start()
        let browser = Browser(harness)
        let facilitator = try await browser.signIn(
            try harness.kring.createSigninLink(role: .facilitator, subject: world.facilitatorA.name).token)
        let participant = try await browser.signIn(
            try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym).token)
        for cookie in [facilitator, participant] {
            let unknown = try await browser.send("GET", "/me/sessions/999999", cookie: cookie)
            let other = try await browser.send("GET", "/me/sessions/\(world.sessionB.id)", cookie: cookie)
            #expect(unknown.status == 404 && other.status == 404)
            #expect(unknown.text == other.text)
        }
        // A facilitator may mark their own group, not the other.
        let roster = try await browser.send("GET", "/me/sessions/\(world.sessionA.id)", cookie: facilitator)
        #expect(roster.status == 200)
        for pseudonym in world.pseudonymsA { #expect(roster.text.contains(pseudonym)) }
        let csrf = try Browser.csrf(in: roster)
        let bPerson = try harness.kring.listParticipants(group: "avond-b").first!.id
        let refused = try await browser.send(
            "POST", "/me/sessions/\(world.sessionB.id)/attendance", cookie: facilitator,
            form: ["csrf": csrf, "participant": String(bPerson), "status": "present"])
        #expect(refused.status == 404)
        let everyoneB = try await browser.send(
            "POST", "/me/sessions/\(world.sessionB.id)/everyone-present", cookie: facilitator, form: ["csrf": csrf])
        #expect(everyoneB.status == 404)
        #expect(
            try harness.kring.roster(group: "avond-b", session: String(world.sessionB.id)).enrolled.allSatisfy {
                $0.attendance == nil
            })
        let everyoneA = try await browser.send(
            "POST", "/me/sessions/\(world.sessionA.id)/everyone-present", cookie: facilitator, form: ["csrf": csrf])
        #expect(everyoneA.status == 303)
        #expect(
            try harness.kring.roster(group: "avond-a", session: String(world.sessionA.id)).enrolled.allSatisfy {
                $0.attendance == .present
            })
        // A participant may not mark anyone present, themself included.
        let participantCSRF = try Browser.csrf(in: try await browser.send("GET", "/me", cookie: participant))
        let notTheirs = try await browser.send(
            "POST", "/me/sessions/\(world.sessionA.id)/attendance", cookie: participant,
            form: [
                "csrf": participantCSRF, "participant": String(world.participantA.participantId), "status": "absent",
            ])
        #expect(notTheirs.status == 404)
        harness.expectCleanLogs(secrets: [facilitator, participant, csrf] + world.pseudonymsA + world.pseudonymsB)
    }

    @Test("every page carries the strict policy, no-store, no-referrer, the neutral title, lang and viewport")
    func headers() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let browser = Browser(harness)
        let cookie = try await browser.signIn(
            try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym).token)
        let group = world.groupA.id
        let pages = [
            ("/me", cookie), ("/me/sessions/\(world.sessionA.id)", cookie), ("/me/groups/\(group)/withdraw", cookie),
            ("/me", nil), ("/s/\(String(repeating: "x", count: 43))", nil), ("/me/sessions/999999", cookie),
        ]
        for (path, cookie) in pages {
            let reply = try await browser.send("GET", path, cookie: cookie)
            let policy = reply.header("Content-Security-Policy") ?? ""
            for directive in [
                "default-src 'none'", "style-src 'self'", "img-src 'self'", "form-action 'self'",
                "frame-ancestors 'none'", "base-uri 'none'",
            ] {
                #expect(policy.contains(directive), "\(path): \(policy)")
            }
            #expect(!policy.contains("script-src"))
            #expect(reply.header("Referrer-Policy") == "no-referrer", "\(path)")
            #expect(reply.header("Cache-Control") == "no-store", "\(path)")
            #expect(reply.header("Content-Type") == "text/html; charset=utf-8", "\(path)")
            #expect(reply.text.contains("<title>Kring</title>"), "\(path)")
            #expect(reply.text.contains("<html lang=\""), "\(path)")
            #expect(reply.text.contains("name=\"viewport\""), "\(path)")
            #expect(!reply.text.contains("<script"), "\(path)")
            #expect(reply.body.count < 50_000, "\(path)")
            #expect(!reply.text.contains(world.participantA.pseudonym), "\(path) names no one in a participant's page")
            // Every form posts its CSRF token.
            let forms = reply.text.components(separatedBy: "<form").count - 1
            let fields = reply.text.components(separatedBy: "name=\"csrf\"").count - 1
            #expect(forms == fields, "\(path)")
        }
        // The withdrawal confirmation carries the organisation's contact text in the person's language.
        _ = try harness.kring.setConfig("mail.organisation-text.nl", "Vragen? Bel Kring vzw <ma-vr>: 09 123 45 67")
        let confirm = try await browser.send("GET", "/me/groups/\(group)/withdraw", cookie: cookie)
        #expect(confirm.text.contains("Vragen? Bel Kring vzw &lt;ma-vr&gt;: 09 123 45 67"), "\(confirm.text)")
        // The participant's language chooses the words.
        let home = try await browser.send("GET", "/me", cookie: cookie)
        #expect(home.text.contains("<html lang=\"nl\""))
        #expect(home.text.contains("Mijn bijeenkomsten"))
    }

    @Test(
        "changing an earlier mark asks first; decline, blockouts and the calendar file go through the same operations")
    func facilitatorPlanning() async throws {
        let (harness, now) = try Self.movableHarness()
        let world = try harness.seedWorld()
        now.set(ISO8601DateFormatter().date(from: "2027-01-12T18:30:00Z")!)
        try await harness.start()
        let browser = Browser(harness)
        let cookie = try await browser.signIn(
            try harness.kring.createSigninLink(role: .facilitator, subject: world.facilitatorA.name).token)
        let path = "/me/sessions/\(world.sessionA.id)"
        let csrf = try Browser.csrf(in: try await browser.send("GET", path, cookie: cookie))
        let person = String(world.participantA.participantId)
        func mark() throws -> AttendanceStatus? {
            try harness.kring.roster(group: "avond-a", session: String(world.sessionA.id)).enrolled
                .first { $0.participantId == world.participantA.participantId }?.attendance
        }
        let first = try await browser.send(
            "POST", path + "/attendance", cookie: cookie,
            form: ["csrf": csrf, "participant": person, "status": "present"])
        #expect(first.status == 303)
        #expect(try mark() == .present)
        let asked = try await browser.send(
            "POST", path + "/attendance", cookie: cookie,
            form: ["csrf": csrf, "participant": person, "status": "absent"])
        #expect(asked.status == 200)
        #expect(asked.text.contains("name=\"confirm\" value=\"yes\""))
        #expect(try mark() == .present, "asking changed nothing")
        let confirmed = try await browser.send(
            "POST", path + "/attendance", cookie: cookie,
            form: ["csrf": csrf, "participant": person, "status": "absent", "confirm": "yes"])
        #expect(confirmed.status == 303)
        #expect(try mark() == .absent)

        // A blockout: stored for this facilitator, shown back; bad dates are refused with nothing stored.
        let added = try await browser.send(
            "POST", "/me/blockouts", cookie: cookie, form: ["csrf": csrf, "from": "2027-07-01", "to": "2027-07-14"])
        #expect(added.status == 200, "\(added.text)")
        #expect(added.text.contains("2027-07-01"))
        let bad = try await browser.send(
            "POST", "/me/blockouts", cookie: cookie, form: ["csrf": csrf, "from": "2027-07-20", "to": "juli"])
        #expect(bad.status == 400, "\(bad.status)")
        // The refusal in her language (nl), naming what she typed.
        #expect(bad.text.contains("&#39;juli&#39;: schrijf een datum als JJJJ-MM-DD"), "\(bad.text)")
        let backwards = try await browser.send(
            "POST", "/me/blockouts", cookie: cookie, form: ["csrf": csrf, "from": "2027-07-20", "to": "2027-07-10"])
        #expect(backwards.text.contains("de einddatum ligt vóór de begindatum"), "\(backwards.text)")
        // Without windows or a flag this only reads the facilitator's planning profile.
        let planning = try harness.kring.setAvailability(
            facilitator: world.facilitatorA.name, weekly: [], anyTime: false)
        #expect(planning.blockouts.count == 1, "the page stored exactly one: \(planning.blockouts)")

        // Removing it: the page lists it with its own small form; without the CSRF token, or for dates that are
        // not a stored blockout, nothing changes; with it, `facilitator blockout --remove` runs and it is gone.
        func blockoutCount() throws -> Int {
            try harness.kring.setAvailability(facilitator: world.facilitatorA.name, weekly: [], anyTime: false)
                .blockouts.count
        }
        let listed = try await browser.send("GET", "/me/blockouts", cookie: cookie)
        #expect(listed.text.contains("action=\"/me/blockouts/remove\""), "\(listed.text)")
        #expect(listed.text.contains("name=\"from\" value=\"2027-07-01\""))
        let removeForm = ["from": "2027-07-01", "to": "2027-07-14"]
        let forged = try await browser.send("POST", "/me/blockouts/remove", cookie: cookie, form: removeForm)
        #expect(forged.status == 403)
        #expect(try blockoutCount() == 1, "a removal without its CSRF token changed nothing")
        let unknown = try await browser.send(
            "POST", "/me/blockouts/remove", cookie: cookie,
            form: ["csrf": csrf, "from": "2027-07-02", "to": "2027-07-14"])
        #expect(unknown.status == 404, "\(unknown.status)")
        #expect(try blockoutCount() == 1)
        let removed = try await browser.send(
            "POST", "/me/blockouts/remove", cookie: cookie, form: removeForm.merging(["csrf": csrf]) { $1 })
        #expect(removed.status == 200, "\(removed.text)")
        #expect(!removed.text.contains("2027-07-01"))
        #expect(try blockoutCount() == 0)

        // Weekly availability: a bad window is refused naming it, with nothing stored; a good one replaces all.
        let badWindow = try await browser.send(
            "POST", "/me/availability", cookie: cookie, form: ["csrf": csrf, "window1": "dinsdagavond"])
        #expect(badWindow.status == 400 || badWindow.status == 409, "\(badWindow.status)")
        #expect(badWindow.text.contains("dinsdagavond"))
        let window = try await browser.send(
            "POST", "/me/availability", cookie: cookie, form: ["csrf": csrf, "window1": "tu 18:00-22:00"])
        #expect(window.status == 200, "\(window.text)")
        #expect(
            try harness.kring.setAvailability(facilitator: world.facilitatorA.name, weekly: [], anyTime: false).weekly
                == ["tu 18:00-22:00"])

        // Decline the next session (not started): the confirmation says what happens, then the assignment is gone.
        let next = try harness.kring.listSessions(group: "avond-a", from: nil, to: nil)[1]
        _ = try harness.kring.setAssignment(
            session: String(next.id), facilitator: world.facilitatorA.name, pin: false, lead: true)
        // A blockout over a session she is planned for is stored, and the page names that session by its date and
        // time (the service's conflicts) in an alert; nothing is re-planned by it.
        let day = String(next.start.prefix(10))
        let ymd = day.split(separator: "-")
        let clash = try await browser.send(
            "POST", "/me/blockouts", cookie: cookie, form: ["csrf": csrf, "from": day, "to": day])
        #expect(clash.status == 200, "\(clash.text)")
        #expect(clash.text.contains("role=\"alert\""), "\(clash.text)")
        #expect(clash.text.contains("\(ymd[2])-\(ymd[1])-\(ymd[0]) \(next.start.dropFirst(11).prefix(5))"))
        #expect(
            try harness.kring.listAssignments(facilitator: world.facilitatorA.name, group: nil)
                .contains { $0.sessionId == next.id })
        let cleared = try await browser.send(
            "POST", "/me/blockouts/remove", cookie: cookie, form: ["csrf": csrf, "from": day, "to": day])
        #expect(!cleared.text.contains("role=\"alert\""))
        let question = try await browser.send("GET", "/me/sessions/\(next.id)/decline", cookie: cookie)
        #expect(question.status == 200)
        #expect(question.text.contains("coördinator"))
        let declined = try await browser.send(
            "POST", "/me/sessions/\(next.id)/decline", cookie: cookie, form: ["csrf": csrf])
        #expect(declined.status == 200, "\(declined.text)")
        let left = try harness.kring.listAssignments(facilitator: world.facilitatorA.name, group: nil)
        #expect(!left.contains { $0.sessionId == next.id })

        // The calendar file is the facilitator's own feed.
        let file = try await browser.send("GET", "/me/calendar.ics", cookie: cookie)
        #expect(file.status == 200)
        #expect(file.text.hasPrefix("BEGIN:VCALENDAR"))
        #expect(file.header("Content-Disposition")?.contains("attachment") == true)
        harness.expectCleanLogs(secrets: [cookie, csrf] + world.pseudonymsA)
    }

    @Test("the session cookie is Secure with --secure-cookies, or behind a trusted proxy that says https")
    func secureCookie() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start { $0.trustedProxies = ["127.0.0.1"] }
        let link = try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym)
        var request = URLRequest(url: URL(string: harness.base + "/s/" + link.token)!)
        request.setValue("https", forHTTPHeaderField: "X-Forwarded-Proto")
        request.httpShouldHandleCookies = false
        let browser = Browser(harness)
        let (_, response) = try await browser.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 303)
        #expect((http.value(forHTTPHeaderField: "Set-Cookie") ?? "").contains("; Secure"))
    }

    @Test("the subscribe link is a new feed-only token of the caller's own: it opens their feed and not the API")
    func subscribeLink() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let browser = Browser(harness)
        let cookie = try await browser.signIn(
            try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym).token)
        let csrf = try Browser.csrf(in: try await browser.send("GET", "/me/subscribe", cookie: cookie))
        #expect(try await browser.send("POST", "/me/subscribe", cookie: cookie, form: [:]).status == 403)
        let made = try await browser.send("POST", "/me/subscribe", cookie: cookie, form: ["csrf": csrf])
        #expect(made.status == 200)
        let marker = "webcal://127.0.0.1:\(harness.port)/feeds/"
        let start = try #require(made.text.range(of: marker))
        let token = String(made.text[start.upperBound...].prefix(43))
        let feed = try await harness.request("GET", "/feeds/\(token).ics")
        #expect(feed.status == 200)
        #expect(feed.text.contains("BEGIN:VEVENT"))
        #expect(try await harness.request("GET", "/api/groups", token: token).status == 401)
        // The same webcal link as a QR code, inline SVG drawn by `QRCode` (checked against segno in QRCodeTests).
        let code = try #require(QRCode(marker + token + ".ics"))
        #expect(made.text.contains(code.svg(pixels: 232, label: "QR-code van je abonnementslink")), "\(made.text)")
        #expect(!made.text.contains("<img") && !made.text.contains("<script"))
        #expect(made.body.count < 50_000)
        let issued = try harness.kring.listTokens().filter { $0.kind == "api" }
        #expect(issued.count == 1 && issued[0].feedOnly && issued[0].role == .participant)
        #expect(issued[0].subjectId == world.participantA.participantId)
    }

    @Test("a busy calendar uploaded from the page needs the CSRF field, stores only for the facilitator, 404 otherwise")
    func busyUpload() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let browser = Browser(harness)
        let cookie = try await browser.signIn(
            try harness.kring.createSigninLink(role: .facilitator, subject: world.facilitatorA.name).token)
        let csrf = try Browser.csrf(in: try await browser.send("GET", "/me/busy", cookie: cookie))
        let ics = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", "BEGIN:VEVENT", "UID:a@t",
            "DTSTAMP:20261201T000000Z", "DTSTART:20270105T180000Z", "DTEND:20270105T200000Z", "END:VEVENT",
            "END:VCALENDAR", "",
        ].joined(separator: "\r\n")
        func upload(_ csrfValue: String?, as session: String) async throws -> Reply {
            let boundary = "----kring\(UUID().uuidString)"
            var body = ""
            if let csrfValue {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrfValue)\r\n"
            }
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"ics\"; filename=\"me.ics\"\r\n"
            body += "Content-Type: text/calendar\r\n\r\n\(ics)\r\n--\(boundary)--\r\n"
            var request = URLRequest(url: URL(string: harness.base + "/me/busy")!)
            request.httpMethod = "POST"
            request.httpShouldHandleCookies = false
            request.setValue("kring_session=\(session)", forHTTPHeaderField: "Cookie")
            request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
            let (data, response) = try await browser.session.data(for: request)
            return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, headers: [:], body: data)
        }
        func stored() throws -> Int {
            try harness.kring.setAvailability(facilitator: world.facilitatorA.name, weekly: [], anyTime: false)
                .busyTimes
        }
        #expect(try await upload(nil, as: cookie).status == 403)
        #expect(try await upload("nope", as: cookie).status == 403)
        #expect(try stored() == 0)
        let done = try await upload(csrf, as: cookie)
        #expect(done.status == 200, "\(done.text)")
        #expect(try stored() == 1)
        #expect(!done.text.contains("BEGIN:VEVENT"))
        let participant = try await browser.signIn(
            try harness.kring.createSigninLink(role: .participant, subject: world.participantA.pseudonym).token)
        let participantCSRF = try Browser.csrf(in: try await browser.send("GET", "/me", cookie: participant))
        #expect(try await upload(participantCSRF, as: participant).status == 404)
        #expect(try await browser.send("GET", "/me/busy", cookie: participant).status == 404)
    }
}
