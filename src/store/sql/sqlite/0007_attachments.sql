-- Files attached to cases (docs/api.md, "Attachments"). The content is kept
-- once per SHA-256 in blobs; each attachment is an event in the case's chain
-- whose salted commitment covers the content hash, the name, the type and the
-- size, all kept beside the chain in case_attachments with the salt, so
-- erasing the row (and the blob when nothing else uses it) leaves the chain
-- verifying.

CREATE TABLE blobs (
  sha256      BLOB PRIMARY KEY,        -- SHA-256 of data, 32 bytes
  size        INTEGER NOT NULL,
  mime        TEXT NOT NULL,           -- as found in the content, never from a name
  data        BLOB NOT NULL,
  created_ms  INTEGER NOT NULL
);

CREATE TABLE case_attachments (
  case_id  INTEGER NOT NULL,
  seq      INTEGER NOT NULL,           -- the attachment event
  salt     BLOB NOT NULL,              -- of the event's commitment
  sha256   BLOB NOT NULL REFERENCES blobs(sha256),
  name     TEXT NOT NULL,              -- as the uploader named it; display only
  mime     TEXT NOT NULL,
  size     INTEGER NOT NULL,
  PRIMARY KEY (case_id, seq),
  FOREIGN KEY (case_id, seq) REFERENCES case_events(case_id, seq)
);
CREATE INDEX case_attachments_blob ON case_attachments(sha256);
