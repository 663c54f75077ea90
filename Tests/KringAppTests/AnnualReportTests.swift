import Foundation
import KringApp
import KringDomain
import KringReport
import KringStorage
import Testing

/// A year of groups run through the real operations, with a ledger of every event the test caused: each figure the
/// report shows equals the ledger's own count; erasing and purging people afterwards changes nothing in it.
@Suite(.serialized) struct AnnualReportTests {
    /// What the test did, counted by the test: the independent side of every comparison.
    struct Ledger {
        var held: [String: Int] = [:]
        var cancelled: [String: Int] = [:]
        var facilitatorMinutes: [String: Int] = [:]
        var gaps: [String: Int] = [:]
        var seats: [String: Int] = [:]
        var waitlist: [String: Int] = [:]
        var waitlistJoined = 0
        var byRelation: [String: [String: Int]] = [:]
        var byLanguage: [String: [String: Int]] = [:]
        var byAudience: [String: [String: Int]] = [:]
        var withdrawals: [String: Int] = [:]
        var present: [String: Int] = [:]
        var marks: [String: Int] = [:]
        var waits: [Int] = []
    }

    static let groups = [
        (name: "gent-partners", audience: "partners", language: "nl"),
        (name: "liege-parents", audience: "parents", language: "fr"),
        (name: "antwerpen-familie", audience: "family", language: "nl"),
    ]

    @Test func everyFigureEqualsTheEventsThatMadeItAndErasureChangesNothing() throws {
        let app = try AppHarness(now: "2025-12-15T09:00:00Z")
        var random = SeededRandom(seed: 42)
        var ledger = Ledger()
        for group in Self.groups {
            _ = try app.kring.createGroup(
                GroupChanges(
                    name: group.name, audience: group.audience, language: group.language, capacity: 8,
                    facilitators: 2, venue: "Zaal"))
            _ = try app.kring.addSeries(
                SeriesRequest(
                    group: group.name, start: "2026-01-06T19:00", durationMinutes: 120, rrule: "FREQ=WEEKLY;COUNT=40"))
            _ = try app.kring.openGroup(group.name)
        }
        _ = try app.kring.addFacilitator(FacilitatorRequest(name: "Ann", languages: "nl,fr", lead: true))
        var assigned: [Int64: Int] = [:]
        for group in Self.groups {
            for session in try app.kring.listSessions(group: group.name, from: nil, to: nil).prefix(15) {
                if (try? app.kring.setAssignment(
                    session: String(session.id), facilitator: "Ann", pin: true, lead: true)) != nil
                {
                    assigned[session.id] = 1
                }
            }
        }
        app.advance(days: 17)  // 2026-01-01
        // Each participant: their groups, their relation and language, when they asked.
        var people: [(pseudonym: String, relation: String, language: String)] = []
        var requestedDay: [String: Int] = [:]
        var processed = Set<Int64>()
        // Where each participant stands in each group, as the operations answered.
        var standing: [String: Enrolment.State] = [:]
        for day in 0..<365 {
            for _ in 0..<Int.random(in: 0...1, using: &random) where day % 3 == 0 {
                let group = Self.groups[Int.random(in: 0..<3, using: &random)]
                let relation = Relation.allCases.randomElement(using: &random)!.rawValue
                let language = ["nl", "fr", "en"].randomElement(using: &random)!
                let pseudonym = "Deelnemer \(people.count + 1)"
                let view = try app.kring.enrol(
                    EnrolmentRequest(group: group.name, pseudonym: pseudonym, relation: relation, language: language))
                people.append((pseudonym, relation, language))
                requestedDay["\(pseudonym)/\(group.name)"] = day
                standing["\(pseudonym)/\(group.name)"] = view.state
                ledger.record(view, relation: relation, language: language, audience: group.audience, newcomer: true)
            }
            if day % 11 == 5, let someone = people.randomElement(using: &random) {
                // Someone already known joins another group: continuing.
                let group = Self.groups[Int.random(in: 0..<3, using: &random)]
                if let view = try? app.kring.enrol(
                    EnrolmentRequest(group: group.name, existingParticipant: someone.pseudonym))
                {
                    requestedDay["\(someone.pseudonym)/\(group.name)"] = day
                    standing["\(someone.pseudonym)/\(group.name)"] = view.state
                    ledger.record(
                        view, relation: someone.relation, language: someone.language, audience: group.audience,
                        newcomer: false)
                }
            }
            if day % 4 == 2, let someone = people.randomElement(using: &random) {
                let reason = WithdrawalReason.allCases.randomElement(using: &random)!
                for group in Self.groups {
                    guard
                        let change = try? app.kring.withdraw(
                            someone.pseudonym, group: group.name, erase: false, reason: reason.rawValue)
                    else { continue }
                    ledger.withdrawals[reason.rawValue, default: 0] += 1
                    let key = "\(someone.pseudonym)/\(group.name)"
                    if standing[key] == .waitlisted { ledger.waitlist[group.name, default: 0] -= 1 }
                    standing[key] = .withdrawn
                    for promoted in change.promoted {
                        standing["\(promoted.pseudonym)/\(promoted.group)"] = .enrolled
                        ledger.seats[promoted.group, default: 0] += 1
                        ledger.waitlist[promoted.group, default: 0] -= 1
                        ledger.waits.append(day - requestedDay["\(promoted.pseudonym)/\(promoted.group)"]!)
                        let person = people.first { $0.pseudonym == promoted.pseudonym }!
                        let audience = Self.groups.first { $0.name == promoted.group }!.audience
                        let newcomer =
                            requestedDay.filter {
                                $0.key.hasPrefix(person.pseudonym + "/")
                                    && $0.key != "\(promoted.pseudonym)/\(promoted.group)"
                            }.isEmpty
                        ledger.countSeat(
                            relation: person.relation, language: person.language, audience: audience,
                            newcomer: newcomer)
                    }
                    break
                }
            }
            // Every session that has started: cancel one in twenty beforehand, mark the rest.
            for group in Self.groups {
                for session in try app.kring.listSessions(group: group.name, from: nil, to: nil)
                where !processed.contains(session.id) && session.status != .cancelled {
                    let start = ISO8601DateFormatter().date(from: session.start)!
                    let now = app.configuration.clock()
                    if start > now, start < now.addingTimeInterval(86_400), Int.random(in: 0..<20, using: &random) == 0
                    {
                        _ = try app.kring.cancelSession(String(session.id))
                        ledger.cancelled[group.name, default: 0] += 1
                        processed.insert(session.id)
                    } else if start <= now {
                        processed.insert(session.id)
                        let members = try app.kring.roster(group: group.name, session: nil).enrolled
                        var held = false
                        var firstMark: String?
                        for member in members {
                            let status = ["present", "present", "present", "absent", "excused"]
                                .randomElement(using: &random)!
                            _ = try app.kring.markAttendance(
                                session: String(session.id), participant: String(member.participantId),
                                status: status)
                            firstMark = firstMark ?? status
                            ledger.marks[group.name, default: 0] += 1
                            if status == "present" { ledger.present[group.name, default: 0] += 1 }
                            if status != "excused" { held = true }
                        }
                        if let first = members.first, let mark = firstMark, Int.random(in: 0..<4, using: &random) == 0 {
                            // A mark corrected: the counter follows the last word.
                            _ = try app.kring.markAttendance(
                                session: String(session.id), participant: String(first.participantId),
                                status: "present")
                            if mark != "present" { ledger.present[group.name, default: 0] += 1 }
                            held = true
                        }
                        if held {
                            ledger.held[group.name, default: 0] += 1
                            let count = assigned[session.id] ?? 0
                            ledger.facilitatorMinutes[group.name, default: 0] += 120 * count
                            ledger.gaps[group.name, default: 0] += 2 - count
                        }
                    }
                }
            }
            app.advance(days: 1)
        }
        let report = try app.kring.report(ReportRequest(year: 2026, language: "en"))
        try ledger.check(report)

        // Erase half the people, then let retention purge the rest of what it may: the past year stays the same.
        let before = try report.json()
        for person in people.enumerated().filter({ $0.offset % 2 == 0 }).map(\.element) {
            _ = try app.kring.withdraw(person.pseudonym, group: nil, erase: true)
        }
        for group in Self.groups { _ = try app.kring.closeGroup(group.name) }
        _ = try app.kring.setConfig("retention-days", "30")
        app.advance(days: 400)
        #expect(try app.kring.purgeExpired() > 0)
        #expect(try app.kring.listParticipants(group: nil).isEmpty)
        let after = try app.kring.report(ReportRequest(year: 2026, language: "en"))
        #expect(try after.json() == before)
    }

