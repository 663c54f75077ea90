import Foundation
import KringMail
import KringTestSupport
import Testing

/// libcurl against a scripted aiosmtpd server on 127.0.0.1: what arrives, and how each fault is reported.
@Suite(
    "SMTP transport",
    .enabled(
        if: MailTestSupport.python != nil, "KRING_PYTHON is not set: run `make venv` and set it to .venv/bin/python")
)
struct SMTPTransportTests {
    typealias Support = MailTestSupport

    private func transport(
        _ url: String,
        username: String? = nil,
        caFile: String? = nil,
        logs: LogCollector = LogCollector()
    ) throws -> any MailTransport {
        let configuration = try MailConfiguration(
            transport: url,
            from: Support.organisation.description,
            username: username,
            passwordEnvironmentVariable: username == nil ? nil : "KRING_TEST_SMTP_PASSWORD",
            caFile: caFile,
            timeoutSeconds: 20
        )
        return try configuration.makeTransport(
            environment: ["KRING_TEST_SMTP_PASSWORD": "wrong-or-right"], logger: logs.logger)
    }

    @Test func acceptedMessageReadsBackStrictlyWithOneRecipient() async throws {
        let server = try ScriptedSMTPServer(mode: "accept")
        let logs = LogCollector()
        let mail = try Support.composer().compose(Support.invite(language: .fr), date: Support.fixedDate)
        let result = try await transport("smtp+plain://127.0.0.1:\(server.port)", logs: logs).send(mail)

        guard case .sent(let reply) = result else {
            Issue.record("expected sent, got \(result)")
            return
        }
        #expect(reply.hasPrefix("250 2.0.0 Ok: queued as Q00001"))
        #expect(!reply.contains("@"), "the server echoed the address; the reply must not carry it")

        let message = try #require(server.messages.first)
        #expect(server.messages.count == 1)
        let envelope = try server.envelope(of: message)
        #expect(envelope.rcpt_tos == [Support.recipient.description])
        #expect(envelope.mail_from == Support.organisation.description)

        let checked = try Support.check(message)
        #expect(checked.to == [Support.recipient.description])
        #expect(checked.cc.isEmpty && checked.bcc.isEmpty)
        #expect(checked.from == Support.organisation.description)
        #expect(checked.subject == "Invitation\u{A0}: Groepsgesprek – ontmoeting")
        #expect(checked.messageID == mail.messageID)
        #expect(checked.autoSubmitted == "auto-generated")
        #expect(checked.mimeVersion == "1.0")
        #expect(checked.contentType == "multipart/alternative")
        #expect(checked.calendarParts == 1)
        #expect(checked.mimeMethod == "REQUEST")
        #expect(checked.icalMethod == "REQUEST")
        #expect(checked.mimeCharset?.uppercased() == "UTF-8")
        #expect(checked.attendees.map(\.address) == ["mailto:\(Support.recipient)"])
        #expect(checked.attendees.first?.cn == "Zoë Lefèvre-Ødegård")
        #expect(checked.summary == "Groepsgesprek – ontmoeting")
        #expect(checked.location == "Rue de l’Église 12, Liège")
        #expect(checked.text.contains("Où\u{A0}: Rue de l’Église 12, Liège"))
        #expect(checked.text.contains("19:30–21:00 (Europe/Brussels)"))
        #expect(checked.text.contains("mardi 10 mars 2026"))
        #expect(checked.defects.isEmpty)
        #expect(checked.bareLineFeeds == 0)
        #expect(checked.longestLine <= 998)
        #expect(checked.nonASCIIBytes == 0)

        let logged = logs.lines.joined(separator: "\n")
        #expect(!logged.isEmpty)
        #expect(!logged.contains(Support.recipient.description) && !logged.contains("canary"))
        #expect(!logged.contains("Groepsgesprek") && !logged.contains("Zoë"))
    }

    @Test func aBatchSharesOneConnectionAndEachMessageHasItsOwnRecipient() async throws {
        let server = try ScriptedSMTPServer(mode: "accept")
        let composer = try Support.composer()
        let recipients = (1...3).map { MailAddress("deelnemer-\($0)@example.org")! }
        let mails = try recipients.enumerated().map { index, recipient in
            try composer.compose(
                Support.invite(id: "outbox-\(index)", method: index == 2 ? .cancel : .request, recipient: recipient),
                date: Support.fixedDate
            )
        }
        let results = try await transport("smtp+plain://127.0.0.1:\(server.port)").send(mails)
        #expect(results.map(\.isSent) == [true, true, true])
        #expect(server.connections == 1)
        #expect(server.messages.count == 3)
        for (message, recipient) in zip(server.messages, recipients) {
            #expect(try server.envelope(of: message).rcpt_tos == [recipient.description])
            let checked = try Support.check(message)
            #expect(checked.to == [recipient.description])
            #expect(checked.attendees.map(\.address) == ["mailto:\(recipient)"])
            #expect(checked.mimeMethod == checked.icalMethod)
        }
        #expect(try Support.check(server.messages[2]).mimeMethod == "CANCEL")
    }

