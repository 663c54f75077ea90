import Foundation
import KringDomain
import KringSolver
import KringStorage

/// One facilitator at one session.
public struct AssignedFacilitatorView: Codable, Sendable, Equatable {
    public let facilitatorId: Int64
    public let name: String
    public let lead: Bool
    public let pinned: Bool
    /// `fixed` (pinned, past or outside the run), `kept` or `new` in a plan; nil in listings.
    public let origin: String?
}

/// Who facilitates one session, and how many slots are still empty.
public struct SessionStaffingView: Codable, Sendable, Equatable {
    public let sessionId: Int64
    public let groupId: Int64
    public let group: String
    /// ISO 8601 with the group's offset.
    public let start: String
    public let end: String
    public let slotsNeeded: Int
    public let facilitators: [AssignedFacilitatorView]
    public let openSlots: Int
    public let hasLead: Bool
}

/// One candidate stopped from an empty slot, and the hard rule that stopped them.
public struct BlockReasonView: Codable, Sendable, Equatable {
    public let facilitatorId: Int64
    public let facilitator: String
    /// A stable key: language, audience, notLead, outsideWeeklyWindow, blockout, declined, busy, overlap,
    /// weeklyMaximum, monthlyMaximum, excludedFromGroup, alreadyInSession, or free (not re-planned this run).
    public let rule: String
    public let text: String
}

/// A slot no facilitator could take, with every candidate's reason.
public struct UnfilledSlotView: Codable, Sendable, Equatable {
    public let sessionId: Int64
    public let group: String
    public let start: String
    public let leadSlot: Bool
    /// "no Dutch-speaking lead free on 2027-03-09 19:00 (gent-partners, session 12): An Claes blocked out …"
    public let text: String
    public let reasons: [BlockReasonView]
}

/// Why a chosen facilitator beat the runner-up (explain mode).
public struct JustificationView: Codable, Sendable, Equatable {
    public let sessionId: Int64
    public let group: String
    public let start: String
    public let facilitatorId: Int64
    public let facilitator: String
    public let runnerUpId: Int64?
    public let runnerUp: String?
    /// Score with the runner-up minus score with the choice, by component; positive means the runner-up is worse.
    public let delta: [String: Double]
    public let text: String
}

/// One assignment the run added or removed.
public struct AssignmentChangeView: Codable, Sendable, Equatable {
    public let kind: String
    public let sessionId: Int64
    public let group: String
    public let start: String
    public let facilitatorId: Int64
    public let facilitator: String
}

/// The objective by component; lower is better.
public struct PlanScoreView: Codable, Sendable, Equatable {
    public let unfilledSlots: Int
    public let missingLeads: Int
    public let continuity: Double
    public let fairness: Double
    public let preference: Double
    public let stability: Double
    public let total: Double
}

/// What `kring assign` planned (and stored unless a dry run) and why any slot stayed empty.
public struct AssignRunView: Codable, Sendable {
    public let dryRun: Bool
    public let sessions: [SessionStaffingView]
    public let slots: Int
    public let filledSlots: Int
    public let score: PlanScoreView
    public let unfilled: [UnfilledSlotView]
    public let changes: [AssignmentChangeView]
    public let justifications: [JustificationView]
    /// Pinned or past assignments that break a hard rule: reported, never caused by the planner.
    public let preexistingIssues: [String]
    /// The solver's plan as it is, ids only, for tools and for the independent checker in the tests.
    public let plan: AssignmentPlan
}

/// What `kring facilitator decline` did: the slot re-planned and everything that had to move for it.
public struct DeclineView: Codable, Sendable {
    public let sessionId: Int64
    public let facilitatorId: Int64
    public let facilitator: String
    public let session: SessionStaffingView
    public let changes: [AssignmentChangeView]
    public let unfilled: [UnfilledSlotView]
    /// The solver's plan with its organisation-wide score; nil in a facilitator's answer.
    public let plan: AssignmentPlan?
}

/// One stored assignment in a listing.
public struct AssignmentListView: Codable, Sendable, Equatable {
    public let sessionId: Int64
    public let groupId: Int64
    public let group: String
    public let start: String
    public let end: String
    public let status: Session.Status
    public let facilitatorId: Int64
    public let facilitator: String
    public let lead: Bool
    public let pinned: Bool
    public let published: Bool
}

