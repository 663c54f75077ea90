import Foundation
import KringDomain
import KringSecrets
import KringStorage
import Logging
import Yams

/// A scenario file (YAML or JSON) of facilitators, groups with their series and participants, and keep-apart marks.
/// The format is documented in `docs/scenario.md`; `Examples/flanders-groups.yaml` is a complete example.
public struct Scenario: Decodable, Sendable {
    public struct FacilitatorEntry: Decodable, Sendable {
        var name: String
        var languages: [String]
        var lead: Bool?
        var audiences: [String]?
        var maxPerMonth: Int?

        enum CodingKeys: String, CodingKey {
            case name, languages, lead, audiences
            case maxPerMonth = "max_per_month"
        }
    }

    public struct SeriesEntry: Decodable, Sendable {
        var start: String
        var duration: Int
        var rrule: String
        var exdates: [String]?
        var skipHolidays: String?
        var onHoliday: String?

        enum CodingKeys: String, CodingKey {
            case start, duration, rrule, exdates
            case skipHolidays = "skip_holidays"
            case onHoliday = "on_holiday"
        }
    }

    public struct ParticipantEntry: Decodable, Sendable {
        var pseudonym: String?
        var participant: String?
        var relation: String?
        var language: String?
        var contact: String?
    }

    public struct AttendanceEntry: Decodable, Sendable {
        /// The session's number within the group, 1 for the first.
        var session: Int
        var participant: String
        var status: String
    }

    public struct GroupEntry: Decodable, Sendable {
        var name: String
        var title: String?
        var audience: String
        var language: String
        var capacity: Int
        var minimum: Int?
        var facilitators: Int?
        var venue: String?
        var online: String?
        var timezone: String?
        var state: String?
        var series: [SeriesEntry]?
        var participants: [ParticipantEntry]?
        var attendance: [AttendanceEntry]?
    }

    var facilitators: [FacilitatorEntry]?
    var groups: [GroupEntry]?
    var keepApart: [[String]]?

    enum CodingKeys: String, CodingKey {
        case facilitators, groups
        case keepApart = "keep_apart"
    }

    /// Reads YAML or JSON (JSON is YAML, but its own decoder gives clearer errors).
    public static func decode(_ data: Data, file: String) throws(KringError) -> Scenario {
        guard data.count <= 5_000_000 else { throw .invalid("file", file, "is larger than 5 MB") }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalid("file", file, "is not UTF-8 text") }
        do {
            if text.drop { $0.isWhitespace }.first == "{" {
                return try JSONDecoder().decode(Scenario.self, from: data)
            }
            return try YAMLDecoder().decode(Scenario.self, from: text)
        } catch let error as DecodingError {
            throw .invalid("file", file, Self.describe(error))
        } catch {
            throw .invalid("file", file, "is not valid YAML or JSON: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "'\(key.stringValue)' is missing" + (at.isEmpty ? "" : " at \(at)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "cannot be read"
        }
    }
}

