-- Human handoff: conversations handed over to support staff, the notes agents keep on them, the
-- agents online (a heartbeat), and the messages students leave when nobody can take them
-- (tickets). Times are unix milliseconds.

-- One row per handoff. `waiting` rows are the queue (oldest first); `owned` ones belong to the
-- agent in owner_id, taken with a conditional UPDATE so that only one agent ever wins; `returned`
-- (handed back to the bot), `closed` (ended by the agent, rated by the student) and `cancelled`
-- (the student went back to the bot) are history.
CREATE TABLE handoffs (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    locale TEXT NOT NULL,
    -- asked / dialog-step / failed-inputs / unanswered
    reason TEXT NOT NULL,
    -- What the agent reads first (JSON): dialog and step, masked slots, the last exchanges.
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'owned', 'returned', 'closed', 'cancelled')),
    owner_id TEXT,
    -- The name the student sees (never the agent's account name).
    owner_name TEXT,
    -- The place in the queue the student was last told (0: not yet).
    told_position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    taken_at BIGINT,
    ended_at BIGINT,
    rating BIGINT,
    rating_comment TEXT
);
CREATE INDEX handoffs_by_status ON handoffs (status, created_at);
CREATE INDEX handoffs_by_conversation ON handoffs (conversation_id, created_at);
-- A conversation is in the queue or with an agent once at most.
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (conversation_id) WHERE status IN ('waiting', 'owned');

-- Agents' internal notes on a handoff: never shown to the student.
CREATE TABLE handoff_notes (
    id TEXT PRIMARY KEY NOT NULL,
    handoff_id TEXT NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX handoff_notes_by_handoff ON handoff_notes (handoff_id, created_at);

-- Agents' presence: the console beats for each signed-in agent; recent beats mean online.
CREATE TABLE agents_online (
    staff_id TEXT PRIMARY KEY NOT NULL,
    display_name TEXT NOT NULL,
    last_seen BIGINT NOT NULL
);

-- Messages left for support when nobody could take the conversation; the answer is pushed to it.
CREATE TABLE tickets (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    locale TEXT NOT NULL,
    reason TEXT NOT NULL,
    summary TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    created_at BIGINT NOT NULL,
    answered_at BIGINT,
    answered_by TEXT,
    answered_by_name TEXT,
    answer TEXT
);
CREATE INDEX tickets_by_status ON tickets (status, created_at);
