import Foundation
import KringTestSupport
import Testing

/// What the outbox queues after schedule and group changes, through the real binary: every change a calendar shows
/// reaches each recipient once, with a SEQUENCE that never goes down for them.
@Suite(.timeLimit(.minutes(10))) struct InviteOutboxTests {
    static let organizer = "groepen@example.org"

    /// The planned group (capacity 3, ten sessions) with Stille Eik and Blauwe Reiger (both with an address) and Rode
    /// Vos (none) enrolled, and the organizer set.
    static func fullGroup() throws -> KringSandbox {
        let (sandbox, _) = try InviteExportTests.plannedWithContacts()
        try sandbox.ok(["config", "set", "organizer", organizer])
        return sandbox
    }

    static func pending(_ sandbox: KringSandbox) throws -> [[String: Any]] {
        try sandbox.ok(["invites", "list", "--format", "json"]).array()
    }

    /// Exports the pending invites (of one participant, when given) to a fresh folder: each file's method and text.
    static func export(_ sandbox: KringSandbox, participant: String? = nil) throws -> [(method: String, text: String)] {
        let out = sandbox.folder.appendingPathComponent("export-\(UUID().uuidString)")
        let view = try sandbox.ok(
            ["invites", "export", "--out", out.path, "--format", "json"]
                + (participant.map { ["--participant", $0] } ?? [])
        ).object()
        return try (view["files"] as! [[String: Any]]).map { file in
            let text = try String(contentsOf: out.appendingPathComponent(file["file"] as! String), encoding: .utf8)
            return (file["method"] as! String, CalendarExportTests.unfolded(text))
        }
    }

    /// The one SEQUENCE of a message or feed: every VEVENT must carry the same (master and overrides).
    static func sequence(_ text: String) throws -> Int {
        let all = CalendarExportTests.sequences(text)
        #expect(Set(all).count == 1, "SEQUENCE differs between VEVENTs: \(all)")
        return try #require(all.first)
    }

    static func participantFeed(_ sandbox: KringSandbox, _ pseudonym: String) throws -> String {
        CalendarExportTests.unfolded(try sandbox.ok(["calendar", "export", "--participant", pseudonym]).stdout)
    }

    @Test func seriesAddedAfterEnrolmentIsQueuedForEveryEnrolledParticipantWithAnAddress() throws {
        let sandbox = try Self.fullGroup()
        _ = try Self.export(sandbox)
        let added = try sandbox.ok([
            "series", "add", "--group", "gent-partners", "--start", "2027-01-14T19:00", "--duration", "90",
            "--rrule", "FREQ=WEEKLY;COUNT=4", "--format", "json",
        ]).object()
        let seriesId = try #require(added["id"] as? Int)
        let pending = try Self.pending(sandbox)
        #expect(pending.count == 2)
        #expect(pending.allSatisfy { $0["method"] as? String == "request" && $0["seriesId"] as? Int == seriesId })
        #expect(Set(pending.compactMap { $0["participant"] as? String }) == ["Stille Eik", "Blauwe Reiger"])

        let files = try Self.export(sandbox)
        #expect(files.count == 2)
        for file in files {
            #expect(file.text.contains("\r\nMETHOD:REQUEST\r\n"))
            #expect(file.text.contains("RRULE:FREQ=WEEKLY;COUNT=4"))
            #expect(file.text.contains("DTSTART;TZID=Europe/Brussels:20270114T190000"))
        }
    }

    @Test func aWithdrawalBeforeAnyExportLeavesOneCancelAndNoRequestBesideIt() throws {
        let sandbox = try Self.fullGroup()
        // Stille Eik's REQUEST is pending (never exported); a move queues nothing more, then they withdraw.
        #expect(try Self.pending(sandbox).contains { $0["participant"] as? String == "Stille Eik" })
        try sandbox.ok(["participant", "withdraw", "--yes", "Stille Eik", "--group", "gent-partners"])
        let theirs = try Self.pending(sandbox).filter { $0["participant"] as? String == "Stille Eik" }
        #expect(theirs.count == 1, "\(theirs)")
        #expect(theirs.first?["method"] as? String == "cancel")
        #expect(theirs.first?["occurrence"] == nil)
        // They never received the REQUEST, so the CANCEL would be their first message: nothing goes at all.
        let files = try Self.export(sandbox, participant: "Stille Eik")
        #expect(files.isEmpty)
        #expect(!(try Self.pending(sandbox).contains { $0["participant"] as? String == "Stille Eik" }))
    }

    @Test func aParticipantsFeedAndInvitesSpeakTheirLanguageNotTheGroups() throws {
        let sandbox = try Self.fullGroup()
        try sandbox.ok(["participant", "withdraw", "--yes", "Rode Vos"])  // a free seat: the group holds three
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Rose Discrète", "--relation", "parent",
            "--language", "fr", "--contact", "rose@example.org",
        ])
        let invite = try #require(try Self.export(sandbox, participant: "Rose Discrète").first)
        let feed = try Self.participantFeed(sandbox, "Rose Discrète")
        for text in [invite.text, feed] {
            #expect(text.contains("SUMMARY:Groupe de parole\r\n"))
            #expect(!text.contains("Gespreksgroep"))
        }
        // The group's own language for someone who speaks it.
        #expect(try Self.participantFeed(sandbox, "Stille Eik").contains("SUMMARY:Gespreksgroep\r\n"))
    }

    @Test func withdrawThenReEnrolNeverLowersSequenceInInvitesOrFeed() throws {
        let sandbox = try Self.fullGroup()
        let enrolled = try Self.export(sandbox, participant: "Stille Eik")
        #expect(enrolled.map(\.method) == ["request"])
        let a = try Self.sequence(enrolled[0].text)
        #expect(try Self.sequence(Self.participantFeed(sandbox, "Stille Eik")) == a)

        try sandbox.ok(["participant", "withdraw", "--yes", "Stille Eik"])
        let withdrawn = try Self.export(sandbox, participant: "Stille Eik")
        #expect(withdrawn.map(\.method) == ["cancel"])
        let b = try Self.sequence(withdrawn[0].text)
        #expect(b > a)

        try sandbox.ok(["participant", "enrol", "--group", "gent-partners", "--participant", "Stille Eik"])
        let back = try Self.export(sandbox, participant: "Stille Eik")
        #expect(back.map(\.method) == ["request"])
        let c = try Self.sequence(back[0].text)
        #expect(c > b)
        // Her feed shows the same UID with the same SEQUENCE as her last invite.
        #expect(try Self.sequence(Self.participantFeed(sandbox, "Stille Eik")) == c)
        // Exporting again after no change renders nothing; the feed stays put.
        #expect(try Self.export(sandbox, participant: "Stille Eik").isEmpty)
        #expect(try Self.sequence(Self.participantFeed(sandbox, "Stille Eik")) == c)

        // Withdrawn and back before any export: the CANCEL she never saw is dropped, one REQUEST goes, higher still.
        try sandbox.ok(["participant", "withdraw", "--yes", "Stille Eik"])
        try sandbox.ok(["participant", "enrol", "--group", "gent-partners", "--participant", "Stille Eik"])
        let again = try Self.export(sandbox, participant: "Stille Eik")
        #expect(again.map(\.method) == ["request"])
        #expect(try Self.sequence(again[0].text) > c)
    }

    @Test func promotionFromTheWaitlistAfterWithdrawalRaisesSequenceAboveTheCancel() throws {
        let sandbox = try Self.fullGroup()
        let enrolled = try Self.export(sandbox, participant: "Stille Eik")
        let a = try Self.sequence(enrolled[0].text)
        try sandbox.ok(["participant", "withdraw", "--yes", "Stille Eik"])
        let withdrawn = try Self.export(sandbox, participant: "Stille Eik")
        #expect(withdrawn.map(\.method) == ["cancel"])
        let b = try Self.sequence(withdrawn[0].text)
        #expect(b > a)

        // Her seat goes to someone else, so her return waits for one.
        try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--pseudonym", "Grijze Uil", "--relation", "friend",
        ])
        let waiting = try sandbox.ok([
            "participant", "enrol", "--group", "gent-partners", "--participant", "Stille Eik", "--format", "json",
        ]).object()
        #expect(waiting["state"] as? String == "waitlisted")
        #expect(try Self.export(sandbox, participant: "Stille Eik").isEmpty)

        let change = try sandbox.ok(["participant", "withdraw", "--yes", "Rode Vos", "--format", "json"]).object()
        let promoted = try #require(change["promoted"] as? [[String: Any]])
        #expect(promoted.map { $0["pseudonym"] as? String } == ["Stille Eik"])
        let back = try Self.export(sandbox, participant: "Stille Eik")
        #expect(back.map(\.method) == ["request"])
        #expect(try Self.sequence(back[0].text) > b)
    }

    @Test func movesAfterEnrolmentQueueOneRequestPerParticipantAndSeries() throws {
        let (sandbox, ids) = try InviteExportTests.plannedWithContacts()
        try sandbox.ok(["session", "move", ids[1], "--to", "2027-01-27T19:00"])
        try sandbox.ok(["session", "move", ids[3], "--to", "2027-02-24T19:00"])
        let pending = try Self.pending(sandbox)
        // One REQUEST each from the enrolment; it is rendered at export, so it already carries both moves.
        #expect(pending.map { $0["method"] as? String } == ["request", "request"])
        #expect(Set(pending.compactMap { $0["participant"] as? String }) == ["Stille Eik", "Blauwe Reiger"])
        try sandbox.ok(["config", "set", "organizer", Self.organizer])
        let files = try Self.export(sandbox)
        #expect(files.count == 2)
        #expect(files.allSatisfy { $0.text.components(separatedBy: "RECURRENCE-ID").count - 1 == 2 })

        // After an export a new move queues a new REQUEST again, once.
        try sandbox.ok(["session", "move", ids[5], "--to", "2027-03-24T19:00"])
        try sandbox.ok(["session", "move", ids[6], "--to", "2027-04-07T19:00"])
        #expect(try Self.pending(sandbox).count == 2)
    }

    /// A parents' group with two facilitators assigned (An 0, 1, 3; Bo 2, 4, 5), one session moved (an override),
    /// everything exported.
    static func staffedAndExported() throws -> (KringSandbox, [String]) {
        let (sandbox, sessions) = try FacilitatorInviteTests.staffedGroup()
        let ids = sessions.map(FacilitatorInviteTests.id)
        for (index, name) in [
            (0, "An Claes"), (1, "An Claes"), (3, "An Claes"), (2, "Bo Smet"), (4, "Bo Smet"), (5, "Bo Smet"),
        ] {
            try sandbox.ok(["assignment", "set", ids[index], "--facilitator", name])
        }
        try sandbox.ok(["session", "move", ids[1], "--to", "2027-03-23T19:00"])
        _ = try Self.export(sandbox)
        #expect(try Self.pending(sandbox).isEmpty)
        return (sandbox, ids)
    }

    static func groupFeed(_ sandbox: KringSandbox) throws -> String {
        CalendarExportTests.unfolded(try sandbox.ok(["calendar", "export", "--group", "ouders-intern-gent"]).stdout)
    }

    @Test func venueChangeRaisesSequenceOnMasterAndOverridesAndQueuesARequestForEveryone() throws {
        let (sandbox, _) = try Self.staffedAndExported()
        let before = try Self.groupFeed(sandbox)
        #expect(before.contains("LOCATION:Gent\r\n"))
        #expect(before.contains("RECURRENCE-ID"))
        let oldSequence = try Self.sequence(before)
        let anBefore = CalendarExportTests.unfolded(
            try sandbox.ok(["calendar", "export", "--facilitator", "An Claes"]).stdout)
        let anOldSequence = try Self.sequence(anBefore)

        try sandbox.ok(["group", "update", "ouders-intern-gent", "--venue", "Antwerpen, zaal 2"])
        let after = try Self.groupFeed(sandbox)
        #expect(after.contains("LOCATION:Antwerpen\\, zaal 2\r\n"))
        #expect(!after.contains("LOCATION:Gent\r\n"))
        #expect(CalendarExportTests.sequences(after).count == 2, "master and override")
        #expect(try Self.sequence(after) > oldSequence)

        let pending = try Self.pending(sandbox)
        #expect(pending.allSatisfy { $0["method"] as? String == "request" })
        let recipients = pending.compactMap { $0["recipient"] as? String }.sorted()
        #expect(recipients == ["facilitator An Claes", "facilitator Bo Smet", "participant Stille Eik"])
        let files = try Self.export(sandbox)
        #expect(files.count == 3)
        for file in files {
            #expect(file.text.contains("\r\nMETHOD:REQUEST\r\n"))
            #expect(file.text.contains("LOCATION:Antwerpen\\, zaal 2\r\n"))
            #expect(!file.text.lowercased().contains("ouders"))
        }
        let an = try #require(files.first { $0.text.contains("an.claes@example.org") })
        #expect(try Self.sequence(an.text) > anOldSequence)
        // Her REQUEST keeps only her sessions: Bo's are EXDATEs.
        #expect(CalendarExportTests.lines(an.text, "EXDATE").count == 3)

        // The title and the online link are in every VEVENT too.
        try sandbox.ok(["group", "update", "ouders-intern-gent", "--online", "https://meet.example.org/kring"])
        #expect(try Self.pending(sandbox).count == 3)
        #expect(try Self.sequence(Self.groupFeed(sandbox)) > Self.sequence(after))
    }

    @Test func capacityNameOrAudienceChangeQueuesNothingAndKeepsSequence() throws {
        let (sandbox, _) = try Self.staffedAndExported()
        let before = try Self.groupFeed(sandbox)
        try sandbox.ok(["group", "update", "ouders-intern-gent", "--capacity", "9"])
        try sandbox.ok(["group", "update", "ouders-intern-gent", "--audience", "family"])
        try sandbox.ok(["group", "update", "ouders-intern-gent", "--name", "ouders-intern-gent-2"])
        #expect(try Self.pending(sandbox).isEmpty)
        let after = CalendarExportTests.unfolded(
            try sandbox.ok(["calendar", "export", "--group", "ouders-intern-gent-2"]).stdout)
        #expect(CalendarExportTests.sequences(after) == CalendarExportTests.sequences(before))
        #expect(after.contains("LOCATION:Gent\r\n"))
    }

    @Test func erasureSaysHowManyPendingInvitesWereDroppedUnsent() throws {
        let sandbox = try Self.fullGroup()
        // Nothing exported: the withdrawal's CANCEL (which replaced her unsent enrolment REQUEST) goes with her.
        let erased = try sandbox.ok(["participant", "withdraw", "--yes", "Stille Eik", "--erase", "--format", "json"])
            .object()
        #expect(erased["erased"] as? Bool == true)
        #expect(erased["droppedInvites"] as? Int == 1)
        #expect(try Self.pending(sandbox).allSatisfy { $0["participant"] as? String == "Blauwe Reiger" })

        // Exported first: only the CANCEL is dropped, and the table output says so.
        _ = try Self.export(sandbox)
        let text = try sandbox.ok(["participant", "withdraw", "--yes", "Blauwe Reiger", "--erase"]).stdout
        #expect(text.contains("dropped unsent: 1 pending invite"))
        #expect(text.contains("kring invites export"))
        #expect(!text.contains("reiger@example.org"))
        #expect(try Self.pending(sandbox).isEmpty)

        // A participant without an address has nothing to drop; a plain withdrawal drops nothing.
        let quiet = try sandbox.ok(["participant", "withdraw", "--yes", "Rode Vos", "--erase", "--format", "json"])
            .object()
        #expect(quiet["droppedInvites"] as? Int == 0)
    }
}
