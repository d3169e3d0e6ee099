-- The Telegram channel: each Telegram chat is one helpbot conversation, so a restart continues
-- it. `last_update_id` is the last update of the chat handled: an update delivered again (or by
-- a second instance) is not handled twice. `keyboard` maps the short callback keys of the last
-- inline keyboard sent (Telegram allows 64 bytes of callback data) to the buttons' payloads, as
-- JSON; a key not in it is a press on a stale keyboard.
CREATE TABLE telegram_chats (
    chat_id BIGINT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    last_update_id BIGINT NOT NULL,
    keyboard TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
