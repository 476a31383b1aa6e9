/* engine.c — the screening engine: shards, caller state, the per-shard
 * partials of cells and trunks, and the per-call check and end. Rules are
 * weighed in rules.c; merge.c turns the partials into views; watch.c keeps
 * blocks and evidence; registry.c the lists. */
#include "screen/screen_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define XXH_INLINE_ALL /* short keys: a call costs more than the hash */
#include <xxhash.h>

#include "base/err.h"
#include "base/mem.h"
#include "screen/rules.h"

#define KST_OFFSET_MS (9 * 3600000LL) /* registry caps count Korean days */

uint64_t screen_name_hash(const char *s, uint64_t seed)
{
	if (!s || !*s)
		return 0;
	uint64_t h = XXH3_64bits_withSeed(s, strlen(s), seed);
	return h ? h : 1;
}

/* Large zeroed tables: anonymous mappings, huge pages when the kernel
 * gives them, every page touched now so that no check pays a page fault. */
static void *table_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "level=fatal msg=\"out of memory\" bytes=%zu\n", bytes);
		abort();
	}
	madvise(p, bytes, MADV_HUGEPAGE);
	memset(p, 0, bytes);
	return p;
}

static void table_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

/* ---- configuration snapshots ---- */

static unsigned parse_list(const char *text, uint64_t *out, bool phones)
{
	unsigned n = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", text);
	for (char *save = NULL, *tok = strtok_r(buf, ";", &save); tok && n < CFG_LIST_MAX;
	     tok = strtok_r(NULL, ";", &save)) {
		if (!phones) {
			out[n++] = screen_name_hash(tok, 2);
			continue;
		}
		struct phone p;
		if (phone_parse(tok, strlen(tok), PHONE_CC_KOREA, &p, NULL) == 0 && p.kind != PHONE_WITHHELD)
			out[n++] = phone_key(&p);
	}
	return n;
}

static struct cfg_snap *snap_new(const struct screen_config *cfg)
{
	struct cfg_snap *s = xcalloc(1, sizeof *s);
	s->c = *cfg;
	s->nemergency = parse_list(cfg->emergency_extra, s->emergency, true);
	s->nroaming = parse_list(cfg->roaming_trunks, s->roaming, false);
	return s;
}

int screen_config_swap(struct screen_engine *e, const struct screen_config *cfg, const char **reason)
{
	int rc = screen_config_validate(cfg, reason);
	if (rc)
		return rc;
	struct cfg_snap *fresh = snap_new(cfg);
	pthread_mutex_lock(&e->cfg_mutex);
	struct cfg_snap *old = atomic_load(&e->cfg);
	/* sizes stay those the tables were built with */
	fresh->c.shards = old->c.shards;
	fresh->c.max_callers = old->c.max_callers;
	fresh->c.max_watched = old->c.max_watched;
	fresh->c.pending_calls = old->c.pending_calls;
	fresh->c.incoming_log2 = old->c.incoming_log2;
	e->retired = xrealloc(e->retired, (e->nretired + 1) * sizeof *e->retired);
	e->retired[e->nretired++] = old;
	atomic_store(&e->cfg, fresh);
	pthread_mutex_unlock(&e->cfg_mutex);
	return 0;
}

const struct screen_config *screen_config_current(struct screen_engine *e)
{
	return &atomic_load(&e->cfg)->c;
}

/* ---- creation ---- */

static uint64_t pow2_at_least(uint64_t n)
{
	uint64_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

struct screen_engine *screen_create_sized(const struct screen_config *cfg, const char **reason)
{
	if (screen_config_validate(cfg, reason))
		return NULL;
	struct screen_engine *e = xcalloc(1, sizeof *e);
	atomic_init(&e->cfg, snap_new(cfg));
	pthread_mutex_init(&e->cfg_mutex, NULL);
	pthread_mutex_init(&e->merge_mutex, NULL);
	e->nshards = cfg->shards;
	if (posix_memalign((void **)&e->shards, 64, e->nshards * sizeof *e->shards))
		abort();
	memset(e->shards, 0, e->nshards * sizeof *e->shards);
	uint64_t per_shard = (cfg->max_callers + e->nshards - 1) / e->nshards;
	uint64_t pend_buckets = pow2_at_least(cfg->pending_calls / PENDING_WAYS / e->nshards);
	for (unsigned i = 0; i < e->nshards; i++) {
		struct shard *s = &e->shards[i];
		screen_lock_init(&s->lock);
		s->cap = per_shard;
		s->nslots = per_shard + per_shard / 4 + 8; /* load at most 0.8 */
		s->callers = table_alloc(s->nslots * sizeof *s->callers);
		s->pending = table_alloc(pend_buckets * sizeof *s->pending);
		s->pending_mask = pend_buckets - 1;
		s->watch_max = (cfg->max_watched + e->nshards - 1) / e->nshards;
	}
	e->merged_epoch = -1;
	e->incoming_mask = (1ULL << cfg->incoming_log2) - 1;
	e->incoming = table_alloc((e->incoming_mask + 1) * sizeof *e->incoming);
	return e;
}

struct screen_engine *screen_create(const struct screen_config *cfg, const char **reason)
{
	return screen_create_sized(cfg, reason);
}

void screen_destroy(struct screen_engine *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->nshards; i++) {
		struct shard *s = &e->shards[i];
		table_free(s->callers, s->nslots * sizeof *s->callers);
		table_free(s->pending, (s->pending_mask + 1) * sizeof *s->pending);
		for (size_t j = 0; j < s->nums_slots; j++)
			free(s->nums[j].reports);
		free(s->nums);
		for (size_t j = 0; j < s->watch_slots; j++)
			free(s->watch[j].ev);
		free(s->watch);
		free(s->aggs);
		free(s->dirty);
		pthread_mutex_destroy(&s->lock);
	}
	free(e->shards);
	screen_remote_free(e->remote);
	table_free(e->incoming, (e->incoming_mask + 1) * sizeof *e->incoming);
	free(e->scratch);
	free(e->sdirty);
	for (size_t i = 0; i < e->nretired; i++)
		free(e->retired[i]);
	free(e->retired);
	free(atomic_load(&e->cfg));
	pthread_mutex_destroy(&e->cfg_mutex);
	pthread_mutex_destroy(&e->merge_mutex);
	free(e);
}

