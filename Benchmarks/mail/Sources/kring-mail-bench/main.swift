import Foundation
import KringMail
import Logging

// kring-mail-bench prepare COUNT DIR   composes COUNT invites (one per recipient) into DIR/NNNNN.eml + DIR/envelopes
// kring-mail-bench send URL DIR        sends DIR's messages through one KringMail transport, as one batch
// kring-mail-bench send-each URL DIR   the same, one `send` call per message, as `kring invites send` calls it
//                                      (it records each result before sending the next); same connection
// Prints one JSON line; the clock covers the sending only, not loading the files.

let arguments = CommandLine.arguments
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(64)
}
let usage = "usage: kring-mail-bench prepare COUNT DIR | send URL DIR | send-each URL DIR"
guard arguments.count == 4 else { fail(usage) }
let organisation = MailAddress("uitnodigingen@kring.example")!

switch arguments[1] {
case "prepare":
    guard let count = Int(arguments[2]) else { fail("COUNT must be a number") }
    let directory = URL(fileURLWithPath: arguments[3])
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let composer = try MailComposer(from: organisation, messageIDSalt: Array(repeating: 42, count: 32))
    var envelopes = ""
    for index in 1...count {
        let recipient = MailAddress("deelnemer-\(index)@example.org")!
        let method: InviteMethod = index % 10 == 0 ? .cancel : .request
        let calendar =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kring//Kring//NL", "METHOD:\(method.rawValue)",
                "BEGIN:VTIMEZONE", "TZID:Europe/Brussels",
                "BEGIN:STANDARD", "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
                "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT", "END:VTIMEZONE",
                "BEGIN:VEVENT", "UID:\(UUID().uuidString.lowercased())@kring.invalid", "DTSTAMP:20260301T090000Z",
                "SEQUENCE:\(method == .cancel ? 1 : 0)",
                "DTSTART;TZID=Europe/Brussels:20260310T193000", "DTEND;TZID=Europe/Brussels:20260310T210000",
                "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=10", "SUMMARY:Groepsbijeenkomst", "LOCATION:Zaal Één\\, Leuven",
                "ORGANIZER:mailto:\(organisation)",
                "ATTENDEE;CN=Deelnemer \(index);RSVP=FALSE:mailto:\(recipient)",
                method == .cancel ? "STATUS:CANCELLED" : "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR",
            ].joined(separator: "\r\n") + "\r\n"
        let invite = InviteMail(
            outboxMessageID: "bench-\(index)",
            recipient: recipient,
            language: [MailLanguage.nl, .fr, .en][index % 3],
            method: method,
            calendar: calendar,
            title: "Groepsbijeenkomst",
            start: Date(timeIntervalSince1970: 1_773_167_400),
            end: Date(timeIntervalSince1970: 1_773_172_800),
            timeZone: TimeZone(identifier: "Europe/Brussels")!,
            location: "Zaal Één, Leuven"
        )
        let mail = try composer.compose(invite, date: Date(timeIntervalSince1970: 1_772_355_600))
        try Data(mail.data).write(to: directory.appendingPathComponent(String(format: "%05d.eml", index)))
        envelopes +=
            "\(String(format: "%05d.eml", index))\t\(mail.envelopeSender)\t\(mail.recipient)\t\(mail.messageID)\n"
    }
    try envelopes.write(to: directory.appendingPathComponent("envelopes"), atomically: true, encoding: .utf8)
    print("{\"prepared\": \(count)}")

case "send", "send-each":
    let directory = URL(fileURLWithPath: arguments[3])
    let lines = try String(contentsOf: directory.appendingPathComponent("envelopes"), encoding: .utf8)
        .split(separator: "\n")
    let mails = try lines.map { line in
        let fields = line.split(separator: "\t").map(String.init)
        return OutgoingMail(
            messageID: fields[3],
            envelopeSender: MailAddress(fields[1])!,
            recipient: MailAddress(fields[2])!,
            data: Array(try Data(contentsOf: directory.appendingPathComponent(fields[0])))
        )
    }
    let configuration = try MailConfiguration(transport: arguments[2], from: organisation.description)
    let transport = try configuration.makeTransport(logger: Logger(label: "kring.mail.bench"))
    let clock = ContinuousClock()
    let start = clock.now
    var results: [DeliveryResult] = []
    if arguments[1] == "send" {
        results = await transport.send(mails)
    } else {
        for mail in mails { results.append(await transport.send(mail)) }
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let sent = results.filter(\.isSent).count
    if let failure = results.first(where: { !$0.isSent }) { FileHandle.standardError.write(Data("\(failure)\n".utf8)) }
    print(
        "{\"client\": \"kring \(arguments[2].split(separator: ":")[0]) \(arguments[1])\", \"messages\": \(mails.count), "
            + "\"sent\": \(sent), "
            + "\"seconds\": \(String(format: "%.3f", seconds)), "
            + "\"perSecond\": \(String(format: "%.1f", Double(sent) / seconds))}"
    )

default:
    fail(usage)
}
