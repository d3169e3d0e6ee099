-- Editors (issue 14): a staff role that reads what the assistant fails at, why answers were rated
-- 没用 (a reason code and optional text with a vote), and an index for finding low-confidence
-- answers by time.
ALTER TABLE staff_accounts DROP CONSTRAINT IF EXISTS staff_accounts_role_check;
ALTER TABLE staff_accounts ADD CONSTRAINT staff_accounts_role_check
    CHECK (role IN ('agent', 'supervisor', 'editor'));

-- Why an answer did not help (with a "not useful" vote only): a code, and free text for `other`.
ALTER TABLE feedback ADD COLUMN reason TEXT
    CHECK (reason IN ('unclear', 'did-not-work', 'not-what-i-asked', 'other'));
ALTER TABLE feedback ADD COLUMN reason_text TEXT;

-- The editors' "what fails" page reads bot answers by outcome over a time range.
CREATE INDEX messages_by_outcome ON messages (outcome, created_at);
