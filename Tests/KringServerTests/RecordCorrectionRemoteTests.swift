import Foundation
import KringApp
import KringDomain
import KringSecrets
import KringTestSupport
import Testing

/// Issue 14 over a real `kring serve`: correcting records from another machine, with the role checks of
/// `ScopedKring`, and `--server` accepted before or after the subcommand.
@Suite(.timeLimit(.minutes(10))) struct RecordCorrectionRemoteTests {
    @Test func recordsAreShownAndCorrectedRemotelyWithTheServerOptionAnywhere() async throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        let coordinator = try harness.token(.coordinator)
        let facilitator = try harness.token(.facilitator, "An Claes")
        let participant = try harness.token(.participant, "Blauwe Reiger")
        let server = [
            "KRING_DB": harness.configuration.databasePath, "KRING_KEY_FILE": harness.configuration.keyFile.path,
            "KRING_NOW": ServerHarness.now, "KRING_LOG_LEVEL": "trace",
        ]
        let serve = try RemoteCLITests.serve(environment: server)
        defer { if serve.process.isRunning { serve.process.terminate() } }
        func kring(_ arguments: [String], token: String) throws -> (Int32, String, String) {
            try RemoteCLITests.kring(arguments, environment: ["KRING_TOKEN": token, "KRING_NOW": ServerHarness.now])
        }

        // Item 5: the same answer with --server before and after the subcommand.
        let before = try kring(["--server", serve.url, "group", "list"], token: coordinator)
        let after = try kring(["group", "list", "--server", serve.url], token: coordinator)
        #expect(before.0 == 0, "\(before.2)")
        #expect(before.1 == after.1)
        #expect(before.1.contains("avond-a"))

        // A participant enrolled without an address gets one, from the coordinator's machine.
        let updated = try kring(
            ["--server", serve.url, "participant", "update", "Blauwe Reiger", "--contact", "reiger@example.org"],
            token: coordinator)
        #expect(updated.0 == 0, "\(updated.2)")
        #expect(updated.1.contains("contact: on file (sealed)"))
        let revealed = try kring(
            ["participant", "show", "Blauwe Reiger", "--reveal-contact", "--server", serve.url], token: coordinator)
        #expect(revealed.1.contains("contact: reiger@example.org"), "\(revealed.2)")
        // Only a coordinator opens the address; a participant sees themself without it, a facilitator nobody.
        let own = try kring(["participant", "show", "Blauwe Reiger", "--server", serve.url], token: participant)
        #expect(own.0 == 0, "\(own.2)")
        #expect(own.1.contains("contact: on file (sealed)"))
        let ownReveal = try kring(
            ["participant", "show", "Blauwe Reiger", "--reveal-contact", "--server", serve.url], token: participant)
        #expect(ownReveal.0 == 77)
        let other = try kring(["participant", "show", "Stille Eik", "--server", serve.url], token: participant)
        #expect(other.0 == 66)
        let byFacilitator = try kring(["participant", "show", "Stille Eik", "--server", serve.url], token: facilitator)
        #expect(byFacilitator.0 == 77)
        let notAllowed = try kring(
            ["participant", "update", "Blauwe Reiger", "--language", "fr", "--server", serve.url], token: participant)
        #expect(notAllowed.0 == 77)
        let bad = try kring(
            ["participant", "update", "Blauwe Reiger", "--relation", "cousin", "--server", serve.url],
            token: coordinator)
        #expect(bad.0 == 65)
        #expect(bad.2.contains("relation 'cousin'"))

        // A facilitator's details, then their retirement, remotely; a facilitator cannot retire anyone.
        let changed = try kring(
            ["facilitator", "update", "Bart Peeters", "--languages", "nl,fr", "--no-lead", "--server", serve.url],
            token: coordinator)
        #expect(changed.1.contains("languages: nl,fr"), "\(changed.2)")
        #expect(changed.1.contains("session \(world.sessionB.id) (avond-b"))
        let refused = try kring(
            ["facilitator", "retire", "Bart Peeters", "--yes", "--server", serve.url], token: facilitator)
        #expect(refused.0 == 77)
        let retired = try kring(
            ["--server", serve.url, "facilitator", "retire", "Bart Peeters", "--yes", "--format", "json"],
            token: coordinator)
        #expect(retired.0 == 0, "\(retired.2)")
        let view = try #require(try JSONSerialization.jsonObject(with: Data(retired.1.utf8)) as? [String: Any])
        let removed = try #require(view["removedAssignments"] as? [[String: Any]])
        #expect(removed.map { $0["sessionId"] as? Int } == [Int(world.sessionB.id)])

        // Series and one session's place, remotely; coordinators only.
        let series = try kring(["--server", serve.url, "series", "list", "--format", "json"], token: coordinator)
        #expect(series.0 == 0, "\(series.2)")
        #expect(series.1.contains("\"upcoming\" : 4"))
        let hiddenSeries = try kring(["series", "list", "--server", serve.url], token: facilitator)
        #expect(hiddenSeries.0 == 77)
        let moved = try kring(["series", "update", "1", "--time", "19:30", "--server", serve.url], token: coordinator)
        #expect(moved.0 == 0, "\(moved.2)")
        #expect(moved.1.contains("4 session(s) changed"))
        let placed = try kring(
            ["session", "update", "\(world.sessionA.id)", "--venue", "Zaal 2", "--server", serve.url],
            token: coordinator)
        #expect(placed.1.contains("meets at: Zaal 2"), "\(placed.2)")
        let seriesRemoved = try kring(["series", "remove", "2", "--yes", "--server", serve.url], token: coordinator)
        #expect(seriesRemoved.1.contains("0 still to come"), "\(seriesRemoved.2)")

        serve.process.terminate()
        serve.process.waitUntilExit()
        let logs = String(decoding: serve.log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        for secret in ["reiger@example.org", "Blauwe Reiger", "Bart Peeters", coordinator, participant] {
            #expect(!logs.contains(secret), "serve log contains \(secret)")
        }
    }

    /// A session's own place is shown as the group's is: to a participant with a seat, never to one still waiting.
    @Test func aSessionsOwnPlaceIsHiddenFromAParticipantStillWaiting() throws {
        let harness = try ServerHarness()
        let world = try harness.seedWorld()
        _ = try harness.kring.updateSession(String(world.sessionA.id), SessionChanges(venue: "Zaal 2"))
        _ = try harness.kring.updateGroup("avond-a", GroupChanges(capacity: 2))
        let waiting = try harness.kring.enrol(
            EnrolmentRequest(group: "avond-a", pseudonym: "Witte Uil", relation: "friend"))
        #expect(waiting.state == .waitlisted)
        func sessionA(as id: Int64) throws -> SessionView? {
            try ScopedKring(kring: harness.kring, caller: .participant(id))
                .listSessions(group: nil, from: nil, to: nil).first { $0.id == world.sessionA.id }
        }
        #expect(try sessionA(as: world.participantA.participantId)?.venue == "Zaal 2")
        let hidden = try #require(try sessionA(as: waiting.participantId))
        #expect(hidden.venue == nil && hidden.online == nil)
        let detail = try ScopedKring(kring: harness.kring, caller: .participant(waiting.participantId))
            .showParticipant(String(waiting.participantId), revealContact: false)
        #expect(detail.places.allSatisfy { $0.venue == nil && $0.online == nil })
    }
}
