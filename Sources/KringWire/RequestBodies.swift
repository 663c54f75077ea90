import KringApp
import KringDomain

/// The JSON bodies the API accepts. Every field is optional on the wire so a missing one is refused by the
/// application layer with its own field name, exactly as the CLI refuses a missing flag.
public enum RequestBodies {
    /// `POST /api/facilitators/{facilitator}/retire`.
    public struct Retirement: Codable, Sendable {
        public var eraseName: Bool?

        public init(eraseName: Bool) { self.eraseName = eraseName }
    }

    public struct Group: Codable, Sendable {
        public var name, title, audience, language, venue, online, timezone: String?
        public var capacity, minimum, facilitators: Int?
        /// Go back to the neutral default title (update only).
        public var defaultTitle: Bool?

        public init(_ changes: GroupChanges) {
            name = changes.name
            title = changes.title
            audience = changes.audience
            language = changes.language
            venue = changes.venue
            online = changes.online
            timezone = changes.timezone
            capacity = changes.capacity
            minimum = changes.minimum
            facilitators = changes.facilitators
            defaultTitle = changes.clearTitle ? true : nil
        }

        public var changes: GroupChanges {
            GroupChanges(
                name: name, title: title, clearTitle: defaultTitle ?? false, audience: audience, language: language,
                capacity: capacity, minimum: minimum, facilitators: facilitators, venue: venue, online: online,
                timezone: timezone)
        }
    }

    public struct Series: Codable, Sendable {
        public var group, start, rrule, skipHolidays, onHoliday: String?
        public var durationMinutes: Int?
        public var excludedDates: [String]?

        public init(_ request: SeriesRequest) {
            group = request.group
            start = request.start
            rrule = request.rrule
            skipHolidays = request.skipHolidays
            onHoliday = request.onHoliday
            durationMinutes = request.durationMinutes
            excludedDates = request.excludedDates
        }

        public func request() throws(KringError) -> SeriesRequest {
            SeriesRequest(
                group: try required(group, "group"), start: try required(start, "start"),
                durationMinutes: try required(durationMinutes, "duration"), rrule: try required(rrule, "rrule"),
                excludedDates: excludedDates ?? [], skipHolidays: skipHolidays, onHoliday: onHoliday)
        }
    }

    public struct Enrolment: Codable, Sendable {
        public var group, pseudonym, participant, relation, language, contact: String?

        public init(_ request: EnrolmentRequest) {
            group = request.group
            pseudonym = request.pseudonym
            participant = request.existingParticipant
            relation = request.relation
            language = request.language
            contact = request.contact
        }

        public func request() throws(KringError) -> EnrolmentRequest {
            EnrolmentRequest(
                group: try required(group, "group"), pseudonym: pseudonym, existingParticipant: participant,
                relation: relation, language: language, contact: contact)
        }
    }

    public struct Withdrawal: Codable, Sendable {
        public var group: String?
        public var erase: Bool?
        /// A `WithdrawalReason` category for the annual report; `unstated` when absent.
        public var reason: String?

        public init(group: String?, erase: Bool, reason: String? = nil) {
            self.group = group
            self.erase = erase
            self.reason = reason
        }
    }

    public struct Move: Codable, Sendable {
        public var to: String?

        public init(to: String) { self.to = to }
    }

    public struct Attendance: Codable, Sendable {
        public var session, participant, status: String?

        public init(session: String, participant: String, status: String) {
            self.session = session
            self.participant = participant
            self.status = status
        }
    }

    public struct Facilitator: Codable, Sendable {
        public var name, languages, audiences, contact: String?
        public var lead: Bool?
        public var maxPerMonth: Int?

        public init(_ request: FacilitatorRequest) {
            contact = request.contact
            name = request.name
            languages = request.languages
            audiences = request.audiences
            lead = request.lead
            maxPerMonth = request.maxPerMonth
        }

        public func request() throws(KringError) -> FacilitatorRequest {
            FacilitatorRequest(
                name: try required(name, "name"), languages: try required(languages, "languages"), lead: lead ?? false,
                audiences: audiences, maxPerMonth: maxPerMonth, contact: contact)
        }
    }
}

/// A value the wire leaves optional but the operation needs: missing, it is refused by its field name, as the CLI
/// refuses a missing flag.
public func required<T>(_ value: T?, _ field: String) throws(KringError) -> T {
    guard let value else { throw .invalid(field, "", "is required") }
    return value
}
