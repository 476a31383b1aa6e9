/* registry.c — the lists a check reads: registry entries (call centers,
 * telemarketers, institutions and their trunks, confirmed fraud), consumer
 * reports and the operator's allowlist, one record per number in its
 * shard. A refresh marks every entry, loads the sources again and retires
 * what they no longer name. engine.c reads the records on a check
 * (list_signals); lists.c turns files into entries. */
#include "screen/screen_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

int screen_reg_kind_parse(const char *s, enum screen_reg_kind *out)
{
	static const char *names[] = {"", "callcenter", "telemarketer", "institution", "confirmed_fraud"};
	for (int i = 1; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum screen_reg_kind)i;
			return 0;
		}
	return OMB_EINVAL;
}

int screen_registry_add(struct screen_engine *e, const struct screen_reg_entry *r)
{
	uint64_t key = phone_key(&r->number);
	if (key == PHONE_KEY_WITHHELD || r->kind == SCREEN_REG_NONE)
		return OMB_EINVAL;
	if (r->ntrunks > SCREEN_REG_MAX_TRUNKS)
		return OMB_ELIMIT;
	struct shard *s = screen_shard_of(e, key);
	pthread_mutex_lock(&s->lock);
	struct numinfo *ni = screen_nums_get(s, key, true);
	if (ni->kind != SCREEN_REG_CONFIRMED_FRAUD || r->kind == SCREEN_REG_CONFIRMED_FRAUD) {
		ni->marked = 1;
		ni->kind = (uint8_t)r->kind;
		ni->ntrunks = (uint8_t)r->ntrunks;
		for (unsigned i = 0; i < r->ntrunks; i++)
			ni->trunks[i] = screen_name_hash(r->trunks[i], 2);
		ni->daily_cap = r->daily_cap;
		ni->from_ms = r->valid_from_ms;
		ni->to_ms = r->valid_to_ms;
	}
	screen_caller_mark_listed(s, key);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* fn(ni) for every list entry of every shard, each shard under its lock;
 * returns the sum of what fn returned. */
static size_t nums_each(struct screen_engine *e, size_t (*fn)(struct numinfo *ni))
{
	size_t n = 0;
	for (unsigned i = 0; i < e->nshards; i++) {
		struct shard *s = &e->shards[i];
		pthread_mutex_lock(&s->lock);
		for (size_t j = 0; j < s->nums_slots; j++)
			if (s->nums[j].key)
				n += fn(&s->nums[j]);
		pthread_mutex_unlock(&s->lock);
	}
	return n;
}

static size_t unmark(struct numinfo *ni)
{
	ni->marked = 0;
	return 0;
}

static size_t retire_unmarked(struct numinfo *ni)
{
	if (ni->marked || ni->kind == SCREEN_REG_NONE)
		return 0;
	ni->kind = SCREEN_REG_NONE;
	ni->ntrunks = 0;
	ni->daily_cap = 0;
	ni->from_ms = ni->to_ms = 0;
	return 1;
}

void screen_registry_mark(struct screen_engine *e)
{
	nums_each(e, unmark);
}

size_t screen_registry_sweep(struct screen_engine *e)
{
	return nums_each(e, retire_unmarked);
}

int screen_registry_load(struct screen_engine *e, const struct screen_reg_entry *entries, size_t n, size_t *failed)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += screen_registry_add(e, &entries[i]) != 0;
	if (failed)
		*failed = bad;
	return bad ? OMB_EINVAL : 0;
}

#define REPORTS_PER_NUMBER 256 /* beyond this, reports of a number add nothing new */

int screen_report_add(struct screen_engine *e, const struct screen_report *r)
{
	uint64_t key = phone_key(&r->number);
	if (key == PHONE_KEY_WITHHELD)
		return OMB_EINVAL;
	struct shard *s = screen_shard_of(e, key);
	int rc = 0;
	pthread_mutex_lock(&s->lock);
	struct numinfo *ni = screen_nums_get(s, key, true);
	if (ni->nreports >= REPORTS_PER_NUMBER) {
		rc = OMB_ELIMIT;
	} else {
		if (ni->nreports == ni->cap_reports) { /* 32-bit counts: the record is saved as it is */
			ni->cap_reports = ni->cap_reports ? ni->cap_reports * 2 : 4;
			ni->reports = xrealloc(ni->reports, ni->cap_reports * sizeof *ni->reports);
		}
		ni->reports[ni->nreports++] = (struct report_rec){r->ts_ms, r->reporter};
	}
	screen_caller_mark_listed(s, key);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int screen_allowlist(struct screen_engine *e, const struct phone *number, int on)
{
	uint64_t key = phone_key(number);
	if (key == PHONE_KEY_WITHHELD)
		return OMB_EINVAL;
	struct shard *s = screen_shard_of(e, key);
	pthread_mutex_lock(&s->lock);
	struct numinfo *ni = screen_nums_get(s, key, on != 0);
	if (ni) {
		ni->allow = on != 0;
		screen_caller_mark_listed(s, key);
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}
