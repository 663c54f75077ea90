import Foundation
import KringDomain
import KringStorage

/// Everything the planner knows about one facilitator's time and conflicts, as coordinators see it.
public struct FacilitatorPlanningView: Codable, Sendable {
    public struct BlockoutView: Codable, Sendable, Equatable {
        public let from: String
        public let to: String
    }

    public let id: Int64
    public let name: String
    public let timezone: String
    /// Weekly windows such as `tu 18:00-22:00`; empty means available at any time.
    public let weekly: [String]
    public let maxPerWeek: Int?
    public let maxPerMonth: Int?
    public let blockouts: [BlockoutView]
    /// How many busy times were imported from their own calendar (the times themselves stay private).
    public let busyTimes: Int
    public let excludedGroups: [String]
    /// Participants they know; never in a group where one of them is enrolled.
    public let excludedParticipants: [String]
    public let preferredGroups: [String]
    public let preferredWeekdays: [String]
    /// Whether an invite address is stored (sealed); never the address.
    public let hasContact: Bool
    public let languages: [Language]
    public let lead: Bool
    public let audiences: [Audience]
    /// True once `kring facilitator retire` took them out of all planning.
    public let retired: Bool
    /// Their stored assignments of upcoming sessions that break a hard rule now (after the change this answers):
    /// after a blockout, availability, exclusion, busy-time import or `facilitator update`. Nothing is re-planned.
    public internal(set) var conflicts: [AssignmentConflict] = []
}

/// A change to a facilitator's planning limits and preferences; nil leaves a field as it is, "none" clears it.
public struct FacilitatorPlanningChanges: Sendable, Codable {
    public var maxPerWeek: String?
    public var maxPerMonth: String?
    public var timezone: String?
    public var preferredWeekdays: String?
    public var preferredGroups: String?
    /// A new invite address (stored sealed), or nil to keep the current one.
    public var contact: String?
    /// Forget the stored invite address; refused together with `contact`.
    public var clearContact: Bool?
    /// The name colleagues know them by, corrected.
    public var name: String?
    /// Languages, comma-separated: `nl,fr`.
    public var languages: String?
    /// Audiences, comma-separated, or `all`.
    public var audiences: String?
    /// Whether they may lead a session.
    public var lead: Bool?

    public init(
        maxPerWeek: String? = nil, maxPerMonth: String? = nil, timezone: String? = nil,
        preferredWeekdays: String? = nil, preferredGroups: String? = nil, contact: String? = nil,
        clearContact: Bool? = nil, name: String? = nil, languages: String? = nil, audiences: String? = nil,
        lead: Bool? = nil
    ) {
        self.name = name
        self.languages = languages
        self.audiences = audiences
        self.lead = lead
        self.maxPerWeek = maxPerWeek
        self.maxPerMonth = maxPerMonth
        self.timezone = timezone
        self.preferredWeekdays = preferredWeekdays
        self.preferredGroups = preferredGroups
        self.contact = contact
        self.clearContact = clearContact
    }

    /// The change to the invite address these changes ask for.
    func contactChange() throws(KringError) -> FacilitatorContactChange? {
        switch (contact, clearContact ?? false) {
        case (.some, true): throw .invalid("clear-contact", "", "give either --contact or --clear-contact, not both")
        case (.some(let address), false): .set(address)
        case (nil, true): .clear
        case (nil, false): nil
        }
    }
}

/// Weekly windows as coordinators type them: `tu 18:00-22:00`, weekday first, times on a 24-hour clock.
enum WindowText {
    static let weekdays: [(short: String, long: String)] = [
        ("mo", "monday"), ("tu", "tuesday"), ("we", "wednesday"), ("th", "thursday"), ("fr", "friday"),
        ("sa", "saturday"), ("su", "sunday"),
    ]

    /// An ISO weekday (Monday = 1) from `tu`, `TU` or `tuesday`.
    static func weekday(_ text: String, field: String) throws(KringError) -> Int {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let index = weekdays.firstIndex(where: { $0.short == key || $0.long == key }) { return index + 1 }
        throw .invalid(field, text, "a weekday is one of mo, tu, we, th, fr, sa, su")
    }

