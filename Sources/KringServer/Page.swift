import Foundation
import HTTPTypes
import Hummingbird
import KringApp
import KringDomain
import NIOCore

/// One signed-in person's pages. Everything is read and changed through their `ScopedKring`, exactly as the API
/// does, so a session outside their scope fails as an unknown one and answers 404.
struct Page: Sendable {
    let scope: ScopedKring
    /// The session cookie's secret, for sign-out and the CSRF token.
    let secret: String
    let text: PageText
    /// Where the caller's own calendar comes from (the feeds' provider).
    let feeds: any CalendarFeedProvider

    var csrf: String { SigninLink.csrfToken(forSession: secret) }

    /// Runs operations off the event loop, as `Service.call` does.
    func run<T: Sendable>(_ body: @escaping @Sendable (ScopedKring) throws(KringError) -> T) async throws(KringError)
        -> T
    {
        let scope = scope
        return try await Blocking.run { () throws(KringError) -> T in try body(scope) }
    }

    func document(heading: String, body: String) -> String {
        PageHTML.document(language: text.code, heading: heading, body: body, csrf: csrf, signOut: text[.signOut])
    }

    var backLink: String { "<p><a href=\"/me\">\(PageHTML.escape(text[.back]))</a></p>" }

    /// Builds a page; what is outside the caller's scope (or their role's) answers 404 like what does not exist, and
    /// a refused change says why, with nothing changed.
    func rendering(_ build: (Page) async throws -> Response) async throws -> Response {
        do {
            return try await build(self)
        } catch let error as KringError where error.kind == .notFound || error.kind == .forbidden {
            return PageHTML.response(document(heading: text[.notFound], body: backLink), status: .notFound)
        } catch let error as KringError where error.kind != .environment {
            // The value is the person's own input (a date, a window), named so they see what to correct.
            let value = error.value.isEmpty ? "" : "'\(error.value)': "
            let reason = text.refusal(error)
            let body = "<p>\(PageHTML.escape(text[.refused])) \(PageHTML.escape(value + reason))</p>" + backLink
            let status: HTTPResponse.Status = error.kind == .invalidInput ? .badRequest : .conflict
            return PageHTML.response(document(heading: text[.refused], body: body), status: status)
        }
    }

    // MARK: Home

    func home() async throws -> Response {
        switch scope.caller {
        case .facilitator(let id): return try await facilitatorHome(id)
        case .participant: return try await participantHome()
        case .coordinator: throw KringError.forbidden("coordinator")
        }
    }

