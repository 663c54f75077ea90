-- Correcting records (issue 14).
--
-- A facilitator who leaves is retired, not deleted: their past sessions stay in the history (attendance, fairness,
-- the audit trail), but from this instant on they are no candidate in any plan. NULL: active.
ALTER TABLE facilitator ADD COLUMN retired_at INTEGER;
