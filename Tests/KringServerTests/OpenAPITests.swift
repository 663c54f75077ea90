import Foundation
import Hummingbird
import KringApp
import KringServer
import KringWire
import Testing
import Yams

/// The hand-written OpenAPI document and the router must describe the same endpoints.
@Suite(.timeLimit(.minutes(10))) struct OpenAPITests {
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

    static func document() throws -> [String: Any] {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    /// Each documented `/api` operation: "METHOD path", its `operationId`, and its lowest 2xx status.
    static func documentedOperations() throws -> [String: (operationId: String, success: Int?)] {
        let paths = try #require(try document()["paths"] as? [String: Any])
        var operations: [String: (operationId: String, success: Int?)] = [:]
        for (path, item) in paths where path.hasPrefix(Endpoint.prefix + "/") {
            for (method, value) in item as? [String: Any] ?? [:] {
                guard let operation = value as? [String: Any], let id = operation["operationId"] as? String else {
                    continue
                }
                let statuses = (operation["responses"] as? [String: Any] ?? [:]).keys.compactMap { Int($0) }
                operations["\(method.uppercased()) \(path)"] = (id, statuses.filter { (200..<300).contains($0) }.min())
            }
        }
        return operations
    }

    /// The table the router registers from and the remote client calls is the document's list of operations: same
    /// method, path, operationId and success status, nothing missing on either side.
    @Test func theEndpointTableIsTheDocumentedAPI() throws {
        let documented = try Self.documentedOperations()
        let table = Dictionary(
            Endpoint.allCases.map { ("\($0.method.rawValue) \($0.pathTemplate)", $0) },
            uniquingKeysWith: { first, _ in first })
        #expect(table.count == Endpoint.allCases.count, "two endpoints share a method and path")
        #expect(
            Set(table.keys).subtracting(documented.keys).isEmpty,
            "in the table, not documented: \(Set(table.keys).subtracting(documented.keys).sorted())")
        #expect(
            Set(documented.keys).subtracting(table.keys).isEmpty,
            "documented, not in the table: \(Set(documented.keys).subtracting(table.keys).sorted())")
        for (route, endpoint) in table {
            guard let operation = documented[route] else { continue }
            #expect(operation.operationId == endpoint.rawValue, "\(route)")
            #expect(operation.success == endpoint.successStatus, "\(route)")
        }
    }

    @Test func endpointPathsFillTheirParametersEncoded() {
        #expect(Endpoint.roster.path("avond a/b") == "/api/groups/avond%20a%2Fb/roster")
        #expect(Endpoint.revokeToken.parameterNames == ["id"])
        #expect(Endpoint.listGroups.path() == "/api/groups")
        #expect(Endpoint.declineSession.path("An Claes") == "/api/facilitators/An%20Claes/decline")
    }

    /// The documented error members are exactly the ones every refusal carries.
    @Test func theDocumentedErrorBodyIsTheWireErrorBody() throws {
        let components = try #require(try Self.document()["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let error = try #require(schemas["Error"] as? [String: Any])
        let detail = try #require((error["properties"] as? [String: Any])?["error"] as? [String: Any])
        let documented = Set(try #require(detail["required"] as? [String]))
        let sent = ErrorBody(.init(kind: "conflict", field: "f", value: "v", reason: "r", message: "m"))
        let encoded = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(sent)) as? [String: [String: String]])
        #expect(documented == Set(try #require(encoded["error"]).keys))
        #expect(Set((detail["properties"] as? [String: Any] ?? [:]).keys) == documented)
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
        // The HTML pages are for people, not API clients: they are listed in `pageRoutes` (and docs/pages.md).
        #expect(pageRoutes.subtracting(registered).isEmpty, "pages not served: \(pageRoutes.subtracting(registered))")
        let api = registered.subtracting(pageRoutes)
        #expect(api.subtracting(documented).isEmpty, "undocumented: \(api.subtracting(documented).sorted())")
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
            "not_a_server_error,response_schema_conformance,content_type_conformance,response_headers_conformance",
            "--max-examples", "15", "-H", "Authorization: Bearer \(token)",
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
        // Waited for on a thread of its own: the service under test runs its handlers on the shared pool, and a
        // blocked pool thread (two cores, another test blocking the other) would leave it unable to answer.
        let reader = output.fileHandleForReading
        let text = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            Thread.detachNewThread {
                let data = reader.readDataToEndOfFile()
                run.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        #expect(run.terminationStatus == 0, "\(text.suffix(3000))")
        // The run was authenticated to the end, so it reached the operations and not only the token check.
        let after = try await harness.request("GET", "/api/groups", token: token)
        #expect(after.status == 200)
        await harness.stop()
    }
}
