-- Exactly once, enforced by the database: submitting inserts the invitation here in the same
-- transaction as the response, so a second submission with the same code violates the primary
-- key and rolls back whole. The table says only *that* an invitation was used, never *which*
-- response it gave.
CREATE TABLE submissions (
    invitation_id BIGINT PRIMARY KEY NOT NULL REFERENCES invitations (id)
) WITHOUT ROWID;
