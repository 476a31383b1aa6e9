/* screen.h — the real-time call-screening engine: per-call verdicts
 * (allow / warn / block) from call metadata, in memory.
 *
 * Owns: per-caller behaviour state (sliding-window attempt counts, distinct
 * callees, answer and short-call ratios, sequential dialling, origin and
 * trunks), per-cell and per-trunk aggregates, the number lists it is fed
 * (registry, operator allowlist, consumer reports), blocks with their
 * evidence, the rule configuration, and a binary snapshot of all of it.
 * Does not: read files other than its own snapshot, parse CSV/JSON (see
 * events.h), talk to a database, HTTP or SIP; the app layer feeds it.
 *
 * Threads. State is split into shards by caller number; every per-number
 * structure (caller record, pending calls, lists, block, evidence) lives in
 * the caller's shard behind that shard's own lock, so threads working
 * on different callers never share a lock. Per-cell and per-trunk
 * aggregates are kept as per-shard partials; screen_merge() folds them into
 * every shard's view and must be called every cfg.agg_merge_ms (replay does
 * it in event time). Every function here may be called from any thread
 * unless its comment says otherwise.
 *
 * Time is event time in ms since the epoch, passed by the caller. */
#ifndef OMBUD_SCREEN_SCREEN_H
#define OMBUD_SCREEN_SCREEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/phone.h"
#include "screen/sketch.h"

enum screen_verdict_kind { SCREEN_ALLOW = 0, SCREEN_WARN = 1, SCREEN_BLOCK = 2 };

enum screen_origin { SCREEN_ORIGIN_DOMESTIC = 0, SCREEN_ORIGIN_INTERNATIONAL = 1 };

/* Reason codes, one bit each; screen_reason_name() gives the short code. */
enum screen_reason {
	SR_EMERGENCY = 0,       /* callee is an emergency number: never checked */
	SR_ALLOWLISTED,         /* operator allowlist overrides every score */
	SR_REGISTERED,          /* registered call center / telemarketer / institution within its registration */
	SR_WITHHELD,            /* withheld caller: never counted as one caller */
	SR_OPERATOR_BLOCK,      /* blocked by an operator */
	SR_BLOCKED,             /* an earlier automatic block is still running */
	SR_CONFIRMED_FRAUD,     /* on the confirmed-fraud list */
	SR_SPOOFED_DOMESTIC,    /* domestic CLI on an international origin */
	SR_SPOOFED_INSTITUTION, /* institution number on a trunk not registered for it */
	SR_REGISTRY_TRUNK,      /* registered number on a trunk not registered for it */
	SR_REGISTRY_CAP,        /* registered number above its daily cap */
	SR_REPORTED,            /* consumer reports from distinct reporters */
	SR_VOLUME,              /* unregistered caller above the volume thresholds */
	SR_FANOUT,              /* nearly every callee distinct at volume */
	SR_LOW_ANSWER,          /* low share of answered calls */
	SR_SHORT_CALLS,         /* most answered calls very short */
	SR_SEQUENTIAL,          /* callees dialled in number order */
	SR_SIMBOX_CELL,         /* SIM-box pattern in the caller's cell */
	SR_SIMBOX_TRUNK,        /* SIM-box pattern on the caller's trunk */
	SR_ATTEST_C,            /* STIR/SHAKEN gateway attestation on a domestic CLI */
	SR_UNTRACKED,           /* state table full: behaviour rules could not run */
	SR_LIFT_GRACE,          /* block lifted by an operator: automatic blocks held back */
	SR_COUNT
};

/* Rule thresholds and weights. Plain data: build with
 * screen_config_defaults(), change with screen_config_set(), check with
 * screen_config_validate(). Sizes (shards, caps) are read only by
 * screen_create(); the rest may be swapped at run time. */
