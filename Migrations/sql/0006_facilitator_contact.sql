-- A facilitator's optional contact address for calendar invites (issue 3), stored exactly like a participant's:
-- only sealed (AES-256-GCM, the row id and column bound as associated data) with an HMAC lookup, never in plain
-- text and never as a plain hash (privacy rules 2 and 4).
ALTER TABLE facilitator ADD COLUMN contact_ciphertext BLOB;
ALTER TABLE facilitator ADD COLUMN contact_lookup BLOB;
CREATE UNIQUE INDEX facilitator_by_contact_lookup ON facilitator(contact_lookup) WHERE contact_lookup IS NOT NULL;
