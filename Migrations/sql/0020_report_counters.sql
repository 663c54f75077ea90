-- Anonymous counters for the annual report (issue 15). Each row counts what happened on one day in one group,
-- split by the few categories the report shows. No participant or facilitator id, pseudonym, contact or time finer
-- than the day is kept, so erasure and retention (which delete people) leave every row as it is: no foreign key
-- points from here to a person, a session or a group (group_id is a plain number; groups are never deleted).
--   measure       what is counted (see ReportMeasure in Sources/KringApp/Report/ReportCounters.swift)
--   day           the day in the group's time zone (this one-time fill uses the UTC day: SQL knows no zones)
--   relation, language, audience, newcomer, reason: categories ('' where the measure has none)
--   waited_days   for 'promoted': the whole days the person waited, so the median wait is read from a histogram
--                 of durations, never from people (-1 elsewhere)
--   amount        how many (minutes for 'facilitator.minutes'); never negative in sum for any key
CREATE TABLE report_counter (
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    group_id INTEGER NOT NULL,
    measure TEXT NOT NULL,
    relation TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL DEFAULT '',
    newcomer TEXT NOT NULL DEFAULT '' CHECK (newcomer IN ('', 'new', 'continuing')),
    reason TEXT NOT NULL DEFAULT '',
    waited_days INTEGER NOT NULL DEFAULT -1,
    amount INTEGER NOT NULL,
    PRIMARY KEY (day, group_id, measure, relation, language, audience, newcomer, reason, waited_days)
);

-- The one-time fill from what the database holds now. Enrolment history is read from each row's current state:
-- requested_at is when the request came, changed_at when it last changed state. A row whose state is enrolled or
-- completed with changed_at after requested_at waited on the list until changed_at. A withdrawn row is taken to
-- have held a seat (the schema keeps no trace of whether it was waiting); its reason is 'unstated'.
CREATE TEMP TABLE report_fill (
    day TEXT, group_id INTEGER, measure TEXT, relation TEXT, language TEXT, audience TEXT, newcomer TEXT,
    reason TEXT, waited_days INTEGER, amount INTEGER
);

-- Who was new: a participant's earliest request (by requested_at, then id) is 'new', every later one 'continuing'.
CREATE TEMP VIEW report_fill_enrolment AS
SELECT e.id, e.group_id, e.state, e.requested_at, e.changed_at, p.relation, p.language, g.audience,
    CASE WHEN EXISTS (
        SELECT 1 FROM enrolment o WHERE o.participant_id = e.participant_id
        AND (o.requested_at < e.requested_at OR (o.requested_at = e.requested_at AND o.id < e.id))
    ) THEN 'continuing' ELSE 'new' END AS newcomer,
    (e.state IN ('enrolled', 'completed') AND e.changed_at > e.requested_at) AS waited
FROM enrolment e JOIN participant p ON p.id = e.participant_id JOIN support_group g ON g.id = e.group_id;

-- Joined the waitlist: everyone still waiting, and everyone who was promoted.
INSERT INTO report_fill
SELECT date(requested_at, 'unixepoch'), group_id, 'waitlist.joined', relation, language, audience, '', '', -1, 1
FROM report_fill_enrolment WHERE state = 'waitlisted' OR waited;
-- Left the waitlist by promotion, with the wait in whole days.
INSERT INTO report_fill
SELECT date(changed_at, 'unixepoch'), group_id, 'waitlist.left', relation, language, audience, '', 'promoted', -1, 1
FROM report_fill_enrolment WHERE waited;
INSERT INTO report_fill
SELECT date(changed_at, 'unixepoch'), group_id, 'promoted', '', '', '', '', '', (changed_at - requested_at) / 86400, 1
FROM report_fill_enrolment WHERE waited;
-- Took a seat: at the promotion for those who waited, else at the request.
INSERT INTO report_fill
SELECT date(CASE WHEN waited THEN changed_at ELSE requested_at END, 'unixepoch'), group_id, 'seat.taken',
    relation, language, audience, newcomer, '', -1, 1
FROM report_fill_enrolment WHERE state IN ('enrolled', 'completed', 'withdrawn');
-- Left the seat: completed when the group closed, withdrawn otherwise.
INSERT INTO report_fill
SELECT date(changed_at, 'unixepoch'), group_id, 'seat.left', relation, language, audience, '',
    CASE state WHEN 'completed' THEN 'completed' ELSE 'unstated' END, -1, 1
FROM report_fill_enrolment WHERE state IN ('completed', 'withdrawn');
INSERT INTO report_fill
SELECT date(changed_at, 'unixepoch'), group_id, 'withdrawal', relation, language, audience, '', 'unstated', -1, 1
FROM report_fill_enrolment WHERE state = 'withdrawn';

-- Attendance, on the session's day.
INSERT INTO report_fill
SELECT date(s.starts_at, 'unixepoch'), s.group_id, 'attendance.' || a.status, '', '', '', '', '', -1, 1
FROM attendance a JOIN session s ON s.id = a.session_id;
-- Sessions held and cancelled.
INSERT INTO report_fill
SELECT date(starts_at, 'unixepoch'), group_id, 'session.' || status, '', '', '', '', '', -1, 1
FROM session WHERE status IN ('held', 'cancelled');
-- Facilitator minutes and unfilled places of held sessions.
INSERT INTO report_fill
SELECT date(s.starts_at, 'unixepoch'), s.group_id, 'facilitator.minutes', '', '', '', '', '', -1,
    (s.ends_at - s.starts_at) / 60 * (SELECT count(*) FROM assignment a WHERE a.session_id = s.id)
FROM session s WHERE s.status = 'held';
INSERT INTO report_fill
SELECT date(s.starts_at, 'unixepoch'), s.group_id, 'staffing.gap', '', '', '', '', '', -1,
    max(0, g.facilitators_per_session - (SELECT count(*) FROM assignment a WHERE a.session_id = s.id))
FROM session s JOIN support_group g ON g.id = s.group_id WHERE s.status = 'held';
-- Invites that reached their recipient (sent by e-mail or exported as a file).
INSERT INTO report_fill
SELECT date(coalesce(o.sent_at, o.exported_at), 'unixepoch'), r.group_id, 'invite.delivered', '', '', '', '', '', -1, 1
FROM outbox o JOIN series r ON r.id = o.series_id
WHERE o.delivery_state IN ('sent', 'exported') AND coalesce(o.sent_at, o.exported_at) IS NOT NULL;

INSERT INTO report_counter
    (day, group_id, measure, relation, language, audience, newcomer, reason, waited_days, amount)
SELECT day, group_id, measure, relation, language, audience, newcomer, reason, waited_days, sum(amount)
FROM report_fill GROUP BY day, group_id, measure, relation, language, audience, newcomer, reason, waited_days
HAVING sum(amount) <> 0;

DROP VIEW report_fill_enrolment;
DROP TABLE report_fill;
