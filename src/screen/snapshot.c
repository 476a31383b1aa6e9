/* snapshot.c — the engine's state to a file and back, so that blocks,
 * evidence and behaviour survive a restart. The format is this build's
 * in-memory records behind a versioned header and the configuration as
 * text, and a checksum of all of it at the end: a snapshot is read back by
 * an ombud with the same records on the same architecture, not exchanged.
 * A restore checks the sum before it reads a record, and every record
 * before the engine uses it, so that a damaged file is refused, never
 * half-applied or trusted with an index. */
#include "screen/screen_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "screen/rules.h"

static bool put(FILE *f, const void *p, size_t n)
{
	return n == 0 || fwrite(p, 1, n, f) == n; /* an empty list has no buffer */
}

static bool put_u64(FILE *f, uint64_t v)
{
	return put(f, &v, sizeof v);
}

/* Every table of a shard (callers, pending calls, lists, watched numbers,
 * cell and trunk partials) is copied a slice at a time under the lock into
 * a buffer, and the buffer is written with no lock held, so that a check
 * waits for one slice at most. (Copied whole under the lock into a growing
 * memory stream, a shard held its checks for 20-30 ms at 600 k callers,
 * 40-48 ms at 100 k watched numbers and 23 ms with a registry of 1 M
 * numbers: the stream's buffer was copied each time it grew.) A record that
 * moves between two slices (an insert, a deletion's backward shift) may be
 * copied twice, which the restore absorbs, or missed: a snapshot is the
 * engine's memory, not a ledger. */
#define SNAP_SLICE 4096
#define WATCH_SLICE 256 /* each entry carries its evidence */
#define NUMS_SLICE 1024 /* and its reports */
#define AGGS_SLICE 1024 /* a few hundred bytes each */

static uint64_t slice_end(uint64_t i, uint64_t n)
{
	return n - i < SNAP_SLICE ? n : i + SNAP_SLICE;
}

/* Writes n over the placeholder at offset at, then goes back to where the
 * section ended. */
static bool put_count_at(FILE *f, long at, uint64_t n)
{
	long end = ftell(f);
	return end >= 0 && fseek(f, at, SEEK_SET) == 0 && put_u64(f, n) && fseek(f, end, SEEK_SET) == 0;
}

/* The caller records, after their count. */
static bool save_callers(FILE *f, struct shard *s)
{
	long at = ftell(f);
	uint64_t n = 0;
	struct caller *buf = xmalloc(SNAP_SLICE * sizeof *buf);
	bool ok = at >= 0 && put_u64(f, 0);
	for (uint64_t i = 0; ok && i < s->nslots; i = slice_end(i, s->nslots)) {
		size_t k = 0;
		pthread_mutex_lock(&s->lock);
		for (uint64_t j = i; j < slice_end(i, s->nslots); j++)
			if (s->callers[j].key)
				buf[k++] = s->callers[j];
		pthread_mutex_unlock(&s->lock);
		ok = put(f, buf, k * sizeof *buf);
		n += k;
	}
	free(buf);
	return ok && put_count_at(f, at, n);
}

static bool save_pending(FILE *f, struct shard *s)
{
	uint64_t n = s->pending_mask + 1;
	struct pending_bucket *buf = xmalloc(SNAP_SLICE * sizeof *buf);
	bool ok = put_u64(f, n);
	for (uint64_t i = 0; ok && i < n; i = slice_end(i, n)) {
		size_t k = slice_end(i, n) - i;
		pthread_mutex_lock(&s->lock);
		memcpy(buf, &s->pending[i], k * sizeof *buf);
		pthread_mutex_unlock(&s->lock);
		ok = put(f, buf, k * sizeof *buf);
	}
	free(buf);
	return ok;
}

/* The list, watch and cell/trunk tables, whose entries own memory (a listed
 * number's reports, a watched number's evidence) or are large, go the same
 * way: under the lock each live entry of a slice of slots is copied, with
 * what it owns after it, into a buffer written with the lock released.
 * They grow by rehashing, which moves every entry: a pass that sees the
 * slot count change starts again. */
struct table_saver {
	size_t slice; /* slots per lock hold */
	size_t (*slots)(const struct shard *s);
	bool (*copy)(const struct shard *s, size_t j, struct buf *b); /* false: an empty slot */
};

