-- Feed-only tokens (privacy rule 5): a calendar subscription URL ends up in calendar apps, their cloud sync and
-- sometimes a proxy log, so it should open nothing but the feed. A feed-only token is refused on every /api route.
-- (0008 and 0009 are the invite outbox's per-recipient and per-series sequence counters.)
ALTER TABLE access_token ADD COLUMN feed_only INTEGER NOT NULL DEFAULT 0 CHECK (feed_only IN (0, 1));