    @Test func thresholdIsRaisedButNeverLowered() throws {
        let app = try AppHarness()
        #expect(throws: KringError.self) { try app.kring.setConfig("report.threshold", "1") }
        #expect(throws: KringError.self) { try app.kring.setConfig("report.threshold", "4") }
        #expect(try app.kring.setConfig("report.threshold", "10").value == "10")
        let report = try app.kring.report(ReportRequest(year: 2027))
        #expect(report.threshold == 10)
    }

    @Test func aTinyGroupShowsNoExactSmallCount() throws {
        let app = try AppHarness()
        try app.openGroup("hasselt-ouders", capacity: 2)
        for name in ["Eik", "Beuk", "Linde"] { try app.enrol(name, in: "hasselt-ouders") }
        _ = try app.kring.withdraw("Eik", group: nil, erase: false, reason: "practical")
        let report = try app.kring.report(ReportRequest(year: 2026, language: "en"))
        for table in report.tables {
            for row in table.rows {
                for value in row.values {
                    if case .people(let count) = value { #expect(count >= 5, "\(table.id) \(row.label)") }
                }
            }
        }
        for figure in report.figures {
            if case .people(let count) = figure.value { #expect(count >= 5, "\(figure.id)") }
        }
        let withdrawals = report.tables.first { $0.id == "withdrawals-by-reason" }!
        #expect(withdrawals.rows.first { $0.label == "Practical" }?.values == [.suppressed])
    }

    /// The counters hold categories and days only: no column could name, reach or time a person.
    @Test func countersHoldNoPersonalColumn() throws {
        let app = try AppHarness()
        let columns = try app.kring.store.columnNames().filter { $0.hasPrefix("report_counter.") }
        #expect(
            Set(columns)
                == Set(
                    [
                        "day", "group_id", "measure", "relation", "language", "audience", "newcomer", "reason",
                        "waited_days", "amount",
                    ].map { "report_counter.\($0)" }))
    }

    @Test func anUnknownReasonIsRefusedAndChangesNothing() throws {
        let app = try AppHarness()
        try app.openGroup("g")
        try app.enrol("Eik", in: "g")
        let before = try app.dump()
        #expect(throws: KringError.self) { try app.kring.withdraw("Eik", group: nil, erase: false, reason: "angry") }
        #expect(try app.dump() == before)
    }
}

extension AnnualReportTests.Ledger {
    mutating func record(_ view: EnrolmentView, relation: String, language: String, audience: String, newcomer: Bool) {
        if view.state == .enrolled {
            seats[view.group, default: 0] += 1
            countSeat(relation: relation, language: language, audience: audience, newcomer: newcomer)
        } else {
            waitlist[view.group, default: 0] += 1
            waitlistJoined += 1
        }
    }

