-- PostgreSQL dialect of sql/sqlite/0005_protect_settings.sql, table for table:
-- BIGINT for INTEGER. SQLite rebuilds protect_contact_ends to drop a NOT NULL;
-- PostgreSQL drops it in place.
-- Agent protection per organisation (docs/protection.md): settings, the
-- designated senior handlers, and who the customer of each case is, as a
-- keyed hash of the case's contact so no number or address is repeated here.

-- One row per organisation that changed a default; no row = the defaults.
CREATE TABLE protect_settings (
  org_id                  BIGINT PRIMARY KEY REFERENCES orgs(id),
  warn_verbal_abuse       BIGINT NOT NULL,   -- warnings before the agent may end the contact
  warn_threat             BIGINT NOT NULL,
  warn_sexual_harassment  BIGINT NOT NULL,
  warn_assault            BIGINT NOT NULL,
  senior_after            BIGINT NOT NULL,   -- confirmed incidents within senior_period_days ...
  senior_period_days      BIGINT NOT NULL,   -- ... route the customer to a senior handler
  warning_ko              TEXT NOT NULL,     -- '' = the default text
  warning_en              TEXT NOT NULL,
  support_contact         TEXT NOT NULL,     -- for the dossier; '' = the reviewing manager
  updated_by              BIGINT NOT NULL REFERENCES staff(id),
  updated_ms              BIGINT NOT NULL
);

-- Staff a repeatedly abusive customer's cases are routed to.
CREATE TABLE protect_seniors (
  org_id    BIGINT NOT NULL REFERENCES orgs(id),
  staff_id  BIGINT NOT NULL REFERENCES staff(id),
  PRIMARY KEY (org_id, staff_id)
);

-- The customer of a case: BLAKE2b of the normalised contact keyed with the
-- server secret, first 8 bytes as a signed integer. Filled when the case is
-- opened (or by the sweep for cases opened before), read by the routing.
CREATE TABLE protect_case_customers (
  case_id       BIGINT PRIMARY KEY REFERENCES cases(id),
  org_id        BIGINT NOT NULL REFERENCES orgs(id),
  customer_key  BIGINT NOT NULL
);
CREATE INDEX protect_case_customers_key ON protect_case_customers(org_id, customer_key);

-- An incident's customer is its case's: the phone_key copy is gone.
ALTER TABLE protect_incidents DROP COLUMN customer_key;

-- A contact ended with nobody else at the case's level or above goes to the
-- queue of that level: handover_to is NULL then.
ALTER TABLE protect_contact_ends ALTER COLUMN handover_to DROP NOT NULL;
