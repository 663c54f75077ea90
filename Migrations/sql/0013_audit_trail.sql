-- The audit trail (issue 12): one entry per stored change, appended in the change's own transaction, so an
-- operation cannot forget it. Who: the role and the API token's id, or the local operating-system user for the
-- CLI on the database's machine. What: the operation's name and the ids of the rows it touched. Never a
-- pseudonym, contact, token or free text: an erased person's entries keep only ids that no longer resolve.
-- Entries older than the retention period are purged with the people they concerned.
CREATE TABLE audit_entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'facilitator', 'participant', 'system')),
    token_id INTEGER,
    os_user TEXT,
    operation TEXT NOT NULL
);
CREATE INDEX audit_entry_by_at ON audit_entry(at);

CREATE TABLE audit_object (
    entry_id INTEGER NOT NULL REFERENCES audit_entry(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (entry_id, kind, object_id)
);
CREATE INDEX audit_object_by_object ON audit_object(kind, object_id);

-- Append-only: an entry is never rewritten (only the retention purge deletes old ones).
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_object_append_only BEFORE UPDATE ON audit_object
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
