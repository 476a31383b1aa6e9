-- PostgreSQL dialect of sql/sqlite/0006_delivery.sql: BIGINT for INTEGER.
-- SQLite rebuilds outbox to change its status CHECK; PostgreSQL adds the
-- columns and replaces the constraint in place.
-- Delivery of the outbox over the network (docs/operations.md, "Delivery").
-- A message is claimed before it is sent ('sending', with a lease in next_ms
-- and a random claim token), so no write transaction is held during network
-- I/O and two deliverers never send the same claimed message; a claim whose
-- lease ran out (the process died mid-send) is taken again. attempts counts
-- claims. staff_id is who queued the message (NULL for the system or a
-- customer): they may read its delivery state. provider_ref is the id the
-- relay or gateway gave it.

ALTER TABLE outbox
  ADD COLUMN staff_id     BIGINT REFERENCES staff(id),
  ADD COLUMN claim        BIGINT NOT NULL DEFAULT 0,   -- the claim token while sending, else 0
  ADD COLUMN provider_ref TEXT NOT NULL DEFAULT '',
  DROP CONSTRAINT outbox_status_check,
  ADD CONSTRAINT outbox_status_check CHECK (status IN ('queued','sending','sent','dead'));
-- next_ms: queued, when due; sending, when the claim's lease ends.
CREATE INDEX outbox_org ON outbox(org_id, id);
CREATE INDEX outbox_staff ON outbox(staff_id, id);