struct screen_config {
	/* sizes */
	unsigned shards;             /* 1..64 */
	uint64_t max_callers;        /* cap on tracked callers over all shards */
	uint64_t max_watched;        /* cap on warned/blocked numbers with evidence */
	uint64_t pending_calls;      /* attempts remembered for end matching / retransmits */
	unsigned incoming_log2;      /* size of the "recently called" filter: 2^n bytes */
	/* timing */
	int64_t agg_merge_ms;        /* interval of per-shard aggregate merges */
	int64_t lateness_ms;         /* how far behind the latest event one may come (replay) */
	int64_t call_ttl_ms;         /* an attempt is remembered this long for its end and retransmits */
	int64_t idle_evict_ms;       /* caller state idle this long may be dropped */
	int64_t block_ms;            /* how long an automatic block lasts */
	int64_t lift_grace_ms;       /* after an operator lift, no automatic block */
	int64_t report_window_ms;    /* reports older than this are ignored */
	/* verdict thresholds */
	int warn_score;              /* score >= warn_score: warn */
	int block_score;             /* score >= block_score: block */
	int behaviour_cap;           /* behaviour alone never scores above this */
	/* volume / fanout */
	int vol_1m, vol_10m, vol_60m;/* attempts per window that count as volume */
	int w_volume;
	int fanout_min_attempts;     /* attempts (hour) before fanout is judged */
	double fanout_ratio;         /* distinct / attempts at or above: fanout */
	int w_fanout;
	/* outcomes */
	int outcome_min_ends;        /* ends before answer ratios are judged */
	double low_answer_ratio;     /* answered / ends below: low answer */
	int w_low_answer;
	int64_t short_call_ms;       /* answered calls shorter than this are short */
	int64_t long_call_ms;        /* answered calls this long show a real conversation */
	double short_ratio;          /* short / answered at or above: short calls */
	int w_short;
	int seq_run;                 /* consecutive +1..+3 callees for sequential dialling */
	int w_sequential;
	int w_attest_c;
	/* reports */
	int report_min_reporters;    /* distinct reporters (anonymous count 1/3) */
	int w_reported;
	int w_reported_corroborated; /* added when reports meet behaviour */
	/* registry */
	int w_registry_trunk;
	int w_registry_cap;
	/* SIM box */
	int simbox_min_ends;         /* a caller's completed calls before it can be a suspect */
	int simbox_max_60m;          /* calls in the last hour above which a line is no SIM (low and slow) */
	int simbox_oneway_calls;     /* this many ended calls, each to a new number, from one settled cell:
	                              * a suspect to its cell whatever its answers (0: never) */
	int simbox_fresh_oneway_calls; /* as many for a newcomer in a box's cell: a fresh line whatever
	                              * its answers (0: never) */
	double simbox_bad_ratio;     /* unanswered-or-short share that makes a suspect in its cell */
	double simbox_trunk_bad_ratio; /* the share that makes one for a trunk's judgement */
	int simbox_min_suspects;     /* distinct suspects in a cell/trunk to flag it */
	double simbox_share;         /* suspects / newcomers to flag it */
	double simbox_fresh_share;   /* suspects / newcomers to block a caller's first calls there */
	int64_t simbox_newcomer_ms;  /* a caller first seen this recently is a newcomer */
	int64_t simbox_settle_ms;    /* one cell for this long before a SIM-box block outlasts the call */
	double simbox_warm_share;    /* a fresh line's first call is stopped only while lines new to the
	                              * engine make at most this share of its counted attempts */
	int simbox_cell_min_ends;    /* ends of new lines' calls in a cell before their failure share counts */
	double simbox_cell_bad_ratio;/* failed-or-short share of those that marks a box */
	int w_simbox;
	/* extra emergency numbers (canonical text, ';'-separated), besides 112/119/122 */
	char emergency_extra[128];
	/* trunks where domestic CLIs legitimately arrive from abroad (inbound roaming), ';'-separated */
	char roaming_trunks[256];
};

/* Fills cfg with the documented defaults (docs/screening.md). */
void screen_config_defaults(struct screen_config *cfg);
/* Sets one field by name from text ("vol_10m", "40"). Returns 0, or
 * OMB_ENOTFOUND for an unknown name, OMB_EINVAL for a bad value; *reason
 * names the problem. */
int screen_config_set(struct screen_config *cfg, const char *name, const char *value, const char **reason);
/* Checks ranges and orderings (warn < block, caps > 0, ...). 0 or OMB_EINVAL. */
int screen_config_validate(const struct screen_config *cfg, const char **reason);
/* Writes every field as "name = value" lines. */
void screen_config_write(const struct screen_config *cfg, FILE *f);
/* Called for a line that could not be applied: its number, the error
 * (OMB_ENOTFOUND for an unknown name) and the reason. */
