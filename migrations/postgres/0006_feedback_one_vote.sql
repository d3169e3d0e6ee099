-- One vote per answer and conversation: a change of mind replaces the vote instead of adding one.
-- Earlier duplicates keep only their latest vote.
DELETE FROM feedback WHERE EXISTS (
    SELECT 1 FROM feedback AS later
    WHERE later.conversation_id = feedback.conversation_id
      AND later.entry_id = feedback.entry_id
      AND (later.created_at > feedback.created_at
           OR (later.created_at = feedback.created_at AND later.id > feedback.id))
);
CREATE UNIQUE INDEX feedback_one_vote ON feedback (conversation_id, entry_id);
