import Crypto
import Foundation
import KringApp
import KringSecrets
import KringWire
import Testing

/// Issue 9 item 6: `PATCH /api/facilitators/{f}` with `{"clearContact": true}` took `kring serve` down ("Database
/// methods are not reentrant": the WAL checkpoint of the erasure ran inside the role check's open transaction).
/// Clearing must answer, erase the address from the database file and its `-wal` (privacy rule 9), and leave the
/// service serving.
@Suite(.timeLimit(.minutes(10))) struct ContactClearingTests {
    /// Everything that could betray the address in the raw files: the text, its SHA-256, and the sealed bytes and
    /// lookup HMAC Kring stored for it (read before clearing, so the test knows what to look for).
    struct Traces {
        let canary: String
        let sealed: [Data]

        func expectGone(from databasePath: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let digest = Data(SHA256.hash(data: Data(canary.utf8)))
            for suffix in ["", "-wal"] {
                let bytes = FileManager.default.contents(atPath: databasePath + suffix) ?? Data()
                #expect(
                    bytes.range(of: Data(canary.utf8)) == nil, "canary in kring.sqlite\(suffix)",
                    sourceLocation: sourceLocation)
                #expect(
                    bytes.range(of: Data("canary-".utf8)) == nil, "canary prefix in kring.sqlite\(suffix)",
                    sourceLocation: sourceLocation)
                #expect(
                    bytes.range(of: digest) == nil, "SHA-256 in kring.sqlite\(suffix)", sourceLocation: sourceLocation)
                for (index, form) in sealed.enumerated() {
                    #expect(
                        bytes.range(of: form) == nil, "sealed form \(index) in kring.sqlite\(suffix)",
                        sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// Gives An Claes an invite address through the local application and reads back the sealed forms stored.
    static func sealContact(_ harness: ServerHarness) throws -> Traces {
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        _ = try harness.kring.updatePlanning(facilitator: "An Claes", FacilitatorPlanningChanges(contact: canary))
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [
            "-readonly", harness.configuration.databasePath,
            "SELECT hex(contact_ciphertext), hex(contact_lookup) FROM facilitator WHERE display_name = 'An Claes'",
        ]
        let out = Pipe()
        sqlite.standardOutput = out
        try sqlite.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sqlite.waitUntilExit()
        let sealed = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map { hex in
            Data(
                stride(from: 0, to: hex.count, by: 2).compactMap { offset -> UInt8? in
                    let start = hex.index(hex.startIndex, offsetBy: offset)
                    return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
                })
        }
        try #require(sealed.count == 2 && sealed.allSatisfy { $0.count >= 16 }, "no sealed contact stored: \(text)")
        return Traces(canary: canary, sealed: sealed)
    }

    /// Before explicit transactions this request trapped inside the service (GRDB: "not reentrant").
    @Test
    func clearingAFacilitatorsContactAnswersErasesItAndTheServiceKeepsServing() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        let traces = try Self.sealContact(harness)
        try await harness.start()
        let coordinator = try harness.token(.coordinator)

        let cleared = try await harness.request(
            "PATCH", Endpoint.updateFacilitatorPlanning.path("An Claes"), token: coordinator,
            json: ["clearContact": true])
        #expect(cleared.status == 200, "\(cleared.text)")
        #expect(try cleared.object()["hasContact"] as? Bool == false)

        let listed = try await harness.request("GET", Endpoint.listFacilitators.path(), token: coordinator)
        #expect(listed.status == 200)
        #expect(try listed.array().first { $0["name"] as? String == "An Claes" }?["hasContact"] as? Bool == false)
        traces.expectGone(from: harness.configuration.databasePath)
        await harness.stop()
        harness.expectCleanLogs(secrets: [coordinator, traces.canary])
    }

    /// The same through the CLI's remote mode: `kring facilitator update --clear-contact` against a real `kring serve`.
    @Test func theRemoteClearContactCommandErasesTheAddressAndTheServerSurvives() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        let traces = try Self.sealContact(harness)
        let coordinator = try harness.token(.coordinator)
        let server = [
            "KRING_DB": harness.configuration.databasePath, "KRING_KEY_FILE": harness.configuration.keyFile.path,
            "KRING_NOW": ServerHarness.now, "SWIFT_BACKTRACE": "enable=no",
        ]
        let serve = try RemoteCLITests.serve(environment: server)
        defer { if serve.process.isRunning { serve.process.terminate() } }
        let remote = ["KRING_SERVER": serve.url, "KRING_TOKEN": coordinator, "KRING_NOW": ServerHarness.now]

        let cleared = try RemoteCLITests.kring(
            ["facilitator", "update", "An Claes", "--clear-contact"], environment: remote)
        #expect(cleared.0 == 0, "\(cleared.2)")
        let listed = try RemoteCLITests.kring(["facilitator", "list", "--format", "json"], environment: remote)
        #expect(listed.0 == 0, "the service stopped answering: \(listed.2)")
        let facilitators = (try? JSONSerialization.jsonObject(with: Data(listed.1.utf8))) as? [[String: Any]] ?? []
        #expect(
            facilitators.first { $0["name"] as? String == "An Claes" }?["hasContact"] as? Bool == false, "\(listed.1)")
        #expect(
            serve.process.isRunning,
            "kring serve exited with \(serve.process.isRunning ? 0 : serve.process.terminationStatus)")
        traces.expectGone(from: harness.configuration.databasePath)

        serve.process.terminate()
        serve.process.waitUntilExit()
        let logs = String(decoding: serve.log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!logs.contains(traces.canary) && !logs.contains(coordinator))
    }
}