    /// A facilitator's next sessions: date, time, place or link, the group's public title, their role, who else.
    private func facilitatorHome(_ me: Int64) async throws -> Response {
        struct Item: Sendable {
            let assignment: AssignmentListView
            let group: GroupView
            let others: [String]
        }
        let items = try await run { (scope) throws(KringError) -> [Item] in
            let cutoff = scope.now.addingTimeInterval(-12 * 60 * 60)
            let upcoming = try scope.listAssignments(facilitator: nil, group: nil)
                .filter { (Page.instant($0.end) ?? .distantFuture) >= cutoff }
                .sorted { $0.start < $1.start }.prefix(10)
            var items: [Item] = []
            var groups: [Int64: GroupView] = [:]
            for assignment in upcoming {
                // One read per group, not per session: a facilitator's next ten are mostly one or two groups.
                let group: GroupView
                if let known = groups[assignment.groupId] {
                    group = known
                } else {
                    group = try scope.showGroup(String(assignment.groupId))
                    groups[assignment.groupId] = group
                }
                let roster = try scope.roster(group: String(assignment.groupId), session: String(assignment.sessionId))
                let others = roster.staffing.first?.facilitators.filter { $0.facilitatorId != me }.map(\.name) ?? []
                items.append(Item(assignment: assignment, group: group, others: others))
            }
            return items
        }
        var body = ""
        if items.isEmpty { body += "<p>\(PageHTML.escape(text[.noSessions]))</p>" }
        body += "<ul class=\"cards\">"
        for item in items {
            let (date, time) = PageHTML.localDateAndTime(item.assignment.start, text)
            body += "<li><h2>\(PageHTML.escape(date)) · \(PageHTML.escape(time))</h2><dl>"
            body += "<dt>\(PageHTML.escape(text[.session]))</dt><dd>\(PageHTML.escape(item.group.title))"
            body += statusMark(item.assignment.status, originalStart: nil) + "</dd>"
            body += place(item.group)
            body += "<dt>\(PageHTML.escape(text[.role]))</dt>"
            body += "<dd>\(PageHTML.escape(item.assignment.lead ? text[.lead] : text[.cofacilitator]))</dd>"
            let others = item.others.isEmpty ? text[.nobody] : item.others.joined(separator: ", ")
            body += "<dt>\(PageHTML.escape(text[.coFacilitators]))</dt><dd>\(PageHTML.escape(others))</dd></dl>"
            body += "<p><a href=\"/me/sessions/\(item.assignment.sessionId)\">\(PageHTML.escape(text[.roster]))</a></p>"
            body += "</li>"
        }
        body += "</ul><p><a href=\"/me/blockouts\">\(PageHTML.escape(text[.blockouts]))</a></p>"
        body += "<p><a href=\"/me/busy\">\(PageHTML.escape(text[.busy]))</a></p>"
        body += "<p><a href=\"/me/availability\">\(PageHTML.escape(text[.availability]))</a></p>"
        body += "<p><a href=\"/me/subscribe\">\(PageHTML.escape(text[.subscribe]))</a></p>"
        return PageHTML.response(document(heading: text[.myNextSessions], body: body))
    }

    /// A participant's groups (with the way out) and sessions, moved and cancelled ones marked.
    private func participantHome() async throws -> Response {
        struct Content: Sendable {
            let groups: [(GroupView, Enrolment.State)]
            let sessions: [SessionView]
            let titles: [Int64: GroupView]
        }
        let content = try await run { (scope) throws(KringError) -> Content in
            let me = try scope.listParticipants(group: nil).first
            var groups: [(GroupView, Enrolment.State)] = []
            var titles: [Int64: GroupView] = [:]
            for enrolment in me?.enrolments ?? [] where enrolment.state == .enrolled || enrolment.state == .waitlisted {
                let group = try scope.showGroup(String(enrolment.groupId))
                groups.append((group, enrolment.state))
                titles[group.id] = group
            }
            let cutoff = scope.now.addingTimeInterval(-12 * 60 * 60)
            let sessions = try scope.listSessions(group: nil, from: nil, to: nil)
                .filter { titles[$0.groupId] != nil && (Page.instant($0.end) ?? .distantFuture) >= cutoff }
                .sorted { $0.start < $1.start }.prefix(12)
            return Content(groups: groups, sessions: Array(sessions), titles: titles)
        }
        var body = "<h2>\(PageHTML.escape(text[.mySessions]))</h2>"
        if content.sessions.isEmpty { body += "<p>\(PageHTML.escape(text[.noSessions]))</p>" }
        body += "<ul class=\"cards\">"
        for session in content.sessions {
            let (date, time) = PageHTML.localDateAndTime(session.start, text)
            let title = content.titles[session.groupId]?.title ?? ""
            body += "<li><h3>\(PageHTML.escape(date)) · \(PageHTML.escape(time))</h3>"
            body +=
                "<p>\(PageHTML.escape(title))\(statusMark(session.status, originalStart: session.originalStart))</p>"
            if session.status != .cancelled {
                body += "<p><a href=\"/me/sessions/\(session.id)\">\(PageHTML.escape(text[.cantCome]))</a></p>"
            }
            body += "</li>"
        }
        body += "</ul><h2>\(PageHTML.escape(text[.myGroups]))</h2><ul class=\"cards\">"
        for (group, state) in content.groups {
            body += "<li><p><strong>\(PageHTML.escape(group.title))</strong> — "
            body += PageHTML.escape(state == .enrolled ? text[.enrolled] : text[.waiting]) + "</p><dl>"
            body += place(group) + "</dl>"
            body += "<p><a href=\"/me/groups/\(group.id)/withdraw\">\(PageHTML.escape(text[.withdraw]))</a></p></li>"
        }
        body += "</ul><p><a href=\"/me/subscribe\">\(PageHTML.escape(text[.subscribe]))</a></p>"
        return PageHTML.response(document(heading: text[.mySessions], body: body))
    }

