import Foundation
import KringApp
import KringWire
import Testing

/// `POST /api/enrolments/list`: the intake list over the API, coordinators only, all or nothing; and the contact
/// rule at `POST /api/enrolments`.
@Suite(.timeLimit(.minutes(10))) struct IntakeListAPITests {
    @Test func aCoordinatorEnrolsAListAndABadLineStoresNothing() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let facilitator = try harness.token(.facilitator, "An Claes")
        let csv = Data(
            ("\u{FEFF}pseudonym;relation;contact;group\r\nLijst Een;parent;lijst1@example.org;avond-a\r\n"
                + "Lijst Twee;partner;;avond-b\r\n").utf8)
        let path = Endpoint.enrolFromList.path([])
        let csvHeader = ["Content-Type": "text/csv; charset=utf-8"]

        let refused = try await harness.request("POST", path, token: facilitator, raw: csv, headers: csvHeader)
        #expect(refused.status == 403, "\(refused.text)")

        let bad = Data(
            "pseudonym,relation,contact,group\nLijst Drie,parent,,avond-a\nLijst Vier,parent,x;y@example.org,avond-a\n"
                .utf8)
        let before = try harness.kring.listParticipants(group: nil).count
        let badReply = try await harness.request("POST", path, token: coordinator, raw: bad, headers: csvHeader)
        #expect(badReply.status == 400, "\(badReply.text)")
        let error = try #require(try badReply.object()["error"] as? [String: Any])
        #expect(error["field"] as? String == "line 3 contact")
        #expect(error["value"] as? String == "x;y@example.org")
        #expect(try harness.kring.listParticipants(group: nil).count == before)

        let reply = try await harness.request("POST", path, token: coordinator, raw: csv, headers: csvHeader)
        #expect(reply.status == 201, "\(reply.text)")
        let lines = try #require(try reply.object()["lines"] as? [[String: Any]])
        #expect(lines.map { $0["line"] as? Int } == [2, 3])
        #expect(lines.map { $0["outcome"] as? String } == ["enrolled", "enrolled"])

        let again = try await harness.request("POST", path, token: coordinator, raw: csv, headers: csvHeader)
        #expect(again.status == 201)
        #expect(
            try (again.object()["lines"] as? [[String: Any]])?.map { $0["outcome"] as? String } == [
                "unchanged", "unchanged",
            ])

        // The contact rule holds at single enrolment too.
        let single = try await harness.request(
            "POST", Endpoint.enrol.path([]), token: coordinator,
            json: ["group": "avond-a", "pseudonym": "Lijst Vijf", "relation": "parent", "contact": "x;y@example.org"])
        #expect(single.status == 400)
        let singleError = try #require(try single.object()["error"] as? [String: Any])
        #expect(singleError["field"] as? String == "contact")
        #expect((singleError["reason"] as? String)?.contains("';'") == true)

        await harness.stop()
        harness.expectCleanLogs(secrets: ["Lijst Een", "Lijst Twee", "lijst1@example.org", "x;y@example.org"])
    }
}
