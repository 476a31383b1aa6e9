/* screen_sync.h — screening across nodes that share one database
 * (docs/screening.md, "Several nodes").
 *
 * Owns one thread per node and its listener connection (store.h): it
 * applies the blocks and lifts other nodes recorded and their changes to
 * the allowlist, and exchanges the engine's per-cell and per-trunk
 * partials with theirs.
 * - Blocks: every block and lift is a row of screen_block_changes, written
 *   in the transaction that records it. On PostgreSQL the commit sends a
 *   notice and the thread reads the new rows at once; without a notice (the
 *   listener lost, SQLite) it reads them every poll_ms, and always once a
 *   listener is (re)opened. Reads start a little before the last row seen,
 *   because rows commit in another order than their ids were given; the
 *   block is applied as its row stands (screen_block_apply), so a row read
 *   twice does no harm.
 * - Allowlist: the same, through screen_allow_changes: an entry is applied
 *   as its row stands (added, or removed).
 * - Partials: every partials_ms it writes the engine's own partials (one
 *   row per cell or trunk and epoch), reads the other nodes' written in the
 *   last three intervals and hands them to the engine, whose next merge
 *   (the sweep's) folds them in.
 * Does not: decide verdicts (screen/), record blocks (app/screening.c). */
#ifndef OMBUD_APP_SCREEN_SYNC_H
#define OMBUD_APP_SCREEN_SYNC_H

#include <stdint.h>

#include "screen/screen.h"
#include "store/store.h"

struct screen_sync_config {
	const char *node;            /* this node's name (copied) */
	int64_t poll_ms;             /* catch-up reads without a notice */
	int64_t partials_ms;         /* partials written and read; 0 = never (one node) */
	uint16_t default_cc;         /* for the numbers of the rows */
	/* told of each block applied, so the sweep does not record it again;
	 * may be NULL */
	void (*applied)(void *arg, const char *number, int64_t from_ms, int64_t until_ms);
	void *arg;
};

struct screen_sync;

/* Starts the thread; st and e must outlive screen_sync_stop. 0 or OMB_EIO. */
int screen_sync_start(struct store *st, struct screen_engine *e, const struct screen_sync_config *cfg,
		      struct screen_sync **out);
/* Stops the thread and closes its listener; NULL is a no-op. */
void screen_sync_stop(struct screen_sync *s);

/* Applies every allowlist entry of st to e, a removed one as removed. */
int screen_sync_allowlist(struct store *st, struct screen_engine *e, uint16_t default_cc);

/* Process-wide figures for /metrics. */
struct screen_sync_stats {
	uint64_t applied;            /* block and lift rows that changed the engine */
	uint64_t allow_changes;      /* allowlist additions and removals applied */
	uint64_t notices;            /* notices heard */
	uint64_t catchups;           /* reads of changes */
	uint64_t reconnects;         /* listeners opened again after one was lost */
	uint64_t partials_out, partials_in; /* rows written, rows read */
	int listening;               /* 1 while a listener is open */
	int64_t lag_last_ms;         /* from a row's write on its node to its application here */
	int64_t lag_max_ms;
};
void screen_sync_stats(struct screen_sync_stats *out);

#endif
