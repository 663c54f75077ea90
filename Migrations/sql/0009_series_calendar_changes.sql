-- A group's public title, language, venue or online link appear in every VEVENT of its series, but no session
-- changes when they do. This counter goes up with every such change and is added to the series' SEQUENCE, so
-- clients take the new text or place instead of ignoring an update whose SEQUENCE did not rise.
ALTER TABLE series ADD COLUMN change_count INTEGER NOT NULL DEFAULT 0 CHECK (change_count >= 0);
