/* screening.c — the engine in the server: open, feed, record, snapshot,
 * and the operator and appeal use cases over the store. */
#include "app/screening.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "app/outbox.h"
#include "app/screen_sync.h"
#include "app/tm.h"
#include "base/clock.h"
#include "base/credential.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "screen/events.h"
#include "screen/lists.h"

#define RECORD_BATCH   256      /* new blocks recorded per sweep */
#define REPORTS_BATCH  1000     /* consumer reports fed per query */
#define FILE_CHUNK     (1 << 16)

/* Reasons that make a block a voice-phishing block: its answered callees are warned. */
#define VOICE_PHISHING_REASONS                                                                \
	((1u << SR_CONFIRMED_FRAUD) | (1u << SR_SPOOFED_INSTITUTION) | (1u << SR_SIMBOX_CELL) | \
	 (1u << SR_SIMBOX_TRUNK))

/* A block already in the store: a fingerprint of (number, from) and its end. */
struct recorded {
	uint64_t fp;
	int64_t until_ms;
};

struct screening {
	struct screen_engine *engine;
	char *snapshot_path;
	int64_t snapshot_every_ms, feed_every_ms;
	int64_t next_snapshot_ms, next_merge_ms, next_feed_ms;
	int64_t reports_fed_id;
	uint64_t registry_sum;           /* of the registry's sources at the last refresh (refresh_registry) */
	int64_t released_seen_ms;        /* engine releases up to here are lifted in the store */
	uint16_t default_cc;
	pthread_mutex_t lock;            /* guards rec */
	struct recorded *rec;
	size_t rec_slots, rec_count;
	struct screen_sync *sync;        /* owned; the other nodes' blocks and partials */
};

/* ---- small helpers ---- */

static int fail(struct app_error *err, const char *field, const char *reason, int rc)
{
	if (err) {
		err->field = field;
		err->reason = reason;
	}
	return rc;
}


static int parse_number(struct app *app, const char *text, const char *field, struct phone *out,
			struct app_error *err)
{
	const char *why = NULL;
	if (!text || phone_parse(text, strlen(text), (uint16_t)app->cfg->default_country, out, &why) != OMB_OK)
		return fail(err, field, why ? why : "is not a phone number", OMB_EINVAL);
	if (phone_key(out) == PHONE_KEY_WITHHELD)
		return fail(err, field, "is withheld", OMB_EINVAL);
	return OMB_OK;
}

static uint64_t fingerprint(const char *number, int64_t from_ms)
{
	static const unsigned char key[crypto_shorthash_KEYBYTES];
	char buf[PHONE_CANON_MAX + 24];
	int n = snprintf(buf, sizeof buf, "%s|%" PRId64, number, from_ms);
	uint64_t fp = 0;
	crypto_shorthash((unsigned char *)&fp, (const unsigned char *)buf, (unsigned long long)n, key);
	return fp ? fp : 1;
}

static struct recorded *rec_slot(struct screening *sc, uint64_t fp)
{
	size_t i = fp & (sc->rec_slots - 1);
	while (sc->rec[i].fp && sc->rec[i].fp != fp)
		i = (i + 1) & (sc->rec_slots - 1);
	return &sc->rec[i];
}

/* Grows the table (or rebuilds it at the same size) without the entries
 * whose block has ended. Under sc->lock. */
static void rec_rebuild(struct screening *sc, int64_t now)
{
	struct recorded *old = sc->rec;
	size_t old_n = sc->rec_slots, live = 0;
	for (size_t i = 0; i < old_n; i++)
		live += old[i].fp && old[i].until_ms > now;
	sc->rec_slots = 1024;
	while (sc->rec_slots < live * 4)
		sc->rec_slots *= 2;
	sc->rec = xcalloc(sc->rec_slots, sizeof *sc->rec);
	sc->rec_count = 0;
	for (size_t i = 0; i < old_n; i++)
		if (old[i].fp && old[i].until_ms > now) {
			*rec_slot(sc, old[i].fp) = old[i];
			sc->rec_count++;
		}
	free(old);
}

/* Returns true when (number, from) was not yet marked, and marks it. */
static bool rec_mark(struct screening *sc, const char *number, int64_t from_ms, int64_t until_ms, int64_t now)
{
	uint64_t fp = fingerprint(number, from_ms);
	pthread_mutex_lock(&sc->lock);
	if ((sc->rec_count + 1) * 2 > sc->rec_slots)
		rec_rebuild(sc, now);
	struct recorded *r = rec_slot(sc, fp);
	bool fresh = r->fp == 0;
	if (fresh) {
		*r = (struct recorded){fp, until_ms};
		sc->rec_count++;
	}
	pthread_mutex_unlock(&sc->lock);
	return fresh;
}

static bool rec_has(struct screening *sc, const char *number, int64_t from_ms)
{
	uint64_t fp = fingerprint(number, from_ms);
	pthread_mutex_lock(&sc->lock);
	bool has = sc->rec_slots && rec_slot(sc, fp)->fp == fp;
	pthread_mutex_unlock(&sc->lock);
	return has;
}

static void iso(int64_t ms, char *buf, size_t size)
{
	if (ms <= 0)
		snprintf(buf, size, "-");
	else
		clock_format_iso(ms, buf, size);
}

uint32_t screening_reasons_parse(const char *s)
{
	uint32_t bits = 0;
	while (*s) {
		size_t n = strcspn(s, ";");
		for (int i = 0; i < SR_COUNT; i++) {
			const char *name = screen_reason_name((enum screen_reason)i);
			if (strlen(name) == n && strncmp(name, s, n) == 0)
				bits |= 1u << i;
		}
		s += n + (s[n] == ';');
	}
	return bits;
}

/* The verdict that set the block: the block step at its start, else the
 * latest before it (a step the same as the one before is not repeated).
 * Calls while the block runs add steps of their own ("blocked"), which
 * say nothing of why it was set. */
static const struct screen_timeline_entry *block_step(const struct screen_evidence *ev)
{
	const struct screen_timeline_entry *before = NULL, *latest = NULL;
	for (unsigned i = ev->n_timeline; i-- > 0;) {
		const struct screen_timeline_entry *t = &ev->timeline[i];
		if (t->verdict != SCREEN_BLOCK)
			continue;
		if (t->ts_ms == ev->block_from_ms)
			return t;
		if (!before && t->ts_ms < ev->block_from_ms)
			before = t;
		if (!latest)
			latest = t;
	}
	return before ? before : latest;
}

/* ---- loading lists ---- */

struct list_log {
	const char *what;
	uint64_t logged;
};

static void on_bad_row(void *arg, uint64_t line, const char *reason)
{
	struct list_log *l = arg;
	if (l->logged++ < 20)
		log_warn(LOG_MSG("screen list row skipped"), LOG_S("source", l->what), LOG_I("line", (int64_t)line),
			 LOG_S("reason", reason));
}

static int load_list_data(struct screen_engine *e, enum lists_kind kind, const char *what, const char *data,
			  size_t len, struct lists_counts *counts)
{
	struct list_log log = {what, 0};
	struct lists_loader *l = lists_loader_new(kind, e, PHONE_CC_KOREA, on_bad_row, &log);
	int rc = lists_loader_feed(l, data, len);
	if (rc == OMB_OK)
		rc = lists_loader_finish(l);
	lists_loader_counts(l, counts);
	lists_loader_free(l);
	return rc;
}

static int load_list_file(struct screen_engine *e, enum lists_kind kind, const char *path, char *errbuf,
			  size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return OMB_EIO;
	}
	struct list_log log = {path, 0};
	struct lists_loader *l = lists_loader_new(kind, e, PHONE_CC_KOREA, on_bad_row, &log);
	char *buf = xmalloc(FILE_CHUNK);
	size_t n;
	int rc = OMB_OK;
	while (rc == OMB_OK && (n = fread(buf, 1, FILE_CHUNK, f)) > 0)
		rc = lists_loader_feed(l, buf, n);
	if (rc == OMB_OK)
		rc = lists_loader_finish(l);
	struct lists_counts c;
	lists_loader_counts(l, &c);
	lists_loader_free(l);
	free(buf);
	fclose(f);
	if (rc != OMB_OK)
		snprintf(errbuf, errlen, "%s: not a %s file (a required column is missing)", path,
			 kind == LISTS_REGISTRY ? "registry" : "reports");
	else
		log_info(LOG_MSG("screen list loaded"), LOG_S("path", path), LOG_I("rows", (int64_t)c.rows),
			 LOG_I("loaded", (int64_t)c.loaded), LOG_I("unusable", (int64_t)c.bad));
	return rc;
}

/* XXH3 of the file at path, read in chunks; OMB_EIO (errbuf says why). */
static int file_sum(const char *path, uint64_t *sum, char *errbuf, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return OMB_EIO;
	}
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		abort();
	XXH3_64bits_reset(st);
	char *buf = xmalloc(FILE_CHUNK);
	size_t n;
	while ((n = fread(buf, 1, FILE_CHUNK, f)) > 0)
		XXH3_64bits_update(st, buf, n);
	int rc = ferror(f) ? OMB_EIO : OMB_OK;
	if (rc != OMB_OK)
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
	*sum = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	free(buf);
	fclose(f);
	return rc;
}

/* Loads both sources of the registry after a mark and, when both read,
 * takes the registration off what neither names any more. */