/* The shard of a caller whose screen_mix64(key) is mixed. */
static struct shard *shard_of_mixed(struct screen_engine *e, uint64_t mixed)
{
	return &e->shards[screen_range(mixed ^ 0x5bd1e995ULL, e->nshards)];
}

void screen_lock_init(pthread_mutex_t *lock)
{
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	pthread_mutex_init(lock, &attr);
	pthread_mutexattr_destroy(&attr);
}

struct shard *screen_shard_of(struct screen_engine *e, uint64_t key)
{
	return shard_of_mixed(e, screen_mix64(key));
}

/* ---- caller table: linear probing, backward-shift deletion ---- */

static uint64_t caller_home(const struct shard *s, uint64_t key)
{
	return screen_slot_of(screen_mix64(key), s->nslots);
}

static void caller_delete(struct shard *s, uint64_t i)
{
	uint64_t n = s->nslots;
	for (uint64_t j = i;;) {
		j = j + 1 == n ? 0 : j + 1;
		if (!s->callers[j].key)
			break;
		uint64_t k = caller_home(s, s->callers[j].key);
		/* move j back to i when its home does not lie cyclically in (i, j] */
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			s->callers[i] = s->callers[j];
			i = j;
		}
	}
	memset(&s->callers[i], 0, sizeof s->callers[i]);
	s->count--;
}

/* What a record is worth keeping: recent activity, and past volume buys up
 * to 100 minutes more. A flood of one-call random numbers is worth least. */
static uint64_t keep_value(const struct caller *c)
{
	uint32_t a = c->attempts < 100 ? c->attempts : 100;
	return (uint64_t)c->last_s + 60ULL * a;
}

/* Drops the least valuable unpinned record among a sample. */
static bool evict_one(struct shard *s)
{
	uint64_t best = UINT64_MAX, victim = 0;
	bool found = false;
	for (int i = 0; i < 64 && (!found || i < 16); i++) {
		uint64_t j = s->cursor;
		s->cursor = s->cursor + 1 == s->nslots ? 0 : s->cursor + 1;
		const struct caller *c = &s->callers[j];
		if (!c->key || (c->flags & CF_WATCH))
			continue;
		uint64_t v = keep_value(c);
		if (v < best) {
			best = v;
			victim = j;
			found = true;
		}
	}
	if (found) {
		caller_delete(s, victim);
		s->st.callers_evicted++;
	}
	return found;
}

/* Deletes idle records at the sweep cursor: two slots per new caller keeps
 * the sweep ahead of the inserts. */
static void sweep_idle(struct shard *s, uint32_t now_s, uint32_t idle_s)
{
	for (int i = 0; i < 2; i++) {
		uint64_t j = s->cursor;
		const struct caller *c = &s->callers[j];
		if (c->key && !(c->flags & CF_WATCH) && c->last_s + idle_s < now_s) {
			caller_delete(s, j);
			s->st.callers_evicted++;
			continue; /* j now holds a shifted record: look at it again */
		}
		s->cursor = j + 1 == s->nslots ? 0 : j + 1;
	}
}

/* Probes from home, the key's caller_home() when the caller knows it. */
static struct caller *caller_find_from(struct shard *s, uint64_t key, uint64_t home)
{
	for (uint64_t i = home;;) {
		struct caller *c = &s->callers[i];
		if (c->key == key)
			return c;
		if (!c->key)
			return NULL;
		i = i + 1 == s->nslots ? 0 : i + 1;
	}
}

struct caller *screen_caller_find(struct shard *s, uint64_t key)
{
	return caller_find_from(s, key, caller_home(s, key));
}

static struct caller *caller_slot_for(struct shard *s, uint64_t key)
{
	for (uint64_t i = caller_home(s, key);;) {
		struct caller *c = &s->callers[i];
		if (!c->key || c->key == key)
			return c;
		i = i + 1 == s->nslots ? 0 : i + 1;
	}
}

struct caller *screen_caller_insert_raw(struct shard *s, const struct caller *rec)
{
	if (s->count >= s->cap && !evict_one(s))
		return NULL;
	struct caller *c = caller_slot_for(s, rec->key);
	if (!c->key)
		s->count++;
	*c = *rec;
	return c;
}

/* A record for a caller not in the table; listed: it has a list entry. */
static struct caller *caller_create(struct shard *s, uint64_t key, uint32_t now_s, uint32_t idle_s, bool listed)
{
	sweep_idle(s, now_s, idle_s);
	if (s->count >= s->cap && !evict_one(s))
		return NULL;
	struct caller *c = caller_slot_for(s, key); /* deletions may have moved records */
	c->key = key;
	c->first_s = c->last_s = now_s;
	if (s->watch_count && screen_watch_get(s, key, false))
		c->flags |= CF_WATCH; /* blocked by an operator before its first call */
	if (listed)
		c->flags |= CF_LISTED;
	s->count++;
	return c;
}

void screen_caller_mark_listed(struct shard *s, uint64_t key)
{
	struct caller *c = screen_caller_find(s, key);
	if (c)
		c->flags |= CF_LISTED;
}

void screen_callers_relist(struct shard *s)
{
	for (size_t i = 0; i < s->nums_slots; i++)
		if (s->nums[i].key)
			screen_caller_mark_listed(s, s->nums[i].key);
}

/* ---- open-addressing tables that grow: lists, watch, aggregates ---- */

