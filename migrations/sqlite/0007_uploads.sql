-- Files a student uploads in a dialog (ID photos), stored once and referenced from the
-- conversation's state by id, instead of riding inside the state on every turn.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    content BLOB NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX uploads_by_conversation ON uploads (conversation_id);
