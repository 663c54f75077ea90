-- SEQUENCE must never go down for a recipient (RFC 5546 2.1.4): Google and Outlook drop a message whose SEQUENCE is
-- lower than one they have seen for that UID. A participant's own view of a series changes when they are withdrawn
-- (a whole-series CANCEL) and again when they are enrolled once more (a REQUEST), though no session moved. This
-- counter goes up with each and is added to the series' SEQUENCE in their invites and their personal feed, so the
-- REQUEST after a CANCEL always carries a higher SEQUENCE. Erasing the participant or the series drops it by cascade
-- (privacy rule 9).
CREATE TABLE participant_calendar_change (
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    change_count INTEGER NOT NULL CHECK (change_count >= 0),
    PRIMARY KEY (participant_id, series_id)
);
CREATE INDEX participant_calendar_change_by_series ON participant_calendar_change(series_id);
