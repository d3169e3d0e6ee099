-- Support staff who sign in to the console (`helpbot staff add`). The account name signs in and
-- is never shown to students; the display name is what students will see. Only an argon2 hash
-- of the password is kept.
CREATE TABLE staff_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
    password_hash TEXT NOT NULL,
    -- 1 while the account may sign in; `helpbot staff disable` sets 0 and ends its sessions.
    enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_sign_in_at BIGINT
);

-- Console sessions. The key is the SHA-256 of the token in the staff member's cookie: the token
-- itself is stored nowhere, and neither is the CSRF token derived from it.
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);

-- Every staff action: who (NULL for the command line or a name that is no account), what, when,
-- on which conversation or review, from where.
CREATE TABLE staff_audit (
    id TEXT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    staff_id TEXT,
    action TEXT NOT NULL,
    conversation_id TEXT,
    review_id TEXT,
    address TEXT,
    detail TEXT
);
CREATE INDEX staff_audit_by_time ON staff_audit (at);
CREATE INDEX staff_audit_by_staff ON staff_audit (staff_id, at);
