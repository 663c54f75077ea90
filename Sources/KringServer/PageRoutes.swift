import Foundation
import HTTPTypes
import Hummingbird
import KringApp
import KringDomain
import NIOCore

/// The pages for facilitators and participants (issue 16): a sign-in link (`/s/{token}`) is exchanged for a page
/// session cookie, then `/me` and what it links to show the person's own sessions. Every page calls the same
/// `ScopedKring` operations as the API, so the role rules are the API's; every form carries the session's CSRF
/// token and changes nothing without it. Outside `/api` and the endpoint table, like the feeds.
func addPageRoutes(to router: Router<KringRequestContext>, service: Service) {
    let pages = Pages(service: service)
    router.get("/s/{token}") { request, context in try await pages.signIn(request, context) }
    router.get("/me") { request, context in try await pages.page(request) { try await $0.home() } }
    router.get("/me/sessions/{session}") { request, context in
        let session = context.parameters.get("session") ?? ""
        return try await pages.page(request) { try await $0.session(session) }
    }
    router.post("/me/sessions/{session}/attendance") { request, context in
        let session = context.parameters.get("session") ?? ""
        return try await pages.form(request) { page, form in try await page.mark(session, form) }
    }
    router.post("/me/sessions/{session}/everyone-present") { request, context in
        let session = context.parameters.get("session") ?? ""
        return try await pages.form(request) { page, _ in try await page.everyonePresent(session) }
    }
    router.post("/me/sessions/{session}/excuse") { request, context in
        let session = context.parameters.get("session") ?? ""
        return try await pages.form(request) { page, _ in try await page.excuse(session) }
    }
    router.get("/me/groups/{group}/withdraw") { request, context in
        let group = context.parameters.get("group") ?? ""
        return try await pages.page(request) { try await $0.withdrawConfirmation(group) }
    }
    router.post("/me/groups/{group}/withdraw") { request, context in
        let group = context.parameters.get("group") ?? ""
        return try await pages.form(request) { page, _ in try await page.withdraw(group) }
    }
    router.get("/me/sessions/{session}/decline") { request, context in
        let session = context.parameters.get("session") ?? ""
        return try await pages.page(request) { try await $0.declineConfirmation(session) }
    }
    router.post("/me/sessions/{session}/decline") { request, context in
        let session = context.parameters.get("session") ?? ""
        return try await pages.form(request) { page, _ in try await page.decline(session) }
    }
    router.get("/me/blockouts") { request, _ in try await pages.page(request) { try await $0.blockoutsPage() } }
    router.post("/me/blockouts") { request, _ in
        try await pages.form(request) { page, form in try await page.changeBlockout(form, remove: false) }
    }
    router.post("/me/blockouts/remove") { request, _ in
        try await pages.form(request) { page, form in try await page.changeBlockout(form, remove: true) }
    }
    router.get("/me/calendar.ics") { request, _ in try await pages.page(request) { try await $0.calendarFile() } }
    router.get("/me/availability") { request, _ in try await pages.page(request) { try await $0.availability(nil) } }
    router.post("/me/availability") { request, _ in
        try await pages.form(request) { page, form in try await page.availability(form) }
    }
    router.get("/me/busy") { request, _ in try await pages.page(request) { $0.busyPage(nil) } }
    router.post("/me/busy") { request, _ in try await pages.uploadBusy(request) }
    router.get("/me/subscribe") { request, _ in try await pages.page(request) { $0.subscribePage() } }
    router.post("/me/subscribe") { request, context in
        let host = request.head.authority ?? "localhost"
        let secure = service.cookiesSecure(request, context)
        return try await pages.form(request) { page, _ in try await page.subscribe(host: host, secure: secure) }
    }
    router.post("/signout") { request, context in try await pages.signOut(request, context) }
    router.get("/pages.css") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: PageHTML.styleSheet)))
    }
    for path in ["/favicon.svg", "/favicon.ico"] {
        router.get(RouterPath(path)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "image/svg+xml"],
                body: .init(byteBuffer: ByteBuffer(string: PageHTML.favicon)))
        }
    }
}

