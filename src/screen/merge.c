/* merge.c — the per-cell and per-trunk views: every shard keeps partials of
 * the cells and trunks its callers call from (engine.c), and a merge on a
 * short, stated interval (agg_merge_ms) folds them, with the other
 * nodes' (partials.c), into one view per cell and trunk, and gives each its
 * SIM-box level. Within an epoch a merge folds in only what changed: count
 * deltas since the last merge and the (idempotent) register maxima of dirty
 * partials. A new epoch rebuilds the view from every partial. */
#include "screen/screen_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "screen/rules.h"

static struct agg *scratch_get(struct screen_engine *e, uint64_t key)
{
	if ((e->scratch_count + 1) * 2 > e->scratch_slots) {
		size_t old_n = e->scratch_slots;
		struct agg *old = e->scratch;
		e->scratch_slots = old_n ? old_n * 2 : 1024;
		e->scratch = xcalloc(e->scratch_slots, sizeof *e->scratch);
		for (size_t i = 0; i < old_n; i++) {
			if (!old[i].key)
				continue;
			size_t j = screen_range(screen_mix64(old[i].key), e->scratch_slots);
			while (e->scratch[j].key)
				j = j + 1 == e->scratch_slots ? 0 : j + 1;
			e->scratch[j] = old[i];
		}
		free(old);
		e->nsdirty = 0;
		for (size_t i = 0; i < e->scratch_slots; i++)
			if (e->scratch[i].key && e->scratch[i].dirty)
				screen_push_index(&e->sdirty, &e->nsdirty, &e->sdirty_cap, i);
	}
	size_t j = screen_range(screen_mix64(key), e->scratch_slots);
	while (e->scratch[j].key && e->scratch[j].key != key)
		j = j + 1 == e->scratch_slots ? 0 : j + 1;
	if (!e->scratch[j].key) {
		e->scratch[j].key = key;
		e->scratch_count++;
	}
	struct agg *m = &e->scratch[j];
	if (!m->dirty) {
		m->dirty = 1;
		screen_push_index(&e->sdirty, &e->nsdirty, &e->sdirty_cap, j);
	}
	return m;
}

static void fold_partial(struct agg *m, struct agg *g, bool full)
{
	struct agg_part *d = &m->part[0], *p = &g->part[0];
	if (full)
		screen_part_add(&m->part[1], &g->part[1]);
	d->attempts += p->attempts - g->synced[0];
	d->ends += p->ends - g->synced[1];
	d->answered += p->answered - g->synced[2];
	d->bad += p->bad - g->synced[3];
	d->fresh_ends += p->fresh_ends - g->synced[4];
	d->fresh_bad += p->fresh_bad - g->synced[5];
	g->synced[0] = p->attempts;
	g->synced[1] = p->ends;
	g->synced[2] = p->answered;
	g->synced[3] = p->bad;
	g->synced[4] = p->fresh_ends;
	g->synced[5] = p->fresh_bad;
	sketch_hll_merge(d->suspects, p->suspects); /* registers: merging again changes nothing */
	sketch_hll_merge(d->newcomers, p->newcomers);
	if (!m->name[0])
		memcpy(m->name, g->name, sizeof m->name);
	g->dirty = 0;
}

/* The SIM-box level of a cell or trunk over its last one to two epochs:
 * FLAGGED when enough distinct suspects make up enough of its newcomers;
 * FRESH (new lines are blocked from their first call) when they are most
 * of them, or when the calls of new, never-called lines there mostly fail
 * or hang up at once while suspects are already showing. */
