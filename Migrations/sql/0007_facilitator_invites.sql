-- Invites to facilitators (issue 3). The outbox is rebuilt so a recipient is either a participant or a facilitator,
-- exactly one of them; erasing either drops their queued invites by cascade (privacy rule 9). Still intents only:
-- never an address or a rendered text.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    recipient_participant_id INTEGER REFERENCES participant(id) ON DELETE CASCADE,
    recipient_facilitator_id INTEGER REFERENCES facilitator(id) ON DELETE CASCADE,
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    method TEXT NOT NULL CHECK (method IN ('request', 'cancel')),
    occurrence_start INTEGER,
    whole_series INTEGER NOT NULL CHECK (whole_series IN (0, 1)),
    queued_at INTEGER NOT NULL,
    exported_at INTEGER,
    CHECK ((recipient_participant_id IS NULL) <> (recipient_facilitator_id IS NULL)),
    CHECK (method = 'cancel' OR occurrence_start IS NULL),
    CHECK ((whole_series = 1) = (occurrence_start IS NULL))
);
INSERT INTO outbox_new
    (id, recipient_participant_id, series_id, method, occurrence_start, whole_series, queued_at, exported_at)
SELECT id, recipient_participant_id, series_id, method, occurrence_start, whole_series, queued_at, exported_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(id) WHERE exported_at IS NULL;
CREATE INDEX outbox_by_participant ON outbox(recipient_participant_id) WHERE recipient_participant_id IS NOT NULL;
CREATE INDEX outbox_by_facilitator ON outbox(recipient_facilitator_id) WHERE recipient_facilitator_id IS NOT NULL;
CREATE INDEX outbox_by_series ON outbox(series_id);

-- A facilitator's calendar holds only their own sessions of a series, so it changes when their assignments change
-- even though no session moved. This counter goes up with every such change and is added to the series' SEQUENCE
-- in their feed and invites: clients ignore an update whose SEQUENCE did not rise.
CREATE TABLE facilitator_calendar_change (
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    change_count INTEGER NOT NULL CHECK (change_count >= 0),
    PRIMARY KEY (facilitator_id, series_id)
);
CREATE INDEX facilitator_calendar_change_by_series ON facilitator_calendar_change(series_id);