/// Every route `addPageRoutes` registers, as "METHOD /path": HTML for people, outside `/api` and so outside
/// `docs/openapi.yaml` (listed in `docs/pages.md`); the OpenAPI test checks this list against the router.
public let pageRoutes: Set<String> = [
    "GET /s/{token}", "GET /me", "GET /me/sessions/{session}", "POST /me/sessions/{session}/attendance",
    "POST /me/sessions/{session}/everyone-present", "POST /me/sessions/{session}/excuse",
    "GET /me/groups/{group}/withdraw", "POST /me/groups/{group}/withdraw", "POST /signout", "GET /pages.css",
    "GET /favicon.svg", "GET /favicon.ico", "GET /me/sessions/{session}/decline", "POST /me/sessions/{session}/decline",
    "GET /me/blockouts", "POST /me/blockouts", "POST /me/blockouts/remove", "GET /me/calendar.ics", "GET /me/subscribe",
    "POST /me/subscribe",
    "GET /me/busy", "POST /me/busy", "GET /me/availability", "POST /me/availability",
]

/// The cookie that holds a page session's secret.
enum PageCookie {
    static let name = "kring_session"

    static func set(_ value: String, secure: Bool) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(Int(SigninLink.sessionLifetime)); HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "")
    }

    static func clear(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}

/// The request handlers of the pages; each builds one `Page` for the signed-in caller.
struct Pages: Sendable {
    let service: Service

    /// `GET /s/{token}`: exchanges the link for a session cookie and sends the browser on to `/me`, so the token
    /// stays in no address bar, history entry or referrer. A used, expired or unknown link gets one neutral page.
    func signIn(_ request: Request, _ context: KringRequestContext) async throws -> Response {
        let client = service.client(request, context)
        if service.limiter.isLimited(client) { return neutral(.linkUsed, status: .tooManyRequests) }
        let token = context.parameters.get("token") ?? ""
        guard let session = try await service.exchangeSigninLink(token) else {
            _ = service.limiter.recordFailure(client)
            return neutral(.linkUsed, status: .notFound)
        }
        return PageHTML.redirect(
            "/me", extraHeaders: [.setCookie: PageCookie.set(session, secure: service.cookiesSecure(request, context))])
    }

    /// A page for the signed-in caller; without a session, the neutral "signed out" page.
    func page(_ request: Request, _ build: (Page) async throws -> Response) async throws -> Response {
        guard let page = try await signedIn(request) else { return neutral(.signedOut, status: .unauthorized) }
        return try await page.rendering(build)
    }

    /// A form: read (small, url-encoded), its CSRF token checked against the session before anything runs; a form
    /// without the right token changes nothing.
    func form(_ request: Request, _ handle: (Page, [String: String]) async throws -> Response) async throws
        -> Response
    {
        guard let page = try await signedIn(request) else { return neutral(.signedOut, status: .unauthorized) }
        let fields = try await Self.formFields(request)
        guard let sent = fields["csrf"], Self.equal(sent, page.csrf) else {
            return PageHTML.response(
                page.document(heading: page.text[.formExpired], body: page.backLink), status: .forbidden)
        }
        // As `Service.call` does for the API: a change may alter any feed, so no cached one outlives it.
        defer { service.feedCache.removeAll() }
        return try await page.rendering { try await handle($0, fields) }
    }

    /// `POST /me/busy`: a facilitator's calendar file as `multipart/form-data` (the CSRF field and the file), parsed
    /// in the limited child process through a `ParserSlots` slot, exactly as the API's busy upload.
    func uploadBusy(_ request: Request) async throws -> Response {
        guard let page = try await signedIn(request) else { return neutral(.signedOut, status: .unauthorized) }
        let body = Data(try await request.body.collect(upTo: Kring.maxCalendarInputBytes + 64 * 1024).readableBytesView)
        let parts = Self.multipart(body, contentType: request.headers[.contentType] ?? "")
        guard let sent = parts["csrf"].map({ String(decoding: $0, as: UTF8.self) }), Self.equal(sent, page.csrf) else {
            return PageHTML.response(
                page.document(heading: page.text[.formExpired], body: page.backLink), status: .forbidden)
        }
        let file = parts["ics"] ?? Data()
        let service = service
        return try await page.rendering { page in
            guard case .facilitator(let me) = page.scope.caller else {
                throw KringError.forbidden(page.scope.caller.role.rawValue)
            }
            let stored = try await service.parsing(as: page.scope) { (scope) throws(KringError) -> BusyImportView in
                try scope.importBusyTimes(
                    facilitator: String(me), icsData: file, source: "uploaded file", from: nil, to: nil)
            }
            return page.busyPage(stored)
        }
    }

