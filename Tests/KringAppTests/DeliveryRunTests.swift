import Foundation
import KringApp
import KringDomain
import KringMail
import Testing

/// A transport that holds the first batch until released, so a test can start a second run while the first sends.
actor HeldTransport: MailTransport {
    private(set) var sent: [String] = []
    private var held: CheckedContinuation<Void, Never>?
    private var arrival: CheckedContinuation<Void, Never>?
    private var released = false
    private var arrived = false

    func send(_ mails: [OutgoingMail]) async -> [DeliveryResult] {
        if !released {
            arrived = true
            arrival?.resume()
            arrival = nil
            await withCheckedContinuation { held = $0 }
        }
        sent += mails.map(\.messageID)
        return mails.map { _ in .sent(serverReply: "250 2.0.0 Ok") }
    }

    func waitUntilSending() async {
        if arrived { return }
        await withCheckedContinuation { arrival = $0 }
    }

    func release() {
        released = true
        held?.resume()
        held = nil
    }
}

/// Claims carry the process id, so two delivery runs in one process (`kring serve`'s own service and a
/// coordinator's `POST /api/invites/send`) would take back each other's claims and send those messages twice.
@Suite struct DeliveryRunTests {
    @Test func aSecondRunInTheSameProcessIsRefusedWhileOneSendsAndNothingGoesTwice() async throws {
        let app = try AppHarness()
        _ = try app.kring.setConfig("organizer", "groepen@example.org")
        _ = try app.kring.setConfig("mail.transport", "smtp+plain://127.0.0.1:2525")
        try app.openGroup("avond")
        try app.enrol("Verre Ster", in: "avond", contact: "ster@example.org")
        try app.enrol("Late Merel", in: "avond", contact: "merel@example.org")
        let kring = app.kring
        let held = HeldTransport()
        let first = Task { try await kring.sendInvites(transport: held) }
        await held.waitUntilSending()

        let second = HeldTransport()
        await second.release()
        do {
            let view = try await kring.sendInvites(transport: second)
            Issue.record("a second run went ahead: \(view)")
        } catch {
            #expect(error.kind == .conflict && error.field == "invites", "\(error)")
        }
        #expect(await second.sent.isEmpty)

        await held.release()
        let view = try await first.value
        #expect(view.sent == 2)
        #expect(await held.sent.count == 2)
        // Once the first run is done, the next one runs, and finds nothing left to send.
        let after = try await kring.sendInvites(transport: second)
        #expect(after.messages.isEmpty)
        #expect(await second.sent.isEmpty)
        #expect(try kring.listInvites(all: true).allSatisfy { $0.state == "sent" && $0.attempts == 1 })
    }
}
