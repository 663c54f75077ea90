import Foundation
import GRDB
import KringDomain

/// The delivery side of the outbox (`0015_outbox_delivery.sql`): claiming messages for one sender, recording what
/// the server said, and the installation's Message-ID salt. Never an address: replies arrive scrubbed.
extension StoreTransaction {
    /// Puts messages a sender left in `sending` back in line: a sender that is gone (killed, crashed) or whose claim
    /// is older than `staleBefore`. Whether the server accepted them is unknown, so they go again, with the same
    /// Message-ID; their attempts are not counted.
    public func releaseAbandonedClaims(staleBefore: Date, isAlive: (Int64) -> Bool) throws(KringError) -> Int {
        try mapped {
            let claims = try Row.fetchAll(
                db, sql: "SELECT id, claimed_by, claimed_at FROM outbox WHERE delivery_state = 'sending'")
            var released = 0
            for claim in claims {
                let owner: Int64? = claim["claimed_by"]
                let at: Int64? = claim["claimed_at"]
                let stale = at.map { Date(storedSeconds: $0) < staleBefore } ?? true
                guard stale || !(owner.map(isAlive) ?? false) else { continue }
                try db.execute(
                    sql: """
                        UPDATE outbox SET delivery_state = 'retrying', next_attempt_at = NULL, claimed_by = NULL,
                            claimed_at = NULL
                        WHERE id = ? AND delivery_state = 'sending'
                        """, arguments: [claim["id"] as Int64])
                released += 1
            }
            return released
        }
    }

    /// The messages due at `now` (pending, or retrying with their time come), oldest first, at most `limit`.
    public func dueOutbox(now: Date, limit: Int?) throws(KringError) -> [OutboxMessage] {
        try mapped {
            try fetchAll(
                """
                SELECT * FROM outbox WHERE \(Self.undelivered) AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                ORDER BY id LIMIT ?
                """, [now.storedSeconds, limit ?? -1], map: Self.outboxMessage)
        }
    }

    /// Marks one due message as being sent by `claimant` (a process id), so no other sender takes it and a newer
    /// change is queued behind it rather than merged into it. False when it is no longer due.
    public func claimOutbox(id: Int64, claimant: Int64, at instant: Date) throws(KringError) -> Bool {
        try mapped {
            try db.execute(
                sql: """
                    UPDATE outbox SET delivery_state = 'sending', claimed_by = ?, claimed_at = ?
                    WHERE id = ? AND \(Self.undelivered)
                    """, arguments: [claimant, instant.storedSeconds, id])
            return db.changesCount == 1
        }
    }

    /// Records one attempt's outcome for a message this claimant holds; false when it holds it no longer (erased
    /// with its recipient, or released as abandoned).
    public func recordDelivery(
        id: Int64, claimant: Int64, state: OutboxMessage.DeliveryState, reply: String?, nextAttemptAt: Date?,
        at instant: Date
    ) throws(KringError) -> Bool {
        try mapped {
            try db.execute(
                sql: """
                    UPDATE outbox SET delivery_state = ?, attempts = attempts + 1, last_attempt_at = ?, last_reply = ?,
                        next_attempt_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,
                        claimed_by = NULL, claimed_at = NULL
                    WHERE id = ? AND delivery_state = 'sending' AND claimed_by = ?
                    """,
                arguments: [
                    state.rawValue, instant.storedSeconds, reply, nextAttemptAt?.storedSeconds, state.rawValue,
                    instant.storedSeconds, id, claimant,
                ])
            return db.changesCount == 1
        }
    }

    /// Gives a claimed message back untried (the transport was misconfigured, or the run stopped first).
    public func releaseClaim(id: Int64, claimant: Int64) throws(KringError) {
        try mapped {
            try db.execute(
                sql: """
                    UPDATE outbox SET delivery_state = CASE WHEN attempts > 0 THEN 'retrying' ELSE 'pending' END,
                        claimed_by = NULL, claimed_at = NULL
                    WHERE id = ? AND delivery_state = 'sending' AND claimed_by = ?
                    """, arguments: [id, claimant])
        }
    }

    /// A coordinator drops a message that has not gone out (pending, retrying or failed); false otherwise.
    public func discardOutbox(id: Int64, at instant: Date) throws(KringError) -> Bool {
        try mapped {
            try db.execute(
                sql: """
                    UPDATE outbox SET delivery_state = 'discarded', last_attempt_at = coalesce(last_attempt_at, ?),
                        next_attempt_at = NULL
                    WHERE id = ? AND delivery_state IN ('pending', 'retrying', 'failed')
                    """, arguments: [instant.storedSeconds, id])
            return db.changesCount == 1
        }
    }

    /// Deletes the records of messages that are done (sent, failed, discarded, exported) and older than `cutoff`
    /// (retention, privacy rule 10); returns how many.
    public func purgeDeliveredOutbox(before cutoff: Date) throws(KringError) -> Int {
        try mapped {
            try db.execute(
                sql: """
                    DELETE FROM outbox WHERE delivery_state IN ('sent', 'failed', 'discarded', 'exported')
                        AND coalesce(sent_at, exported_at, last_attempt_at, queued_at) < ?
                    """, arguments: [cutoff.storedSeconds])
            return db.changesCount
        }
    }

    /// How many records `purgeDeliveredOutbox(before:)` would delete.
    public func countDeliveredOutbox(before cutoff: Date) throws(KringError) -> Int {
        try mapped {
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM outbox WHERE delivery_state IN ('sent', 'failed', 'discarded', 'exported')
                        AND coalesce(sent_at, exported_at, last_attempt_at, queued_at) < ?
                    """, arguments: [cutoff.storedSeconds]) ?? 0
        }
    }

    /// The installation's Message-ID salt, made from `fresh` at first use.
    public func messageIDSalt(orStore fresh: [UInt8]) throws(KringError) -> [UInt8] {
        try mapped {
            if let stored = try Data.fetchOne(db, sql: "SELECT message_id_salt FROM mail_secret WHERE id = 1") {
                return [UInt8](stored)
            }
            try db.execute(
                sql: "INSERT INTO mail_secret (id, message_id_salt) VALUES (1, ?)", arguments: [Data(fresh)])
            return fresh
        }
    }

    /// The stored salt, or nil before the first message was composed (for read transactions).
    public func messageIDSalt() throws(KringError) -> [UInt8]? {
        try mapped {
            try Data.fetchOne(db, sql: "SELECT message_id_salt FROM mail_secret WHERE id = 1").map { [UInt8]($0) }
        }
    }
}