static int reload_registry(struct app *app, const char *tm, size_t tm_len, char *errbuf, size_t errlen)
{
	struct screen_engine *e = app->screen->engine;
	const char *path = app->cfg->screen_registry_file;
	screen_registry_mark(e);
	int rc = *path ? load_list_file(e, LISTS_REGISTRY, path, errbuf, errlen) : OMB_OK;
	struct lists_counts c = {0};
	if (rc == OMB_OK && (rc = load_list_data(e, LISTS_REGISTRY, "tm registry", tm, tm_len, &c)) != OMB_OK)
		snprintf(errbuf, errlen, "the telemarketing registry: a required column is missing");
	if (rc != OMB_OK)
		return rc;
	size_t retired = screen_registry_sweep(e);
	log_info(LOG_MSG("screen registry refreshed"), LOG_I("telemarketers", (int64_t)c.loaded),
		 LOG_I("retired", (int64_t)retired));
	return OMB_OK;
}

/* The registry as its two sources say now: screen.registry_file (e.g.
 * the police's confirmed-fraud list) and the telemarketing registry. When
 * either changed since the last refresh, both are loaded again and an
 * entry neither names any more loses its registration: a number taken off
 * the police list, a telemarketer deregistered. A source that cannot be
 * read changes nothing (errbuf says why). */
static int refresh_registry(struct app *app, char *errbuf, size_t errlen)
{
	struct screening *sc = app->screen;
	const char *path = app->cfg->screen_registry_file;
	uint64_t sum = 0;
	int rc = *path ? file_sum(path, &sum, errbuf, errlen) : OMB_OK;
	char *tm = NULL;
	size_t tm_len = 0;
	if (rc == OMB_OK && (rc = telemarketing_registry_csv(app, &tm, &tm_len)) != OMB_OK)
		snprintf(errbuf, errlen, "the telemarketing registry: %s", omb_err_name(rc));
	if (rc == OMB_OK) {
		sum = XXH3_64bits_withSeed(tm, tm_len, sum);
		if (sum != sc->registry_sum && (rc = reload_registry(app, tm, tm_len, errbuf, errlen)) == OMB_OK)
			sc->registry_sum = sum;
	}
	free(tm);
	return rc;
}

struct report_feed {
	struct app *app;
	int64_t last_id;
	int fed;
};

static int report_row(void *ctx, const struct store_row *row)
{
	struct report_feed *f = ctx;
	f->last_id = store_row_int(row, 0);
	struct screen_report r = {.ts_ms = store_row_int(row, 2)};
	const char *caller = store_row_text(row, 1), *reporter = store_row_text(row, 3), *callee = store_row_text(row, 4);
	if (phone_parse(caller, strlen(caller), PHONE_CC_KOREA, &r.number, NULL) != OMB_OK)
		return 0;
	if (*reporter) {
		static const unsigned char key[crypto_shorthash_KEYBYTES];
		crypto_shorthash((unsigned char *)&r.reporter, (const unsigned char *)reporter, strlen(reporter), key);
	}
	struct phone to;
	if (phone_parse(callee, strlen(callee), PHONE_CC_KOREA, &to, NULL) == OMB_OK)
		r.callee_key = phone_key(&to);
	if (screen_report_add(f->app->screen->engine, &r) == OMB_OK)
		f->fed++;
	return 0;
}

/* Consumer reports the tm module sent to screening, newer than the last fed. */
static int feed_reports(struct app *app, int *fed)
{
	struct screening *sc = app->screen;
	struct report_feed f = {app, sc->reports_fed_id, 0};
	int rc;
	do {
		int64_t before = f.last_id;
		rc = store_exec(app->store, STORE_Q_SCREEN_REPORTS_AFTER, SV_ARGS(SV_INT(f.last_id), SV_INT(REPORTS_BATCH)),
				report_row, &f);
		if (rc >= 0 && f.last_id == before)
			break;
	} while (rc == REPORTS_BATCH);
	if (rc < 0)
		return rc;
	sc->reports_fed_id = f.last_id;
	*fed = f.fed;
	return OMB_OK;
}

/* Running blocks of the store: marked as recorded, and set again in an
 * engine that did not come from a snapshot. */
struct block_restore {
	struct app *app;
	int64_t now;
	bool reapply;
};

static int block_restore_row(void *ctx, const struct store_row *row)
{
	struct block_restore *b = ctx;
	struct screening *sc = b->app->screen;
	const char *number = store_row_text(row, 1);
	int64_t from = store_row_int(row, 8), until = store_row_int(row, 9);
	rec_mark(sc, number, from, until, b->now);
	struct phone p;
	if (!b->reapply || phone_parse(number, strlen(number), PHONE_CC_KOREA, &p, NULL) != OMB_OK)
		return 0;
	/* as recorded: from its start, so that the engine's block is the
	 * recorded one in this run and in the next (restored from this engine's
	 * snapshot), and automatic when it was, so a SIM-box block can still end
	 * when its line moves, as on another node (screen_sync.c) */
	struct screen_block_state s = {.number = p, .from_ms = from, .until_ms = until,
				       .reasons = screening_reasons_parse(store_row_text(row, 3)),
				       .operator_set = store_row_int(row, 5) != 0};
	screen_block_apply(sc->engine, &s, b->now);
	return 0;
}

static int restore_blocks(struct app *app, int64_t now, bool reapply)
{
	struct block_restore b = {app, now, reapply};
	int rc = store_exec(app->store, STORE_Q_SCREEN_BLOCKS_RUNNING, SV_ARGS(SV_INT(now), SV_INT(0), SV_INT(INT32_MAX)),
			    block_restore_row, &b);
	return rc < 0 ? rc : OMB_OK;
}

/* ---- the engine's configuration ---- */

/* The first line of the engine's file that cannot be applied. */
struct engine_file_error {
	const char *path;
	char *buf;
	size_t len;
	bool said;
};

static void engine_file_bad(void *ctx, unsigned line, int rc, const char *reason)
{
	(void)rc;
	struct engine_file_error *e = ctx;
	if (!e->said)
		snprintf(e->buf, e->len, "screen.config: %s:%u: %s", e->path, line, reason);
	e->said = true;
}

/* "name = value" lines of struct screen_config, '#' comments. */
static int read_engine_file(const char *path, struct screen_config *cfg, char *errbuf, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(errbuf, errlen, "screen.config: %s: %s", path, strerror(errno));
		return OMB_EIO;
	}
	struct engine_file_error err = {path, errbuf, errlen, false};
	int nbad = screen_config_read(cfg, f, engine_file_bad, &err);
	fclose(f);
	return nbad ? OMB_EINVAL : OMB_OK;
}

static int engine_config(const struct config *cfg, struct screen_config *sc, char *errbuf, size_t errlen)
{
	screen_config_defaults(sc);
	sc->shards = (unsigned)cfg->screen_shards;
	sc->max_callers = (uint64_t)cfg->screen_max_callers;
	sc->block_ms = cfg->screen_block_minutes * 60000;
	if (strlen(cfg->screen_emergency) >= sizeof sc->emergency_extra) {
		snprintf(errbuf, errlen, "screen.emergency: too long");
		return OMB_EINVAL;
	}
	snprintf(sc->emergency_extra, sizeof sc->emergency_extra, "%s", cfg->screen_emergency);
	int rc = *cfg->screen_config ? read_engine_file(cfg->screen_config, sc, errbuf, errlen) : OMB_OK;
	const char *why = NULL;
	if (rc == OMB_OK && screen_config_validate(sc, &why) != OMB_OK) {
		snprintf(errbuf, errlen, "screen: %s", why ? why : "invalid engine settings");
		rc = OMB_EINVAL;
	}
	return rc;
}

int screening_reload(struct app *app, char *errbuf, size_t errlen)
{
	if (!app->screen)
		return OMB_OK;
	struct screen_config want;
	int rc = engine_config(app->cfg, &want, errbuf, errlen);
	const char *why = NULL;
	if (rc == OMB_OK && screen_config_swap(app->screen->engine, &want, &why) != OMB_OK) {
		snprintf(errbuf, errlen, "screen: %s", why ? why : "invalid engine settings");
		rc = OMB_EINVAL;
	}
	return rc;
}

static char *snapshot_path(const struct config *cfg)
{
	if (*cfg->screen_snapshot)
		return xstrdup(cfg->screen_snapshot);
	const char *db = store_url_file(cfg->db);
	return db ? xasprintf("%s.screen", db) : NULL; /* a node on a database server names its own */
}

/* A snapshot of another build or a damaged one is set aside, never
 * trusted: the engine starts fresh and is rebuilt from the store. */
static struct screen_engine *restore(const char *path, const struct screen_config *want, bool *restored)
{
	struct stat st;
	*restored = false;
	if (stat(path, &st) != 0)
		return NULL;
	struct screen_engine *e = NULL;
	const char *why = NULL;
	if (screen_snapshot_restore(path, &e, &why) != OMB_OK) {
		char *aside = xasprintf("%s.unusable", path);
		rename(path, aside);
		log_warn(LOG_MSG("screen snapshot not usable; starting fresh"), LOG_S("path", path),
			 LOG_S("reason", why ? why : "unreadable"), LOG_S("moved_to", aside));
		free(aside);
		return NULL;
	}
	if (screen_config_swap(e, want, &why) != OMB_OK)
		log_warn(LOG_MSG("screen settings not applied to the restored engine"), LOG_S("reason", why));
	*restored = true;
	return e;
}

static int state_get(struct app *app, const char *name, int64_t *value)
{
	int rc = store_exec(app->store, STORE_Q_SCREEN_STATE_GET, SV_ARGS(SV_TEXT(name)), store_row_first_int, value);
	return rc < 0 ? rc : OMB_OK;
}

