import Foundation
import KringDomain
import KringStorage

/// The fields a coordinator gives when creating or updating a group; nil leaves a field as it is.
public struct GroupChanges: Sendable, Codable {
    public var name: String?
    public var title: String?
    public var clearTitle: Bool = false
    public var audience: String?
    public var language: String?
    public var capacity: Int?
    public var minimum: Int?
    public var facilitators: Int?
    public var venue: String?
    public var online: String?
    public var timezone: String?

    public init(
        name: String? = nil, title: String? = nil, clearTitle: Bool = false, audience: String? = nil,
        language: String? = nil, capacity: Int? = nil, minimum: Int? = nil, facilitators: Int? = nil,
        venue: String? = nil, online: String? = nil, timezone: String? = nil
    ) {
        self.name = name
        self.title = title
        self.clearTitle = clearTitle
        self.audience = audience
        self.language = language
        self.capacity = capacity
        self.minimum = minimum
        self.facilitators = facilitators
        self.venue = venue
        self.online = online
        self.timezone = timezone
    }
}

extension Kring {
    /// `kring group create`: a new group in draft, with neutral title unless one is given.
    public func createGroup(_ changes: GroupChanges) throws(KringError) -> GroupView {
        try write { (operation) throws(KringError) in try operation.createGroup(changes) }
    }

    public func listGroups() throws(KringError) -> [GroupView] {
        try read { (operation) throws(KringError) in try operation.listGroups() }
    }

    public func showGroup(_ reference: String) throws(KringError) -> GroupView {
        try read { (operation) throws(KringError) in try operation.showGroup(reference) }
    }

    /// `kring group update`: changes fields; a capacity below current enrolment is refused, a higher one promotes
    /// the head of the waitlist. A change calendars show (public title, language, venue, online link) raises the
    /// SEQUENCE of every series of the group and queues a REQUEST to everyone enrolled and every facilitator with
    /// sessions in it; capacity, internal name and audience appear in no calendar and send nothing.
    public func updateGroup(_ reference: String, _ changes: GroupChanges) throws(KringError) -> GroupView {
        try write { (operation) throws(KringError) in try operation.updateGroup(reference, changes) }
    }

    /// `kring group open`: a draft starts taking enrolments.
    public func openGroup(_ reference: String) throws(KringError) -> GroupView {
        try write { (operation) throws(KringError) in try operation.openGroup(reference) }
    }

    /// `kring group start`: an open group with at least its minimum enrolled starts meeting.
    public func startGroup(_ reference: String) throws(KringError) -> GroupView {
        try write { (operation) throws(KringError) in try operation.startGroup(reference) }
    }

    /// `kring group close`: enrolled participants complete, the waitlist is released, future sessions are cancelled.
    public func closeGroup(_ reference: String) throws(KringError) -> GroupView {
        try write { (operation) throws(KringError) in try operation.closeGroup(reference) }
    }
}

extension KringTransaction {
    /// `kring group create`: a new group in draft, with neutral title unless one is given.
    func createGroup(_ changes: GroupChanges) throws(KringError) -> GroupView {
        try transaction.createGroup(changes, now: now)
    }

    func listGroups() throws(KringError) -> [GroupView] {
        try transaction.allGroups().map { (group) throws(KringError) in
            try transaction.view(of: group, now: now)
        }
    }

    func showGroup(_ reference: String) throws(KringError) -> GroupView {
        try transaction.view(of: try transaction.resolveGroup(reference), now: now)
    }

    /// `kring group update`: changes fields; a capacity below current enrolment is refused, a higher one promotes
    /// the head of the waitlist. A change calendars show (public title, language, venue, online link) raises the
    /// SEQUENCE of every series of the group and queues a REQUEST to everyone enrolled and every facilitator with
    /// sessions in it; capacity, internal name and audience appear in no calendar and send nothing.
    func updateGroup(_ reference: String, _ changes: GroupChanges) throws(KringError) -> GroupView {
        var group = try transaction.resolveGroup(reference)
        let calendarBefore = CalendarFacts(group)
        if group.state == .closed { throw .conflict("group", reference, "is closed and can no longer change") }
        if let name = changes.name { group.internalName = name }
        if changes.clearTitle { group.publicTitle = nil }
        if let title = changes.title { group.publicTitle = title }
        if let audience = changes.audience { group.audience = try Audience.parse(audience, field: "audience") }
        if let language = changes.language { group.language = try Language.parse(language, field: "language") }
        if let capacity = changes.capacity { group.capacity = capacity }
        if let minimum = changes.minimum { group.minimumToStart = minimum }
        if let facilitators = changes.facilitators { group.facilitatorsPerSession = facilitators }
        if let venue = changes.venue { (group.venue, group.onlineURL) = (venue, nil) }
        if let online = changes.online { (group.venue, group.onlineURL) = (nil, online) }
        if changes.venue != nil, changes.online != nil {
            throw .invalid("online", changes.online!, "give either --venue or --online, not both")
        }
        if let timezone = changes.timezone {
            if try !transaction.sessions(groupId: group.id).isEmpty {
                throw .conflict("timezone", timezone, "the group already has sessions; its zone can no longer change")
            }
            group.timeZone = timezone
        }
        if changes.minimum == nil, group.minimumToStart > group.capacity { group.minimumToStart = group.capacity }
        group = try group.validated()
        let enrolled = try transaction.countEnrolments(groupId: group.id, state: .enrolled)
        if group.capacity < enrolled {
            throw .conflict(
                "capacity", String(group.capacity),
                "is below the \(enrolled) participants already enrolled; withdraw some first")
        }
        try transaction.saveGroup(group, field: "name")
        _ = try transaction.promoteFromWaitlist(group: group, now: now)
        if CalendarFacts(group) != calendarBefore {
            try transaction.countSeriesChange(groupId: group.id)
            try transaction.queueInvites(.request, group: group.id, now: now)
            try transaction.queueFacilitatorRequests(groupId: group.id, now: now)
        }
        return try transaction.view(of: group, now: now)
    }

