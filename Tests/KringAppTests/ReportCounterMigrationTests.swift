import Foundation
import GRDB
import KringApp
import KringDomain
import Testing

/// `0020_report_counters.sql` fills the counters once from the data already there: for a history the schema can
/// tell apart (seats, a promotion, a withdrawal from a seat, attendance, a cancellation, a second group), the fill
/// gives exactly the counters the operations kept as they ran.
@Suite struct ReportCounterMigrationTests {
    static let migration = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Migrations/sql/0020_report_counters.sql")

    @Test func theOneTimeFillGivesWhatTheOperationsCounted() async throws {
        let app = try AppHarness()
        try app.openGroup("g", capacity: 2, sessions: 4)
        try app.openGroup("h", capacity: 5, sessions: 2)
        _ = try app.kring.setConfig("organizer", "groepen@example.org")
        for name in ["Eik", "Beuk", "Linde", "Wilg"] { try app.enrol(name, in: "g", contact: "\(name)@example.org") }
        let invites = try app.kring.exportInvites(
            to: app.folder.appendingPathComponent("invites").path, group: nil, participant: nil)
        #expect(invites.files.count == 2)  // the two seated; the waitlist gets nothing yet
        app.advance(days: 3)
        _ = try app.kring.withdraw("Eik", group: "g", erase: false)  // Linde moves up after three days
        _ = try app.kring.enrol(EnrolmentRequest(group: "h", existingParticipant: "Beuk"))
        app.advance(days: 40)  // 2027-01-13: the first sessions are over
        let sessions = try app.kring.listSessions(group: "g", from: nil, to: nil)
        _ = try app.kring.markAttendance(session: String(sessions[0].id), participant: "Beuk", status: "present")
        _ = try app.kring.markAttendance(session: String(sessions[0].id), participant: "Linde", status: "excused")
        _ = try app.kring.markAttendance(session: String(sessions[0].id), participant: "Linde", status: "absent")
        _ = try app.kring.cancelSession(String(sessions[2].id))

        let queue = try DatabaseQueue(path: app.configuration.databasePath)
        let query = """
            SELECT day, group_id, measure, relation, language, audience, newcomer, reason, waited_days, amount
            FROM report_counter WHERE amount <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
            """
        let live = try await queue.read { db in try Row.fetchAll(db, sql: query).map(\.description) }
        #expect(live.count > 10)
        let sql = try String(contentsOf: Self.migration, encoding: .utf8)
        let fill = try #require(sql.range(of: "CREATE TEMP TABLE report_fill")).lowerBound
        let filled = try await queue.write { db in
            try db.execute(sql: "DELETE FROM report_counter")
            try db.execute(sql: String(sql[fill...]))
            return try Row.fetchAll(db, sql: query).map(\.description)
        }
        #expect(filled == live)
        #expect(live.contains { $0.contains("invite.delivered") })
    }
}
