-- Telemarketing compliance (docs/tm.md) and agent protection (docs/protection.md).
-- Phone numbers are kept as E.164 text beside their 64-bit phone_key
-- (base/phone.h), stored as a signed INTEGER with the same bits.

-- One registered business per telemarketer organisation.
CREATE TABLE tm_businesses (
  id               INTEGER PRIMARY KEY,
  org_id           INTEGER NOT NULL UNIQUE REFERENCES orgs(id),
  name             TEXT NOT NULL,
  registration_id  TEXT NOT NULL,
  contact          TEXT NOT NULL,
  active_from_ms   INTEGER NOT NULL,
  active_to_ms     INTEGER NOT NULL DEFAULT 0,   -- exclusive; 0 = still active
  created_ms       INTEGER NOT NULL
);

CREATE TABLE tm_numbers (
  id             INTEGER PRIMARY KEY,
  business_id    INTEGER NOT NULL REFERENCES tm_businesses(id),
  number         TEXT NOT NULL,                 -- E.164
  number_key     INTEGER NOT NULL,
  valid_from_ms  INTEGER NOT NULL,
  valid_to_ms    INTEGER NOT NULL DEFAULT 0,    -- exclusive; 0 = open-ended
  daily_cap      INTEGER NOT NULL DEFAULT 0,    -- 0 = no cap
  trunks         TEXT NOT NULL DEFAULT '',
  created_ms     INTEGER NOT NULL
);
CREATE INDEX tm_numbers_key ON tm_numbers(number_key);

-- The disclosure log: logged by the business (or its dialer) before each
-- solicitation, stamped with ombud's clock so it cannot be back-dated.
CREATE TABLE tm_disclosures (
  id           INTEGER PRIMARY KEY,
  business_id  INTEGER NOT NULL REFERENCES tm_businesses(id),
  caller       TEXT NOT NULL,
  caller_key   INTEGER NOT NULL,
  callee       TEXT NOT NULL,
  callee_key   INTEGER NOT NULL,
  at_ms        INTEGER NOT NULL,
  source       TEXT NOT NULL
);
CREATE INDEX tm_disclosures_caller ON tm_disclosures(caller_key, at_ms);

-- Do-not-call: business_id 0 is the national list, otherwise the called
-- person refused that business.
CREATE TABLE tm_dnc (
  id           INTEGER PRIMARY KEY,
  callee       TEXT NOT NULL,
  callee_key   INTEGER NOT NULL,
  business_id  INTEGER NOT NULL DEFAULT 0,
  from_ms      INTEGER NOT NULL,
  to_ms        INTEGER NOT NULL DEFAULT 0,
  created_ms   INTEGER NOT NULL
);
CREATE INDEX tm_dnc_callee ON tm_dnc(callee_key);

CREATE TABLE tm_report_counters (
  year  INTEGER PRIMARY KEY,
  last  INTEGER NOT NULL
);

-- Consumer reports with the classification made when they were filed
-- (tm_report_classify): the evidence the regulator decides on.
CREATE TABLE tm_reports (
  id                  INTEGER PRIMARY KEY,
  receipt             TEXT NOT NULL UNIQUE,      -- RPT-2026-0000001
  access_hash         BLOB NOT NULL,
  caller              TEXT NOT NULL,
  caller_key          INTEGER NOT NULL,
  callee              TEXT NOT NULL,
  callee_key          INTEGER NOT NULL,
  call_ms             INTEGER NOT NULL,
  filed_ms            INTEGER NOT NULL,
  reason              TEXT NOT NULL,
  reporter            TEXT NOT NULL,
  text                TEXT NOT NULL DEFAULT '',
  business_id         INTEGER REFERENCES tm_businesses(id),   -- NULL: not registered at call time
  number_id           INTEGER,
  disclosure_id       INTEGER,
  dnc_hit             INTEGER NOT NULL DEFAULT 0,
  solicitations_day   INTEGER NOT NULL DEFAULT 0,
  violations          INTEGER NOT NULL DEFAULT 0,             -- TM_V_* bits
  to_screening        INTEGER NOT NULL DEFAULT 0,
  status              TEXT NOT NULL CHECK (status IN ('open','confirmed','dismissed','screening')),
  decision_id         INTEGER
);
CREATE INDEX tm_reports_business ON tm_reports(business_id, status);

-- Every regulator decision; a confirming one is one sanction.
CREATE TABLE tm_decisions (
  id              INTEGER PRIMARY KEY,
  business_id     INTEGER NOT NULL REFERENCES tm_businesses(id),
  outcome         TEXT NOT NULL CHECK (outcome IN ('confirm','dismiss')),
  reason          TEXT NOT NULL,
  regulator_id    INTEGER NOT NULL REFERENCES staff(id),
  regulator_code  TEXT NOT NULL,
  detected_ms     INTEGER NOT NULL,
  decided_ms      INTEGER NOT NULL,
  n_reports       INTEGER NOT NULL
);

