/* screen_sync.c — the thread that keeps a node's engine in step with the
 * other nodes on its database (screen_sync.h). */
#include "app/screen_sync.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/screening.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

#define CHANNEL        "ombud_screen"
#define CHANGES_BATCH  1000
/* Change rows are read from this many ids before the last one seen: a
 * transaction that took its ids earlier may commit later. */
#define CHANGES_OVERLAP 1024
#define WAIT_SLICE_MS  200      /* how soon a stop is noticed */
#define REOPEN_MS      1000     /* between attempts to open a listener */
#define PARTIALS_KEEP  3        /* other nodes' rows older than this many intervals are gone nodes' */

struct screen_sync {
	struct store *st;
	struct screen_engine *e;
	struct screen_sync_config cfg;
	char *node;
	char *who;                   /* the listener's application_name */
	pthread_t thread;
	atomic_bool stop;
	struct store_listener *listener;
	bool caught_up;              /* the first read (every unexpired block) is done */
	int64_t last_change;         /* highest change id applied */
	int64_t last_allow_change;   /* the same, of the allowlist */
	int64_t next_poll_ms, next_partials_ms, next_open_ms;
	bool opened_before;
};

static struct {
	atomic_uint_fast64_t applied, allow_changes, notices, catchups, reconnects, partials_out, partials_in;
	atomic_int listening;
	atomic_int_fast64_t lag_last_ms, lag_max_ms;
} stats;

void screen_sync_stats(struct screen_sync_stats *out)
{
	*out = (struct screen_sync_stats){
		.applied = atomic_load(&stats.applied), .allow_changes = atomic_load(&stats.allow_changes),
		.notices = atomic_load(&stats.notices),
		.catchups = atomic_load(&stats.catchups), .reconnects = atomic_load(&stats.reconnects),
		.partials_out = atomic_load(&stats.partials_out), .partials_in = atomic_load(&stats.partials_in),
		.listening = atomic_load(&stats.listening), .lag_last_ms = atomic_load(&stats.lag_last_ms),
		.lag_max_ms = atomic_load(&stats.lag_max_ms)};
}

static void note_lag(int64_t lag)
{
	lag = lag < 0 ? 0 : lag;
	atomic_store(&stats.lag_last_ms, lag);
	int_fast64_t max = atomic_load(&stats.lag_max_ms);
	while (lag > max && !atomic_compare_exchange_weak(&stats.lag_max_ms, &max, lag))
		;
}

/* ---- blocks and lifts ---- */

struct change_read {
	struct screen_sync *s;
	int64_t now, seen_before, last;
	int rows;
};

/* Columns of SCREEN_CHANGES_AFTER and SCREEN_BLOCKS_UNEXPIRED: id, when
 * written, number, reasons, operator, from, until, lifted. */
static int change_row(void *ctx, const struct store_row *row)
{
	struct change_read *r = ctx;
	struct screen_sync *s = r->s;
	int64_t id = store_row_int(row, 0);
	r->last = id > r->last ? id : r->last;
	r->rows++;
	const char *number = store_row_text(row, 2);
	struct screen_block_state b = {.reasons = screening_reasons_parse(store_row_text(row, 3)),
				       .operator_set = store_row_int(row, 4) != 0, .from_ms = store_row_int(row, 5),
				       .until_ms = store_row_int(row, 6), .lifted_ms = store_row_int(row, 7)};
	if (phone_parse(number, strlen(number), s->cfg.default_cc, &b.number, NULL) != OMB_OK)
		return 0;
	if (screen_block_apply(s->e, &b, r->now) <= 0)
		return 0;
	atomic_fetch_add(&stats.applied, 1);
	if (id > r->seen_before && r->seen_before >= 0)
		note_lag(r->now - store_row_int(row, 1));
	if (!b.lifted_ms && s->cfg.applied)
		s->cfg.applied(s->cfg.arg, b.number.canon, b.from_ms, b.until_ms);
	return 0;
}

/* ---- the allowlist ---- */

struct allow_read {
	struct screen_engine *e;
	uint16_t cc;
	int64_t now, seen_before, last; /* seen_before < 0: entries, not changes */
	int rows;
};

/* Columns of SCREEN_ALLOW_CHANGES_AFTER and SCREEN_ALLOW_STATES: id, when
 * written, number, removed_ms. */
static int allow_row(void *ctx, const struct store_row *row)
{
	struct allow_read *r = ctx;
	int64_t id = store_row_int(row, 0);
	r->last = id > r->last ? id : r->last;
	r->rows++;
	const char *number = store_row_text(row, 2);
	struct phone p;
	if (phone_parse(number, strlen(number), r->cc, &p, NULL) != OMB_OK)
		return 0;
	screen_allowlist(r->e, &p, store_row_int(row, 3) == 0);
	if (r->seen_before >= 0 && id > r->seen_before) {
		atomic_fetch_add(&stats.allow_changes, 1);
		note_lag(r->now - store_row_int(row, 1));
	}
	return 0;
}

