-- Delivery of the outbox by e-mail (issue 13, phase 2). Each message now has a delivery state:
--   pending    queued, not tried yet
--   sending    claimed by a `kring invites send` run or the service (claimed_by: its process id), being sent
--   retrying   a temporary failure (4xx, server down, timeout); tried again at next_attempt_at
--   sent       accepted by the server (sent_at, last_reply)
--   failed     refused for good (5xx) or retried too often; last_reply says why, for the coordinator
--   discarded  dropped by a coordinator (`kring invites discard`)
--   exported   written as a file by `kring invites export` (exported_at), as before
-- Still no address and no rendered text: last_reply is scrubbed of addresses by KringMail before it gets here.
-- message_key is random and only feeds the Message-ID (HMAC under the installation's salt), so an outbox id used
-- twice can never give two messages the same Message-ID.
ALTER TABLE outbox ADD COLUMN delivery_state TEXT NOT NULL DEFAULT 'pending'
    CHECK (delivery_state IN ('pending', 'sending', 'retrying', 'sent', 'failed', 'discarded', 'exported'));
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE outbox ADD COLUMN last_attempt_at INTEGER;
ALTER TABLE outbox ADD COLUMN last_reply TEXT;
ALTER TABLE outbox ADD COLUMN sent_at INTEGER;
ALTER TABLE outbox ADD COLUMN claimed_by INTEGER;
ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;
ALTER TABLE outbox ADD COLUMN message_key TEXT;
UPDATE outbox SET delivery_state = 'exported' WHERE exported_at IS NOT NULL;
UPDATE outbox SET message_key = lower(hex(randomblob(16))) WHERE message_key IS NULL;
CREATE INDEX outbox_undelivered ON outbox(id) WHERE delivery_state IN ('pending', 'sending', 'retrying');

-- The per-installation salt of Message-IDs (HMAC-SHA256 key): made at first use, never shown, never exported.
CREATE TABLE mail_secret (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    message_id_salt BLOB NOT NULL CHECK (length(message_id_salt) >= 16)
);
