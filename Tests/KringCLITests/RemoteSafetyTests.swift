import Foundation
import KringTestSupport
import Testing

/// The CLI never sends a token in clear text over the network.
@Suite(.timeLimit(.minutes(10))) struct RemoteSafetyTests {
    @Test(arguments: ["http://kring.example.org", "http://192.0.2.10:8080"])
    func plainHTTPToAnotherMachineIsRefusedBeforeAnyRequest(server: String) throws {
        let sandbox = try KringSandbox()
        let run = try sandbox.run(
            ["group", "list"], environment: ["KRING_SERVER": server, "KRING_TOKEN": "not-sent-anywhere"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("server '\(server)'"), "\(run.stderr)")
        #expect(run.stderr.contains("https://"), "\(run.stderr)")
        #expect(!run.stderr.contains("not-sent-anywhere"))
    }

    @Test func theServiceItselfRefusesARemoteServerSetting() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        let run = try sandbox.run(["serve", "--port", "0", "--server", "https://kring.example.org"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("server 'https://kring.example.org'"), "\(run.stderr)")
    }

    @Test func aTrustedProxyMustBeAnAddress() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        let run = try sandbox.run(["serve", "--port", "0", "--trusted-proxy", "proxy.example.org"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("proxy.example.org"), "\(run.stderr)")
    }
}