    mutating func countSeat(relation: String, language: String, audience: String, newcomer: Bool) {
        let column = newcomer ? "new" : "continuing"
        byRelation[relation, default: [:]][column, default: 0] += 1
        byLanguage[language, default: [:]][column, default: 0] += 1
        byAudience[audience, default: [:]][column, default: 0] += 1
    }

    /// Every shown count equals the ledger's; a hidden one is a count about people.
    func check(_ report: AnnualReport) throws {
        let words = ReportVocabulary(.en)
        func table(_ id: String) -> ReportTable { report.tables.first { $0.id == id }! }
        func expectShown(_ value: ReportValue, _ expected: Int, _ what: String) {
            switch value {
            case .people(let count): #expect(count == expected, "\(what)")
            case .quantity(let amount): #expect(Int(amount) == expected, "\(what)")
            case .suppressed: break
            case .none: #expect(expected == 0, "\(what)")
            }
        }
        var visible = 0
        let groups = table("groups")
        for group in AnnualReportTests.groups {
            let row = groups.rows.first { $0.label == group.name }!
            expectShown(row.values[0], held[group.name] ?? 0, "held \(group.name)")
            expectShown(row.values[1], cancelled[group.name] ?? 0, "cancelled \(group.name)")
            expectShown(row.values[3], (facilitatorMinutes[group.name] ?? 0) / 60, "hours \(group.name)")
            expectShown(row.values[4], gaps[group.name] ?? 0, "gaps \(group.name)")
            let rate = (Double(present[group.name] ?? 0) * 1000 / Double(marks[group.name] ?? 1)).rounded() / 10
            #expect(row.values[5] == .quantity(rate), "attendance \(group.name)")
            let places = table("places").rows.first { $0.label == group.name }!
            expectShown(places.values[0], seats[group.name] ?? 0, "places \(group.name)")
            expectShown(places.values[1], waitlist[group.name] ?? 0, "waitlist \(group.name)")
            if case .people = places.values[0] { visible += 1 }
        }
        for (id, ledger) in [("relation", byRelation), ("language", byLanguage), ("audience", byAudience)] {
            let shown = table("participants-by-\(id)")
            for (category, columns) in ledger {
                let row = shown.rows.first { $0.label == words("\(id).\(category)") }!
                expectShown(row.values[0], columns["new"] ?? 0, "\(id) \(category) new")
                expectShown(row.values[1], columns["continuing"] ?? 0, "\(id) \(category) continuing")
                expectShown(row.values[2], columns.values.reduce(0, +), "\(id) \(category) total")
                visible += row.values.filter { if case .people = $0 { true } else { false } }.count
            }
        }
        for (reason, count) in withdrawals {
            let row = table("withdrawals-by-reason").rows.first { $0.label == words("reason.\(reason)") }!
            expectShown(row.values[0], count, "withdrawals \(reason)")
        }
        let figures = Dictionary(uniqueKeysWithValues: report.figures.map { ($0.id, $0.value) })
        expectShown(figures["sessions-held"]!, held.values.reduce(0, +), "sessions held")
        expectShown(figures["groups-run"]!, held.filter { $0.value > 0 }.count, "groups run")
        expectShown(figures["waitlist-joined"]!, waitlistJoined, "waitlist joined")
        let sorted = waits.sorted()
        if sorted.count >= report.threshold {
            let median =
                sorted.count % 2 == 1
                ? Double(sorted[sorted.count / 2]) : Double(sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            #expect(figures["median-wait"] == .quantity(median))
        }
        // The year is big enough that most cells are shown: the comparison is not vacuous.
        #expect(visible >= 12)
    }
}

/// SplitMix64, so the generated year is the same on every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_85B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
