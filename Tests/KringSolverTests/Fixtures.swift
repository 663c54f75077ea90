import Foundation
import KringPlanChecker
import KringSolver

/// Hand-built instances for rule-by-rule tests: times are written in a zone as a coordinator would say them.
enum Fixture {
    static let zone = "Europe/Paris"

    static func date(_ text: String, zone: String = Fixture.zone) -> Date {
        let parts = text.split(whereSeparator: { "- :".contains($0) }).map { Int($0)! }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        return calendar.date(
            from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))!
    }

    static func session(
        _ id: Int64, group: Int64 = 1, at start: String, minutes: Int = 90, language: String = "fr",
        audience: String = "parents", online: Bool = false, slots: Int = 2, needsLead: Bool = true,
        past: Bool = false, existing: [ExistingAssignment] = []
    ) -> PlanningSession {
        let begin = date(start)
        return PlanningSession(
            id: id, groupId: group, start: begin, end: begin.addingTimeInterval(TimeInterval(minutes * 60)),
            language: language, audience: audience, online: online, slotsNeeded: slots, needsLead: needsLead,
            isPast: past, existing: existing, timeZoneIdentifier: zone)
    }

    /// Free every evening of the week, French, parents, may lead.
    static func person(
        _ id: Int64, languages: Set<String> = ["fr"], canLead: Bool = true, audiences: Set<String> = ["parents"],
        maxPerWeek: Int? = nil, maxPerMonth: Int? = nil, windows: [WeeklyWindow]? = nil,
        blockouts: [DateInterval] = [], busy: [DateInterval] = [], excluded: Set<Int64> = [],
        preferredGroups: Set<Int64> = [], preferredWeekdays: Set<Weekday> = []
    ) -> PlanningFacilitator {
        PlanningFacilitator(
            id: id, displayName: "F\(id)", languages: languages, canLead: canLead, audiences: audiences,
            maxPerWeek: maxPerWeek, maxPerMonth: maxPerMonth,
            windows: windows
                ?? Weekday.allCases.map { WeeklyWindow(weekday: $0, startMinute: 17 * 60, endMinute: 23 * 60) },
            timeZoneIdentifier: zone, blockouts: blockouts, busy: busy, excludedGroups: excluded,
            preferredGroups: preferredGroups, preferredWeekdays: preferredWeekdays)
    }
}
