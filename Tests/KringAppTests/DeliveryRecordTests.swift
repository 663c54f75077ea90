import Foundation
import KringApp
import KringDomain
import KringTestSupport
import Testing

/// Issue 13, point 6: erasing a person drops their messages and delivery records (no address is kept anywhere),
/// and records of messages that are done follow the retention setting.
@Suite struct DeliveryRecordTests {
    func exported(_ app: AppHarness, _ canary: String) throws -> EnrolmentView {
        _ = try app.kring.setConfig("organizer", "groepen@example.org")
        try app.openGroup("avond")
        let enrolled = try app.enrol("Verre Ster", in: "avond", contact: canary)
        try app.enrol("Late Merel", in: "avond", contact: "merel@example.org")
        let folder = app.folder.appendingPathComponent("invites").path
        let view = try app.kring.exportInvites(to: folder, group: nil, participant: nil)
        #expect(view.files.count == 2)
        #expect(try app.kring.listInvites().isEmpty)
        #expect(try app.kring.listInvites(all: true).count == 2)
        return enrolled
    }

    @Test func erasureDropsThePersonsDeliveryRecordsAndLeavesNoAddress() throws {
        let app = try AppHarness()
        let canary = "canary-\(UUID().uuidString.lowercased())@example.org"
        let erased = try exported(app, canary)
        _ = try app.kring.withdraw(String(erased.participantId), group: nil, erase: true)
        let left = try app.kring.listInvites(all: true)
        #expect(!left.contains { $0.participantId == erased.participantId })
        #expect(left.count == 1, "the other participant's record stays")
        #expect(CanaryScan.traces(of: canary, inDatabase: app.configuration.databasePath) == [])
    }

    @Test func recordsOfMessagesThatAreDoneFollowTheRetentionSetting() throws {
        let app = try AppHarness()
        _ = try exported(app, "ster@example.org")
        _ = try app.kring.setConfig("retention-days", "30")
        _ = try app.kring.purgeExpired()
        #expect(try app.kring.listInvites(all: true).count == 2, "younger than the retention period: kept")
        app.advance(days: 31)
        _ = try app.kring.purgeExpired()
        #expect(try app.kring.listInvites(all: true).isEmpty)
    }
}