static int read_allow(struct store *st, enum store_query q, struct allow_read *r)
{
	int rc;
	do {
		r->rows = 0;
		rc = store_exec(st, q, SV_ARGS(SV_INT(r->last), SV_INT(CHANGES_BATCH)), allow_row, r);
	} while (rc >= 0 && r->rows == CHANGES_BATCH);
	return rc < 0 ? rc : OMB_OK;
}

int screen_sync_allowlist(struct store *st, struct screen_engine *e, uint16_t default_cc)
{
	struct allow_read r = {e, default_cc, 0, -1, 0, 0};
	return read_allow(st, STORE_Q_SCREEN_ALLOW_STATES, &r);
}

/* ---- the first read, and the next ones ---- */

/* The first read: the last change ids, then every block not yet over (a
 * lifted one too: its lift may be news to a snapshot) and every allowlist
 * entry, applied as they are. */
static int first_read(struct screen_sync *s, int64_t now)
{
	int64_t last = 0, last_allow = 0;
	int rc = store_exec(s->st, STORE_Q_SCREEN_CHANGES_LAST, NULL, 0, store_row_first_int, &last);
	if (rc >= 0)
		rc = store_exec(s->st, STORE_Q_SCREEN_ALLOW_CHANGES_LAST, NULL, 0, store_row_first_int, &last_allow);
	struct change_read r = {s, now, -1, 0, 0};
	do {
		r.rows = 0;
		if (rc >= 0)
			rc = store_exec(s->st, STORE_Q_SCREEN_BLOCKS_UNEXPIRED,
					SV_ARGS(SV_INT(now), SV_INT(r.last), SV_INT(CHANGES_BATCH)), change_row, &r);
	} while (rc >= 0 && r.rows == CHANGES_BATCH);
	if (rc >= 0)
		rc = screen_sync_allowlist(s->st, s->e, s->cfg.default_cc);
	if (rc < 0)
		return rc;
	s->last_change = last;
	s->last_allow_change = last_allow;
	s->caught_up = true;
	return OMB_OK;
}

/* Where a read of changes starts (CHANGES_OVERLAP). */
static int64_t overlap_from(int64_t last)
{
	return last > CHANGES_OVERLAP ? last - CHANGES_OVERLAP : 0;
}

static int read_allow_changes(struct screen_sync *s, int64_t now)
{
	struct allow_read r = {s->e, s->cfg.default_cc, now, s->last_allow_change,
			       overlap_from(s->last_allow_change), 0};
	int rc = read_allow(s->st, STORE_Q_SCREEN_ALLOW_CHANGES_AFTER, &r);
	if (r.last > s->last_allow_change)
		s->last_allow_change = r.last;
	return rc;
}

static int read_changes(struct screen_sync *s, int64_t now)
{
	atomic_fetch_add(&stats.catchups, 1);
	if (!s->caught_up)
		return first_read(s, now);
	struct change_read r = {s, now, s->last_change, overlap_from(s->last_change), 0};
	int rc;
	do {
		r.rows = 0;
		rc = store_exec(s->st, STORE_Q_SCREEN_CHANGES_AFTER, SV_ARGS(SV_INT(r.last), SV_INT(CHANGES_BATCH)),
				change_row, &r);
	} while (rc >= 0 && r.rows == CHANGES_BATCH);
	if (r.last > s->last_change)
		s->last_change = r.last;
	return rc < 0 ? rc : read_allow_changes(s, now);
}

/* ---- partials ---- */

static int publish_partials(struct screen_sync *s, int64_t now)
{
	struct screen_partial *parts = NULL;
	size_t n = 0;
	screen_partials_export(s->e, now, &parts, &n);
	int rc = n ? store_begin(s->st, true) : OMB_OK;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		const struct screen_partial *p = &parts[i];
		rc = store_exec(s->st, STORE_Q_SCREEN_PARTIAL_PUT,
				SV_ARGS(SV_TEXT(s->node), SV_INT((int64_t)p->key), SV_INT(p->epoch), SV_TEXT(p->name),
					SV_INT(p->attempts), SV_INT(p->ends), SV_INT(p->answered), SV_INT(p->bad),
					SV_INT(p->fresh_ends), SV_INT(p->fresh_bad),
					SV_BLOB(p->suspects, sizeof p->suspects), SV_BLOB(p->newcomers, sizeof p->newcomers),
					SV_INT(now)), NULL, NULL);
	}
	free(parts);
	if (n) {
		if (rc >= 0) {
			rc = store_commit(s->st);
		} else {
			store_rollback(s->st);
		}
	}
	if (rc >= 0)
		atomic_fetch_add(&stats.partials_out, n);
	return rc < 0 ? rc : OMB_OK;
}

struct partial_list {
	struct screen_partial *items;
	size_t n, cap;
};

static void blob_copy(const struct store_row *row, int col, uint8_t *dst, size_t size)
{
	size_t len = 0;
	const void *b = store_row_blob(row, col, &len);
	memset(dst, 0, size);
	if (b && len == size)
		memcpy(dst, b, size);
}

