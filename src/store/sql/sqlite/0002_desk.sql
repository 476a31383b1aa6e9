-- The desk: categories, cases, their hash-chained events and signed heads.
-- A case's state columns mirror struct desk_case (desk/case.h) one to one;
-- personal data (name, contact, subject, texts) sits beside the chain in
-- case_personal and case_texts, which the chain holds only salted commitments to.

CREATE TABLE org_keys (
  org_id      INTEGER PRIMARY KEY REFERENCES orgs(id),
  public_key  BLOB NOT NULL,            -- Ed25519, published with the heads
  secret_key  BLOB NOT NULL,
  created_ms  INTEGER NOT NULL
);

CREATE TABLE categories (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  dept_id      INTEGER NOT NULL REFERENCES departments(id),
  code         TEXT NOT NULL,
  name         TEXT NOT NULL,
  name_en      TEXT NOT NULL DEFAULT '',
  about_center INTEGER NOT NULL DEFAULT 0,  -- "about the customer center itself": straight to L4
  created_ms   INTEGER NOT NULL,
  UNIQUE (org_id, code)
);

-- Receipt serials: gapless per organisation and year because the counter
-- moves in the same transaction as the case it numbers.
CREATE TABLE receipt_counters (
  org_id  INTEGER NOT NULL REFERENCES orgs(id),
  year    INTEGER NOT NULL,
  last    INTEGER NOT NULL,
  PRIMARY KEY (org_id, year)
);

CREATE TABLE cases (
  id                   INTEGER PRIMARY KEY,
  org_id               INTEGER NOT NULL REFERENCES orgs(id),
  receipt              TEXT NOT NULL UNIQUE,
  access_hash          BLOB NOT NULL,
  category_id          INTEGER NOT NULL REFERENCES categories(id),
  events               INTEGER NOT NULL DEFAULT 0,   -- events appended so far (next seq)
  head_hash            BLOB,                          -- hash of the last event
  next_due_ms          INTEGER,                       -- earliest running deadline, for the sweep
  -- struct desk_case
  dept_id              INTEGER NOT NULL,
  about_center         INTEGER NOT NULL,
  channel              INTEGER NOT NULL,
  level                INTEGER NOT NULL,
  status               INTEGER NOT NULL,
  handler_staff_id     INTEGER NOT NULL,
  handler_role         INTEGER NOT NULL,
  answer_kind          INTEGER NOT NULL,
  answer_level         INTEGER NOT NULL,
  answer_start_ms      INTEGER NOT NULL,
  answer_due_ms        INTEGER NOT NULL,
  final_kind           INTEGER NOT NULL,
  final_level          INTEGER NOT NULL,
  final_start_ms       INTEGER NOT NULL,
  final_due_ms         INTEGER NOT NULL,
  dispute_open         INTEGER NOT NULL,
  awaiting_responsible INTEGER NOT NULL,
  answers              INTEGER NOT NULL,
  opened_ms            INTEGER NOT NULL,
  first_answer_due_ms  INTEGER NOT NULL,
  first_answer_ms      INTEGER NOT NULL,
  closed_ms            INTEGER NOT NULL,
  referred_ms          INTEGER NOT NULL,
  first_demand_ms      INTEGER NOT NULL,
  responsible_ms       INTEGER NOT NULL,
  demands              INTEGER NOT NULL,
  demands_open         INTEGER NOT NULL,
  demands_in_time      INTEGER NOT NULL,
  repeated_answers     INTEGER NOT NULL,
  esc_demand           INTEGER NOT NULL,
  esc_deadline         INTEGER NOT NULL,
  esc_dispute          INTEGER NOT NULL,
  esc_repeat           INTEGER NOT NULL,
  esc_about_center     INTEGER NOT NULL
);
CREATE INDEX cases_due ON cases(next_due_ms) WHERE next_due_ms IS NOT NULL;
CREATE INDEX cases_queue ON cases(org_id, status, answer_due_ms);
CREATE INDEX cases_opened ON cases(org_id, opened_ms);

CREATE TABLE case_personal (
  case_id   INTEGER PRIMARY KEY REFERENCES cases(id),
  salt      BLOB NOT NULL,
  name      TEXT NOT NULL,
  contact   TEXT NOT NULL,
  subject   TEXT NOT NULL,
  text      TEXT NOT NULL
);

-- One row per event, holding exactly the fields of the canonical encoding
-- (docs/chain.md) so verify can recompute every hash.
CREATE TABLE case_events (
  case_id         INTEGER NOT NULL REFERENCES cases(id),
  seq             INTEGER NOT NULL,
  at_ms           INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  actor_role      TEXT NOT NULL,
  actor_org       TEXT NOT NULL,
  actor_staff     TEXT NOT NULL,
  actor_dept      TEXT NOT NULL,             -- shown with the message; not chained
  level_before    INTEGER NOT NULL,
  level_after     INTEGER NOT NULL,
  cause           TEXT NOT NULL,
  deadline_set    TEXT NOT NULL,
  deadline_due_ms INTEGER NOT NULL,
  deadline_met    TEXT NOT NULL,
  deadline_missed TEXT NOT NULL,
  flags           INTEGER NOT NULL,
  reply_class     TEXT NOT NULL,
  detail          TEXT NOT NULL,
  commitment      BLOB,
  hash            BLOB NOT NULL,
  PRIMARY KEY (case_id, seq)
);

-- Texts of messages, notes and answers: personal data beside the chain.
CREATE TABLE case_texts (
  case_id  INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  salt     BLOB NOT NULL,
  body     TEXT NOT NULL,
  PRIMARY KEY (case_id, seq),
  FOREIGN KEY (case_id, seq) REFERENCES case_events(case_id, seq)
);

-- Every signed head; the day's last per organisation is published.
CREATE TABLE case_heads (
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  seq           INTEGER NOT NULL,
  hash          BLOB NOT NULL,
  signed_at_ms  INTEGER NOT NULL,
  sig           BLOB NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX case_heads_day ON case_heads(signed_at_ms);

CREATE TABLE answer_templates (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_ms  INTEGER NOT NULL
);

-- Outward referral options per organisation (rule 3, L5).
CREATE TABLE referral_options (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  name        TEXT NOT NULL,
  contact     TEXT NOT NULL,
  created_ms  INTEGER NOT NULL
);

-- A one-time code sent to the case's contact, exchanged for a new access
-- code when the customer lost theirs. Stored as a keyed hash; expires.
CREATE TABLE case_otps (
  case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
  code_hash   BLOB NOT NULL,
  expires_ms  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0
);
