import Foundation
import KringApp
import KringDomain
import KringWire
import Testing

/// One error shape, 4xx for every bad input, a generic body for internal errors (privacy rule 13).
@Suite(.timeLimit(.minutes(10))) struct ErrorTests {
    static func expectShape(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = (try? reply.object())?["error"] as? [String: Any]
        #expect(error?["kind"] is String, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(error?["field"] is String, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(error?["value"] is String, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(error?["reason"] is String, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(error?["message"] is String, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.header("Cache-Control") == "no-store", sourceLocation: sourceLocation)
        #expect(reply.header("Referrer-Policy") == "no-referrer", sourceLocation: sourceLocation)
        #expect(reply.header("X-Content-Type-Options") == "nosniff", sourceLocation: sourceLocation)
    }

    @Test func everyBadInputIsA4xxInOneShape() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let token = try harness.token(.coordinator)
        let cases: [(String, String, Data?, Int)] = [
            ("POST", "/api/groups", Data("{not json".utf8), 400),
            ("POST", "/api/groups", Data("[]".utf8), 400),
            ("POST", "/api/groups", Data(#"{"capacity": "ten"}"#.utf8), 400),
            ("POST", "/api/groups", Data(#"{"name": "x"}"#.utf8), 400),
            (
                "POST", "/api/groups",
                Data(#"{"name": "nieuw", "audience": "aliens", "language": "nl", "capacity": 5}"#.utf8), 400
            ),
            (
                "POST", "/api/groups",
                Data(#"{"name": "avond-a", "audience": "partners", "language": "nl", "capacity": 5}"#.utf8), 409
            ),
            (
                "POST", "/api/groups",
                Data(
                    #"{"name": "nieuw", "audience": "partners", "language": "nl", "capacity": 99999999999999999999}"#
                        .utf8), 400
            ),
            ("PATCH", "/api/groups/avond-a", Data(#"{"capacity": 1}"#.utf8), 409),
            (
                "POST", "/api/series",
                Data(
                    #"{"group": "avond-a", "start": "2027-13-45T99:00", "durationMinutes": 60, "rrule": "FREQ=WEEKLY;COUNT=2"}"#
                        .utf8), 400
            ),
            (
                "POST", "/api/series",
                Data(
                    #"{"group": "avond-a", "start": "2027-03-01T19:00", "durationMinutes": 60, "rrule": "FREQ=SECONDLY"}"#
                        .utf8), 400
            ),
            ("POST", "/api/sessions/abc/move", Data(#"{"to": "2027-01-13T19:00"}"#.utf8), 400),
            ("POST", "/api/sessions/999999/cancel", nil, 404),
            ("GET", "/api/sessions?from=yesterday", nil, 400),
            ("POST", "/api/enrolments", Data(#"{"group": "avond-a", "relation": "cousin"}"#.utf8), 400),
            (
                "POST", "/api/enrolments",
                Data(#"{"group": "avond-a", "pseudonym": "Stille Eik", "relation": "partner"}"#.utf8), 409
            ),
            ("POST", "/api/attendance", Data(#"{"session": "1", "participant": "1", "status": "sleeping"}"#.utf8), 400),
            ("GET", "/api/groups/%FF%FE", nil, 400),
            ("GET", "/api/nowhere", nil, 404),
            ("DELETE", "/api/groups", nil, 404),
            ("POST", "/api/groups", Data(repeating: 0x20, count: 70 * 1024), 413),
        ]
        for (method, path, body, expected) in cases {
            let reply = try await harness.request(method, path, token: token, raw: body)
            #expect(reply.status == expected, "\(method) \(path) -> \(reply.status) \(reply.text)")
            #expect(reply.status < 500)
            Self.expectShape(reply)
        }
        await harness.stop()
        harness.expectCleanLogs(secrets: world.pseudonymsA + world.pseudonymsB + [world.canary, token])
    }

    @Test func aForcedInternalErrorGetsAGenericBody() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let token = try harness.token(.coordinator)
        // A value Kring would never write: reading it fails inside the storage layer.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [harness.configuration.databasePath, "UPDATE facilitator SET languages = 'klingon'"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let reply = try await harness.request("GET", "/api/facilitators", token: token)
        #expect(reply.status == 500)
        Self.expectShape(reply)
        let error = try #require(try reply.object()["error"] as? [String: Any])
        #expect(error["kind"] as? String == "internal")
        #expect(error["field"] as? String == "")
        #expect(error["value"] as? String == "")
        #expect(error["reason"] as? String == "the service could not complete the request")
        for leak in [
            "facilitator", "languages", "klingon", "sqlite", "SQL", "kring.sqlite", harness.folder.path, token,
        ] {
            #expect(!reply.text.contains(leak), "internal error body leaks '\(leak)'")
        }
        await harness.stop()
        harness.expectCleanLogs(secrets: [token, "klingon"])
    }

    /// The body carries the refusal's parts apart, so a client rebuilds the very error a local run throws, even when
    /// the value itself looks like the `field 'value': reason` line.
    @Test func aRefusalCarriesItsFieldValueAndReasonApart() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let aliens = try await harness.request(
            "POST", "/api/groups", token: coordinator,
            json: ["name": "nieuw", "audience": "aliens", "language": "nl", "capacity": 5])
        #expect(aliens.status == 400)
        let body = try JSONDecoder().decode(ErrorBody.self, from: aliens.body)
        #expect(body.error.kind == "invalid_input")
        #expect(body.error.field == "audience")
        #expect(body.error.value == "aliens")
        #expect(!body.error.reason.isEmpty)
        #expect(body.error.message == "audience 'aliens': \(body.error.reason)")
        #expect(
            body.kringError == KringError(.invalidInput, field: "audience", value: "aliens", reason: body.error.reason))

        let tricky = "x': y"
        let missing = try await harness.request(
            "GET", Endpoint.showGroup.path(tricky), token: coordinator)
        #expect(missing.status == 404)
        let notFound = try JSONDecoder().decode(ErrorBody.self, from: missing.body)
        #expect(notFound.error.value == tricky)
        #expect(notFound.kringError?.kind == .notFound)
        #expect(notFound.kringError?.value == tricky)
        #expect(notFound.kringError?.description == notFound.error.message)

        // 403 comes from the forbidden kind; it names the token, never shows it.
        let facilitator = try harness.token(.facilitator, "An Claes")
        let forbidden = try await harness.request(
            "POST", "/api/groups", token: facilitator,
            json: ["name": "nieuw", "audience": "partners", "language": "nl", "capacity": 5])
        #expect(forbidden.status == 403)
        Self.expectShape(forbidden)
        let refusal = try JSONDecoder().decode(ErrorBody.self, from: forbidden.body)
        #expect(refusal.error.kind == "forbidden")
        #expect(refusal.error.field == "token")
        #expect(refusal.error.value == "")
        #expect(refusal.kringError?.kind == .forbidden)
        #expect(!forbidden.text.contains(facilitator) && !forbidden.text.contains(coordinator))
        await harness.stop()
        harness.expectCleanLogs(secrets: [coordinator, facilitator])
    }

    @Test func healthAndUnknownRoutesCarryThePrivateHeaders() async throws {
        let harness = try ServerHarness()
        try await harness.start()
        let health = try await harness.request("GET", "/health")
        #expect(health.status == 200)
        #expect(health.text == #"{"status":"ok"}"#)
        #expect(health.header("Cache-Control") == "no-store")
        #expect(health.header("Referrer-Policy") == "no-referrer")
        #expect(health.header("X-Content-Type-Options") == "nosniff")
        let unknown = try await harness.request("GET", "/nothing/here")
        #expect(unknown.status == 404)
        Self.expectShape(unknown)
        await harness.stop()
        harness.expectCleanLogs(secrets: [])
    }
}