    static func parse(_ text: String, field: String = "weekly") throws(KringError) -> StoredWindow {
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2 else {
            throw .invalid(field, text, "write a window as a weekday and a time range, for example 'tu 18:00-22:00'")
        }
        let day: Int
        do { day = try weekday(String(parts[0]), field: field) } catch {
            throw .invalid(field, text, error.reason)
        }
        let times = parts[1].split(separator: "-", omittingEmptySubsequences: false)
        guard times.count == 2 else {
            throw .invalid(field, text, "the time range is written start-end, for example 18:00-22:00")
        }
        let start: Int
        let end: Int
        do {
            start = try LocalTime.parse(String(times[0]), field: field).minuteOfDay
            end = times[1] == "24:00" ? 1440 : try LocalTime.parse(String(times[1]), field: field).minuteOfDay
        } catch {
            throw .invalid(field, text, error.reason)
        }
        guard end > start else {
            throw .invalid(field, text, "the window ends before it starts; a window stays within one day")
        }
        return StoredWindow(weekday: day, startMinute: start, endMinute: end)
    }

    static func format(_ window: StoredWindow) -> String {
        "\(weekdays[window.weekday - 1].short) \(clock(window.startMinute))-\(clock(window.endMinute))"
    }

    static func clock(_ minute: Int) -> String {
        let hour = minute / 60
        let rest = minute % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
    }
}

extension Kring {
    /// `kring facilitator availability F --weekly 'tu 18:00-22:00' …`: replaces the weekly windows; `anyTime`
    /// removes them all (available at any time). Without either it only shows the facilitator's planning profile.
    public func setAvailability(facilitator reference: String, weekly: [String], anyTime: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        try write { (operation) throws(KringError) in
            try operation.setAvailability(facilitator: reference, weekly: weekly, anyTime: anyTime)
        }
    }

    /// `kring facilitator blockout F --from D --to D [--remove]`: whole days in the facilitator's zone, inclusive.
    public func blockout(facilitator reference: String, from: String, to: String, remove: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        try write { (operation) throws(KringError) in
            try operation.blockout(facilitator: reference, from: from, to: to, remove: remove)
        }
    }

    /// `kring facilitator exclude F --group G | --participant P [--remove]`: a conflict of interest, never broken.
    public func exclude(facilitator reference: String, group: String?, participant: String?, remove: Bool)
        throws(KringError) -> FacilitatorPlanningView
    {
        try write { (operation) throws(KringError) in
            try operation.exclude(facilitator: reference, group: group, participant: participant, remove: remove)
        }
    }

    /// `kring facilitator update F --max-per-week N --max-per-month N --timezone Z --prefer-days tu,we
    /// --prefer-groups G,… --contact A|--clear-contact`: planning limits, soft preferences and the invite address,
    /// all in one transaction.
    public func updatePlanning(facilitator reference: String, _ changes: FacilitatorPlanningChanges)
        throws(KringError) -> FacilitatorPlanningView
    {
        try write { (operation) throws(KringError) in try operation.updatePlanning(facilitator: reference, changes) }
    }

    /// A whole number in range, or nil for "none" (no limit).
    static func optionalCount(_ text: String, field: String, in range: ClosedRange<Int>) throws(KringError) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "none" { return nil }
        guard let number = Int(trimmed) else {
            throw .invalid(
                field, text, "must be a whole number from \(range.lowerBound) to \(range.upperBound), or none")
        }
        return try TextRules.checked(number, field: field, in: range)
    }
}

