import Foundation
import KringMail
import KringTestSupport
import Testing

@Suite("Mail configuration")
struct ConfigurationTests {
    private func error(_ make: () throws -> some Any) -> MailError? {
        do {
            _ = try make()
            return nil
        } catch let error as MailError {
            return error
        } catch {
            return nil
        }
    }

    @Test func transportURLs() throws {
        let from = "uitnodigingen@kring.example"
        #expect(
            try MailConfiguration(transport: "smtp://mail.example.org", from: from).transport
                == .smtp(url: "smtp://mail.example.org:587", host: "mail.example.org", port: 587, security: .startTLS)
        )
        #expect(
            try MailConfiguration(transport: "smtps://mail.example.org", from: from).transport
                == .smtp(
                    url: "smtps://mail.example.org:465", host: "mail.example.org", port: 465, security: .implicitTLS)
        )
        #expect(
            try MailConfiguration(transport: "smtp+plain://127.0.0.1:2525", from: from).transport
                == .smtp(url: "smtp://127.0.0.1:2525", host: "127.0.0.1", port: 2525, security: .none)
        )
        #expect(throws: Never.self) { try MailConfiguration(transport: "smtp+plain://localhost", from: from) }
        #expect(
            try MailConfiguration(transport: "sendmail", from: from).transport == .sendmail(path: "/usr/sbin/sendmail"))
        #expect(
            try MailConfiguration(transport: "sendmail:/usr/local/bin/msmtp", from: from).transport
                == .sendmail(path: "/usr/local/bin/msmtp")
        )
    }

    @Test func plainSMTPToANonLoopbackHostIsRefusedNamingTheURL() {
        let error = error {
            try MailConfiguration(transport: "smtp+plain://mail.example.org:25", from: "a@kring.example")
        }
        #expect(error?.field == "mail.transport")
        #expect(error?.description.contains("'smtp+plain://mail.example.org:25'") == true)
        #expect(error?.description.contains("not loopback") == true)
    }

    @Test(arguments: [
        "smtp://user:secret@mail.example.org", "http://mail.example.org", "smtp://", "smtp://mail.example.org/x",
        "smtp://mail example.org", "sendmail:relative/path", "smtp://mail.example.org:99999",
    ])
    func badTransportsNameFieldAndValue(url: String) {
        let error = error { try MailConfiguration(transport: url, from: "a@kring.example") }
        #expect(error?.field == "mail.transport")
        #expect(error?.isConfigurationError == true)
        #expect(error?.description.contains("secret") == false)
    }

    @Test(arguments: [
        "", "no-at-sign", "a@b", "Name <a@kring.example>", "a@kring.example\r\nBcc: x@y.org", "a b@c.org",
    ])
    func badFromAddresses(from: String) {
        let error = error { try MailConfiguration(transport: "sendmail", from: from) }
        #expect(error?.field == "mail.from")
    }

    @Test func settingsAreReadAndUnknownOnesRefused() throws {
        let configuration = try MailConfiguration(settings: [
            "mail.transport": "smtps://mail.example.org",
            "mail.from": "uitnodigingen@kring.example",
            "mail.username": "kring",
            "mail.password-env": "KRING_SMTP_PASSWORD",
            "mail.organisation-text.fr": "Stop it Now! Wallonie",
        ])
        #expect(configuration.passwordSource == .environment(variable: "KRING_SMTP_PASSWORD"))
        #expect(configuration.organisationText == [.fr: "Stop it Now! Wallonie"])
        #expect(try configuration.readPassword(environment: ["KRING_SMTP_PASSWORD": "s3cret"]) == "s3cret")
        let missing = error { try configuration.readPassword(environment: [:]) }
        #expect(missing?.description.contains("KRING_SMTP_PASSWORD") == true)

        let unknown = error {
            try MailConfiguration(settings: [
                "mail.transport": "sendmail", "mail.from": "a@kring.example", "mail.pasword-file": "/x",
            ])
        }
        #expect(unknown?.field == "mail.pasword-file")
        let absent = error { try MailConfiguration(settings: ["mail.from": "a@kring.example"]) }
        #expect(absent?.field == "mail.transport")
        let lonelyUser = error {
            try MailConfiguration(transport: "smtps://mail.example.org", from: "a@kring.example", username: "kring")
        }
        #expect(lonelyUser?.field == "mail.password-file")
    }

    @Test func passwordFileMustBeOwnerOnly() throws {
        let directory = try MailTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("smtp-password")
        try "s3cret\n".write(to: file, atomically: true, encoding: .utf8)
        let configuration = try MailConfiguration(
            transport: "smtps://mail.example.org",
            from: "a@kring.example",
            username: "kring",
            passwordFile: file.path
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let open = error { try configuration.readPassword(environment: [:]) }
        #expect(open?.field == "mail.password-file")
        #expect(open?.description.contains("chmod 600") == true)
        #expect(open?.description.contains("s3cret") == false)
        let refused = error { try configuration.makeTransport(environment: [:], logger: LogCollector().logger) }
        #expect(refused?.field == "mail.password-file")

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        #expect(try configuration.readPassword(environment: [:]) == "s3cret")
    }
}
