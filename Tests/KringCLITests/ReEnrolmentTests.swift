import Foundation
import KringTestSupport
import Testing

/// Issue 12, "a way back": a participant who withdrew and is enrolled into the same group again is the same person
/// with the same record, gets a seat if one is free (the waitlist otherwise), and keep-apart still binds.
@Suite(.timeLimit(.minutes(10))) struct ReEnrolmentTests {
    static func sandbox(capacity: Int) throws -> KringSandbox {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "avond", "--audience", "partners", "--language", "nl", "--capacity",
            String(capacity), "--venue", "Gent",
        ])
        try sandbox.ok([
            "series", "add", "--group", "avond", "--start", "2027-01-12T19:00", "--duration", "120", "--rrule",
            "FREQ=WEEKLY;COUNT=4",
        ])
        try sandbox.ok(["group", "open", "avond"])
        for name in ["Stille Eik", "Blauwe Reiger"] {
            try sandbox.ok(["participant", "enrol", "--group", "avond", "--pseudonym", name, "--relation", "partner"])
        }
        return sandbox
    }

    static func participantCount(_ sandbox: KringSandbox) throws -> Int {
        try sandbox.ok(["participant", "list", "--format", "json"]).array().count
    }

    @Test func typingTheNameAgainRestoresTheRecordAndTheFreeSeat() throws {
        let sandbox = try Self.sandbox(capacity: 2)
        try sandbox.ok(["participant", "withdraw", "Stille Eik", "--yes"])
        // A hurried coordinator types the pseudonym as it comes, without the relation.
        let back = try sandbox.ok(["participant", "enrol", "--group", "avond", "--pseudonym", "stílle EIK"])
        #expect(
            back.stdout.contains(
                "Stille Eik (participant 1): enrolled in avond (re-enrolled: their earlier record is restored, with "
                    + "a seat)"), "\(back.stdout)")
        #expect(try Self.participantCount(sandbox) == 2, "no new person was made")
        let json = try sandbox.ok(["participant", "list", "--group", "avond", "--format", "json"]).array()
        let her = try #require(json.first { $0["id"] as? Int == 1 })
        let enrolments = try #require(her["enrolments"] as? [[String: Any]])
        #expect(enrolments.map { $0["state"] as? String } == ["enrolled"])
        // Nothing about her may be changed by the way back: a different relation or a new contact is refused.
        try sandbox.ok(["participant", "withdraw", "Stille Eik", "--yes"])
        try sandbox.expectRefused(
            ["participant", "enrol", "--group", "avond", "--pseudonym", "Stille Eik", "--relation", "parent"],
            mentioning: ["relation 'parent'", "participant 1"])
        try sandbox.expectRefused(
            ["participant", "enrol", "--group", "avond", "--pseudonym", "Stille Eik", "--contact", "x@example.org"],
            mentioning: ["contact"])
    }

    @Test func withoutAFreeSeatTheyWaitAndKeepApartStillBinds() throws {
        let sandbox = try Self.sandbox(capacity: 1)
        // Stille Eik has the seat, Blauwe Reiger waits; she leaves and he is promoted.
        let left = try sandbox.ok(["participant", "withdraw", "Stille Eik", "--yes"])
        #expect(left.stdout.contains("promoted from the waitlist: Blauwe Reiger"))
        let back = try sandbox.ok([
            "participant", "enrol", "--group", "avond", "--participant", "stille eik", "--format", "json",
        ]).object()
        #expect(back["participantId"] as? Int == 1)
        #expect(back["state"] as? String == "waitlisted")
        #expect(back["restored"] as? Bool == true)
        let table = try sandbox.ok(["participant", "list", "--group", "avond"]).stdout
        #expect(table.contains("waitlisted"))
        try sandbox.ok(["participant", "withdraw", "Stille Eik", "--yes"])
        #expect(try Self.participantCount(sandbox) == 2)

        // Marked apart from the one now in the group: re-enrolment is refused, and nothing changes.
        try sandbox.ok(["participant", "keep-apart", "Stille Eik", "Blauwe Reiger"])
        try sandbox.expectRefused(
            ["participant", "enrol", "--group", "avond", "--pseudonym", "Stille Eik"],
            mentioning: ["keep-apart", "Blauwe Reiger"])
    }
}
