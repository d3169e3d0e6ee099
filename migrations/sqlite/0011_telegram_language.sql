-- A Telegram chat whose user chose a language with /lang keeps it (1); until then (0) the chat
-- follows the language of the user's Telegram app on every update.
ALTER TABLE telegram_chats ADD COLUMN language_chosen INTEGER NOT NULL DEFAULT 0;
