-- Feedback that says why (issue 16): a vote keeps the question the rated answer replied to, as
-- the student typed it (ID numbers, mobiles and e-mails masked; a secret never reaches it, the
-- transcript holds a placeholder instead), and how that question was answered (`definite`, or
-- `suggest` when the entry was picked from the suggestions; `picked` for a hot or related
-- question pressed, which has no typed question; `dialog` for an answer on the side of a dialog).
-- `question` is student text: retention clears it with the transcripts.
ALTER TABLE feedback ADD COLUMN question TEXT;
ALTER TABLE feedback ADD COLUMN outcome TEXT;

-- Telegram: the "tell us why" prompts sent with ForceReply. Only a reply to one of them is taken
-- as a reason's text (never the student's next question); answered prompts are deleted.
CREATE TABLE telegram_reason_prompts (
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    entry_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
