import Foundation
import KringMail
import KringTestSupport
import Testing

@Suite("iMIP message composition")
struct ComposerTests {
    typealias Support = MailTestSupport

    private func text(_ mail: OutgoingMail) -> String { String(decoding: mail.data, as: UTF8.self) }

    /// Header lines, unfolded, up to the first empty line.
    private func headers(_ mail: OutgoingMail) -> [String] {
        let head = text(mail).components(separatedBy: "\r\n\r\n")[0]
        return head.replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n")
    }

    /// The Subject as a reader shows it: encoded-words decoded, the whitespace between them dropped (RFC 2047 6.2).
    private func decodedSubject(_ mail: OutgoingMail) throws -> String {
        let subject = try #require(headers(mail).first { $0.hasPrefix("Subject: ") }).dropFirst("Subject: ".count)
        var decoded = ""
        for word in subject.split(separator: " ") {
            if word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") {
                let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
                decoded += String(decoding: try #require(Data(base64Encoded: String(base64))), as: UTF8.self)
            } else {
                decoded += decoded.isEmpty ? String(word) : " " + word
            }
        }
        return decoded
    }

    @Test func oneRecipientCRLFSevenBitAndRequiredHeaders() throws {
        let mail = try Support.composer().compose(Support.invite(), date: Support.fixedDate)
        let headers = headers(mail)
        #expect(headers.filter { $0.hasPrefix("To:") } == ["To: canary-7f3a@example.org"])
        #expect(!headers.contains { $0.lowercased().hasPrefix("cc:") || $0.lowercased().hasPrefix("bcc:") })
        #expect(headers.contains("From: uitnodigingen@kring.example"))
        #expect(headers.contains("Auto-Submitted: auto-generated"))
        #expect(headers.contains("MIME-Version: 1.0"))
        #expect(headers.contains("Date: Sun, 01 Mar 2026 09:00:00 +0000"))
        #expect(headers.contains { $0.hasPrefix("Message-ID: <") && $0.hasSuffix("@kring.example>") })
        #expect(text(mail).contains("\r\nContent-Type: text/calendar; method=REQUEST; charset=UTF-8\r\n"))
        #expect(mail.recipient == Support.recipient)
        #expect(mail.envelopeSender == Support.organisation)

        // CRLF only, 7-bit, no line over 998 octets.
        let bytes = mail.data
        #expect(bytes.allSatisfy { $0 < 0x80 })
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D)
        }
        #expect(text(mail).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(!text(mail).lowercased().contains("<html"))
    }

    /// The text part, quoted-printable decoded.
    private func plainText(_ mail: OutgoingMail) -> String {
        let part = text(mail).components(separatedBy: "Content-Transfer-Encoding: quoted-printable\r\n\r\n")[1]
            .components(separatedBy: "\r\n--")[0].replacingOccurrences(of: "=\r\n", with: "")
        var bytes: [UInt8] = []
        var characters = Array(part.utf8)[...]
        while let first = characters.first {
            if first == UInt8(ascii: "="), characters.count >= 3,
                let value = UInt8(String(decoding: characters.dropFirst().prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                characters = characters.dropFirst(3)
            } else {
                bytes.append(first)
                characters = characters.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Date formatters are made once and shared: each language and zone still gets its own, from any thread.
    @Test func theWhenLineFollowsEachMessagesZoneAndLanguageAlsoFromManyThreads() throws {
        let composer = try Support.composer()
        var brussels = Support.invite(id: "a", language: .nl)
        brussels.timeZone = TimeZone(identifier: "Europe/Brussels")!
        var newYork = Support.invite(id: "b", language: .en)
        newYork.timeZone = TimeZone(identifier: "America/New_York")!
        let later = Date(timeIntervalSince1970: 1_780_000_000)
        let first = plainText(try composer.compose(brussels, date: Support.fixedDate))
        let second = plainText(try composer.compose(newYork, date: later))
        #expect(first.contains("maart 2026, 19:30–21:00 (Europe/Brussels)"), "\(first)")
        #expect(second.contains("March 2026, 14:30–16:00 (America/New_York)"), "\(second)")
        #expect(headers(try composer.compose(newYork, date: later)).contains("Date: Thu, 28 May 2026 20:26:40 +0000"))
        #expect(plainText(try composer.compose(brussels, date: Support.fixedDate)) == first)

        let invites = (0..<64).map { $0 % 2 == 0 ? brussels : newYork }
        let serial = try invites.map { try composer.compose($0, date: Support.fixedDate).data }
        final class Results: @unchecked Sendable {
            // Unchecked: `data` is touched only under `lock`.
            let lock = NSLock()
            var data: [Int: [UInt8]] = [:]
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: invites.count) { index in
            let mail = try? composer.compose(invites[index], date: Support.fixedDate).data
            results.lock.withLock { results.data[index] = mail }
        }
        #expect(invites.indices.map { results.data[$0] ?? [] } == serial)
    }

    @Test func messageIDIsStablePerOutboxMessageAndSalted() throws {
        let composer = try Support.composer()
        let first = try composer.compose(Support.invite(id: "outbox-41"), date: Support.fixedDate)
        let retry = try composer.compose(
            Support.invite(id: "outbox-41"), date: Support.fixedDate.addingTimeInterval(600))
        let other = try composer.compose(Support.invite(id: "outbox-42"), date: Support.fixedDate)
        let otherInstallation = try MailComposer(
            from: Support.organisation, messageIDSalt: Array(repeating: 7, count: 32)
        )
        .compose(Support.invite(id: "outbox-41"), date: Support.fixedDate)
        #expect(first.messageID == retry.messageID)
        #expect(first.messageID != other.messageID)
        #expect(first.messageID != otherInstallation.messageID)
        #expect(!first.messageID.contains("41"))
        #expect(first.messageID == composer.messageID(for: "outbox-41"))
        #expect(throws: MailError.self) { try MailComposer(from: Support.organisation, messageIDSalt: [1, 2, 3]) }
    }

    @Test func cancelCarriesCancelInBothPlaces() throws {
        let mail = try Support.composer().compose(
            Support.invite(method: .cancel, language: .en), date: Support.fixedDate)
        #expect(text(mail).contains("Content-Type: text/calendar; method=CANCEL; charset=UTF-8\r\n"))
        #expect(try decodedSubject(mail) == "Cancelled: Groepsgesprek – ontmoeting")
    }

    @Test(arguments: [(InviteMethod.request, "CANCEL"), (.cancel, "REQUEST"), (.request, "PUBLISH")])
    func methodMismatchIsRefused(method: InviteMethod, calendarMethod: String) throws {
        let invite = Support.invite(
            method: method,
            calendar: Support.calendar(method: calendarMethod, recipient: Support.recipient)
        )
        let error = #expect(throws: MailError.self) { try Support.composer().compose(invite, date: Support.fixedDate) }
        #expect(error?.isMessageError == true)
        #expect(error?.description.contains("METHOD:\(calendarMethod)") == true)
    }

    @Test func calendarWithoutMethodIsRefused() throws {
        let calendar = Support.calendar(method: "REQUEST", recipient: Support.recipient)
            .replacingOccurrences(of: "METHOD:REQUEST\r\n", with: "")
        let error = #expect(throws: MailError.self) {
            try Support.composer().compose(Support.invite(calendar: calendar), date: Support.fixedDate)
        }
        #expect(error?.description.contains("exactly one METHOD") == true)
    }

    @Test func anotherPersonsAddressInTheCalendarIsRefusedWithoutEchoingIt() throws {
        let calendar = Support.calendar(
            method: "REQUEST", recipient: Support.recipient, attendee: "mailto:other-9@example.org")
        let error = #expect(throws: MailError.self) {
            try Support.composer().compose(Support.invite(calendar: calendar), date: Support.fixedDate)
        }
        #expect(error?.field == "calendar")
        #expect(error?.description.contains("other-9") == false)
    }

    @Test(arguments: MailLanguage.allCases)
    func nonASCIISubjectsAreEncodedWordsThatDecodeBack(language: MailLanguage) throws {
        var invite = Support.invite(language: language)
        invite.title = "Réunion – groupe d’échange, één keer per twee weken, met een lange titel die gevouwen wordt"
        let mail = try Support.composer().compose(invite, date: Support.fixedDate)
        #expect(try decodedSubject(mail).hasSuffix(": " + invite.title))
        // RFC 2047 2: a header line holding an encoded-word is at most 76 characters.
        #expect(text(mail).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
    }

    @Test func lineBreaksInTitlesCannotAddHeaders() throws {
        var invite = Support.invite(language: .en)
        invite.title = "Meeting\r\nBcc: spy@example.net"
        invite.location = "Hall\nCc: spy@example.net"
        let mail = try Support.composer().compose(invite, date: Support.fixedDate)
        #expect(!headers(mail).contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("Cc:") })
        #expect(headers(mail).contains("Subject: Invitation: Meeting  Bcc: spy@example.net"))
    }

    @Test func organisationTextReplacesTheNeutralDefault() throws {
        let composer = try MailComposer(
            from: Support.organisation,
            organisationText: [.en: "Stop it Now! Flanders, 0800 200 50"],
            messageIDSalt: Support.salt
        )
        let english = text(try composer.compose(Support.invite(language: .en), date: Support.fixedDate))
        let dutch = text(try composer.compose(Support.invite(language: .nl), date: Support.fixedDate))
        #expect(english.contains("Stop it Now! Flanders, 0800 200 50"))
        #expect(dutch.contains("Beantwoord dit bericht."))
    }
}