extension KringTransaction {
    /// `kring facilitator availability F --weekly 'tu 18:00-22:00' …`: replaces the weekly windows; `anyTime`
    /// removes them all (available at any time). Without either it only shows the facilitator's planning profile.
    func setAvailability(facilitator reference: String, weekly: [String], anyTime: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        let facilitator = try transaction.resolveFacilitator(reference)
        if anyTime && !weekly.isEmpty {
            throw .invalid("any-time", "true", "give either --weekly windows or --any-time, not both")
        }
        if anyTime || !weekly.isEmpty {
            var windows: [StoredWindow] = []
            for text in weekly {
                let window = try WindowText.parse(text)
                if let other = windows.first(where: {
                    $0.weekday == window.weekday && $0.startMinute < window.endMinute
                        && window.startMinute < $0.endMinute
                }) {
                    throw .invalid("weekly", text, "overlaps the window '\(WindowText.format(other))'")
                }
                windows.append(window)
            }
            try transaction.replaceWindows(facilitatorId: facilitator.id, windows)
        }
        return try planningViewWithConflicts(of: facilitator)
    }

    /// `kring facilitator blockout F --from D --to D [--remove]`: whole days in the facilitator's zone, inclusive.
    func blockout(facilitator reference: String, from: String, to: String, remove: Bool) throws(KringError)
        -> FacilitatorPlanningView
    {
        let facilitator = try transaction.resolveFacilitator(reference)
        let first = try LocalDate.parse(from, field: "from")
        let last = try LocalDate.parse(to, field: "to")
        guard last >= first else { throw .invalid("to", to, "is before --from \(from)") }
        guard last.dayNumber - first.dayNumber < 366 else {
            throw .invalid("to", to, "a blockout lasts at most a year; add another one for longer")
        }
        if remove {
            let removed = try transaction.deleteBlockout(facilitatorId: facilitator.id, firstDay: first, lastDay: last)
            guard removed else {
                throw .notFound("from", from, "no blockout from \(first.iso) to \(last.iso) for this facilitator")
            }
        } else {
            let limits = try transaction.limits(of: facilitator)
            let clock = try ZonedClock(identifier: limits.timeZone, field: "timezone")
            let blockout = StoredBlockout(
                facilitatorId: facilitator.id, firstDay: first, lastDay: last,
                startsAt: try Kring.startOfDay(first.iso, field: "from", in: clock),
                endsAt: try Kring.startOfDay(last.adding(days: 1).iso, field: "to", in: clock))
            let added = try transaction.insertBlockout(blockout)
            guard added else {
                throw .conflict(
                    "from", from, "this facilitator already has a blockout from \(first.iso) to \(last.iso)")
            }
        }
        return try planningViewWithConflicts(of: facilitator)
    }

    /// `kring facilitator exclude F --group G | --participant P [--remove]`: a conflict of interest, never broken.
    func exclude(facilitator reference: String, group: String?, participant: String?, remove: Bool)
        throws(KringError) -> FacilitatorPlanningView
    {
        let facilitator = try transaction.resolveFacilitator(reference)
        switch (group, participant) {
        case (let group?, nil):
            let found = try transaction.resolveGroup(group)
            _ = try transaction.setGroupExclusion(
                facilitatorId: facilitator.id, groupId: found.id, excluded: !remove)
        case (nil, let participant?):
            let found = try transaction.resolveParticipant(participant)
            _ = try transaction.setParticipantExclusion(
                facilitatorId: facilitator.id, participantId: found.id, excluded: !remove)
        default:
            throw .invalid("group", group ?? "", "name either --group or --participant, exactly one")
        }
        return try planningViewWithConflicts(of: facilitator)
    }

