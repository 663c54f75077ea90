import Foundation
import KringApp
import KringDomain
import Testing

/// `GET /api/report`: a coordinator's only; every format shows small counts about people as "<5".
@Suite(.timeLimit(.minutes(10))) struct ReportAPITests {
    @Test func onlyACoordinatorGetsTheReportAndItShowsNoSmallCount() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let coordinator = try harness.token(.coordinator)
        let facilitator = try harness.token(.facilitator, "An Claes")
        let participant = try harness.token(.participant, "Stille Eik")
        for token in [facilitator, participant] {
            let refused = try await harness.request("GET", "/api/report?year=2026", token: token)
            #expect(refused.status == 403, "\(refused.status) \(refused.text)")
            #expect(!refused.text.contains("participants-by"))
            // What was wrong with the query is a coordinator's to learn: the role is refused first.
            let odd = try await harness.request("GET", "/api/report?year=soon&format=pdf", token: token)
            #expect(odd.status == 403)
        }
        let json = try await harness.request("GET", "/api/report?year=2026&language=en", token: coordinator)
        #expect(json.status == 200, "\(json.text)")
        let report = try json.object()
        #expect(report["from"] as? String == "2026-01-01")
        for table in report["tables"] as? [[String: Any]] ?? [] {
            guard let id = table["id"] as? String, id.hasPrefix("participants") || id == "places" else { continue }
            for row in table["rows"] as? [[String: Any]] ?? [] {
                for value in row["values"] as? [Any] ?? [] {
                    if let count = value as? Int { #expect(count >= 5, "\(id): \(count)") }
                }
            }
        }
        #expect(json.text.contains("\"<5\""))
        let csv = try await harness.request("GET", "/api/report?year=2026&format=csv", token: coordinator)
        #expect(csv.status == 200)
        #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        #expect(csv.body.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(csv.text.contains(";<5"))
        let html = try await harness.request("GET", "/api/report?year=2026&format=html", token: coordinator)
        #expect(html.status == 200)
        #expect(html.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(html.text.contains("<svg class=\"chart\""))
        #expect(html.text.contains("&lt;5"))
        let bad = try await harness.request("GET", "/api/report?year=2026&format=pdf", token: coordinator)
        #expect(bad.status == 400)
        #expect(bad.text.contains("format"))
        let noPeriod = try await harness.request("GET", "/api/report", token: coordinator)
        #expect(noPeriod.status == 400)
    }
}
