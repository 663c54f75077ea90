-- Idempotency-Key (issue 11): a write the service carried out under a client's key, so the same request sent again
-- (a retry after a lost answer) gets the first answer instead of a second change. Kept 24 hours, purged with
-- retention. Neither the key nor the request is stored: `lookup` is SHA-256 of the API token id and the key,
-- `request_hash` SHA-256 of method, path and body. `answer` is the first answer's JSON sealed under the installation
-- key (AES-GCM, this row's id as associated data), NULL when it is not kept (no key, or the request erased someone).
CREATE TABLE request_key (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lookup TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL CHECK (status BETWEEN 200 AND 299),
    answer BLOB,
    created_at INTEGER NOT NULL
);
CREATE INDEX request_key_created ON request_key(created_at);

-- The participants an answer concerns: erasing one of them deletes the answer with it (privacy rule 9).
CREATE TABLE request_key_participant (
    request_key_id INTEGER NOT NULL REFERENCES request_key(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    PRIMARY KEY (request_key_id, participant_id)
);
CREATE INDEX request_key_participant_by_participant ON request_key_participant(participant_id);
CREATE TRIGGER request_key_forgets_erased_participant AFTER DELETE ON request_key_participant
BEGIN
    DELETE FROM request_key WHERE id = OLD.request_key_id;
END;
