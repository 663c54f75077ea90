import Foundation
import KringTestSupport
import Testing

/// Capacity holds when many coordinators (or scripts) enrol at once against one database file.
@Suite(.timeLimit(.minutes(10))) struct ConcurrentEnrolmentTests {
    @Test func fiftyProcessesIntoEightSeats() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "druk", "--audience", "parents", "--language", "nl", "--capacity", "8",
        ])
        try sandbox.ok(["group", "open", "druk"])
        let processes = try (0..<50).map { index in
            try sandbox.start([
                "participant", "enrol", "--group", "druk", "--pseudonym", "Deelnemer \(index) Eik", "--relation",
                "parent", "--format", "json",
            ])
        }
        let runs = processes.map { $0.wait() }
        for run in runs { #expect(run.status == 0, "\(run.stderr)") }
        let views = try runs.map { try $0.object() }
        let enrolled = views.filter { $0["state"] as? String == "enrolled" }
        let waiting = views.filter { $0["state"] as? String == "waitlisted" }
        #expect(enrolled.count == 8)
        #expect(waiting.count == 42)
        let positions = waiting.compactMap { $0["waitlistPosition"] as? Int }
        #expect(Set(positions).count == 42)
        #expect(Set(positions) == Set(1...42))

        let roster = try sandbox.ok(["roster", "--group", "druk", "--format", "json"]).object()
        let seated = try #require(roster["enrolled"] as? [[String: Any]])
        let queue = try #require(roster["waitlist"] as? [[String: Any]])
        #expect(seated.count == 8)
        #expect(queue.count == 42)
        let everyone = (seated + queue).compactMap { $0["participantId"] as? Int }
        #expect(Set(everyone).count == 50)

        // The order each process was told is the order the waitlist keeps.
        let toldFirst = try #require(waiting.first { $0["waitlistPosition"] as? Int == 1 }?["pseudonym"] as? String)
        #expect(queue.first?["pseudonym"] as? String == toldFirst)

        let leaving = try #require(seated.first?["pseudonym"] as? String)
        let change = try sandbox.ok(["participant", "withdraw", "--yes", leaving, "--format", "json"]).object()
        let promoted = try #require(change["promoted"] as? [[String: Any]])
        #expect(promoted.map { $0["pseudonym"] as? String } == [toldFirst])
        let after = try sandbox.ok(["roster", "--group", "druk", "--format", "json"]).object()
        #expect((after["enrolled"] as? [Any])?.count == 8)
        #expect((after["waitlist"] as? [Any])?.count == 41)
    }
}
