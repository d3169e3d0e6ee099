-- Pushed messages forwarded to Telegram chats: with several instances each one hears every pushed
-- message, and the one that inserts (chat, pushed message) first sends it, so the student gets it
-- once. Rows are only needed while instances may still hear the message (seconds); older ones
-- may be pruned by `claimed_at`.
CREATE TABLE telegram_pushed (
    chat_id BIGINT NOT NULL,
    pushed_id BIGINT NOT NULL,
    claimed_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, pushed_id)
);
CREATE INDEX telegram_pushed_claimed_at ON telegram_pushed (claimed_at);
