-- Facilitator assignment (issue 4): when facilitators can work, what they must never be given, and the plan.
-- Privacy rule 1 still holds: only times, limits, ids and flags; no reason for a blockout, exclusion or decline is
-- stored, so nothing here says why a facilitator knows a participant.

-- Planning limits live on the facilitator row next to max_per_month. The zone is where their weekly windows,
-- weeks and months are counted.
ALTER TABLE facilitator ADD COLUMN max_per_week INTEGER CHECK (max_per_week IS NULL OR max_per_week BETWEEN 1 AND 7);
ALTER TABLE facilitator ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Brussels';
-- ISO weekdays (1 = Monday) as a comma-separated list; empty means no preference.
ALTER TABLE facilitator ADD COLUMN preferred_weekdays TEXT NOT NULL DEFAULT '';

-- Weekly windows in the facilitator's wall-clock time; a facilitator without any row is available at any time.
CREATE TABLE facilitator_window (
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (end_minute > start_minute),
    PRIMARY KEY (facilitator_id, weekday, start_minute)
);

-- Whole days off, as the dates the coordinator typed and the instants they cover in the facilitator's zone.
CREATE TABLE facilitator_blockout (
    id INTEGER PRIMARY KEY,
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at),
    UNIQUE (facilitator_id, first_day, last_day)
);

-- Busy times imported from the facilitator's own calendar (`kring facilitator busy F --ics FILE`): instants only,
-- never a summary or location of the private event.
CREATE TABLE facilitator_busy (
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX facilitator_busy_by_facilitator ON facilitator_busy(facilitator_id, starts_at);

-- Conflicts of interest: never in this group, or never in a group where this participant is enrolled.
CREATE TABLE facilitator_group_exclusion (
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES support_group(id) ON DELETE CASCADE,
    PRIMARY KEY (facilitator_id, group_id)
);
CREATE TABLE facilitator_participant_exclusion (
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    PRIMARY KEY (facilitator_id, participant_id)
);
CREATE INDEX facilitator_participant_exclusion_by_participant ON facilitator_participant_exclusion(participant_id);

-- Groups a facilitator would rather serve (a soft goal).
CREATE TABLE facilitator_preferred_group (
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES support_group(id) ON DELETE CASCADE,
    PRIMARY KEY (facilitator_id, group_id)
);

-- Who facilitates which session. A pinned row is never changed by `kring assign`; published_at is when the
-- facilitator was told (changing a published row costs stability on re-planning).
CREATE TABLE assignment (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    is_lead INTEGER NOT NULL DEFAULT 0 CHECK (is_lead IN (0, 1)),
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    published_at INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, facilitator_id)
);
CREATE INDEX assignment_by_facilitator ON assignment(facilitator_id, session_id);

-- A facilitator said no to a session: later re-plans never give it back to them.
CREATE TABLE assignment_decline (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    facilitator_id INTEGER NOT NULL REFERENCES facilitator(id) ON DELETE CASCADE,
    declined_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, facilitator_id)
);
