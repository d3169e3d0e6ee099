-- The editors' dashboard (issue 16): facts that stay cheap to read with millions of messages, and
-- hold nothing personal (no conversation, no text). Days are numbered from 1970-01-01 in the
-- service's time zone (`utc_offset`) at the time the fact was written.
--
-- Turns per day and outcome: a daily roll-up, upserted in the transaction that stores the turn.
-- A turn counts once here however many bot messages it has; reading a year is 365 × a dozen rows
-- instead of a scan of the messages table, and retention deleting old messages leaves it intact.
CREATE TABLE daily_outcomes (
    day BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    turns BIGINT NOT NULL,
    PRIMARY KEY (day, outcome)
);

-- Dialog runs: one row per run (a start of a dialog), written with the turns that start, move and
-- end it. An event table rather than a roll-up because a funnel needs each run's own path: which
-- steps it reached (counted once however often it came back) and where it ended; runs are few
-- beside messages, and the day index keeps a range to the runs started in it.
-- result: NULL while the run is open (a run still open after the student went away is one that
-- left at last_step), else completed / handoff / next-dialog / abandoned (detail: the reason).
CREATE TABLE dialog_runs (
    id TEXT PRIMARY KEY NOT NULL,
    dialog TEXT NOT NULL,
    day BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    last_step TEXT NOT NULL,
    result TEXT,
    detail TEXT,
    ended_at BIGINT
);
CREATE INDEX dialog_runs_by_day ON dialog_runs (day, dialog);

-- The steps each run reached, once per step, with the run's dialog and day copied so that a
-- funnel is counted from this table's index alone.
CREATE TABLE dialog_run_steps (
    run_id TEXT NOT NULL REFERENCES dialog_runs(id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    dialog TEXT NOT NULL,
    day BIGINT NOT NULL,
    PRIMARY KEY (run_id, step)
);
CREATE INDEX dialog_run_steps_by_day ON dialog_run_steps (day, dialog, step);

-- The dashboard's per-day counts of the handoff, ticket and vote tables read a range by time.
CREATE INDEX handoffs_by_time ON handoffs (created_at);
CREATE INDEX handoffs_by_end ON handoffs (ended_at);
CREATE INDEX tickets_by_time ON tickets (created_at);
CREATE INDEX tickets_by_answer ON tickets (answered_at);
CREATE INDEX feedback_by_time ON feedback (created_at);
-- "What fails" (issue 14) reads the low-confidence answers of a range: only those rows.
CREATE INDEX messages_low_confidence ON messages (created_at) WHERE outcome IN ('none', 'suggest');
