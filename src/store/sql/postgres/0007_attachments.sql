-- PostgreSQL dialect of sql/sqlite/0007_attachments.sql, table for table:
-- BIGINT for INTEGER, BYTEA for BLOB.
-- Files attached to cases (docs/api.md, "Attachments"). The content is kept
-- once per SHA-256 in blobs; each attachment is an event in the case's chain
-- whose salted commitment covers the content hash, the name, the type and the
-- size, all kept beside the chain in case_attachments with the salt, so
-- erasing the row (and the blob when nothing else uses it) leaves the chain
-- verifying.

CREATE TABLE blobs (
  sha256      BYTEA PRIMARY KEY,       -- SHA-256 of data, 32 bytes
  size        BIGINT NOT NULL,
  mime        TEXT NOT NULL,           -- as found in the content, never from a name
  data        BYTEA NOT NULL,
  created_ms  BIGINT NOT NULL
);

CREATE TABLE case_attachments (
  case_id  BIGINT NOT NULL,
  seq      BIGINT NOT NULL,            -- the attachment event
  salt     BYTEA NOT NULL,             -- of the event's commitment
  sha256   BYTEA NOT NULL REFERENCES blobs(sha256),
  name     TEXT NOT NULL,              -- as the uploader named it; display only
  mime     TEXT NOT NULL,
  size     BIGINT NOT NULL,
  PRIMARY KEY (case_id, seq),
  FOREIGN KEY (case_id, seq) REFERENCES case_events(case_id, seq)
);
CREATE INDEX case_attachments_blob ON case_attachments(sha256);