extension LoadedProblem {
    func zoneClock(_ group: SupportGroup) -> ZonedClock {
        ZonedClock(
            timeZone: TimeZone(identifier: group.timeZone) ?? TimeZone(identifier: SupportGroup.defaultTimeZone)!)
    }

    /// "2027-03-09 19:00" in the group's zone.
    func localText(_ sessionId: Int64) -> String {
        guard let session = sessions[sessionId], let group = groups[session.groupId] else { return "?" }
        let local = zoneClock(group).local(session.startsAt)
        return "\(local.date.iso) \(local.time.iso)"
    }

    func iso(_ sessionId: Int64, end: Bool = false) -> String {
        guard let session = sessions[sessionId], let group = groups[session.groupId] else { return "" }
        return zoneClock(group).iso8601(end ? session.endsAt : session.startsAt)
    }

    func groupName(_ sessionId: Int64) -> String {
        sessions[sessionId].flatMap { groups[$0.groupId]?.internalName } ?? "?"
    }

    func staffing(_ planned: PlannedSession) -> SessionStaffingView {
        let session = sessions[planned.sessionId]!
        let group = groups[session.groupId]!
        let people = planned.assignments.sorted { $0.isLead && !$1.isLead }.map {
            AssignedFacilitatorView(
                facilitatorId: $0.facilitatorId, name: name(of: $0.facilitatorId), lead: $0.isLead,
                pinned: $0.isPinned, origin: $0.origin.rawValue)
        }
        return SessionStaffingView(
            sessionId: session.id, groupId: group.id, group: group.internalName, start: iso(session.id),
            end: iso(session.id, end: true), slotsNeeded: group.facilitatorsPerSession, facilitators: people,
            openSlots: max(0, group.facilitatorsPerSession - people.count),
            hasLead: people.contains { $0.lead && facilitators[$0.facilitatorId]?.canLead == true })
    }

    func unfilledView(_ slot: UnfilledSlot) -> UnfilledSlotView {
        let session = sessions[slot.sessionId]!
        let group = groups[session.groupId]!
        let reasons = slot.blocks.map { reason($0, session: session) }
        // The headline already says "<language>-speaking lead", so those rules need no line per person.
        let listed = reasons.filter { $0.rule != "language" && $0.rule != "notLead" }
        let role = slot.isLeadSlot ? "lead" : "facilitator"
        var text =
            "no \(Self.languageName(group.language))-speaking \(role) free on \(localText(session.id)) "
            + "(\(group.internalName), session \(session.id))"
        text +=
            listed.isEmpty
            ? ": nobody on the roster speaks \(Self.languageName(group.language))"
                + (slot.isLeadSlot ? " and can lead" : "")
            : ": " + listed.map { "\($0.facilitator) \($0.text)" }.joined(separator: ", ")
        return UnfilledSlotView(
            sessionId: session.id, group: group.internalName, start: iso(session.id), leadSlot: slot.isLeadSlot,
            text: text, reasons: reasons)
    }

    func reason(_ block: CandidateBlock, session: Session) -> BlockReasonView {
        let id = block.facilitatorId
        let person = facilitators[id]
        let (rule, text): (String, String)
        switch block.rule {
        case nil: (rule, text) = ("free", "free, but this run did not re-plan this session")
        case .language?:
            (rule, text) = ("language", "does not speak \(groups[session.groupId]?.language.rawValue ?? "?")")
        case .audience?:
            (rule, text) = ("audience", "not qualified for \(groups[session.groupId]?.audience.rawValue ?? "?")")
        case .notLead?: (rule, text) = ("notLead", "cannot lead")
        case .outsideWeeklyWindow?:
            let stated = (windows[id] ?? []).map(WindowText.format).joined(separator: ", ")
            (rule, text) = ("outsideWeeklyWindow", "outside weekly availability (\(stated))")
        case .blockout(let interval)?:
            if declineBlockouts.contains(.init(facilitatorId: id, interval: interval)) {
                (rule, text) = ("declined", "declined this session")
            } else if let stored = (blockouts[id] ?? []).first(where: {
                $0.startsAt == interval.start && $0.endsAt == interval.end
            }) {
                (rule, text) = ("blockout", "blocked out \(stored.firstDay.iso) to \(stored.lastDay.iso)")
            } else {
                (rule, text) = ("blockout", "blocked out")
            }
        case .busy?: (rule, text) = ("busy", "busy (imported calendar)")
        case .overlapsOwnSession(let other)?:
            let buffer = problem.travelBufferMinutes
            (rule, text) = (
                "overlap",
                "has session \(other) (\(groupName(other)) \(localText(other))) too close, "
                    + "\(buffer)-minute travel buffer"
            )
        case .weeklyMaximum(let limit)?: (rule, text) = ("weeklyMaximum", "over weekly maximum (\(limit))")
        case .monthlyMaximum(let limit)?: (rule, text) = ("monthlyMaximum", "over monthly maximum (\(limit))")
        case .excludedFromGroup?: (rule, text) = ("excludedFromGroup", "excluded from this group")
        case .alreadyInSession?: (rule, text) = ("alreadyInSession", "already in this session")
        case .declined?: (rule, text) = ("declined", "declined this session")
        }
        return BlockReasonView(
            facilitatorId: id, facilitator: person?.displayName ?? "facilitator \(id)", rule: rule, text: text)
    }

