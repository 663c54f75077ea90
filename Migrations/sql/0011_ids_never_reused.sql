-- Ids of people and messages are never given out twice (security review 2026-11, F1). Without AUTOINCREMENT SQLite
-- hands the highest id again once its row is deleted: after an erasure or a retention purge the next participant got
-- the erased person's id, and with it anything still keyed by that id outside the database (a cached feed, an
-- exported invite file named after an outbox id). AUTOINCREMENT keeps the highest id ever used in sqlite_sequence.
--
-- SQLite cannot add AUTOINCREMENT to a table, so each is rebuilt: create, copy (ids kept, so sealed contacts whose
-- associated data binds the row id still open), drop, rename, recreate its indexes. The migrator runs this in one
-- transaction with foreign keys off and checks them all before it commits; the tables that refer to these ones name
-- them by name, so they point at the rebuilt tables once renamed.

CREATE TABLE participant_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pseudonym TEXT NOT NULL UNIQUE COLLATE NOCASE,
    relation TEXT NOT NULL
        CHECK (relation IN ('partner', 'parent', 'child', 'sibling', 'other-family', 'friend', 'other')),
    language TEXT NOT NULL CHECK (language IN ('nl', 'fr', 'en', 'de')),
    contact_ciphertext BLOB,
    contact_lookup BLOB,
    created_at INTEGER NOT NULL
);
INSERT INTO participant_new (id, pseudonym, relation, language, contact_ciphertext, contact_lookup, created_at)
SELECT id, pseudonym, relation, language, contact_ciphertext, contact_lookup, created_at FROM participant;
DROP TABLE participant;
ALTER TABLE participant_new RENAME TO participant;
CREATE UNIQUE INDEX participant_by_contact_lookup ON participant(contact_lookup) WHERE contact_lookup IS NOT NULL;

CREATE TABLE facilitator_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    display_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    languages TEXT NOT NULL,
    can_lead INTEGER NOT NULL CHECK (can_lead IN (0, 1)),
    audiences TEXT NOT NULL,
    max_per_month INTEGER,
    max_per_week INTEGER CHECK (max_per_week IS NULL OR max_per_week BETWEEN 1 AND 7),
    time_zone TEXT NOT NULL DEFAULT 'Europe/Brussels',
    preferred_weekdays TEXT NOT NULL DEFAULT '',
    contact_ciphertext BLOB,
    contact_lookup BLOB
);
INSERT INTO facilitator_new
    (id, display_name, languages, can_lead, audiences, max_per_month, max_per_week, time_zone, preferred_weekdays,
     contact_ciphertext, contact_lookup)
SELECT id, display_name, languages, can_lead, audiences, max_per_month, max_per_week, time_zone, preferred_weekdays,
    contact_ciphertext, contact_lookup
FROM facilitator;
DROP TABLE facilitator;
ALTER TABLE facilitator_new RENAME TO facilitator;
CREATE UNIQUE INDEX facilitator_by_contact_lookup ON facilitator(contact_lookup) WHERE contact_lookup IS NOT NULL;

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    (id, recipient_participant_id, recipient_facilitator_id, series_id, method, occurrence_start, whole_series,
     queued_at, exported_at)
SELECT id, recipient_participant_id, recipient_facilitator_id, series_id, method, occurrence_start, whole_series,
    queued_at, exported_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(id) WHERE exported_at IS NULL;
CREATE INDEX outbox_by_participant ON outbox(recipient_participant_id) WHERE recipient_participant_id IS NOT NULL;
CREATE INDEX outbox_by_facilitator ON outbox(recipient_facilitator_id) WHERE recipient_facilitator_id IS NOT NULL;
CREATE INDEX outbox_by_series ON outbox(series_id);
