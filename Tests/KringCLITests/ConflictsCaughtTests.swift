import Foundation
import KringTestSupport
import Testing

/// Issue 12, "conflicts arrive silently", replayed through the binary: every change that breaks a hard rule of a
/// stored assignment names each affected session in its own output, changes no assignment and no calendar, and
/// `kring assign --only-affected` re-plans exactly those sessions.
@Suite(.timeLimit(.minutes(10))) struct ConflictsCaughtTests {
    /// One Tuesday group of four sessions, four facilitators available on Tuesday and Thursday evenings; planned,
    /// and the invites of that plan already exported, so any invite pending afterwards comes from a later change.
    static let scenario = """
        facilitators:
          - { name: An Claes, languages: [nl], lead: true, availability: ["tu 18:00-22:00", "th 18:00-22:00"] }
          - { name: Bart Peeters, languages: [nl], lead: true, availability: ["tu 18:00-22:00", "th 18:00-22:00"] }
          - { name: Co Drie, languages: [nl], availability: ["tu 18:00-22:00", "th 18:00-22:00"] }
          - { name: Co Vier, languages: [nl], availability: ["tu 18:00-22:00", "th 18:00-22:00"] }
        groups:
          - name: avond
            audience: partners
            language: nl
            capacity: 8
            venue: Gent
            series: [{ start: "2027-01-12T19:00", duration: 120, rrule: "FREQ=WEEKLY;BYDAY=TU;COUNT=4" }]
            participants: [{ pseudonym: Stille Eik, relation: partner }]
        """

    static func planned() throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        let file = sandbox.folder.appendingPathComponent("scenario.yaml")
        try scenario.write(to: file, atomically: true, encoding: .utf8)
        try sandbox.ok(["import", file.path])
        try sandbox.ok(["config", "set", "organizer", "groepen@example.org"])
        for name in ["An Claes", "Bart Peeters", "Co Drie", "Co Vier"] {
            let address = name.lowercased().replacingOccurrences(of: " ", with: ".") + "@example.org"
            try sandbox.ok(["facilitator", "update", name, "--contact", address])
        }
        try sandbox.ok(["assign", "--yes"])
        try sandbox.ok(["invites", "export", "--out", sandbox.folder.appendingPathComponent("first").path])
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
        return sandbox
    }

    /// (session id, facilitator name) of every stored assignment, with the lead flag.
    static func assignments(_ sandbox: KringSandbox) throws -> Set<String> {
        Set(
            try sandbox.ok(["assignment", "list", "--format", "json"]).array().map {
                "\($0["sessionId"]!) \($0["facilitator"]!) \($0["lead"]!)"
            })
    }

    /// The sessions `name` is assigned to: (id, start).
    static func sessions(of name: String, _ sandbox: KringSandbox) throws -> [(id: Int, start: String)] {
        try sandbox.ok(["assignment", "list", "--facilitator", name, "--format", "json"]).array().map {
            ($0["sessionId"] as! Int, $0["start"] as! String)
        }
    }

    static func conflicts(_ object: [String: Any]) -> [[String: Any]] { object["conflicts"] as? [[String: Any]] ?? [] }

    @Test func aBlockoutNamesTheSessionChangesNothingAndOnlyAffectedReplansExactlyIt() throws {
        let sandbox = try Self.planned()
        let hers = try Self.sessions(of: "An Claes", sandbox)
        let target = try #require(hers.first)
        let day = String(target.start.prefix(10))
        let before = try Self.assignments(sandbox)

        let added = try sandbox.ok(["facilitator", "blockout", "An Claes", "--from", day, "--to", day])
        #expect(added.stdout.contains("conflicts with stored assignments (nothing re-planned yet):"), "\(added.stdout)")
        #expect(
            added.stdout.contains(
                "- session \(target.id) (avond, \(day) 19:00 (+01:00)): An Claes breaks the hard rule "
                    + "'blockout': blocked out \(day) to \(day)"), "\(added.stdout)")
        #expect(added.stdout.contains("kring assign --only-affected"))
        // Reporting changed nothing: the same assignments, and no invite for anyone's calendar.
        #expect(try Self.assignments(sandbox) == before)
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
        // The profile keeps saying so until it is resolved.
        let shown = try sandbox.ok(["facilitator", "availability", "An Claes", "--format", "json"]).object()
        let listed = Self.conflicts(shown)
        #expect(listed.count == 1)
        #expect(listed.first?["sessionId"] as? Int == target.id)
        #expect(listed.first?["rule"] as? String == "blockout")
        #expect(listed.first?["facilitator"] as? String == "An Claes")
        #expect(listed.first?["group"] as? String == "avond")
        #expect((listed.first?["start"] as? String)?.hasPrefix(day + "T19:00") == true)

        // A dry run shows the re-plan of that one session and stores nothing.
        let preview = try sandbox.ok(["assign", "--only-affected", "--dry-run", "--format", "json"]).object()
        #expect((preview["sessions"] as? [[String: Any]])?.map { $0["sessionId"] as? Int } == [target.id])
        #expect(try Self.assignments(sandbox) == before)

        let run = try sandbox.ok(["assign", "--only-affected", "--yes", "--format", "json"]).object()
        #expect((run["sessions"] as? [[String: Any]])?.map { $0["sessionId"] as? Int } == [target.id])
        let changes = try #require(run["changes"] as? [[String: Any]])
        #expect(!changes.isEmpty)
        #expect(changes.allSatisfy { $0["sessionId"] as? Int == target.id })
        #expect(changes.contains { $0["kind"] as? String == "removed" && $0["facilitator"] as? String == "An Claes" })
        let after = try Self.assignments(sandbox)
        let prefix = "\(target.id) "
        #expect(before.filter { !$0.hasPrefix(prefix) } == after.filter { !$0.hasPrefix(prefix) })
        #expect(!after.contains { $0.hasPrefix(prefix + "An Claes") })
        #expect(after.filter { $0.hasPrefix(prefix) }.count == 2)
        // Now the plan changed, and with it her calendar: an invite is pending for her.
        let pending = try sandbox.ok(["invites", "list", "--format", "json"]).array()
        #expect(pending.contains { $0["facilitator"] as? String == "An Claes" })
        #expect(
            Self.conflicts(try sandbox.ok(["facilitator", "availability", "An Claes", "--format", "json"]).object())
                .isEmpty)
        // Nothing left to re-plan: a second run changes nothing.
        let again = try sandbox.ok(["assign", "--only-affected", "--yes", "--format", "json"]).object()
        #expect((again["changes"] as? [Any])?.isEmpty == true)
        #expect(try Self.assignments(sandbox) == after)
    }

    @Test func availabilityExclusionAndBusyTimeEachNameTheirSessions() throws {
        let sandbox = try Self.planned()
        let before = try Self.assignments(sandbox)
        let hers = try Self.sessions(of: "An Claes", sandbox).map(\.id).sorted()
        #expect(!hers.isEmpty)

        let windows = try sandbox.ok([
            "facilitator", "availability", "An Claes", "--weekly", "we 18:00-22:00", "--format", "json",
        ]).object()
        #expect(Self.conflicts(windows).compactMap { $0["sessionId"] as? Int }.sorted() == hers)
        #expect(Self.conflicts(windows).allSatisfy { $0["rule"] as? String == "outsideWeeklyWindow" })
        let table = try sandbox.ok(["facilitator", "availability", "An Claes"]).stdout
        #expect(table.contains("breaks the hard rule 'weekly availability': outside their weekly availability (we"))
        let cleared = try sandbox.ok(["facilitator", "availability", "An Claes", "--any-time", "--format", "json"])
        #expect(Self.conflicts(try cleared.object()).isEmpty)

        let excluded = try sandbox.ok([
            "facilitator", "exclude", "An Claes", "--participant", "Stille Eik", "--format", "json",
        ]).object()
        #expect(Self.conflicts(excluded).compactMap { $0["sessionId"] as? Int }.sorted() == hers)
        #expect(Self.conflicts(excluded).allSatisfy { $0["rule"] as? String == "excludedFromGroup" })
        let unexcluded = try sandbox.ok([
            "facilitator", "exclude", "An Claes", "--participant", "Stille Eik", "--remove", "--format", "json",
        ])
        #expect(Self.conflicts(try unexcluded.object()).isEmpty)
        let group = try sandbox.ok(["facilitator", "exclude", "An Claes", "--group", "avond"]).stdout
        for id in hers { #expect(group.contains("- session \(id) (avond, ")) }
        #expect(group.contains("'exclusion': excluded from this group"))
        try sandbox.ok(["facilitator", "exclude", "An Claes", "--group", "avond", "--remove"])

        // Her own calendar says she is busy on the evening of her first session.
        let first = try #require(try Self.sessions(of: "An Claes", sandbox).first)
        let day = first.start.prefix(10).replacingOccurrences(of: "-", with: "")
        let file = sandbox.folder.appendingPathComponent("an.ics").path
        try PrivateCalendarFile.text(start: "\(day)T180000", end: "\(day)T200000", weeks: 1)
            .write(toFile: file, atomically: true, encoding: .utf8)
        let busy = try sandbox.ok(["facilitator", "busy", "An Claes", "--ics", file, "--format", "json"]).object()
        #expect(Self.conflicts(busy).map { "\($0["sessionId"]!) \($0["rule"]!)" } == ["\(first.id) busy"])
        let busyTable = try sandbox.ok(["facilitator", "busy", "An Claes", "--ics", file]).stdout
        #expect(busyTable.contains("- session \(first.id) (avond, "), "\(busyTable)")
        #expect(busyTable.contains("An Claes breaks the hard rule 'busy time'"))
        // None of these reports moved anyone.
        #expect(try Self.assignments(sandbox) == before)
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().isEmpty)
    }

    @Test func aSessionMoveWarnsOfASkippedHolidayItsFacilitatorsRulesAndKeepApart() throws {
        let sandbox = try Self.planned()
        try sandbox.ok([
            "series", "add", "--group", "avond", "--start", "2027-03-23T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;COUNT=3", "--skip-holidays", "be",
        ])
        try sandbox.ok(["assign", "--yes"])
        let sessions = try sandbox.ok([
            "session", "list", "--group", "avond", "--from", "2027-04-01", "--format", "json",
        ])
        .array()
        let april = String(try #require(sessions.first?["id"] as? Int))
        let staff = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
            .filter { String($0["sessionId"] as! Int) == april }.compactMap { $0["facilitator"] as? String }
        #expect(staff.count == 2)

        // Easter Monday 2027, a public holiday the series skips, and a Monday: outside both facilitators' windows.
        let moved = try sandbox.ok(["session", "move", april, "--to", "2027-03-29T19:00", "--format", "json"]).object()
        let warnings = try #require(moved["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["rule"] as? String } == ["holiday"])
        #expect(warnings.first?["date"] as? String == "2027-03-29")
        #expect((warnings.first?["text"] as? String)?.contains("Paasmaandag") == true)
        let conflicts = Self.conflicts(moved)
        #expect(Set(conflicts.compactMap { $0["facilitator"] as? String }) == Set(staff))
        #expect(conflicts.allSatisfy { $0["rule"] as? String == "outsideWeeklyWindow" })
        #expect(conflicts.allSatisfy { String($0["sessionId"] as! Int) == april })

        // A Thursday one of them blocked out, with the table output a coordinator reads.
        let away = staff[0]
        try sandbox.ok(["facilitator", "blockout", away, "--from", "2027-04-08", "--to", "2027-04-08"])
        let table = try sandbox.ok(["session", "move", april, "--to", "2027-04-08T19:00"]).stdout
        #expect(
            table.contains(
                "- session \(april) (avond, 2027-04-08 19:00 (+02:00)): \(away) breaks the hard rule "
                    + "'blockout': blocked out 2027-04-08 to 2027-04-08"), "\(table)")
        #expect(!table.contains("warning:"), "a Thursday is no holiday: \(table)")

        // Keep-apart: another group meets at the same venue that Thursday evening, with someone kept apart from
        // a participant of this group; and two people of this group marked apart after they were both enrolled.
        try sandbox.ok([
            "group", "create", "--name", "middag", "--audience", "parents", "--language", "nl", "--capacity", "4",
            "--venue", "gent",
        ])
        try sandbox.ok([
            "series", "add", "--group", "middag", "--start", "2027-04-15T19:30", "--duration", "90", "--rrule",
            "FREQ=WEEKLY;COUNT=1",
        ])
        try sandbox.ok(["group", "open", "middag"])
        try sandbox.ok(["participant", "enrol", "--group", "middag", "--pseudonym", "Rode Vos", "--relation", "parent"])
        try sandbox.ok(["participant", "keep-apart", "Stille Eik", "Rode Vos"])
        try sandbox.ok([
            "participant", "enrol", "--group", "avond", "--pseudonym", "Blauwe Reiger", "--relation", "partner",
        ])
        try sandbox.ok(["participant", "keep-apart", "Stille Eik", "Blauwe Reiger"])
        let together = try sandbox.ok(["session", "move", april, "--to", "2027-04-15T19:00", "--format", "json"])
            .object()
        let apart = try #require(together["warnings"] as? [[String: Any]]).filter {
            $0["rule"] as? String == "keepApart"
        }
        #expect(apart.count == 2, "\(apart)")
        #expect(apart.allSatisfy { $0["date"] as? String == "2027-04-15" })
        let texts = apart.compactMap { $0["text"] as? String }
        #expect(texts.contains { $0.contains("'Stille Eik'") && $0.contains("'Rode Vos'") && $0.contains("middag") })
        #expect(texts.contains { $0.contains("'Stille Eik'") && $0.contains("'Blauwe Reiger'") })
        // Moved away from the other group's evening, only the pair inside this group is left to warn about.
        let later = try sandbox.ok(["session", "move", april, "--to", "2027-04-13T19:00"]).stdout
        #expect(later.contains("warning: 'Stille Eik' and 'Blauwe Reiger' are marked keep-apart"), "\(later)")
        #expect(!later.contains("Rode Vos"))
    }

    /// A participant their facilitator knows enrols in the group: the enrolment names the sessions now in conflict.
    @Test func anEnrolmentNextToAFacilitatorWhoKnowsThemNamesTheSessions() throws {
        let sandbox = try Self.planned()
        try sandbox.ok([
            "group", "create", "--name", "middag", "--audience", "partners", "--language", "nl", "--capacity", "4",
        ])
        try sandbox.ok([
            "series", "add", "--group", "middag", "--start", "2027-01-14T14:00", "--duration", "90", "--rrule",
            "FREQ=WEEKLY;COUNT=2",
        ])
        try sandbox.ok(["group", "open", "middag"])
        try sandbox.ok([
            "participant", "enrol", "--group", "middag", "--pseudonym", "Rode Vos", "--relation", "partner",
        ])
        let none = try sandbox.ok([
            "facilitator", "exclude", "An Claes", "--participant", "Rode Vos", "--format", "json",
        ]).object()
        #expect(Self.conflicts(none).isEmpty, "she is not in An's group yet")
        let before = try Self.assignments(sandbox)
        let hers = try Self.sessions(of: "An Claes", sandbox).map(\.id).sorted()

        let enrolled = try sandbox.ok(["participant", "enrol", "--group", "avond", "--participant", "Rode Vos"])
        #expect(enrolled.stdout.contains("conflicts with stored assignments"), "\(enrolled.stdout)")
        for id in hers {
            #expect(enrolled.stdout.contains("- session \(id) (avond, "), "\(enrolled.stdout)")
        }
        #expect(enrolled.stdout.contains("An Claes breaks the hard rule 'exclusion'"))
        #expect(try Self.assignments(sandbox) == before)
        let replan = try sandbox.ok(["assign", "--only-affected", "--yes", "--format", "json"]).object()
        #expect(Set((replan["sessions"] as? [[String: Any]] ?? []).compactMap { $0["sessionId"] as? Int }) == Set(hers))
        #expect(try Self.sessions(of: "An Claes", sandbox).isEmpty)
    }

    @Test func assignmentSetRefusesSomeoneWhoDeclinedUnlessOverriddenAndAudited() throws {
        let sandbox = try Self.planned()
        let target = String(try #require(try Self.sessions(of: "An Claes", sandbox).first).id)
        try sandbox.ok(["facilitator", "decline", "An Claes", "--session", target, "--yes"])
        // The replacement leaves, so the slot is free and only the decline stands in the way.
        let now = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
            .filter { String($0["sessionId"] as! Int) == target && $0["lead"] as? Bool == false }
        for row in now {
            try sandbox.ok(["assignment", "remove", target, "--facilitator", String(row["facilitatorId"] as! Int)])
        }
        let refused = try sandbox.expectRefused(
            ["assignment", "set", target, "--facilitator", "an claes"],
            mentioning: ["An Claes", "declined session \(target)", "--override-decline"])
        #expect(refused.status == 67)

        let set = try sandbox.ok(["assignment", "set", target, "--facilitator", "An Claes", "--override-decline"])
        #expect(set.stdout.contains("An Claes"), "\(set.stdout)")
        // The decline is cleared, and the audit trail names the decline row the override removed.
        try sandbox.expectRefused(
            ["facilitator", "decline", "An Claes", "--session", target, "--undo"], mentioning: ["has not declined"])
        let audit = try sandbox.ok(["audit", "--operation", "setAssignment", "--format", "json"]).array()
        let entry = try #require(audit.last)
        let objects = try #require(entry["objects"] as? [[String: Any]])
        #expect(objects.contains { $0["kind"] as? String == "assignment_decline" })
        #expect(objects.contains { $0["kind"] as? String == "session" && String($0["id"] as! Int) == target })
    }
}
