-- Admin sessions live on the server so that logging out or expiring really ends them: the
-- signed cookie carries a random token, this table only its SHA-256.
CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);