#define GROW_TABLE(type, field, slots, count, rehash_fn)                                 \
	static void rehash_fn(struct shard *s)                                           \
	{                                                                                \
		size_t old_n = s->slots;                                                 \
		type *old = s->field;                                                    \
		s->slots = old_n ? old_n * 2 : 64;                                       \
		s->field = xcalloc(s->slots, sizeof(type));                              \
		for (size_t i = 0; i < old_n; i++) {                                     \
			if (!old[i].key)                                                 \
				continue;                                                \
			size_t j = screen_slot_of(screen_mix64(old[i].key), s->slots);   \
			while (s->field[j].key)                                          \
				j = j + 1 == s->slots ? 0 : j + 1;                       \
			s->field[j] = old[i];                                            \
		}                                                                        \
		free(old);                                                               \
	}

GROW_TABLE(struct numinfo, nums, nums_slots, nums_count, nums_rehash)
GROW_TABLE(struct watch, watch, watch_slots, watch_count, watch_rehash)
GROW_TABLE(struct agg, aggs, agg_slots, agg_count, agg_rehash)

#define TABLE_GET(type, field, slots, count, rehash_fn, get_fn)                          \
	type *get_fn(struct shard *s, uint64_t key, bool create)                         \
	{                                                                                \
		if (s->slots) {                                                          \
			for (size_t j = screen_slot_of(screen_mix64(key), s->slots);;) { \
				if (s->field[j].key == key)                              \
					return &s->field[j];                             \
				if (!s->field[j].key)                                    \
					break;                                           \
				j = j + 1 == s->slots ? 0 : j + 1;                       \
			}                                                                \
		}                                                                        \
		if (!create)                                                             \
			return NULL;                                                     \
		if ((s->count + 1) * 2 > s->slots)                                       \
			rehash_fn(s);                                                    \
		size_t j = screen_slot_of(screen_mix64(key), s->slots);                  \
		while (s->field[j].key)                                                  \
			j = j + 1 == s->slots ? 0 : j + 1;                               \
		memset(&s->field[j], 0, sizeof s->field[j]);                             \
		s->field[j].key = key;                                                   \
		s->count++;                                                              \
		return &s->field[j];                                                     \
	}

TABLE_GET(struct numinfo, nums, nums_slots, nums_count, nums_rehash, screen_nums_get)
TABLE_GET(struct watch, watch, watch_slots, watch_count, watch_rehash, screen_watch_get)
TABLE_GET(struct agg, aggs, agg_slots, agg_count, agg_rehash, screen_agg_get)

/* ---- pending calls: 4-way buckets of one cache line ---- */

static struct pending *pending_find(struct shard *s, uint64_t h, uint32_t now_s, uint32_t ttl_s)
{
	struct pending_bucket *b = &s->pending[h & s->pending_mask];
	uint32_t fp = (uint32_t)(h >> 32) | 1;
	for (int i = 0; i < PENDING_WAYS; i++)
		if (b->e[i].fp == fp && b->e[i].ts_s + ttl_s >= now_s)
			return &b->e[i];
	return NULL;
}

/* Takes a free or expired way, else the oldest one. */
static struct pending *pending_put(struct shard *s, uint64_t h, uint32_t now_s)
{
	struct pending_bucket *b = &s->pending[h & s->pending_mask];
	struct pending *victim = &b->e[0];
	for (int i = 1; i < PENDING_WAYS; i++)
		if (b->e[i].ts_s < victim->ts_s)
			victim = &b->e[i];
	memset(victim, 0, sizeof *victim);
	victim->fp = (uint32_t)(h >> 32) | 1;
	victim->ts_s = now_s;
	return victim;
}

/* ---- the "recently called" filter ---- */

static uint8_t hour_stamp(int64_t ms)
{
	return (uint8_t)((ms / 3600000) % 255 + 1);
}

static uint64_t incoming_index(const struct screen_engine *e, uint64_t key)
{
	return screen_mix64(key ^ 0x243f6a8885a308d3ULL) & e->incoming_mask;
}

static void incoming_mark(struct screen_engine *e, uint64_t callee_key, int64_t now_ms)
{
	atomic_store_explicit(&e->incoming[incoming_index(e, callee_key)], hour_stamp(now_ms), memory_order_relaxed);
}

/* True when the number was called within the last one to two hours. */
static bool incoming_recent(struct screen_engine *e, uint64_t key, int64_t now_ms)
{
	uint8_t s = atomic_load_explicit(&e->incoming[incoming_index(e, key)], memory_order_relaxed);
	return s && (hour_stamp(now_ms) - s + 255) % 255 <= 1;
}

/* incoming_recent() for the caller, read only when a SIM-box judgement
 * gets that far: most calls never need it, and it costs a cache miss. */
struct called_lazy {
	struct screen_engine *e;
	uint64_t key;
	int64_t now_ms;
	int v;                         /* -1 until read */
};

static bool called_get(struct called_lazy *l)
{
	if (l->v < 0)
		l->v = incoming_recent(l->e, l->key, l->now_ms);
	return l->v;
}

/* ---- behaviour windows ---- */

static void roll16(uint16_t w[2], uint32_t last_s, uint32_t now_s, uint32_t width)
{
	uint32_t d = now_s / width - last_s / width;
	if (d == 1) {
		w[1] = w[0];
		w[0] = 0;
	} else if (d > 1) {
		w[0] = w[1] = 0;
	}
}

static void roll8(uint8_t w[2], uint32_t last_s, uint32_t now_s, uint32_t width)
{
	uint32_t d = now_s / width - last_s / width;
	if (d == 1) {
		w[1] = w[0];
		w[0] = 0;
	} else if (d > 1) {
		w[0] = w[1] = 0;
	}
}

/* Last 8 digits of a number's national significant number (the low 47
 * bits of its phone_key()), for sequential dialling. */
static uint32_t tail_digits(uint64_t key)
{
	return (uint32_t)((key & ((1ULL << 47) - 1)) % 100000000);
}

static void caller_roll(struct caller *c, uint32_t now_s)
{
	uint32_t last = c->last_s;
	roll8(c->w1, last, now_s, 60);
	roll16(c->w10, last, now_s, 600);
	roll16(c->w60, last, now_s, 3600);
	uint32_t d = now_s / 3600 - last / 3600;
	if (d == 1) {
		c->callees[1] = c->callees[0];
		c->callees[0] = 0;
	} else if (d > 1) {
		c->callees[0] = c->callees[1] = 0;
	}
	c->last_s = now_s;
}

