import Foundation
import KringTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `kring invites send` through the real binary against real SMTP servers: a private Postfix delivering into a
/// Maildir, and a scripted aiosmtpd server for every fault. Messages are read back with Python's strict `email`
/// parser and `icalendar` (`Tests/KringMailTests/Scripts/check_mail.py`).
@Suite(
    .serialized, .timeLimit(.minutes(10)),
    .enabled(if: MailServerSupport.python != nil, "KRING_PYTHON (the venv with aiosmtpd and icalendar) is not set")
)
struct InviteDeliveryTests {
    static let organizer = "groepen@example.org"
    static let title = "Praatgroep – ontmoeting"
    static let venue = "Rue de l’Église 12, Liège"
    static let people = ["Zoë Ødegård": "zoe.canary@example.org", "Blauwe Reiger": "reiger.canary@example.org"]

    /// A planned group with a non-ASCII title and venue, two participants with addresses (one with a non-ASCII
    /// pseudonym), and the organizer set: two REQUESTs pending.
    static func group(
        people: [String: String] = people, capacity: Int = 10, venue: String = venue, title: String = title
    ) throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "gent-partners", "--audience", "partners", "--language", "nl",
            "--capacity", "\(capacity)", "--minimum", "2", "--venue", venue, "--title", title,
        ])
        try sandbox.ok([
            "series", "add", "--group", "gent-partners", "--start", "2027-01-12T19:00", "--duration", "120",
            "--rrule", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10",
        ])
        try sandbox.ok(["group", "open", "gent-partners"])
        for (name, address) in people.sorted(by: { $0.key < $1.key }) {
            try sandbox.ok([
                "participant", "enrol", "--group", "gent-partners", "--pseudonym", name, "--relation", "partner",
                "--contact", address,
            ])
        }
        try sandbox.ok(["config", "set", "organizer", organizer])
        return sandbox
    }

    static func list(_ sandbox: KringSandbox, all: Bool = false) throws -> [[String: Any]] {
        try sandbox.ok(["invites", "list", "--format", "json"] + (all ? ["--all"] : [])).array()
    }

    static func send(_ sandbox: KringSandbox, _ extra: [String] = []) throws -> [String: Any] {
        try sandbox.ok(["invites", "send", "--format", "json"] + extra).object()
    }

    static func checked(_ file: URL) throws -> [String: Any] {
        let script = MailServerSupport.scripts.appendingPathComponent("check_mail.py").path
        let output = try MailServerSupport.run(MailServerSupport.python!, [script, file.path])
        return try #require(JSONSerialization.jsonObject(with: output) as? [String: Any])
    }

    /// Every log line and message of a run must be free of the addresses (the trace check covers arguments only).
    static func expectNoAddress(in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for address in people.values { #expect(!text.contains(address), sourceLocation: sourceLocation) }
    }

    struct Summary: Decodable {
        let to: String
        let messageID: String
        let uid: String
        let calendar: String
    }

    /// To, Message-ID, the calendar's UID and text of each message, read by Python's email parser in one run.
    static func summaries(_ files: [URL]) throws -> [Summary] {
        let script = """
            import email, email.policy, icalendar, json, sys
            out = []
            for path in sys.argv[1:]:
                m = email.message_from_bytes(open(path, 'rb').read(), policy=email.policy.strict)
                part = [p for p in m.walk() if p.get_content_type() == 'text/calendar'][0]
                text = part.get_content()
                cal = icalendar.Calendar.from_ical(text)
                uid = str([e for e in cal.walk('VEVENT')][0].get('UID'))
                out.append({'to': str(m['To']), 'messageID': str(m['Message-ID']), 'uid': uid, 'calendar': text})
            print(json.dumps(out))
            """
        let output = try MailServerSupport.run(MailServerSupport.python!, ["-c", script] + files.map(\.path))
        return try JSONDecoder().decode([Summary].self, from: output)
    }

    // MARK: - Postfix: the whole path through a real MTA

    @Test(
        .enabled(if: PostfixInstance.isInstalled, "postfix is not installed (make deps)"),
        .enabled(if: PostfixInstance.isRoot, "a private Postfix instance needs root"))
    func sendDeliversOneMessagePerRecipientThroughPostfixExactlyAsPreviewed() throws {
        let postfix = try PostfixInstance()
        let sandbox = try Self.group()
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(postfix.port)"])
        let pending = try Self.list(sandbox)
        #expect(pending.count == 2)
        var previews: [String: String] = [:]
        for message in pending {
            let id = message["id"] as! Int
            let preview = try sandbox.ok(["invites", "preview", "\(id)"]).stdout
            previews[message["participant"] as! String] = preview
        }
        let dry = try Self.send(sandbox, ["--dry-run"])
        #expect((dry["messages"] as! [[String: Any]]).map { $0["outcome"] as? String } == ["would-send", "would-send"])
        #expect(
            Set((dry["messages"] as! [[String: Any]]).compactMap { $0["recipient"] as? String })
                == ["participant Zoë Ødegård", "participant Blauwe Reiger"])
        #expect(try Self.list(sandbox).count == 2, "a dry run sends nothing")

        let run = try sandbox.ok(["invites", "send", "--format", "json"])
        Self.expectNoAddress(in: run.stdout + run.stderr)
        let sent = try run.object()
        #expect((sent["messages"] as! [[String: Any]]).allSatisfy { $0["outcome"] as? String == "sent" })
        #expect(MailServerSupport.waitUntil(seconds: 60) { postfix.delivered.count == 2 }, "\(postfix.log)")

        for file in postfix.delivered {
            let mail = try Self.checked(file)
            let to = try #require(mail["to"] as? [String])
            #expect(to.count == 1)
            let (pseudonym, address) = try #require(Self.people.first { to[0].contains($0.value) })
            #expect(mail["cc"] as? [String] == [])
            let attendees = try #require(mail["attendees"] as? [[String: Any]])
            #expect(Set(attendees.compactMap { $0["address"] as? String }) == ["mailto:\(address)"])
            #expect(mail["mimeMethod"] as? String == "REQUEST")
            #expect(mail["icalMethod"] as? String == "REQUEST")
            #expect((mail["subject"] as? String)?.contains(Self.title) == true)
            #expect(mail["summary"] as? String == Self.title)
            #expect(mail["location"] as? String == Self.venue)
            #expect(attendees.allSatisfy { !($0["cn"] is String) || $0["cn"] as? String == pseudonym })
            #expect((mail["defects"] as? [String])?.isEmpty == true)
            // The message Postfix stored is the one the coordinator previewed (Postfix only adds trace headers
            // above it and stores LF line endings).
            let stored = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            let preview = try #require(previews[pseudonym]).replacingOccurrences(of: "\r\n", with: "\n")
            #expect(stored.hasSuffix(preview))
            #expect(!previews.contains { $0.key != pseudonym && stored.contains($0.key) })
        }
        #expect(try Self.list(sandbox).isEmpty)
        let record = try Self.list(sandbox, all: true)
        #expect(record.count == 2)
        for message in record {
            #expect(message["state"] as? String == "sent")
            #expect(message["attempts"] as? Int == 1)
            let reply = try #require(message["lastReply"] as? String)
            #expect(reply.hasPrefix("250"))
            Self.expectNoAddress(in: reply)
        }
        #expect((try Self.send(sandbox)["messages"] as! [Any]).isEmpty, "nothing goes twice")
        #expect(postfix.delivered.count == 2)
        let raw = sandbox.rawBytes() + sandbox.rawBytes("-wal")
        for address in Self.people.values { #expect(!raw.contains(address)) }
    }

    // MARK: - Faults, against the scripted aiosmtpd server

    @Test func serverDownLeavesEverythingRetryingAndALaterRunDeliversIt() throws {
        let sandbox = try Self.group()
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(MailServerSupport.freePort())"])
        let first = try Self.send(sandbox)
        #expect((first["messages"] as! [[String: Any]]).allSatisfy { $0["outcome"] as? String == "retrying" })
        let listed = try Self.list(sandbox)
        #expect(listed.count == 2)
        #expect(listed.allSatisfy { $0["state"] as? String == "retrying" && $0["attempts"] as? Int == 1 })

        let server = try ScriptedSMTPServer(mode: "accept")
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(server.port)"])
        #expect((try Self.send(sandbox)["messages"] as! [Any]).isEmpty, "not due before the backoff has passed")
        sandbox.now = "2026-12-01T09:06:00Z"
        let later = try Self.send(sandbox)
        #expect((later["messages"] as! [[String: Any]]).allSatisfy { $0["outcome"] as? String == "sent" })
        #expect(server.messages.count == 2)
        #expect(try Self.list(sandbox).isEmpty)
        #expect(try Self.list(sandbox, all: true).allSatisfy { $0["attempts"] as? Int == 2 })
    }

    @Test(arguments: ["greet421", "rcpt451", "data421"])
    func temporaryRefusalsAreRetried(mode: String) throws {
        let server = try ScriptedSMTPServer(mode: mode)
        let sandbox = try Self.group()
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(server.port)"])
        _ = try Self.send(sandbox)
        let listed = try Self.list(sandbox)
        #expect(listed.count == 2)
        #expect(listed.allSatisfy { $0["state"] as? String == "retrying" }, "\(listed)")
        #expect(listed.allSatisfy { ($0["lastReply"] as? String)?.isEmpty == false })
        #expect(server.messages.isEmpty)
    }

    @Test func aRefusedRecipientIsFailedAndShownWithTheReplyButNoAddress() throws {
        let server = try ScriptedSMTPServer(mode: "rcpt550")
        let sandbox = try Self.group()
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(server.port)"])
        _ = try Self.send(sandbox)
        let listed = try Self.list(sandbox)
        #expect(listed.count == 2)
        for message in listed {
            #expect(message["state"] as? String == "failed")
            let reply = try #require(message["lastReply"] as? String)
            #expect(reply.contains("550"))
            Self.expectNoAddress(in: reply)
        }
        let table = try sandbox.ok(["invites", "list"]).stdout
        #expect(table.contains("failed") && table.contains("550"))
        Self.expectNoAddress(in: table)
        sandbox.now = "2026-12-02T09:00:00Z"
        #expect((try Self.send(sandbox)["messages"] as! [Any]).isEmpty, "a failed message is not retried")
        let id = listed[0]["id"] as! Int
        try sandbox.ok(["invites", "discard", "\(id)"])
        #expect(try Self.list(sandbox).count == 1)
        #expect(
            try Self.list(sandbox, all: true).contains {
                $0["id"] as? Int == id && $0["state"] as? String == "discarded"
            })
        try sandbox.expectRefused(["invites", "discard", "\(id)"], mentioning: ["invite", "\(id)", "discarded"])
    }

    @Test func startTLSRequiredButNotOfferedStopsWithAClearErrorAndMarksNothingSent() throws {
        let server = try ScriptedSMTPServer(mode: "accept")
        let sandbox = try Self.group()
        try sandbox.ok(["config", "set", "mail.transport", "smtp://127.0.0.1:\(server.port)"])
        let run = try sandbox.run(["invites", "send"])
        #expect(run.status == 78, "\(run.stderr)")
        #expect(run.stderr.contains("STARTTLS"), "\(run.stderr)")
        #expect(server.messages.isEmpty)
        let listed = try Self.list(sandbox)
        #expect(listed.count == 2)
        #expect(listed.allSatisfy { $0["state"] as? String == "pending" && $0["attempts"] as? Int == 0 })
    }

    @Test func refusedLoginStopsWithAClearErrorAndMarksNothingSent() throws {
        let server = try ScriptedSMTPServer(mode: "auth-refuse")
        let sandbox = try Self.group()
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(server.port)"])
        try sandbox.ok(["config", "set", "mail.username", "kring"])
        try sandbox.ok(["config", "set", "mail.password-env", "KRING_TEST_SMTP_PASSWORD"])
        let run = try sandbox.run(["invites", "send"], environment: ["KRING_TEST_SMTP_PASSWORD": "wrong-or-right"])
        #expect(run.status == 78, "\(run.stderr)")
        #expect(run.stderr.contains("login"), "\(run.stderr)")
        #expect(!run.stderr.contains("wrong-or-right"))
        #expect(server.messages.isEmpty)
        #expect(try Self.list(sandbox).allSatisfy { $0["state"] as? String == "pending" })
        // The password is never a setting.
        try sandbox.expectRefused(["config", "set", "mail.password", "hunter2"], mentioning: ["mail.password"])
    }

    // MARK: - Crashes: at-least-once, never more than twice

    @Test func killedAtRandomPointsEveryMessageArrivesAndDuplicatesShareTheirMessageID() throws {
        // 40 participants, 5 series: 200 REQUESTs.
        var people: [String: String] = [:]
        for index in 0..<40 { people["Deelnemer \(index)"] = "p\(index)@example.org" }
        // ASCII title and venue keep the calendar part 7bit, so its UID can be read without decoding.
        let sandbox = try Self.group(people: people, capacity: 40, venue: "Gent", title: "Groep")
        for week in 1...4 {
            try sandbox.ok([
                "series", "add", "--group", "gent-partners", "--start", "2027-0\(week + 1)-10T19:00", "--duration",
                "60", "--rrule", "FREQ=WEEKLY;COUNT=3",
            ])
        }
        #expect(try Self.list(sandbox).count == 200)
        let server = try ScriptedSMTPServer(mode: "accept")
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(server.port)"])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<6 {
            let running = try sandbox.start(["invites", "send"])
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...1.0, using: &generator))
            _ = kill(running.process.processIdentifier, SIGKILL)
            _ = running.wait()
        }
        for _ in 0..<3 where try !Self.list(sandbox).isEmpty { _ = try Self.send(sandbox) }
        #expect(try Self.list(sandbox).isEmpty)
        #expect(try Self.list(sandbox, all: true).allSatisfy { $0["state"] as? String == "sent" })

        // Per outbox message (recipient and series UID): how many copies and under which Message-IDs.
        var copies: [String: [String]] = [:]
        for mail in try Self.summaries(server.messages) {
            copies["\(mail.to) \(mail.uid)", default: []].append(mail.messageID)
        }
        #expect(copies.count == 200)
        #expect(copies.values.allSatisfy { $0.count <= 2 }, "\(copies.values.filter { $0.count > 2 })")
        #expect(copies.values.allSatisfy { Set($0).count == 1 })
        #expect(Set(copies.values.map { $0[0] }).count == 200)
    }

    /// `kring serve` delivers by itself when a transport is configured; killed with SIGKILL in the middle of a
    /// batch and started again, it delivers every message, none more than twice, and copies share a Message-ID.
    @Test func serveDeliversByItselfAndAKillMidBatchLosesAndDoublesNothing() throws {
        var people: [String: String] = [:]
        for index in 0..<30 { people["Deelnemer \(index)"] = "p\(index)@example.org" }
        let sandbox = try Self.group(people: people, capacity: 40, venue: "Gent", title: "Groep")
        for week in 1...2 {
            try sandbox.ok([
                "series", "add", "--group", "gent-partners", "--start", "2027-0\(week + 1)-10T19:00", "--duration",
                "60", "--rrule", "FREQ=WEEKLY;COUNT=3",
            ])
        }
        let queued = try Self.list(sandbox).count
        #expect(queued == 90)
        let server = try ScriptedSMTPServer(mode: "accept")
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(server.port)"])

        // First service: killed as soon as some, but not necessarily all, messages went out.
        let first = try RunningServer(sandbox: sandbox, extra: ["--mail-interval", "1"])
        #expect(!first.address.isEmpty)
        #expect(MailServerSupport.waitUntil(seconds: 120) { !server.messages.isEmpty })
        _ = kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()

        // Second service: finishes the batch by itself, then stops gracefully.
        var traced = sandbox.environment
        traced["KRING_LOG_LEVEL"] = "trace"
        let second = try RunningServer(sandbox: sandbox, extra: ["--mail-interval", "1"], environment: traced)
        #expect(MailServerSupport.waitUntil(seconds: 180) { (try? Self.list(sandbox).isEmpty) == true })
        second.stop()
        #expect(second.process.terminationStatus == 0)
        // Its log at trace level names no one: no address, no pseudonym.
        let log = second.stderrText
        #expect(log.contains("trace") || log.contains("debug") || log.contains("info"), "no log line was read")
        #expect(!log.contains("@example.org") && !log.contains("Deelnemer"), "\(log.prefix(2_000))")
        #expect(try Self.list(sandbox, all: true).allSatisfy { $0["state"] as? String == "sent" })

        var copies: [String: [String]] = [:]
        for mail in try Self.summaries(server.messages) {
            copies["\(mail.to) \(mail.uid)", default: []].append(mail.messageID)
        }
        #expect(copies.count == queued)
        #expect(copies.values.allSatisfy { $0.count <= 2 }, "\(copies.values.filter { $0.count > 2 })")
        #expect(copies.values.allSatisfy { Set($0).count == 1 })
    }

    // MARK: - The outbox says only what is still true, at send time

    @Test func aParticipantWhoWithdrewBeforeAnythingWasSentGetsNothing() throws {
        let server = try ScriptedSMTPServer(mode: "accept")
        let sandbox = try Self.group()
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(server.port)"])
        try sandbox.ok(["participant", "withdraw", "Blauwe Reiger", "--yes"])
        let view = try Self.send(sandbox)
        let messages = view["messages"] as! [[String: Any]]
        #expect(messages.map { $0["recipient"] as? String } == ["participant Zoë Ødegård"])
        #expect(server.messages.count == 1)
        #expect(try Self.list(sandbox).isEmpty)

        // Once they did get the REQUEST, a withdrawal sends the CANCEL.
        try sandbox.ok(["participant", "withdraw", "Zoë Ødegård", "--yes"])
        let cancel = try Self.send(sandbox)["messages"] as! [[String: Any]]
        #expect(cancel.map { $0["method"] as? String } == ["cancel"])
        #expect(server.messages.count == 2)
    }

    @Test func noCancelForASessionTheRequestBeingSentAlreadyLeavesOut() throws {
        let server = try ScriptedSMTPServer(mode: "accept")
        let sandbox = try Self.group()
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(server.port)"])
        let sessions = try sandbox.ok(["session", "list", "--group", "gent-partners", "--format", "json"]).array()
        try sandbox.ok(["session", "cancel", "--yes", String(sessions[1]["id"] as! Int)])
        #expect(try Self.list(sandbox).count == 4, "two REQUESTs and two occurrence CANCELs queued")
        let messages = try Self.send(sandbox)["messages"] as! [[String: Any]]
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0["method"] as? String == "request" })
        for mail in try Self.summaries(server.messages) {
            #expect(mail.calendar.contains("EXDATE"), "the REQUEST leaves the cancelled session out")
        }
        // A session cancelled after the REQUEST went out does get its CANCEL.
        try sandbox.ok(["session", "cancel", "--yes", String(sessions[2]["id"] as! Int)])
        let later = try Self.send(sandbox)["messages"] as! [[String: Any]]
        #expect(later.count == 2)
        #expect(later.allSatisfy { $0["method"] as? String == "cancel" && $0["occurrence"] is String })
    }

    @Test func configRefusesBadMailSettingsNamingKeyAndValue() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.expectRefused(
            ["config", "set", "mail.transport", "smtp+plain://mail.example.org:25"],
            mentioning: ["mail.transport", "smtp+plain://mail.example.org:25", "loopback"])
        try sandbox.expectRefused(
            ["config", "set", "mail.transport", "ftp://x.example"], mentioning: ["mail.transport"])
        try sandbox.expectRefused(
            ["config", "set", "mail.password-file", "relative/path"],
            mentioning: ["mail.password-file", "relative/path"])
        try sandbox.expectRefused(["config", "set", "mail.colour", "blue"], mentioning: ["mail.colour"])
        try sandbox.expectRefused(["config", "set", "mail.reminder", "soon"], mentioning: ["mail.reminder", "soon"])
        try sandbox.ok(["config", "set", "mail.transport", "smtps://mail.example.org"])
        try sandbox.ok(["config", "set", "mail.from", "uitnodigingen@example.org"])
        #expect(try sandbox.ok(["config", "set", "mail.reminder", "1d"]).stdout == "mail.reminder = P1D\n")
        #expect(try sandbox.ok(["config", "get", "mail.transport"]).stdout == "smtps://mail.example.org\n")
        let refused = try sandbox.run(["invites", "send"])
        #expect(refused.succeeded, "nothing pending: nothing to do")
    }

    @Test func exportWritesAManifestWithoutAddressesAndWarnsAboutAnOpenFolder() throws {
        let sandbox = try Self.group()
        let out = sandbox.folder.appendingPathComponent("open-folder")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        chmod(out.path, 0o755)
        let run = try sandbox.run(["invites", "export", "--out", out.path])
        #expect(run.succeeded)
        #expect(run.stderr.contains("readable by others"), "\(run.stderr)")
        let tsv = try String(contentsOf: out.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        let json = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
        for name in Self.people.keys { #expect(tsv.contains(name) && json.contains(name)) }
        Self.expectNoAddress(in: tsv + json)
        #expect(tsv.split(separator: "\n").count == 3)
    }
}
