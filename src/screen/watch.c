/* watch.c — the numbers the engine watches: one entry per number that was
 * warned, blocked or lifted, with its evidence (first and last seen, trunks
 * and cells, the callees who answered, the rule timeline); automatic
 * blocks as the check records them, operator blocks and lifts, blocks and
 * lifts from the store or other nodes, and the evidence read back. An
 * entry is made only when a verdict is not an allow, so most checks never
 * come here. Every function runs under the shard's lock except those that
 * take it (the screen_* ones of screen.h). */
#include "screen/screen_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "screen/rules.h"

static void ev_add_name(char names[][SCREEN_EV_NAME], unsigned *n, const char *name)
{
	if (!name || !*name)
		return;
	for (unsigned i = 0; i < *n; i++)
		if (strncmp(names[i], name, SCREEN_EV_NAME - 1) == 0)
			return;
	if (*n < SCREEN_EV_PLACES)
		snprintf(names[(*n)++], SCREEN_EV_NAME, "%s", name);
}

static void ev_timeline(struct screen_evidence *ev, int64_t ts, const struct screen_verdict *v)
{
	if (ev->n_timeline) {
		const struct screen_timeline_entry *last = &ev->timeline[ev->n_timeline - 1];
		if (last->verdict == v->verdict && last->reasons == v->reasons)
			return;
	}
	unsigned i = ev->n_timeline < SCREEN_EV_TIMELINE ? ev->n_timeline++ : SCREEN_EV_TIMELINE - 1;
	ev->timeline[i] = (struct screen_timeline_entry){ts, (uint8_t)v->verdict, (uint8_t)v->score, v->reasons};
}

/* Frees a watch slot that no longer matters: an expired warning or block,
 * idle for an hour, with no lift grace running. Backward-shift delete. */
static bool watch_evict(struct shard *s, int64_t now_ms)
{
	for (int tries = 0; tries < 32 && s->watch_slots; tries++) {
		size_t i = s->watch_cursor;
		s->watch_cursor = (s->watch_cursor + 1) % s->watch_slots;
		struct watch *w = &s->watch[i];
		if (!w->key || w->block_until > now_ms || w->lift_until > now_ms || w->last_ms + 3600000 > now_ms)
			continue;
		struct caller *c = screen_caller_find(s, w->key);
		if (c)
			c->flags &= (uint8_t)~CF_WATCH;
		free(w->ev);
		for (size_t j = i;;) {
			j = (j + 1) % s->watch_slots;
			if (!s->watch[j].key)
				break;
			size_t k = screen_slot_of(screen_mix64(s->watch[j].key), s->watch_slots);
			bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
			if (!stays) {
				s->watch[i] = s->watch[j];
				i = j;
			}
		}
		memset(&s->watch[i], 0, sizeof s->watch[i]);
		s->watch_count--;
		return true;
	}
	return false;
}

static struct watch *watch_open(struct shard *s, uint64_t key, const struct phone *number, int64_t now_ms)
{
	struct watch *w = screen_watch_get(s, key, false);
	if (w)
		return w;
	if (s->watch_count >= s->watch_max && !watch_evict(s, now_ms))
		return NULL;
	w = screen_watch_get(s, key, true);
	w->ev = xcalloc(1, sizeof *w->ev);
	snprintf(w->ev->number, sizeof w->ev->number, "%s", number->canon);
	struct caller *c = screen_caller_find(s, key);
	if (c)
		c->flags |= CF_WATCH;
	return w;
}

