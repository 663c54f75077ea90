-- Capability tokens for the service (issue 5, privacy rule 5). The token text is shown once and never stored: only
-- its SHA-256 (256 random bits, so the hash cannot be reversed by guessing). A token's subject is a facilitator or
-- a participant; erasing that person deletes their tokens by cascade (privacy rule 9), so the old token gets 404.
CREATE TABLE access_token (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'facilitator', 'participant')),
    facilitator_id INTEGER REFERENCES facilitator(id) ON DELETE CASCADE,
    participant_id INTEGER REFERENCES participant(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    CHECK (
        (role = 'coordinator' AND facilitator_id IS NULL AND participant_id IS NULL)
        OR (role = 'facilitator' AND facilitator_id IS NOT NULL AND participant_id IS NULL)
        OR (role = 'participant' AND participant_id IS NOT NULL AND facilitator_id IS NULL)
    )
);
CREATE INDEX access_token_by_facilitator ON access_token(facilitator_id) WHERE facilitator_id IS NOT NULL;
CREATE INDEX access_token_by_participant ON access_token(participant_id) WHERE participant_id IS NOT NULL;
