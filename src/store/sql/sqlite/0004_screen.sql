-- Call screening (docs/screening.md): what the in-memory engine decided that
-- must outlive it. Numbers are E.164 text beside their 64-bit phone_key
-- (base/phone.h) stored as a signed INTEGER with the same bits.

-- A block as the engine or an operator set it; never deleted. A lift ends it
-- early and says who lifted it and why.
CREATE TABLE screen_blocks (
  id           INTEGER PRIMARY KEY,
  number       TEXT NOT NULL,
  number_key   INTEGER NOT NULL,
  reasons      TEXT NOT NULL,                 -- reason codes, ';'-separated
  score        INTEGER NOT NULL,
  operator     INTEGER NOT NULL DEFAULT 0,    -- set by a screening operator
  set_by       TEXT NOT NULL DEFAULT '',      -- the operator's staff code; '' = the engine
  note         TEXT NOT NULL DEFAULT '',      -- the operator's reason
  from_ms      INTEGER NOT NULL,
  until_ms     INTEGER NOT NULL,
  lifted_ms    INTEGER NOT NULL DEFAULT 0,
  lifted_by    TEXT NOT NULL DEFAULT '',
  lift_reason  TEXT NOT NULL DEFAULT '',
  UNIQUE (number_key, from_ms)
);
CREATE INDEX screen_blocks_until ON screen_blocks(until_ms);

-- The evidence of a number as the engine held it at taken_ms: when its block
-- was recorded, when it was lifted, and when its holder appealed.
CREATE TABLE screen_evidence (
  id                INTEGER PRIMARY KEY,
  block_id          INTEGER REFERENCES screen_blocks(id),
  number            TEXT NOT NULL,
  number_key        INTEGER NOT NULL,
  taken_ms          INTEGER NOT NULL,
  first_seen_ms     INTEGER NOT NULL,
  last_seen_ms      INTEGER NOT NULL,
  attempts          INTEGER NOT NULL,
  attempts_1m       INTEGER NOT NULL,
  attempts_10m      INTEGER NOT NULL,
  attempts_60m      INTEGER NOT NULL,
  distinct_callees  INTEGER NOT NULL,
  ends              INTEGER NOT NULL,
  answered          INTEGER NOT NULL,
  short_calls       INTEGER NOT NULL,
  origins           INTEGER NOT NULL,               -- bit 0 domestic, bit 1 international
  trunks_seen       INTEGER NOT NULL,
  blocked           INTEGER NOT NULL,
  operator_block    INTEGER NOT NULL,
  block_from_ms     INTEGER NOT NULL,
  block_until_ms    INTEGER NOT NULL
);
CREATE INDEX screen_evidence_key ON screen_evidence(number_key, id);

-- Callees who answered (the likely victims), trunks and cells seen.
CREATE TABLE screen_evidence_items (
  evidence_id  INTEGER NOT NULL REFERENCES screen_evidence(id),
  kind         TEXT NOT NULL CHECK (kind IN ('answered','trunk','cell')),
  seq          INTEGER NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (evidence_id, kind, seq)
);

-- The rule timeline: every change of verdict or reasons.
CREATE TABLE screen_evidence_timeline (
  evidence_id  INTEGER NOT NULL REFERENCES screen_evidence(id),
  seq          INTEGER NOT NULL,
  at_ms        INTEGER NOT NULL,
  verdict      TEXT NOT NULL,
  score        INTEGER NOT NULL,
  reasons      TEXT NOT NULL,
  PRIMARY KEY (evidence_id, seq)
);

-- The operator allowlist: overrides every score.
CREATE TABLE screen_allowlist (
  id          INTEGER PRIMARY KEY,
  number      TEXT NOT NULL,
  number_key  INTEGER NOT NULL UNIQUE,
  reason      TEXT NOT NULL,
  added_by    TEXT NOT NULL,
  added_ms    INTEGER NOT NULL
);

-- A number holder's appeal: proven by a one-time code sent to the number,
-- then decided by a screening operator.
CREATE TABLE screen_appeals (
  id               INTEGER PRIMARY KEY,
  number           TEXT NOT NULL,
  number_key       INTEGER NOT NULL,
  code_hash        BLOB NOT NULL,
  code_expires_ms  INTEGER NOT NULL,
  code_attempts    INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL CHECK (status IN ('unconfirmed','open','lifted','rejected')),
  statement        TEXT NOT NULL DEFAULT '',
  block_id         INTEGER REFERENCES screen_blocks(id),
  evidence_id      INTEGER REFERENCES screen_evidence(id),
  created_ms       INTEGER NOT NULL,
  confirmed_ms     INTEGER NOT NULL DEFAULT 0,
  decided_ms       INTEGER NOT NULL DEFAULT 0,
  decided_by       TEXT NOT NULL DEFAULT '',
  decision_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX screen_appeals_status ON screen_appeals(status, id);

-- Small named values of the server's screening (e.g. the last consumer
-- report fed to the engine as of its last snapshot).
CREATE TABLE screen_state (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
