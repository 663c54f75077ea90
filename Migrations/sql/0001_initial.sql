-- Kring's first schema. Privacy rule 1: the minimum. No column for a legal name, free-text notes about
-- people, or IP addresses exists; contact data is only ever stored sealed (AES-256-GCM) with an HMAC lookup.

CREATE TABLE support_group (
    id INTEGER PRIMARY KEY,
    internal_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    public_title TEXT,
    audience TEXT NOT NULL CHECK (audience IN ('partners', 'parents', 'family', 'friends', 'mixed')),
    language TEXT NOT NULL CHECK (language IN ('nl', 'fr', 'en', 'de')),
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    minimum_to_start INTEGER NOT NULL CHECK (minimum_to_start >= 1),
    facilitators_per_session INTEGER NOT NULL CHECK (facilitators_per_session >= 1),
    venue TEXT,
    online_url TEXT,
    time_zone TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'running', 'closed')),
    CHECK (venue IS NULL OR online_url IS NULL)
);

CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES support_group(id) ON DELETE CASCADE,
    first_start_local TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    rrule TEXT NOT NULL,
    excluded_dates TEXT NOT NULL DEFAULT '',
    holiday_dates TEXT NOT NULL DEFAULT '',
    skip_holidays TEXT CHECK (skip_holidays IN ('be')),
    calendar_uid TEXT NOT NULL UNIQUE
);
CREATE INDEX series_by_group ON series(group_id);

CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES support_group(id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    occurrence_start INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'moved', 'cancelled', 'held')),
    change_count INTEGER NOT NULL DEFAULT 0,
    CHECK (ends_at > starts_at),
    UNIQUE (series_id, occurrence_start)
);
CREATE INDEX session_by_group_and_start ON session(group_id, starts_at);
CREATE INDEX session_by_start ON session(starts_at);

CREATE TABLE participant (
    id INTEGER PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE COLLATE NOCASE,
    relation TEXT NOT NULL
        CHECK (relation IN ('partner', 'parent', 'child', 'sibling', 'other-family', 'friend', 'other')),
    language TEXT NOT NULL CHECK (language IN ('nl', 'fr', 'en', 'de')),
    contact_ciphertext BLOB,
    contact_lookup BLOB,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX participant_by_contact_lookup ON participant(contact_lookup) WHERE contact_lookup IS NOT NULL;

CREATE TABLE enrolment (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES support_group(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('waitlisted', 'enrolled', 'withdrawn', 'completed')),
    queue_ticket INTEGER NOT NULL,
    requested_at INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    UNIQUE (group_id, participant_id)
);
CREATE INDEX enrolment_by_group_state ON enrolment(group_id, state, queue_ticket);
CREATE INDEX enrolment_by_participant ON enrolment(participant_id);

CREATE TABLE keep_apart (
    first_participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    second_participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    PRIMARY KEY (first_participant_id, second_participant_id),
    CHECK (first_participant_id < second_participant_id)
);
CREATE INDEX keep_apart_by_second ON keep_apart(second_participant_id);

CREATE TABLE attendance (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    marked_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX attendance_by_participant ON attendance(participant_id);

CREATE TABLE facilitator (
    id INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    languages TEXT NOT NULL,
    can_lead INTEGER NOT NULL CHECK (can_lead IN (0, 1)),
    audiences TEXT NOT NULL,
    max_per_month INTEGER
);

-- Organisation settings (name, organizer address, retention...): one row per key.
CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
