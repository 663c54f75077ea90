import Foundation
import KringTestSupport
import Testing

/// Facilitators' invites through the outbox, through the real binary: each holds only that facilitator's sessions,
/// one ATTENDEE (them), the role address as ORGANIZER and nothing about participants, colleagues or the group.
@Suite(.timeLimit(.minutes(10))) struct FacilitatorInviteTests {
    static let addresses = ["An Claes": "an.claes@example.org", "Bo Smet": "bo.smet@example.org"]
    static let organizer = "groepen@example.org"

    /// A parents' group with an internal name, six weekly sessions, one facilitator per session, two facilitators
    /// with an address, and an enrolled participant with one too.
    static func staffedGroup() throws -> (KringSandbox, [[String: Any]]) {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "ouders-intern-gent", "--audience", "parents", "--language", "nl",
            "--capacity", "8", "--facilitators", "1", "--venue", "Gent",
        ])
        try sandbox.ok([
            "series", "add", "--group", "ouders-intern-gent", "--start", "2027-03-15T19:00", "--duration", "120",
            "--rrule", "FREQ=WEEKLY;COUNT=6",
        ])
        try sandbox.ok(["group", "open", "ouders-intern-gent"])
        try sandbox.ok([
            "participant", "enrol", "--group", "ouders-intern-gent", "--pseudonym", "Stille Eik", "--relation",
            "parent", "--contact", "eik@example.org",
        ])
        for (name, address) in addresses.sorted(by: { $0.key < $1.key }) {
            try sandbox.ok(["facilitator", "add", "--name", name, "--languages", "nl", "--lead", "--contact", address])
        }
        try sandbox.ok(["config", "set", "organizer", organizer])
        let sessions = try sandbox.ok(["session", "list", "--format", "json"]).array()
        return (sandbox, sessions)
    }

    /// `2027-03-29T19:00:00+02:00` as the local DATE-TIME of a RECURRENCE-ID or EXDATE: `20270329T190000`.
    static func icalLocal(_ iso: String) -> String {
        String(iso.prefix(19)).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }

    static func id(_ session: [String: Any]) -> String { String(session["id"] as! Int) }

    static func pending(_ sandbox: KringSandbox, _ facilitator: String) throws -> [[String: Any]] {
        try sandbox.ok(["invites", "list", "--format", "json"]).array()
            .filter { $0["facilitator"] as? String == facilitator }
    }

    /// Exports one facilitator's pending invites to a fresh folder and returns each file's method and text.
    static func export(_ sandbox: KringSandbox, _ facilitator: String, _ folder: String) throws
        -> [(method: String, text: String)]
    {
        let out = sandbox.folder.appendingPathComponent(folder)
        let view = try sandbox.ok([
            "invites", "export", "--out", out.path, "--facilitator", facilitator, "--format", "json",
        ]).object()
        return try (view["files"] as! [[String: Any]]).map { file in
            let text = try String(contentsOf: out.appendingPathComponent(file["file"] as! String), encoding: .utf8)
            return (file["method"] as! String, CalendarExportTests.unfolded(text))
        }
    }

    /// What every facilitator invite must hold, whatever it says.
    static func expectPrivate(_ text: String, to facilitator: String) {
        let attendees = CalendarExportTests.lines(text, "ATTENDEE")
        let events = text.components(separatedBy: "BEGIN:VEVENT").count - 1
        #expect(events >= 1)
        #expect(attendees.count == events, "one ATTENDEE per VEVENT")
        #expect(
            Set(attendees.map { $0.split(separator: ":").dropFirst().joined(separator: ":") }) == [
                "mailto:\(addresses[facilitator]!)"
            ])
        #expect(CalendarExportTests.lines(text, "ORGANIZER").allSatisfy { $0 == "ORGANIZER:mailto:\(organizer)" })
        #expect(CalendarExportTests.lines(text, "ORGANIZER").count == events)
        for (other, address) in addresses where other != facilitator {
            #expect(!text.contains(other))
            #expect(!text.contains(address))
        }
        for secret in ["Stille Eik", "eik@example.org", "ouders", "intern", "parents"] {
            #expect(!text.lowercased().contains(secret.lowercased()), "\(secret) in an invite to \(facilitator)")
        }
    }

    @Test func assignDeclineUnassignMoveCancelCloseQueueOnlyTheFacilitatorsConcerned() throws {
        let (sandbox, sessions) = try Self.staffedGroup()
        let ids = sessions.map(Self.id)
        // An gets sessions 0, 1, 3; Bo 2, 4, 5.
        for (index, name) in [
            (0, "An Claes"), (1, "An Claes"), (3, "An Claes"), (2, "Bo Smet"), (4, "Bo Smet"),
            (5, "Bo Smet"),
        ] {
            try sandbox.ok(["assignment", "set", ids[index], "--facilitator", name])
        }
        // Three assignments for each, one REQUEST each: the pending one is rendered as the schedule stands.
        #expect(try Self.pending(sandbox, "An Claes").map { $0["method"] as? String } == ["request"])
        #expect(try Self.pending(sandbox, "Bo Smet").map { $0["method"] as? String } == ["request"])
        let listing = try sandbox.ok(["invites", "list"]).stdout
        #expect(listing.contains("facilitator An Claes"))
        #expect(listing.contains("participant Stille Eik"))
        #expect(
            try sandbox.ok(["invites", "list", "--format", "json"]).array()
                .contains { $0["recipient"] as? String == "facilitator Bo Smet" && $0["participant"] == nil })

        // --facilitator exports An's only; Bo's and the participant's stay pending.
        let first = try Self.export(sandbox, "An Claes", "an-1")
        #expect(first.count == 1)
        let request = first[0].text
        #expect(first[0].method == "request")
        #expect(request.contains("\r\nMETHOD:REQUEST\r\n"))
        Self.expectPrivate(request, to: "An Claes")
        let exdates = Set(CalendarExportTests.lines(request, "EXDATE").map { String($0.suffix(15)) })
        #expect(exdates == Set([2, 4, 5].map { Self.icalLocal(sessions[$0]["start"] as! String) }))
        #expect(!request.contains("RECURRENCE-ID"))
        let firstSequence = try #require(CalendarExportTests.sequences(request).first)
        #expect(try Self.pending(sandbox, "Bo Smet").count == 1)
        #expect(
            try sandbox.ok(["invites", "list", "--format", "json"]).array()
                .contains { $0["participant"] as? String == "Stille Eik" })
        let bo = try Self.export(sandbox, "Bo Smet", "bo-1")
        #expect(bo.count == 1)
        Self.expectPrivate(bo[0].text, to: "Bo Smet")
        try sandbox.ok(["invites", "export", "--out", sandbox.folder.appendingPathComponent("rest").path])
        // Nothing pending: a second export writes nothing.
        #expect(try Self.export(sandbox, "An Claes", "an-again").isEmpty)

        // Decline: a CANCEL of that one session for An; whoever takes it over gets a REQUEST.
        try sandbox.ok(["facilitator", "decline", "--yes", "An Claes", "--session", ids[1]])
        let declined = try Self.export(sandbox, "An Claes", "an-decline")
        #expect(declined.map(\.method) == ["cancel"])
        #expect(declined[0].text.contains("\r\nMETHOD:CANCEL\r\n"))
        #expect(
            declined[0].text.contains(
                "RECURRENCE-ID;TZID=Europe/Brussels:\(Self.icalLocal(sessions[1]["start"] as! String))"))
        Self.expectPrivate(declined[0].text, to: "An Claes")
        let takenBy = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
            .filter { $0["sessionId"] as? Int == sessions[1]["id"] as? Int }.compactMap { $0["facilitator"] as? String }
        #expect(
            try Self.pending(sandbox, "Bo Smet").map { $0["method"] as? String }
                == (takenBy == ["Bo Smet"] ? ["request"] : []))
        try sandbox.ok(["invites", "export", "--out", sandbox.folder.appendingPathComponent("after-decline").path])

        // Unassign: a CANCEL with RECURRENCE-ID for that session only.
        try sandbox.ok(["assignment", "remove", ids[3], "--facilitator", "An Claes"])
        let removed = try Self.export(sandbox, "An Claes", "an-remove")
        #expect(removed.map(\.method) == ["cancel"])
        #expect(
            removed[0].text.contains(
                "RECURRENCE-ID;TZID=Europe/Brussels:\(Self.icalLocal(sessions[3]["start"] as! String))"))
        #expect(try Self.pending(sandbox, "Bo Smet").isEmpty)

        // Move An's remaining session: a REQUEST with a higher SEQUENCE on master and override; Bo hears nothing.
        try sandbox.ok(["session", "move", ids[0], "--to", "2027-03-16T18:30"])
        #expect(try Self.pending(sandbox, "Bo Smet").isEmpty)
        let moved = try Self.export(sandbox, "An Claes", "an-move")
        #expect(moved.map(\.method) == ["request"])
        let movedText = moved[0].text
        Self.expectPrivate(movedText, to: "An Claes")
        #expect(movedText.contains("RECURRENCE-ID;TZID=Europe/Brussels:20270315T190000"))
        #expect(movedText.contains("DTSTART;TZID=Europe/Brussels:20270316T183000"))
        let sequences = CalendarExportTests.sequences(movedText)
        #expect(sequences.count == 2)
        #expect(Set(sequences).count == 1)
        #expect(sequences.allSatisfy { $0 > firstSequence })
        // Every occurrence but the moved one is excluded: An has no other session left.
        #expect(CalendarExportTests.lines(movedText, "EXDATE").count == 5)

        // Cancel one of Bo's: a CANCEL with RECURRENCE-ID to Bo; An hears nothing.
        try sandbox.ok(["session", "cancel", "--yes", ids[4]])
        #expect(try Self.pending(sandbox, "An Claes").isEmpty)
        let cancelled = try Self.export(sandbox, "Bo Smet", "bo-cancel")
        #expect(cancelled.map(\.method) == ["cancel"])
        #expect(
            cancelled[0].text.contains(
                "RECURRENCE-ID;TZID=Europe/Brussels:\(Self.icalLocal(sessions[4]["start"] as! String))"))
        Self.expectPrivate(cancelled[0].text, to: "Bo Smet")

        // Closing the group: one whole-series CANCEL to each facilitator who still had a session.
        try sandbox.ok(["group", "close", "--yes", "ouders-intern-gent"])
        for name in ["An Claes", "Bo Smet"] {
            let closed = try Self.export(sandbox, name, "close-\(name.prefix(2))")
            #expect(closed.map(\.method) == ["cancel"], "\(name)")
            let text = try #require(closed.first?.text)
            #expect(!text.contains("RECURRENCE-ID"))
            #expect(text.contains("STATUS:CANCELLED"))
            Self.expectPrivate(text, to: name)
        }
        #expect(try Self.export(sandbox, "An Claes", "an-last").isEmpty)
    }

    /// The sequence that sent two identical REQUESTs to one facilitator: a REQUEST pending, a session taken away (an
    /// occurrence CANCEL queued behind it), a session added (a second REQUEST, because only the latest message was
    /// looked at). Now one REQUEST stays, and export sends only it: it already leaves the lost session out.
    @Test func aRequestAfterACancelBehindAPendingRequestIsNotQueuedTwice() throws {
        let (sandbox, sessions) = try Self.staffedGroup()
        let ids = sessions.map(Self.id)
        try sandbox.ok(["assignment", "set", ids[0], "--facilitator", "An Claes"])
        try sandbox.ok(["assignment", "set", ids[1], "--facilitator", "An Claes"])
        try sandbox.ok(["assignment", "remove", ids[1], "--facilitator", "An Claes"])
        try sandbox.ok(["assignment", "set", ids[2], "--facilitator", "An Claes"])
        let methods = try Self.pending(sandbox, "An Claes").map { $0["method"] as? String }
        #expect(methods.filter { $0 == "request" }.count == 1, "\(methods)")
        let files = try Self.export(sandbox, "An Claes", "an-once")
        #expect(files.map(\.method) == ["request"])
    }

    @Test func aFacilitatorWithoutAddressGetsNothingAndClearingDropsPendingInvites() throws {
        let (sandbox, sessions) = try Self.staffedGroup()
        try sandbox.ok(["facilitator", "add", "--name", "Cas Wouters", "--languages", "nl", "--lead"])
        try sandbox.ok(["assignment", "set", Self.id(sessions[0]), "--facilitator", "Cas Wouters"])
        try sandbox.ok(["assignment", "set", Self.id(sessions[1]), "--facilitator", "An Claes"])
        #expect(try Self.pending(sandbox, "Cas Wouters").isEmpty)
        #expect(try Self.pending(sandbox, "An Claes").count == 1)
        // Giving Cas an address queues the REQUEST for what he already has.
        try sandbox.ok(["facilitator", "update", "Cas Wouters", "--contact", "cas@example.org"])
        #expect(try Self.pending(sandbox, "Cas Wouters").map { $0["method"] as? String } == ["request"])
        try sandbox.ok(["invites", "export", "--out", sandbox.folder.appendingPathComponent("cas").path])
        try sandbox.ok(["facilitator", "update", "Cas Wouters", "--contact", "CAS@example.org"])
        #expect(try Self.pending(sandbox, "Cas Wouters").isEmpty)
        try sandbox.ok(["facilitator", "update", "Cas Wouters", "--contact", "cas.wouters@example.org"])
        #expect(try Self.pending(sandbox, "Cas Wouters").map { $0["method"] as? String } == ["request"])
        try sandbox.ok(["assignment", "set", Self.id(sessions[2]), "--facilitator", "An Claes"])
        #expect(try Self.pending(sandbox, "An Claes").count == 1)
        try sandbox.ok(["facilitator", "update", "An Claes", "--clear-contact"])
        #expect(try Self.pending(sandbox, "An Claes").isEmpty)
        let facilitators = try sandbox.ok(["facilitator", "list", "--format", "json"]).array()
        #expect(facilitators.first { $0["name"] as? String == "An Claes" }?["hasContact"] as? Bool == false)
        #expect(facilitators.first { $0["name"] as? String == "Cas Wouters" }?["hasContact"] as? Bool == true)
    }

    @Test func kringAssignQueuesOneRequestPerFacilitatorAndNothingWhenTheReplanChangesNothing() throws {
        let (sandbox, _) = try Self.staffedGroup()
        try sandbox.ok(["assign", "--yes", "--group", "ouders-intern-gent"])
        let assigned = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
        let people = Set(assigned.compactMap { $0["facilitator"] as? String })
        #expect(!people.isEmpty)
        for name in Self.addresses.keys.sorted() {
            let expected = people.contains(name) ? ["request"] : []
            #expect(try Self.pending(sandbox, name).map { $0["method"] as? String } == expected, "\(name)")
        }
        try sandbox.ok(["invites", "export", "--out", sandbox.folder.appendingPathComponent("first").path])
        try sandbox.ok(["assign", "--yes", "--group", "ouders-intern-gent"])
        #expect(try sandbox.ok(["assignment", "list", "--format", "json"]).array().count == assigned.count)
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
    }
}
