-- Editors (issue 14): a staff role that reads what the assistant fails at, why answers were rated
-- 没用 (a reason code and optional text with a vote), and an index for finding low-confidence
-- answers by time.
--
-- SQLite cannot change a CHECK constraint, so staff_accounts is rebuilt. Dropping the old table
-- would delete its sessions (ON DELETE CASCADE): they are kept aside and put back, so nobody is
-- signed out by the upgrade.
CREATE TEMP TABLE kept_staff_sessions AS SELECT * FROM staff_sessions;

CREATE TABLE staff_accounts_with_editors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'editor')),
    password_hash TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_sign_in_at BIGINT
);
INSERT INTO staff_accounts_with_editors
    SELECT id, name, display_name, role, password_hash, enabled, created_at, last_sign_in_at
    FROM staff_accounts;
DROP TABLE staff_accounts;
ALTER TABLE staff_accounts_with_editors RENAME TO staff_accounts;
INSERT INTO staff_sessions SELECT * FROM kept_staff_sessions;
DROP TABLE kept_staff_sessions;

-- Why an answer did not help (with a "not useful" vote only): a code, and free text for `other`.
ALTER TABLE feedback ADD COLUMN reason TEXT
    CHECK (reason IN ('unclear', 'did-not-work', 'not-what-i-asked', 'other'));
ALTER TABLE feedback ADD COLUMN reason_text TEXT;

-- The editors' "what fails" page reads bot answers by outcome over a time range.
CREATE INDEX messages_by_outcome ON messages (outcome, created_at);
