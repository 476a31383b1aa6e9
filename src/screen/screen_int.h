/* screen_int.h — the engine's private structures, shared by engine.c,
 * merge.c, watch.c, registry.c, snapshot.c and partials.c only. Nothing outside src/screen/ includes this. */
#ifndef OMBUD_SCREEN_SCREEN_INT_H
#define OMBUD_SCREEN_SCREEN_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "screen/rules.h"
#include "screen/screen.h"
#include "screen/sketch.h"

/* Behaviour of one caller: one 64-byte cache line, so a check costs one
 * cache miss for it. Windows are pairs (current bucket, previous bucket)
 * of aligned buckets; an estimate weighs the previous one by how much of
 * it still lies inside the sliding window. */
struct caller {
	uint64_t key;              /* phone_key(); 0 = empty slot */
	uint32_t first_s, last_s;  /* event time, seconds since the epoch */
	uint64_t callees[2];       /* linear-counting bitmaps, this hour and the previous one */
	uint32_t attempts;         /* counted attempts since first seen (saturating) */
	uint32_t last_callee;      /* last 8 digits of the previous callee */
	uint16_t w10[2], w60[2];   /* 10-minute and 60-minute buckets */
	uint8_t w1[2];             /* 1-minute buckets (saturate at 255) */
	uint8_t ends, answered, shorts; /* outcome counters; all halve when ends reaches 255 */
	uint8_t seq_run;           /* consecutive callees at +1..+3 of the previous */
	uint8_t flags;             /* CF_* */
	uint8_t trunks_seen;       /* 8-bit Bloom filter of trunk ids */
	uint8_t origins;           /* bit 0 domestic, bit 1 international */
	uint8_t cells[2];          /* tags of the first two cells seen (0 = none); a third sets CF_ROAMS */
};
_Static_assert(sizeof(struct caller) == 64, "caller record is one cache line");

enum {
	CF_WATCH  = 1,  /* has a watch entry (warned/blocked, evidence): never evicted */
	CF_LONG   = 2,  /* had an answered call of at least long_call_ms */
	CF_REPEAT = 4,  /* redialled the same callee */
	CF_LISTED = 8,  /* has a list entry (registry, allowlist, reports): only such callers probe the lists */
	CF_ROAMS  = 16, /* called from three or more cells: a handset on the move, never a SIM in a box */
};

/* An attempt remembered for retransmits and end matching. */
struct pending {
	uint32_t fp;               /* high half of the call_id hash, never 0 */
	uint32_t ts_s;
	uint32_t reasons;
	uint8_t verdict, score, flags, spare;
};
#define PENDING_WAYS 4
struct pending_bucket { struct pending e[PENDING_WAYS]; };
enum { PF_ENDED = 1, PF_UNCOUNTED = 2 };

struct report_rec { int64_t ts_ms; uint64_t reporter; };

/* What the lists say about one number. */
struct numinfo {
	uint64_t key;
	uint8_t kind;              /* enum screen_reg_kind */
	uint8_t allow;
	uint8_t ntrunks;
	uint8_t marked;            /* named again since screen_registry_mark(); its value in a snapshot is moot */
	uint32_t daily_cap, day, day_count;
	int64_t from_ms, to_ms;
	uint64_t trunks[SCREEN_REG_MAX_TRUNKS];
	struct report_rec *reports;
	uint32_t nreports, cap_reports;
};

/* A warned or blocked number. */
struct watch {
	uint64_t key;
	int64_t block_from, block_until, lift_until, last_ms;
	int64_t released_ms;       /* when a SIM-box block ended as the line moved (0: never) */
	uint8_t blocked, op_block;
	uint8_t simbox_block;      /* the running block rests on the SIM-box rule alone */
	struct screen_evidence *ev;
};

/* Per cell / per trunk: this shard's partial for two aligned epochs, and
 * the merged view of all shards as of the last screen_merge(). */