static int partial_row(void *ctx, const struct store_row *row)
{
	struct partial_list *l = ctx;
	l->items = xgrow(l->items, l->n, &l->cap, sizeof *l->items, 256);
	struct screen_partial *p = &l->items[l->n++];
	*p = (struct screen_partial){
		.key = (uint64_t)store_row_int(row, 0), .epoch = store_row_int(row, 1),
		.attempts = (uint32_t)store_row_int(row, 3), .ends = (uint32_t)store_row_int(row, 4),
		.answered = (uint32_t)store_row_int(row, 5), .bad = (uint32_t)store_row_int(row, 6),
		.fresh_ends = (uint32_t)store_row_int(row, 7), .fresh_bad = (uint32_t)store_row_int(row, 8)};
	snprintf(p->name, sizeof p->name, "%s", store_row_text(row, 2));
	blob_copy(row, 9, p->suspects, sizeof p->suspects);
	blob_copy(row, 10, p->newcomers, sizeof p->newcomers);
	return 0;
}

static int merge_partials(struct screen_sync *s, int64_t now)
{
	int64_t epoch = now / SCREEN_AGG_EPOCH_MS;
	struct partial_list l = {0};
	int rc = store_exec(s->st, STORE_Q_SCREEN_PARTIALS_OTHERS,
			    SV_ARGS(SV_TEXT(s->node), SV_INT(epoch - 1), SV_INT(now - PARTIALS_KEEP * s->cfg.partials_ms)),
			    partial_row, &l);
	if (rc >= 0) {
		screen_partials_import(s->e, l.items, l.n, now);
		atomic_fetch_add(&stats.partials_in, l.n);
		rc = store_exec(s->st, STORE_Q_SCREEN_PARTIALS_PURGE, SV_ARGS(SV_INT(epoch - 1)), NULL, NULL);
	}
	free(l.items);
	return rc < 0 ? rc : OMB_OK;
}

/* ---- the thread ---- */

static void open_listener(struct screen_sync *s, int64_t now)
{
	if (store_listener_open(s->st, CHANNEL, s->who, &s->listener) != OMB_OK) {
		s->listener = NULL;
		s->next_open_ms = now + REOPEN_MS;
		return;
	}
	atomic_store(&stats.listening, 1);
	if (s->opened_before) {
		atomic_fetch_add(&stats.reconnects, 1);
		log_info(LOG_MSG("screen listener reopened"), LOG_S("node", s->node));
	}
	s->opened_before = true;
	s->next_poll_ms = now; /* what was sent while it was closed is read now */
}

static void lose_listener(struct screen_sync *s, int64_t now)
{
	log_warn(LOG_MSG("screen listener lost; reading changes until it is back"), LOG_S("node", s->node));
	store_listener_close(s->listener);
	s->listener = NULL;
	atomic_store(&stats.listening, 0);
	s->next_open_ms = now + REOPEN_MS;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void step(struct screen_sync *s)
{
	int64_t now = clock_now_ms();
	if (!s->listener && now >= s->next_open_ms)
		open_listener(s, now);
	int heard = 0;
	if (s->listener) {
		heard = store_listener_wait(s->listener, WAIT_SLICE_MS);
		if (heard < 0)
			lose_listener(s, clock_now_ms());
	} else {
		sleep_ms(WAIT_SLICE_MS);
	}
	now = clock_now_ms();
	if (heard > 0)
		atomic_fetch_add(&stats.notices, (uint64_t)heard);
	if (heard > 0 || now >= s->next_poll_ms) {
		int rc = read_changes(s, now);
		if (rc != OMB_OK)
			log_warn(LOG_MSG("screen changes not read"), LOG_S("error", omb_err_name(rc)));
		s->next_poll_ms = now + s->cfg.poll_ms;
	}
	if (s->cfg.partials_ms && now >= s->next_partials_ms) {
		int rc = publish_partials(s, now);
		if (rc == OMB_OK)
			rc = merge_partials(s, now);
		if (rc != OMB_OK)
			log_warn(LOG_MSG("screen partials not exchanged"), LOG_S("error", omb_err_name(rc)));
		s->next_partials_ms = now + s->cfg.partials_ms;
	}
}

static void *sync_main(void *arg)
{
	struct screen_sync *s = arg;
	while (!atomic_load(&s->stop))
		step(s);
	return NULL;
}

int screen_sync_start(struct store *st, struct screen_engine *e, const struct screen_sync_config *cfg,
		      struct screen_sync **out)
{
	struct screen_sync *s = xcalloc(1, sizeof *s);
	s->st = st;
	s->e = e;
	s->cfg = *cfg;
	s->node = xstrdup(cfg->node);
	s->cfg.node = s->node;
	s->who = xasprintf("ombud listener %s", s->node);
	int64_t now = clock_now_ms();
	s->next_poll_ms = now;
	s->next_partials_ms = now + cfg->partials_ms;
	if (pthread_create(&s->thread, NULL, sync_main, s) != 0) {
		free(s->who);
		free(s->node);
		free(s);
		return OMB_EIO;
	}
	*out = s;
	return OMB_OK;
}

void screen_sync_stop(struct screen_sync *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	store_listener_close(s->listener);
	atomic_store(&stats.listening, 0);
	free(s->who);
	free(s->node);
	free(s);
}
