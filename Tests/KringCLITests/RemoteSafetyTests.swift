import Foundation
import KringTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

/// A one-line HTTP server on 127.0.0.1 for redirect tests: answers every request with `answer` and keeps what it
/// was sent.
final class TinyHTTPServer: @unchecked Sendable {
    private let listener: Int32
    let port: Int
    private let lock = NSLock()
    private var requests: [String] = []

    var received: [String] { lock.withLock { requests } }

    init(answer: @escaping @Sendable (_ port: Int) -> String) throws {
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = listening
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listening, pointer, length) == 0 && listen(listening, 8) == 0
                    && getsockname(listening, pointer, &length) == 0
            }
        }
        guard bound else { throw SandboxError("cannot listen on 127.0.0.1") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let (descriptor, boundPort) = (listener, port)
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(descriptor, nil, nil)
                if connection < 0 { return }
                var request = [UInt8]()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !request.ends(with: Array("\r\n\r\n".utf8)) {
                    let count = recv(connection, &buffer, buffer.count, 0)
                    if count <= 0 { break }
                    request += buffer[0..<count]
                }
                lock.withLock { requests.append(String(decoding: request, as: UTF8.self)) }
                let reply = Array(answer(boundPort).utf8)
                _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                close(connection)
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self.suffix(suffix.count)) == suffix
    }
}

/// Security review 2026-11, F6: the remote CLI followed a redirect to another host and sent its token there.
@Suite(.timeLimit(.minutes(10))) struct RemoteRedirectTests {
    @Test func aRedirectToAnotherOriginIsRefusedAndTheTokenStaysHome() throws {
        let elsewhere = try TinyHTTPServer { _ in
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]"
        }
        defer { elsewhere.stop() }
        let target = elsewhere.port
        let server = try TinyHTTPServer { _ in
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:\(target)/api/groups\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"
        }
        defer { server.stop() }
        let sandbox = try KringSandbox()
        let token = "redirect-canary-\(UUID().uuidString)"
        let run = try sandbox.run(
            ["group", "list"], environment: ["KRING_SERVER": "http://127.0.0.1:\(server.port)", "KRING_TOKEN": token])
        #expect(run.status != 0, "\(run.stdout)")
        #expect(run.stderr.contains("server 'http://127.0.0.1:\(server.port)'"), "\(run.stderr)")
        #expect(run.stderr.contains("redirected to http://127.0.0.1:\(target)"), "\(run.stderr)")
        #expect(!run.stderr.contains(token))
        #expect(server.received.count == 1 && server.received[0].contains(token), "the first request went out")
        #expect(elsewhere.received.isEmpty, "the redirect was followed: \(elsewhere.received)")
    }
}