static void caller_count(struct caller *c, const struct screen_attempt *a, uint64_t callee_key,
			 uint64_t trunk_h, uint32_t now_s)
{
	if (now_s < c->last_s)
		now_s = c->last_s; /* a slightly late attempt counts in the current buckets */
	caller_roll(c, now_s);
	if (c->w1[0] < UINT8_MAX)
		c->w1[0]++;
	if (c->w10[0] < UINT16_MAX)
		c->w10[0]++;
	if (c->w60[0] < UINT16_MAX)
		c->w60[0]++;
	if (c->attempts < UINT32_MAX)
		c->attempts++;
	c->callees[0] = sketch_lc_add(c->callees[0], screen_mix64(callee_key));
	uint32_t tail = tail_digits(callee_key);
	uint32_t delta = tail - c->last_callee;
	if (c->attempts > 1 && tail == c->last_callee) {
		c->flags |= CF_REPEAT;
	} else if (c->attempts > 1 && delta >= 1 && delta <= 3) {
		if (c->seq_run < UINT8_MAX)
			c->seq_run++;
	} else {
		c->seq_run = 0;
	}
	c->last_callee = tail;
	if (trunk_h)
		c->trunks_seen |= (uint8_t)(1u << (trunk_h & 7));
	c->origins |= a->origin == SCREEN_ORIGIN_INTERNATIONAL ? 2 : 1;
}

/* Remembers the cells a line calls from. Two are allowed to a box (one on
 * the border of two cells may switch between them); a third shows a
 * handset on the move. An 8-bit tag is enough: two cells sharing a tag
 * only delay that conclusion. */
static void caller_cell(struct caller *c, uint64_t cell_h)
{
	if (!cell_h)
		return;
	uint8_t tag = (uint8_t)(cell_h >> 56) | 1;
	if (c->cells[0] == 0 || c->cells[0] == tag)
		c->cells[0] = tag;
	else if (c->cells[1] == 0 || c->cells[1] == tag)
		c->cells[1] = tag;
	else
		c->flags |= CF_ROAMS;
}

/* ---- aggregates ---- */

static void agg_roll(struct agg *g, int64_t epoch)
{
	int64_t d = epoch - g->epoch;
	if (d <= 0)
		return;
	g->part[1] = d == 1 ? g->part[0] : (struct agg_part){0};
	g->part[0] = (struct agg_part){0};
	memset(g->synced, 0, sizeof g->synced);
	g->epoch = epoch;
}

void screen_agg_roll(struct agg *g, int64_t epoch)
{
	agg_roll(g, epoch);
}

void screen_push_index(uint32_t **list, size_t *n, size_t *cap, size_t index)
{
	*list = xgrow(*list, *n, cap, sizeof **list, 256);
	(*list)[(*n)++] = (uint32_t)index;
}

static void agg_mark(struct shard *s, struct agg *g)
{
	if (g->dirty)
		return;
	g->dirty = 1;
	screen_push_index(&s->dirty, &s->ndirty, &s->dirty_cap, (size_t)(g - s->aggs));
}

/* After a rehash the indices moved: list the dirty ones again. */
static void agg_relist(struct shard *s)
{
	s->ndirty = 0;
	for (size_t j = 0; j < s->agg_slots; j++)
		if (s->aggs[j].key && s->aggs[j].dirty)
			screen_push_index(&s->dirty, &s->ndirty, &s->dirty_cap, j);
}

struct agg *screen_agg_find_create(struct shard *s, uint64_t key)
{
	size_t before = s->agg_slots;
	struct agg *g = screen_agg_get(s, key, true);
	if (s->agg_slots != before) {
		agg_relist(s);
		g = screen_agg_get(s, key, false);
	}
	return g;
}

/* screen_agg_get(s, key, false), inline: every attempt looks up its cell
 * and its trunk, and they are nearly always known already. */
static struct agg *agg_probe(struct shard *s, uint64_t key)
{
	if (!s->agg_slots)
		return NULL;
	for (size_t j = screen_slot_of(screen_mix64(key), s->agg_slots);; j = j + 1 == s->agg_slots ? 0 : j + 1) {
		struct agg *g = &s->aggs[j];
		if (g->key == key)
			return g;
		if (!g->key)
			return NULL;
	}
}

static struct agg *agg_touch(struct shard *s, uint64_t key, const char *name, int64_t epoch)
{
	struct agg *g = agg_probe(s, key);
	if (!g)
		g = screen_agg_find_create(s, key);
	if (!g->name[0])
		snprintf(g->name, sizeof g->name, "%s", name);
	agg_roll(g, epoch);
	return g;
}

/* ---- the lists' signals (registry.c keeps the lists) ---- */

static bool trunk_listed(const struct numinfo *ni, uint64_t trunk_h)
{
	for (unsigned i = 0; i < ni->ntrunks; i++)
		if (ni->trunks[i] == trunk_h)
			return true;
	return false;
}

static double count_reporters(const struct numinfo *ni, int64_t now_ms, int64_t window_ms)
{
	double n = 0;
	for (uint32_t i = 0; i < ni->nreports; i++) {
		const struct report_rec *r = &ni->reports[i];
		if (r->ts_ms > now_ms || r->ts_ms + window_ms < now_ms)
			continue;
		if (!r->reporter) {
			n += 1.0 / 3;
			continue;
		}
		bool seen = false;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = ni->reports[j].reporter == r->reporter && ni->reports[j].ts_ms <= now_ms &&
			       ni->reports[j].ts_ms + window_ms >= now_ms;
		n += !seen;
	}
	return n;
}

/* Fills the list signals; returns false when the caller's behaviour must
 * not be counted (its number is being spoofed on this call). */
