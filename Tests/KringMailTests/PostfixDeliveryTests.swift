import Foundation
import KringMail
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private Postfix instance (Debian's postfix, `Scripts/postfix-instance.sh`) on a free loopback port,
/// delivering every message into a Maildir: the whole path through a real MTA, by SMTP and by sendmail.
final class PostfixInstance {
    static let isRoot = getuid() == 0
    static let isInstalled = FileManager.default.isExecutableFile(atPath: "/usr/sbin/postfix")
    static let script = MailTestSupport.scripts.appendingPathComponent("postfix-instance.sh").path

    let directory: URL
    let port: Int
    var configDirectory: String { directory.appendingPathComponent("conf").path }
    var maildir: URL { directory.appendingPathComponent("mail/maildir/new") }

    init() throws {
        // Under /tmp rather than a per-user folder: Postfix's daemons, running as `postfix`, must reach it.
        directory = URL(fileURLWithPath: "/tmp/kring-postfix-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = MailTestSupport.freePort()
        try MailTestSupport.run("/bin/sh", [Self.script, "start", directory.path, "\(port)"])
        let listening = MailTestSupport.waitUntil(seconds: 30) { Self.accepts(port: port) }
        if !listening {
            _ = try? MailTestSupport.run("/bin/sh", [Self.script, "stop", directory.path])
            throw MailTestSupport.Failure(description: "postfix did not listen on \(port): \(log)")
        }
    }

    deinit {
        _ = try? MailTestSupport.run("/bin/sh", [Self.script, "stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("postfix.log"), encoding: .utf8)) ?? ""
    }

    var delivered: [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []).sorted()
            .map { maildir.appendingPathComponent($0) }
    }

    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, streamSocket, 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

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