    /// `kring facilitator update F --max-per-week N --max-per-month N --timezone Z --prefer-days tu,we
    /// --prefer-groups G,… --contact A|--clear-contact`: planning limits, soft preferences and the invite address,
    /// all in one transaction.
    func updatePlanning(facilitator reference: String, _ changes: FacilitatorPlanningChanges)
        throws(KringError) -> FacilitatorPlanningView
    {
        let contact = try changes.contactChange()
        var facilitator = try transaction.resolveFacilitator(reference)
        _ = try transaction.changeDetails(of: &facilitator, changes)
        if let contact {
            facilitator = try transaction.changeContact(
                of: facilitator, to: contact, sealer: sealer, keyFile: keyFile, now: now)
        }
        var limits = try transaction.limits(of: facilitator)
        var maxPerMonth = facilitator.maxPerMonth
        if let text = changes.maxPerWeek {
            limits.maxPerWeek = try Kring.optionalCount(text, field: "max-per-week", in: 1...7)
        }
        if let text = changes.maxPerMonth {
            maxPerMonth = try Kring.optionalCount(text, field: "max-per-month", in: 1...31)
        }
        if let zone = changes.timezone {
            limits.timeZone = try ZonedClock(identifier: zone, field: "timezone").timeZone.identifier
        }
        if let text = changes.preferredWeekdays {
            var days: [Int] = []
            if text.lowercased() != "none" {
                for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                    let day: Int
                    do throws(KringError) {
                        day = try WindowText.weekday(String(part), field: "prefer-days")
                    } catch {
                        throw .invalid("prefer-days", text, error.reason)
                    }
                    if !days.contains(day) { days.append(day) }
                }
            }
            limits.preferredWeekdays = days.sorted()
        }
        try transaction.setPlanningLimits(facilitatorId: facilitator.id, limits, maxPerMonth: maxPerMonth)
        if let text = changes.preferredGroups {
            var ids: [Int64] = []
            if text.lowercased() != "none" {
                for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                    ids.append(try transaction.resolveGroup(String(part), field: "prefer-groups").id)
                }
            }
            try transaction.replacePreferredGroups(facilitatorId: facilitator.id, ids)
        }
        let updated = try transaction.resolveFacilitator(String(facilitator.id))
        let view = try planningViewWithConflicts(of: updated)
        // A cleared address must not linger in the write-ahead log (privacy rule 9).
        if contact == .clear { try truncateLogAfterCommit() }
        return view
    }
}

extension KringTransaction {
    /// The planning profile with the facilitator's stored assignments that break a hard rule now.
    func planningViewWithConflicts(of facilitator: Facilitator) throws(KringError) -> FacilitatorPlanningView {
        var view = try transaction.planningView(of: facilitator)
        view.conflicts = try conflictsOfStoredAssignments(facilitatorIDs: [facilitator.id])
        return view
    }
}

extension StoreTransaction {
    func limits(of facilitator: Facilitator) throws(KringError) -> StoredPlanningLimits {
        try planningLimits(facilitatorId: facilitator.id)
            ?? StoredPlanningLimits(maxPerWeek: nil, timeZone: SupportGroup.defaultTimeZone, preferredWeekdays: [])
    }

    func planningView(of facilitator: Facilitator) throws(KringError) -> FacilitatorPlanningView {
        let id = facilitator.id
        let limits = try limits(of: facilitator)
        let (windows, blockouts, busy, groupIds, participantIds, preferred) = (
            try self.windows(facilitatorId: id), try self.blockouts(facilitatorId: id),
            try busyTimes(facilitatorId: id), try excludedGroupIds(facilitatorId: id),
            try excludedParticipantIds(facilitatorId: id), try preferredGroupIds(facilitatorId: id)
        )
        var groupNames: [String] = []
        for groupId in groupIds { groupNames.append(try resolveGroup(String(groupId)).internalName) }
        var preferredNames: [String] = []
        for groupId in preferred { preferredNames.append(try resolveGroup(String(groupId)).internalName) }
        var pseudonyms: [String] = []
        for participantId in participantIds {
            pseudonyms.append(try resolveParticipant(String(participantId)).pseudonym)
        }
        return FacilitatorPlanningView(
            id: id, name: facilitator.displayName, timezone: limits.timeZone, weekly: windows.map(WindowText.format),
            maxPerWeek: limits.maxPerWeek, maxPerMonth: facilitator.maxPerMonth,
            blockouts: blockouts.map { .init(from: $0.firstDay.iso, to: $0.lastDay.iso) }, busyTimes: busy.count,
            excludedGroups: groupNames, excludedParticipants: pseudonyms, preferredGroups: preferredNames,
            preferredWeekdays: limits.preferredWeekdays.map { WindowText.weekdays[$0 - 1].short },
            hasContact: facilitator.hasContact, languages: facilitator.languages, lead: facilitator.canLead,
            audiences: facilitator.audiences, retired: facilitator.isRetired)
    }
}