    /// The named parts of a `multipart/form-data` body (RFC 7578); anything malformed yields fewer parts.
    static func multipart(_ body: Data, contentType: String) -> [String: Data] {
        guard let boundaryRange = contentType.range(of: "boundary=") else { return [:] }
        var boundary = String(contentType[boundaryRange.upperBound...])
        if let end = boundary.firstIndex(of: ";") { boundary = String(boundary[..<end]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        let delimiter = Data(("--" + boundary).utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var parts: [String: Data] = [:]
        var cursor = body.startIndex
        while let start = body.range(of: delimiter, in: cursor..<body.endIndex) {
            let afterDelimiter = start.upperBound
            guard let next = body.range(of: delimiter, in: afterDelimiter..<body.endIndex) else { break }
            let part = body[afterDelimiter..<next.lowerBound]
            cursor = next.lowerBound
            guard let split = part.range(of: headerEnd) else { continue }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            guard let nameStart = headers.range(of: "name=\"") else { continue }
            let rest = headers[nameStart.upperBound...]
            guard let nameEnd = rest.firstIndex(of: "\"") else { continue }
            var content = part[split.upperBound..<part.endIndex]
            // The part ends with CRLF before the next delimiter.
            if content.count >= 2, content.suffix(2) == Data("\r\n".utf8) { content = content.dropLast(2) }
            parts[String(rest[..<nameEnd])] = Data(content)
        }
        return parts
    }

    /// `POST /signout`: ends the session (with its CSRF token) and clears the cookie.
    func signOut(_ request: Request, _ context: KringRequestContext) async throws -> Response {
        guard let page = try await signedIn(request) else { return neutral(.signedOut, status: .ok) }
        let fields = try await Self.formFields(request)
        guard let sent = fields["csrf"], Self.equal(sent, page.csrf) else {
            return PageHTML.response(
                page.document(heading: page.text[.formExpired], body: page.backLink), status: .forbidden)
        }
        try await service.endPageSession(page.secret)
        return PageHTML.response(
            PageHTML.document(
                language: page.text.code, heading: page.text[.signedOut], body: "", csrf: nil, signOut: nil),
            extraHeaders: [.setCookie: PageCookie.clear(secure: service.cookiesSecure(request, context))])
    }

    private func signedIn(_ request: Request) async throws -> Page? {
        guard let secret = request.cookies[PageCookie.name]?.value,
            let scope = try await service.pageScope(session: secret)
        else { return nil }
        let language = try await Blocking.run { () throws(KringError) -> Language in
            switch scope.caller {
            case .facilitator: return try scope.listFacilitators().first?.languages.first ?? .nl
            case .participant: return try scope.listParticipants(group: nil).first?.language ?? .nl
            case .coordinator: return .nl
            }
        }
        return Page(scope: scope, secret: secret, text: PageText(language: language), feeds: service.feeds)
    }

    /// A page for someone not signed in: said in the three languages, since no person is known.
    private func neutral(_ key: PageText.Key, status: HTTPResponse.Status) -> Response {
        let body = [Language.nl, .fr, .en].map {
            "<p lang=\"\($0.rawValue)\">\(PageHTML.escape(PageText(language: $0)[key]))</p>"
        }
        .joined()
        return PageHTML.response(
            PageHTML.document(language: "nl", heading: "Kring", body: body, csrf: nil, signOut: nil), status: status)
    }

    static func equal(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Array(left.utf8), Array(right.utf8))
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// `application/x-www-form-urlencoded` fields, from a body of at most 8 KB.
    static func formFields(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 8 * 1024)
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decoded(name)] = parts.count > 1 ? decoded(parts[1]) : ""
        }
        return fields
    }
}
