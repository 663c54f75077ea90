-- A series may skip several holiday calendars now (issue 14): `be` (Belgium's legal holidays), `be-vl-school` and
-- `be-fr-school` (the communities' school holidays), stored comma-separated in the order given. The old column's
-- CHECK allowed 'be' only, and SQLite cannot change a CHECK, so the value moves to a new column and the old one goes.
-- The dates actually skipped stay in holiday_dates (EXDATEs in every calendar), as before.
ALTER TABLE series ADD COLUMN holiday_calendars TEXT NOT NULL DEFAULT ''
    CHECK (holiday_calendars NOT GLOB '*[^a-z,-]*');
UPDATE series SET holiday_calendars = COALESCE(skip_holidays, '');
ALTER TABLE series DROP COLUMN skip_holidays;
