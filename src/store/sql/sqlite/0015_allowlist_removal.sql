-- An allowlist entry can be removed, and every addition and removal is
-- kept in the order written, with who and why (docs/screening.md, "The
-- engine in the server"): each node reads those past the last it applied
-- and enforces the entry as its row stands now. A removed entry keeps its
-- row; adding the number again brings it back.
ALTER TABLE screen_allowlist ADD COLUMN removed_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE screen_allowlist ADD COLUMN removed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE screen_allowlist ADD COLUMN remove_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE screen_allow_changes (
  id          INTEGER PRIMARY KEY,
  allow_id    INTEGER NOT NULL REFERENCES screen_allowlist(id),
  action      TEXT NOT NULL CHECK (action IN ('add', 'remove')),
  by_staff    TEXT NOT NULL,
  reason      TEXT NOT NULL,
  changed_ms  INTEGER NOT NULL
);

-- the entries made before this table, so that their history starts whole
INSERT INTO screen_allow_changes (allow_id, action, by_staff, reason, changed_ms)
  SELECT id, 'add', added_by, reason, added_ms FROM screen_allowlist ORDER BY id;