struct agg_part {
	uint32_t attempts, ends, answered, bad;
	uint32_t fresh_ends, fresh_bad; /* ends of calls from new, never-called, unproven lines */
	uint8_t suspects[SKETCH_HLL_REGS], newcomers[SKETCH_HLL_REGS];
};
struct agg {
	uint64_t key;              /* hash of kind and name; 0 = empty */
	int64_t epoch;             /* epoch of part[0] */
	struct agg_part part[2];
	uint32_t synced[6];        /* part[0] counts already folded into the merged view */
	float v_suspects, v_newcomers;
	uint8_t level;             /* enum rules_simbox_level */
	uint8_t dirty;             /* changed since the last merge */
	char name[SCREEN_EV_NAME];
};
#define AGG_EPOCH_MS SCREEN_AGG_EPOCH_MS

/* A shard's counted attempts, and those of lines it did not know, in two
 * aligned epochs of AGG_EPOCH_MS. Not in the snapshot: a restored table
 * knows its lines, so the share falls again within a few calls. */
struct arrivals {
	int64_t epoch;             /* epoch of [0] */
	uint32_t counted[2], unknown[2];
};

struct shard {
	pthread_mutex_t lock;      /* screen_lock_init: spins briefly, then sleeps */
	struct caller *callers;
	uint64_t nslots, count, cap, cursor;
	struct pending_bucket *pending;
	uint64_t pending_mask;
	struct numinfo *nums;
	size_t nums_slots, nums_count;
	struct watch *watch;
	size_t watch_slots, watch_count, watch_max, watch_cursor;
	int64_t last_release_ms;       /* the latest released_ms of its watch entries (0: none) */
	struct agg *aggs;
	size_t agg_slots, agg_count;
	uint32_t *dirty;               /* indices of aggs changed since the last merge */
	size_t ndirty, dirty_cap;
	struct arrivals arrivals;
	struct screen_stats st;
} __attribute__((aligned(64)));

/* A configuration with its lists parsed. */
#define CFG_LIST_MAX 16
struct cfg_snap {
	struct screen_config c;
	uint64_t emergency[CFG_LIST_MAX];
	unsigned nemergency;
	uint64_t roaming[CFG_LIST_MAX];
	unsigned nroaming;
};

struct screen_engine {
	_Atomic(struct cfg_snap *) cfg;
	pthread_mutex_t cfg_mutex;     /* guards retired */
	struct cfg_snap **retired;
	size_t nretired;
	pthread_mutex_t merge_mutex;
	unsigned nshards;
	struct shard *shards;
	_Atomic uint8_t *incoming;     /* hour stamp of the last call to a number (by hash) */
	uint64_t incoming_mask;
	struct agg *scratch;           /* merge workspace, under merge_mutex */
	size_t scratch_slots, scratch_count;
	uint32_t *sdirty;              /* scratch entries folded in this merge */
	size_t nsdirty, sdirty_cap;
	int64_t merged_epoch;          /* epoch of the last merge; a new epoch rebuilds the view */
	struct shard *remote;          /* other nodes' partials (partials.c), folded by screen_merge
					* like one more shard; NULL until the first import */
};

/* The snapshot's header (snapshot.c; its fuzz target writes one too). It
 * also checks the sizes of the records; a change inside one that keeps its
 * size (a field in padding) needs a new magic so that an older snapshot is
 * refused, not misread. The configuration follows the header as
 * "name = value" text, so that a setting added or dropped by a newer build
 * does not cost the engine its state: an unknown name is skipped, a missing
 * one keeps its default. Then the shards, then SNAP_SUM_SIZE bytes: the
 * XXH3-64 of everything before them. */
#define SNAP_MAGIC "OMBSCR04"
#define SNAP_CONFIG_MAX 65536
#define SNAP_SUM_SIZE 8
struct snap_header {
	char magic[8];
	uint32_t caller_size, pending_size, numinfo_size, watch_size, evidence_size, agg_size, stats_size;
	uint32_t nshards;
	uint32_t config_len;           /* bytes of configuration text after the header */
};

/* This build's header for a snapshot of nshards shards and config_len
 * bytes of settings. */
static inline struct snap_header snap_header_of(uint32_t nshards, uint32_t config_len)
{
	struct snap_header h = {.magic = SNAP_MAGIC, .caller_size = sizeof(struct caller),
				.pending_size = sizeof(struct pending_bucket), .numinfo_size = sizeof(struct numinfo),
				.watch_size = sizeof(struct watch), .evidence_size = sizeof(struct screen_evidence),
				.agg_size = sizeof(struct agg), .stats_size = sizeof(struct screen_stats),
				.nshards = nshards, .config_len = config_len};
	return h;
}

