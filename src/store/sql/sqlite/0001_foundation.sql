-- Organisations, their departments and staff, sessions, API keys, the outbox.
-- Times are milliseconds since the Unix epoch (UTC) from ombud's clock.

CREATE TABLE orgs (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,   -- short code in URLs and receipt numbers, e.g. KB
  kind        TEXT NOT NULL CHECK (kind IN ('company','vendor','regulator','carrier','police','telemarketer')),
  name        TEXT NOT NULL,
  name_en     TEXT NOT NULL DEFAULT '',
  show_names  INTEGER NOT NULL DEFAULT 0,  -- may staff names be shown to customers at all
  created_ms  INTEGER NOT NULL
);

-- A vendor (outsourced call center) acts for client companies.
CREATE TABLE vendor_clients (
  vendor_id   INTEGER NOT NULL REFERENCES orgs(id),
  client_id   INTEGER NOT NULL REFERENCES orgs(id),
  created_ms  INTEGER NOT NULL,
  PRIMARY KEY (vendor_id, client_id)
);

CREATE TABLE departments (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES orgs(id),
  code          TEXT NOT NULL,
  name          TEXT NOT NULL,
  name_en       TEXT NOT NULL DEFAULT '',
  contact_line  TEXT NOT NULL DEFAULT '',  -- the direct line companies hide behind the call center
  manager_title TEXT NOT NULL DEFAULT '',
  created_ms    INTEGER NOT NULL,
  UNIQUE (org_id, code)
);

CREATE TABLE staff (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  dept_id      INTEGER REFERENCES departments(id),
  login        TEXT NOT NULL UNIQUE,
  pw_hash      TEXT NOT NULL,            -- Argon2id encoded string
  role         TEXT NOT NULL,
  staff_code   TEXT NOT NULL,            -- stable public code shown on every message
  display_name TEXT NOT NULL DEFAULT '',
  show_name    INTEGER NOT NULL DEFAULT 0,
  active       INTEGER NOT NULL DEFAULT 1,
  created_ms   INTEGER NOT NULL,
  UNIQUE (org_id, staff_code)
);

-- Sessions and API keys: the selector is public, the rest of the token is
-- kept only as a keyed BLAKE2b hash.
CREATE TABLE sessions (
  selector    TEXT PRIMARY KEY,
  token_hash  BLOB NOT NULL,
  csrf_hash   BLOB NOT NULL,
  staff_id    INTEGER NOT NULL REFERENCES staff(id),
  created_ms  INTEGER NOT NULL,
  expires_ms  INTEGER NOT NULL
);
CREATE INDEX sessions_staff ON sessions(staff_id);

CREATE TABLE api_keys (
  selector    TEXT PRIMARY KEY,
  token_hash  BLOB NOT NULL,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  name        TEXT NOT NULL,
  scopes      TEXT NOT NULL,             -- space-separated route scopes
  created_by  INTEGER REFERENCES staff(id),
  created_ms  INTEGER NOT NULL,
  revoked_ms  INTEGER
);

-- Messages to customers, staff and number holders: stored first, then
-- delivered by a sender; nothing is sent that was not stored.
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER REFERENCES orgs(id),
  channel     TEXT NOT NULL CHECK (channel IN ('email','sms','staff')),
  recipient   TEXT NOT NULL,
  subject     TEXT NOT NULL DEFAULT '',
  body        TEXT NOT NULL,
  ref         TEXT NOT NULL DEFAULT '',  -- what it is about, e.g. a receipt number
  status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','dead')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  next_ms     INTEGER NOT NULL,
  sent_ms     INTEGER,
  last_error  TEXT NOT NULL DEFAULT '',
  created_ms  INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, next_ms);