typedef void screen_config_bad_fn(void *ctx, unsigned line, int rc, const char *reason);
/* Applies "name = value" lines (blank lines and '#' comments skipped, as
 * screen_config_write() writes them) to *cfg, passing each line that cannot
 * be applied to bad when it is not NULL; a line over 1024 bytes or with a
 * NUL byte is one of them. Returns the number of such lines. Does not
 * validate: call screen_config_validate() after. */
int screen_config_read(struct screen_config *cfg, FILE *in, screen_config_bad_fn *bad, void *ctx);

/* One call attempt as the SIP proxy presents it. Strings are borrowed for
 * the duration of the call; trunk and cell may be NULL or "". */
struct screen_attempt {
	int64_t ts_ms;
	const char *call_id;
	size_t call_id_len;
	struct phone caller;
	struct phone callee;
	enum screen_origin origin;
	const char *trunk;
	const char *cell;
	char attestation;            /* 'A', 'B', 'C' or 0 */
};

/* The end of a call; caller and call_id as in its attempt. */
struct screen_end {
	int64_t ts_ms;
	const char *call_id;
	size_t call_id_len;
	struct phone caller;
	struct phone callee;
	const char *trunk;
	const char *cell;
	int64_t duration_ms;
	int answered;
};

struct screen_verdict {
	enum screen_verdict_kind verdict;
	int score;                   /* 0..100 */
	uint32_t reasons;            /* bit (1u << enum screen_reason) */
	int repeated;                /* 1 when this call_id was already checked */
};

struct screen_stats {
	uint64_t attempts, repeated, emergency, withheld, ends, ends_unknown, ends_repeated;
	uint64_t verdicts[3];
	uint64_t callers, callers_evicted, untracked, watched;
	uint64_t released;           /* SIM-box blocks ended because the line moved */
	uint64_t merges;
	size_t bytes;                /* memory held by the engine's tables */
};

struct screen_engine;

/* Creates an engine with a copy of cfg (which must validate). Caller
 * destroys with screen_destroy(). Returns NULL and sets *reason when cfg is
 * invalid. Allocates and touches all fixed tables up front. */
struct screen_engine *screen_create(const struct screen_config *cfg, const char **reason);
void screen_destroy(struct screen_engine *e);

/* Publishes a new rule configuration (validated copy); calls already inside
 * the engine finish with the old one. Sizes are ignored (fixed at create).
 * Old snapshots are freed by screen_destroy(). 0 or OMB_EINVAL. */
int screen_config_swap(struct screen_engine *e, const struct screen_config *cfg, const char **reason);
/* The configuration now in force (read-only, valid until screen_destroy). */
const struct screen_config *screen_config_current(struct screen_engine *e);

/* Checks and counts one attempt; writes the verdict. A call_id already
 * checked (within cfg.call_ttl_ms) answers the stored verdict
 * with repeated = 1 and counts nothing. Emergency callees: allow, never
 * counted, never blocked. Always succeeds. */
void screen_check(struct screen_engine *e, const struct screen_attempt *a, struct screen_verdict *out);

/* Records the end of a call. Returns 0, OMB_ENOTFOUND when its attempt is
 * unknown (counted, otherwise ignored), OMB_EEXIST for a repeated end. */
int screen_ingest_end(struct screen_engine *e, const struct screen_end *end);

/* Folds the per-shard cell/trunk partials into every shard's view and
 * re-evaluates the SIM-box flags. Call every cfg.agg_merge_ms from one
 * thread at a time (it takes every shard lock in turn, never two at once). */
void screen_merge(struct screen_engine *e, int64_t now_ms);

/* Registry entry (from the telemarketing registry or the KISA/police lists). */
enum screen_reg_kind { SCREEN_REG_NONE = 0, SCREEN_REG_CALLCENTER, SCREEN_REG_TELEMARKETER,
	SCREEN_REG_INSTITUTION, SCREEN_REG_CONFIRMED_FRAUD };
#define SCREEN_REG_MAX_TRUNKS 8
struct screen_reg_entry {
	struct phone number;
	enum screen_reg_kind kind;
	const char *trunks[SCREEN_REG_MAX_TRUNKS];  /* borrowed; ntrunks used */
	unsigned ntrunks;
	uint32_t daily_cap;          /* 0 = none */
	int64_t valid_from_ms;       /* 0 = always */
	int64_t valid_to_ms;         /* 0 = no end; exclusive */
};
/* Parses "callcenter", "telemarketer", "institution", "confirmed_fraud". */
int screen_reg_kind_parse(const char *s, enum screen_reg_kind *out);
/* Adds or replaces entries by number (confirmed_fraud is never replaced by
 * a milder kind). 0, OMB_EINVAL for a withheld number, OMB_ELIMIT when a
 * trunk list is too long. */
