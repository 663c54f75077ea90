import Foundation
import KringApp
import KringSecrets
import KringTestSupport
import Testing

/// Issue 11: the remote CLI sends one `Idempotency-Key` per change of a command and sends the same key again when
/// it retries after a failed connection, so a lost answer never enrols one person twice.
@Suite(.timeLimit(.minutes(10))) struct RemoteRetryTests {
    static let python: String? = {
        if let configured = ProcessInfo.processInfo.environment["KRING_PYTHON"], !configured.isEmpty {
            return configured
        }
        return FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : nil
    }()

    /// A forwarding proxy that carries the first POST to the server, reads its answer, and then closes the
    /// client's connection without passing the answer on: the change is made, the client never hears of it. It
    /// logs each request's method and Idempotency-Key.
    static let proxy = #"""
        import signal, socket, sys, threading
        # The test process blocks SIGTERM for its children; this proxy must stop when told to.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        upstream, log_path = int(sys.argv[1]), sys.argv[2]
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        print(server.getsockname()[1], flush=True)
        lock = threading.Lock()
        state = {"dropped": False}

        def read_request(conn):
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return None
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            headers = {}
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get(b"content-length", b"0"))
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            return head, headers, body

        def handle(conn):
            request = read_request(conn)
            if request is None:
                conn.close()
                return
            head, headers, body = request
            lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"connection:")]
            up = socket.create_connection(("127.0.0.1", upstream))
            up.sendall(b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body)
            answer = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                answer += chunk
            up.close()
            method = head.split(b" ", 1)[0].decode()
            key = headers.get(b"idempotency-key", b"-").decode()
            with lock:
                with open(log_path, "a") as log:
                    log.write(method + " " + key + "\n")
                drop = method == "POST" and not state["dropped"]
                if drop:
                    state["dropped"] = True
            if not drop:
                conn.sendall(answer)
            conn.close()

        while True:
            conn, _ = server.accept()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()
        """#

    @Test(.enabled(if: python != nil, "no python3 for the forwarding proxy (set KRING_PYTHON)"))
    func aRetryAfterALostAnswerEnrolsOnce() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        let coordinator = try harness.token(.coordinator)
        let before = try harness.kring.listParticipants(group: "avond-a").count
        let local = [
            "KRING_DB": harness.configuration.databasePath, "KRING_KEY_FILE": harness.configuration.keyFile.path,
            "KRING_NOW": ServerHarness.now,
        ]
        let (serve, url, _) = try RemoteCLITests.serve(environment: local)
        defer { if serve.isRunning { serve.terminate() } }
        let upstream = try #require(URL(string: url)?.port)

        let script = harness.folder.appendingPathComponent("proxy.py")
        try Self.proxy.write(to: script, atomically: true, encoding: .utf8)
        let log = harness.folder.appendingPathComponent("proxy.log")
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: try #require(Self.python))
        proxy.arguments = [script.path, String(upstream), log.path]
        let out = Pipe()
        proxy.standardOutput = out
        try proxy.run()
        defer {
            if proxy.isRunning {
                kill(proxy.processIdentifier, SIGKILL)
                proxy.waitUntilExit()
            }
        }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let proxyPort = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(proxyPort) != nil, "the proxy did not start")

        let remote = [
            "KRING_SERVER": "http://127.0.0.1:\(proxyPort)", "KRING_TOKEN": coordinator, "KRING_NOW": ServerHarness.now,
        ]
        // A generated pseudonym and no contact: nothing but the key tells the retry from a second person.
        let (status, output, error) = try RemoteCLITests.kring(
            ["participant", "enrol", "--group", "avond-a", "--relation", "partner"], environment: remote)
        #expect(status == 0, "\(error)")
        #expect(output.contains("enrolled") || !output.isEmpty)

        let requests = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let posts = requests.filter { $0.hasPrefix("POST ") }
        #expect(posts.count == 2, "the CLI did not retry once after the lost answer: \(requests)")
        let keys = Set(posts.map { $0.dropFirst("POST ".count) })
        #expect(keys.count == 1 && !keys.contains("-"), "the retry did not send the first key again: \(posts)")
        #expect(
            try harness.kring.listParticipants(group: "avond-a").count == before + 1,
            "the retried enrolment created more than one participant")
    }
}
