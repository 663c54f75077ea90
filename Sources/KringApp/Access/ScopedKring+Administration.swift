import Foundation
import KringDomain

/// Administration as one caller may do it: tokens, settings, invites, imports, keep-apart marks and calendar
/// exports of other people are the coordinator's; a facilitator or participant may export only their own calendar.
extension ScopedKring {
    public func keepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.keepApart(first, second)
        }
    }

    public func issueToken(_ request: TokenRequest) throws(KringError) -> IssuedTokenView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.issueToken(request)
        }
    }

    public func listTokens() throws(KringError) -> [TokenView] {
        try consistently { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.listTokens()
        }
    }

    public func revokeToken(_ reference: String) throws(KringError) -> TokenView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.revokeToken(reference)
        }
    }

    public func setConfig(_ key: String, _ value: String) throws(KringError) -> ConfigEntry {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.setConfig(key, value)
        }
    }

    public func getConfig(_ key: String?) throws(KringError) -> [ConfigEntry] {
        try consistently { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.getConfig(key)
        }
    }

    public func listInvites() throws(KringError) -> [InviteView] {
        try consistently { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.listInvites()
        }
    }

    /// `kring invites discard ID`: coordinators only; the message must not have gone out yet.
    public func discardInvite(_ id: Int64) throws(KringError) -> InviteView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.discardInvite(id)
        }
    }

    /// `kring invites preview ID`: coordinators only. The text holds the recipient's address: it goes back to the
    /// coordinator and is never logged.
    public func previewInvite(_ id: Int64) throws(KringError) -> String {
        try coordinatorOnly()
        return try Self.mailSettingsAsConflict { () throws(KringError) in try kring.previewInvite(id, actor: actor) }
    }

    /// `kring invites send`: coordinators only. A rehearsal (`Kring-Dry-Run: true`) sends nothing and answers
    /// what would be sent.
    public func sendInvites(dryRun: Bool, limit: Int?) async throws(KringError) -> DeliveryView {
        try coordinatorOnly()
        do {
            return try await kring.sendInvites(dryRun: dryRun, limit: limit, transport: nil, actor: actor)
        } catch  where error.kind == .environment && Self.isMailSetting(error.field) {
            throw KringError(.conflict, field: error.field, value: error.value, reason: error.reason)
        }
    }

    /// Mail settings that are missing or unusable are the state of this server, which a coordinator can change
    /// (`PUT /api/config/mail.transport`): over HTTP they are a conflict naming the setting, not a server fault.
    static func mailSettingsAsConflict<T>(_ body: () throws(KringError) -> T) throws(KringError) -> T {
        do { return try body() } catch  where error.kind == .environment && isMailSetting(error.field) {
            throw KringError(.conflict, field: error.field, value: error.value, reason: error.reason)
        }
    }

    static func isMailSetting(_ field: String) -> Bool { field.hasPrefix("mail.") || field == "organizer" }

    public func importScenario(fileData: Data, file: String) throws(KringError) -> ImportView {
        try coordinatorOnly()
        let (scenario, planning) = try Kring.decodeScenario(fileData, file: file)
        return try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.importScenario(scenario, planning: planning)
        }
    }

    /// Coordinators export any calendar; a facilitator or participant only their own (anyone else's fails like an
    /// unknown person), and no group feed, which would show sessions of groups beyond their own.
    public func exportCalendar(group: String?, facilitator: String?, participant: String?) throws(KringError)
        -> String
    {
        switch caller {
        case .coordinator:
            return try kring.exportCalendar(group: group, facilitator: facilitator, participant: participant)
        case .facilitator(let id):
            guard group == nil, participant == nil, let facilitator else { throw .forbidden(caller.role) }
            _ = try consistently { (operation) throws(KringError) in try checkedSelf(facilitator, operation) }
            return try kring.facilitatorFeed(facilitatorId: id)
        case .participant(let id):
            guard group == nil, facilitator == nil, let participant else { throw .forbidden(caller.role) }
            let target = try consistently { (operation) throws(KringError) in
                try? operation.transaction.resolveParticipant(participant)
            }
            guard target?.id == id else {
                throw .notFound(
                    "participant", participant, "no participant has this id or pseudonym; see `kring participant list`")
            }
            return try kring.participantFeed(participantId: id)
        }
    }
}