int screen_registry_add(struct screen_engine *e, const struct screen_reg_entry *entry);
int screen_registry_load(struct screen_engine *e, const struct screen_reg_entry *entries, size_t n,
			 size_t *failed);
/* Replacing the registry whole, while checks go on: screen_registry_mark()
 * unmarks every entry; screen_registry_add() marks the entry it sets (a
 * milder kind leaves a confirmed-fraud entry unmarked, as it leaves it
 * unchanged); screen_registry_sweep() takes the registration off every
 * entry left unmarked (a number off the police list, a telemarketer
 * deregistered) and returns how many. Until the sweep, checks see the
 * registry as it was. */
void screen_registry_mark(struct screen_engine *e);
size_t screen_registry_sweep(struct screen_engine *e);

/* A consumer report. reporter 0 = anonymous (weighs 1/3). */
struct screen_report {
	int64_t ts_ms;               /* effective from */
	struct phone number;
	uint64_t reporter;           /* opaque hash, 0 when missing */
	uint64_t callee_key;         /* 0 when missing */
};
int screen_report_add(struct screen_engine *e, const struct screen_report *r);

/* Operator actions. block: verdict block for ttl_ms (0 = cfg.block_ms).
 * lift: ends any block, and holds automatic blocks back for
 * cfg.lift_grace_ms. allowlist: on = 1 adds, 0 removes. */
int screen_block(struct screen_engine *e, const struct phone *number, int64_t now_ms, int64_t ttl_ms);
int screen_lift(struct screen_engine *e, const struct phone *number, int64_t now_ms);
int screen_allowlist(struct screen_engine *e, const struct phone *number, int on);

/* Several nodes, one database: a block as the store holds it, written by
 * any node (the engine's own rules there, or an operator), for the others
 * to enforce. The state is applied, not the event, so applying a row twice
 * or late does no harm. */
struct screen_block_state {
	struct phone number;
	int64_t from_ms, until_ms;
	int64_t lifted_ms;           /* 0 = not lifted */
	uint32_t reasons;            /* bit (1u << enum screen_reason), for the evidence timeline */
	int operator_set;
};
/* A block not lifted and not over at now_ms is set (kept if this engine
 * already holds it or a longer one); a lifted one ends any block of the
 * number that began before the lift and holds automatic blocks back for
 * cfg.lift_grace_ms from it, as screen_lift does. Takes only the number's
 * shard lock. Returns 1 when the engine changed, 0 when it already agreed,
 * OMB_EINVAL for a withheld number, OMB_ELIMIT when the watch table is full. */
int screen_block_apply(struct screen_engine *e, const struct screen_block_state *b, int64_t now_ms);

/* Evidence kept for a warned or blocked number. */
#define SCREEN_EV_CALLEES 32
#define SCREEN_EV_PLACES 8
#define SCREEN_EV_TIMELINE 32
#define SCREEN_EV_NAME 32
struct screen_timeline_entry {
	int64_t ts_ms;
	uint8_t verdict;
	uint8_t score;
	uint32_t reasons;
};
struct screen_evidence {
	char number[PHONE_CANON_MAX];
	int64_t first_seen_ms, last_seen_ms;     /* of the caller's behaviour record */
	uint64_t attempts;                       /* counted attempts since first seen */
	uint32_t attempts_1m, attempts_10m, attempts_60m;
	uint32_t distinct_callees;               /* over the last one to two hours */
	uint32_t ends, answered, short_calls;    /* recent, decayed by halving */
	unsigned origins;                        /* bit 0 domestic, bit 1 international origin seen */
	unsigned trunks_seen;                    /* distinct trunks seen, estimate (saturates at 8) */
	int blocked;                             /* 1 while a block runs */
	int operator_block;
	int64_t block_from_ms, block_until_ms;
	int64_t released_ms;                     /* a SIM-box block ended as the line moved (0: never) */
	unsigned n_answered;                     /* callees who answered (first ones) */
	char answered_callees[SCREEN_EV_CALLEES][PHONE_CANON_MAX];
	unsigned n_trunks, n_cells;
	char trunks[SCREEN_EV_PLACES][SCREEN_EV_NAME];
	char cells[SCREEN_EV_PLACES][SCREEN_EV_NAME];
	unsigned n_timeline;                     /* verdict changes; the last slot keeps the latest */
	struct screen_timeline_entry timeline[SCREEN_EV_TIMELINE];
};
/* Copies the evidence of number into *out. 0 or OMB_ENOTFOUND. */
int screen_evidence(struct screen_engine *e, const struct phone *number, struct screen_evidence *out);

