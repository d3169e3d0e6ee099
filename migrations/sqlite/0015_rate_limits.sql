-- Request limits shared by every instance (issue 15): one row per limited key (a hash of the
-- client address or the conversation id, never the address itself) holding the theoretical
-- arrival time of the generic cell rate algorithm, in unix ms. Rows in the past limit nothing
-- and are deleted now and then. SQLite is served by one process, which counts in memory; the
-- table exists on both backends so that their schemas stay the same.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY NOT NULL,
    tat BIGINT NOT NULL
);
CREATE INDEX rate_limits_by_time ON rate_limits (tat);
