import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    public func insert(_ participant: NewParticipant) throws(KringError) -> Participant {
        try insert(ParticipantRecord(participant)) { try $0.participant() }
    }

    /// Stores a participant's sealed contact (sealing needs the row id, so it happens after the insert).
    public func setContact(participantId: Int64, ciphertext: [UInt8]?, lookup: [UInt8]?) throws(KringError) {
        try execute(
            "UPDATE participant SET contact_ciphertext = ?, contact_lookup = ? WHERE id = ?",
            [ciphertext.map { Data($0) }, lookup.map { Data($0) }, participantId])
    }

    /// Changes what a coordinator may correct about a participant: their relation and language.
    public func setParticipantDetails(participantId: Int64, relation: Relation, language: Language)
        throws(KringError)
    {
        try execute(
            "UPDATE participant SET relation = ?, language = ? WHERE id = ?",
            [relation.rawValue, language.rawValue, participantId])
    }

    public func participant(id: Int64) throws(KringError) -> Participant? {
        try fetchRecord(ParticipantRecord.self, "SELECT * FROM participant WHERE id = ?", [id]) {
            try $0.participant()
        }
    }

    /// Pseudonyms are unique regardless of case.
    public func participant(pseudonym: String) throws(KringError) -> Participant? {
        try fetchRecord(ParticipantRecord.self, "SELECT * FROM participant WHERE pseudonym = ?", [pseudonym]) {
            try $0.participant()
        }
    }

    /// Every pseudonym taken, for comparisons SQL cannot make: look-alike letters, accents (`TextRules.sameName`).
    public func allPseudonyms() throws(KringError) -> [String] {
        try fetchValues(String.self, "SELECT pseudonym FROM participant ORDER BY id")
    }

    public func participant(contactLookup: [UInt8]) throws(KringError) -> Participant? {
        try fetchRecord(
            ParticipantRecord.self, "SELECT * FROM participant WHERE contact_lookup = ?", [Data(contactLookup)]
        ) { try $0.participant() }
    }

    public func allParticipants() throws(KringError) -> [Participant] {
        try fetchRecords(ParticipantRecord.self, "SELECT * FROM participant ORDER BY id") { try $0.participant() }
    }

    /// One sealed contact of a participant or, when none has one, of a facilitator, to check at start-up that the
    /// key still opens what is stored. `table` names where it lives (it is bound into the ciphertext).
    public func anySealedContact() throws(KringError) -> (table: String, rowId: Int64, ciphertext: [UInt8])? {
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
    public func deleteParticipant(id: Int64) throws(KringError) {
        try execute("DELETE FROM participant WHERE id = ?", [id])
    }

    public func insertKeepApart(_ first: Int64, _ second: Int64) throws(KringError) -> Bool {
        let (low, high) = first < second ? (first, second) : (second, first)
        return try insert(KeepApartRecord(firstParticipantId: low, secondParticipantId: high), onConflict: .ignore)
    }

    /// Removes a mark; false when there was none.
    public func deleteKeepApart(_ first: Int64, _ second: Int64) throws(KringError) -> Bool {
        try mapped {
            let (low, high) = first < second ? (first, second) : (second, first)
            try db.execute(
                sql: "DELETE FROM keep_apart WHERE first_participant_id = ? AND second_participant_id = ?",
                arguments: [low, high])
            return db.changesCount > 0
        }
    }

    /// Every mark, as (lower id, higher id) pairs in id order.
    public func allKeepApart() throws(KringError) -> [(Int64, Int64)] {
        try fetchAll("SELECT * FROM keep_apart ORDER BY first_participant_id, second_participant_id") { row in
            (row["first_participant_id"], row["second_participant_id"])
        }
    }

    /// Everyone marked "keep apart" from this participant.
    public func keptApart(from participantId: Int64) throws(KringError) -> [Int64] {
        try fetchValues(
            Int64.self,
            """
            SELECT second_participant_id FROM keep_apart WHERE first_participant_id = ?
            UNION SELECT first_participant_id FROM keep_apart WHERE second_participant_id = ?
            """,
            [participantId, participantId])
    }

    public func insert(_ facilitator: NewFacilitator) throws(KringError) -> Facilitator {
        try insert(FacilitatorRecord(facilitator)) { try $0.facilitator() }
    }

    /// Stores a facilitator's sealed contact, or clears it with nil (sealing needs the row id, so it comes after
    /// the insert).
    public func setContact(facilitatorId: Int64, ciphertext: [UInt8]?, lookup: [UInt8]?) throws(KringError) {
        try execute(
            "UPDATE facilitator SET contact_ciphertext = ?, contact_lookup = ? WHERE id = ?",
            [ciphertext.map { Data($0) }, lookup.map { Data($0) }, facilitatorId])
    }

    /// Stores a facilitator's corrected name, languages, lead role and audiences.
    public func updateFacilitatorDetails(_ facilitator: Facilitator) throws(KringError) {
        try execute(
            "UPDATE facilitator SET display_name = ?, languages = ?, can_lead = ?, audiences = ? WHERE id = ?",
            [
                facilitator.displayName, facilitator.languages.map(\.rawValue).joined(separator: ","),
                facilitator.canLead, facilitator.audiences.map(\.rawValue).joined(separator: ","), facilitator.id,
            ])
    }

    /// Marks a facilitator retired from this instant on (`0018_facilitator_retirement.sql`).
    public func setRetired(facilitatorId: Int64, at instant: Date) throws(KringError) {
        try execute("UPDATE facilitator SET retired_at = ? WHERE id = ?", [instant.storedSeconds, facilitatorId])
    }

    public func facilitator(contactLookup: [UInt8]) throws(KringError) -> Facilitator? {
        try fetchRecord(
            FacilitatorRecord.self, "SELECT * FROM facilitator WHERE contact_lookup = ?", [Data(contactLookup)]
        ) { try $0.facilitator() }
    }

    public func facilitator(id: Int64) throws(KringError) -> Facilitator? {
        try fetchRecord(FacilitatorRecord.self, "SELECT * FROM facilitator WHERE id = ?", [id]) {
            try $0.facilitator()
        }
    }

    public func facilitator(named name: String) throws(KringError) -> Facilitator? {
        try fetchRecord(FacilitatorRecord.self, "SELECT * FROM facilitator WHERE display_name = ?", [name]) {
            try $0.facilitator()
        }
    }

    public func allFacilitators() throws(KringError) -> [Facilitator] {
        try fetchRecords(FacilitatorRecord.self, "SELECT * FROM facilitator ORDER BY id") { try $0.facilitator() }
    }

    public func setting(_ key: String) throws(KringError) -> String? {
        try fetchValue(String.self, "SELECT value FROM setting WHERE key = ?", [key])
    }

    public func setSetting(_ key: String, _ value: String) throws(KringError) {
        try upsert(SettingRecord(key: key, value: value))
    }
}
