import Foundation
import KringTestSupport
import Testing

/// The confirmation prompt as a person meets it: the real `kring` on a pseudo-terminal (Python's `pty`), shown the
/// matched record, answering "n" (nothing changes) or "y" (the change is made).
@Suite(.timeLimit(.minutes(10))) struct ConfirmationPromptTests {
    /// Runs the command on a pseudo-terminal, answers `answer` once the prompt appears, and prints everything the
    /// terminal showed; exits with the command's status (124 if no prompt came within two minutes).
    static let driver = """
        import os, pty, select, sys
        answer, argv = sys.argv[1], sys.argv[2:]
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(argv[0], argv)
        seen, sent = b"", False
        while True:
            ready, _, _ = select.select([fd], [], [], 120)
            if not ready:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                sys.stdout.buffer.write(seen)
                sys.exit(124)
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if not sent and b"Go ahead? [y/N]" in seen:
                os.write(fd, (answer + "\\n").encode())
                sent = True
        _, status = os.waitpid(pid, 0)
        sys.stdout.buffer.write(seen)
        sys.exit(os.waitstatus_to_exitcode(status))
        """

    static func onTerminal(_ sandbox: KringSandbox, answer: String, _ arguments: [String]) throws
        -> (status: Int32, screen: String)
    {
        let script = sandbox.folder.appendingPathComponent("pty-driver.py")
        try driver.write(to: script, atomically: true, encoding: .utf8)
        let outcome = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", script.path, answer, KringSandbox.binary.path] + arguments,
            environment: sandbox.environment)
        return (outcome.status, outcome.stdoutText)
    }

    static func sandbox() throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "avond", "--audience", "partners", "--language", "nl", "--capacity", "4",
        ])
        try sandbox.ok([
            "series", "add", "--group", "avond", "--start", "2027-01-12T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;COUNT=4",
        ])
        try sandbox.ok(["group", "open", "avond"])
        try sandbox.ok([
            "participant", "enrol", "--group", "avond", "--pseudonym", "Stille Eik", "--relation", "partner",
        ])
        return sandbox
    }

    @Test func answeringNoChangesNothingAndYesWithdrawsTheShownRecord() throws {
        let sandbox = try Self.sandbox()
        let before = try sandbox.dump()

        let declined = try Self.onTerminal(sandbox, answer: "n", ["participant", "withdraw", "stille eik"])
        #expect(declined.status == 1, "\(declined.screen)")
        // The prompt names the record the folded name matched, never the text as typed.
        #expect(declined.screen.contains("Stille Eik (participant 1): withdrawn in avond"), "\(declined.screen)")
        #expect(declined.screen.contains("Go ahead? [y/N]"))
        #expect(declined.screen.contains("nothing changed"))
        #expect(try sandbox.dump() == before)

        let accepted = try Self.onTerminal(sandbox, answer: "y", ["participant", "withdraw", "stille eik"])
        #expect(accepted.status == 0, "\(accepted.screen)")
        #expect(accepted.screen.contains("Stille Eik (participant 1): withdrawn in avond"))
        let listed = try sandbox.ok(["participant", "list", "--format", "json"]).array()
        let enrolments = try #require(listed.first?["enrolments"] as? [[String: Any]])
        #expect(enrolments.map { $0["state"] as? String } == ["withdrawn"])
    }
}