static void view_compute(const struct screen_config *cfg, struct agg *g)
{
	g->level = RULES_SIMBOX_NONE;
	/* k non-zero registers estimate at least k distinct suspects and
	 * at most about k + k^2/128: too few registers cannot reach a floor */
	int k = sketch_hll_nonzero_union(g->part[0].suspects, g->part[1].suspects);
	double floor_n = cfg->simbox_min_suspects / 2.0;
	if (k + k * k / 100.0 + 1 < floor_n) {
		g->v_suspects = (float)k;
		return;
	}
	g->v_suspects = (float)sketch_hll_estimate_union(g->part[0].suspects, g->part[1].suspects);
	g->v_newcomers = (float)sketch_hll_estimate_union(g->part[0].newcomers, g->part[1].newcomers);
	double base = g->v_newcomers > g->v_suspects ? g->v_newcomers : g->v_suspects;
	double share = base > 0 ? g->v_suspects / base : 0;
	uint32_t fresh_ends = g->part[0].fresh_ends + g->part[1].fresh_ends;
	uint32_t fresh_bad = g->part[0].fresh_bad + g->part[1].fresh_bad;
	bool failing = fresh_ends >= (uint32_t)cfg->simbox_cell_min_ends &&
		       fresh_bad >= cfg->simbox_cell_bad_ratio * fresh_ends;
	if (g->v_suspects + 0.5 >= cfg->simbox_min_suspects && share >= cfg->simbox_share)
		g->level = share >= cfg->simbox_fresh_share ? RULES_SIMBOX_FRESH : RULES_SIMBOX_FLAGGED;
	if (failing && g->v_suspects + 0.5 >= floor_n)
		g->level = RULES_SIMBOX_FRESH;
}

static void views_publish(struct screen_engine *e, struct shard *s)
{
	for (size_t i = 0; i < e->nsdirty; i++) {
		const struct agg *m = &e->scratch[e->sdirty[i]];
		struct agg *g = screen_agg_find_create(s, m->key);
		if (!g->name[0])
			memcpy(g->name, m->name, sizeof g->name);
		g->v_suspects = m->v_suspects;
		g->v_newcomers = m->v_newcomers;
		g->level = m->level;
	}
}

/* One shard: its partial is the whole, so the view is computed in place. */
static void merge_alone(struct screen_engine *e, const struct screen_config *cfg, int64_t epoch, bool full)
{
	struct shard *s = &e->shards[0];
	pthread_mutex_lock(&s->lock);
	size_t n = full ? s->agg_slots : s->ndirty;
	for (size_t k = 0; k < n; k++) {
		struct agg *g = &s->aggs[full ? k : s->dirty[k]];
		if (!g->key)
			continue;
		screen_agg_roll(g, epoch);
		view_compute(cfg, g);
		g->dirty = 0;
	}
	s->ndirty = 0;
	s->st.merges++;
	e->merged_epoch = epoch;
	pthread_mutex_unlock(&s->lock);
}

void screen_merge(struct screen_engine *e, int64_t now_ms)
{
	const struct screen_config *cfg = &atomic_load(&e->cfg)->c;
	int64_t epoch = now_ms / AGG_EPOCH_MS;
	pthread_mutex_lock(&e->merge_mutex);
	bool full = epoch != e->merged_epoch;
	if (e->nshards == 1 && !e->remote) {
		merge_alone(e, cfg, epoch, full);
		pthread_mutex_unlock(&e->merge_mutex);
		return;
	}
	if (full && e->scratch) {
		memset(e->scratch, 0, e->scratch_slots * sizeof *e->scratch);
		e->scratch_count = 0;
		e->nsdirty = 0;
	}
	/* the other nodes' partials (partials.c) fold in as one more shard */
	for (unsigned i = 0; i < e->nshards + (e->remote != NULL); i++) {
		struct shard *s = i < e->nshards ? &e->shards[i] : e->remote;
		pthread_mutex_lock(&s->lock);
		if (full) {
			for (size_t j = 0; j < s->agg_slots; j++) {
				struct agg *g = &s->aggs[j];
				if (!g->key)
					continue;
				screen_agg_roll(g, epoch);
				fold_partial(scratch_get(e, g->key), g, true);
			}
		} else {
			for (size_t k = 0; k < s->ndirty; k++) {
				struct agg *g = &s->aggs[s->dirty[k]];
				screen_agg_roll(g, epoch);
				fold_partial(scratch_get(e, g->key), g, false);
			}
		}
		s->ndirty = 0;
		pthread_mutex_unlock(&s->lock);
	}
	for (size_t k = 0; k < e->nsdirty; k++)
		view_compute(cfg, &e->scratch[e->sdirty[k]]);
	for (unsigned i = 0; i < e->nshards; i++) {
		struct shard *s = &e->shards[i];
		pthread_mutex_lock(&s->lock);
		views_publish(e, s);
		if (i == 0)
			s->st.merges++;
		pthread_mutex_unlock(&s->lock);
	}
	for (size_t k = 0; k < e->nsdirty; k++)
		e->scratch[e->sdirty[k]].dirty = 0;
	e->nsdirty = 0;
	e->merged_epoch = epoch;
	pthread_mutex_unlock(&e->merge_mutex);
}