static bool list_signals(const struct cfg_snap *cs, struct numinfo *ni, const struct screen_attempt *a,
			 uint64_t trunk_h, struct rules_signals *sig)
{
	const struct screen_config *cfg = &cs->c;
	bool roaming = false;
	for (unsigned i = 0; i < cs->nroaming; i++)
		roaming |= cs->roaming[i] == trunk_h;
	if (a->origin == SCREEN_ORIGIN_INTERNATIONAL && a->caller.country == PHONE_CC_KOREA &&
	    a->caller.kind != PHONE_FOREIGN && !roaming)
		sig->spoofed_domestic = true;
	sig->attest_c_domestic = a->attestation == 'C' && a->caller.country == PHONE_CC_KOREA;
	if (!ni)
		return !sig->spoofed_domestic;
	sig->allowlisted = ni->allow;
	if (ni->nreports)
		sig->reporters = count_reporters(ni, a->ts_ms, cfg->report_window_ms);
	bool valid = ni->kind != SCREEN_REG_NONE && (!ni->from_ms || a->ts_ms >= ni->from_ms) &&
		     (!ni->to_ms || a->ts_ms < ni->to_ms);
	if (!valid)
		return !sig->spoofed_domestic;
	bool trunk_ok = ni->ntrunks == 0 || trunk_listed(ni, trunk_h);
	switch ((enum screen_reg_kind)ni->kind) {
	case SCREEN_REG_CONFIRMED_FRAUD:
		sig->confirmed_fraud = true;
		break;
	case SCREEN_REG_INSTITUTION:
		if (!trunk_ok || (ni->ntrunks == 0 && a->origin == SCREEN_ORIGIN_INTERNATIONAL))
			sig->spoofed_institution = true;
		else
			sig->registered = true;
		break;
	case SCREEN_REG_CALLCENTER:
	case SCREEN_REG_TELEMARKETER:
		if (!trunk_ok) {
			sig->registry_wrong_trunk = true;
			break;
		}
		sig->registered = true;
		uint32_t day = (uint32_t)((a->ts_ms + KST_OFFSET_MS) / 86400000);
		if (ni->day != day) {
			ni->day = day;
			ni->day_count = 0;
		}
		ni->day_count++;
		sig->registry_cap_exceeded = ni->daily_cap && ni->day_count > ni->daily_cap;
		break;
	case SCREEN_REG_NONE:
		break;
	}
	return !sig->spoofed_domestic && !sig->spoofed_institution;
}

/* ---- the check ---- */

static bool is_emergency(const struct cfg_snap *cs, const struct phone *callee, uint64_t callee_key)
{
	if (phone_is_emergency(callee))
		return true;
	for (unsigned i = 0; i < cs->nemergency; i++)
		if (cs->emergency[i] == callee_key)
			return true;
	return false;
}

static void behaviour_signals(const struct screen_config *cfg, const struct caller *c, uint32_t now_s,
			      struct rules_signals *sig)
{
	sig->rate_1m = screen_window_est(c->w1[0], c->w1[1], now_s, 60);
	sig->rate_10m = screen_window_est(c->w10[0], c->w10[1], now_s, 600);
	sig->rate_60m = screen_window_est(c->w60[0], c->w60[1], now_s, 3600);
	sig->attempts_span = (uint32_t)c->w60[0] + c->w60[1];
	sig->distinct_callees = sig->attempts_span; /* only weighed at volume: estimated then */
	if (sig->attempts_span >= (uint32_t)cfg->fanout_min_attempts) {
		double d = sketch_lc_estimate(c->callees[0] | c->callees[1]);
		if (d < sig->distinct_callees)
			sig->distinct_callees = d;
	}
	sig->ends = c->ends;
	sig->answered = c->answered;
	sig->short_calls = c->shorts;
	sig->seq_run = c->seq_run;
}

/* Completed calls that were unanswered or short. */
static unsigned failed_calls(const struct caller *c)
{
	return c->ends - ((unsigned)c->answered - c->shorts);
}

/* A SIM in a box makes few calls: a line calling faster is judged by the
 * behaviour rules, and its failed calls do not make its cell look like a box. */
static bool simbox_slow(const struct screen_config *cfg, const struct caller *c, uint32_t now_s)
{
	return screen_window_est(c->w60[0], c->w60[1], now_s, 3600) <= cfg->simbox_max_60m;
}

/* Whose suspect a line is: bit i for aggregate i of feed_aggs() and
 * aggs_outcome(), the cell first. */
enum { SUSPECT_CELL = 1, SUSPECT_TRUNK = 2 };

/* A line with n ended calls (0: never) that only calls out, a new number
 * each time (no two callees of the last one to two hours share a bit of
 * its sketch), from the one cell it has settled in. Victims answer a box's
 * calls too, so such a line looks like a SIM whatever its answers. */
static bool simbox_one_way(const struct screen_config *cfg, const struct caller *c, uint32_t now_s, int n)
{
	unsigned span = (unsigned)c->w60[0] + c->w60[1];
	return n > 0 && c->ends >= (unsigned)n && span >= (unsigned)n && span <= 64 && c->cells[1] == 0 &&
	       (int64_t)now_s - c->first_s >= cfg->simbox_settle_ms / 1000 &&
	       (unsigned)__builtin_popcountll(c->callees[0] | c->callees[1]) == span;
}

/* A SIM-box line: a mobile number that is never called, has not redialled
 * anyone, and whose completed calls mostly failed (were unanswered or
 * short), or that calls only one way (simbox_one_way). A trunk gathers
 * many cells, and with them more ordinary lines that fail that often by
 * chance, so it asks for a larger share, and nothing else. */
static unsigned simbox_suspect(const struct screen_config *cfg, const struct caller *c, uint32_t now_s,
			       struct called_lazy *called)
{
	if ((c->flags & (CF_REPEAT | CF_ROAMS)) || c->ends < cfg->simbox_min_ends || !simbox_slow(cfg, c, now_s))
		return 0;
	unsigned failed = failed_calls(c);
	bool cell_suspect = failed >= cfg->simbox_bad_ratio * c->ends ||
			    simbox_one_way(cfg, c, now_s, cfg->simbox_oneway_calls);
	unsigned whose = (cell_suspect ? SUSPECT_CELL : 0) |
			 (failed >= cfg->simbox_trunk_bad_ratio * c->ends ? SUSPECT_TRUNK : 0);
	return whose && !called_get(called) ? whose : 0;
}

