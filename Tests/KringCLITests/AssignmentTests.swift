import Foundation
import GRDB
import KringApp
import KringPlanChecker
import KringSolver
import KringTestSupport
import Testing

/// `kring assign`, `kring assignment …` and `kring facilitator decline` through the real binary; every plan they make
/// is checked by the independent `PlanChecker` against the same problem the binary built from the database.
@Suite(.timeLimit(.minutes(10))) struct AssignmentTests {
    /// Three groups on Tuesday, Thursday and Monday evenings; the French group has one French speaker, so some of
    /// its slots can never be filled and must be explained.
    static let scenario = """
        facilitators:
          - { name: Lead Een,  languages: [nl], lead: true, max_per_month: 4,
              availability: ["tu 18:00-22:00", "th 18:00-22:00"] }
          - { name: Lead Twee, languages: [nl], lead: true, max_per_month: 4,
              availability: ["tu 18:00-22:00", "th 18:00-22:00"] }
          - { name: Co Drie,   languages: [nl], max_per_month: 4, availability: ["tu 18:00-22:00", "th 18:00-22:00"] }
          - { name: Co Vier,   languages: [nl], max_per_month: 4, availability: ["tu 18:00-22:00", "th 18:00-22:00"] }
          - { name: Chef Cinq, languages: [fr], lead: true, audiences: [partners], max_per_month: 2, max_per_week: 1,
              availability: ["mo 18:00-22:00"] }
        groups:
          - name: dinsdag
            audience: partners
            language: nl
            capacity: 8
            venue: Gent
            series: [{ start: "2027-01-05T19:00", duration: 120, rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6" }]
            participants: [{ pseudonym: Stille Eik, relation: partner }]
          - name: donderdag
            audience: parents
            language: nl
            capacity: 8
            venue: Antwerpen
            series: [{ start: "2027-01-07T19:30", duration: 120, rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=6" }]
          - name: lundi
            audience: partners
            language: fr
            capacity: 8
            venue: Bruxelles
            series: [{ start: "2027-01-04T18:30", duration: 120, rrule: "FREQ=WEEKLY;BYDAY=MO;COUNT=6" }]
        """

    static func planned() throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        let file = sandbox.folder.appendingPathComponent("scenario.yaml")
        try scenario.write(to: file, atomically: true, encoding: .utf8)
        try sandbox.ok(["import", file.path])
        return sandbox
    }

    // MARK: Full plans

    @Test func assignStaffsOpenSlotsAndTheIndependentCheckerAgrees() throws {
        let sandbox = try Self.planned()
        let problem = try sandbox.assignmentProblem()
        #expect(problem.sessions.count == 18)
        let run = try sandbox.ok(["assign", "--yes", "--format", "json"])
        let plan = try Self.plan(run)
        #expect(PlanChecker.introducedViolations(problem, plan).isEmpty)
        let recomputed = PlanChecker.score(problem, plan)
        #expect(plan.score.unfilledSlots == recomputed.unfilledSlots)
        #expect(plan.score.missingLeads == recomputed.missingLeads)
        // The Dutch groups are fully staffed; the French group has one French speaker, limited to two a month.
        let output = try run.object()
        #expect(output["slots"] as? Int == 36)
        #expect(plan.score.unfilledSlots == 8)
        #expect(plan.score.missingLeads == 2)
        try Self.expectEveryExplanationConfirmed(problem, plan, sandbox.assignmentProblem().facilitators.count)

        // What was stored is what was planned, and the stored state breaks no hard rule either.
        let stored = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
        #expect(stored.count == 36 - 8)
        let after = try sandbox.assignmentProblem()
        #expect(PlanChecker.introducedViolations(after, PlanFixtures.storedPlan(after)).isEmpty)
        // Re-planning an unchanged database changes nothing.
        let again = try sandbox.ok(["assign", "--yes", "--format", "json"]).object()
        #expect((again["changes"] as? [Any])?.isEmpty == true)
    }

    @Test func explanationsNameTheRuleWithNamesAndLocalTimes() throws {
        let sandbox = try Self.planned()
        // A busy time from Lead Een's own calendar on 2027-01-19, and Lead Twee knows a participant of `dinsdag`.
        let sessions = try sandbox.ok(["session", "list", "--group", "dinsdag", "--format", "json"]).array()
        let busySession = try #require(sessions.first { ($0["start"] as? String)?.hasPrefix("2027-01-19") == true })
        try sandbox.insertBusy(facilitator: "Lead Een", from: "2027-01-19T17:00:00Z", to: "2027-01-19T21:00:00Z")
        try sandbox.ok(["facilitator", "exclude", "Lead Twee", "--participant", "Stille Eik"])

        let problem = try sandbox.assignmentProblem(group: "dinsdag")
        let run = try sandbox.ok(["assign", "--yes", "--group", "dinsdag", "--format", "json"])
        let plan = try Self.plan(run)
        #expect(PlanChecker.introducedViolations(problem, plan).isEmpty)
        try Self.expectEveryExplanationConfirmed(problem, plan, problem.facilitators.count)
        let unfilled = try #require(try run.object()["unfilled"] as? [[String: Any]])
        let lead = try #require(unfilled.first { ($0["sessionId"] as? Int) == busySession["id"] as? Int })
        let text = try #require(lead["text"] as? String)
        #expect(text.hasPrefix("no Dutch-speaking lead free on 2027-01-19 19:00"))
        #expect(text.contains("Lead Een busy (imported calendar)"))
        #expect(text.contains("Lead Twee excluded from this group"))
        #expect(!text.contains("Stille Eik"), "the reason must not reveal whom the facilitator knows")
        // Only `dinsdag` was planned: the other groups have no assignments.
        let stored = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
        #expect(Set(stored.compactMap { $0["group"] as? String }) == ["dinsdag"])

        let explained = try sandbox.ok(["assign", "--group", "dinsdag", "--dry-run", "--explain"]).stdout
        #expect(explained.contains("why each choice beat the runner-up:"))
        #expect(explained.contains("dry run, nothing stored"))
    }

    @Test func pinnedAndPastAssignmentsSurviveAReplan() throws {
        let sandbox = try Self.planned()
        try sandbox.ok(["assign", "--yes"])
        let sessions = try sandbox.ok(["session", "list", "--group", "donderdag", "--format", "json"]).array()
        let last = String(try #require(sessions.last?["id"] as? Int))
        // Pin Co Vier as the only co-facilitator of the last Thursday (replacing whoever the plan chose).
        for row in try sandbox.ok(["assignment", "list", "--group", "donderdag", "--format", "json"]).array()
        where String(row["sessionId"] as! Int) == last && row["lead"] as? Bool == false {
            try sandbox.ok(["assignment", "remove", last, "--facilitator", String(row["facilitatorId"] as! Int)])
        }
        try sandbox.ok(["assignment", "set", last, "--facilitator", "Co Vier", "--pin"])

        // A month later the January sessions are history; then Co Vier becomes unavailable for good.
        sandbox.now = "2027-02-01T09:00:00Z"
        let before = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
        let cutoff = "2027-02-01"
        let history = before.filter { ($0["start"] as! String) < cutoff }
        #expect(!history.isEmpty)
        try sandbox.ok(["facilitator", "blockout", "Co Vier", "--from", "2026-12-01", "--to", "2027-11-30"])

        let problem = try sandbox.assignmentProblem()
        let run = try sandbox.ok(["assign", "--yes", "--format", "json"])
        let plan = try Self.plan(run)
        #expect(PlanChecker.introducedViolations(problem, plan).isEmpty)
        let after = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
        func key(_ row: [String: Any]) -> String {
            "\(row["sessionId"]!)-\(row["facilitatorId"]!)-\(row["lead"]!)-\(row["pinned"]!)"
        }
        #expect(Set(history.map(key)).isSubset(of: Set(after.map(key))))
        #expect(after.filter { ($0["start"] as! String) < cutoff }.count == history.count)
        let coVier = after.filter { $0["facilitator"] as? String == "Co Vier" && ($0["start"] as! String) >= cutoff }
        #expect(coVier.count == 1)
        #expect(coVier.first?["pinned"] as? Bool == true)
        #expect(String(coVier.first?["sessionId"] as? Int ?? 0) == last)
        // The pinned assignment now breaks the blockout: reported, not silently kept.
        let issues = try #require(try run.object()["preexistingIssues"] as? [String])
        #expect(issues.contains { $0.contains("Co Vier blocked out") })
    }

    @Test func declineChangesOnlyTheDeclinedSlot() throws {
        let sandbox = try Self.planned()
        try sandbox.ok(["assign", "--yes"])
        let before = try sandbox.ok(["assignment", "list", "--group", "donderdag", "--format", "json"]).array()
        let victim = try #require(before.first { $0["lead"] as? Bool == false })
        let session = String(victim["sessionId"] as! Int)
        let who = victim["facilitator"] as! String
        let all = try sandbox.ok(["assignment", "list", "--format", "json"]).array()

        let problem = try sandbox.assignmentProblem()
        let run = try sandbox.ok(["facilitator", "decline", "--yes", who, "--session", session, "--format", "json"])
        let plan = try Self.plan(run)
        #expect(PlanChecker.introducedViolations(problem, plan).isEmpty)
        let changes = plan.changes(comparedTo: problem)
        #expect(changes.count == 2)
        #expect(
            changes.contains(
                .init(kind: .removed, sessionId: Int64(session)!, facilitatorId: Int64(victim["facilitatorId"] as! Int))
            ))
        #expect(changes.allSatisfy { String($0.sessionId) == session })

        let after = try sandbox.ok(["assignment", "list", "--format", "json"]).array()
        func key(_ row: [String: Any]) -> String { "\(row["sessionId"]!)-\(row["facilitatorId"]!)-\(row["lead"]!)" }
        let removed = Set(all.map(key)).subtracting(after.map(key))
        let added = Set(after.map(key)).subtracting(all.map(key))
        #expect(removed.count == 1)
        #expect(added.count == 1)
        #expect(added.allSatisfy { $0.hasPrefix(session + "-") })

        // The decline is remembered: a full re-plan never gives the session back to them.
        try sandbox.ok(["assign", "--yes"])
        let replanned = try sandbox.ok(["assignment", "list", "--facilitator", who, "--format", "json"]).array()
        #expect(!replanned.contains { String($0["sessionId"] as! Int) == session })
    }

    /// `kring assign` says per session who left and who came, not only "N added, M removed".
    @Test func assignNamesWhoLeftAndWhoCamePerSession() throws {
        let sandbox = try Self.planned()
        let planned = try sandbox.ok(["assign", "--dry-run", "--format", "json"]).object()
        let changes = try #require(planned["changes"] as? [[String: Any]])
        #expect(!changes.isEmpty)
        let table = try sandbox.ok(["assign", "--yes"]).stdout
        let lines = table.split(separator: "\n").map(String.init)
        for (session, rows) in Dictionary(grouping: changes, by: { $0["sessionId"] as! Int }) {
            let line = try #require(lines.first { $0.hasPrefix("  - session \(session) (") }, "no line for \(session)")
            for row in rows where row["kind"] as? String == "added" {
                #expect(line.contains(row["facilitator"] as! String), "\(line)")
            }
            #expect(line.contains("came: "))
        }
    }

    // MARK: Coordinator's hand

    @Test func setRefusesNamingTheHardRuleAndLeavesTheDatabaseAlone() throws {
        let sandbox = try Self.planned()
        let sessions = try sandbox.ok(["session", "list", "--group", "dinsdag", "--format", "json"]).array()
        let first = String(sessions[0]["id"] as! Int)
        let second = String(sessions[1]["id"] as! Int)
        let before = try sandbox.dump()
        let refusals: [([String], [String])] = [
            (["assignment", "set", first, "--facilitator", "Chef Cinq"], ["Chef Cinq", "'language'"]),
            (["assignment", "set", first, "--facilitator", "Co Drie", "--lead"], ["Co Drie", "'lead'"]),
        ]
        for (arguments, mentions) in refusals {
            let result = try sandbox.run(arguments)
            #expect(result.status == 67, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            for mention in mentions { #expect(result.stderr.contains(mention), "\(result.stderr)") }
            #expect(try sandbox.dump() == before)
        }

        // Lead Een at the first Tuesday, pinned as lead; then Co Drie joins; the session is then full.
        let set = try sandbox.ok([
            "assignment", "set", first, "--facilitator", "Lead Een", "--lead", "--pin", "--format", "json",
        ]).object()
        #expect(set["hasLead"] as? Bool == true)
        try sandbox.ok(["assignment", "set", first, "--facilitator", "Co Drie"])
        let full = try sandbox.run(["assignment", "set", first, "--facilitator", "Co Vier"])
        #expect(full.status == 67)
        #expect(full.stderr.contains("already has its 2 facilitators"))

        // Over the monthly maximum: one Monday in January for Chef Cinq, then no more.
        try sandbox.ok(["facilitator", "update", "Chef Cinq", "--max-per-month", "1"])
        let lundi = try sandbox.ok(["session", "list", "--group", "lundi", "--format", "json"]).array()
        try sandbox.ok(["assignment", "set", String(lundi[0]["id"] as! Int), "--facilitator", "Chef Cinq", "--lead"])
        let overMonth = try sandbox.run([
            "assignment", "set", String(lundi[1]["id"] as! Int), "--facilitator", "Chef Cinq",
        ])
        #expect(overMonth.status == 67)
        #expect(overMonth.stderr.contains("'monthly maximum'"), "\(overMonth.stderr)")

        // The travel buffer: an online evening group at 21:15 overlaps nobody, but Lead Een's Tuesday ends at 21:00.
        try sandbox.ok([
            "group", "create", "--name", "laat", "--audience", "partners", "--language", "nl", "--capacity", "8",
            "--online", "https://meet.example.org/laat",
        ])
        try sandbox.ok([
            "series", "add", "--group", "laat", "--start", "2027-01-05T21:15", "--duration", "30", "--rrule",
            "FREQ=WEEKLY;COUNT=1",
        ])
        let late = try sandbox.ok(["session", "list", "--group", "laat", "--format", "json"]).array()
        let clash = try sandbox.run(["assignment", "set", String(late[0]["id"] as! Int), "--facilitator", "Lead Een"])
        #expect(clash.status == 67)
        #expect(clash.stderr.contains("'no overlapping sessions'"), "\(clash.stderr)")
        try sandbox.ok(["assignment", "settings", "--travel-buffer", "10"])
        try sandbox.ok(["assignment", "set", String(late[0]["id"] as! Int), "--facilitator", "Lead Een"])

        // The pinned lead survives `assign`; remove frees the slot.
        try sandbox.ok(["assign", "--yes", "--group", "dinsdag"])
        let rows = try sandbox.ok(["assignment", "list", "--group", "dinsdag", "--format", "json"]).array()
        #expect(
            rows.contains {
                String($0["sessionId"] as! Int) == first && $0["facilitator"] as? String == "Lead Een"
                    && $0["pinned"] as? Bool == true && $0["lead"] as? Bool == true
            })
        try sandbox.ok([
            "assignment", "remove", second, "--facilitator",
            try #require(rows.first { String($0["sessionId"] as! Int) == second }?["facilitator"] as? String),
        ])
        let freed = try sandbox.ok(["assignment", "list", "--group", "dinsdag", "--format", "json"]).array()
        #expect(freed.count == rows.count - 1)
    }

    @Test func rosterShowsTheAssignedFacilitators() throws {
        let sandbox = try Self.planned()
        try sandbox.ok(["assign", "--yes"])
        let roster = try sandbox.ok(["roster", "--group", "dinsdag", "--format", "json"]).object()
        let staffing = try #require(roster["staffing"] as? [[String: Any]])
        #expect(staffing.count == 4)
        #expect(staffing.allSatisfy { ($0["facilitators"] as? [Any])?.count == 2 })
        let table = try sandbox.ok(["roster", "--group", "dinsdag"]).stdout
        #expect(table.contains("facilitators of the next sessions:"))
        #expect(table.contains("(lead)"))
    }

    @Test func availabilityBlockoutExclusionAndLimitsRoundTrip() throws {
        let sandbox = try Self.planned()
        var view = try sandbox.ok([
            "facilitator", "availability", "Co Drie", "--weekly", "tu 18:00-22:00", "--weekly", "WE 09:00-13:00",
            "--format", "json",
        ]).object()
        #expect(view["weekly"] as? [String] == ["tu 18:00-22:00", "we 09:00-13:00"])
        view = try sandbox.ok([
            "facilitator", "blockout", "Co Drie", "--from", "2027-02-15", "--to", "2027-02-19", "--format", "json",
        ]).object()
        #expect((view["blockouts"] as? [[String: String]])?.first == ["from": "2027-02-15", "to": "2027-02-19"])
        view = try sandbox.ok([
            "facilitator", "update", "Co Drie", "--max-per-week", "1", "--max-per-month", "none", "--prefer-days",
            "tu", "--prefer-groups", "dinsdag", "--format", "json",
        ]).object()
        #expect(view["maxPerWeek"] as? Int == 1)
        #expect(view["maxPerMonth"] == nil)
        #expect(view["preferredGroups"] as? [String] == ["dinsdag"])
        view = try sandbox.ok(["facilitator", "exclude", "Co Drie", "--group", "donderdag", "--format", "json"])
            .object()
        #expect(view["excludedGroups"] as? [String] == ["donderdag"])

        let problem = try sandbox.assignmentProblem()
        let coDrie = try #require(problem.facilitators.first { $0.displayName == "Co Drie" })
        #expect(coDrie.windows.count == 2)
        #expect(coDrie.blockouts.count == 1)
        #expect(coDrie.maxPerWeek == 1 && coDrie.maxPerMonth == nil)
        #expect(coDrie.excludedGroups.count == 1)
        #expect(coDrie.preferredWeekdays == [.tuesday])

        try sandbox.ok(["facilitator", "blockout", "Co Drie", "--from", "2027-02-15", "--to", "2027-02-19", "--remove"])
        view = try sandbox.ok(["facilitator", "availability", "Co Drie", "--any-time", "--format", "json"]).object()
        #expect((view["weekly"] as? [String])?.isEmpty == true)
        #expect((view["blockouts"] as? [Any])?.isEmpty == true)
        #expect(try sandbox.ok(["facilitator", "availability", "Co Drie"]).stdout.contains("weekly: any time"))
    }

    // MARK: The demo

    @Test func demoStaffsItsScenarioWithEverySlotFilledOrExplained() throws {
        let sandbox = try KringSandbox()
        let path = sandbox.folder.appendingPathComponent("demo/kring.sqlite").path
        let demo = try sandbox.ok(["demo", "--db", path, "--format", "json"]).object()
        let assignment = try #require(demo["assignment"] as? [String: Any])
        let slots = try #require(assignment["slots"] as? Int)
        let filled = try #require(assignment["filledSlots"] as? Int)
        let unfilled = try #require(assignment["unfilled"] as? [[String: Any]])
        #expect(slots > 60)
        #expect(slots - filled == unfilled.count)
        for slot in unfilled {
            #expect((slot["reasons"] as? [Any])?.isEmpty == false)
            #expect((slot["text"] as? String)?.contains(": ") == true)
        }
        let plan = try JSONDecoder().decode(
            AssignmentPlan.self, from: JSONSerialization.data(withJSONObject: try #require(assignment["plan"])))
        // Checked against the problem as it stands after the demo: every stored assignment keeps every hard rule.
        sandbox.now = "2026-12-01T09:00:00Z"
        let problem = try sandbox.assignmentProblem(database: path)
        #expect(PlanChecker.introducedViolations(problem, PlanFixtures.storedPlan(problem)).isEmpty)
        try Self.expectEveryExplanationConfirmed(problem, plan, problem.facilitators.count)
        let table = try sandbox.ok(["demo", "--db", sandbox.folder.appendingPathComponent("demo2/kring.sqlite").path])
            .stdout
        #expect(table.contains("Facilitator plan (kring assign)"))
    }

    // MARK: Helpers

    static func plan(_ run: KringRun) throws -> AssignmentPlan {
        struct Output: Decodable { let plan: AssignmentPlan }
        return try JSONDecoder().decode(Output.self, from: Data(run.stdout.utf8)).plan
    }

    /// Every unfilled slot gives every facilitator a reason, and the checker confirms each named rule.
    static func expectEveryExplanationConfirmed(
        _ problem: AssignmentProblem, _ plan: AssignmentPlan, _ facilitators: Int
    ) throws {
        for slot in plan.unfilled {
            #expect(slot.blocks.count == facilitators)
            for block in slot.blocks {
                let rule = try #require(block.rule, "session \(slot.sessionId): no rule for \(block.facilitatorId)")
                #expect(
                    PlanChecker.confirms(
                        problem, plan, sessionId: slot.sessionId, facilitatorId: block.facilitatorId, rule: rule),
                    "session \(slot.sessionId) facilitator \(block.facilitatorId): \(rule) not confirmed")
            }
        }
    }
}

extension KringSandbox {
    /// The problem `kring assign` builds, read through the application layer with this sandbox's clock.
    func assignmentProblem(database: String? = nil, group: String? = nil) throws -> AssignmentProblem {
        let configuration = try KringConfiguration.resolve(
            databaseFlag: database ?? databasePath, environment: environment)
        return try Kring.open(configuration: configuration).assignmentProblem(group: group)
    }

    /// What the calendar import will do: a busy time straight into `facilitator_busy`.
    func insertBusy(facilitator name: String, from: String, to: String) throws {
        let queue = try DatabaseQueue(path: databasePath)
        let formatter = ISO8601DateFormatter()
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO facilitator_busy (facilitator_id, starts_at, ends_at)
                    SELECT id, ?, ? FROM facilitator WHERE display_name = ?
                    """,
                arguments: [
                    Int64(formatter.date(from: from)!.timeIntervalSince1970),
                    Int64(formatter.date(from: to)!.timeIntervalSince1970), name,
                ])
        }
    }
}