static bool save_table_pass(FILE *f, struct shard *s, const struct table_saver *t, struct buf *b, bool *grew)
{
	long at = ftell(f);
	uint64_t n = 0;
	size_t slots = 0;
	bool ok = at >= 0 && put_u64(f, 0), end = false;
	for (size_t i = 0; ok && !end; i += t->slice) {
		buf_clear(b);
		pthread_mutex_lock(&s->lock);
		slots = i ? slots : t->slots(s);
		*grew = t->slots(s) != slots;
		end = *grew || i >= slots;
		for (size_t j = i; !end && j < i + t->slice && j < slots; j++)
			n += t->copy(s, j, b);
		pthread_mutex_unlock(&s->lock);
		ok = !b->overflow && put(f, b->data, b->len);
	}
	return ok && put_count_at(f, at, n);
}

static bool save_table(FILE *f, struct shard *s, const struct table_saver *t)
{
	struct buf b;
	buf_init(&b, SIZE_MAX / 2);
	long at = ftell(f);
	bool ok = at >= 0, grew = true;
	while (ok && grew) /* a pass cut short is written over; the save truncates the file at its end */
		ok = fseek(f, at, SEEK_SET) == 0 && save_table_pass(f, s, t, &b, &grew);
	buf_free(&b);
	return ok;
}

static size_t watch_slots(const struct shard *s)
{
	return s->watch_slots;
}

static bool watch_copy(const struct shard *s, size_t j, struct buf *b)
{
	const struct watch *w = &s->watch[j];
	return w->key && buf_append(b, w, sizeof *w) == 0 && buf_append(b, w->ev, sizeof *w->ev) == 0;
}

static size_t nums_slots(const struct shard *s)
{
	return s->nums_slots;
}

static bool nums_copy(const struct shard *s, size_t j, struct buf *b)
{
	const struct numinfo *n = &s->nums[j];
	return n->key && buf_append(b, n, sizeof *n) == 0 &&
	       (!n->nreports || buf_append(b, n->reports, n->nreports * sizeof *n->reports) == 0);
}

static size_t aggs_slots(const struct shard *s)
{
	return s->agg_slots;
}

static bool aggs_copy(const struct shard *s, size_t j, struct buf *b)
{
	return s->aggs[j].key && buf_append(b, &s->aggs[j], sizeof s->aggs[j]) == 0;
}

static const struct table_saver nums_saver = {NUMS_SLICE, nums_slots, nums_copy};
static const struct table_saver watch_saver = {WATCH_SLICE, watch_slots, watch_copy};
static const struct table_saver aggs_saver = {AGGS_SLICE, aggs_slots, aggs_copy};

static bool save_stats(FILE *f, struct shard *s)
{
	pthread_mutex_lock(&s->lock);
	struct screen_stats st = s->st;
	pthread_mutex_unlock(&s->lock);
	return put(f, &st, sizeof st);
}

static bool save_shard(FILE *f, struct shard *s)
{
	return save_callers(f, s) && save_pending(f, s) && save_table(f, s, &nums_saver) &&
	       save_table(f, s, &watch_saver) && save_table(f, s, &aggs_saver) && save_stats(f, s);
}

/* XXH3-64 of the first len bytes of f, read from its start. */
static bool stream_sum(FILE *f, long len, uint64_t *out)
{
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		abort();
	enum { CHUNK = 1 << 20 };
	char *buf = xmalloc(CHUNK);
	bool ok = fseek(f, 0, SEEK_SET) == 0 && XXH3_64bits_reset(st) == XXH_OK;
	for (long left = len; ok && left > 0;) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		ok = fread(buf, 1, n, f) == n && XXH3_64bits_update(st, buf, n) == XXH_OK;
		left -= (long)n;
	}
	*out = XXH3_64bits_digest(st);
	free(buf);
	XXH3_freeState(st);
	return ok;
}

