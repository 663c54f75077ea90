import Foundation
import Hummingbird
import KringApp
import KringServer
import Testing
import Yams

/// The hand-written OpenAPI document and the router must describe the same endpoints.
@Suite struct OpenAPITests {
    static var documentURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
    }

    static func documentedRoutes() throws -> Set<String> {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        var routes: Set<String> = []
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for (path, item) in paths {
            for key in (item as? [String: Any] ?? [:]).keys where methods.contains(key) {
                routes.insert("\(key.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func everyRegisteredRouteIsDocumentedAndViceVersa() throws {
        let harness = try ServerHarness()
        let router = buildRouter(kring: harness.kring, configuration: ServerConfiguration())
        let registered = Set(
            router.routes.map { route in
                let path = route.path.description
                return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
            })
        let documented = try Self.documentedRoutes()
        #expect(registered.count >= 20)
        #expect(
            registered.subtracting(documented).isEmpty, "undocumented: \(registered.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(registered).isEmpty, "not served: \(documented.subtracting(registered).sorted())")
    }

    /// A bounded schemathesis run against the live server when the Makefile's venv provides it (`KRING_PYTHON`):
    /// no 5xx for anything it generates, and every answer matches the document: its schema, content type and headers.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KRING_PYTHON"] != nil))
    func schemathesisFindsNoServerError() async throws {
        let python = ProcessInfo.processInfo.environment["KRING_PYTHON"]!
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import schemathesis"]
        try probe.run()
        probe.waitUntilExit()
        try #require(probe.terminationStatus == 0, "schemathesis is not installed in \(python)'s environment")
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start {
            $0.failuresPerAddress = 100_000; $0.failuresOverall = 100_000
        }
        let token = try harness.token(.coordinator)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: python)
        run.arguments = [
            "-m", "schemathesis.cli", "run", Self.documentURL.path, "--url", harness.base, "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance,response_headers_conformance", "--max-examples", "15", "-H", "Authorization: Bearer \(token)",
            // Revoking its own token would leave the rest of the run to bounce off 401; revocation is tested apart.
            "--exclude-operation-id", "revokeToken",
            // The suite runs in parallel on small machines: a slow answer is not a server error, a 5xx is.
            "--request-timeout", "60", "--request-retries", "2",
        ]
        // Schemathesis keeps a cache folder in its working directory: the test's temporary folder, not the repo.
        run.currentDirectoryURL = harness.folder
        let output = Pipe()
        run.standardOutput = output
        run.standardError = output
        try run.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0, "\(text.suffix(3000))")
        // The run was authenticated to the end, so it reached the operations and not only the token check.
        let after = try await harness.request("GET", "/api/groups", token: token)
        #expect(after.status == 200)
        await harness.stop()
    }
}