    /// `kring group open`: a draft starts taking enrolments.
    func openGroup(_ reference: String) throws(KringError) -> GroupView {
        try changeState(reference, to: .open, allowedFrom: [.draft])
    }

    /// `kring group start`: an open group with at least its minimum enrolled starts meeting.
    func startGroup(_ reference: String) throws(KringError) -> GroupView {
        var group = try transaction.resolveGroup(reference)
        guard group.state == .open else {
            throw .conflict("group", reference, "is \(group.state.rawValue); only an open group can start")
        }
        let enrolled = try transaction.countEnrolments(groupId: group.id, state: .enrolled)
        guard enrolled >= group.minimumToStart else {
            throw .conflict(
                "group", reference, "has \(enrolled) enrolled, fewer than its minimum of \(group.minimumToStart)")
        }
        group.state = .running
        try transaction.saveGroup(group, field: "group")
        return try transaction.view(of: group, now: now)
    }

    /// `kring group close`: enrolled participants complete, the waitlist is released, future sessions are cancelled.
    func closeGroup(_ reference: String) throws(KringError) -> GroupView {
        var group = try transaction.resolveGroup(reference)
        guard group.state != .closed else { throw .conflict("group", reference, "is already closed") }
        group.state = .closed
        try transaction.saveGroup(group, field: "group")
        let current = now
        let calendarsBefore = try transaction.facilitatorSchedule(groupIds: [group.id])
        try transaction.queueInvites(.cancel, group: group.id, now: current)
        for var enrolment in try transaction.enrolments(groupId: group.id, states: [.enrolled, .waitlisted]) {
            let participant = try transaction.resolveParticipant(String(enrolment.participantId))
            try transaction.reportCounters.groupClosed(
                for: participant, in: group, wasEnrolled: enrolment.state == .enrolled, at: current)
            enrolment.state = enrolment.state == .enrolled ? .completed : .withdrawn
            enrolment.changedAt = current
            try transaction.update(enrolment)
        }
        for var session in try transaction.sessions(groupId: group.id, from: current)
        where session.status == .scheduled || session.status == .moved {
            try session.cancel()
            try transaction.update(session)
            try transaction.reportCounters.sessionCancelled(session, group: group)
        }
        try transaction.queueFacilitatorInvites(
            since: calendarsBefore, groupIds: [group.id], groupClosed: true, now: current)
        return try transaction.view(of: group, now: now)
    }

    private func changeState(
        _ reference: String, to state: SupportGroup.State, allowedFrom: [SupportGroup.State]
    ) throws(KringError) -> GroupView {
        var group = try transaction.resolveGroup(reference)
        guard allowedFrom.contains(group.state) else {
            throw .conflict("group", reference, "is \(group.state.rawValue) and cannot become \(state.rawValue)")
        }
        group.state = state
        try transaction.saveGroup(group, field: "group")
        return try transaction.view(of: group, now: now)
    }
}

/// What of a group every VEVENT of its series shows: SUMMARY (the public title, or the neutral one in its language),
/// the language of the neutral texts, and LOCATION.
private struct CalendarFacts: Equatable {
    let title: String
    let language: Language
    let venue: String?
    let onlineURL: String?

    init(_ group: SupportGroup) {
        (title, language, venue, onlineURL) = (group.displayTitle, group.language, group.venue, group.onlineURL)
    }
}

extension StoreTransaction {
    func createGroup(_ changes: GroupChanges, now: Date) throws(KringError) -> GroupView {
        guard let name = changes.name else { throw .invalid("name", "", "a group needs a name") }
        guard let audienceText = changes.audience else { throw .invalid("audience", "", "a group needs an audience") }
        guard let languageText = changes.language else { throw .invalid("language", "", "a group needs a language") }
        guard let capacity = changes.capacity else { throw .invalid("capacity", "", "a group needs a capacity") }
        if changes.venue != nil, changes.online != nil {
            throw .invalid("online", changes.online!, "give either --venue or --online, not both")
        }
        if Int64(name.trimmingCharacters(in: .whitespaces)) != nil {
            throw .invalid("name", name, "must contain a letter, so it is never mistaken for an id")
        }
        // Checked before the default minimum is worked out from it, so a huge number is an error, not an overflow.
        _ = try TextRules.checked(capacity, field: "capacity", in: SupportGroup.capacityRange)
        let group = try NewSupportGroup(
            internalName: name, publicTitle: changes.title,
            audience: try Audience.parse(audienceText, field: "audience"),
            language: try Language.parse(languageText, field: "language"), capacity: capacity,
            minimumToStart: changes.minimum ?? min(capacity, max(1, (capacity + 1) / 2)),
            facilitatorsPerSession: changes.facilitators ?? 2, venue: changes.venue, onlineURL: changes.online,
            timeZone: changes.timezone ?? SupportGroup.defaultTimeZone
        ).validated()
        if try self.group(named: group.internalName) != nil {
            throw .conflict("name", name, "another group already has this name")
        }
        let stored = try insert(group)
        return try view(of: stored, now: now)
    }

    func saveGroup(_ group: SupportGroup, field: String) throws(KringError) {
        if let other = try self.group(named: group.internalName), other.id != group.id {
            throw .conflict("name", group.internalName, "another group already has this name")
        }
        try update(group)
    }
}
