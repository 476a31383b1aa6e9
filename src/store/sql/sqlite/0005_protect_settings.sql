-- Agent protection per organisation (docs/protection.md): settings, the
-- designated senior handlers, and who the customer of each case is, as a
-- keyed hash of the case's contact so no number or address is repeated here.

-- One row per organisation that changed a default; no row = the defaults.
CREATE TABLE protect_settings (
  org_id                  INTEGER PRIMARY KEY REFERENCES orgs(id),
  warn_verbal_abuse       INTEGER NOT NULL,   -- warnings before the agent may end the contact
  warn_threat             INTEGER NOT NULL,
  warn_sexual_harassment  INTEGER NOT NULL,
  warn_assault            INTEGER NOT NULL,
  senior_after            INTEGER NOT NULL,   -- confirmed incidents within senior_period_days ...
  senior_period_days      INTEGER NOT NULL,   -- ... route the customer to a senior handler
  warning_ko              TEXT NOT NULL,      -- '' = the default text
  warning_en              TEXT NOT NULL,
  support_contact         TEXT NOT NULL,      -- for the dossier; '' = the reviewing manager
  updated_by              INTEGER NOT NULL REFERENCES staff(id),
  updated_ms              INTEGER NOT NULL
);

-- Staff a repeatedly abusive customer's cases are routed to.
CREATE TABLE protect_seniors (
  org_id    INTEGER NOT NULL REFERENCES orgs(id),
  staff_id  INTEGER NOT NULL REFERENCES staff(id),
  PRIMARY KEY (org_id, staff_id)
);

-- The customer of a case: BLAKE2b of the normalised contact keyed with the
-- server secret, first 8 bytes as a signed integer. Filled when the case is
-- opened (or by the sweep for cases opened before), read by the routing.
CREATE TABLE protect_case_customers (
  case_id       INTEGER PRIMARY KEY REFERENCES cases(id),
  org_id        INTEGER NOT NULL REFERENCES orgs(id),
  customer_key  INTEGER NOT NULL
);
CREATE INDEX protect_case_customers_key ON protect_case_customers(org_id, customer_key);

-- An incident's customer is its case's: the phone_key copy is gone.
ALTER TABLE protect_incidents DROP COLUMN customer_key;

-- A contact ended with nobody else at the case's level or above goes to the
-- queue of that level: handover_to becomes NULL then.
CREATE TABLE protect_contact_ends_new (
  id              INTEGER PRIMARY KEY,
  org_id          INTEGER NOT NULL REFERENCES orgs(id),
  case_id         INTEGER NOT NULL REFERENCES cases(id),
  contact_id      INTEGER NOT NULL UNIQUE REFERENCES protect_contacts(id),
  ended_by        INTEGER NOT NULL REFERENCES staff(id),
  ended_ms        INTEGER NOT NULL,
  handover_to     INTEGER REFERENCES staff(id),   -- NULL: the queue of handover_level
  handover_level  INTEGER NOT NULL
);
INSERT INTO protect_contact_ends_new SELECT * FROM protect_contact_ends;
DROP TABLE protect_contact_ends;
ALTER TABLE protect_contact_ends_new RENAME TO protect_contact_ends;