/* What a new SIM of a box has shown so far: never called, no redial, no
 * long talk, and calls that, if any ended, failed at least half of the
 * time (a box's SIMs answer some calls; a person's first call is mostly a
 * talk). */
static bool simbox_fresh(const struct screen_config *cfg, const struct caller *c, uint32_t now_s,
			 struct called_lazy *called)
{
	if ((c->flags & (CF_REPEAT | CF_LONG | CF_ROAMS)) || !simbox_slow(cfg, c, now_s))
		return false;
	return 2 * failed_calls(c) >= c->ends && !called_get(called);
}

/* A new line that has called a few new numbers one way, from the cell it
 * settled in, is as fresh whatever its answers: a box's victims talk. (The
 * cell's share of fresh lines' failed calls counts simbox_fresh() alone:
 * it is a measure of failures.) */
static bool simbox_fresh_one_way(const struct screen_config *cfg, const struct caller *c, uint32_t now_s,
				 struct called_lazy *called)
{
	return !(c->flags & (CF_REPEAT | CF_ROAMS)) && simbox_slow(cfg, c, now_s) &&
	       simbox_one_way(cfg, c, now_s, cfg->simbox_fresh_oneway_calls) && !called_get(called);
}

/* Counts an attempt of a tracked line (unknown: the table did not know
 * it) and tells whether such lines made at most max_share of the shard's
 * counted attempts this epoch and the last. */
static bool arrivals_warm(struct arrivals *r, int64_t epoch, bool unknown, double max_share)
{
	if (epoch > r->epoch) {
		bool next = epoch == r->epoch + 1;
		r->counted[1] = next ? r->counted[0] : 0;
		r->unknown[1] = next ? r->unknown[0] : 0;
		r->counted[0] = r->unknown[0] = 0;
		r->epoch = epoch;
	}
	r->counted[0]++;
	r->unknown[0] += unknown;
	return r->unknown[0] + r->unknown[1] <= max_share * (r->counted[0] + r->counted[1]);
}

static uint8_t agg_level(const struct agg *g)
{
	return g ? g->level : RULES_SIMBOX_NONE;
}

struct check_ctx {
	const struct cfg_snap *cs;
	uint64_t key, callee_key, call_h;
	uint64_t caller_h, trunk_h, cell_h;
	uint64_t home;                 /* caller_home() of key */
	int64_t epoch;                 /* aggregate epoch of the attempt */
	uint32_t now_s;
	bool warm;                     /* new lines are few enough for a first call to tell (arrivals_warm) */
	struct agg *cell, *trunk;      /* this shard's partials, NULL without a name */
};

/* Finds (or makes) the cell and trunk partials before the caller's record
 * is read, so that this work overlaps the record's cache miss. */
static void aggs_find(struct shard *s, const struct screen_attempt *a, struct check_ctx *x)
{
	x->cell = x->cell_h ? agg_touch(s, x->cell_h, a->cell, x->epoch) : NULL;
	size_t slots = s->agg_slots;
	x->trunk = x->trunk_h ? agg_touch(s, x->trunk_h, a->trunk, x->epoch) : NULL;
	if (x->cell && s->agg_slots != slots)
		x->cell = screen_agg_get(s, x->cell_h, false); /* the trunk's insert rehashed */
}

static void feed_aggs(struct shard *s, const struct check_ctx *x, const struct caller *c, bool newcomer,
		      unsigned suspect)
{
	struct agg *gs[2] = {x->cell, x->trunk};
	for (int i = 0; i < 2; i++) {
		struct agg *g = gs[i];
		if (!g)
			continue;
		struct agg_part *p = &g->part[0];
		agg_mark(s, g);
		p->attempts++;
		if (c) {
			if (newcomer)
				sketch_hll_add(p->newcomers, x->caller_h);
			if (suspect & (1u << i))
				sketch_hll_add(p->suspects, x->caller_h);
		}
	}
}

/* The SIM-box signals of a counted caller. The newcomer test is always
 * needed (it feeds the aggregates); "fresh" only where a cell blocks fresh
 * lines, and whether the number was itself called only when the rest of a
 * test holds. */
static void simbox_signals(struct screen_engine *e, const struct screen_attempt *a, const struct check_ctx *x,
			   const struct caller *c, bool *newcomer, unsigned *suspect, struct rules_signals *sig)
{
	const struct screen_config *cfg = &x->cs->c;
	struct called_lazy called = {e, x->key, a->ts_ms, -1};
	*newcomer = (int64_t)x->now_s - c->first_s <= cfg->simbox_newcomer_ms / 1000;
	bool mobile = a->caller.kind == PHONE_MOBILE && a->origin == SCREEN_ORIGIN_DOMESTIC && !sig->registered;
	*suspect = mobile ? simbox_suspect(cfg, c, x->now_s, &called) : 0;
	sig->simbox_suspect = *suspect & SUSPECT_CELL;
	sig->simbox_trunk_suspect = *suspect & SUSPECT_TRUNK;
	/* A FLAGGED cell stops a fresh line once a call of its own has ended
	 * (failed: a talk would have cleared it); a FRESH one from its first
	 * call, but only where new lines are few: where most are new to the
	 * engine (it started cold, or people there call rarely), a first call
	 * tells nothing. Either stops a new line settled there that has
	 * called a few new numbers one way, talks or not. */
	bool first_call_tells = sig->cell_level == RULES_SIMBOX_FRESH && x->warm;
	sig->simbox_fresh = sig->cell_level != RULES_SIMBOX_NONE && mobile && *newcomer &&
			    (*suspect || ((first_call_tells || c->ends > 0) && simbox_fresh(cfg, c, x->now_s, &called)) ||
			     simbox_fresh_one_way(cfg, c, x->now_s, &called));
	/* long enough in one cell for a handset on the move to have left it */
	sig->settled = c->cells[1] == 0 && (int64_t)x->now_s - c->first_s >= cfg->simbox_settle_ms / 1000;
}

