-- Conversations on any channel and their messages.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    locale TEXT NOT NULL,
    -- Where the conversation stands (JSON): dialog position, slots, last suggestions.
    state TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender TEXT NOT NULL CHECK (sender IN ('user', 'bot')),
    -- user: the text typed or the button pressed; bot: the reply as JSON.
    body TEXT NOT NULL,
    -- For answers: definite / suggest / none / smalltalk / error, and the entry shown.
    outcome TEXT,
    entry_id TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