    @Test func aRejectedRecipientInTheMiddleOfABatchDoesNotStopTheOthers() async throws {
        let server = try ScriptedSMTPServer(mode: "accept")
        let composer = try Support.composer()
        let recipients = ["first@example.org", "reject-me@example.org", "last@example.org"].map { MailAddress($0)! }
        let mails = try recipients.enumerated().map { index, recipient in
            try composer.compose(Support.invite(id: "mixed-\(index)", recipient: recipient), date: Support.fixedDate)
        }
        let results = try await transport("smtp+plain://127.0.0.1:\(server.port)").send(mails)
        #expect(results.map(\.kind) == ["sent", "permanent", "sent"])
        #expect(
            try server.messages.map { try server.envelope(of: $0).rcpt_tos } == [
                ["first@example.org"], ["last@example.org"],
            ])
    }

    @Test func aConnectionTheServerClosedIsReplacedNotReportedAsAFailure() async throws {
        let server = try ScriptedSMTPServer(mode: "drop-after-data")
        let composer = try Support.composer()
        let transport = try transport("smtp+plain://127.0.0.1:\(server.port)")
        for index in 1...3 {
            let mail = try composer.compose(Support.invite(id: "drop-\(index)"), date: Support.fixedDate)
            // Wait until the server has dropped the previous connection, so the handle holds a dead one.
            #expect(Support.waitUntil(seconds: 10) { server.closed >= index - 1 })
            let result = await transport.send(mail)
            #expect(result.isSent, "message \(index): \(result)")
        }
        #expect(server.messages.count == 3)
        #expect(server.connections == 3, "each message after a drop needed a new connection")
    }

    @Test func serverDownIsTemporary() async throws {
        let port = Support.freePort()
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let result = try await transport("smtp+plain://127.0.0.1:\(port)").send(mail)
        guard case .temporaryFailure(let reason) = result else {
            Issue.record("expected a temporary failure, got \(result)")
            return
        }
        #expect(!reason.contains("@"))
    }

    @Test(arguments: ["greet421", "rcpt451", "data421"])
    func fourHundredRepliesAreTemporary(mode: String) async throws {
        let server = try ScriptedSMTPServer(mode: mode)
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let result = try await transport("smtp+plain://127.0.0.1:\(server.port)").send(mail)
        guard case .temporaryFailure(let reason) = result else {
            Issue.record("expected a temporary failure, got \(result)")
            return
        }
        #expect(reason.contains("4"))
        #expect(server.messages.isEmpty)
    }

    @Test func fiveFiftyIsPermanentAndTheEchoedAddressIsScrubbed() async throws {
        let server = try ScriptedSMTPServer(mode: "rcpt550")
        let logs = LogCollector()
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let result = try await transport("smtp+plain://127.0.0.1:\(server.port)", logs: logs).send(mail)
        guard case .permanentFailure(let reason) = result else {
            Issue.record("expected a permanent failure, got \(result)")
            return
        }
        #expect(reason.contains("550"))
        #expect(!reason.contains("canary") && !reason.contains("@"))
        #expect(!logs.lines.joined().contains("canary"))
        #expect(server.messages.isEmpty)
    }

    @Test func startTLSRequiredButNotOfferedSendsNothing() async throws {
        let server = try ScriptedSMTPServer(mode: "accept")
        let composer = try Support.composer()
        let mails = try [
            composer.compose(Support.invite(id: "a"), date: Support.fixedDate),
            composer.compose(Support.invite(id: "b"), date: Support.fixedDate),
        ]
        let results = try await transport("smtp://127.0.0.1:\(server.port)").send(mails)
        guard case .configurationError(let reason) = results.first else {
            Issue.record("expected a configuration error, got \(results)")
            return
        }
        #expect(reason.contains("STARTTLS"))
        #expect(results.count == 2 && results.allSatisfy { $0 == results[0] })
        #expect(server.messages.isEmpty)
    }

    @Test func refusedLoginIsAConfigurationError() async throws {
        let server = try ScriptedSMTPServer(mode: "auth-refuse")
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let result = try await transport("smtp+plain://127.0.0.1:\(server.port)", username: "kring").send(mail)
        guard case .configurationError(let reason) = result else {
            Issue.record("expected a configuration error, got \(result)")
            return
        }
        #expect(reason.contains("login"))
        #expect(!reason.contains("wrong-or-right"))
        #expect(server.messages.isEmpty)
    }

    @Test func acceptedLoginSends() async throws {
        let server = try ScriptedSMTPServer(mode: "auth-accept")
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let result = try await transport("smtp+plain://127.0.0.1:\(server.port)", username: "kring").send(mail)
        #expect(result.isSent, "\(result)")
        #expect(server.messages.count == 1)
    }

    @Test(arguments: [("starttls", "smtp"), ("smtps", "smtps")])
    func tlsWithATrustedCertificateSends(mode: String, scheme: String) async throws {
        let certificates = try Support.loopbackCertificate()
        defer { try? FileManager.default.removeItem(at: certificates) }
        let server = try ScriptedSMTPServer(mode: mode, certificates: certificates)
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let caFile = certificates.appendingPathComponent("cert.pem").path
        let result = try await transport("\(scheme)://127.0.0.1:\(server.port)", caFile: caFile).send(mail)
        #expect(result.isSent, "\(result)")
        let message = try #require(server.messages.first)
        #expect(try Support.check(message).to == [Support.recipient.description])
    }

    @Test(arguments: [("starttls", "smtp"), ("smtps", "smtps")])
    func anUntrustedCertificateIsAConfigurationErrorAndNothingIsSent(mode: String, scheme: String) async throws {
        let certificates = try Support.loopbackCertificate()
        defer { try? FileManager.default.removeItem(at: certificates) }
        let server = try ScriptedSMTPServer(mode: mode, certificates: certificates)
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let result = try await transport("\(scheme)://127.0.0.1:\(server.port)").send(mail)
        guard case .configurationError(let reason) = result else {
            Issue.record("expected a configuration error, got \(result)")
            return
        }
        #expect(reason.contains("certificate"))
        #expect(server.messages.isEmpty)
    }
}