static int snapshot_save(struct app *app)
{
	struct screening *sc = app->screen;
	int64_t fed = sc->reports_fed_id;
	int rc = screen_snapshot_save(sc->engine, sc->snapshot_path);
	if (rc == OMB_OK) {
		rc = store_exec(app->store, STORE_Q_SCREEN_STATE_PUT, SV_ARGS(SV_TEXT("reports_fed_id"), SV_INT(fed)),
				NULL, NULL);
		rc = rc < 0 ? rc : OMB_OK;
	}
	if (rc != OMB_OK)
		log_warn(LOG_MSG("screen snapshot failed"), LOG_S("path", sc->snapshot_path), LOG_S("error", omb_err_name(rc)));
	return rc;
}

/* ---- open and close ---- */

static void screening_free(struct app *app, bool save);

/* A block another node recorded is in the store already: never record it here. */
static void sync_applied(void *arg, const char *number, int64_t from_ms, int64_t until_ms)
{
	struct screening *sc = arg;
	rec_mark(sc, number, from_ms, until_ms, clock_now_ms());
}

/* screen.node, or this host's name with the HTTP port (its process id when
 * the port is picked at start, which a restart changes). */
static void node_name(const struct config *cfg, char *buf, size_t size)
{
	if (*cfg->screen_node) {
		snprintf(buf, size, "%s", cfg->screen_node);
		return;
	}
	char host[128] = "localhost";
	gethostname(host, sizeof host - 1);
	if (cfg->port)
		snprintf(buf, size, "%s:%lld", host, (long long)cfg->port);
	else
		snprintf(buf, size, "%s-%ld", host, (long)getpid());
}

static int sync_start(struct app *app)
{
	const struct config *cfg = app->cfg;
	char node[192];
	node_name(cfg, node, sizeof node);
	struct screen_sync_config sync = {.node = node, .poll_ms = cfg->screen_sync_poll_ms,
					  .partials_ms = cfg->screen_partials_interval_s * 1000,
					  .default_cc = app->screen->default_cc, .applied = sync_applied,
					  .arg = app->screen};
	return screen_sync_start(app->store, app->screen->engine, &sync, &app->screen->sync);
}

static int feed_from_store(struct app *app, int64_t now, bool restored)
{
	int fed = 0, rc = feed_reports(app, &fed);
	if (rc == OMB_OK)
		rc = screen_sync_allowlist(app->store, app->screen->engine, app->screen->default_cc);
	if (rc == OMB_OK)
		rc = restore_blocks(app, now, !restored);
	return rc;
}

int screening_open(struct app *app, char *errbuf, size_t errlen)
{
	const struct config *cfg = app->cfg;
	if (!cfg->screen_enabled)
		return OMB_OK;
	struct screen_config want;
	int rc = engine_config(cfg, &want, errbuf, errlen);
	if (rc != OMB_OK)
		return rc;
	char *snapshot = snapshot_path(cfg);
	if (!snapshot) {
		snprintf(errbuf, errlen, "screen.snapshot must be set with a PostgreSQL store (a file of this node's)");
		return OMB_EINVAL;
	}
	struct screening *sc = xcalloc(1, sizeof *sc);
	pthread_mutex_init(&sc->lock, NULL);
	sc->snapshot_path = snapshot;
	sc->snapshot_every_ms = cfg->screen_snapshot_interval_s * 1000;
	sc->feed_every_ms = cfg->screen_feed_interval_s * 1000;
	sc->default_cc = (uint16_t)cfg->default_country;
	bool restored = false;
	sc->engine = restore(sc->snapshot_path, &want, &restored);
	const char *why = NULL;
	if (!sc->engine && !(sc->engine = screen_create(&want, &why))) {
		snprintf(errbuf, errlen, "screen: %s", why ? why : "cannot create the engine");
		free(sc->snapshot_path);
		free(sc);
		return OMB_EINVAL;
	}
	app->screen = sc;
	int64_t now = clock_now_ms();
	if (restored && (rc = state_get(app, "reports_fed_id", &sc->reports_fed_id)) != OMB_OK)
		snprintf(errbuf, errlen, "screen: reading its state: %s", omb_err_name(rc));
	if (rc == OMB_OK)
		rc = refresh_registry(app, errbuf, errlen);
	/* reports are not keyed: a restored engine already holds the file's */
	if (rc == OMB_OK && *cfg->screen_reports_file && !restored)
		rc = load_list_file(sc->engine, LISTS_REPORTS, cfg->screen_reports_file, errbuf, errlen);
	if (rc == OMB_OK && (rc = feed_from_store(app, now, restored)) != OMB_OK)
		snprintf(errbuf, errlen, "screen: feeding from the store: %s", omb_err_name(rc));
	if (rc != OMB_OK) {
		screening_free(app, false); /* a half-fed engine must not replace a good snapshot */
		return rc;
	}
	sc->next_merge_ms = now;
	sc->next_feed_ms = now + sc->feed_every_ms;
	sc->next_snapshot_ms = now + sc->snapshot_every_ms;
	if ((rc = sync_start(app)) != OMB_OK) {
		snprintf(errbuf, errlen, "screen: cannot start the thread that syncs with other nodes");
		screening_free(app, false);
		return rc;
	}
	struct screen_stats st;
	screen_stats(sc->engine, &st);
	log_info(LOG_MSG("screening ready"), LOG_S("snapshot", sc->snapshot_path), LOG_I("restored", restored),
		 LOG_I("callers", (int64_t)st.callers), LOG_I("watched", (int64_t)st.watched),
		 LOG_I("engine_mib", (int64_t)(st.bytes >> 20)));
	return OMB_OK;
}

static void screening_free(struct app *app, bool save)
{
	struct screening *sc = app->screen;
	if (!sc)
		return;
	screen_sync_stop(sc->sync);
	if (save && app->store)
		snapshot_save(app);
	screen_destroy(sc->engine);
	free(sc->snapshot_path);
	free(sc->rec);
	pthread_mutex_destroy(&sc->lock);
	free(sc);
	app->screen = NULL;
}

void screening_close(struct app *app)
{
	screening_free(app, true);
}

/* ---- recording blocks and evidence ---- */

static int evidence_insert(struct app *app, int64_t block_id, const struct screen_evidence *ev, uint64_t key,
			   int64_t now, int64_t *id)
{
	int rc = store_exec(app->store, STORE_Q_SCREEN_EVIDENCE_INSERT,
		SV_ARGS(block_id ? SV_INT(block_id) : SV_NULL, SV_TEXT(ev->number), SV_INT((int64_t)key), SV_INT(now),
			SV_INT(ev->first_seen_ms), SV_INT(ev->last_seen_ms), SV_INT((int64_t)ev->attempts),
			SV_INT(ev->attempts_1m), SV_INT(ev->attempts_10m), SV_INT(ev->attempts_60m),
			SV_INT(ev->distinct_callees), SV_INT(ev->ends), SV_INT(ev->answered), SV_INT(ev->short_calls),
			SV_INT(ev->origins), SV_INT(ev->trunks_seen), SV_INT(ev->blocked), SV_INT(ev->operator_block),
			SV_INT(ev->block_from_ms), SV_INT(ev->block_until_ms)),
		store_row_first_int, id);
	struct item { const char *kind; unsigned n; const char *first; size_t stride; } items[] = {
		{"answered", ev->n_answered, ev->answered_callees[0], sizeof ev->answered_callees[0]},
		{"trunk", ev->n_trunks, ev->trunks[0], sizeof ev->trunks[0]},
		{"cell", ev->n_cells, ev->cells[0], sizeof ev->cells[0]},
	};
	for (size_t k = 0; k < 3 && rc >= 0; k++)
		for (unsigned i = 0; i < items[k].n && rc >= 0; i++)
			rc = store_exec(app->store, STORE_Q_SCREEN_EVIDENCE_ITEM_INSERT,
					SV_ARGS(SV_INT(*id), SV_TEXT(items[k].kind), SV_INT(i),
						SV_TEXT(items[k].first + i * items[k].stride)), NULL, NULL);
	for (unsigned i = 0; i < ev->n_timeline && rc >= 0; i++) {
		const struct screen_timeline_entry *t = &ev->timeline[i];
		char reasons[256];
		screen_reasons_format(t->reasons, reasons, sizeof reasons);
		rc = store_exec(app->store, STORE_Q_SCREEN_EVIDENCE_STEP_INSERT,
				SV_ARGS(SV_INT(*id), SV_INT(i), SV_INT(t->ts_ms),
					SV_TEXT(screen_verdict_name((enum screen_verdict_kind)t->verdict)), SV_INT(t->score),
					SV_TEXT(reasons)), NULL, NULL);
	}
	return rc < 0 ? rc : OMB_OK;
}

/* Warns each callee who answered the number: they may have been defrauded. */
static int warn_callees(struct app *app, const struct screen_evidence *ev, int64_t block_id)
{
	char ref[40], shown[32];
	snprintf(ref, sizeof ref, "screen-block-%" PRId64, block_id);
	struct phone p;
	if (phone_parse(ev->number, strlen(ev->number), PHONE_CC_KOREA, &p, NULL) != OMB_OK ||
	    phone_format(&p, shown, sizeof shown) <= 0)
		snprintf(shown, sizeof shown, "%s", ev->number);
	char *body = xasprintf("[보이스피싱 주의] 최근 통화하신 %s 번호는 보이스피싱으로 차단되었습니다. 송금이나 금융정보 "
			       "요구에 응하지 마시고, 피해가 있으면 112에 신고하세요. / Warning: %s, which called you, was "
			       "blocked as voice phishing. Do not send money or give financial details; report any loss to 112.",
			       shown, shown);
	int rc = OMB_OK;
	for (unsigned i = 0; i < ev->n_answered && rc == OMB_OK; i++) {
		struct outbox_msg m = {.channel = "sms", .recipient = ev->answered_callees[i], .subject = "보이스피싱 주의",
				       .body = body, .ref = ref};
		rc = outbox_enqueue(app, &m, NULL);
	}
	free(body);
	return rc;
}