void screen_watch_record(struct shard *s, const struct screen_attempt *a, uint64_t key,
			 const struct screen_config *cfg, enum rules_persist persist, const struct screen_verdict *v)
{
	struct watch *w = screen_watch_get(s, key, false);
	if (!w && v->verdict == SCREEN_ALLOW)
		return;
	if (!w && !(w = watch_open(s, key, &a->caller, a->ts_ms)))
		return;
	w->last_ms = a->ts_ms;
	if (persist && v->verdict == SCREEN_BLOCK && w->block_until <= a->ts_ms) {
		w->blocked = 1;
		w->block_from = a->ts_ms;
		w->block_until = a->ts_ms + cfg->block_ms;
		w->simbox_block = persist == RULES_PERSIST_SIMBOX;
	}
	ev_add_name(w->ev->trunks, &w->ev->n_trunks, a->trunk);
	ev_add_name(w->ev->cells, &w->ev->n_cells, a->cell);
	ev_timeline(w->ev, a->ts_ms, v);
}

/* Ends w's block at now_ms and holds automatic blocks back for the grace. */
static void watch_lift(const struct screen_config *cfg, struct watch *w, int64_t now_ms)
{
	w->blocked = 0;
	w->op_block = 0;
	w->simbox_block = 0;
	w->block_until = now_ms;
	w->lift_until = now_ms + cfg->lift_grace_ms;
	w->last_ms = now_ms;
	struct screen_verdict v = {SCREEN_ALLOW, 0, BIT(SR_LIFT_GRACE), 0};
	ev_timeline(w->ev, now_ms, &v);
}

/* c: the caller's record, NULL when untracked. A block that rests on the
 * SIM-box rule alone ends, as a lift, once the line has called from a
 * third cell: a box does not move, so the line is a handset on the move
 * that passed through a box's cell (screen_releases_each tells the app). */
void screen_watch_signals(struct shard *s, const struct screen_config *cfg, const struct caller *c, uint64_t key,
			  int64_t now_ms, struct rules_signals *sig)
{
	struct watch *w = screen_watch_get(s, key, false);
	if (!w)
		return;
	bool running = w->blocked && w->block_until > now_ms;
	if (running && w->simbox_block && !w->op_block && c && (c->flags & CF_ROAMS)) {
		watch_lift(cfg, w, now_ms);
		w->released_ms = now_ms;
		if (now_ms > s->last_release_ms)
			s->last_release_ms = now_ms;
		s->st.released++;
		running = false;
	}
	sig->operator_block = running && w->op_block;
	sig->block_running = running && !w->op_block;
	sig->lift_grace = w->lift_until > now_ms;
}

void screen_watch_answered(struct shard *s, uint64_t key, const struct phone *callee)
{
	struct watch *w = screen_watch_get(s, key, false);
	if (!w)
		return;
	struct screen_evidence *ev = w->ev;
	for (unsigned i = 0; i < ev->n_answered; i++)
		if (strcmp(ev->answered_callees[i], callee->canon) == 0)
			return;
	if (ev->n_answered < SCREEN_EV_CALLEES)
		snprintf(ev->answered_callees[ev->n_answered++], PHONE_CANON_MAX, "%s", callee->canon);
}

