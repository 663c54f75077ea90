import Foundation
import KringApp
import KringDomain
import Testing

/// Privacy rule 8: every role against every endpoint with another group's and another person's ids.
@Suite(.timeLimit(.minutes(10))) struct AccessControlTests {
    @Test func everyRoleAgainstEveryEndpointOutsideItsScopeGets403Or404() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let facilitator = try harness.token(.facilitator, "An Claes")
        let participant = try harness.token(.participant, "Stille Eik")
        let b = world.groupB.id
        let otherSession = world.sessionB.id
        let otherPerson = world.participantB.participantId
        // Requests aimed at group B, its session and its participant: none of them is the caller's.
        let requests: [(String, String, Any?)] = [
            ("GET", "/api/groups/\(b)", nil),
            ("GET", "/api/groups/avond-b", nil),
            ("PATCH", "/api/groups/\(b)", ["capacity": 12]),
            ("POST", "/api/groups/\(b)/open", nil),
            ("POST", "/api/groups/\(b)/start", nil),
            ("POST", "/api/groups/\(b)/close", nil),
            ("GET", "/api/groups/\(b)/roster", nil),
            ("GET", "/api/groups/\(world.groupA.id)/roster?session=\(otherSession)", nil),
            ("GET", "/api/sessions?group=\(b)", nil),
            ("POST", "/api/sessions/\(otherSession)/move", ["to": "2027-01-13T19:00"]),
            ("POST", "/api/sessions/\(otherSession)/cancel", nil),
            (
                "POST", "/api/series",
                ["group": "\(b)", "start": "2027-03-01T19:00", "durationMinutes": 60, "rrule": "FREQ=WEEKLY;COUNT=2"]
            ),
            ("GET", "/api/participants?group=\(b)", nil),
            ("POST", "/api/enrolments", ["group": "\(b)", "relation": "partner"]),
            ("POST", "/api/participants/\(otherPerson)/withdraw", ["group": "\(b)"]),
            ("POST", "/api/participants/Rode%20Vos/withdraw", [String: String]()),
            (
                "POST", "/api/attendance",
                ["session": "\(otherSession)", "participant": "\(otherPerson)", "status": "excused"]
            ),
            (
                "POST", "/api/attendance",
                ["session": "\(world.sessionA.id)", "participant": "\(otherPerson)", "status": "excused"]
            ),
            ("POST", "/api/facilitators", ["name": "Nieuw", "languages": "nl"]),
            ("POST", "/api/groups", ["name": "nieuw", "audience": "partners", "language": "nl", "capacity": 8]),
        ]
        for (token, role) in [(facilitator, "facilitator"), (participant, "participant")] {
            for (method, path, body) in requests {
                let reply = try await harness.request(method, path, token: token, json: body ?? [String: String]())
                #expect(
                    [403, 404].contains(reply.status), "\(role) \(method) \(path) -> \(reply.status) \(reply.text)")
                let error = try reply.object()["error"] as? [String: Any]
                #expect(error?["kind"] != nil)
            }
        }
        // A participant may not list the facilitators; no one may export a calendar without saying whose.
        let facilitators = try await harness.request("GET", "/api/facilitators", token: participant)
        #expect([403, 404].contains(facilitators.status), "\(facilitators.status)")
        #expect(!facilitators.text.contains("An Claes"))
        for token in [facilitator, participant] {
            let calendar = try await harness.request("GET", "/api/calendar", token: token)
            #expect((400..<500).contains(calendar.status), "\(calendar.status)")
            #expect(!calendar.text.contains("BEGIN:VCALENDAR"))
        }
        #expect(try harness.kring.listGroups().allSatisfy { $0.name != "nieuw" })
        // An object out of scope looks exactly like one that does not exist.
        let hidden = try await harness.request("GET", "/api/groups/\(b)", token: facilitator)
        let absent = try await harness.request("GET", "/api/groups/99999", token: facilitator)
        #expect(hidden.status == 404 && absent.status == 404)
        #expect(hidden.text == absent.text.replacingOccurrences(of: "99999", with: "\(b)"))
        // Without a token nothing but health and feeds answers.
        for (method, path, _) in requests {
            let reply = try await harness.request(method, path, json: [String: String]())
            #expect(reply.status == 401, "\(method) \(path) without token -> \(reply.status)")
        }
        // Nothing changed in group B.
        let groupB = try harness.kring.showGroup(String(b))
        #expect(groupB.capacity == 10 && groupB.state == .open && groupB.enrolled == 2)
        await harness.stop()
        harness.expectCleanLogs(
            secrets: world.pseudonymsA + world.pseudonymsB + [world.canary, facilitator, participant])
    }

    @Test func facilitatorAndParticipantViewsContainNoOneElse() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let facilitator = try harness.token(.facilitator, "An Claes")
        let participant = try harness.token(.participant, "Stille Eik")

        var facilitatorView = ""
        for path in [
            "/api/groups", "/api/groups/\(world.groupA.id)", "/api/groups/avond-a/roster", "/api/sessions",
            "/api/facilitators", "/api/groups/avond-a/roster?session=\(world.sessionA.id)",
        ] {
            let reply = try await harness.request("GET", path, token: facilitator)
            #expect(reply.status == 200, "\(path): \(reply.text)")
            facilitatorView += reply.text
        }
        #expect(facilitatorView.contains("Stille Eik"))
        for other in world.pseudonymsB + ["avond-b", "Bart Peeters"] {
            #expect(!facilitatorView.contains(other), "facilitator sees \(other)")
        }
        let marked = try await harness.request(
            "POST", "/api/attendance", token: facilitator,
            json: ["session": "\(world.sessionA.id)", "participant": "Blauwe Reiger", "status": "excused"])
        #expect(marked.status == 200, "\(marked.text)")

        var participantView = ""
        for path in ["/api/groups", "/api/groups/avond-a", "/api/sessions", "/api/participants"] {
            let reply = try await harness.request("GET", path, token: participant)
            #expect(reply.status == 200, "\(path): \(reply.text)")
            participantView += reply.text
        }
        #expect(participantView.contains("Stille Eik"))
        for other in world.pseudonymsB + ["Blauwe Reiger", "avond-b", "An Claes", "Bart Peeters"] {
            #expect(!participantView.contains(other), "participant sees \(other)")
        }
        // A participant may withdraw themself, and then no longer sees the group; whoever takes the freed seat
        // from the waitlist stays the coordinator's to know.
        _ = try harness.kring.updateGroup("avond-a", GroupChanges(capacity: 2, minimum: 1))
        let waiting = try harness.kring.enrol(
            EnrolmentRequest(group: "avond-a", pseudonym: "Warme Heide", relation: "parent"))
        #expect(waiting.state == .waitlisted)
        let withdrawn = try await harness.request(
            "POST", "/api/participants/\(world.participantA.participantId)/withdraw", token: participant,
            json: ["group": "avond-a"])
        #expect(withdrawn.status == 200, "\(withdrawn.text)")
        #expect(!withdrawn.text.contains("Warme Heide"), "\(withdrawn.text)")
        let promoted = try harness.kring.listParticipants(group: "avond-a").first { $0.pseudonym == "Warme Heide" }
        #expect(promoted?.enrolments.first?.state == .enrolled, "the seat still went to the head of the waitlist")
        let after = try await harness.request("GET", "/api/groups/avond-a", token: participant)
        #expect(after.status == 404)
        await harness.stop()
        harness.expectCleanLogs(
            secrets: world.pseudonymsA + world.pseudonymsB + [world.canary, facilitator, participant])
    }

    @Test func unknownExpiredAndRevokedTokensGetOneGeneric401() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let issued = try harness.kring.issueToken(TokenRequest(role: .coordinator))
        let ok = try await harness.request("GET", "/api/groups", token: issued.token)
        #expect(ok.status == 200)
        _ = try harness.kring.revokeToken(String(issued.details.id))
        let revoked = try await harness.request("GET", "/api/groups", token: issued.token)
        let unknown = try await harness.request("GET", "/api/groups", token: String(repeating: "A", count: 43))
        let garbage = try await harness.request("GET", "/api/groups", token: "x")
        for reply in [revoked, unknown, garbage] {
            #expect(reply.status == 401)
            #expect(reply.text == revoked.text)
            #expect(!reply.text.contains(issued.token))
        }
        // Only the hash is stored (privacy rule 5).
        let bytes = FileManager.default.contents(atPath: harness.configuration.databasePath) ?? Data()
        #expect(bytes.range(of: Data(issued.token.utf8)) == nil)
        let wal = FileManager.default.contents(atPath: harness.configuration.databasePath + "-wal") ?? Data()
        #expect(wal.range(of: Data(issued.token.utf8)) == nil)
        await harness.stop()
        harness.expectCleanLogs(secrets: [issued.token])
    }
}