static void check_locked(struct screen_engine *e, struct shard *s, const struct screen_attempt *a,
			 struct check_ctx *x, struct screen_verdict *out)
{
	const struct screen_config *cfg = &x->cs->c;
	uint64_t key = x->key;
	struct rules_signals sig = {0};
	sig.cell_level = agg_level(x->cell);
	sig.trunk_level = agg_level(x->trunk);
	sig.cell_named = x->cell_h != 0;
	struct caller *c = caller_find_from(s, key, x->home);
	/* only numbers with a list entry probe the lists; a new caller probes
	 * them once, and its record remembers the answer */
	bool listed = c ? (c->flags & CF_LISTED) != 0 : s->nums_count != 0;
	struct numinfo *ni = listed ? screen_nums_get(s, key, false) : NULL;
	bool countable = list_signals(x->cs, ni, a, x->trunk_h, &sig);
	unsigned suspect = 0;
	bool newcomer = false;
	if (countable) {
		bool unknown = !c;
		if (!c)
			c = caller_create(s, key, x->now_s, (uint32_t)(cfg->idle_evict_ms / 1000), ni != NULL);
		if (c) {
			x->warm = arrivals_warm(&s->arrivals, x->epoch, unknown, cfg->simbox_warm_share);
			caller_count(c, a, x->callee_key, x->trunk_h, x->now_s);
			caller_cell(c, x->cell_h);
			behaviour_signals(cfg, c, x->now_s, &sig);
			simbox_signals(e, a, x, c, &newcomer, &suspect, &sig);
			if (c->flags & CF_WATCH)
				screen_watch_signals(s, cfg, c, key, a->ts_ms, &sig);
		} else {
			sig.untracked = true;
			s->st.untracked++;
			screen_watch_signals(s, cfg, NULL, key, a->ts_ms, &sig);
		}
	} else {
		c = NULL; /* a spoofed call says nothing about the number's holder */
	}
	feed_aggs(s, x, c, newcomer, suspect);
	enum rules_persist persist = rules_score(cfg, &sig, out);
	if (countable && (out->verdict != SCREEN_ALLOW || (c && (c->flags & CF_WATCH))))
		screen_watch_record(s, a, key, cfg, persist, out);
	struct pending *p = pending_put(s, x->call_h, x->now_s);
	p->verdict = (uint8_t)out->verdict;
	p->score = (uint8_t)out->score;
	p->reasons = out->reasons;
	p->flags = countable && c ? 0 : PF_UNCOUNTED;
}

static void check_withheld(struct shard *s, const struct check_ctx *x, struct screen_verdict *out)
{
	feed_aggs(s, x, NULL, false, 0);
	*out = (struct screen_verdict){SCREEN_ALLOW, 0, BIT(SR_WITHHELD), 0};
	struct pending *p = pending_put(s, x->call_h, x->now_s);
	p->reasons = out->reasons;
	p->flags = PF_UNCOUNTED;
	s->st.withheld++;
}

static uint32_t pending_ttl_s(const struct screen_config *cfg)
{
	return (uint32_t)(cfg->call_ttl_ms / 1000);
}

void screen_check(struct screen_engine *e, const struct screen_attempt *a, struct screen_verdict *out)
{
	const struct cfg_snap *cs = atomic_load_explicit(&e->cfg, memory_order_acquire);
	uint64_t key = phone_key(&a->caller);
	uint64_t call_h = XXH3_64bits(a->call_id, a->call_id_len);
	uint64_t caller_h = screen_mix64(key); /* one mix: shard, slot and sketches */
	/* withheld callers share no state, so their calls spread by call_id */
	struct shard *s = key == PHONE_KEY_WITHHELD ? &e->shards[screen_range(call_h, e->nshards)]
						    : shard_of_mixed(e, caller_h);
	/* the cache lines every check needs are requested as soon as their
	 * addresses are known, so that the callee's key, the emergency test
	 * and the hashes below run while they are on their way (a prefetch
	 * changes no state: an emergency call is still never counted) */
	uint64_t home = screen_slot_of(caller_h, s->nslots);
	__builtin_prefetch(&s->callers[home], 1);
	__builtin_prefetch(&s->callers[home + 1 < s->nslots ? home + 1 : 0], 1);
	__builtin_prefetch(&s->pending[call_h & s->pending_mask], 1);
	uint64_t callee_key = phone_key(&a->callee);
	if (is_emergency(cs, &a->callee, callee_key)) {
		*out = (struct screen_verdict){SCREEN_ALLOW, 0, BIT(SR_EMERGENCY), 0};
		return; /* never counted, so no lock and no state */
	}
	__builtin_prefetch(&e->incoming[incoming_index(e, callee_key)], 1);
	struct check_ctx x = {cs, key, callee_key, call_h, caller_h, screen_name_hash(a->trunk, 2), screen_name_hash(a->cell, 1),
			      home, a->ts_ms / AGG_EPOCH_MS, (uint32_t)(a->ts_ms / 1000), false, NULL, NULL};
	pthread_mutex_lock(&s->lock);
	aggs_find(s, a, &x);
	struct pending *p = pending_find(s, call_h, x.now_s, pending_ttl_s(&cs->c));
	if (p) {
		*out = (struct screen_verdict){p->verdict, p->score, p->reasons, 1};
		s->st.repeated++;
		pthread_mutex_unlock(&s->lock);
		return;
	}
	if (callee_key)
		incoming_mark(e, callee_key, a->ts_ms);
	s->st.attempts++;
	if (key == PHONE_KEY_WITHHELD)
		check_withheld(s, &x, out);
	else
		check_locked(e, s, a, &x, out);
	s->st.verdicts[out->verdict]++;
	pthread_mutex_unlock(&s->lock);
}

/* ---- ends ---- */

