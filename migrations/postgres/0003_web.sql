-- The web channel: an opaque access token per conversation (stored hashed) and answer feedback.
ALTER TABLE conversations ADD COLUMN access_token_hash TEXT;

CREATE TABLE feedback (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    entry_id TEXT NOT NULL,
    useful BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX feedback_by_entry ON feedback (entry_id, created_at);
