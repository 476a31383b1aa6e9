/* partials.c — per-cell and per-trunk partials exchanged between nodes that
 * share a database (screen.h, "Several nodes"): this engine's own, summed
 * over its shards, out; the other nodes', kept apart in e->remote, in.
 * screen_merge folds e->remote like one more shard, so the view the rules
 * read covers every node's calls, and what goes out never includes what
 * came in (no node counts another's calls twice). */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "screen/screen_int.h"

static bool part_empty(const struct agg_part *p)
{
	return !p->attempts && !p->ends;
}

static int by_key(const void *a, const void *b)
{
	uint64_t x = ((const struct agg *)a)->key, y = ((const struct agg *)b)->key;
	return x < y ? -1 : x > y;
}

void screen_part_add(struct agg_part *d, const struct agg_part *p)
{
	d->attempts += p->attempts;
	d->ends += p->ends;
	d->answered += p->answered;
	d->bad += p->bad;
	d->fresh_ends += p->fresh_ends;
	d->fresh_bad += p->fresh_bad;
	sketch_hll_merge(d->suspects, p->suspects);
	sketch_hll_merge(d->newcomers, p->newcomers);
}

static void partial_out(struct screen_partial *o, const struct agg *g, int64_t epoch, const struct agg_part *p)
{
	*o = (struct screen_partial){.key = g->key, .epoch = epoch, .attempts = p->attempts, .ends = p->ends,
				     .answered = p->answered, .bad = p->bad, .fresh_ends = p->fresh_ends,
				     .fresh_bad = p->fresh_bad};
	memcpy(o->name, g->name, sizeof o->name);
	memcpy(o->suspects, p->suspects, sizeof o->suspects);
	memcpy(o->newcomers, p->newcomers, sizeof o->newcomers);
}

/* Copies of every shard's partials, rolled to epoch (the copies, not the
 * shards' own: rolling is screen_merge's business), then summed by key. */
int screen_partials_export(struct screen_engine *e, int64_t now_ms, struct screen_partial **out, size_t *n)
{
	int64_t epoch = now_ms / AGG_EPOCH_MS;
	struct agg *all = NULL;
	size_t count = 0, cap = 0;
	for (unsigned i = 0; i < e->nshards; i++) {
		struct shard *s = &e->shards[i];
		pthread_mutex_lock(&s->lock);
		if (count + s->agg_count > cap) {
			cap = (count + s->agg_count) * 2;
			all = xrealloc(all, cap * sizeof *all);
		}
		for (size_t j = 0; j < s->agg_slots; j++) {
			if (!s->aggs[j].key)
				continue;
			struct agg g = s->aggs[j];
			screen_agg_roll(&g, epoch);
			if (g.epoch == epoch && !(part_empty(&g.part[0]) && part_empty(&g.part[1])))
				all[count++] = g;
		}
		pthread_mutex_unlock(&s->lock);
	}
	if (count)
		qsort(all, count, sizeof *all, by_key);
	struct screen_partial *parts = xmalloc((2 * count + 1) * sizeof *parts);
	size_t np = 0;
	for (size_t i = 0; i < count;) {
		struct agg sum = all[i];
		for (i++; i < count && all[i].key == sum.key; i++) {
			screen_part_add(&sum.part[0], &all[i].part[0]);
			screen_part_add(&sum.part[1], &all[i].part[1]);
			if (!sum.name[0])
				memcpy(sum.name, all[i].name, sizeof sum.name);
		}
		for (int k = 0; k < 2; k++)
			if (!part_empty(&sum.part[k]))
				partial_out(&parts[np++], &sum, epoch - k, &sum.part[k]);
	}
	free(all);
	*out = parts;
	*n = np;
	return OMB_OK;
}

static void remote_dirty_all(struct shard *r)
{
	r->ndirty = 0;
	for (size_t j = 0; j < r->agg_slots; j++) {
		if (!r->aggs[j].key)
			continue;
		r->dirty = xgrow(r->dirty, r->ndirty, &r->dirty_cap, sizeof *r->dirty, 256);
		r->aggs[j].dirty = 1;
		r->dirty[r->ndirty++] = (uint32_t)j;
	}
}

/* The remote table keeps each key's synced counts across imports, so that
 * screen_merge folds only what changed since it last looked: the new sums
 * minus what it already has (a node that went away makes that negative,
 * which the modular arithmetic of the counts takes as a subtraction). */
void screen_partials_import(struct screen_engine *e, const struct screen_partial *parts, size_t n, int64_t now_ms)
{
	int64_t epoch = now_ms / AGG_EPOCH_MS;
	pthread_mutex_lock(&e->merge_mutex);
	if (!e->remote) {
		e->remote = xcalloc(1, sizeof *e->remote);
		screen_lock_init(&e->remote->lock);
		e->merged_epoch = -1; /* the next merge folds every partial afresh, remote ones with them */
	}
	struct shard *r = e->remote;
	pthread_mutex_lock(&r->lock);
	for (size_t j = 0; j < r->agg_slots; j++) {
		struct agg *g = &r->aggs[j];
		if (!g->key)
			continue;
		screen_agg_roll(g, epoch);
		memset(g->part, 0, sizeof g->part);
	}
	for (size_t i = 0; i < n; i++) {
		const struct screen_partial *p = &parts[i];
		int64_t age = epoch - p->epoch;
		if (!p->key || age < 0 || age > 1)
			continue;
		struct agg *g = screen_agg_get(r, p->key, true);
		if (!g->epoch)
			g->epoch = epoch;
		if (!g->name[0])
			memcpy(g->name, p->name, sizeof g->name);
		struct agg_part in = {p->attempts, p->ends, p->answered, p->bad, p->fresh_ends, p->fresh_bad, {0}, {0}};
		memcpy(in.suspects, p->suspects, sizeof in.suspects);
		memcpy(in.newcomers, p->newcomers, sizeof in.newcomers);
		screen_part_add(&g->part[age], &in);
	}
	remote_dirty_all(r);
	pthread_mutex_unlock(&r->lock);
	pthread_mutex_unlock(&e->merge_mutex);
}

void screen_remote_free(struct shard *remote)
{
	if (!remote)
		return;
	free(remote->aggs);
	free(remote->dirty);
	pthread_mutex_destroy(&remote->lock);
	free(remote);
}
