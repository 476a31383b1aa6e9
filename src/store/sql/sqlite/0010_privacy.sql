-- Privacy (docs/privacy.md): who read a customer's personal data and why,
-- retention periods, erasures and consents. Nothing here is chained: the
-- chain of a case stays exactly as it was signed, erased or not.

-- Each read of a case's personal data by staff (the case view, a download,
-- a file, a dossier, an export). Who is copied as text so the record stays
-- as it was when the account changes or leaves.
CREATE TABLE case_reads (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  org_id      INTEGER NOT NULL REFERENCES orgs(id),   -- the case's organisation
  at_ms       INTEGER NOT NULL,
  staff_id    INTEGER NOT NULL REFERENCES staff(id),
  staff_code  TEXT NOT NULL,
  role        TEXT NOT NULL,
  staff_org   TEXT NOT NULL,                          -- the reader's organisation code (a vendor's, for its agents)
  what        TEXT NOT NULL,                          -- view, download, attachment, dossier, export
  purpose     TEXT NOT NULL                           -- from the documented list
);
CREATE INDEX case_reads_case ON case_reads(case_id, id);
CREATE INDEX case_reads_org ON case_reads(org_id, id);

-- Retention in days after a case closes, per organisation (category_id 0)
-- and per category; no row = privacy.retention_days.
CREATE TABLE retention_periods (
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  category_id  INTEGER NOT NULL,                      -- 0 = the organisation's default
  days         INTEGER NOT NULL,
  updated_by   INTEGER NOT NULL REFERENCES staff(id),
  updated_ms   INTEGER NOT NULL,
  PRIMARY KEY (org_id, category_id)
);

-- A case whose personal data was erased: when, why and on whose word.
CREATE TABLE case_erasures (
  case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
  at_ms       INTEGER NOT NULL,
  cause       TEXT NOT NULL,                          -- request, admin, retention
  staff_code  TEXT NOT NULL,                          -- the admin's, for cause admin; else ''
  note        TEXT NOT NULL                           -- admin: how the request was verified
);

-- Consents for optional uses, as a history: the current one is the latest
-- row per case and purpose.
CREATE TABLE case_consents (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  purpose     TEXT NOT NULL,                          -- survey, marketing
  granted     INTEGER NOT NULL,                       -- 1 granted, 0 withdrawn
  wording     TEXT NOT NULL,                          -- version of the text the customer saw
  at_ms       INTEGER NOT NULL
);
CREATE INDEX case_consents_case ON case_consents(case_id, purpose, id);

-- Closed cases by closing time, for the retention sweep.
CREATE INDEX cases_closed ON cases(closed_ms) WHERE closed_ms > 0;
