import Foundation
import KringApp
import Testing

/// `POST /api/facilitators` takes the optional invite address: sealed, never echoed, and bad input is a 400 naming it.
@Suite(.timeLimit(.minutes(10))) struct FacilitatorContactAPITests {
    @Test func addressIsSealedNotEchoedAndAMalformedOneIsRefused() async throws {
        let harness = try ServerHarness()
        try await harness.start()
        let token = try harness.token(.coordinator)
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        let created = try await harness.request(
            "POST", "/api/facilitators", token: token, json: ["name": "An Claes", "languages": "nl", "contact": canary])
        #expect(created.status == 201, "\(created.text)")
        #expect(try created.object()["hasContact"] as? Bool == true)
        #expect(!created.text.contains(canary))
        let listed = try await harness.request("GET", "/api/facilitators", token: token)
        #expect(!listed.text.contains(canary))
        #expect(!harness.logs.text.contains(canary))

        let refused = try await harness.request(
            "POST", "/api/facilitators", token: token,
            json: ["name": "Bo Smet", "languages": "nl", "contact": "not-an-address"])
        #expect(refused.status == 400)
        let error = try #require(try refused.object()["error"] as? [String: Any])
        #expect(error["field"] as? String == "contact")
        #expect(try await harness.request("GET", "/api/facilitators", token: token).array().count == 1)
        await harness.stop()
    }
}
