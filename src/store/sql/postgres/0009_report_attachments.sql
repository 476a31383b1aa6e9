-- PostgreSQL dialect of sql/sqlite/0009_report_attachments.sql, table for
-- table: BIGINT for INTEGER, BYTEA for BLOB.
-- Evidence attached to telemarketing consumer reports (docs/api.md,
-- "Telemarketing"): a screenshot, a recording, a PDF. The content is kept
-- once per SHA-256 in blobs, shared with the files on cases. A report is no
-- hash chain, so a row carries no commitment; n numbers a report's files
-- from 1.

CREATE TABLE tm_report_attachments (
  report_id   BIGINT NOT NULL REFERENCES tm_reports(id),
  n           BIGINT NOT NULL,
  sha256      BYTEA NOT NULL REFERENCES blobs(sha256),
  name        TEXT NOT NULL,           -- as the reporter named it; display only
  mime        TEXT NOT NULL,           -- as found in the content
  size        BIGINT NOT NULL,
  created_ms  BIGINT NOT NULL,
  PRIMARY KEY (report_id, n)
);
CREATE INDEX tm_report_attachments_blob ON tm_report_attachments(sha256);
