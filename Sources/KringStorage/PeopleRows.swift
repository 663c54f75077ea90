import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    public func insert(_ participant: Participant) throws -> Participant {
        try db.execute(
            sql: """
                INSERT INTO participant (pseudonym, relation, language, contact_ciphertext, contact_lookup, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                participant.pseudonym, participant.relation.rawValue, participant.language.rawValue,
                participant.contactCiphertext.map { Data($0) }, participant.contactLookup.map { Data($0) },
                participant.createdAt.storedSeconds,
            ])
        var stored = participant
        stored.id = db.lastInsertedRowID
        return stored
    }

    /// Stores a participant's sealed contact (sealing needs the row id, so it happens after the insert).
    public func setContact(participantId: Int64, ciphertext: [UInt8]?, lookup: [UInt8]?) throws {
        try db.execute(
            sql: "UPDATE participant SET contact_ciphertext = ?, contact_lookup = ? WHERE id = ?",
            arguments: [ciphertext.map { Data($0) }, lookup.map { Data($0) }, participantId])
    }

    public func participant(id: Int64) throws -> Participant? {
        try fetchOne("SELECT * FROM participant WHERE id = ?", [id], map: Self.participant)
    }

    /// Pseudonyms are unique regardless of case.
    public func participant(pseudonym: String) throws -> Participant? {
        try fetchOne("SELECT * FROM participant WHERE pseudonym = ?", [pseudonym], map: Self.participant)
    }

    public func participant(contactLookup: [UInt8]) throws -> Participant? {
        try fetchOne("SELECT * FROM participant WHERE contact_lookup = ?", [Data(contactLookup)], map: Self.participant)
    }

    public func allParticipants() throws -> [Participant] {
        try fetchAll("SELECT * FROM participant ORDER BY id", map: Self.participant)
    }

    /// One sealed contact of a participant or, when none has one, of a facilitator, to check at start-up that the
    /// key still opens what is stored. `table` names where it lives (it is bound into the ciphertext).
    public func anySealedContact() throws -> (table: String, rowId: Int64, ciphertext: [UInt8])? {
        try fetchOne(
            """
            SELECT 'participant' AS source, id, contact_ciphertext FROM participant WHERE contact_ciphertext IS NOT NULL
            UNION ALL
            SELECT 'facilitator' AS source, id, contact_ciphertext FROM facilitator WHERE contact_ciphertext IS NOT NULL
            LIMIT 1
            """
        ) { row in
            let data: Data = row["contact_ciphertext"]
            return (row["source"], row["id"], [UInt8](data))
        }
    }

    /// Deletes the participant and, by cascade, their enrolments, attendance and keep-apart marks.
    public func deleteParticipant(id: Int64) throws {
        try db.execute(sql: "DELETE FROM participant WHERE id = ?", arguments: [id])
    }

    public func insertKeepApart(_ first: Int64, _ second: Int64) throws -> Bool {
        let (low, high) = first < second ? (first, second) : (second, first)
        try db.execute(
            sql: "INSERT OR IGNORE INTO keep_apart (first_participant_id, second_participant_id) VALUES (?, ?)",
            arguments: [low, high])
        return db.changesCount > 0
    }

    /// Removes a mark; false when there was none.
    public func deleteKeepApart(_ first: Int64, _ second: Int64) throws -> Bool {
        let (low, high) = first < second ? (first, second) : (second, first)
        try db.execute(
            sql: "DELETE FROM keep_apart WHERE first_participant_id = ? AND second_participant_id = ?",
            arguments: [low, high])
        return db.changesCount > 0
    }

    /// Every mark, as (lower id, higher id) pairs in id order.
    public func allKeepApart() throws -> [(Int64, Int64)] {
        try fetchAll("SELECT * FROM keep_apart ORDER BY first_participant_id, second_participant_id") { row in
            (row["first_participant_id"], row["second_participant_id"])
        }
    }

    /// Everyone marked "keep apart" from this participant.
    public func keptApart(from participantId: Int64) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT second_participant_id FROM keep_apart WHERE first_participant_id = ?
                UNION SELECT first_participant_id FROM keep_apart WHERE second_participant_id = ?
                """,
            arguments: [participantId, participantId])
    }

    public func insert(_ facilitator: Facilitator) throws -> Facilitator {
        try db.execute(
            sql: """
                INSERT INTO facilitator (display_name, languages, can_lead, audiences, max_per_month)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                facilitator.displayName, facilitator.languages.map(\.rawValue).joined(separator: ","),
                facilitator.canLead, facilitator.audiences.map(\.rawValue).joined(separator: ","),
                facilitator.maxPerMonth,
            ])
        var stored = facilitator
        stored.id = db.lastInsertedRowID
        return stored
    }

    /// Stores a facilitator's sealed contact, or clears it with nil (sealing needs the row id, so it comes after
    /// the insert).
    public func setContact(facilitatorId: Int64, ciphertext: [UInt8]?, lookup: [UInt8]?) throws {
        try db.execute(
            sql: "UPDATE facilitator SET contact_ciphertext = ?, contact_lookup = ? WHERE id = ?",
            arguments: [ciphertext.map { Data($0) }, lookup.map { Data($0) }, facilitatorId])
    }

    public func facilitator(contactLookup: [UInt8]) throws -> Facilitator? {
        try fetchOne(
            "SELECT * FROM facilitator WHERE contact_lookup = ?", [Data(contactLookup)], map: Self.facilitator)
    }

    public func facilitator(id: Int64) throws -> Facilitator? {
        try fetchOne("SELECT * FROM facilitator WHERE id = ?", [id], map: Self.facilitator)
    }

    public func facilitator(named name: String) throws -> Facilitator? {
        try fetchOne("SELECT * FROM facilitator WHERE display_name = ?", [name], map: Self.facilitator)
    }

    public func allFacilitators() throws -> [Facilitator] {
        try fetchAll("SELECT * FROM facilitator ORDER BY id", map: Self.facilitator)
    }

    public func setting(_ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
    }

    public func setSetting(_ key: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }

    static func participant(_ row: Row) throws -> Participant {
        let ciphertext: Data? = row["contact_ciphertext"]
        let lookup: Data? = row["contact_lookup"]
        return Participant(
            id: row["id"],
            pseudonym: row["pseudonym"],
            relation: try storedEnum(row, "relation", table: "participant"),
            language: try storedEnum(row, "language", table: "participant"),
            contactCiphertext: ciphertext.map { [UInt8]($0) },
            contactLookup: lookup.map { [UInt8]($0) },
            createdAt: Date(storedSeconds: row["created_at"])
        )
    }

    static func facilitator(_ row: Row) throws -> Facilitator {
        func list<E: RawRepresentable>(_ column: String) throws -> [E] where E.RawValue == String {
            let text: String = row[column]
            return try text.split(separator: ",").map { part in
                guard let value = E(rawValue: String(part)) else {
                    throw CorruptRow(table: "facilitator", column: column)
                }
                return value
            }
        }
        return Facilitator(
            id: row["id"],
            displayName: row["display_name"],
            languages: try list("languages"),
            canLead: row["can_lead"],
            audiences: try list("audiences"),
            maxPerMonth: row["max_per_month"],
            contactCiphertext: (row["contact_ciphertext"] as Data?).map { [UInt8]($0) },
            contactLookup: (row["contact_lookup"] as Data?).map { [UInt8]($0) }
        )
    }
}