    // MARK: One session

    func session(_ reference: String) async throws -> Response {
        switch scope.caller {
        case .facilitator: return try await roster(reference, note: nil)
        case .participant: return try await participantSession(reference, note: nil)
        case .coordinator: throw KringError.forbidden("coordinator")
        }
    }

    /// The session a caller may see, found the way the API finds it (`listSessions` is already scoped).
    private static func visibleSession(_ reference: String, _ scope: ScopedKring) throws(KringError) -> SessionView {
        guard let id = Int64(reference),
            let session = try scope.listSessions(group: nil, from: nil, to: nil)
                .first(where: { $0.id == id })
        else { throw .notFound("session", reference, "no session has this id") }
        return session
    }

    /// A facilitator's roster of one session: one button per mark and person, and "everyone present".
    private func roster(_ reference: String, note: String?) async throws -> Response {
        let (session, roster, group) = try await run {
            (scope) throws(KringError) -> (SessionView, RosterView, GroupView) in
            let session = try Page.visibleSession(reference, scope)
            let roster = try scope.roster(group: String(session.groupId), session: String(session.id))
            return (session, roster, try scope.showGroup(String(session.groupId)))
        }
        let (date, time) = PageHTML.localDateAndTime(session.start, text)
        var body = "<p>\(PageHTML.escape(group.title)) · \(PageHTML.escape(date)) · \(PageHTML.escape(time))"
        body += statusMark(session.status, originalStart: session.originalStart) + "</p>"
        if let note { body += "<p class=\"note\" role=\"status\">\(PageHTML.escape(note))</p>" }
        if (Page.instant(session.start) ?? .distantPast) > scope.now {
            body += "<p class=\"note\">\(PageHTML.escape(text[.attendanceOpensAtStart]))</p>"
        }
        let action = "/me/sessions/\(session.id)"
        body += "<form method=\"post\" action=\"\(action)/everyone-present\">\(PageHTML.csrfField(csrf))"
        body += "<button type=\"submit\" class=\"primary\">\(PageHTML.escape(text[.everyonePresent]))</button></form>"
        body += "<h2>\(PageHTML.escape(text[.roster]))</h2><ul class=\"cards\">"
        for member in roster.enrolled {
            let mark = member.attendance.map { self.word($0) } ?? text[.unmarked]
            body += "<li><h3>\(PageHTML.escape(member.pseudonym))</h3>"
            body += "<p>\(PageHTML.escape(text[.markedAs])): <span class=\"mark\">\(PageHTML.escape(mark))</span></p>"
            body += "<form method=\"post\" action=\"\(action)/attendance\">\(PageHTML.csrfField(csrf))"
            body += "<input type=\"hidden\" name=\"participant\" value=\"\(member.participantId)\">"
            for status in AttendanceStatus.allCases {
                let pressed = member.attendance == status ? "true" : "false"
                body +=
                    "<button type=\"submit\" name=\"status\" value=\"\(status.rawValue)\" aria-pressed=\"\(pressed)\">"
                body += "\(PageHTML.escape(word(status)))</button>"
            }
            body += "</form></li>"
        }
        body += "</ul>"
        if (Page.instant(session.start) ?? .distantPast) > scope.now, session.status != .cancelled {
            body += "<p><a href=\"\(action)/decline\">\(PageHTML.escape(text[.decline]))</a></p>"
        }
        body += backLink
        return PageHTML.response(document(heading: text[.roster], body: body))
    }

