import Foundation
import KringTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The outbox over HTTP (`/api/invites/{id}/preview`, `/api/invites/{id}/discard`, `/api/invites/send`) and through
/// the remote CLI (`kring --server URL invites preview|discard|send`), against a real `kring serve` and the scripted
/// aiosmtpd server: a coordinator previews, discards and sends; nobody else may; an unknown id is named.
@Suite(
    .serialized, .timeLimit(.minutes(10)),
    .enabled(if: MailServerSupport.python != nil, "KRING_PYTHON (the venv with aiosmtpd and icalendar) is not set")
)
struct InviteOutboxAPITests {
    struct Reply {
        let status: Int
        let contentType: String
        let text: String
        func object() throws -> [String: Any] {
            try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
    }

    /// One request to the service, waited for on URLSession's own threads (the server is another process).
    static func request(
        _ method: String, _ url: String, token: String, json: String? = nil, headers: [String: String] = [:]
    ) throws -> Reply {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        final class Box: @unchecked Sendable {
            // Unchecked: written once by the completion handler before `done` is signalled, read after.
            var reply: Reply?
            let done = DispatchSemaphore(value: 0)
        }
        let box = Box()
        URLSession.shared.dataTask(with: request) { data, response, _ in
            let http = response as? HTTPURLResponse
            box.reply = Reply(
                status: http?.statusCode ?? 0, contentType: http?.value(forHTTPHeaderField: "Content-Type") ?? "",
                text: String(decoding: data ?? Data(), as: UTF8.self))
            box.done.signal()
        }.resume()
        box.done.wait()
        return try #require(box.reply)
    }

    static func token(_ sandbox: KringSandbox, _ arguments: [String]) throws -> String {
        let issued = try sandbox.ok(["token", "issue"] + arguments + ["--format", "json"]).object()
        return try #require(issued["token"] as? String)
    }

