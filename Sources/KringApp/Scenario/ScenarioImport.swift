import Foundation
import KringDomain
import KringStorage
import Logging
import Yams

/// The planning part of a scenario file: each facilitator's availability, limits, blockouts and conflicts, and the
/// organisation's travel buffer. Read from the same file as `Scenario` (unknown keys are ignored by each reader) and
/// applied in the same transaction as the rest of the import. The format is in `docs/scenario.md`.
public struct ScenarioPlanning: Decodable, Sendable {
    struct BlockoutEntry: Decodable, Sendable {
        var from: String
        var to: String
    }

    struct FacilitatorEntry: Decodable, Sendable {
        var name: String
        var availability: [String]?
        var maxPerWeek: Int?
        var timezone: String?
        var blockouts: [BlockoutEntry]?
        var excludeGroups: [String]?
        var excludeParticipants: [String]?
        var preferGroups: [String]?
        var preferDays: [String]?

        enum CodingKeys: String, CodingKey {
            case name, availability, timezone, blockouts
            case maxPerWeek = "max_per_week"
            case excludeGroups = "exclude_groups"
            case excludeParticipants = "exclude_participants"
            case preferGroups = "prefer_groups"
            case preferDays = "prefer_days"
        }

        var isEmpty: Bool {
            availability == nil && maxPerWeek == nil && timezone == nil && blockouts == nil && excludeGroups == nil
                && excludeParticipants == nil && preferGroups == nil && preferDays == nil
        }
    }

    struct AssignmentEntry: Decodable, Sendable {
        var travelBuffer: Int?

        enum CodingKeys: String, CodingKey {
            case travelBuffer = "travel_buffer"
        }
    }

    var facilitators: [FacilitatorEntry]?
    var assignment: AssignmentEntry?

    /// Reads YAML or JSON; the structural errors are already reported by `Scenario.decode`.
    public static func decode(_ data: Data, file: String) throws(KringError) -> ScenarioPlanning {
        guard let text = String(data: data, encoding: .utf8) else { throw .invalid("file", file, "is not UTF-8 text") }
        do {
            if text.drop(while: \.isWhitespace).first == "{" {
                return try JSONDecoder().decode(ScenarioPlanning.self, from: data)
            }
            return try YAMLDecoder().decode(ScenarioPlanning.self, from: text)
        } catch let error as DecodingError {
            throw .invalid("file", file, Scenario.describe(error))
        } catch {
            throw .invalid("file", file, "is not valid YAML or JSON: \(error)")
        }
    }
}

extension Kring {
    /// `kring import FILE` with planning data: the scenario and then each facilitator's availability, all in one
    /// transaction, so a bad window refuses the whole file.
    public func importScenario(_ scenario: Scenario, planning: ScenarioPlanning) throws(KringError) -> ImportView {
        try write { (operation) throws(KringError) in try operation.importScenario(scenario, planning: planning) }
    }
}

extension KringTransaction {
    /// `kring import FILE` with planning data: the scenario and then each facilitator's availability, all in one
    /// transaction, so a bad window refuses the whole file.
    func importScenario(_ scenario: Scenario, planning: ScenarioPlanning) throws(KringError) -> ImportView {
        let uidDomain = try transaction.uidDomain()
        var generator = SystemRandomNumberGenerator()
        let view = try transaction.importScenario(
            scenario, uidDomain: uidDomain, sealer: sealer, keyFile: keyFile, now: now, random: &generator)
        try transaction.importPlanning(planning)
        logAfterCommit(
            .info, "scenario imported", ["groups.count": "\(view.groups.count)", "sessions.count": "\(view.sessions)"])
        return view
    }
}

extension StoreTransaction {
    func importPlanning(_ planning: ScenarioPlanning) throws(KringError) {
        if let minutes = planning.assignment?.travelBuffer {
            _ = try TextRules.checked(minutes, field: "assignment.travel_buffer", in: 0...240)
            try setSetting(Self.settingPrefix + "travel-buffer-minutes", String(minutes))
        }
        for (index, entry) in (planning.facilitators ?? []).enumerated() where !entry.isEmpty {
            let path = "facilitators[\(index)]"
            do {
                try importPlanning(entry)
            } catch {
                throw KringError(error.kind, field: "\(path).\(error.field)", value: error.value, reason: error.reason)
            }
        }
    }