    /// A participant's view of one of their sessions, with "I can't come this time".
    private func participantSession(_ reference: String, note: String?) async throws -> Response {
        let (session, group) = try await run { (scope) throws(KringError) -> (SessionView, GroupView) in
            let session = try Page.visibleSession(reference, scope)
            return (session, try scope.showGroup(String(session.groupId)))
        }
        let (date, time) = PageHTML.localDateAndTime(session.start, text)
        var body = "<dl><dt>\(PageHTML.escape(text[.date]))</dt><dd>\(PageHTML.escape(date))</dd>"
        body += "<dt>\(PageHTML.escape(text[.time]))</dt><dd>\(PageHTML.escape(time))"
        body += statusMark(session.status, originalStart: session.originalStart) + "</dd>"
        body += "<dt>\(PageHTML.escape(text[.session]))</dt><dd>\(PageHTML.escape(group.title))</dd>"
        body += place(group) + "</dl>"
        if let note {
            body += "<p class=\"note\" role=\"status\">\(PageHTML.escape(note))</p>"
        } else if session.status != .cancelled {
            body += "<p>\(PageHTML.escape(text[.cantComeExplain]))</p>"
            body += "<form method=\"post\" action=\"/me/sessions/\(session.id)/excuse\">\(PageHTML.csrfField(csrf))"
            body += "<button type=\"submit\" class=\"primary\">\(PageHTML.escape(text[.cantCome]))</button></form>"
        }
        body += backLink
        return PageHTML.response(document(heading: text[.session], body: body))
    }

    // MARK: Changes

    /// One mark for one person (facilitators; the scope refuses anyone else).
    /// Changing an earlier, different mark asks first (the form comes back with `confirm=yes`).
    func mark(_ reference: String, _ form: [String: String]) async throws -> Response {
        let (participant, status) = (form["participant"] ?? "", form["status"] ?? "")
        let confirmed = form["confirm"] == "yes"
        let earlier = try await run { (scope) throws(KringError) -> (String, AttendanceStatus)? in
            let session = try Page.visibleSession(reference, scope)
            if !confirmed {
                let roster = try scope.roster(group: String(session.groupId), session: String(session.id))
                if let member = roster.enrolled.first(where: { String($0.participantId) == participant }),
                    let mark = member.attendance, mark.rawValue != status
                {
                    return (member.pseudonym, mark)
                }
            }
            _ = try scope.markAttendance(session: String(session.id), participant: participant, status: status)
            return nil
        }
        guard let (pseudonym, mark) = earlier, let wanted = AttendanceStatus(rawValue: status) else {
            return PageHTML.redirect("/me/sessions/\(reference)")
        }
        var body = "<p><strong>\(PageHTML.escape(pseudonym))</strong>: \(PageHTML.escape(text[.changeMarkExplain])) "
        body += "<strong>\(PageHTML.escape(word(mark)))</strong>.</p>"
        body += "<form method=\"post\" action=\"/me/sessions/\(PageHTML.escape(reference))/attendance\">"
        body += PageHTML.csrfField(csrf) + "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"
        body += "<input type=\"hidden\" name=\"participant\" value=\"\(PageHTML.escape(participant))\">"
        body += "<button type=\"submit\" name=\"status\" value=\"\(wanted.rawValue)\" class=\"primary\">"
        body += "\(PageHTML.escape(text[.confirmChange])) \(PageHTML.escape(word(wanted)))</button></form>"
        body += "<p><a href=\"/me/sessions/\(PageHTML.escape(reference))\">\(PageHTML.escape(text[.back]))</a></p>"
        return PageHTML.response(document(heading: text[.changeMarkTitle], body: body))
    }

    // MARK: Facilitators' planning

