import Foundation
import KringApp
import KringDomain
import KringStorage
import Testing

/// Issue 5: a facilitator manages their own availability, blockouts and calendar import over HTTP; nothing else of
/// planning, and no one else's. Every new endpoint against every role with another person's or group's ids.
@Suite(.timeLimit(.minutes(10))) struct FacilitatorSelfServiceTests {
    /// A facilitator's own calendar export: busy 19:00-21:00 Brussels time on 2027-01-26.
    static let busyCalendar = Data(
        """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//test//EN\r
        BEGIN:VEVENT\r
        UID:b@example.org\r
        DTSTAMP:20261201T000000Z\r
        DTSTART;TZID=Europe/Brussels:20270126T183000\r
        DTEND;TZID=Europe/Brussels:20270126T213000\r
        SUMMARY:Private dentist appointment\r
        END:VEVENT\r
        END:VCALENDAR\r

        """.utf8)

    @Test func aFacilitatorManagesTheirOwnTimeAndTheNextPlanRespectsIt() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let an = try harness.token(.facilitator, "An Claes")
        let bart = try harness.token(.facilitator, "Bart Peeters")
        let coordinator = try harness.token(.coordinator)
        let anId = world.facilitatorA.id
        let bartId = world.facilitatorB.id

        // An is free only on Monday mornings; the sessions are Tuesday evenings.
        let windows = try await harness.request(
            "POST", "/api/facilitators/\(anId)/availability", token: an, json: ["weekly": ["mo 09:00-12:00"]])
        #expect(windows.status == 200, "\(windows.text)")
        #expect(try windows.object()["weekly"] as? [String] == ["mo 09:00-12:00"])
        // Bart is away the week of 2027-01-19 (added, removed, added again) and busy on the evening of 2027-01-26.
        let added = try await harness.request(
            "POST", "/api/facilitators/Bart%20Peeters/blockouts", token: bart,
            json: ["from": "2027-01-18", "to": "2027-01-20"])
        #expect(added.status == 201, "\(added.text)")
        let twice = try await harness.request(
            "POST", "/api/facilitators/\(bartId)/blockouts", token: bart,
            json: ["from": "2027-01-18", "to": "2027-01-20"])
        #expect(twice.status == 409, "\(twice.text)")
        let removed = try await harness.request(
            "DELETE", "/api/facilitators/\(bartId)/blockouts?from=2027-01-18&to=2027-01-20", token: bart)
        #expect(removed.status == 200, "\(removed.text)")
        #expect((try removed.object()["blockouts"] as? [Any])?.isEmpty == true)
        _ = try await harness.request(
            "POST", "/api/facilitators/\(bartId)/blockouts", token: bart,
            json: ["from": "2027-01-18", "to": "2027-01-20"])
        let imported = try await harness.request(
            "PUT", "/api/facilitators/\(bartId)/busy?from=2027-01-01&to=2027-03-31&source=bart.ics", token: bart,
            raw: Self.busyCalendar)
        #expect(imported.status == 200, "\(imported.text)")
        #expect(try imported.object()["intervals"] as? Int == 1)
        // A malformed file names the source and stores nothing.
        let broken = try await harness.request(
            "PUT", "/api/facilitators/\(bartId)/busy?source=bart.ics", token: bart, raw: Data("BEGIN:VCAL".utf8))
        #expect(broken.status == 400, "\(broken.text)")
        #expect(broken.text.contains("bart.ics"))
        #expect(!(try harness.kring.store.dump()).contains("dentist"))

        let plan = try await harness.request("POST", "/api/assign", token: coordinator, json: [String: String]())
        #expect(plan.status == 200, "\(plan.text)")
        let assignments = try harness.kring.listAssignments(facilitator: nil, group: nil)
        for assignment in assignments where assignment.facilitatorId == anId {
            #expect(assignment.sessionId == world.sessionA.id, "An planned outside her windows: \(assignment.start)")
        }
        for assignment in assignments where assignment.facilitatorId == bartId {
            #expect(!assignment.start.hasPrefix("2027-01-19"), "Bart planned in his blockout")
            #expect(!assignment.start.hasPrefix("2027-01-26"), "Bart planned while busy")
        }
        #expect(assignments.contains { $0.facilitatorId == bartId && $0.start.hasPrefix("2027-02-02") })

        // Each reads only their own assignments.
        let own = try await harness.request("GET", "/api/assignments", token: an)
        #expect(own.status == 200)
        #expect(
            try own.array().allSatisfy {
                $0["facilitatorId"] as? Int64 == anId || $0["facilitatorId"] as? Int == Int(anId)
            })
        #expect(!own.text.contains("Bart Peeters"))
        // A pinned session cannot be declined around the coordinator's pin (a 409, not a planner failure).
        let pinned = try await harness.request(
            "POST", "/api/facilitators/\(anId)/decline", token: an, json: ["session": "\(world.sessionA.id)"])
        #expect(pinned.status == 409, "\(pinned.text)")
        #expect(pinned.text.contains("pinned"))
        // A facilitator declines their own session and sees who took it, not what moved elsewhere.
        let mine = try #require(
            assignments.first { $0.facilitatorId == bartId && !$0.pinned && $0.start.hasPrefix("2027-02-02") })
        let declined = try await harness.request(
            "POST", "/api/facilitators/\(bartId)/decline", token: bart, json: ["session": "\(mine.sessionId)"])
        #expect(declined.status == 200, "\(declined.text)")
        #expect(try (declined.object()["unfilled"] as? [Any])?.isEmpty == true)
        // Nor the plan's organisation-wide score (security review 2026-11, F16).
        #expect(try declined.object()["plan"] == nil, "\(declined.text)")
        #expect(!declined.text.contains("score") && !declined.text.contains("fairness"))
        // Their own calendar, not a group's.
        let calendar = try await harness.request("GET", "/api/calendar?facilitator=\(bartId)", token: bart)
        #expect(calendar.status == 200 && calendar.text.hasPrefix("BEGIN:VCALENDAR"))
        await harness.stop()
        harness.expectCleanLogs(
            secrets: world.pseudonymsA + world.pseudonymsB + [world.canary, an, bart, coordinator, "dentist"])
    }

    @Test func everyRoleAgainstEveryPlanningAndAdministrationEndpointOutsideItsScope() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        _ = try harness.kring.exclude(facilitator: "Bart Peeters", group: nil, participant: "Stille Eik", remove: false)
        try await harness.start()
        let facilitator = try harness.token(.facilitator, "An Claes")
        let participant = try harness.token(.participant, "Stille Eik")
        let bart = world.facilitatorB.id
        let an = world.facilitatorA.id
        let b = world.groupB.id
        let sessionB = world.sessionB.id
        let otherPerson = world.participantB.participantId
        let before = try harness.kring.store.dump()
        let auditedBefore = try harness.kring.audit(AuditQuery()).count
        let requests: [(String, String, Any?)] = [
            ("PATCH", "/api/facilitators/\(bart)", ["maxPerWeek": "1"]),
            ("PATCH", "/api/facilitators/\(an)", ["maxPerWeek": "1"]),
            ("POST", "/api/facilitators/\(bart)/availability", ["anyTime": true]),
            ("POST", "/api/facilitators/\(bart)/availability", [String: String]()),
            ("POST", "/api/facilitators/Bart%20Peeters/blockouts", ["from": "2027-02-01", "to": "2027-02-02"]),
            ("DELETE", "/api/facilitators/\(bart)/blockouts?from=2027-02-01&to=2027-02-02", nil),
            ("PUT", "/api/facilitators/\(bart)/busy", nil),
            ("POST", "/api/facilitators/\(bart)/exclusions", ["group": "\(b)"]),
            ("POST", "/api/facilitators/\(an)/exclusions", ["group": "\(b)", "remove": true]),
            ("POST", "/api/facilitators/\(bart)/decline", ["session": "\(sessionB)"]),
            ("POST", "/api/facilitators/\(an)/decline", ["session": "\(sessionB)"]),
            ("POST", "/api/assign", [String: String]()),
            ("GET", "/api/assignments?facilitator=\(bart)", nil),
            ("GET", "/api/assignments?group=\(b)", nil),
            ("POST", "/api/assignments", ["session": "\(sessionB)", "facilitator": "\(an)"]),
            ("DELETE", "/api/assignments?session=\(sessionB)&facilitator=\(bart)", nil),
            ("GET", "/api/assignment-settings", nil),
            ("PATCH", "/api/assignment-settings", ["travelBufferMinutes": 10]),
            ("POST", "/api/keep-apart", ["first": "\(otherPerson)", "second": "Stille Eik"]),
            ("GET", "/api/tokens", nil),
            ("POST", "/api/tokens", ["role": "coordinator"]),
            ("POST", "/api/tokens/1/revoke", nil),
            ("GET", "/api/config", nil),
            ("PUT", "/api/config/organizer", ["value": "mailto:x@example.org"]),
            ("GET", "/api/invites", nil),
            ("GET", "/api/invites/1/preview", nil),
            ("POST", "/api/invites/1/discard", nil),
            ("POST", "/api/invites/send", ["limit": 5]),
            ("POST", "/api/import", nil),
            ("GET", "/api/calendar?group=\(b)", nil),
            ("GET", "/api/calendar?facilitator=\(bart)", nil),
            ("GET", "/api/calendar?participant=\(otherPerson)", nil),
        ]
        for (token, role) in [(facilitator, "facilitator"), (participant, "participant")] {
            for (method, path, body) in requests {
                let reply =
                    if method == "PUT" && path.hasSuffix("/busy") {
                        try await harness.request(method, path, token: token, raw: Self.busyCalendar)
                    } else {
                        try await harness.request(method, path, token: token, json: body ?? [String: String]())
                    }
                #expect(
                    [403, 404].contains(reply.status), "\(role) \(method) \(path) -> \(reply.status) \(reply.text)")
                let error = try reply.object()["error"] as? [String: Any]
                #expect(error?["kind"] != nil)
                #expect(!reply.text.contains("Stille Eik") || role == "participant", "\(path) names a participant")
            }
        }
        // Another facilitator is answered exactly as one that does not exist.
        let other = try await harness.request(
            "POST", "/api/facilitators/\(bart)/availability", token: facilitator, json: [String: String]())
        let absent = try await harness.request(
            "POST", "/api/facilitators/99999/availability", token: facilitator, json: [String: String]())
        #expect(other.status == 404 && absent.status == 404)
        #expect(other.text == absent.text.replacingOccurrences(of: "99999", with: "\(bart)"))
        // Their own profile leaves out the coordinator's conflict-of-interest marks, even their own.
        _ = try harness.kring.exclude(facilitator: "An Claes", group: nil, participant: "Rode Vos", remove: false)
        let profile = try await harness.request(
            "POST", "/api/facilitators/\(an)/availability", token: facilitator, json: [String: String]())
        #expect(profile.status == 200, "\(profile.text)")
        #expect(!profile.text.contains("Rode Vos"))
        _ = try harness.kring.exclude(facilitator: "An Claes", group: nil, participant: "Rode Vos", remove: true)
        // The coordinator's own add-and-remove above is in the audit trail (as it should be); everything else is
        // exactly as before, and no refused request left an entry.
        let audited = try harness.kring.audit(AuditQuery())
        #expect(audited.dropFirst(auditedBefore).map(\.operation) == ["exclude", "exclude"])
        #expect(Self.withoutAudit(try harness.kring.store.dump()) == Self.withoutAudit(before))
        await harness.stop()
        harness.expectCleanLogs(
            secrets: world.pseudonymsA + world.pseudonymsB + [world.canary, facilitator, participant])
    }

    @Test func aCalendarFileAboveTheCapIsRefusedAndOnlyThatRouteTakesMoreThanTheJSONLimit() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let an = try harness.token(.facilitator, "An Claes")
        let id = world.facilitatorA.id
        // 1 MiB of folded whitespace inside a valid file: above the JSON limit, below the calendar cap.
        var padded = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        padded += String(repeating: "X-PAD:" + String(repeating: "a", count: 1000) + "\r\n", count: 1024)
        padded += "END:VCALENDAR\r\n"
        let large = try await harness.request(
            "PUT", "/api/facilitators/\(id)/busy", token: an, raw: Data(padded.utf8))
        #expect(large.status == 200, "\(large.status) \(large.text.prefix(300))")
        // One byte above the cap: the importer's own refusal; far above it: 413 before anything is read.
        let justOver = try await harness.request(
            "PUT", "/api/facilitators/\(id)/busy?source=big.ics", token: an,
            raw: Data(count: Kring.maxCalendarInputBytes + 1))
        #expect(justOver.status == 400, "\(justOver.text)")
        #expect(justOver.text.contains("big.ics"))
        let farOver = try await harness.request(
            "PUT", "/api/facilitators/\(id)/busy", token: an, raw: Data(count: Kring.maxCalendarInputBytes + 4096))
        #expect(farOver.status == 413)
        // A JSON route still refuses the same megabyte.
        let json = try await harness.request(
            "POST", "/api/facilitators/\(id)/availability", token: an,
            raw: Data(("{\"weekly\": [\"" + String(repeating: "a", count: 1_048_576) + "\"]}").utf8))
        #expect(json.status == 413)
        await harness.stop()
    }

    /// A database dump without the audit tables' rows.
    static func withoutAudit(_ dump: String) -> String {
        dump.components(separatedBy: "\n# ").filter { !$0.hasPrefix("audit_") }.joined(separator: "\n# ")
    }
}
