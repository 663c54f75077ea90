-- Correcting records (issue 14).
--
-- A facilitator who leaves is retired, not deleted: their past sessions stay in the history (attendance, fairness,
-- the audit trail), but from this instant on they are no candidate in any plan. NULL: active.
ALTER TABLE facilitator ADD COLUMN retired_at INTEGER;

-- One session can meet elsewhere than its group (the room is closed that evening): a venue or an online link for
-- that occurrence only, which its calendars show as an override. NULL: the group's place.
ALTER TABLE session ADD COLUMN venue TEXT;
ALTER TABLE session ADD COLUMN online_url TEXT;