    /// The decline confirmation: what happens when a facilitator gives a session back.
    func declineConfirmation(_ reference: String) async throws -> Response {
        guard case .facilitator = scope.caller else { throw KringError.forbidden(scope.caller.role.rawValue) }
        let (session, group) = try await run { (scope) throws(KringError) -> (SessionView, GroupView) in
            let session = try Page.visibleSession(reference, scope)
            return (session, try scope.showGroup(String(session.groupId)))
        }
        let (date, time) = PageHTML.localDateAndTime(session.start, text)
        var body = "<p><strong>\(PageHTML.escape(group.title))</strong> · \(PageHTML.escape(date)) · "
        body += "\(PageHTML.escape(time))</p><p>\(PageHTML.escape(text[.declineExplain]))</p>"
        body += "<form method=\"post\" action=\"/me/sessions/\(session.id)/decline\">\(PageHTML.csrfField(csrf))"
        body += "<button type=\"submit\" class=\"primary\">\(PageHTML.escape(text[.declineConfirm]))</button></form>"
        body += backLink
        return PageHTML.response(document(heading: text[.declineTitle], body: body))
    }

    /// Declines through the same operation as `kring facilitator decline`; shows who took the session, if anyone.
    func decline(_ reference: String) async throws -> Response {
        guard case .facilitator(let me) = scope.caller else {
            throw KringError.forbidden(scope.caller.role.rawValue)
        }
        let view = try await run { (scope) throws(KringError) -> DeclineView in
            let session = try Page.visibleSession(reference, scope)
            return try scope.decline(facilitator: String(me), session: String(session.id))
        }
        var body = "<p class=\"note\" role=\"status\">\(PageHTML.escape(text[.declineDone]))</p>"
        let names = view.session.facilitators.map(\.name)
        if !names.isEmpty {
            body += "<p>\(PageHTML.escape(text[.declineTakenBy])) \(PageHTML.escape(names.joined(separator: ", ")))</p>"
        }
        if view.session.openSlots > 0 { body += "<p>\(PageHTML.escape(text[.declineOpen]))</p>" }
        body += backLink
        return PageHTML.response(document(heading: text[.decline], body: body))
    }

    /// Blockouts: the stored ones, each with a button that removes it, and the form that adds one.
    func blockouts(_ stored: [FacilitatorPlanningView.BlockoutView], clashes: [AssignmentConflict] = []) -> Response {
        var body = "<p>\(PageHTML.escape(text[.blockoutsExplain]))</p>" + clashNotice(clashes)
        body += "<h2>\(PageHTML.escape(text[.blockouts]))</h2>"
        if stored.isEmpty { body += "<p>\(PageHTML.escape(text[.noBlockouts]))</p>" }
        body += "<ul>"
        for blockout in stored {
            let (from, to) = (PageHTML.escape(blockout.from), PageHTML.escape(blockout.to))
            body += "<li>\(from) – \(to) <form method=\"post\" action=\"/me/blockouts/remove\" class=\"inline\">"
            body += "\(PageHTML.csrfField(csrf))<input type=\"hidden\" name=\"from\" value=\"\(from)\">"
            body += "<input type=\"hidden\" name=\"to\" value=\"\(to)\">"
            body += "<button type=\"submit\" aria-label=\"\(PageHTML.escape(text[.removeBlockout])) \(from) – \(to)\">"
            body += "\(PageHTML.escape(text[.removeBlockout]))</button></form></li>"
        }
        body += "</ul>"
        body += "<form method=\"post\" action=\"/me/blockouts\">\(PageHTML.csrfField(csrf))"
        body += "<p><label for=\"from\">\(PageHTML.escape(text[.from]))</label><br>"
        body += "<input type=\"date\" id=\"from\" name=\"from\" required></p>"
        body += "<p><label for=\"to\">\(PageHTML.escape(text[.to]))</label><br>"
        body += "<input type=\"date\" id=\"to\" name=\"to\" required></p>"
        body += "<button type=\"submit\" class=\"primary\">\(PageHTML.escape(text[.addBlockout]))</button></form>"
        body += backLink
        return PageHTML.response(document(heading: text[.blockouts], body: body))
    }

