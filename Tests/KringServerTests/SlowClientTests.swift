import Foundation
import KringApp
import KringServer
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plain TCP connection to the test server, byte by byte, for what `URLSession` will not do: send nothing, send a
/// header slowly, or claim a body it never sends.
final class RawConnection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw HarnessError("connect failed")
        }
    }

    deinit { close(descriptor) }

    /// Sends the bytes; false once the server has closed its end (no SIGPIPE).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { sendWithoutSignal(descriptor, $0) } == bytes.count
    }

    /// Ends the connection from this side, as a client that goes away does.
    func hangUp() { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }

    /// Everything the server sends until it closes the connection, or nil if it has not closed it within `limit`.
    /// It waits with `Task.sleep`, never blocking a thread of the cooperative pool the server's handlers run on.
    func readUntilClosed(within limit: Duration) async -> String? {
        let deadline = ContinuousClock.now + limit
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            guard waitForInput(descriptor, milliseconds: 0) else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return String(decoding: received, as: UTF8.self) }
            if count < 0 { return errno == ECONNRESET ? String(decoding: received, as: UTF8.self) : nil }
            received += buffer[0..<count]
        }
        return nil
    }
}

// Outside `RawConnection`, whose own `send` would shadow the system calls.
private func sendWithoutSignal(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    #if canImport(Glibc)
        send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
    #else
        send(descriptor, bytes.baseAddress, bytes.count, 0)
    #endif
}

private func waitForInput(_ descriptor: Int32, milliseconds: Int32) -> Bool {
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, milliseconds) > 0
}

/// Security review 2026-11, F5 and F19: a client that sends nothing, trickles its headers or body, or claims a huge
/// body without a token holds a connection only briefly, and only so many connections are open at once.
@Suite(.timeLimit(.minutes(10))) struct SlowClientTests {
    @Test func aSilentClientIsDisconnectedAfterTheIdleTimeout() async throws {
        let harness = try ServerHarness()
        try await harness.start { $0.idleTimeout = .milliseconds(500) }
        let silent = try RawConnection(port: harness.port)
        let closed = await silent.readUntilClosed(within: .seconds(20))
        #expect(closed == "", "a connection that sent nothing was still open after 20 s")
        // The service itself is fine.
        #expect(try await harness.request("GET", "/health").status == 200)
        await harness.stop()
    }

    @Test func aHeaderSentAByteAtATimeIsCutOff() async throws {
        let harness = try ServerHarness()
        try await harness.start { $0.idleTimeout = .milliseconds(500) }
        let slow = try RawConnection(port: harness.port)
        #expect(slow.send("GET /health HTTP/1.1\r\nHost: x\r\nX-a: "))
        // One byte every 100 ms keeps the socket busy but never completes the headers.
        var cutOff = false
        for _ in 0..<200 {
            if !slow.send("a") {
                cutOff = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let closed = cutOff ? "" : await slow.readUntilClosed(within: .seconds(1))
        #expect(closed != nil, "a trickled header kept its connection 20 s")
        await harness.stop()
    }

    @Test func aBodyThatTricklesPastTheBodyTimeoutIsCutOff() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start {
            $0.idleTimeout = .seconds(5); $0.bodyTimeout = .seconds(1)
        }
        let token = try harness.token(.coordinator)
        let slow = try RawConnection(port: harness.port)
        #expect(
            slow.send(
                "POST /api/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{"))
        // A byte every 200 ms: never silent for the idle timeout, but the body would take 80 s.
        var cutOff = false
        for _ in 0..<100 {
            if !slow.send(" ") {
                cutOff = true
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let closed = cutOff ? "" : await slow.readUntilClosed(within: .seconds(1))
        #expect(closed != nil, "a trickled body kept its connection 20 s")
        await harness.stop()
        harness.expectCleanLogs(secrets: [token])
    }

    @Test func anAnonymousHugeBodyGets401AndTheConnectionClosesUnread() async throws {
        let harness = try ServerHarness()
        try await harness.start()
        let client = try RawConnection(port: harness.port)
        #expect(
            client.send(
                "POST /api/import HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2000000000\r\n\r\n"))
        // Not a byte of the body is sent: the answer and the close must come anyway.
        let closed = await client.readUntilClosed(within: .seconds(20))
        let answer = try #require(closed, "the server waited for the body")
        #expect(answer.hasPrefix("HTTP/1.1 401"), "\(answer)")
        #expect(answer.lowercased().contains("connection: close"), "\(answer)")
        await harness.stop()
    }

    @Test func beyondTheConnectionCapNewConnectionsWaitAndTheLimitIsLoggedOnce() async throws {
        let harness = try ServerHarness()
        try await harness.start {
            $0.maximumConnections = 3; $0.idleTimeout = .seconds(60)
        }
        let held = try (0..<3).map { _ in try RawConnection(port: harness.port) }
        for connection in held { connection.send("G") }
        // The third accepted connection reaches the cap; only then does a fourth arrive.
        for _ in 0..<200 where !harness.logs.text.contains("connection limit reached") {
            try await Task.sleep(for: .milliseconds(50))
        }
        let waiting = try RawConnection(port: harness.port)
        #expect(waiting.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        let early = await waiting.readUntilClosed(within: .seconds(1))
        #expect(early == nil, "a connection beyond the cap was served")
        let lines = harness.logs.text.split(separator: "\n").filter { $0.contains("connection limit reached") }
        #expect(lines.count == 1, "\(lines)")
        // One held connection goes away: the waiting one is served.
        held[0].hangUp()
        let answer = await waiting.readUntilClosed(within: .seconds(20))
        #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "\(answer ?? "nothing")")
        await harness.stop()
    }
}