    @Test func aCoordinatorPreviewsDiscardsAndSendsOverHTTPAndTheRemoteCLIAndNoOneElseMay() throws {
        let smtp = try ScriptedSMTPServer(mode: "accept")
        let sandbox = try InviteDeliveryTests.group()
        try sandbox.ok(["facilitator", "add", "--name", "An Claes", "--languages", "nl"])
        let coordinator = try Self.token(sandbox, ["--coordinator"])
        let facilitator = try Self.token(sandbox, ["--facilitator", "An Claes"])
        let participant = try Self.token(sandbox, ["--participant", "Zoë Ødegård"])
        let feedOnly = try Self.token(sandbox, ["--participant", "Blauwe Reiger", "--feed-only"])
        var traced = sandbox.environment
        traced["KRING_LOG_LEVEL"] = "trace"
        // No --mail-interval: the service sends only when asked to.
        let serve = try RunningServer(sandbox: sandbox, environment: traced)
        #expect(!serve.address.isEmpty, "\(serve.stderrText)")
        let base = "http://\(serve.address)/api/invites"
        let remote = ["KRING_SERVER": "http://\(serve.address)", "KRING_TOKEN": coordinator]

        let pending = try sandbox.ok(["invites", "list", "--format", "json"], environment: remote).array()
        #expect(pending.count == 2)
        let byPseudonym = Dictionary(
            uniqueKeysWithValues: pending.map { ($0["participant"] as! String, $0["id"] as! Int) })
        let kept = try #require(byPseudonym["Zoë Ødegård"])
        let dropped = try #require(byPseudonym["Blauwe Reiger"])

        // Without mail.transport, sending is a conflict that names the setting, not a server fault.
        let unconfigured = try Self.request("POST", "\(base)/send", token: coordinator, json: "{}")
        #expect(unconfigured.status == 409, "\(unconfigured.text)")
        #expect(unconfigured.text.contains("mail.transport"))
        try sandbox.ok(["config", "set", "mail.transport", "smtp+plain://127.0.0.1:\(smtp.port)"])

        // Facilitators, participants and feed-only tokens: refused, and nothing changes or goes out.
        let before = try sandbox.dump()
        for token in [facilitator, participant, feedOnly] {
            for (method, path, body) in [
                ("GET", "\(base)/\(kept)/preview", nil), ("POST", "\(base)/\(kept)/discard", "{}"),
                ("POST", "\(base)/send", "{}"), ("GET", "\(base)/99999/preview", nil),
            ] {
                let reply = try Self.request(method, path, token: token, json: body)
                #expect([401, 403, 404].contains(reply.status), "\(method) \(path) -> \(reply.status) \(reply.text)")
                InviteDeliveryTests.expectNoAddress(in: reply.text)
            }
            let cli = try sandbox.run(
                ["invites", "send"], environment: ["KRING_SERVER": remote["KRING_SERVER"]!, "KRING_TOKEN": token])
            #expect(!cli.succeeded && cli.stderr.split(separator: "\n").count == 1, "\(cli.stderr)")
        }
        #expect(try sandbox.dump() == before)
        #expect(smtp.messages.isEmpty)

        // The preview over HTTP and through the remote CLI is the local one, byte for byte.
        let local = try sandbox.ok(["invites", "preview", "\(kept)"]).stdout
        let address = try #require(InviteDeliveryTests.people["Zoë Ødegård"])
        #expect(local.contains(address) && local.contains("method=REQUEST"))
        let preview = try Self.request("GET", "\(base)/\(kept)/preview", token: coordinator)
        #expect(preview.status == 200)
        #expect(preview.contentType.hasPrefix("message/rfc822"))
        #expect(preview.text == local)
        #expect(try sandbox.ok(["invites", "preview", "\(kept)"], environment: remote).stdout == local)

        // An unknown id is answered 404 naming it, over HTTP and in the CLI's one line.
        let unknown = try Self.request("POST", "\(base)/424242/discard", token: coordinator, json: "{}")
        #expect(unknown.status == 404)
        let error = try #require(try unknown.object()["error"] as? [String: Any])
        #expect(error["field"] as? String == "invite" && error["value"] as? String == "424242")
        let unknownCLI = try sandbox.run(["invites", "preview", "424242"], environment: remote)
        #expect(!unknownCLI.succeeded && unknownCLI.stderr.contains("424242"), "\(unknownCLI.stderr)")
        let notANumber = try Self.request("GET", "\(base)/abc/preview", token: coordinator)
        #expect(notANumber.status == 400 && notANumber.text.contains("abc"))

        // A limit out of range is refused by name; a dry run (header or --dry-run) sends nothing.
        for limit in [0, 5_000] {
            let refused = try Self.request("POST", "\(base)/send", token: coordinator, json: "{\"limit\": \(limit)}")
            #expect(refused.status == 400 && refused.text.contains("limit"), "\(refused.text)")
        }
        let dry = try Self.request(
            "POST", "\(base)/send", token: coordinator, json: "{}", headers: ["Kring-Dry-Run": "true"])
        #expect(dry.status == 200, "\(dry.text)")
        let planned = try #require(try dry.object()["messages"] as? [[String: Any]])
        #expect(planned.count == 2 && planned.allSatisfy { $0["outcome"] as? String == "would-send" })
        let dryCLI = try sandbox.ok(["invites", "send", "--dry-run", "--format", "json"], environment: remote)
        #expect((try dryCLI.object()["dryRun"] as? Bool) == true)
        #expect(smtp.messages.isEmpty)
        #expect(try sandbox.ok(["invites", "list", "--format", "json"]).array().count == 2)

        // Discard one through the remote CLI: its state changes, a second discard is a conflict, no send delivers it.
        let discarded = try sandbox.ok(["invites", "discard", "\(dropped)", "--format", "json"], environment: remote)
        #expect(try discarded.object()["state"] as? String == "discarded")
        let again = try Self.request("POST", "\(base)/\(dropped)/discard", token: coordinator, json: "{}")
        #expect(again.status == 409 && again.text.contains("\(dropped)"), "\(again.text)")
        let record = try sandbox.ok(["invites", "list", "--all", "--format", "json"]).array()
        #expect(record.first { $0["id"] as? Int == dropped }?["state"] as? String == "discarded")

        let sent = try sandbox.ok(["invites", "send", "--format", "json"], environment: remote).object()
        let messages = try #require(sent["messages"] as? [[String: Any]])
        #expect(messages.map { $0["id"] as? Int } == [kept])
        #expect(messages.allSatisfy { $0["outcome"] as? String == "sent" })
        #expect(smtp.messages.count == 1)
        let delivered = try InviteDeliveryTests.summaries(smtp.messages)
        #expect(delivered.count == 1 && delivered.allSatisfy { $0.to.contains(address) })
        let second = try Self.request("POST", "\(base)/send", token: coordinator, json: "{\"limit\": 10}")
        #expect(second.status == 200)
        #expect((try second.object()["messages"] as? [Any])?.isEmpty == true, "\(second.text)")
        #expect(smtp.messages.count == 1, "the discarded message never goes out")
        let after = try sandbox.ok(["invites", "list", "--all", "--format", "json"]).array()
        #expect(after.first { $0["id"] as? Int == kept }?["state"] as? String == "sent")
        #expect(after.first { $0["id"] as? Int == dropped }?["state"] as? String == "discarded")

        // The audit trail names the token for the discard and the send.
        let audit = try sandbox.ok(["audit", "--format", "json"]).array()
        for operation in ["discardInvite", "sendInvites"] {
            let entries = audit.filter { $0["operation"] as? String == operation }
            #expect(!entries.isEmpty && entries.allSatisfy { $0["tokenId"] is Int }, "\(operation): \(entries)")
        }

        serve.stop()
        #expect(serve.process.terminationStatus == 0)
        let log = serve.stderrText
        #expect(log.contains("/api/invites"), "the log was read")
        for (pseudonym, mail) in InviteDeliveryTests.people {
            #expect(!log.contains(mail) && !log.contains(pseudonym), "the service log names \(pseudonym)")
        }
        for token in [coordinator, facilitator, participant, feedOnly] { #expect(!log.contains(token)) }
    }
}