    /// The blockouts page as stored now (reading the profile, as `kring facilitator availability F` does).
    func blockoutsPage() async throws -> Response {
        guard case .facilitator(let me) = scope.caller else { throw KringError.forbidden(scope.caller.role.rawValue) }
        let view = try await run { (scope) throws(KringError) -> FacilitatorPlanningView in
            try scope.setAvailability(facilitator: String(me), weekly: [], anyTime: false)
        }
        return blockouts(view.blockouts)
    }

    /// Adds (`remove: false`) or removes one blockout through `facilitator blockout`, then shows what is stored.
    func changeBlockout(_ form: [String: String], remove: Bool) async throws -> Response {
        guard case .facilitator(let me) = scope.caller else {
            throw KringError.forbidden(scope.caller.role.rawValue)
        }
        let (from, to) = (form["from"] ?? "", form["to"] ?? "")
        let view = try await run { (scope) throws(KringError) -> FacilitatorPlanningView in
            try scope.blockout(facilitator: String(me), from: from, to: to, remove: remove)
        }
        return blockouts(view.blockouts, clashes: view.conflicts)
    }

    /// Weekly availability: the stored windows and a form that replaces them (`facilitator availability`).
    func availability(_ form: [String: String]?) async throws -> Response {
        guard case .facilitator(let me) = scope.caller else {
            throw KringError.forbidden(scope.caller.role.rawValue)
        }
        let windows = (1...3).compactMap { form?["window\($0)"]?.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let anyTime = form?["anytime"] == "yes"
        let view = try await run { (scope) throws(KringError) -> FacilitatorPlanningView in
            // Without windows or the flag this only reads the profile, as `kring facilitator availability F` does.
            try scope.setAvailability(facilitator: String(me), weekly: windows, anyTime: anyTime)
        }
        var body = "<p>\(PageHTML.escape(text[.availabilityExplain]))</p>" + clashNotice(view.conflicts)
        let stored = view.weekly.isEmpty ? text[.anyTime] : view.weekly.joined(separator: ", ")
        body += "<p class=\"note\" role=\"status\">\(PageHTML.escape(text[.currentWindows])) "
        body += "\(PageHTML.escape(stored))</p>"
        body += "<form method=\"post\" action=\"/me/availability\">\(PageHTML.csrfField(csrf))"
        for index in 1...3 {
            let value = index <= view.weekly.count ? view.weekly[index - 1] : ""
            body += "<p><label for=\"window\(index)\">\(PageHTML.escape(text[.window])) \(index)</label><br>"
            body += "<input type=\"text\" id=\"window\(index)\" name=\"window\(index)\" "
            body += "value=\"\(PageHTML.escape(value))\" placeholder=\"tu 18:00-22:00\"></p>"
        }
        body += "<p><input type=\"checkbox\" id=\"anytime\" name=\"anytime\" value=\"yes\" class=\"check\"> "
        body += "<label for=\"anytime\">\(PageHTML.escape(text[.anyTime]))</label></p>"
        body += "<button type=\"submit\" class=\"primary\">\(PageHTML.escape(text[.save]))</button></form>" + backLink
        return PageHTML.response(document(heading: text[.availability], body: body))
    }

    /// The sessions a change of the facilitator's own clashes with, by date and time only (the service's
    /// `conflicts`, one line per session); nothing is re-planned until the coordinator does it.
    func clashNotice(_ clashes: [AssignmentConflict]) -> String {
        var seen: Set<Int64> = []
        let sessions = clashes.filter { seen.insert($0.sessionId).inserted }
        guard !sessions.isEmpty else { return "" }
        var html = "<div class=\"note\" role=\"alert\"><p>\(PageHTML.escape(text[.clashes]))</p><ul>"
        for clash in sessions {
            let (date, time) = PageHTML.localDateAndTime(clash.start, text)
            html += "<li>\(PageHTML.escape(date)) \(PageHTML.escape(time))</li>"
        }
        return html + "</ul></div>"
    }

    /// The busy-calendar upload form; after an upload, what was stored (how many intervals, over which window).
    func busyPage(_ stored: BusyImportView?) -> Response {
        guard case .facilitator = scope.caller else {
            return PageHTML.response(document(heading: text[.notFound], body: backLink), status: .notFound)
        }
        var body = "<p>\(PageHTML.escape(text[.busyExplain]))</p>"
        if let stored {
            body += "<p class=\"note\" role=\"status\">\(PageHTML.escape(text[.busyDone])) \(stored.intervals) "
            body += "(\(PageHTML.escape(stored.from)) – \(PageHTML.escape(stored.to)))</p>"
            body += clashNotice(stored.conflicts)
        }
        body += "<form method=\"post\" action=\"/me/busy\" enctype=\"multipart/form-data\">"
        body += PageHTML.csrfField(csrf)
        body += "<p><label for=\"ics\">\(PageHTML.escape(text[.busyFile]))</label><br>"
        body += "<input type=\"file\" id=\"ics\" name=\"ics\" accept=\".ics,text/calendar\" required></p>"
        body += "<button type=\"submit\" class=\"primary\">\(PageHTML.escape(text[.busyUpload]))</button></form>"
        body += backLink
        return PageHTML.response(document(heading: text[.busy], body: body))
    }

    /// The subscribe page: what the link does, and a button that makes it (a new feed-only token each time).
    func subscribePage() -> Response {
        var body = "<p>\(PageHTML.escape(text[.subscribeExplain]))</p>"
        body += "<form method=\"post\" action=\"/me/subscribe\">\(PageHTML.csrfField(csrf))"
        body += "<button type=\"submit\" class=\"primary\">\(PageHTML.escape(text[.subscribeButton]))</button></form>"
        body += "<p><a href=\"/me/calendar.ics\">\(PageHTML.escape(text[.calendar]))</a></p>" + backLink
        return PageHTML.response(document(heading: text[.subscribe], body: body))
    }

    /// Issues the caller's own feed-only token and shows it as a webcal link and as plain text to copy.
    func subscribe(host: String, secure: Bool) async throws -> Response {
        let issued = try await run { (scope) throws(KringError) -> IssuedTokenView in try scope.issueOwnFeedToken() }
        let path = "//\(host)/feeds/\(issued.token).ics"
        let webcal = (secure ? "webcals:" : "webcal:") + path
        let plain = (secure ? "https:" : "http:") + path
        var body = "<p>\(PageHTML.escape(text[.subscribeDone]))</p>"
        body += "<p><a class=\"feed\" href=\"\(PageHTML.escape(webcal))\">\(PageHTML.escape(text[.subscribe]))</a></p>"
        if let code = QRCode(webcal) {
            body += "<p>\(PageHTML.escape(text[.subscribeScan]))</p>"
            body += "<p class=\"qr\">\(code.svg(pixels: 232, label: PageHTML.escape(text[.subscribeScanLabel])))</p>"
        }
        body += "<p><label for=\"feed\">URL</label><br><input id=\"feed\" type=\"text\" readonly "
        body += "value=\"\(PageHTML.escape(plain))\"></p>" + backLink
        return PageHTML.response(document(heading: text[.subscribe], body: body))
    }

    /// The caller's own calendar as a file to open in a phone's calendar app.
    func calendarFile() async throws -> Response {
        let feeds = feeds
        let body = try await run { (scope) throws(KringError) -> String? in try scope.feed(from: feeds) }
        guard let body else { throw KringError.notFound("calendar", "", "no calendar") }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/calendar; charset=utf-8", .contentDisposition: "attachment; filename=\"kring.ics\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Marks every enrolled person present, each through the same operation as one mark.
    func everyonePresent(_ reference: String) async throws -> Response {
        _ = try await run { (scope) throws(KringError) -> Int in
            let session = try Page.visibleSession(reference, scope)
            let roster = try scope.roster(group: String(session.groupId), session: String(session.id))
            for member in roster.enrolled {
                _ = try scope.markAttendance(
                    session: String(session.id), participant: String(member.participantId), status: "present")
            }
            return roster.enrolled.count
        }
        return PageHTML.redirect("/me/sessions/\(reference)")
    }

    /// "I can't come this time": the participant's own mark, excused.
    func excuse(_ reference: String) async throws -> Response {
        guard case .participant(let me) = scope.caller else { throw KringError.forbidden(scope.caller.role.rawValue) }
        _ = try await run { (scope) throws(KringError) -> AttendanceView in
            let session = try Page.visibleSession(reference, scope)
            return try scope.markAttendance(session: String(session.id), participant: String(me), status: "excused")
        }
        return try await participantSession(reference, note: text[.cantComeDone])
    }

    /// The confirmation before withdrawing: what happens, and whom to call to come back.
    func withdrawConfirmation(_ reference: String) async throws -> Response {
        guard case .participant = scope.caller else { throw KringError.forbidden(scope.caller.role.rawValue) }
        let language = text.language
        let (group, contact) = try await run { (scope) throws(KringError) -> (GroupView, String?) in
            (try scope.showGroup(reference), try scope.organisationText(language))
        }
        var body = "<p><strong>\(PageHTML.escape(group.title))</strong></p>"
        body += "<p>\(PageHTML.escape(text[.withdrawExplain]))</p>"
        if let contact {
            let lines = contact.split(separator: "\n", omittingEmptySubsequences: false).map {
                PageHTML.escape(String($0))
            }
            body += "<p class=\"note\">\(lines.joined(separator: "<br>"))</p>"
        }
        body += "<form method=\"post\" action=\"/me/groups/\(group.id)/withdraw\">\(PageHTML.csrfField(csrf))"
        body += "<button type=\"submit\" class=\"primary\">\(PageHTML.escape(text[.withdrawConfirm]))</button></form>"
        body += backLink
        return PageHTML.response(document(heading: text[.withdrawTitle], body: body))
    }

    func withdraw(_ reference: String) async throws -> Response {
        guard case .participant(let me) = scope.caller else { throw KringError.forbidden(scope.caller.role.rawValue) }
        _ = try await run { (scope) throws(KringError) -> EnrolmentChangeView in
            let group = try scope.showGroup(reference)
            return try scope.withdraw(String(me), group: String(group.id), erase: false)
        }
        let body = "<p class=\"note\" role=\"status\">\(PageHTML.escape(text[.withdrawDone]))</p>" + backLink
        return PageHTML.response(document(heading: text[.withdraw], body: body))
    }

    // MARK: Pieces

    private func place(_ group: GroupView) -> String {
        var html = ""
        if let venue = group.venue, !venue.isEmpty {
            html += "<dt>\(PageHTML.escape(text[.place]))</dt><dd>\(PageHTML.escape(venue))</dd>"
        }
        if let online = group.online, !online.isEmpty {
            let shown = PageHTML.escape(online)
            let link = online.hasPrefix("https://") ? "<a href=\"\(shown)\" rel=\"noreferrer\">\(shown)</a>" : shown
            html += "<dt>\(PageHTML.escape(text[.online]))</dt><dd>\(link)</dd>"
        }
        return html
    }

    private func statusMark(_ status: Session.Status, originalStart: String?) -> String {
        switch status {
        case .cancelled: return " <span class=\"status\">(\(PageHTML.escape(text[.cancelled])))</span>"
        case .moved:
            var mark = " <span class=\"status\">(\(PageHTML.escape(text[.moved]))"
            if let originalStart {
                let (date, time) = PageHTML.localDateAndTime(originalStart, text)
                mark += "; \(PageHTML.escape(text[.was])) \(PageHTML.escape(date)) \(PageHTML.escape(time))"
            }
            return mark + ")</span>"
        default: return ""
        }
    }

    private func word(_ status: AttendanceStatus) -> String {
        switch status {
        case .present: text[.present]
        case .absent: text[.absent]
        case .excused: text[.excused]
        }
    }

    static func instant(_ iso: String) -> Date? { ISO8601DateFormatter().date(from: iso) }
}
