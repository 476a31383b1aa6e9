-- PostgreSQL dialect of sql/sqlite/0014_erase_due.sql: BIGINT for INTEGER.
-- When each finished case's personal data falls due for erasure, kept with
-- the case so that the retention sweep reads an index range of what is due
-- instead of weighing every finished case each minute. 0 = not due: open,
-- or already erased.
ALTER TABLE cases ADD COLUMN erase_due_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX cases_erase_due ON cases(erase_due_ms) WHERE erase_due_ms > 0;

-- The server's default period the stored dues were set with.
CREATE TABLE privacy_state (
  id              BIGINT PRIMARY KEY CHECK (id = 1),
  retention_days  BIGINT NOT NULL
);
