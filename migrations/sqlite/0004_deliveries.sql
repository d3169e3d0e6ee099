-- Messages that reach a conversation outside its own turns (a classmate's confirmation, a photo
-- review decision, later a human agent's reply) and the accounts a conversation signed in to,
-- which is how such a message finds its way to the student.
CREATE TABLE conversation_accounts (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, account_id)
);

CREATE INDEX conversation_accounts_by_account ON conversation_accounts (account_id, linked_at);

-- 1 for a message pushed to the conversation; every server instance polls these to feed its live
-- event streams.
ALTER TABLE messages ADD COLUMN pushed INTEGER NOT NULL DEFAULT 0;

CREATE INDEX messages_pushed ON messages (created_at) WHERE pushed = 1;
