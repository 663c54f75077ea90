import Foundation
import KringApp
import KringDomain
import KringStorage
import Testing

/// Issue 12 over the API: a change that breaks a hard rule of a stored assignment answers with a `conflicts` array
/// naming each session; `POST /api/assign` with `onlyAffected` re-plans exactly those; a declined facilitator is
/// refused by `POST /api/assignments` unless `overrideDecline`; a move warns; re-enrolment restores the record.
@Suite(.timeLimit(.minutes(10))) struct ConflictsAPITests {
    static func conflicts(_ object: [String: Any]) -> [[String: Any]] { object["conflicts"] as? [[String: Any]] ?? [] }

    /// The seeded world planned: An Claes facilitates every `avond-a` session, Bart Peeters every `avond-b` one (each
    /// is kept out of the other's group, so the plan cannot swap them).
    static func plannedWorld(_ harness: ServerHarness) throws -> ServerHarness.World {
        let world = try harness.seedWorld()
        _ = try harness.kring.exclude(facilitator: "Bart Peeters", group: "avond-a", participant: nil, remove: false)
        _ = try harness.kring.exclude(facilitator: "An Claes", group: "avond-b", participant: nil, remove: false)
        _ = try harness.kring.assign(AssignRequest())
        return world
    }

    static func stored(_ kring: Kring) throws -> Set<String> {
        Set(try kring.listAssignments(facilitator: nil, group: nil).map { "\($0.sessionId) \($0.facilitator)" })
    }

    @Test func conflictsAreAnsweredWhereTheyAriseAndOnlyAffectedReplansExactlyThem() async throws {
        let harness = try ServerHarness()
        let world = try Self.plannedWorld(harness)
        let sessionsA = try harness.kring.listSessions(group: "avond-a", from: nil, to: nil)
        let second = sessionsA[1]
        #expect(try Self.stored(harness.kring).contains("\(second.id) An Claes"))
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let own = try harness.token(.facilitator, "An Claes")
        let an = "/api/facilitators/An%20Claes"

        let before = try Self.stored(harness.kring)
        let blockout = try await harness.request(
            "POST", an + "/blockouts", token: coordinator, json: ["from": "2027-01-19", "to": "2027-01-19"])
        #expect(blockout.status == 201, "\(blockout.text)")
        let reported = Self.conflicts(try blockout.object())
        #expect(
            reported.map { "\($0["sessionId"]!) \($0["facilitator"]!) \($0["rule"]!)" } == [
                "\(second.id) An Claes blockout"
            ])
        #expect((reported.first?["text"] as? String)?.contains("blocked out 2027-01-19 to 2027-01-19") == true)
        #expect(try Self.stored(harness.kring) == before)

        // A conflict of interest is the coordinator's note: the facilitator's own answer leaves it out.
        let excluded = try await harness.request(
            "POST", an + "/exclusions", token: coordinator, json: ["participant": world.pseudonymsA[0]])
        let rules = Set(Self.conflicts(try excluded.object()).compactMap { $0["rule"] as? String })
        #expect(rules == ["blockout", "excludedFromGroup"])
        let ownView = try await harness.request("POST", an + "/availability", token: own, json: [String: Any]())
        #expect(ownView.status == 200, "\(ownView.text)")
        #expect(Self.conflicts(try ownView.object()).compactMap { $0["rule"] as? String } == ["blockout"])
        #expect(!ownView.text.contains(world.pseudonymsA[0]))
        _ = try await harness.request(
            "POST", an + "/exclusions", token: coordinator,
            json: ["participant": world.pseudonymsA[0], "remove": true])

        // Only the coordinator re-plans, and only the session in conflict.
        let refused = try await harness.request("POST", "/api/assign", token: own, json: ["onlyAffected": true])
        #expect(refused.status == 403)
        let replan = try await harness.request(
            "POST", "/api/assign", token: coordinator, json: ["onlyAffected": true])
        #expect(replan.status == 200, "\(replan.text)")
        let planned = try #require(try replan.object()["sessions"] as? [[String: Any]])
        #expect(planned.map { $0["sessionId"] as? Int } == [Int(second.id)])
        let after = try Self.stored(harness.kring)
        #expect(before.subtracting(after) == ["\(second.id) An Claes"])
        #expect(after.subtracting(before).allSatisfy { $0.hasPrefix("\(second.id) ") })

        // Moving a session onto her blockout at the other group's evening, same venue, with people kept apart.
        _ = try harness.kring.keepApart(world.pseudonymsA[0], world.pseudonymsB[0])
        _ = try await harness.request(
            "POST", an + "/blockouts", token: coordinator, json: ["from": "2027-02-02", "to": "2027-02-02"])
        let last = try #require(sessionsA.last)
        let move = try await harness.request(
            "POST", "/api/sessions/\(last.id)/move", token: coordinator, json: ["to": "2027-02-02T20:30"])
        #expect(move.status == 200, "\(move.text)")
        let moved = try move.object()
        #expect(
            Self.conflicts(moved).map { "\($0["sessionId"]!) \($0["facilitator"]!) \($0["rule"]!)" } == [
                "\(last.id) An Claes blockout"
            ])
        let warnings = try #require(moved["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["rule"] as? String } == ["keepApart"])
        #expect(warnings.first?["date"] as? String == "2027-02-02")
        await harness.stop()
    }

    @Test func aDeclineIsRefusedUnlessOverriddenAndReEnrolmentRestoresTheRecord() async throws {
        let harness = try ServerHarness()
        let world = try Self.plannedWorld(harness)
        let third = try harness.kring.listSessions(group: "avond-a", from: nil, to: nil)[2]
        try await harness.start()
        let coordinator = try harness.token(.coordinator)

        let decline = try await harness.request(
            "POST", "/api/facilitators/An%20Claes/decline", token: coordinator, json: ["session": String(third.id)])
        #expect(decline.status == 200, "\(decline.text)")
        let before = try harness.kring.store.dump()
        let body: [String: Any] = ["session": String(third.id), "facilitator": "An Claes"]
        let refused = try await harness.request("POST", "/api/assignments", token: coordinator, json: body)
        #expect(refused.status == 409, "\(refused.text)")
        #expect(refused.text.contains("An Claes") && refused.text.contains("declined session \(third.id)"))
        #expect(try harness.kring.store.dump() == before)
        var overriding = body
        overriding["overrideDecline"] = true
        let set = try await harness.request("POST", "/api/assignments", token: coordinator, json: overriding)
        #expect(set.status == 200, "\(set.text)")
        #expect(try Self.stored(harness.kring).contains("\(third.id) An Claes"))

        let withdrawn = try await harness.request(
            "POST", "/api/participants/\(world.participantA.participantId)/withdraw", token: coordinator,
            json: ["group": "avond-a"])
        #expect(withdrawn.status == 200, "\(withdrawn.text)")
        let back = try await harness.request(
            "POST", "/api/enrolments", token: coordinator,
            json: ["group": "avond-a", "pseudonym": world.participantA.pseudonym.uppercased()])
        #expect(back.status == 201, "\(back.text)")
        let enrolment = try back.object()
        #expect(enrolment["participantId"] as? Int == Int(world.participantA.participantId))
        #expect(enrolment["state"] as? String == "enrolled")
        #expect(enrolment["restored"] as? Bool == true)
        await harness.stop()
    }
}
