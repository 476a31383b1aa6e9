-- When each finished case's personal data falls due for erasure, kept with
-- the case so that the retention sweep reads an index range of what is due
-- instead of weighing every finished case each minute. 0 = not due: open,
-- or already erased. Set whenever a case is saved or erased, for an
-- organisation's cases when its periods change, and for all cases at start
-- when privacy.retention_days is not the one they were set with (below).
ALTER TABLE cases ADD COLUMN erase_due_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_erase_due ON cases(erase_due_ms) WHERE erase_due_ms > 0;

-- The server's default period the stored dues were set with.
CREATE TABLE privacy_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  retention_days  INTEGER NOT NULL
);