CREATE TABLE tm_sanctions (
  id              INTEGER PRIMARY KEY,
  decision_id     INTEGER NOT NULL UNIQUE REFERENCES tm_decisions(id),
  business_id     INTEGER NOT NULL REFERENCES tm_businesses(id),
  sanction_order  INTEGER NOT NULL,
  fine_krw        INTEGER NOT NULL,
  reason          TEXT NOT NULL,
  regulator_code  TEXT NOT NULL,
  detected_ms     INTEGER NOT NULL,
  decided_ms      INTEGER NOT NULL,
  n_reports       INTEGER NOT NULL
);
CREATE INDEX tm_sanctions_business ON tm_sanctions(business_id, decided_ms);

-- A business's answers to a report or a sanction about itself.
CREATE TABLE tm_answers (
  id           INTEGER PRIMARY KEY,
  business_id  INTEGER NOT NULL REFERENCES tm_businesses(id),
  report_id    INTEGER REFERENCES tm_reports(id),
  sanction_id  INTEGER REFERENCES tm_sanctions(id),
  text         TEXT NOT NULL,
  staff_code   TEXT NOT NULL,
  at_ms        INTEGER NOT NULL
);

-- A contact: one agent's call, chat or thread with a case's customer, open
-- until the agent ends it.
CREATE TABLE protect_contacts (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  agent_id    INTEGER NOT NULL REFERENCES staff(id),
  opened_ms   INTEGER NOT NULL,
  ended_ms    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX protect_contacts_open ON protect_contacts(case_id, agent_id, ended_ms);

-- org_id is the agent's employer: the one that must protect them.
CREATE TABLE protect_incidents (
  id             INTEGER PRIMARY KEY,
  org_id         INTEGER NOT NULL REFERENCES orgs(id),
  case_id        INTEGER NOT NULL REFERENCES cases(id),
  contact_id     INTEGER NOT NULL REFERENCES protect_contacts(id),
  agent_id       INTEGER NOT NULL REFERENCES staff(id),
  customer_key   INTEGER NOT NULL DEFAULT 0,
  kind           INTEGER NOT NULL,
  status         INTEGER NOT NULL,
  at_ms          INTEGER NOT NULL,
  text           TEXT NOT NULL,
  recording_ref  TEXT NOT NULL DEFAULT '',
  reviewed_by    INTEGER NOT NULL DEFAULT 0,
  reviewed_ms    INTEGER NOT NULL DEFAULT 0,
  created_ms     INTEGER NOT NULL
);
CREATE INDEX protect_incidents_org ON protect_incidents(org_id, status);
CREATE INDEX protect_incidents_contact ON protect_incidents(contact_id);

CREATE TABLE protect_warnings (
  id           INTEGER PRIMARY KEY,
  contact_id   INTEGER NOT NULL REFERENCES protect_contacts(id),
  incident_id  INTEGER NOT NULL REFERENCES protect_incidents(id),
  at_ms        INTEGER NOT NULL
);

CREATE TABLE protect_contact_ends (
  id              INTEGER PRIMARY KEY,
  org_id          INTEGER NOT NULL REFERENCES orgs(id),
  case_id         INTEGER NOT NULL REFERENCES cases(id),
  contact_id      INTEGER NOT NULL UNIQUE REFERENCES protect_contacts(id),
  ended_by        INTEGER NOT NULL REFERENCES staff(id),
  ended_ms        INTEGER NOT NULL,
  handover_to     INTEGER NOT NULL REFERENCES staff(id),
  handover_level  INTEGER NOT NULL
);

CREATE TABLE protect_breaks (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  agent_id     INTEGER NOT NULL REFERENCES staff(id),
  incident_id  INTEGER NOT NULL DEFAULT 0,
  start_ms     INTEGER NOT NULL,
  minutes      INTEGER NOT NULL,
  given_by     INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX protect_breaks_agent ON protect_breaks(agent_id, start_ms);

-- Private to the agent and their manager; never in the figures.
CREATE TABLE protect_counselling (
  id        INTEGER PRIMARY KEY,
  org_id    INTEGER NOT NULL REFERENCES orgs(id),
  agent_id  INTEGER NOT NULL REFERENCES staff(id),
  text      TEXT NOT NULL DEFAULT '',
  at_ms     INTEGER NOT NULL
);

CREATE TABLE protect_dossiers (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  agent_id    INTEGER NOT NULL REFERENCES staff(id),
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  created_ms  INTEGER NOT NULL
);