int screen_snapshot_write(struct screen_engine *e, FILE *f)
{
	char *text = NULL;
	size_t text_len = 0;
	FILE *mem = open_memstream(&text, &text_len);
	if (!mem)
		abort();
	screen_config_write(&atomic_load(&e->cfg)->c, mem);
	fclose(mem);
	struct snap_header h = snap_header_of(e->nshards, (uint32_t)text_len);
	bool ok = text_len <= SNAP_CONFIG_MAX && put(f, &h, sizeof h) && put(f, text, text_len);
	free(text);
	for (unsigned i = 0; ok && i < e->nshards; i++)
		ok = save_shard(f, &e->shards[i]);
	/* the sum is read back from the file: the sections' counts were
	 * written over their placeholders */
	long end = ok && fflush(f) == 0 ? ftell(f) : -1;
	uint64_t sum;
	ok = end >= 0 && stream_sum(f, end, &sum) && fseek(f, end, SEEK_SET) == 0 && put_u64(f, sum) &&
	     fflush(f) == 0 && ftruncate(fileno(f), end + SNAP_SUM_SIZE) == 0;
	return ok ? 0 : OMB_EIO;
}

int screen_snapshot_save(struct screen_engine *e, const char *path)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w+b");
	if (!f) {
		free(tmp);
		return OMB_EIO;
	}
	bool ok = screen_snapshot_write(e, f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	ok = ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? 0 : OMB_EIO;
}

static bool get(FILE *f, void *p, size_t n)
{
	return n == 0 || fread(p, 1, n, f) == n;
}

static bool get_u64(FILE *f, uint64_t *v)
{
	return get(f, v, sizeof *v);
}

/* ---- what a record must hold before the engine may use it ---- */

static bool terminated(const char *s, size_t size)
{
	return memchr(s, 0, size) != NULL;
}

static bool names_terminated(const char (*names)[SCREEN_EV_NAME], unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!terminated(names[i], SCREEN_EV_NAME))
			return false;
	return true;
}

/* Counts within their arrays, strings ended inside theirs. */
static bool evidence_valid(const struct screen_evidence *ev)
{
	if (!terminated(ev->number, sizeof ev->number) || ev->n_answered > SCREEN_EV_CALLEES ||
	    ev->n_trunks > SCREEN_EV_PLACES || ev->n_cells > SCREEN_EV_PLACES || ev->n_timeline > SCREEN_EV_TIMELINE)
		return false;
	for (unsigned i = 0; i < ev->n_answered; i++)
		if (!terminated(ev->answered_callees[i], sizeof ev->answered_callees[i]))
			return false;
	return names_terminated(ev->trunks, ev->n_trunks) && names_terminated(ev->cells, ev->n_cells);
}

static bool numinfo_valid(const struct numinfo *n)
{
	return n->key && n->kind <= SCREEN_REG_CONFIRMED_FRAUD && n->ntrunks <= SCREEN_REG_MAX_TRUNKS &&
	       n->nreports <= 1u << 20;
}

static bool agg_valid(const struct agg *g)
{
	return g->key && g->level <= RULES_SIMBOX_FRESH && terminated(g->name, sizeof g->name);
}

/* ---- restore ---- */

static bool restore_nums(FILE *f, struct shard *s)
{
	uint64_t n;
	if (!get_u64(f, &n))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		struct numinfo rec;
		if (!get(f, &rec, sizeof rec) || !numinfo_valid(&rec))
			return false;
		rec.reports = rec.nreports ? xmalloc(rec.nreports * sizeof *rec.reports) : NULL;
		rec.cap_reports = rec.nreports;
		if (!get(f, rec.reports, rec.nreports * sizeof *rec.reports)) {
			free(rec.reports);
			return false;
		}
		struct numinfo *slot = screen_nums_get(s, rec.key, true);
		free(slot->reports); /* a number saved twice (it moved during the save) keeps its last copy */
		*slot = rec;
	}
	return true;
}

static bool restore_watch(FILE *f, struct shard *s)
{
	uint64_t n;
	if (!get_u64(f, &n))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		struct watch w;
		struct screen_evidence *ev = xmalloc(sizeof *ev);
		if (!get(f, &w, sizeof w) || !get(f, ev, sizeof *ev) || !w.key || !evidence_valid(ev)) {
			free(ev);
			return false;
		}
		w.ev = ev;
		if (w.released_ms > s->last_release_ms)
			s->last_release_ms = w.released_ms;
		struct watch *slot = screen_watch_get(s, w.key, true);
		free(slot->ev); /* a number saved twice (it moved during the save) keeps its last copy */
		*slot = w;
	}
	return true;
}