struct block_row_in {
	const struct screen_evidence *ev;
	uint64_t key;
	const char *reasons;
	int score;
	int64_t from_ms, until_ms;
	bool operator_set, warn;
	const char *set_by, *note;
};

/* One block with its evidence and warnings, inside the caller's transaction. */
static int block_record(struct app *app, const struct block_row_in *in, int64_t now, int64_t *block_id)
{
	int64_t id = 0, ev_id = 0;
	int rc = in->operator_set
		? store_exec(app->store, STORE_Q_SCREEN_BLOCK_BY_OPERATOR,
			     SV_ARGS(SV_TEXT(in->ev->number), SV_INT((int64_t)in->key), SV_TEXT(in->reasons), SV_INT(in->score),
				     SV_TEXT(in->set_by), SV_TEXT(in->note), SV_INT(in->from_ms), SV_INT(in->until_ms)),
			     store_row_first_int, &id)
		: store_exec(app->store, STORE_Q_SCREEN_BLOCK_RECORD,
			     SV_ARGS(SV_TEXT(in->ev->number), SV_INT((int64_t)in->key), SV_TEXT(in->reasons), SV_INT(in->score),
				     SV_INT(0), SV_TEXT(""), SV_TEXT(""), SV_INT(in->from_ms), SV_INT(in->until_ms)),
			     store_row_first_int, &id);
	if (rc < 0)
		return rc;
	*block_id = id;
	if (rc == 0)
		return OMB_OK; /* recorded before (a restart without its snapshot, or another node's) */
	rc = store_exec(app->store, STORE_Q_SCREEN_CHANGE_ADD, SV_ARGS(SV_INT(id), SV_INT(now)), NULL, NULL);
	if (rc < 0)
		return rc;
	rc = evidence_insert(app, id, in->ev, in->key, now, &ev_id);
	if (rc == OMB_OK && in->warn)
		rc = warn_callees(app, in->ev, id);
	return rc;
}

struct new_blocks {
	struct screening *sc;
	int64_t now;
	struct screen_evidence *ev;
	size_t n;
};

/* Under a shard lock: memory work only. */
static int collect_block(const struct screen_evidence *ev, void *arg)
{
	struct new_blocks *nb = arg;
	if (rec_has(nb->sc, ev->number, ev->block_from_ms))
		return 0;
	nb->ev[nb->n++] = *ev;
	return nb->n == RECORD_BATCH;
}

static int record_new_blocks(struct app *app, int64_t now)
{
	struct screening *sc = app->screen;
	struct new_blocks nb = {sc, now, xmalloc(RECORD_BATCH * sizeof *nb.ev), 0};
	screen_blocks_each(sc->engine, now, collect_block, &nb);
	int rc = nb.n ? store_begin(app->store, true) : OMB_OK;
	for (size_t i = 0; i < nb.n && rc == OMB_OK; i++) {
		const struct screen_evidence *ev = &nb.ev[i];
		const struct screen_timeline_entry *step = block_step(ev);
		struct phone p;
		if (phone_parse(ev->number, strlen(ev->number), PHONE_CC_KOREA, &p, NULL) != OMB_OK)
			continue;
		char reasons[256] = "";
		uint32_t bits = step ? step->reasons : (ev->operator_block ? 1u << SR_OPERATOR_BLOCK : 0);
		screen_reasons_format(bits, reasons, sizeof reasons);
		struct block_row_in in = {.ev = ev, .key = phone_key(&p), .reasons = reasons, .score = step ? step->score : 100,
					  .from_ms = ev->block_from_ms, .until_ms = ev->block_until_ms,
					  .warn = (bits & VOICE_PHISHING_REASONS) != 0};
		int64_t id;
		rc = block_record(app, &in, now, &id);
	}
	if (nb.n)
		rc = store_end(app->store, rc);
	if (rc == OMB_OK)
		for (size_t i = 0; i < nb.n; i++)
			rec_mark(sc, nb.ev[i].number, nb.ev[i].block_from_ms, nb.ev[i].block_until_ms, now);
	size_t n = nb.n;
	free(nb.ev);
	return rc == OMB_OK ? (int)n : rc;
}

static int record_releases(struct app *app);

int screening_sweep(struct app *app, int64_t now)
{
	struct screening *sc = app->screen;
	if (!sc)
		return 0;
	int done = 0, rc = OMB_OK;
	if (now >= sc->next_merge_ms) {
		screen_merge(sc->engine, now);
		sc->next_merge_ms = now + screen_config_current(sc->engine)->agg_merge_ms;
	}
	int recorded = record_new_blocks(app, now);
	int released = recorded < 0 ? recorded : record_releases(app);
	if (released < 0)
		return released;
	done += recorded + released;
	if (now >= sc->next_feed_ms) {
		int fed = 0;
		char why[256] = "";
		if (refresh_registry(app, why, sizeof why) != OMB_OK)
			log_warn(LOG_MSG("screen registry not refreshed; the registry in force stays"), LOG_S("reason", why));
		rc = feed_reports(app, &fed);
		sc->next_feed_ms = now + sc->feed_every_ms;
		done += fed;
	}
	if (rc == OMB_OK && now >= sc->next_snapshot_ms) {
		snapshot_save(app); /* a failure is logged and retried next interval */
		sc->next_snapshot_ms = now + sc->snapshot_every_ms;
	}
	return rc == OMB_OK ? done : rc;
}

/* ---- the hot path: no store ---- */

static int origin_parse(const char *s, enum screen_origin *out)
{
	if (!s || !*s || !strcmp(s, "domestic"))
		*out = SCREEN_ORIGIN_DOMESTIC;
	else if (!strcmp(s, "international"))
		*out = SCREEN_ORIGIN_INTERNATIONAL;
	else
		return OMB_EINVAL;
	return OMB_OK;
}

int screening_check(struct app *app, const struct screening_attempt_in *in, int64_t now,
		    struct screen_verdict *out, struct app_error *err)
{
	struct screening *sc = app->screen;
	if (!sc)
		return fail(err, NULL, "screening is disabled on this server", OMB_EAGAIN);
	struct screen_attempt a = {.ts_ms = now, .call_id = in->call_id, .trunk = in->trunk, .cell = in->cell};
	a.call_id_len = in->call_id ? strlen(in->call_id) : 0;
	if (a.call_id_len == 0 || a.call_id_len > 64)
		return fail(err, "call_id", "must be 1-64 characters", OMB_EINVAL);
	const char *why = NULL;
	const char *caller = in->caller ? in->caller : "";
	if (phone_parse(caller, strlen(caller), sc->default_cc, &a.caller, &why) != OMB_OK)
		return fail(err, "caller", why, OMB_EINVAL);
	if (!in->callee || phone_parse(in->callee, strlen(in->callee), sc->default_cc, &a.callee, &why) != OMB_OK)
		return fail(err, "callee", in->callee ? why : "is required", OMB_EINVAL);
	if (origin_parse(in->origin, &a.origin) != OMB_OK)
		return fail(err, "origin", "must be domestic or international", OMB_EINVAL);
	if ((in->trunk && strlen(in->trunk) >= EVENTS_NAME_MAX) || (in->cell && strlen(in->cell) >= EVENTS_NAME_MAX))
		return fail(err, in->cell && strlen(in->cell) >= EVENTS_NAME_MAX ? "cell" : "trunk", "is too long", OMB_EINVAL);
	if (in->attestation && *in->attestation) {
		if (strlen(in->attestation) != 1 || !strchr("ABC", in->attestation[0]))
			return fail(err, "attestation", "must be A, B or C", OMB_EINVAL);
		a.attestation = in->attestation[0];
	}
	int64_t late = screen_config_current(sc->engine)->lateness_ms;
	if (in->ts_ms > 0 && in->ts_ms >= now - late && in->ts_ms <= now + late)
		a.ts_ms = in->ts_ms;
	screen_check(sc->engine, &a, out);
	return OMB_OK;
}

struct ingest_ctx {
	struct screen_engine *e;
	struct screening_ingest *out;
};

static int ingest_event(void *arg, const struct events_event *ev)
{
	struct ingest_ctx *x = arg;
	if (ev->kind == EVENTS_ATTEMPT) {
		struct screen_verdict v;
		screen_check(x->e, &ev->attempt, &v);
		x->out->verdicts[v.verdict]++;
	} else if (screen_ingest_end(x->e, &ev->end) == OMB_ENOTFOUND) {
		x->out->ends_unknown++;
	}
	return 0;
}

static void ingest_bad(void *arg, uint64_t line, const char *reason)
{
	struct screening_ingest *out = ((struct ingest_ctx *)arg)->out;
	if (out->n_errors < SCREENING_INGEST_ERRORS) {
		out->errors[out->n_errors].line = line;
		snprintf(out->errors[out->n_errors++].reason, sizeof out->errors[0].reason, "%s", reason);
	}
}

