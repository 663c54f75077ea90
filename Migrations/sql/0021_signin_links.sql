-- Sign-in links and page sessions (issue 16): a coordinator gives a facilitator or participant a personal link that
-- opens their pages without an account. Both live beside the API tokens, hashed the same way and revoked the same
-- way: `kind` says what a row opens. 'api' rows are the tokens of 0004 and 0010; a 'signin' row is a link that works
-- once (used_at is set when it is exchanged) and only until its short expiry; a 'session' row is what the link was
-- exchanged for, the browser's cookie, which opens the pages and nothing else. The API and the feeds accept only
-- 'api' rows, the pages only 'session' rows. `parent_id` ties a session to the link it came from, so revoking the
-- link ends the session too.
ALTER TABLE access_token ADD COLUMN kind TEXT NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'signin', 'session'));
ALTER TABLE access_token ADD COLUMN used_at INTEGER;
ALTER TABLE access_token ADD COLUMN parent_id INTEGER REFERENCES access_token (id) ON DELETE CASCADE;