static bool restore_aggs(FILE *f, struct shard *s)
{
	uint64_t n;
	if (!get_u64(f, &n))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		struct agg g;
		if (!get(f, &g, sizeof g) || !agg_valid(&g))
			return false;
		g.dirty = 0; /* the first merge after a restore rebuilds every view */
		*screen_agg_get(s, g.key, true) = g;
	}
	return true;
}

static bool restore_shard(FILE *f, struct shard *s)
{
	uint64_t n, buckets;
	if (!get_u64(f, &n))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		struct caller c;
		if (!get(f, &c, sizeof c) || !c.key)
			return false;
		screen_caller_insert_raw(s, &c);
	}
	if (!get_u64(f, &buckets) || buckets != s->pending_mask + 1 ||
	    !get(f, s->pending, buckets * sizeof *s->pending) || !restore_nums(f, s) || !restore_watch(f, s) ||
	    !restore_aggs(f, s))
		return false;
	screen_callers_relist(s); /* snapshots of earlier builds lack CF_LISTED */
	return get(f, &s->st, sizeof s->st);
}

/* Counts the lines that cannot be applied, but for names this build does
 * not know. */
static void config_bad(void *nbad, unsigned line, int rc, const char *reason)
{
	(void)line;
	(void)reason;
	if (rc != OMB_ENOTFOUND)
		++*(int *)nbad;
}

static bool read_config(FILE *f, uint32_t len, struct screen_config *cfg)
{
	if (len == 0 || len > SNAP_CONFIG_MAX)
		return false;
	char *text = xmalloc(len);
	bool ok = get(f, text, len);
	FILE *mem = ok ? fmemopen(text, len, "r") : NULL;
	int nbad = 0;
	screen_config_defaults(cfg);
	if (mem) {
		screen_config_read(cfg, mem, config_bad, &nbad);
		fclose(mem);
	}
	free(text);
	return mem && nbad == 0 && screen_config_validate(cfg, NULL) == 0;
}

/* The magic and the sizes of every record are this build's. */
static bool header_ours(const struct snap_header *h)
{
	struct snap_header ours = snap_header_of(h->nshards, h->config_len);
	return memcmp(h, &ours, sizeof ours) == 0;
}

/* The sum at the end of f matches what comes before it; *body_end: where
 * the sum begins. */
static bool sum_matches(FILE *f, long *body_end)
{
	uint64_t want, got;
	if (fseek(f, 0, SEEK_END) != 0 || (*body_end = ftell(f) - SNAP_SUM_SIZE) < (long)sizeof(struct snap_header))
		return false;
	return stream_sum(f, *body_end, &got) && get_u64(f, &want) && got == want;
}

int screen_snapshot_read(FILE *f, struct screen_engine **out, const char **reason)
{
	const char *dummy;
	if (!reason)
		reason = &dummy;
	*out = NULL;
	struct snap_header h;
	if (!get(f, &h, sizeof h) || !header_ours(&h)) {
		*reason = "not a snapshot of this version";
		return OMB_EINVAL;
	}
	long body_end;
	if (!sum_matches(f, &body_end) || fseek(f, sizeof h, SEEK_SET) != 0) {
		*reason = "snapshot truncated or corrupt";
		return OMB_EINVAL;
	}
	struct screen_config cfg;
	if (!read_config(f, h.config_len, &cfg) || h.nshards != cfg.shards) {
		*reason = "snapshot configuration unreadable";
		return OMB_EINVAL;
	}
	struct screen_engine *e = screen_create_sized(&cfg, reason);
	if (!e)
		return OMB_EINVAL;
	bool ok = true;
	for (unsigned i = 0; ok && i < e->nshards; i++)
		ok = restore_shard(f, &e->shards[i]);
	if (!ok || ftell(f) != body_end) {
		screen_destroy(e);
		*reason = "snapshot truncated or corrupt";
		return OMB_EINVAL;
	}
	*out = e;
	return 0;
}

int screen_snapshot_restore(const char *path, struct screen_engine **out, const char **reason)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*out = NULL;
		if (reason)
			*reason = "cannot open snapshot";
		return OMB_EIO;
	}
	int rc = screen_snapshot_read(f, out, reason);
	fclose(f);
	return rc;
}