extension StoreTransaction {
    func importScenario(
        _ scenario: Scenario, uidDomain: String, sealer: ContactSealer?, keyFile: KeyFile, now: Date,
        random: inout some RandomNumberGenerator
    ) throws(KringError) -> ImportView {
        for (index, entry) in (scenario.facilitators ?? []).enumerated() {
            _ = try at("facilitators[\(index)]") { () throws(KringError) in
                try addFacilitator(
                    FacilitatorRequest(
                        name: entry.name, languages: entry.languages.joined(separator: ","), lead: entry.lead ?? false,
                        audiences: entry.audiences?.joined(separator: ","), maxPerMonth: entry.maxPerMonth),
                    sealer: sealer, keyFile: keyFile, now: now)
            }
        }
        var groupIds: [Int64] = []
        var participants = 0
        var sessions = 0
        for (index, entry) in (scenario.groups ?? []).enumerated() {
            let path = "groups[\(index)]"
            let created = try at(path) { () throws(KringError) in
                try createGroup(
                    GroupChanges(
                        name: entry.name, title: entry.title, audience: entry.audience, language: entry.language,
                        capacity: entry.capacity, minimum: entry.minimum, facilitators: entry.facilitators,
                        venue: entry.venue, online: entry.online, timezone: entry.timezone), now: now)
            }
            groupIds.append(created.id)
            let reference = String(created.id)
            for (seriesIndex, series) in (entry.series ?? []).enumerated() {
                let view = try at("\(path).series[\(seriesIndex)]") { () throws(KringError) in
                    try addSeries(
                        SeriesRequest(
                            group: reference, start: series.start, durationMinutes: series.duration,
                            rrule: series.rrule, excludedDates: series.exdates ?? [], skipHolidays: series.skipHolidays,
                            onHoliday: series.onHoliday),
                        uidDomain: uidDomain, now: now)
                }
                sessions += view.sessions.count
            }
            let state = try at(path) { () throws(KringError) in
                try parseChoice(entry.state ?? "open", field: "state") as SupportGroup.State
            }
            if !(entry.participants ?? []).isEmpty {
                try setState(of: created.id, to: .open)
            }
            for (participantIndex, participant) in (entry.participants ?? []).enumerated() {
                _ = try at("\(path).participants[\(participantIndex)]") { () throws(KringError) in
                    try enrol(
                        EnrolmentRequest(
                            group: reference, pseudonym: participant.pseudonym,
                            existingParticipant: participant.participant, relation: participant.relation,
                            language: participant.language, contact: participant.contact),
                        sealer: sealer, keyFile: keyFile, now: now, random: &random)
                }
                if participant.participant == nil { participants += 1 }
            }
            try setState(of: created.id, to: state)
            let groupSessions = try self.sessions(groupId: created.id)
            for (markIndex, mark) in (entry.attendance ?? []).enumerated() {
                let markPath = "\(path).attendance[\(markIndex)]"
                guard groupSessions.indices.contains(mark.session - 1) else {
                    throw KringError.invalid(
                        "\(markPath).session", String(mark.session), "the group has no such session")
                }
                let session = groupSessions[mark.session - 1]
                _ = try at(markPath) { () throws(KringError) in
                    let participant = try resolveParticipant(mark.participant)
                    let status = try AttendanceStatus.parse(mark.status, field: "status")
                    guard session.startsAt <= now || status == .excused else {
                        throw .conflict("session", String(mark.session), "has not started yet")
                    }
                    let previous = try attendance(sessionId: session.id).first { $0.participantId == participant.id }
                    try upsert(
                        Attendance(
                            sessionId: session.id, participantId: participant.id, status: status, markedAt: now))
                    let group = try resolveGroup(String(session.groupId))
                    try reportCounters.attendanceMarked(
                        status, replacing: previous?.status, session: session, group: group)
                    if status != .excused, try self.session(id: session.id)?.status == .scheduled {
                        var held = session
                        held.status = .held
                        try update(held)
                        try reportCounters.sessionHeld(held, group: group)
                    }
                }
            }
        }
        for (index, pair) in (scenario.keepApart ?? []).enumerated() {
            try at("keep_apart[\(index)]") { () throws(KringError) in
                guard pair.count == 2 else {
                    throw .invalid("pair", pair.joined(separator: ","), "name exactly two participants")
                }
                let one = try resolveParticipant(pair[0])
                let other = try resolveParticipant(pair[1])
                // Keep-apart binds an import as it binds enrolment: a file that puts both in one group is refused.
                let groupsOfOne = Set(try enrolments(participantId: one.id).filter(\.state.isActive).map(\.groupId))
                let shared = try enrolments(participantId: other.id).first {
                    $0.state.isActive && groupsOfOne.contains($0.groupId)
                }
                if let shared {
                    let group = try resolveGroup(String(shared.groupId))
                    throw .conflict(
                        "pair", pair.joined(separator: ","),
                        "both are in group '\(group.internalName)'; a keep-apart pair may not share a group")
                }
                _ = try insertKeepApart(one.id, other.id)
            }
        }
        var groups: [GroupView] = []
        for id in groupIds { groups.append(try view(of: try resolveGroup(String(id)), now: now)) }
        return ImportView(
            groups: groups, facilitators: scenario.facilitators?.count ?? 0, participants: participants,
            sessions: sessions)
    }

    private func setState(of groupId: Int64, to state: SupportGroup.State) throws(KringError) {
        var group = try resolveGroup(String(groupId))
        group.state = state
        try update(group)
    }

    /// Runs a step of an import, prefixing the field of any refusal with where in the file it happened.
    private func at<T>(_ path: String, _ body: () throws(KringError) -> T) throws(KringError) -> T {
        do { return try body() } catch {
            throw KringError(error.kind, field: "\(path).\(error.field)", value: error.value, reason: error.reason)
        }
    }
}
