-- Issue 12: an account can be disabled (its sessions end and it cannot sign in); it stays for
-- the audit log's sake.
ALTER TABLE admin_users ADD COLUMN disabled_at TEXT;
