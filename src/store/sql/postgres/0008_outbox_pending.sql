-- Only messages still to send are indexed, in the order they are claimed:
-- a claim reads its few rows off the front of this index and stops, where
-- the index on (status, next_ms) made it read and sort every due message of
-- both pending states, which grew with the backlog it was meant to clear.
-- Sent and dead messages, nearly all rows, leave the index.
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox(next_ms, id) WHERE status IN ('queued', 'sending');
