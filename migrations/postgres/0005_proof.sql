-- Proof belongs to the conversation that gave it, and is kept by the account store, never in the
-- conversation's state: a code is bound to the conversation it was sent for (so only that
-- conversation can type it), a reset code once verified may set one new password, and a sign-in
-- is a row saying which conversation proved which account (no bearer token exists anywhere).
ALTER TABLE codes ADD COLUMN holder TEXT;
-- When a verified reset code was used to set a password (a verified code sets one password).
ALTER TABLE codes ADD COLUMN spent_at BIGINT;
CREATE INDEX codes_by_holder ON codes (holder, purpose, created_at);

-- Codes sent to a mobile typed on the registration form: the number is proven before an account
-- is created with it.
CREATE TABLE registration_codes (
    id TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    mobile TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    spent_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX registration_codes_by_holder ON registration_codes (holder, created_at);

-- The account a conversation proved it owns (by password), until it expires or the password
-- changes (the epoch).
CREATE TABLE conversation_sign_ins (
    holder TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    epoch BIGINT NOT NULL,
    signed_in_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
