import Foundation
import KringApp
import KringDomain
import KringServer
import Testing

/// Each role sees what it needs and no more (security review 2026-11, F13-F15): a participant gets neither the
/// internal name, the audience nor exact counts of their group, and no venue or link while on the waitlist; a
/// facilitator cannot tell a former member from someone who never was one.
@Suite(.timeLimit(.minutes(10))) struct RoleViewTests {
    @Test func aParticipantSeesNoInternalNameAudienceOrCounts() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        try await harness.start()
        let participant = try harness.token(.participant, "Stille Eik")
        let listed = try await harness.request("GET", "/api/groups", token: participant)
        #expect(listed.status == 200)
        let groups = try listed.array()
        #expect(groups.count == 1)
        let shown = try await harness.request("GET", "/api/groups/\(world.groupA.id)", token: participant)
        #expect(shown.status == 200)
        for group in groups + [try shown.object()] {
            for hidden in ["name", "audience", "enrolled", "waitlisted"] {
                #expect(group[hidden] == nil, "a participant sees \(hidden): \(group)")
            }
            #expect(group["seatsFree"] as? Bool == true)
            #expect(group["venue"] as? String == "Gent", "an enrolled participant keeps the place")
        }
        #expect(!listed.text.contains("avond-a") && !listed.text.contains("partners"))
        // Coordinators and facilitators keep every field.
        let coordinator = try await harness.request("GET", "/api/groups", token: try harness.token(.coordinator))
        let full = try #require(try coordinator.array().first { $0["id"] as? Int == Int(world.groupA.id) })
        #expect(full["name"] as? String == "avond-a" && full["enrolled"] as? Int == 2 && full["seatsFree"] == nil)
        let facilitator = try await harness.request(
            "GET", "/api/groups", token: try harness.token(.facilitator, "An Claes"))
        #expect(try facilitator.array().first?["name"] as? String == "avond-a")
        await harness.stop()
    }

    /// Their session list names the group by the title their calendar shows, never by the internal name.
    @Test func aParticipantsSessionListShowsThePublicTitleNotTheInternalName() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        try await harness.start()
        let participant = try harness.token(.participant, "Stille Eik")
        let sessions = try await harness.request("GET", "/api/sessions", token: participant)
        #expect(sessions.status == 200)
        let listed = try sessions.array()
        #expect(!listed.isEmpty)
        #expect(!sessions.text.contains("avond-a"), "\(sessions.text)")
        #expect(listed.allSatisfy { ($0["group"] as? String)?.isEmpty == false })
        let coordinator = try await harness.request("GET", "/api/sessions", token: try harness.token(.coordinator))
        #expect(coordinator.text.contains("avond-a"))
        await harness.stop()
    }

    @Test func aParticipantOnTheWaitlistGetsNeitherTheVenueNorTheLink() async throws {
        let harness = try ServerHarness()
        _ = try harness.seedWorld()
        let link = "https://meet.example.org/kring-avond-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try harness.kring.createGroup(
            GroupChanges(name: "online-klein", audience: "partners", language: "nl", capacity: 1, online: link))
        _ = try harness.kring.addSeries(
            SeriesRequest(
                group: "online-klein", start: "2027-01-13T19:00", durationMinutes: 90, rrule: "FREQ=WEEKLY;COUNT=3"))
        _ = try harness.kring.openGroup("online-klein")
        _ = try harness.kring.enrol(
            EnrolmentRequest(group: "online-klein", pseudonym: "Vroege Vink", relation: "partner"))
        let waiting = try harness.kring.enrol(
            EnrolmentRequest(group: "online-klein", pseudonym: "Wachtende Uil", relation: "partner"))
        #expect(waiting.state == .waitlisted)
        try await harness.start()
        let seated = try harness.token(.participant, "Vroege Vink")
        let waiter = try harness.token(.participant, "Wachtende Uil")

        let seatedView = try await harness.request("GET", "/api/groups", token: seated).array()
        #expect(seatedView.first?["online"] as? String == link)
        let waiterView = try await harness.request("GET", "/api/groups", token: waiter)
        #expect(try waiterView.array().count == 1)
        #expect(!waiterView.text.contains(link) && !waiterView.text.contains("meet.example.org"))
        #expect(try waiterView.array().first?["seatsFree"] as? Bool == false)

        let seatedFeed = try await harness.request("GET", "/feeds/\(seated).ics")
        #expect(seatedFeed.text.contains("meet.example.org"))
        let waiterFeed = try await harness.request("GET", "/feeds/\(waiter).ics")
        #expect(waiterFeed.status == 200 && waiterFeed.text.contains("BEGIN:VEVENT"), "the waiter still sees when")
        #expect(!waiterFeed.text.contains("meet.example.org"))
        #expect(!waiterFeed.text.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("LOCATION") })
        await harness.stop()
    }

    @Test func aFacilitatorCannotTellAFormerMemberFromAStranger() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        // Blauwe Reiger leaves group A; Rode Vos was only ever in group B.
        let former = world.pseudonymsA[1]
        let formerId = try harness.kring.withdraw(former, group: nil, erase: false).changed[0].participantId
        try await harness.start()
        let facilitator = try harness.token(.facilitator, "An Claes")
        func mark(_ participant: Int64) async throws -> Reply {
            try await harness.request(
                "POST", "/api/attendance", token: facilitator,
                json: ["session": "\(world.sessionA.id)", "participant": "\(participant)", "status": "present"])
        }
        let withdrawn = try await mark(formerId)
        let stranger = try await mark(world.participantB.participantId)
        #expect(withdrawn.status == 404, "\(withdrawn.text)")
        #expect(stranger.status == 404, "\(stranger.text)")
        let (a, b) = (
            try withdrawn.object()["error"] as? [String: Any], try stranger.object()["error"] as? [String: Any]
        )
        #expect(a?["kind"] as? String == b?["kind"] as? String)
        #expect(a?["field"] as? String == b?["field"] as? String)
        #expect(a?["reason"] as? String == b?["reason"] as? String)
        await harness.stop()
    }
}
