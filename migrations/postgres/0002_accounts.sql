-- The embedded account store. Times are unix milliseconds; every integer is BIGINT so the same
-- bound i64 works on SQLite and PostgreSQL.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    real_name TEXT NOT NULL,
    id_type TEXT NOT NULL DEFAULT 'resident_id',
    id_number TEXT NOT NULL,
    mobile TEXT,
    mobile_bound BIGINT NOT NULL DEFAULT 0,
    email TEXT,
    email_activated BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('active', 'pending_verification', 'deactivated')),
    -- Raised on a password reset: sessions signed in before it are no longer valid.
    session_epoch BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    deactivated_at BIGINT
);
CREATE INDEX accounts_by_id_number ON accounts (id_number);
-- A mobile number or security e-mail belongs to one account at most.
CREATE UNIQUE INDEX accounts_mobile_unique ON accounts (mobile) WHERE mobile IS NOT NULL;
CREATE UNIQUE INDEX accounts_email_unique ON accounts (email) WHERE email IS NOT NULL;

-- The duplicate-ID state of an ID number as the registration form shows it.
CREATE TABLE id_number_states (
    id_number TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('registered', 'pending_review')),
    updated_at BIGINT NOT NULL
);

-- The student records registry (current students and graduates).
CREATE TABLE student_records (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('current', 'graduate')),
    real_name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    school TEXT NOT NULL,
    -- Student number for current students, degree certificate number for graduates.
    number TEXT NOT NULL,
    -- Enrolment year for current students, graduation year for graduates.
    year BIGINT NOT NULL,
    level TEXT NOT NULL
);
CREATE INDEX student_records_by_id_number ON student_records (id_number);
CREATE UNIQUE INDEX student_records_unique ON student_records (kind, id_number, school, number);

-- Verification of a re-registered account, by any route.
CREATE TABLE verifications (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    route TEXT NOT NULL CHECK (route IN ('app', 'photo', 'classmate', 'record')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'rejected', 'approved', 'failed')),
    reason TEXT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT
);
CREATE INDEX verifications_by_account ON verifications (account_id, created_at);

-- Handheld ID photos of a photo verification, checked by content.
CREATE TABLE photos (
    id TEXT PRIMARY KEY NOT NULL,
    verification_id TEXT NOT NULL REFERENCES verifications(id),
    side TEXT NOT NULL CHECK (side IN ('front', 'back')),
    format TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

-- Classmate-assist requests: the classmate confirms or declines from their own session.
CREATE TABLE classmate_requests (
    id TEXT PRIMARY KEY NOT NULL,
    requester_account_id TEXT NOT NULL REFERENCES accounts(id),
    classmate_account_id TEXT NOT NULL REFERENCES accounts(id),
    classmate_name TEXT NOT NULL,
    requester_mobile TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined')),
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX classmate_requests_by_classmate ON classmate_requests (classmate_account_id, status);

-- SMS and e-mail codes (stored hashed) with expiry and tries.
CREATE TABLE codes (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX codes_by_account ON codes (account_id, purpose, created_at);

-- What happened to an account: sign-ins (the login log its owner reads), password resets,
-- activation and deactivation.
CREATE TABLE account_log (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    channel TEXT NOT NULL,
    success BIGINT NOT NULL
);
CREATE INDEX account_log_by_account ON account_log (account_id, at);

-- Rate limiting: every sensitive operation on a subject (account, number) is an event; too many
-- in a window lock that operation for the subject until `locked_until`.
CREATE TABLE rate_events (
    id TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,
    operation TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_events_by_subject ON rate_events (subject, operation, at);
CREATE TABLE rate_locks (
    subject TEXT NOT NULL,
    operation TEXT NOT NULL,
    locked_until BIGINT NOT NULL,
    PRIMARY KEY (subject, operation)
);

-- Messages sent through the embedded notifier, for testers to read codes.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    destination TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_by_time ON outbox (created_at);
