import Foundation
import KringMail
import KringTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite(
    "Delivery through Postfix",
    .serialized,
    .enabled(
        if: PostfixInstance.isInstalled,
        "postfix is not installed: run `echo 'postfix postfix/main_mailer_type select No configuration' | sudo debconf-set-selections && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y postfix`"
    ),
    .enabled(if: PostfixInstance.isRoot, "a private Postfix instance needs root: run the tests as root (as CI does)")
)
struct PostfixDeliveryTests {
    typealias Support = MailTestSupport

    @Test func smtpAndSendmailBothLandInTheMaildir() async throws {
        let postfix = try PostfixInstance()
        let composer = try Support.composer()
        let bySMTP = try composer.compose(Support.invite(id: "smtp-1", language: .nl), date: Support.fixedDate)
        let bySendmail = try composer.compose(
            Support.invite(
                id: "sendmail-1", method: .cancel, recipient: MailAddress("deelnemer-2@example.org")!, language: .fr),
            date: Support.fixedDate
        )

        let logs = LogCollector()
        let smtp = try MailConfiguration(
            transport: "smtp+plain://127.0.0.1:\(postfix.port)", from: Support.organisation.description
        )
        .makeTransport(environment: [:], logger: logs.logger)
        let smtpResult = await smtp.send(bySMTP)
        guard case .sent(let reply) = smtpResult else {
            Issue.record("expected sent, got \(smtpResult); postfix log: \(postfix.log)")
            return
        }
        #expect(reply.contains("queued as"))

        let sendmail = SendmailTransport(
            sender: Support.organisation,
            timeout: .seconds(30),
            environment: ["MAIL_CONFIG": postfix.configDirectory],
            logger: logs.logger
        )
        let sendmailResult = await sendmail.send(bySendmail)
        #expect(sendmailResult.isSent, "\(sendmailResult); postfix log: \(postfix.log)")

        // Delivery is asynchronous: poll the Maildir against a generous deadline.
        let arrived = Support.waitUntil(seconds: 60) { postfix.delivered.count >= 2 }
        #expect(arrived, "postfix log: \(postfix.log)")
        #expect(postfix.delivered.count == 2)

        let texts = try postfix.delivered.map { try String(contentsOf: $0, encoding: .utf8) }
        let smtpCopy = try #require(texts.first { $0.contains(bySMTP.messageID) })
        let sendmailCopy = try #require(texts.first { $0.contains(bySendmail.messageID) })
        #expect(smtpCopy.contains("Delivered-To: \(Support.recipient)"))
        #expect(sendmailCopy.contains("Delivered-To: deelnemer-2@example.org"))
        #expect(!logs.lines.joined().contains("@example.org"))

        if Support.python != nil {
            for file in postfix.delivered {
                let checked = try Support.check(file)
                #expect(checked.to.count == 1)
                #expect(checked.cc.isEmpty && checked.bcc.isEmpty)
                #expect(checked.mimeMethod == checked.icalMethod)
                #expect(checked.attendees.map(\.address) == checked.to.map { "mailto:\($0)" })
                #expect(checked.location == "Rue de l’Église 12, Liège")
                #expect(checked.defects.isEmpty)
            }
        }
    }
}