    func justificationView(_ justification: Justification) -> JustificationView {
        let sessionId = justification.sessionId
        let chosen = name(of: justification.facilitatorId)
        var delta: [String: Double] = [:]
        var text: String
        if let runnerUp = justification.runnerUpId, let d = justification.delta {
            let parts: [(String, Double)] = [
                ("unfilledSlots", d.unfilledSlots), ("missingLeads", d.missingLeads), ("continuity", d.continuity),
                ("fairness", d.fairness), ("preference", d.preference), ("stability", d.stability),
            ]
            for (key, value) in parts where abs(value) > 1e-9 { delta[key] = Self.rounded(value) }
            delta["total"] = Self.rounded(d.total)
            let reasons = parts.filter { abs($0.1) > 1e-9 }.map { "\(Self.signed($0.1)) \($0.0)" }
            text =
                "\(chosen) over \(name(of: runnerUp)): "
                + (reasons.isEmpty
                    ? "a tie on every goal; the plan keeps the first found"
                    : reasons.joined(separator: ", ") + " (weighted \(Self.signed(d.total)) for the runner-up)")
        } else {
            text = "\(chosen): nobody else could take this slot"
        }
        text = "session \(sessionId) \(localText(sessionId)) (\(groupName(sessionId))): " + text
        return JustificationView(
            sessionId: sessionId, group: groupName(sessionId), start: iso(sessionId),
            facilitatorId: justification.facilitatorId, facilitator: chosen, runnerUpId: justification.runnerUpId,
            runnerUp: justification.runnerUpId.map { name(of: $0) }, delta: delta, text: text)
    }

    func changeView(_ change: AssignmentChange) -> AssignmentChangeView {
        AssignmentChangeView(
            kind: change.kind.rawValue, sessionId: change.sessionId, group: groupName(change.sessionId),
            start: iso(change.sessionId), facilitatorId: change.facilitatorId,
            facilitator: name(of: change.facilitatorId))
    }

    func issueText(_ issue: PreexistingIssue) -> String {
        let session = sessions[issue.sessionId]
        let text = session.map {
            reason(CandidateBlock(facilitatorId: issue.facilitatorId, rule: issue.rule), session: $0).text
        }
        return "session \(issue.sessionId) \(localText(issue.sessionId)) (\(groupName(issue.sessionId))): "
            + "\(name(of: issue.facilitatorId)) \(text ?? "breaks a rule"), kept because it is pinned or past"
    }

    static func scoreView(_ score: PlanScore) -> PlanScoreView {
        PlanScoreView(
            unfilledSlots: score.unfilledSlots, missingLeads: score.missingLeads, continuity: rounded(score.continuity),
            fairness: rounded(score.fairness), preference: rounded(score.preference),
            stability: rounded(score.stability),
            total: rounded(score.total))
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    static func signed(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        return value >= 0 ? "+" + text : text
    }

    static func languageName(_ language: Language) -> String {
        switch language {
        case .nl: "Dutch"
        case .fr: "French"
        case .en: "English"
        case .de: "German"
        }
    }
}
