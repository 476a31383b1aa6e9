/* snapshot.c — the engine's state to a file and back, so that blocks,
 * evidence and behaviour survive a restart. The format is this build's
 * in-memory records behind a versioned header: a snapshot is read back by
 * the same ombud version on the same architecture, not exchanged. */
#include "screen/screen_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/mem.h"

#define SNAP_MAGIC "OMBSCR01"

struct snap_header {
	char magic[8];
	uint32_t caller_size, agg_size, evidence_size, nshards;
	struct screen_config cfg;
};

static bool put(FILE *f, const void *p, size_t n)
{
	return n == 0 || fwrite(p, 1, n, f) == n; /* an empty list has no buffer */
}

static bool put_u64(FILE *f, uint64_t v)
{
	return put(f, &v, sizeof v);
}

static bool save_shard(FILE *f, struct shard *s)
{
	bool ok = put_u64(f, s->count);
	for (uint64_t i = 0; ok && i < s->nslots; i++)
		if (s->callers[i].key)
			ok = put(f, &s->callers[i], sizeof s->callers[i]);
	ok = ok && put_u64(f, s->pending_mask + 1) &&
	     put(f, s->pending, (s->pending_mask + 1) * sizeof *s->pending);
	ok = ok && put_u64(f, s->nums_count);
	for (size_t i = 0; ok && i < s->nums_slots; i++) {
		const struct numinfo *n = &s->nums[i];
		if (n->key)
			ok = put(f, n, sizeof *n) && put(f, n->reports, n->nreports * sizeof *n->reports);
	}
	ok = ok && put_u64(f, s->watch_count);
	for (size_t i = 0; ok && i < s->watch_slots; i++) {
		const struct watch *w = &s->watch[i];
		if (w->key)
			ok = put(f, w, sizeof *w) && put(f, w->ev, sizeof *w->ev);
	}
	ok = ok && put_u64(f, s->agg_count);
	for (size_t i = 0; ok && i < s->agg_slots; i++)
		if (s->aggs[i].key)
			ok = put(f, &s->aggs[i], sizeof s->aggs[i]);
	return ok && put(f, &s->st, sizeof s->st);
}

/* A shard's bytes are copied to memory under its lock and written to the
 * file after: written to the file under the lock (a stdio call per record,
 * and the page cache) they held the shard, and with it every HTTP worker
 * that reached a check of it, for ~20 ms a shard at 1M callers. */
static bool save_shard_copy(FILE *f, struct shard *s)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&mem, &len);
	if (!m)
		return false;
	pthread_mutex_lock(&s->lock);
	bool ok = save_shard(m, s);
	pthread_mutex_unlock(&s->lock);
	ok = fclose(m) == 0 && ok;
	ok = ok && put(f, mem, len);
	free(mem);
	return ok;
}

int screen_snapshot_save(struct screen_engine *e, const char *path)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		free(tmp);
		return OMB_EIO;
	}
	struct snap_header h = {.caller_size = sizeof(struct caller), .agg_size = sizeof(struct agg),
				.evidence_size = sizeof(struct screen_evidence), .nshards = e->nshards};
	memcpy(h.magic, SNAP_MAGIC, sizeof h.magic);
	h.cfg = atomic_load(&e->cfg)->c;
	bool ok = put(f, &h, sizeof h);
	for (unsigned i = 0; ok && i < e->nshards; i++)
		ok = save_shard_copy(f, &e->shards[i]);
	ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
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

static bool restore_nums(FILE *f, struct shard *s)
{
	uint64_t n;
	if (!get_u64(f, &n))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		struct numinfo rec;
		if (!get(f, &rec, sizeof rec) || rec.nreports > 1u << 20)
			return false;
		rec.reports = rec.nreports ? xmalloc(rec.nreports * sizeof *rec.reports) : NULL;
		rec.cap_reports = rec.nreports;
		if (!get(f, rec.reports, rec.nreports * sizeof *rec.reports)) {
			free(rec.reports);
			return false;
		}
		*screen_nums_get(s, rec.key, true) = rec;
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
	    !get(f, s->pending, buckets * sizeof *s->pending) || !restore_nums(f, s) || !get_u64(f, &n))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		struct watch w;
		struct screen_evidence *ev = xmalloc(sizeof *ev);
		if (!get(f, &w, sizeof w) || !get(f, ev, sizeof *ev) || !w.key) {
			free(ev);
			return false;
		}
		w.ev = ev;
		*screen_watch_get(s, w.key, true) = w;
	}
	if (!get_u64(f, &n))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		struct agg g;
		if (!get(f, &g, sizeof g) || !g.key)
			return false;
		g.dirty = 0; /* the first merge after a restore rebuilds every view */
		*screen_agg_get(s, g.key, true) = g;
	}
	screen_callers_relist(s); /* snapshots of earlier builds lack CF_LISTED */
	return get(f, &s->st, sizeof s->st);
}

int screen_snapshot_restore(const char *path, struct screen_engine **out, const char **reason)
{
	const char *dummy;
	if (!reason)
		reason = &dummy;
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		*reason = "cannot open snapshot";
		return OMB_EIO;
	}
	struct snap_header h;
	if (!get(f, &h, sizeof h) || memcmp(h.magic, SNAP_MAGIC, sizeof h.magic) != 0 ||
	    h.caller_size != sizeof(struct caller) || h.agg_size != sizeof(struct agg) ||
	    h.evidence_size != sizeof(struct screen_evidence) || h.nshards != h.cfg.shards) {
		fclose(f);
		*reason = "not a snapshot of this version";
		return OMB_EINVAL;
	}
	struct screen_engine *e = screen_create_sized(&h.cfg, reason);
	if (!e) {
		fclose(f);
		return OMB_EINVAL;
	}
	bool ok = true;
	for (unsigned i = 0; ok && i < e->nshards; i++)
		ok = restore_shard(f, &e->shards[i]);
	fclose(f);
	if (!ok) {
		screen_destroy(e);
		*reason = "snapshot truncated or corrupt";
		return OMB_EINVAL;
	}
	*out = e;
	return 0;
}
