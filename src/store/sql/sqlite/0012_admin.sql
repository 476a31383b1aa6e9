-- Administration (docs/api.md, "Administration"): the audit trail, each
-- organisation's deadlines, business hours and holidays, vendor contracts
-- with their categories and agents, staff who left, and signing keys that
-- rotate while every old head stays verifiable.

-- Every administrative change, written in the transaction of the change.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  at_ms       INTEGER NOT NULL,
  staff_code  TEXT NOT NULL,             -- who; 'operator' for the command line
  action      TEXT NOT NULL,             -- e.g. dept.update, staff.leave, key.rotate
  target      TEXT NOT NULL,             -- the code of what changed
  before      TEXT NOT NULL,             -- JSON object, 'null' for a creation
  after       TEXT NOT NULL              -- JSON object, 'null' for an ending
);
CREATE INDEX audit_log_org ON audit_log(org_id, id);

-- Deadlines per level and the working calendar of one organisation; without
-- a row the [desk] settings of the configuration apply.
CREATE TABLE org_desk_settings (
  org_id                    INTEGER PRIMARY KEY REFERENCES orgs(id),
  first_answer_hours        INTEGER NOT NULL,
  responsible_contact_hours INTEGER NOT NULL,
  l2_answer_hours           INTEGER NOT NULL,
  l3_answer_hours           INTEGER NOT NULL,
  l4_answer_hours           INTEGER NOT NULL,
  final_answer_days         INTEGER NOT NULL,
  business_hours            INTEGER NOT NULL,  -- count open hours instead of calendar hours
  utc_offset_min            INTEGER NOT NULL,
  week                      TEXT NOT NULL,     -- Monday first: seven "open-close" local minutes, "0-0" closed
  updated_ms                INTEGER NOT NULL
);

CREATE TABLE org_holidays (
  org_id  INTEGER NOT NULL REFERENCES orgs(id),
  day     INTEGER NOT NULL,              -- local date as YYYYMMDD
  name    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, day)
);

-- A vendor contract: the vendor_clients row, limited to listed categories
-- and agents unless all_categories / all_agents (rows made before contracts
-- had lists keep acting for everything).
ALTER TABLE vendor_clients ADD COLUMN all_categories INTEGER NOT NULL DEFAULT 1;
ALTER TABLE vendor_clients ADD COLUMN all_agents INTEGER NOT NULL DEFAULT 1;
CREATE TABLE vendor_contract_categories (
  vendor_id    INTEGER NOT NULL,
  client_id    INTEGER NOT NULL,
  category_id  INTEGER NOT NULL REFERENCES categories(id),
  PRIMARY KEY (vendor_id, client_id, category_id),
  FOREIGN KEY (vendor_id, client_id) REFERENCES vendor_clients(vendor_id, client_id)
);
CREATE TABLE vendor_contract_agents (
  vendor_id  INTEGER NOT NULL,
  client_id  INTEGER NOT NULL,
  staff_id   INTEGER NOT NULL REFERENCES staff(id),
  PRIMARY KEY (vendor_id, client_id, staff_id),
  FOREIGN KEY (vendor_id, client_id) REFERENCES vendor_clients(vendor_id, client_id)
);

-- Staff who left: active = 0 and when; their events keep their codes.
ALTER TABLE staff ADD COLUMN left_ms INTEGER;

-- Signing keys, one current (retired_ms NULL) per organisation and every
-- earlier one kept, so each head is checked with the key that signed it.
CREATE TABLE org_signing_keys (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  public_key  BLOB NOT NULL,
  secret_key  BLOB NOT NULL,
  created_ms  INTEGER NOT NULL,
  retired_ms  INTEGER
);
CREATE UNIQUE INDEX org_signing_keys_current ON org_signing_keys(org_id) WHERE retired_ms IS NULL;
INSERT INTO org_signing_keys (org_id, public_key, secret_key, created_ms)
  SELECT org_id, public_key, secret_key, created_ms FROM org_keys ORDER BY org_id;
DROP TABLE org_keys;
ALTER TABLE case_heads ADD COLUMN key_id INTEGER REFERENCES org_signing_keys(id);
UPDATE case_heads SET key_id = (SELECT k.id FROM org_signing_keys k JOIN cases c ON c.org_id = k.org_id
                                WHERE c.id = case_heads.case_id);
