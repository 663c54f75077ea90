import Foundation
import KringApp
import KringDomain
import Testing

/// Seats, the waitlist and withdrawal, in process: the same operations the CLI and the service call.
@Suite struct EnrolmentRulesTests {
    @Test func seatsFillFirstThenTheWaitlistQueuesInOrder() throws {
        let app = try AppHarness()
        try app.openGroup("avond", capacity: 2)
        let states = try ["Stille Eik", "Blauwe Reiger", "Rode Vos", "Groene Specht"].map {
            try app.enrol($0, in: "avond")
        }
        #expect(states.map(\.state) == [.enrolled, .enrolled, .waitlisted, .waitlisted])
        #expect(states.map(\.waitlistPosition) == [nil, nil, 1, 2])
    }

    @Test func aWithdrawalPromotesTheHeadOfTheWaitlistAndOnlyThem() throws {
        let app = try AppHarness()
        try app.openGroup("avond", capacity: 1)
        try app.enrol("Stille Eik", in: "avond")
        let head = try app.enrol("Blauwe Reiger", in: "avond")
        try app.enrol("Rode Vos", in: "avond")
        let change = try app.kring.withdraw("Stille Eik", group: "avond", erase: false)
        #expect(change.promoted.map(\.participantId) == [head.participantId])
        let roster = try app.kring.roster(group: "avond", session: nil)
        #expect(roster.enrolled.map(\.pseudonym) == ["Blauwe Reiger"])
        #expect(roster.waitlist.map(\.pseudonym) == ["Rode Vos"])
    }

    @Test func aRefusedEnrolmentChangesNothing() throws {
        let app = try AppHarness()
        try app.openGroup("avond")
        try app.enrol("Stille Eik", in: "avond")
        let before = try app.dump()
        #expect(throws: KringError.self) { try app.enrol("Stille Eik", in: "avond") }
        #expect(throws: KringError.self) {
            try app.kring.enrol(EnrolmentRequest(group: "avond", pseudonym: "Nieuwe Naam", relation: "buurman"))
        }
        #expect(try app.dump() == before)
    }

    @Test func keepApartRefusesTheSecondIntoTheSameGroup() throws {
        let app = try AppHarness()
        try app.openGroup("avond")
        try app.openGroup("middag")
        try app.enrol("Stille Eik", in: "avond")
        try app.enrol("Blauwe Reiger", in: "middag")
        _ = try app.kring.keepApart("Stille Eik", "Blauwe Reiger")
        let refusal = #expect(throws: KringError.self) {
            try app.kring.enrol(EnrolmentRequest(group: "avond", existingParticipant: "Blauwe Reiger"))
        }
        #expect(refusal?.kind == .conflict)
    }
}

/// `x;y@example.org` used to be accepted at enrolment and then made every invite export fail.
@Suite struct ContactEnrolmentTests {
    @Test func anAddressThatCannotBecomeAMailtoIsRefusedAndNothingIsStored() throws {
        let app = try AppHarness()
        try app.openGroup("avond")
        let before = try app.dump()
        let refusal = #expect(throws: KringError.self) {
            try app.kring.enrol(
                EnrolmentRequest(
                    group: "avond", pseudonym: "Stille Eik", relation: "partner", contact: "x;y@example.org"))
        }
        #expect(refusal?.field == "contact")
        #expect(refusal?.value == "x;y@example.org")
        #expect(refusal?.reason.contains("';'") == true)
        #expect(try app.dump() == before)
    }
}
