import Foundation
import KringApp
import Testing

/// 200 enrolment requests at once into groups of capacity 10: exactly 10 seats each, the rest queued in order.
@Suite(.timeLimit(.minutes(10))) struct ConcurrentEnrolmentAPITests {
    @Test func twoHundredConcurrentEnrolmentsFillExactlyTheSeats() async throws {
        let harness = try ServerHarness()
        let groups = ["eerste", "tweede", "derde", "vierde"]
        for name in groups {
            _ = try harness.kring.createGroup(
                GroupChanges(name: name, audience: "parents", language: "nl", capacity: 10, venue: "Gent"))
            _ = try harness.kring.openGroup(name)
        }
        try await harness.start()
        let token = try harness.token(.coordinator)
        let replies = try await withThrowingTaskGroup(of: (String, Reply).self) { taskGroup in
            for index in 0..<200 {
                let group = groups[index % groups.count]
                taskGroup.addTask {
                    let reply = try await harness.request(
                        "POST", "/api/enrolments", token: token,
                        json: ["group": group, "pseudonym": "Deelnemer \(index)", "relation": "parent"])
                    return (group, reply)
                }
            }
            var all: [(String, Reply)] = []
            for try await reply in taskGroup { all.append(reply) }
            return all
        }
        #expect(replies.count == 200)
        #expect(
            replies.allSatisfy { $0.1.status == 201 },
            "\(replies.filter { $0.1.status != 201 }.map(\.1.text).prefix(3))")
        for name in groups {
            let views = try replies.filter { $0.0 == name }.map { try $0.1.object() }
            let enrolled = views.filter { $0["state"] as? String == "enrolled" }
            let waiting = views.filter { $0["state"] as? String == "waitlisted" }
            #expect(enrolled.count == 10)
            #expect(waiting.count == 40)
            let positions = waiting.compactMap { $0["waitlistPosition"] as? Int }.sorted()
            #expect(positions == Array(1...40))
            let roster = try harness.kring.roster(group: name, session: nil)
            #expect(roster.enrolled.count == 10)
            #expect(Set(roster.enrolled.map(\.pseudonym)).count == 10)
            // The roster's queue is the order the service answered: position n went to the n-th waiting request.
            let answered = Dictionary(
                uniqueKeysWithValues: waiting.map {
                    ($0["pseudonym"] as! String, $0["waitlistPosition"] as! Int)
                })
            #expect(roster.waitlist.map(\.position) == Array(1...40))
            #expect(roster.waitlist.allSatisfy { answered[$0.pseudonym] == $0.position })
        }
        await harness.stop()
        harness.expectCleanLogs(secrets: [token, "Deelnemer"])
    }
}
