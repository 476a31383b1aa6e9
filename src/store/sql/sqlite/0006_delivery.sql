-- Delivery of the outbox over the network (docs/operations.md, "Delivery").
-- A message is claimed before it is sent ('sending', with a lease in next_ms
-- and a random claim token), so no write transaction is held during network
-- I/O and two deliverers never send the same claimed message; a claim whose
-- lease ran out (the process died mid-send) is taken again. attempts counts
-- claims. staff_id is who queued the message (NULL for the system or a
-- customer): they may read its delivery state. provider_ref is the id the
-- relay or gateway gave it.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt;
-- nothing references outbox.

CREATE TABLE outbox_new (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER REFERENCES orgs(id),
  staff_id     INTEGER REFERENCES staff(id),
  channel      TEXT NOT NULL CHECK (channel IN ('email','sms','staff')),
  recipient    TEXT NOT NULL,
  subject      TEXT NOT NULL DEFAULT '',
  body         TEXT NOT NULL,
  ref          TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sending','sent','dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_ms      INTEGER NOT NULL,          -- queued: when due; sending: when the claim's lease ends
  claim        INTEGER NOT NULL DEFAULT 0, -- the claim token while sending, else 0
  sent_ms      INTEGER,
  last_error   TEXT NOT NULL DEFAULT '',
  provider_ref TEXT NOT NULL DEFAULT '',
  created_ms   INTEGER NOT NULL
);
INSERT INTO outbox_new (id, org_id, channel, recipient, subject, body, ref, status, attempts, next_ms, sent_ms,
                        last_error, created_ms)
  SELECT id, org_id, channel, recipient, subject, body, ref, status, attempts, next_ms, sent_ms, last_error,
         created_ms FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, next_ms);
CREATE INDEX outbox_org ON outbox(org_id, id);
CREATE INDEX outbox_staff ON outbox(staff_id, id);
