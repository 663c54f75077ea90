import Foundation

/// The languages a participant can be written to in.
public enum MailLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case nl, fr, en
}

/// The iTIP method of an invite; it must equal the METHOD line of the calendar it carries.
public enum InviteMethod: String, Sendable, Hashable, CaseIterable, Codable {
    case request = "REQUEST"
    case cancel = "CANCEL"
}

/// One outbox message as plain values: who gets it, in which language, and the calendar object made for them
/// alone. Everything shown in the text part comes from here; nothing else about the group is known to the mail.
public struct InviteMail: Sendable, Hashable {
    /// The outbox message's stable id; with the installation's salt it gives the Message-ID, so a retry of the
    /// same outbox message carries the same Message-ID and a receiving client can drop the duplicate.
    public var outboxMessageID: String
    public var recipient: MailAddress
    public var language: MailLanguage
    public var method: InviteMethod
    /// The iCalendar text (CRLF lines, as KringCalendar renders it) with `METHOD:` equal to `method` and no
    /// ATTENDEE other than `recipient`.
    public var calendar: String
    /// The public, neutral title of the sessions ("Groepsbijeenkomst" unless the coordinator chose one).
    public var title: String
    /// The first (or the cancelled) session.
    public var start: Date
    public var end: Date
    /// The group's time zone, in which the times in the text part are shown.
    public var timeZone: TimeZone
    /// The venue as participants should see it; nil for none.
    public var location: String?

    public init(
        outboxMessageID: String,
        recipient: MailAddress,
        language: MailLanguage,
        method: InviteMethod,
        calendar: String,
        title: String,
        start: Date,
        end: Date,
        timeZone: TimeZone,
        location: String?
    ) {
        self.outboxMessageID = outboxMessageID
        self.recipient = recipient
        self.language = language
        self.method = method
        self.calendar = calendar
        self.title = title
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.location = location
    }
}

/// The fixed wording of the messages, per language. Neutral on purpose: a subject or a preview line can be seen
/// by anyone who glances at the recipient's screen.
enum MailWording {
    static func subject(_ method: InviteMethod, title: String, language: MailLanguage) -> String {
        let prefix: String
        switch (method, language) {
        case (.request, .nl): prefix = "Uitnodiging"
        case (.request, .fr): prefix = "Invitation\u{A0}"
        case (.request, .en): prefix = "Invitation"
        case (.cancel, .nl): prefix = "Geannuleerd"
        case (.cancel, .fr): prefix = "Annulé\u{A0}"
        case (.cancel, .en): prefix = "Cancelled"
        }
        return "\(prefix): \(title)"
    }

    static func opening(_ method: InviteMethod, language: MailLanguage) -> String {
        switch (method, language) {
        case (.request, .nl): "U bent uitgenodigd. De afspraak staat in de bijlage voor uw agenda."
        case (.request, .fr): "Vous êtes invité(e). Le rendez-vous est joint pour votre agenda."
        case (.request, .en): "You are invited. The appointment is attached for your calendar."
        case (.cancel, .nl): "Deze afspraak gaat niet door."
        case (.cancel, .fr): "Ce rendez-vous n’aura pas lieu."
        case (.cancel, .en): "This appointment will not take place."
        }
    }

    /// "Wat: ", "Quoi : " (French puts a no-break space before the colon), "What: ".
    static func labels(_ language: MailLanguage) -> (what: String, when: String, where: String) {
        switch language {
        case .nl: ("Wat: ", "Wanneer: ", "Waar: ")
        case .fr: ("Quoi\u{A0}: ", "Quand\u{A0}: ", "Où\u{A0}: ")
        case .en: ("What: ", "When: ", "Where: ")
        }
    }

    static func defaultOrganisationText(_ language: MailLanguage) -> String {
        switch language {
        case .nl: "Vragen of verhinderd? Beantwoord dit bericht."
        case .fr: "Des questions ou un empêchement ? Répondez à ce message."
        case .en: "Questions, or unable to come? Reply to this message."
        }
    }

    static func locale(_ language: MailLanguage) -> Locale {
        switch language {
        case .nl: Locale(identifier: "nl_BE")
        case .fr: Locale(identifier: "fr_BE")
        case .en: Locale(identifier: "en_GB")
        }
    }

    /// "dinsdag 3 maart 2026, 19:30–21:00 (Europe/Brussels)": date in full, times without seconds.
    static func when(start: Date, end: Date, timeZone: TimeZone, language: MailLanguage) -> String {
        let formatters = DateFormatters.shared
        func day(_ instant: Date) -> String {
            formatters.string(from: instant, key: "day \(language.rawValue) \(timeZone.identifier)") {
                let formatter = DateFormatter()
                formatter.locale = locale(language)
                formatter.timeZone = timeZone
                formatter.dateStyle = .full
                formatter.timeStyle = .none
                return formatter
            }
        }
        func time(_ instant: Date) -> String {
            formatters.string(from: instant, key: "time \(timeZone.identifier)") {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_GB")
                formatter.timeZone = timeZone
                formatter.dateFormat = "HH:mm"
                return formatter
            }
        }
        return "\(day(start)), \(time(start))–\(time(end)) (\(timeZone.identifier))"
    }
}