int screening_ingest(struct app *app, const char *ndjson, size_t len, struct screening_ingest *out)
{
	memset(out, 0, sizeof *out);
	struct screening *sc = app->screen;
	if (!sc)
		return OMB_EAGAIN;
	struct ingest_ctx x = {sc->engine, out};
	int64_t late = screen_config_current(sc->engine)->lateness_ms;
	struct events_parser *p = events_parser_new(EVENTS_NDJSON, late, sc->default_cc, ingest_event, ingest_bad, &x);
	int rc = events_parser_feed(p, ndjson, len);
	if (rc == OMB_OK)
		rc = events_parser_finish(p);
	struct events_counts c;
	events_parser_counts(p, &c);
	events_parser_free(p);
	out->lines = c.lines;
	out->attempts = c.attempts;
	out->ends = c.ends;
	out->bad = c.bad;
	return rc;
}

/* ---- reading ---- */

struct block_list {
	struct screening_block *items;
	size_t n, cap;
};

static void block_from_row(const struct store_row *row, struct screening_block *b)
{
	memset(b, 0, sizeof *b);
	b->id = store_row_int(row, 0);
	snprintf(b->number, sizeof b->number, "%s", store_row_text(row, 1));
	snprintf(b->reasons, sizeof b->reasons, "%s", store_row_text(row, 3));
	b->score = (int)store_row_int(row, 4);
	b->operator_set = store_row_int(row, 5) != 0;
	snprintf(b->set_by, sizeof b->set_by, "%s", store_row_text(row, 6));
	snprintf(b->note, sizeof b->note, "%s", store_row_text(row, 7));
	b->from_ms = store_row_int(row, 8);
	b->until_ms = store_row_int(row, 9);
	b->lifted_ms = store_row_int(row, 10);
	snprintf(b->lifted_by, sizeof b->lifted_by, "%s", store_row_text(row, 11));
	snprintf(b->lift_reason, sizeof b->lift_reason, "%s", store_row_text(row, 12));
}

static int block_row(void *ctx, const struct store_row *row)
{
	struct block_list *l = ctx;
	l->items = xgrow(l->items, l->n, &l->cap, sizeof *l->items, 16);
	block_from_row(row, &l->items[l->n++]);
	return 0;
}

static int one_block_row(void *ctx, const struct store_row *row)
{
	block_from_row(row, ctx);
	return 1;
}