static void caller_outcome(const struct screen_config *cfg, struct caller *c, const struct screen_end *end)
{
	if (c->ends == UINT8_MAX) {
		c->ends /= 2;
		c->answered /= 2;
		c->shorts /= 2;
	}
	c->ends++;
	if (end->answered) {
		c->answered++;
		if (end->duration_ms < cfg->short_call_ms)
			c->shorts++;
		if (end->duration_ms >= cfg->long_call_ms)
			c->flags |= CF_LONG;
	}
}

/* Feeds an end into the cell/trunk partials; suspect: whose SIM-box
 * suspect the caller just became (or still is), counted now rather than at
 * its next attempt so that a box shows up one call earlier. */
static void aggs_outcome(struct shard *s, const struct screen_config *cfg, const struct screen_end *end,
			 uint64_t caller_h, bool newcomer, unsigned suspect, bool fresh)
{
	uint64_t keys[2] = {screen_name_hash(end->cell, 1), screen_name_hash(end->trunk, 2)};
	bool bad = !end->answered || end->duration_ms < cfg->short_call_ms;
	for (int i = 0; i < 2; i++) {
		if (!keys[i])
			continue;
		struct agg *g = screen_agg_get(s, keys[i], false);
		if (!g)
			continue;
		agg_roll(g, end->ts_ms / AGG_EPOCH_MS);
		agg_mark(s, g);
		g->part[0].ends++;
		g->part[0].answered += end->answered != 0;
		g->part[0].bad += bad;
		g->part[0].fresh_ends += fresh;
		g->part[0].fresh_bad += fresh && bad;
		if (suspect & (1u << i)) {
			sketch_hll_add(g->part[0].suspects, caller_h);
			if (newcomer)
				sketch_hll_add(g->part[0].newcomers, caller_h);
		}
	}
}

static bool is_registered(struct shard *s, uint64_t key)
{
	const struct numinfo *ni = s->nums_count ? screen_nums_get(s, key, false) : NULL;
	return ni && ni->kind != SCREEN_REG_NONE;
}

int screen_ingest_end(struct screen_engine *e, const struct screen_end *end)
{
	const struct cfg_snap *cs = atomic_load_explicit(&e->cfg, memory_order_acquire);
	const struct screen_config *cfg = &cs->c;
	uint64_t callee_key = phone_key(&end->callee);
	uint64_t key = phone_key(&end->caller);
	uint64_t call_h = XXH3_64bits(end->call_id, end->call_id_len);
	struct shard *s = key == PHONE_KEY_WITHHELD ? &e->shards[screen_range(call_h, e->nshards)]
						    : screen_shard_of(e, key);
	__builtin_prefetch(&s->pending[call_h & s->pending_mask], 1);
	__builtin_prefetch(&s->callers[screen_slot_of(screen_mix64(key), s->nslots)], 1);
	int rc = 0;
	pthread_mutex_lock(&s->lock);
	if (is_emergency(cs, &end->callee, callee_key)) {
		s->st.emergency++;
		goto out;
	}
	s->st.ends++;
	struct pending *p = pending_find(s, call_h, (uint32_t)(end->ts_ms / 1000), pending_ttl_s(cfg));
	if (!p) {
		s->st.ends_unknown++;
		rc = OMB_ENOTFOUND;
		goto out;
	}
	if (p->flags & PF_ENDED) {
		s->st.ends_repeated++;
		rc = OMB_EEXIST;
		goto out;
	}
	p->flags |= PF_ENDED;
	struct caller *c = p->flags & PF_UNCOUNTED ? NULL : screen_caller_find(s, key);
	unsigned suspect = 0;
	bool newcomer = false, fresh = false;
	if (c) {
		struct called_lazy called = {e, key, end->ts_ms, -1};
		bool mobile = end->caller.kind == PHONE_MOBILE && !((c->flags & CF_LISTED) && is_registered(s, key));
		newcomer = (int64_t)c->last_s - c->first_s <= cfg->simbox_newcomer_ms / 1000;
		/* judged on the line's past, before this call's outcome, so that
		 * the outcome counted is not selected by itself */
		uint32_t now_s = (uint32_t)(end->ts_ms / 1000);
		fresh = mobile && newcomer && simbox_fresh(cfg, c, now_s, &called);
		caller_outcome(cfg, c, end);
		suspect = mobile ? simbox_suspect(cfg, c, now_s, &called) : 0;
	}
	aggs_outcome(s, cfg, end, screen_mix64(key), newcomer, suspect, fresh);
	if (!c)
		goto out;
	if ((c->flags & CF_WATCH) && end->answered)
		screen_watch_answered(s, key, &end->callee);
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* ---- stats ---- */

void screen_stats(struct screen_engine *e, struct screen_stats *out)
{
	memset(out, 0, sizeof *out);
	out->bytes = sizeof *e + (e->incoming_mask + 1);
	for (unsigned i = 0; i < e->nshards; i++) {
		struct shard *s = &e->shards[i];
		pthread_mutex_lock(&s->lock);
		const struct screen_stats *t = &s->st;
		out->attempts += t->attempts;
		out->repeated += t->repeated;
		out->emergency += t->emergency;
		out->withheld += t->withheld;
		out->ends += t->ends;
		out->ends_unknown += t->ends_unknown;
		out->ends_repeated += t->ends_repeated;
		for (int v = 0; v < 3; v++)
			out->verdicts[v] += t->verdicts[v];
		out->callers += s->count;
		out->callers_evicted += t->callers_evicted;
		out->untracked += t->untracked;
		out->released += t->released;
		out->watched += s->watch_count;
		out->merges += t->merges;
		out->bytes += sizeof *s + s->nslots * sizeof(struct caller) +
			      (s->pending_mask + 1) * sizeof(struct pending_bucket) +
			      s->nums_slots * sizeof(struct numinfo) + s->watch_slots * sizeof(struct watch) +
			      s->watch_count * sizeof(struct screen_evidence) + s->agg_slots * sizeof(struct agg);
		for (size_t j = 0; j < s->nums_slots; j++)
			out->bytes += s->nums[j].cap_reports * sizeof(struct report_rec);
		pthread_mutex_unlock(&s->lock);
	}
	out->bytes += e->scratch_slots * sizeof(struct agg);
}
