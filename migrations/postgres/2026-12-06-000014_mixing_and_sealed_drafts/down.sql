CREATE TABLE comments_seq (
    id BIGSERIAL PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    body TEXT NOT NULL,
    submitted_on TEXT NOT NULL
);
INSERT INTO comments_seq (cycle_id, unit_id, body, submitted_on)
SELECT cycle_id, unit_id, body, submitted_on FROM comments;
DROP TABLE comments;
ALTER TABLE comments_seq RENAME TO comments;
ALTER INDEX comments_seq_pkey RENAME TO comments_pkey;
CREATE INDEX comments_unit ON comments (unit_id);
DROP TABLE pending_responses;
DROP TABLE drafts;
CREATE TABLE drafts (
    invitation_id BIGINT PRIMARY KEY NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    data_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
