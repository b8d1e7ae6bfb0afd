-- Issue 14: the contacts a cycle's invitations are emailed to. The address (and the label,
-- which may name a household business's owner) is personal data, kept only until
-- `ddci contacts purge` (Decree 13/2023/NĐ-CP); both become NULL then. The code itself is
-- never stored: only its hash, in invitations. Answers stay unlinked: a contact reaches only
-- its invitation's status (answered or not), as the Association's counts always did.
CREATE TABLE contacts (
    id BIGSERIAL PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    invitation_id BIGINT NOT NULL UNIQUE REFERENCES invitations (id),
    email TEXT,
    label TEXT,
    -- The invitation mail: 'sending' is committed before the mail is handed to the server and
    -- becomes 'sent' after its 250 reply, so a crash in between is seen, never resent blindly.
    status TEXT NOT NULL CHECK (status IN ('created', 'sending', 'sent', 'failed')),
    -- The latest reminder, by the same rule.
    reminder_status TEXT CHECK (reminder_status IN ('sending', 'sent', 'failed')),
    reminders INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    reminded_at TEXT,
    purged_at TEXT
);
-- One invitation per address and cycle (purged rows hold NULL, which never collides).
CREATE UNIQUE INDEX contacts_cycle_email ON contacts (cycle_id, email);