int screen_block(struct screen_engine *e, const struct phone *number, int64_t now_ms, int64_t ttl_ms)
{
	uint64_t key = phone_key(number);
	if (key == PHONE_KEY_WITHHELD)
		return OMB_EINVAL;
	const struct screen_config *cfg = screen_config_current(e);
	struct shard *s = screen_shard_of(e, key);
	int rc = 0;
	pthread_mutex_lock(&s->lock);
	struct watch *w = watch_open(s, key, number, now_ms);
	if (!w) {
		rc = OMB_ELIMIT;
	} else {
		w->blocked = 1;
		w->op_block = 1;
		w->simbox_block = 0;
		w->block_from = now_ms;
		w->block_until = now_ms + (ttl_ms > 0 ? ttl_ms : cfg->block_ms);
		w->lift_until = 0;
		w->last_ms = now_ms;
		struct screen_verdict v = {SCREEN_BLOCK, 100, BIT(SR_OPERATOR_BLOCK), 0};
		ev_timeline(w->ev, now_ms, &v);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int screen_lift(struct screen_engine *e, const struct phone *number, int64_t now_ms)
{
	uint64_t key = phone_key(number);
	const struct screen_config *cfg = screen_config_current(e);
	struct shard *s = screen_shard_of(e, key);
	int rc = 0;
	pthread_mutex_lock(&s->lock);
	struct watch *w = screen_watch_get(s, key, false);
	if (!w || !w->blocked || w->block_until <= now_ms)
		rc = OMB_ENOTFOUND;
	else
		watch_lift(cfg, w, now_ms);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* A lift ends blocks that began before it; a running block is set unless
 * the same or a longer one of the same kind is held. */
static int block_apply_locked(struct shard *s, const struct screen_config *cfg, uint64_t key,
			      const struct screen_block_state *b, int64_t now_ms)
{
	struct watch *w = screen_watch_get(s, key, false);
	if (b->lifted_ms) {
		int64_t grace = b->lifted_ms + cfg->lift_grace_ms;
		if (!w && grace <= now_ms)
			return 0;
		if (!w && !(w = watch_open(s, key, &b->number, now_ms)))
			return OMB_ELIMIT;
		bool ends = w->blocked && w->block_from <= b->lifted_ms && w->block_until > b->lifted_ms;
		if (!ends && w->lift_until >= grace)
			return 0;
		if (ends) {
			w->blocked = 0;
			w->op_block = 0;
			w->simbox_block = 0;
			w->block_until = b->lifted_ms;
		}
		w->lift_until = grace > w->lift_until ? grace : w->lift_until;
		w->last_ms = now_ms;
		struct screen_verdict v = {SCREEN_ALLOW, 0, BIT(SR_LIFT_GRACE), 0};
		ev_timeline(w->ev, b->lifted_ms, &v);
		return 1;
	}
	if (b->until_ms <= now_ms)
		return 0;
	if (w && w->blocked && w->block_until >= b->until_ms && w->op_block >= (b->operator_set != 0))
		return 0;
	if (!w && !(w = watch_open(s, key, &b->number, now_ms)))
		return OMB_ELIMIT;
	w->blocked = 1;
	w->op_block = b->operator_set != 0;
	w->simbox_block = !b->operator_set && rules_simbox_only(b->reasons);
	w->block_from = b->from_ms;
	w->block_until = b->until_ms;
	w->last_ms = now_ms;
	struct screen_verdict v = {SCREEN_BLOCK, 100, b->reasons ? b->reasons : BIT(SR_BLOCKED), 0};
	ev_timeline(w->ev, b->from_ms, &v);
	return 1;
}

int screen_block_apply(struct screen_engine *e, const struct screen_block_state *b, int64_t now_ms)
{
	uint64_t key = phone_key(&b->number);
	if (key == PHONE_KEY_WITHHELD)
		return OMB_EINVAL;
	const struct screen_config *cfg = screen_config_current(e);
	struct shard *s = screen_shard_of(e, key);
	pthread_mutex_lock(&s->lock);
	int rc = block_apply_locked(s, cfg, key, b, now_ms);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static void caller_fill(const struct caller *c, struct screen_evidence *out)
{
	uint32_t now_s = c->last_s;
	out->first_seen_ms = (int64_t)c->first_s * 1000;
	out->last_seen_ms = (int64_t)c->last_s * 1000;
	out->attempts = c->attempts;
	out->attempts_1m = (uint32_t)lround(screen_window_est(c->w1[0], c->w1[1], now_s, 60));
	out->attempts_10m = (uint32_t)lround(screen_window_est(c->w10[0], c->w10[1], now_s, 600));
	out->attempts_60m = (uint32_t)lround(screen_window_est(c->w60[0], c->w60[1], now_s, 3600));
	double d = sketch_lc_estimate(c->callees[0] | c->callees[1]);
	uint32_t span = (uint32_t)c->w60[0] + c->w60[1];
	out->distinct_callees = (uint32_t)lround(d < span ? d : span);
	out->ends = c->ends;
	out->answered = c->answered;
	out->short_calls = c->shorts;
	out->origins = c->origins;
	out->trunks_seen = (unsigned)__builtin_popcount(c->trunks_seen);
}

static void evidence_fill(struct shard *s, const struct watch *w, struct screen_evidence *out)
{
	*out = *w->ev;
	out->blocked = w->blocked && w->block_until > w->last_ms;
	out->operator_block = w->op_block;
	out->block_from_ms = w->block_from;
	out->block_until_ms = w->block_until;
	out->released_ms = w->released_ms;
	const struct caller *c = screen_caller_find(s, w->key);
	if (c)
		caller_fill(c, out);
}

int screen_number_state(struct screen_engine *e, const struct phone *number, struct screen_evidence *out,
			int *watched)
{
	uint64_t key = phone_key(number);
	*watched = 0;
	if (key == PHONE_KEY_WITHHELD)
		return OMB_ENOTFOUND;
	struct shard *s = screen_shard_of(e, key);
	int rc = OMB_ENOTFOUND;
	pthread_mutex_lock(&s->lock);
	const struct watch *w = screen_watch_get(s, key, false);
	const struct caller *c = w ? NULL : screen_caller_find(s, key);
	if (w) {
		evidence_fill(s, w, out);
		*watched = 1;
		rc = 0;
	} else if (c) {
		memset(out, 0, sizeof *out);
		snprintf(out->number, sizeof out->number, "%s", number->canon);
		caller_fill(c, out);
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int screen_evidence(struct screen_engine *e, const struct phone *number, struct screen_evidence *out)
{
	uint64_t key = phone_key(number);
	struct shard *s = screen_shard_of(e, key);
	int rc = OMB_ENOTFOUND;
	pthread_mutex_lock(&s->lock);
	const struct watch *w = screen_watch_get(s, key, false);
	if (w) {
		evidence_fill(s, w, out);
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* The evidence of every watch entry that pick selects at t, shard by shard
 * under its lock, with its block as it stands at t; shards whose latest
 * release is at or before min_release_ms are not walked. */
static size_t watch_each(struct screen_engine *e, int64_t t, bool (*pick)(const struct watch *w, int64_t t),
			 int64_t min_release_ms, int (*fn)(const struct screen_evidence *ev, void *arg), void *arg)
{
	size_t n = 0;
	struct screen_evidence *ev = xmalloc(sizeof *ev);
	bool stop = false;
	for (unsigned i = 0; i < e->nshards && !stop; i++) {
		struct shard *s = &e->shards[i];
		pthread_mutex_lock(&s->lock);
		size_t slots = s->last_release_ms > min_release_ms ? s->watch_slots : 0;
		for (size_t j = 0; j < slots && !stop; j++) {
			const struct watch *w = &s->watch[j];
			if (!w->key || !pick(w, t))
				continue;
			evidence_fill(s, w, ev);
			ev->blocked = w->blocked && w->block_until > t;
			n++;
			stop = fn(ev, arg) != 0;
		}
		pthread_mutex_unlock(&s->lock);
	}
	free(ev);
	return n;
}

static bool block_running(const struct watch *w, int64_t now_ms)
{
	return w->blocked && w->block_until > now_ms;
}

static bool released_after(const struct watch *w, int64_t since_ms)
{
	return w->released_ms > since_ms;
}

size_t screen_blocks_each(struct screen_engine *e, int64_t now_ms,
			  int (*fn)(const struct screen_evidence *ev, void *arg), void *arg)
{
	return watch_each(e, now_ms, block_running, INT64_MIN, fn, arg);
}

size_t screen_releases_each(struct screen_engine *e, int64_t since_ms,
			    int (*fn)(const struct screen_evidence *ev, void *arg), void *arg)
{
	return watch_each(e, since_ms, released_after, since_ms, fn, arg); /* most sweeps walk nothing */
}
