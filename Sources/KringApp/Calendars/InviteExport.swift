import Foundation
import KringCalendar
import KringDomain
import KringSecrets
import KringStorage
import Logging

extension Kring {
    /// `kring invites list`: the messages not exported yet.
    public func listInvites() throws(KringError) -> [InviteView] {
        try read { (operation) throws(KringError) in try operation.listInvites() }
    }
    /// `kring invites export`: renders every pending message (optionally of one group, one participant or one
    /// facilitator) as one `.ics` file in `directory` and marks it exported, all in one transaction. The address is
    /// opened from the recipient's sealed contact here and nowhere else.
    public func exportInvites(
        to directory: String, group: String?, participant: String?, facilitator: String? = nil
    ) throws(KringError) -> InviteExportView {
        try write { (operation) throws(KringError) in
            try operation.exportInvites(to: directory, group: group, participant: participant, facilitator: facilitator)
        }
    }
}

extension KringTransaction {
    /// `kring invites list`: the messages not exported yet.
    func listInvites() throws(KringError) -> [InviteView] {
        try transaction.pendingOutbox().map { (message) throws(KringError) in
            try transaction.inviteView(of: message)
        }
    }
    /// `kring invites export`: renders every pending message (optionally of one group, one participant or one
    /// facilitator) as one `.ics` file in `directory` and marks it exported, all in one transaction. The address is
    /// opened from the recipient's sealed contact here and nowhere else.
    func exportInvites(
        to directory: String, group: String?, participant: String?, facilitator: String? = nil
    ) throws(KringError) -> InviteExportView {
        if participant != nil, let facilitator {
            throw KringError.invalid("facilitator", facilitator, "give either --participant or --facilitator, not both")
        }
        guard let organizer = try transaction.setting("organizer") else {
            throw KringError(
                .environment, field: "organizer", value: "",
                reason: "is not set; set the organisation's role address with `kring config set organizer ADDRESS`")
        }
        let groupId = try group.map { (reference) throws(KringError) in try transaction.resolveGroup(reference).id }
        let participantId = try participant.map { (reference) throws(KringError) in
            try transaction.resolveParticipant(reference).id
        }
        let facilitatorId = try facilitator.map { (reference) throws(KringError) in
            try transaction.resolveFacilitator(reference).id
        }
        let fallback =
            try transaction.setting("default-language")
            .flatMap(CalendarLanguage.init(rawValue:)) ?? .en
        var messages = try transaction.pendingOutbox()
        if let participantId { messages = messages.filter { $0.recipient == .participant(participantId) } }
        if let facilitatorId { messages = messages.filter { $0.recipient == .facilitator(facilitatorId) } }
        var files: [InviteExportView.File] = []
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        // The files hold plain addresses: a folder Kring makes is 0700 and every file 0600.
        if !messages.isEmpty { try PrivateFiles.makeFolder(directory) }
        for message in messages {
            guard let series = try transaction.series(id: message.seriesId) else { continue }
            if let groupId, series.groupId != groupId { continue }
            guard let addressee = try transaction.addressee(of: message, in: series, fallback: fallback) else {
                continue
            }
            let opener: ContactSealer
            if let sealer { opener = sealer } else { opener = try keyFile.load() }
            let address = try opener.open(addressee.ciphertext, at: addressee.location)
            let text = try transaction.renderInvite(
                message, series: series, attendee: address, organizer: organizer, language: addressee.language,
                now: now)
            let name = "\(message.id)-\(message.method.rawValue).ics"
            try PrivateFiles.write(Data(text.utf8), to: folder.appendingPathComponent(name).path)
            try transaction.markOutboxExported(id: message.id, at: now)
            files.append(.init(id: message.id, method: message.method.rawValue, file: name))
        }
        logAfterCommit(.info, "invites exported", ["invite.count": "\(files.count)"])
        return InviteExportView(directory: directory, files: files)
    }
}