int screening_blocks(struct app *app, bool all, int64_t now, int64_t after, int limit,
		     struct screening_block **items, size_t *n)
{
	struct block_list l = {0};
	int rc = store_exec(app->store, all ? STORE_Q_SCREEN_BLOCKS_ALL : STORE_Q_SCREEN_BLOCKS_RUNNING,
			    SV_ARGS(SV_INT(now), SV_INT(after), SV_INT(limit)), block_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

/* The latest recorded block of key running at now that began by begun_by
 * (INT64_MAX: whenever; a block's start is the attempt's time, which may
 * run a little ahead of this clock). */
static int current_block_begun(struct app *app, uint64_t key, int64_t now, int64_t begun_by, struct screening_block *b,
			       bool *found)
{
	int rc = store_exec(app->store, STORE_Q_SCREEN_BLOCK_CURRENT,
			    SV_ARGS(SV_INT((int64_t)key), SV_INT(now), SV_INT(begun_by)), one_block_row, b);
	*found = rc > 0;
	return rc < 0 ? rc : OMB_OK;
}

static int current_block(struct app *app, uint64_t key, int64_t now, struct screening_block *b, bool *found)
{
	return current_block_begun(app, key, now, INT64_MAX, b, found);
}

int screening_number(struct app *app, const char *number, int64_t now, struct screening_number *out,
		     struct app_error *err)
{
	memset(out, 0, sizeof *out);
	struct phone p;
	int rc = parse_number(app, number, "number", &p, err);
	if (rc != OMB_OK)
		return rc;
	snprintf(out->number, sizeof out->number, "%s", p.canon);
	if (app->screen) {
		int watched = 0;
		out->known = screen_number_state(app->screen->engine, &p, &out->ev, &watched) == OMB_OK;
		out->watched = watched != 0;
	}
	uint64_t key = phone_key(&p);
	int64_t has = 0;
	rc = store_exec(app->store, STORE_Q_SCREEN_ALLOW_HAS, SV_ARGS(SV_INT((int64_t)key)), store_row_first_int, &has);
	if (rc < 0)
		return rc;
	out->allowlisted = has != 0;
	return current_block(app, key, now, &out->block, &out->has_block);
}

/* ---- the evidence packet ---- */

struct stored_evidence {
	int64_t id, taken_ms;
	struct screen_evidence ev;
};

static int evidence_row(void *ctx, const struct store_row *row)
{
	struct stored_evidence *s = ctx;
	struct screen_evidence *ev = &s->ev;
	s->id = store_row_int(row, 0);
	snprintf(ev->number, sizeof ev->number, "%s", store_row_text(row, 1));
	s->taken_ms = store_row_int(row, 2);
	ev->first_seen_ms = store_row_int(row, 3);
	ev->last_seen_ms = store_row_int(row, 4);
	ev->attempts = (uint64_t)store_row_int(row, 5);
	ev->attempts_1m = (uint32_t)store_row_int(row, 6);
	ev->attempts_10m = (uint32_t)store_row_int(row, 7);
	ev->attempts_60m = (uint32_t)store_row_int(row, 8);
	ev->distinct_callees = (uint32_t)store_row_int(row, 9);
	ev->ends = (uint32_t)store_row_int(row, 10);
	ev->answered = (uint32_t)store_row_int(row, 11);
	ev->short_calls = (uint32_t)store_row_int(row, 12);
	ev->origins = (unsigned)store_row_int(row, 13);
	ev->trunks_seen = (unsigned)store_row_int(row, 14);
	ev->blocked = (int)store_row_int(row, 15);
	ev->operator_block = (int)store_row_int(row, 16);
	ev->block_from_ms = store_row_int(row, 17);
	ev->block_until_ms = store_row_int(row, 18);
	return 1;
}

static int evidence_item_row(void *ctx, const struct store_row *row)
{
	struct screen_evidence *ev = ctx;
	const char *kind = store_row_text(row, 0), *value = store_row_text(row, 1);
	if (!strcmp(kind, "answered") && ev->n_answered < SCREEN_EV_CALLEES)
		snprintf(ev->answered_callees[ev->n_answered++], PHONE_CANON_MAX, "%s", value);
	else if (!strcmp(kind, "trunk") && ev->n_trunks < SCREEN_EV_PLACES)
		snprintf(ev->trunks[ev->n_trunks++], SCREEN_EV_NAME, "%s", value);
	else if (!strcmp(kind, "cell") && ev->n_cells < SCREEN_EV_PLACES)
		snprintf(ev->cells[ev->n_cells++], SCREEN_EV_NAME, "%s", value);
	return 0;
}

static int evidence_step_row(void *ctx, const struct store_row *row)
{
	struct screen_evidence *ev = ctx;
	if (ev->n_timeline == SCREEN_EV_TIMELINE)
		return 1;
	const char *verdict = store_row_text(row, 1);
	ev->timeline[ev->n_timeline++] = (struct screen_timeline_entry){
		.ts_ms = store_row_int(row, 0),
		.verdict = (uint8_t)(!strcmp(verdict, "block") ? SCREEN_BLOCK : !strcmp(verdict, "warn") ? SCREEN_WARN
												   : SCREEN_ALLOW),
		.score = (uint8_t)store_row_int(row, 2),
		.reasons = screening_reasons_parse(store_row_text(row, 3)),
	};
	return 0;
}

static int evidence_latest(struct app *app, uint64_t key, struct stored_evidence *s, bool *found)
{
	memset(s, 0, sizeof *s);
	int rc = store_exec(app->store, STORE_Q_SCREEN_EVIDENCE_LATEST, SV_ARGS(SV_INT((int64_t)key)), evidence_row, s);
	*found = rc > 0;
	if (rc > 0)
		rc = store_exec(app->store, STORE_Q_SCREEN_EVIDENCE_ITEMS, SV_ARGS(SV_INT(s->id)), evidence_item_row, &s->ev);
	if (rc >= 0 && *found)
		rc = store_exec(app->store, STORE_Q_SCREEN_EVIDENCE_STEPS, SV_ARGS(SV_INT(s->id)), evidence_step_row, &s->ev);
	return rc < 0 ? rc : OMB_OK;
}

static void field_int(struct doc *d, struct doc_section *s, const char *key, const char *label, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	doc_field(d, s, key, label, buf);
}

static void field_time(struct doc *d, struct doc_section *s, const char *key, const char *label, int64_t ms)
{
	char buf[40];
	iso(ms, buf, sizeof buf);
	doc_field(d, s, key, label, buf);
}

static void doc_block(struct doc *d, const struct screening_block *b)
{
	struct doc_section *s = doc_section(d, "block", "차단 / Block");
	field_int(d, s, "id", "차단 번호 / Block id", b->id);
	doc_field(d, s, "reasons", "사유 / Reasons", b->reasons);
	field_int(d, s, "score", "점수 / Score", b->score);
	doc_field(d, s, "set_by", "설정 / Set by", b->operator_set ? b->set_by : "engine");
	doc_field(d, s, "note", "운영자 메모 / Operator's note", b->note);
	field_time(d, s, "from", "시작 / From", b->from_ms);
	field_time(d, s, "until", "종료 / Until", b->until_ms);
}

static struct doc *evidence_doc(const struct screen_evidence *ev, int64_t taken_ms, bool live,
				const struct screening_block *block)
{
	char title[96];
	snprintf(title, sizeof title, "증거 자료 / Evidence packet %s", ev->number);
	struct doc *d = doc_new("evidence", title);
	struct doc_section *s = doc_section(d, "number", "번호 / Number");
	doc_field(d, s, "number", "번호 / Number", ev->number);
	doc_field(d, s, "source", "출처 / Source", live ? "live engine state" : "recorded");
	field_time(d, s, "taken", "작성 시각 / Taken at", taken_ms);
	field_time(d, s, "first_seen", "처음 발신 / First seen", ev->first_seen_ms);
	field_time(d, s, "last_seen", "마지막 발신 / Last seen", ev->last_seen_ms);
	field_int(d, s, "attempts", "발신 시도 / Attempts", (int64_t)ev->attempts);
	field_int(d, s, "attempts_1m", "최근 1분 / Last minute", ev->attempts_1m);
	field_int(d, s, "attempts_10m", "최근 10분 / Last 10 minutes", ev->attempts_10m);
	field_int(d, s, "attempts_60m", "최근 60분 / Last hour", ev->attempts_60m);
	field_int(d, s, "distinct_callees", "서로 다른 수신자 / Distinct callees (1-2 h)", ev->distinct_callees);
	field_int(d, s, "ends", "종료된 통화 / Ended calls", ev->ends);
	field_int(d, s, "answered", "응답된 통화 / Answered", ev->answered);
	field_int(d, s, "short_calls", "짧은 통화 / Short calls", ev->short_calls);
	doc_field(d, s, "origins", "유입 / Origins",
		  ev->origins == 3 ? "domestic, international" : ev->origins == 2 ? "international"
			: ev->origins == 1 ? "domestic" : "-");
	field_int(d, s, "trunks_seen", "트렁크 수 / Trunks seen", ev->trunks_seen);
	doc_field(d, s, "blocked", "차단 중 / Blocked", ev->blocked ? "yes" : "no");
	doc_field(d, s, "operator_block", "운영자 차단 / Operator block", ev->operator_block ? "yes" : "no");
	field_time(d, s, "block_from", "차단 시작 / Block from", ev->blocked ? ev->block_from_ms : 0);
	field_time(d, s, "block_until", "차단 종료 / Block until", ev->blocked ? ev->block_until_ms : 0);
	if (block)
		doc_block(d, block);
	static const char *vk[] = {"callee"}, *vl[] = {"수신자 / Callee"};
	struct doc_section *v = doc_section(d, "victims", "응답한 수신자 (피해 가능) / Callees who answered (likely victims)");
	struct doc_table *t = doc_table(d, v, 1, vk, vl);
	for (unsigned i = 0; i < ev->n_answered; i++)
		doc_row(d, t, (const char *[]){ev->answered_callees[i]});
	static const char *pk[] = {"kind", "name"}, *pl[] = {"종류 / Kind", "이름 / Name"};
	struct doc_section *pls = doc_section(d, "places", "트렁크와 기지국 / Trunks and cells");
	t = doc_table(d, pls, 2, pk, pl);
	for (unsigned i = 0; i < ev->n_trunks; i++)
		doc_row(d, t, (const char *[]){"trunk", ev->trunks[i]});
	for (unsigned i = 0; i < ev->n_cells; i++)
		doc_row(d, t, (const char *[]){"cell", ev->cells[i]});
	static const char *tk[] = {"at", "verdict", "score", "reasons"},
			  *tl[] = {"시각 / At", "판정 / Verdict", "점수 / Score", "사유 / Reasons"};
	struct doc_section *ts = doc_section(d, "timeline", "규칙 이력 / Rule timeline");
	t = doc_table(d, ts, 4, tk, tl);
	for (unsigned i = 0; i < ev->n_timeline; i++) {
		const struct screen_timeline_entry *e = &ev->timeline[i];
		char at[40], score[8], reasons[256];
		iso(e->ts_ms, at, sizeof at);
		snprintf(score, sizeof score, "%u", e->score);
		screen_reasons_format(e->reasons, reasons, sizeof reasons);
		doc_row(d, t, (const char *[]){at, screen_verdict_name((enum screen_verdict_kind)e->verdict), score, reasons});
	}
	return d;
}

int screening_evidence_document(struct app *app, const char *number, int64_t now, struct doc **out,
				struct app_error *err)
{
	struct screening_number st;
	int rc = screening_number(app, number, now, &st, err);
	if (rc != OMB_OK)
		return rc;
	const struct screening_block *block = st.has_block ? &st.block : NULL;
	if (st.watched) {
		*out = evidence_doc(&st.ev, now, true, block);
		return OMB_OK;
	}
	struct phone p;
	parse_number(app, number, "number", &p, err);
	struct stored_evidence *s = xmalloc(sizeof *s);
	bool found = false;
	rc = evidence_latest(app, phone_key(&p), s, &found);
	if (rc == OMB_OK && !found)
		rc = fail(err, "number", "no evidence is kept for this number", OMB_ENOTFOUND);
	if (rc == OMB_OK)
		*out = evidence_doc(&s->ev, s->taken_ms, false, block);
	free(s);
	return rc;
}

/* ---- operator actions ---- */

/* The engine's view of a number for an evidence record: its evidence when
 * watched, its counts otherwise, or just the number. */
static void evidence_now(struct app *app, const struct phone *p, struct screen_evidence *ev)
{
	int watched = 0;
	if (screen_number_state(app->screen->engine, p, ev, &watched) != OMB_OK) {
		memset(ev, 0, sizeof *ev);
		snprintf(ev->number, sizeof ev->number, "%s", p->canon);
	}
}

int screening_block_number(struct app *app, const struct principal *who, const char *number, const char *note,
			   int64_t minutes, bool voice_phishing, int64_t now, struct screening_block *out,
			   struct app_error *err)
{
	struct screening *sc = app->screen;
	if (!sc)
		return fail(err, NULL, "screening is disabled on this server", OMB_EAGAIN);
	struct phone p;
	int rc = parse_number(app, number, "number", &p, err);
	if (rc != OMB_OK)
		return rc;
	int64_t ttl = minutes > 0 ? minutes * 60000 : screen_config_current(sc->engine)->block_ms;
	struct screen_evidence *ev = xmalloc(sizeof *ev);
	evidence_now(app, &p, ev);
	ev->blocked = 1;
	ev->operator_block = 1;
	ev->block_from_ms = now;
	ev->block_until_ms = now + ttl;
	char reasons[64];
	screen_reasons_format(1u << SR_OPERATOR_BLOCK, reasons, sizeof reasons);
	struct block_row_in in = {.ev = ev, .key = phone_key(&p), .reasons = reasons, .score = 100, .from_ms = now,
				  .until_ms = now + ttl, .operator_set = true, .warn = voice_phishing,
				  .set_by = who->staff_code, .note = note ? note : ""};
	int64_t id = 0;
	/* marked first, so the sweep never records this block as the engine's */
	rec_mark(sc, p.canon, now, now + ttl, now);
	rc = store_begin(app->store, true);
	if (rc == OMB_OK)
		rc = store_end(app->store, block_record(app, &in, now, &id));
	free(ev);
	if (rc == OMB_OK)
		rc = screen_block(sc->engine, &p, now, ttl);
	if (rc != OMB_OK)
		return rc;
	struct screening_number st;
	rc = screening_number(app, number, now, &st, err);
	if (rc == OMB_OK && !st.has_block)
		rc = OMB_ESTORE;
	if (rc == OMB_OK)
		*out = st.block;
	return rc;
}

/* The store's part of a lift of the blocks running at now that began by
 * begun_by, with an evidence record as it stood. */
static int lift_in_tx(struct app *app, const struct phone *p, const char *by, const char *reason, int64_t now,
		      int64_t begun_by, bool *lifted)
{
	uint64_t key = phone_key(p);
	struct screening_block b;
	bool found;
	int rc = current_block_begun(app, key, now, begun_by, &b, &found);
	if (rc != OMB_OK || !found)
		return rc;
	struct screen_evidence *ev = xmalloc(sizeof *ev);
	evidence_now(app, p, ev);
	int64_t ev_id = 0;
	rc = evidence_insert(app, b.id, ev, key, now, &ev_id);
	free(ev);
	if (rc == OMB_OK)
		rc = store_exec(app->store, STORE_Q_SCREEN_BLOCK_LIFT,
				SV_ARGS(SV_INT(now), SV_TEXT(by), SV_TEXT(reason), SV_INT((int64_t)key), SV_INT(begun_by)), NULL,
				NULL);
	*lifted = rc > 0;
	if (rc > 0)  /* for the other nodes */
		rc = store_exec(app->store, STORE_Q_SCREEN_CHANGE_LIFTS, SV_ARGS(SV_INT(now), SV_INT((int64_t)key)), NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

/* What a SIM-box block ended by the line's move says in the store. */
#define RELEASED_BY "engine"
#define RELEASE_REASON "called from a third cell: a handset on the move, not a SIM in a box"

struct releases {
	struct phone *number;
	int64_t *at_ms;
	size_t n, cap;
};

/* Under a shard lock: memory work only. */
static int collect_release(const struct screen_evidence *ev, void *arg)
{
	struct releases *r = arg;
	size_t cap = r->cap;
	r->number = xgrow(r->number, r->n, &r->cap, sizeof *r->number, 16);
	r->at_ms = xgrow(r->at_ms, r->n, &cap, sizeof *r->at_ms, 16);
	if (phone_parse(ev->number, strlen(ev->number), PHONE_CC_KOREA, &r->number[r->n], NULL) == OMB_OK)
		r->at_ms[r->n++] = ev->released_ms;
	return 0;
}

/* The blocks the engine ended itself since the last sweep are lifted in
 * the store as well, so that a restart or another node does not set them
 * again (a lift is idempotent: one already lifted, or never recorded, is
 * left as it is). */
static int record_releases(struct app *app)
{
	struct screening *sc = app->screen;
	struct releases r = {0};
	screen_releases_each(sc->engine, sc->released_seen_ms, collect_release, &r);
	int rc = r.n ? store_begin(app->store, true) : OMB_OK;
	for (size_t i = 0; i < r.n && rc == OMB_OK; i++) {
		/* only what had begun by the release: a block set after it (an
		 * operator's, once the line moved) is not the one the engine ended */
		bool lifted;
		rc = lift_in_tx(app, &r.number[i], RELEASED_BY, RELEASE_REASON, r.at_ms[i], r.at_ms[i], &lifted);
	}
	if (r.n)
		rc = store_end(app->store, rc);
	for (size_t i = 0; i < r.n && rc == OMB_OK; i++)
		if (r.at_ms[i] > sc->released_seen_ms)
			sc->released_seen_ms = r.at_ms[i];
	free(r.number);
	free(r.at_ms);
	return rc == OMB_OK ? (int)r.n : rc;
}

int screening_lift(struct app *app, const struct principal *who, const char *number, const char *reason,
		   int64_t now, struct app_error *err)
{
	struct screening *sc = app->screen;
	if (!sc)
		return fail(err, NULL, "screening is disabled on this server", OMB_EAGAIN);
	struct phone p;
	int rc = parse_number(app, number, "number", &p, err);
	if (rc != OMB_OK)
		return rc;
	bool lifted = false;
	rc = store_begin(app->store, true);
	if (rc == OMB_OK)
		rc = store_end(app->store, lift_in_tx(app, &p, who->staff_code, reason, now, INT64_MAX, &lifted));
	if (rc != OMB_OK)
		return rc;
	/* the engine may hold a block the sweep has not recorded yet */
	bool engine_lifted = screen_lift(sc->engine, &p, now) == OMB_OK;
	return lifted || engine_lifted ? OMB_OK : fail(err, "number", "no block is running for this number", OMB_ENOTFOUND);
}

static void allow_from_row(const struct store_row *row, struct screening_allow *a)
{
	*a = (struct screening_allow){.id = store_row_int(row, 0)};
	snprintf(a->number, sizeof a->number, "%s", store_row_text(row, 1));
	snprintf(a->reason, sizeof a->reason, "%s", store_row_text(row, 3));
	snprintf(a->added_by, sizeof a->added_by, "%s", store_row_text(row, 4));
	a->added_ms = store_row_int(row, 5);
}

/* An addition or a removal in the allowlist's history, which the other
 * nodes read (screen_sync.h). */
static int allow_change(struct app *app, int64_t allow_id, const char *action, const char *by, const char *reason,
			int64_t now)
{
	int rc = store_exec(app->store, STORE_Q_SCREEN_ALLOW_CHANGE_ADD,
			    SV_ARGS(SV_INT(allow_id), SV_TEXT(action), SV_TEXT(by), SV_TEXT(reason), SV_INT(now)), NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

/* The tx_fn of allow_set() that puts number on the list: *out is the entry. */
static int allow_put_in_tx(struct app *app, const struct phone *p, const char *by, const char *reason, int64_t now,
			   struct screening_allow *out)
{
	int rc = store_exec(app->store, STORE_Q_SCREEN_ALLOW_PUT,
			    SV_ARGS(SV_TEXT(p->canon), SV_INT((int64_t)phone_key(p)), SV_TEXT(reason), SV_TEXT(by),
				    SV_INT(now)), store_row_first_int, &out->id);
	if (rc < 0)
		return rc;
	out->added_ms = now;
	snprintf(out->number, sizeof out->number, "%s", p->canon);
	snprintf(out->reason, sizeof out->reason, "%s", reason);
	snprintf(out->added_by, sizeof out->added_by, "%s", by);
	return allow_change(app, out->id, "add", by, reason, now);
}

static int allow_removed_row(void *ctx, const struct store_row *row)
{
	allow_from_row(row, ctx);
	return 0;
}

/* The tx_fn of allow_set() that takes number off: *out is the entry as it
 * was, with its removal. OMB_ENOTFOUND when it is not on the list. */
static int allow_remove_in_tx(struct app *app, const struct phone *p, const char *by, const char *reason, int64_t now,
			      struct screening_allow *out)
{
	int rc = store_exec(app->store, STORE_Q_SCREEN_ALLOW_REMOVE,
			    SV_ARGS(SV_INT(now), SV_TEXT(by), SV_TEXT(reason), SV_INT((int64_t)phone_key(p))),
			    allow_removed_row, out);
	if (rc <= 0)
		return rc < 0 ? rc : OMB_ENOTFOUND;
	out->removed_ms = now;
	snprintf(out->removed_by, sizeof out->removed_by, "%s", by);
	snprintf(out->remove_reason, sizeof out->remove_reason, "%s", reason);
	return allow_change(app, out->id, "remove", by, reason, now);
}

/* Puts number on the allowlist or takes it off: the entry and its history
 * row in one transaction, then the engine. */
static int allow_set(struct app *app, const struct principal *who, const char *number, const char *reason, int64_t now,
		     bool on, struct screening_allow *out, struct app_error *err)
{
	if (!app->screen)
		return fail(err, NULL, "screening is disabled on this server", OMB_EAGAIN);
	struct phone p;
	int rc = parse_number(app, number, "number", &p, err);
	if (rc != OMB_OK)
		return rc;
	*out = (struct screening_allow){0};
	rc = store_begin(app->store, true);
	if (rc == OMB_OK)
		rc = store_end(app->store, (on ? allow_put_in_tx : allow_remove_in_tx)(app, &p, who->staff_code, reason,
										now, out));
	if (rc == OMB_ENOTFOUND)
		return fail(err, "number", "this number is not on the allowlist", rc);
	if (rc != OMB_OK)
		return rc;
	screen_allowlist(app->screen->engine, &p, on);
	return OMB_OK;
}

int screening_allowlist_add(struct app *app, const struct principal *who, const char *number, const char *reason,
			    int64_t now, struct screening_allow *out, struct app_error *err)
{
	return allow_set(app, who, number, reason, now, true, out, err);
}

int screening_allowlist_remove(struct app *app, const struct principal *who, const char *number, const char *reason,
			       int64_t now, struct screening_allow *out, struct app_error *err)
{
	return allow_set(app, who, number, reason, now, false, out, err);
}

struct allow_list {
	struct screening_allow *items;
	size_t n, cap;
};

static int allow_row(void *ctx, const struct store_row *row)
{
	struct allow_list *l = ctx;
	l->items = xgrow(l->items, l->n, &l->cap, sizeof *l->items, 16);
	allow_from_row(row, &l->items[l->n++]);
	return 0;
}

int screening_allowlist(struct app *app, int64_t after, int limit, struct screening_allow **items, size_t *n)
{
	struct allow_list l = {0};
	int rc = store_exec(app->store, STORE_Q_SCREEN_ALLOW_LIST, SV_ARGS(SV_INT(after), SV_INT(limit)), allow_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

/* ---- appeals ---- */

struct appeal_row {
	struct screening_appeal a;
	uint64_t key;
	uint8_t code_hash[CRED_HASH_BYTES];
	int64_t code_expires_ms, code_attempts;
	bool found;
};

static void appeal_from_row(const struct store_row *row, struct appeal_row *r)
{
	struct screening_appeal *a = &r->a;
	memset(r, 0, sizeof *r);
	a->id = store_row_int(row, 0);
	snprintf(a->number, sizeof a->number, "%s", store_row_text(row, 1));
	r->key = (uint64_t)store_row_int(row, 2);
	snprintf(a->status, sizeof a->status, "%s", store_row_text(row, 3));
	snprintf(a->statement, sizeof a->statement, "%s", store_row_text(row, 4));
	a->block_id = store_row_int(row, 5);
	a->evidence_id = store_row_int(row, 6);
	a->created_ms = store_row_int(row, 7);
	a->confirmed_ms = store_row_int(row, 8);
	a->decided_ms = store_row_int(row, 9);
	snprintf(a->decided_by, sizeof a->decided_by, "%s", store_row_text(row, 10));
	snprintf(a->decision_reason, sizeof a->decision_reason, "%s", store_row_text(row, 11));
	size_t n = 0;
	const void *h = store_row_blob(row, 12, &n);
	if (n == CRED_HASH_BYTES)
		memcpy(r->code_hash, h, n);
	r->code_expires_ms = store_row_int(row, 13);
	r->code_attempts = store_row_int(row, 14);
	r->found = true;
}

static int one_appeal_row(void *ctx, const struct store_row *row)
{
	appeal_from_row(row, ctx);
	return 1;
}

static int appeal_get(struct app *app, int64_t id, struct appeal_row *r)
{
	r->found = false;
	int rc = store_exec(app->store, STORE_Q_SCREEN_APPEAL_GET, SV_ARGS(SV_INT(id)), one_appeal_row, r);
	return rc < 0 ? rc : r->found ? OMB_OK : OMB_ENOTFOUND;
}

static int appeal_open_in_tx(struct app *app, const struct phone *p, int64_t now, int64_t *id,
			     struct app_error *err)
{
	struct screening_block b;
	bool found = false;
	int rc = current_block(app, phone_key(p), now, &b, &found);
	if (rc != OMB_OK)
		return rc;
	if (!found) {
		/* a block the sweep has not recorded yet still counts */
		struct screen_evidence *ev = xmalloc(sizeof *ev);
		int watched = 0;
		found = screen_number_state(app->screen->engine, p, ev, &watched) == OMB_OK && ev->blocked;
		free(ev);
		b.id = 0;
	}
	if (!found)
		return fail(err, "number", "no block is running for this number", OMB_ECONFLICT);
	char code[7];
	uint8_t hash[CRED_HASH_BYTES];
	cred_code_digits(code, 6);
	cred_hash(app->secret, code, strlen(code), hash);
	rc = store_exec(app->store, STORE_Q_SCREEN_APPEAL_INSERT,
			SV_ARGS(SV_TEXT(p->canon), SV_INT((int64_t)phone_key(p)), SV_BLOB(hash, sizeof hash),
				SV_INT(now + SCREENING_APPEAL_TTL_MS), b.id ? SV_INT(b.id) : SV_NULL, SV_INT(now)),
			store_row_first_int, id);
	if (rc < 0)
		return rc;
	char ref[32];
	snprintf(ref, sizeof ref, "appeal-%" PRId64, *id);
	char *body = xasprintf("[차단 이의신청] 인증번호 %s (10분간 유효) / Block appeal %" PRId64
			       ": one-time code %s, valid 10 minutes", code, *id, code);
	struct outbox_msg m = {.channel = "sms", .recipient = p->canon, .subject = "차단 이의신청 / Block appeal",
			       .body = body, .ref = ref};
	rc = outbox_enqueue(app, &m, NULL);
	free(body);
	return rc;
}

int screening_appeal_open(struct app *app, const char *number, int64_t now, int64_t *id,
			  struct app_error *err)
{
	if (!app->screen)
		return fail(err, NULL, "screening is disabled on this server", OMB_EAGAIN);
	struct phone p;
	int rc = parse_number(app, number, "number", &p, err);
	if (rc != OMB_OK)
		return rc;
	rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, appeal_open_in_tx(app, &p, now, id, err));
}

struct staff_notice {
	struct app *app;
	const char *body, *ref;
	int rc;
};

static int notice_row(void *ctx, const struct store_row *row)
{
	struct staff_notice *s = ctx;
	struct outbox_msg m = {.org_id = store_row_int(row, 1), .channel = "staff", .recipient = store_row_text(row, 0),
			       .subject = "차단 이의신청 / Block appeal", .body = s->body, .ref = s->ref};
	s->rc = outbox_enqueue(s->app, &m, NULL);
	return s->rc != OMB_OK ? s->rc : 0;
}

static int appeal_confirm_in_tx(struct app *app, int64_t id, const char *code, const char *statement, int64_t now)
{
	struct appeal_row *r = xmalloc(sizeof *r);
	int rc = appeal_get(app, id, r);
	if (rc == OMB_OK && (strcmp(r->a.status, "unconfirmed") || r->code_expires_ms <= now ||
			     r->code_attempts >= SCREENING_APPEAL_TRIES))
		rc = OMB_ENOTFOUND;
	uint8_t want[CRED_HASH_BYTES];
	if (rc == OMB_OK) {
		cred_hash(app->secret, code, strlen(code), want);
		if (!cred_hash_equal(r->code_hash, want)) {
			rc = store_exec(app->store, STORE_Q_SCREEN_APPEAL_ATTEMPT, SV_ARGS(SV_INT(id)), NULL, NULL);
			rc = rc < 0 ? rc : OMB_EAUTH; /* the attempt is counted: commit it */
		}
	}
	struct phone p;
	if (rc == OMB_OK && phone_parse(r->a.number, strlen(r->a.number), PHONE_CC_KOREA, &p, NULL) != OMB_OK)
		rc = OMB_ESTORE;
	int64_t ev_id = 0;
	if (rc == OMB_OK) {
		struct screen_evidence *ev = xmalloc(sizeof *ev);
		evidence_now(app, &p, ev);
		rc = evidence_insert(app, r->a.block_id, ev, phone_key(&p), now, &ev_id);
		free(ev);
	}
	if (rc == OMB_OK) {
		rc = store_exec(app->store, STORE_Q_SCREEN_APPEAL_CONFIRM,
				SV_ARGS(SV_TEXT(statement), SV_INT(ev_id), SV_INT(now), SV_INT(id)), NULL, NULL);
		rc = rc < 0 ? rc : rc == 0 ? OMB_ENOTFOUND : OMB_OK;
	}
	if (rc == OMB_OK) {
		char ref[32];
		snprintf(ref, sizeof ref, "appeal-%" PRId64, id);
		char *body = xasprintf("번호 %s의 보유자가 차단에 이의를 신청했습니다 (증거 자료 첨부). / The holder of %s appeals "
				       "its block; see GET /v1/screen/appeals and the evidence at "
				       "/v1/screen/numbers/%s/evidence.", r->a.number, r->a.number, r->a.number);
		struct staff_notice s = {app, body, ref, OMB_OK};
		rc = store_exec(app->store, STORE_Q_SCREEN_STAFF_OF_ROLES, NULL, 0, notice_row, &s);
		rc = rc < 0 ? rc : OMB_OK;
		free(body);
	}
	free(r);
	return rc;
}

int screening_appeal_confirm(struct app *app, int64_t id, const char *code, const char *statement, int64_t now,
			     struct screening_appeal *out, struct app_error *err)
{
	int rc = store_begin(app->store, true);
	if (rc != OMB_OK)
		return rc;
	rc = appeal_confirm_in_tx(app, id, code, statement, now);
	/* a wrong code still commits its counted attempt */
	int end = store_end(app->store, rc == OMB_EAUTH ? OMB_OK : rc);
	if (end != OMB_OK)
		return end == OMB_ENOTFOUND || end == OMB_EAUTH
			? fail(err, "one_time_code", "no valid one-time code for this appeal", OMB_ENOTFOUND) : end;
	if (rc == OMB_EAUTH)
		return fail(err, "one_time_code", "no valid one-time code for this appeal", OMB_ENOTFOUND);
	struct appeal_row *r = xmalloc(sizeof *r);
	rc = appeal_get(app, id, r);
	if (rc == OMB_OK)
		*out = r->a;
	free(r);
	return rc;
}

struct appeal_list {
	struct screening_appeal *items;
	size_t n, cap;
};

static int appeal_list_row(void *ctx, const struct store_row *row)
{
	struct appeal_list *l = ctx;
	l->items = xgrow(l->items, l->n, &l->cap, sizeof *l->items, 16);
	struct appeal_row *r = xmalloc(sizeof *r);
	appeal_from_row(row, r);
	l->items[l->n++] = r->a;
	free(r);
	return 0;
}

int screening_appeals(struct app *app, const char *status, int64_t after, int limit,
		      struct screening_appeal **items, size_t *n)
{
	struct appeal_list l = {0};
	int rc = store_exec(app->store, STORE_Q_SCREEN_APPEALS_LIST,
			    SV_ARGS(SV_TEXT(status ? status : ""), SV_INT(after), SV_INT(limit)), appeal_list_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

static int appeal_decide_in_tx(struct app *app, const struct principal *who, int64_t id, bool lift,
			       const char *reason, int64_t now, struct appeal_row *r, struct app_error *err)
{
	int rc = appeal_get(app, id, r);
	if (rc != OMB_OK)
		return rc;
	if (strcmp(r->a.status, "open"))
		return fail(err, NULL, strcmp(r->a.status, "unconfirmed") ? "the appeal is already decided"
									  : "the appeal is not confirmed by its holder",
			    strcmp(r->a.status, "unconfirmed") ? OMB_ECONFLICT : OMB_ENOTFOUND);
	struct phone p;
	if (phone_parse(r->a.number, strlen(r->a.number), PHONE_CC_KOREA, &p, NULL) != OMB_OK)
		return OMB_ESTORE;
	bool lifted = false;
	if (lift && (rc = lift_in_tx(app, &p, who->staff_code, reason, now, INT64_MAX, &lifted)) != OMB_OK)
		return rc;
	rc = store_exec(app->store, STORE_Q_SCREEN_APPEAL_DECIDE,
			SV_ARGS(SV_TEXT(lift ? "lifted" : "rejected"), SV_INT(now), SV_TEXT(who->staff_code), SV_TEXT(reason),
				SV_INT(id)), NULL, NULL);
	if (rc < 0)
		return rc;
	char ref[32];
	snprintf(ref, sizeof ref, "appeal-%" PRId64, id);
	char *body = lift ? xasprintf("[차단 이의신청] 차단이 해제되었습니다. / Appeal %" PRId64 ": the block was lifted. %s", id, reason)
			  : xasprintf("[차단 이의신청] 이의신청이 기각되었습니다. / Appeal %" PRId64 ": rejected. %s", id, reason);
	struct outbox_msg m = {.channel = "sms", .recipient = r->a.number, .subject = "차단 이의신청 / Block appeal",
			       .body = body, .ref = ref};
	rc = outbox_enqueue(app, &m, NULL);
	free(body);
	return rc;
}

int screening_appeal_decide(struct app *app, const struct principal *who, int64_t id, bool lift, const char *reason,
			    int64_t now, struct screening_appeal *out, struct app_error *err)
{
	struct screening *sc = app->screen;
	if (!sc)
		return fail(err, NULL, "screening is disabled on this server", OMB_EAGAIN);
	struct appeal_row *r = xmalloc(sizeof *r);
	int rc = store_begin(app->store, true);
	if (rc == OMB_OK)
		rc = store_end(app->store, appeal_decide_in_tx(app, who, id, lift, reason, now, r, err));
	struct phone p;
	if (rc == OMB_OK && lift && phone_parse(r->a.number, strlen(r->a.number), PHONE_CC_KOREA, &p, NULL) == OMB_OK)
		screen_lift(sc->engine, &p, now);
	if (rc == OMB_OK)
		rc = appeal_get(app, id, r);
	if (rc == OMB_OK)
		*out = r->a;
	free(r);
	return rc;
}