/* What the engine holds about number now: the counts of its behaviour
 * record, and for a warned or blocked number (*watched = 1) its whole
 * evidence. 0, or OMB_ENOTFOUND when the engine knows nothing of it. */
int screen_number_state(struct screen_engine *e, const struct phone *number, struct screen_evidence *out,
			int *watched);

/* Calls fn for every number whose block is running at now_ms, shard by
 * shard, with that shard locked: fn must not call back into the engine.
 * Stops early when fn returns non-zero. Returns the count visited. */
size_t screen_blocks_each(struct screen_engine *e, int64_t now_ms,
			  int (*fn)(const struct screen_evidence *ev, void *arg), void *arg);
/* Calls fn for every block the engine ended itself after since_ms (a
 * SIM-box block of a line that then called from a third cell, which a box
 * never does; ev->released_ms says when), as screen_blocks_each. The engine
 * treats such an end as a lift (cfg.lift_grace_ms follows); the app
 * records it so that the store and the other nodes agree. */
size_t screen_releases_each(struct screen_engine *e, int64_t since_ms,
			    int (*fn)(const struct screen_evidence *ev, void *arg), void *arg);

/* Several nodes: per-cell and per-trunk aggregates, which span nodes, are
 * exchanged as mergeable partials. A partial is one node's counts of a cell
 * or trunk over one epoch of SCREEN_AGG_EPOCH_MS event time: counts add up,
 * sketches merge by register maximum. key is the same on every node. */
#define SCREEN_AGG_EPOCH_MS (15 * 60 * 1000LL)
struct screen_partial {
	uint64_t key;
	int64_t epoch;               /* event time / SCREEN_AGG_EPOCH_MS */
	char name[SCREEN_EV_NAME];
	uint32_t attempts, ends, answered, bad, fresh_ends, fresh_bad;
	uint8_t suspects[SKETCH_HLL_REGS], newcomers[SKETCH_HLL_REGS];
};
/* This engine's own partials (summed over its shards, without what
 * screen_partials_import gave it) of the epoch of now_ms and the one before,
 * into a malloc'd array the caller frees. Takes every shard lock in turn. */
int screen_partials_export(struct screen_engine *e, int64_t now_ms, struct screen_partial **out, size_t *n);
/* Replaces the other nodes' partials with parts (those of other epochs
 * than now_ms's and the one before are ignored); the next screen_merge
 * folds them into the view the rules read, beside this engine's own. Call
 * from one thread at a time. */
void screen_partials_import(struct screen_engine *e, const struct screen_partial *parts, size_t n, int64_t now_ms);

void screen_stats(struct screen_engine *e, struct screen_stats *out);

/* Writes the engine's state (callers, lists, blocks, evidence, pending
 * calls, aggregates, configuration) to path, atomically (temp + rename).
 * Restore builds a new engine from it: 0; OMB_EIO; or OMB_EINVAL with
 * *reason (static text) for a snapshot of another version, one whose
 * checksum, configuration or records do not hold, or a truncated one.
 * Both take every shard lock in turn. */
int screen_snapshot_save(struct screen_engine *e, const char *path);
int screen_snapshot_restore(const char *path, struct screen_engine **out, const char **reason);
/* The same on an open file: write needs one open for reading and writing
 * ("w+b": the checksum is read back), read one that can seek. The caller
 * closes f. */
int screen_snapshot_write(struct screen_engine *e, FILE *f);
int screen_snapshot_read(FILE *f, struct screen_engine **out, const char **reason);

const char *screen_verdict_name(enum screen_verdict_kind v);
const char *screen_reason_name(enum screen_reason r);
/* Writes the reason codes as "a;b;c" into buf; returns the length (snprintf style). */
int screen_reasons_format(uint32_t reasons, char *buf, size_t size);

#endif