    private func importPlanning(_ entry: ScenarioPlanning.FacilitatorEntry) throws(KringError) {
        let facilitator = try resolveFacilitator(entry.name, field: "name")
        let id = facilitator.id
        var limits = try limits(of: facilitator)
        if let zone = entry.timezone {
            limits.timeZone = try ZonedClock(identifier: zone, field: "timezone").timeZone.identifier
        }
        if let maxPerWeek = entry.maxPerWeek {
            limits.maxPerWeek = try TextRules.checked(maxPerWeek, field: "max_per_week", in: 1...7)
        }
        if let days = entry.preferDays {
            var numbers: [Int] = []
            for day in days { numbers.append(try WindowText.weekday(day, field: "prefer_days")) }
            limits.preferredWeekdays = Array(Set(numbers)).sorted()
        }
        try setPlanningLimits(facilitatorId: id, limits, maxPerMonth: facilitator.maxPerMonth)
        if let texts = entry.availability {
            var windows: [StoredWindow] = []
            for (index, text) in texts.enumerated() {
                let window = try WindowText.parse(text, field: "availability[\(index)]")
                if windows.contains(where: {
                    $0.weekday == window.weekday && $0.startMinute < window.endMinute
                        && window.startMinute < $0.endMinute
                }) {
                    throw .invalid("availability[\(index)]", text, "overlaps another window of the same day")
                }
                windows.append(window)
            }
            try replaceWindows(facilitatorId: id, windows)
        }
        let clock = try ZonedClock(identifier: limits.timeZone, field: "timezone")
        for (index, blockout) in (entry.blockouts ?? []).enumerated() {
            let first = try LocalDate.parse(blockout.from, field: "blockouts[\(index)].from")
            let last = try LocalDate.parse(blockout.to, field: "blockouts[\(index)].to")
            guard last >= first else { throw .invalid("blockouts[\(index)].to", blockout.to, "is before from") }
            _ = try insertBlockout(
                StoredBlockout(
                    facilitatorId: id, firstDay: first, lastDay: last,
                    startsAt: try Kring.startOfDay(first.iso, field: "from", in: clock),
                    endsAt: try Kring.startOfDay(last.adding(days: 1).iso, field: "to", in: clock)))
        }
        for group in entry.excludeGroups ?? [] {
            let found = try resolveGroup(group, field: "exclude_groups")
            _ = try setGroupExclusion(facilitatorId: id, groupId: found.id, excluded: true)
        }
        for participant in entry.excludeParticipants ?? [] {
            let found = try resolveParticipant(participant, field: "exclude_participants")
            _ = try setParticipantExclusion(facilitatorId: id, participantId: found.id, excluded: true)
        }
        if let groups = entry.preferGroups {
            var ids: [Int64] = []
            for group in groups { ids.append(try resolveGroup(group, field: "prefer_groups").id) }
            try replacePreferredGroups(facilitatorId: id, ids)
        }
    }
}

extension Kring {
    /// `kring import FILE` from the file's bytes (YAML or JSON), wherever they were read: here, or sent to the
    /// service by a remote CLI. `file` names the source in errors. The file is decoded before any transaction opens.
    public func importScenario(fileData: Data, file: String) throws(KringError) -> ImportView {
        let (scenario, planning) = try Kring.decodeScenario(fileData, file: file)
        return try importScenario(scenario, planning: planning)
    }

    static func decodeScenario(_ fileData: Data, file: String) throws(KringError) -> (Scenario, ScenarioPlanning) {
        let scenario = try Scenario.decode(fileData, file: file)
        if let text = String(data: fileData, encoding: .utf8) { try ScenarioKeys.check(text, file: file) }
        return (scenario, try ScenarioPlanning.decode(fileData, file: file))
    }
}
