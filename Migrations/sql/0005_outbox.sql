-- The invite outbox (issue 3): intents only, never an address or a rendered text. The recipient's address is
-- opened from their sealed contact at export time. Erasing a participant or a series drops its queued invites by
-- cascade (privacy rule 9).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    recipient_participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    method TEXT NOT NULL CHECK (method IN ('request', 'cancel')),
    occurrence_start INTEGER,
    whole_series INTEGER NOT NULL CHECK (whole_series IN (0, 1)),
    queued_at INTEGER NOT NULL,
    exported_at INTEGER,
    CHECK (method = 'cancel' OR occurrence_start IS NULL),
    CHECK ((whole_series = 1) = (occurrence_start IS NULL))
);
CREATE INDEX outbox_pending ON outbox(id) WHERE exported_at IS NULL;
CREATE INDEX outbox_by_participant ON outbox(recipient_participant_id);
CREATE INDEX outbox_by_series ON outbox(series_id);
