import Foundation
import GRDB
import KringDomain
import KringStorage
import Testing

/// Storage failures leave `KringStorage` as one `KringError` per cause, naming the database file; and rows go in and
/// come back out through the storage records with the ids SQLite gave them.
@Suite struct StorageErrorTests {
    /// The `KringError` `body` throws; nil when it throws nothing (or something else, which fails the test too).
    static func failure(_ body: () throws -> Void) -> KringError? {
        do {
            try body()
            return nil
        } catch {
            return error as? KringError
        }
    }

    @Test func aWriteWhileAnotherConnectionHoldsTheWriteLockIsBusyAndNamesTheFile() throws {
        let path = try MigrationTests.temporaryPath()
        let store = try KringStore.open(path: path, create: true, busyTimeout: 0.2)
        let holder = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? holder.inTransaction(.immediate) { _ in
                locked.signal()
                release.wait()
                return .rollback
            }
            finished.signal()
        }
        locked.wait()
        let error = Self.failure {
            try store.write { (transaction) throws(KringError) in
                try transaction.setSetting("uid-domain", "example.org")
            }
        }
        release.signal()
        finished.wait()
        #expect(error?.kind == .environment)
        #expect(error?.field == "db")
        #expect(error?.value == KringError(.environment, field: "db", value: path, reason: "").value)
        #expect(error?.reason.hasPrefix("the database is busy") == true)
        // Once the other writer is gone, the same write goes through.
        try store.write { (transaction) throws(KringError) in try transaction.setSetting("uid-domain", "example.org") }
        #expect(
            try store.read { (transaction) throws(KringError) in try transaction.setting("uid-domain") }
                == "example.org")
    }

    @Test func aFileThatIsNoDatabaseIsReportedAsDamagedOrNotKring() throws {
        let path = try MigrationTests.temporaryPath()
        try Data(String(repeating: "not a database, just some notes\n", count: 200).utf8).write(
            to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let error = Self.failure { _ = try KringStore.open(path: path, create: false) }
        #expect(error?.kind == .environment)
        #expect(error?.field == "db")
        #expect(error?.value == KringError(.environment, field: "db", value: path, reason: "").value)
        #expect(error?.reason.contains("is not a Kring database") == true, "\(error?.reason ?? "")")
    }

    @Test func aRefusalInsideAWriteIsThrownAsItIsAndStoresNothing() throws {
        let store = try KringStore.open(path: try MigrationTests.temporaryPath(), create: true)
        let refusal = KringError.conflict("name", "Dinsdag", "another group already has this name")
        let error = Self.failure {
            try store.write { (transaction) throws(KringError) in
                _ = try transaction.insert(
                    NewSupportGroup(
                        internalName: "Dinsdag", audience: .partners, language: .nl, capacity: 8, minimumToStart: 4))
                throw refusal
            }
        }
        #expect(error == refusal)
        #expect(try store.read { (transaction) throws(KringError) in try transaction.allGroups() }.isEmpty)
    }

    @Test func insertedAndFetchedRowsCarryTheirIds() throws {
        let store = try KringStore.open(path: try MigrationTests.temporaryPath(), create: true)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let stored = try store.write { (transaction) throws(KringError) in
            let group = try transaction.insert(
                NewSupportGroup(
                    internalName: "Dinsdag", publicTitle: "Praatgroep", audience: .partners, language: .nl,
                    capacity: 8, minimumToStart: 4, onlineURL: "https://meet.example.org/dinsdag"))
            let participant = try transaction.insert(
                NewParticipant(pseudonym: "Stille Eik", relation: .otherFamily, language: .nl, createdAt: now))
            let series = try transaction.insert(
                NewSeries(
                    groupId: group.id, firstStart: try LocalDateTime.parse("2027-01-05T19:00", field: "start"),
                    durationMinutes: 90, rule: try RecurrenceRule.parse("FREQ=WEEKLY;COUNT=3"),
                    excludedDates: [try LocalDate.parse("2027-01-12", field: "exclude")], skipsHolidays: [.be],
                    calendarUID: "uid-1"))
            let session = try transaction.insert(
                NewSession(
                    seriesId: series.id, groupId: group.id, startsAt: now, endsAt: now.addingTimeInterval(5400),
                    occurrenceStart: now))
            let enrolment = try transaction.insert(
                NewEnrolment(
                    groupId: group.id, participantId: participant.id, state: .enrolled, queueTicket: 1,
                    requestedAt: now, changedAt: now))
            let token = try transaction.insert(
                NewTokenRecord(
                    hash: Array(repeating: 7, count: 32), role: "participant", facilitatorId: nil,
                    participantId: participant.id, createdAt: now, expiresAt: nil, feedOnly: true))
            return (group, participant, series, session, enrolment, token)
        }
        #expect(stored.0.id > 0 && stored.1.id > 0 && stored.2.id > 0 && stored.3.id > 0)
        #expect(stored.4.id > 0 && stored.5.id > 0)
        try store.read { (transaction) throws(KringError) in
            #expect(try transaction.group(id: stored.0.id) == stored.0)
            #expect(try transaction.group(named: "dinsdag")?.onlineURL == "https://meet.example.org/dinsdag")
            #expect(try transaction.participant(id: stored.1.id) == stored.1)
            #expect(try transaction.series(id: stored.2.id) == stored.2)
            #expect(try transaction.session(id: stored.3.id) == stored.3)
            #expect(try transaction.enrolment(groupId: stored.0.id, participantId: stored.1.id) == stored.4)
            #expect(try transaction.token(hash: Array(repeating: 7, count: 32)) == stored.5)
            #expect(try transaction.token(id: stored.5.id)?.feedOnly == true)
        }
        var moved = stored.3
        try moved.move(to: now.addingTimeInterval(3600))
        try store.write { (transaction) throws(KringError) in try transaction.update(moved) }
        #expect(try store.read { (transaction) throws(KringError) in try transaction.session(id: moved.id) } == moved)
    }
}
