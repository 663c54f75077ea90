import Foundation
import KringCalendar
import KringDomain
import KringSecrets
import KringStorage
import Logging

extension Kring {
    /// `kring invites list`: the messages not delivered yet (pending, being sent, retrying) and the failed ones.
    public func listInvites() throws(KringError) -> [InviteView] {
        try read { (operation) throws(KringError) in try operation.listInvites() }
    }

    /// `kring invites list --all`: every message still on record, sent, exported and discarded ones too.
    public func listInvites(all: Bool) throws(KringError) -> [InviteView] {
        try read { (operation) throws(KringError) in try operation.listInvites(all: all) }
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
    /// `kring invites list`: the messages not delivered yet (pending, being sent, retrying) and the failed ones;
    /// with `all`, sent, exported and discarded ones too.
    func listInvites(all: Bool = false) throws(KringError) -> [InviteView] {
        let states: [OutboxMessage.DeliveryState] =
            all ? OutboxMessage.DeliveryState.allCases : [.pending, .sending, .retrying, .failed]
        return try transaction.outbox(states: states).map { (message) throws(KringError) in
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
        // The same rule as `kring invites send`: only what is still true goes out (`supersededInvites`).
        _ = try dropSupersededInvites()
        var messages = try transaction.pendingOutbox()
        if let participantId { messages = messages.filter { $0.recipient == .participant(participantId) } }
        if let facilitatorId { messages = messages.filter { $0.recipient == .facilitator(facilitatorId) } }
        var files: [InviteExportView.File] = []
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        // A killed export's temporary files go now, even when there is nothing to export this time.
        PrivateFiles.removeLeftovers(in: directory)
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
            try transaction.reportCounters.inviteDelivered(seriesId: message.seriesId, at: now)
            let view = try transaction.inviteView(of: message)
            files.append(
                .init(
                    id: message.id, method: message.method.rawValue, file: name, recipient: view.recipient,
                    group: view.group, seriesId: view.seriesId, occurrence: view.occurrence))
        }
        if !files.isEmpty { try Self.writeManifest(files, in: folder) }
        logAfterCommit(.info, "invites exported", ["invite.count": "\(files.count)"])
        return InviteExportView(directory: directory, files: files)
    }

    /// `manifest.tsv` and `manifest.json` beside the files: which file is for whom (pseudonym or facilitator name),
    /// kind and series; never an address. A later export replaces them with its own files.
    static func writeManifest(_ files: [InviteExportView.File], in folder: URL) throws(KringError) {
        let rows = files.map { file in
            [
                file.file, file.method, file.recipient ?? "", file.group ?? "", String(file.seriesId ?? 0),
                file.occurrence ?? "",
            ]
            .map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t")
        }
        let tsv = (["file\tmethod\trecipient\tgroup\tseries\toccurrence"] + rows).joined(separator: "\n") + "\n"
        try PrivateFiles.write(Data(tsv.utf8), to: folder.appendingPathComponent("manifest.tsv").path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(files)) ?? Data("[]".utf8)
        try PrivateFiles.write(json, to: folder.appendingPathComponent("manifest.json").path)
    }
}
