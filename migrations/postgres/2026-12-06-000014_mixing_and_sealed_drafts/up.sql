-- Issue 12, items 6 and 7: unsent answers sealed with the business's code, and no link from a
-- response to its invitation through the order, the date or the transaction of its rows.

-- Drafts are sealed (AES-256-GCM) with a key derived from the invitation code, which the
-- database never holds, so a database copy cannot read them. Drafts stored in clear before
-- this migration cannot be sealed (their code is unknown here): they are dropped, and their
-- businesses start the questionnaire again with the same code. `secure_delete` (set on every
-- connection on SQLite) overwrites the dropped pages there; here DROP TABLE removes the files.
DELETE FROM drafts;
DROP TABLE drafts;
CREATE TABLE drafts (
    invitation_id BIGINT PRIMARY KEY NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    -- nonce (12 bytes) || ciphertext with its tag; the invitation id is the associated data.
    sealed BYTEA NOT NULL,
    updated_at TEXT NOT NULL
);

-- A submission's transaction (which marks its invitation used) writes only this opaque row,
-- sealed with a key of the installation's key file. The mixing step moves pending rows into
-- the live tables in shuffled batches of at least 10, in a transaction of its own that touches
-- no invitation, and deletes them; closing a cycle moves what remains.
CREATE TABLE pending_responses (
    id BIGINT PRIMARY KEY NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    sealed BYTEA NOT NULL
);
CREATE INDEX pending_responses_cycle ON pending_responses (cycle_id);

-- Comment ids are random, like response ids, so that one business's comments do not sit next
-- to each other. Existing comments get random ids too, copied in a random order.
CREATE TABLE comments_mixed (
    id BIGINT PRIMARY KEY NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    body TEXT NOT NULL,
    submitted_on TEXT NOT NULL
);
INSERT INTO comments_mixed (id, cycle_id, unit_id, body, submitted_on)
SELECT floor(random() * 4503599627370496)::bigint, cycle_id, unit_id, body, submitted_on FROM comments ORDER BY random();
DELETE FROM comments;
DROP TABLE comments;
ALTER TABLE comments_mixed RENAME TO comments;
ALTER INDEX comments_mixed_pkey RENAME TO comments_pkey;
CREATE INDEX comments_unit ON comments (unit_id);
