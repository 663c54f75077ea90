import Foundation
import KringMail
import KringTestSupport
import Testing

/// The sendmail interface against a stand-in program that records what it was given and exits as told.
@Suite("sendmail transport")
struct SendmailTransportTests {
    typealias Support = MailTestSupport

    /// A fake `sendmail`: arguments and stdin to files in $OUT, exit status $FAKE_EXIT; with FAKE_EARLY=1 it
    /// exits before reading anything.
    private func fakeSendmail(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("sendmail").path
        let script = """
            #!/bin/sh
            if [ "${FAKE_EARLY:-0}" = 1 ]; then echo "queue full for <canary-7f3a@example.org>" >&2; exit 75; fi
            printf '%s\\n' "$@" > "$OUT/args"
            cat > "$OUT/stdin"
            echo "said something about <canary-7f3a@example.org>" >&2
            exit "${FAKE_EXIT:-0}"
            """
        // Written by a child process (`install`), not here: a test running in parallel that forks while this process
        // holds the file open for writing would inherit that descriptor, and exec would then fail with "Text file busy".
        let source = path + ".txt"
        try script.write(toFile: source, atomically: true, encoding: .utf8)
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/usr/bin/install")
        install.arguments = ["-m", "0755", source, path]
        try install.run()
        install.waitUntilExit()
        guard install.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return path
    }

    private func send(_ environment: [String: String], path: String? = nil, body: OutgoingMail? = nil) async throws -> (
        DeliveryResult, URL
    ) {
        let directory = try Support.temporaryDirectory()
        let transport = SendmailTransport(
            path: try path ?? fakeSendmail(in: directory),
            sender: Support.organisation,
            timeout: .seconds(20),
            environment: environment.merging(["OUT": directory.path]) { $1 },
            logger: LogCollector().logger
        )
        let mail = try body ?? Support.composer().compose(Support.invite(), date: Support.fixedDate)
        return (await transport.send(mail), directory)
    }

    @Test func messageGoesOnStdinWithLocalLineEndingsAndTheRecipientAfterDashDash() async throws {
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let (result, directory) = try await send([:], body: mail)
        defer { try? FileManager.default.removeItem(at: directory) }
        guard case .sent(let reply) = result else {
            Issue.record("expected sent, got \(result)")
            return
        }
        #expect(!reply.contains("canary"))
        let arguments = try String(contentsOf: directory.appendingPathComponent("args"), encoding: .utf8)
        #expect(arguments == "-i\n-f\n\(Support.organisation)\n--\n\(Support.recipient)\n")
        let stdin = try Data(contentsOf: directory.appendingPathComponent("stdin"))
        #expect(!stdin.contains(0x0D))
        #expect(
            String(decoding: stdin, as: UTF8.self)
                == String(decoding: mail.data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
    }

    @Test(arguments: [
        (Int32(75), "temporary"), (67, "permanent"), (68, "permanent"), (78, "configuration"), (71, "temporary"),
    ])
    func exitStatusesAreMapped(status: Int32, kind: String) async throws {
        let (result, directory) = try await send(["FAKE_EXIT": "\(status)"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.kind == kind, "\(result)")
        if case .permanentFailure(let reason) = result { #expect(!reason.contains("canary")) }
    }

    @Test func exitingBeforeReadingStdinIsTemporaryAndDoesNotKillUs() async throws {
        // Larger than a socket buffer, so the write meets a closed reader (SIGPIPE if it were a pipe).
        var invite = Support.invite()
        invite.calendar = Support.calendar(method: "REQUEST", recipient: Support.recipient)
            .replacingOccurrences(
                of: "END:VEVENT",
                with: String(repeating: "COMMENT:padding padding padding\r\n", count: 20_000) + "END:VEVENT")
        let mail = try Support.composer().compose(invite, date: Support.fixedDate)
        let (result, directory) = try await send(["FAKE_EARLY": "1"], body: mail)
        defer { try? FileManager.default.removeItem(at: directory) }
        guard case .temporaryFailure(let reason) = result else {
            Issue.record("expected a temporary failure, got \(result)")
            return
        }
        #expect(reason.contains("exit 75"))
        #expect(!reason.contains("canary"))
    }

    @Test func missingProgramIsAConfigurationError() async throws {
        let (result, directory) = try await send([:], path: "/nonexistent/sendmail")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.kind == "configuration", "\(result)")
    }
}
