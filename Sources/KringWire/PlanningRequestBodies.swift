import KringApp
import KringDomain

/// The JSON bodies of the planning and administration routes; as in `RequestBodies`, every field is optional on
/// the wire so a missing one is refused by name.
extension RequestBodies {
    public struct Availability: Codable, Sendable {
        public var weekly: [String]?
        public var anyTime: Bool?

        public init(weekly: [String], anyTime: Bool) {
            self.weekly = weekly
            self.anyTime = anyTime
        }
    }

    public struct Blockout: Codable, Sendable {
        public var from, to: String?

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    public struct Exclusion: Codable, Sendable {
        public var group, participant: String?
        public var remove: Bool?

        public init(group: String?, participant: String?, remove: Bool) {
            self.group = group
            self.participant = participant
            self.remove = remove
        }
    }

    public struct Decline: Codable, Sendable {
        public var session: String?

        public init(session: String) { self.session = session }
    }

    public struct KeepApart: Codable, Sendable {
        public var first, second: String?

        public init(first: String, second: String) {
            self.first = first
            self.second = second
        }
    }

    public struct Assign: Codable, Sendable {
        public var group, from, to: String?
        public var dryRun, explain, onlyAffected: Bool?

        public init(_ request: AssignRequest) {
            group = request.group
            from = request.from
            to = request.to
            dryRun = request.dryRun
            explain = request.explain
            onlyAffected = request.onlyAffected
        }

        public var request: AssignRequest {
            AssignRequest(
                group: group, from: from, to: to, dryRun: dryRun ?? false, explain: explain ?? false,
                onlyAffected: onlyAffected ?? false)
        }
    }

    public struct Assignment: Codable, Sendable {
        public var session, facilitator: String?
        public var pin, lead, overrideDecline: Bool?

        public init(session: String, facilitator: String, pin: Bool, lead: Bool, overrideDecline: Bool = false) {
            self.session = session
            self.facilitator = facilitator
            self.pin = pin
            self.lead = lead
            self.overrideDecline = overrideDecline
        }
    }

    public struct Token: Codable, Sendable {
        public var role, subject, expires: String?
        public var feedOnly: Bool?

        public init(_ request: TokenRequest) {
            role = request.role.rawValue
            subject = request.subject
            expires = request.expires
            feedOnly = request.feedOnly
        }

        public func request() throws(KringError) -> TokenRequest {
            let text = try required(role, "role")
            guard let role = Role(rawValue: text) else {
                throw .invalid("role", text, "is one of coordinator, facilitator, participant")
            }
            return TokenRequest(role: role, subject: subject, expires: expires, feedOnly: feedOnly)
        }
    }

    /// `POST /api/invites/send`: at most `limit` messages, and never more than `maximumLimit` in one request, so
    /// one request does not hold a connection open for the whole outbox.
    public struct InviteSend: Codable, Sendable {
        public var limit: Int?

        public static let maximumLimit = 1_000

        public init(limit: Int?) { self.limit = limit }
    }

    public struct ConfigValue: Codable, Sendable {
        public var value: String?

        public init(value: String) { self.value = value }
    }
}