/* murmur3 fmix64: one mix of a key picks its shard, its slots and its sketch bits. */
static inline uint64_t screen_mix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}
/* h scaled to [0, n) without a division (Lemire). */
static inline uint64_t screen_range(uint64_t h, uint64_t n)
{
	__extension__ typedef unsigned __int128 u128;
	return (uint64_t)(((u128)h * n) >> 64);
}

/* A key's home slot in a table of its shard. The shard is picked by the top
 * bits of the mixed key, which are therefore alike within a shard: taken
 * from those bits, homes fell in one nshards-th of every table, which
 * linear probing turned into one long run once a shard held more keys than
 * that part has slots (past ~0.5M callers of 8 shards at 4M, a check probed
 * thousands of slots). The low half, rotated up, is independent of them. */
static inline uint64_t screen_slot_of(uint64_t mixed, uint64_t slots)
{
	return screen_range(mixed << 32 | mixed >> 32, slots);
}

/* A sliding window's estimate from its current and previous aligned
 * buckets: the previous one weighed by how much of it is still inside. */
static inline double screen_window_est(unsigned cur, unsigned prev, uint32_t now_s, uint32_t width)
{
	return cur + prev * (1.0 - (double)(now_s % width) / width);
}

#define BIT(r) (1u << (r)) /* a reason's bit in a verdict's reasons */
/* A shard's lock: adaptive, so a thread waiting for it spins a moment and
 * then sleeps. A spin lock burned whole time slices on a machine with few
 * cores whenever its holder was preempted (by a client on the same core, by
 * the host), and stretched the HTTP check's latency tail to milliseconds. */
void screen_lock_init(pthread_mutex_t *lock);
struct shard *screen_shard_of(struct screen_engine *e, uint64_t key);
struct caller *screen_caller_insert_raw(struct shard *s, const struct caller *c);
/* Sets CF_LISTED on the records of numbers with a list entry (after a restore). */
void screen_callers_relist(struct shard *s);
struct numinfo *screen_nums_get(struct shard *s, uint64_t key, bool create);
struct watch *screen_watch_get(struct shard *s, uint64_t key, bool create);
struct agg *screen_agg_get(struct shard *s, uint64_t key, bool create);
struct screen_engine *screen_create_sized(const struct screen_config *cfg, const char **reason);
void screen_agg_roll(struct agg *g, int64_t epoch);
/* The aggregate of key, created if need be; after a rehash the shard's
 * dirty list is rebuilt. */
struct agg *screen_agg_find_create(struct shard *s, uint64_t key);
/* Appends index to a growing list of table indices. */
void screen_push_index(uint32_t **list, size_t *n, size_t *cap, size_t index);
void screen_remote_free(struct shard *remote);
/* A cell's (seed 1), trunk's (seed 2) or list name's hash; 0 for none. */
uint64_t screen_name_hash(const char *s, uint64_t seed);
struct caller *screen_caller_find(struct shard *s, uint64_t key);
/* A list entry was made for key: its record, if any, must probe the lists. */
void screen_caller_mark_listed(struct shard *s, uint64_t key);

/* watch.c, under the shard's lock: an attempt's verdict into the number's
 * entry (made when the verdict is not an allow; a block that persists
 * starts one); the entry's signals for the rules (a SIM-box block of a
 * line that turned out to move is released here); an answered callee of
 * a watched number, for its evidence. */
void screen_watch_record(struct shard *s, const struct screen_attempt *a, uint64_t key,
			 const struct screen_config *cfg, enum rules_persist persist, const struct screen_verdict *v);
void screen_watch_signals(struct shard *s, const struct screen_config *cfg, const struct caller *c, uint64_t key,
			  int64_t now_ms, struct rules_signals *sig);
void screen_watch_answered(struct shard *s, uint64_t key, const struct phone *callee);
/* Adds partial p into d: counts summed, sketches merged (partials.c). */
void screen_part_add(struct agg_part *d, const struct agg_part *p);

#endif
