-- Screening across nodes on one database (docs/screening.md, "Several nodes").
-- (Numbered 0011 in the shared plan; 0008 in this branch while 0008-0010 are
-- elsewhere, since the runner wants no gaps.)

-- Every block set and every lift, in the order written: a node reads those
-- past the last it applied and enforces the block as the row stands now.
CREATE TABLE screen_block_changes (
  id          INTEGER PRIMARY KEY,
  block_id    INTEGER NOT NULL REFERENCES screen_blocks(id),
  changed_ms  INTEGER NOT NULL
);

-- Each node's own per-cell and per-trunk partials of an aggregate epoch
-- (15 minutes of event time), rewritten on its interval; the other nodes
-- add them to their own. Counts add up; the sketches are 64-register
-- HyperLogLogs, merged by register maximum.
CREATE TABLE screen_agg_partials (
  node        TEXT NOT NULL,
  agg_key     INTEGER NOT NULL,            -- the cell's or trunk's hash, the same on every node
  epoch       INTEGER NOT NULL,
  name        TEXT NOT NULL,
  attempts    INTEGER NOT NULL,
  ends        INTEGER NOT NULL,
  answered    INTEGER NOT NULL,
  bad         INTEGER NOT NULL,
  fresh_ends  INTEGER NOT NULL,
  fresh_bad   INTEGER NOT NULL,
  suspects    BLOB NOT NULL,
  newcomers   BLOB NOT NULL,
  updated_ms  INTEGER NOT NULL,
  PRIMARY KEY (node, agg_key, epoch)
);
CREATE INDEX screen_agg_partials_epoch ON screen_agg_partials(epoch);
