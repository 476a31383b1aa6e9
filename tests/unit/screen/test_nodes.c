/* Several nodes: blocks applied as another node recorded them, and cell
 * partials exchanged between two engines (screen.h, "Several nodes"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "screen/screen.h"

#define BIT(r) (1u << (r))
#define T0 1750000000000LL
#define MIN 60000LL

static struct screen_config cfg;
static unsigned seq;

static struct phone num(const char *s)
{
	struct phone p;
	assert_int_equal(phone_parse(s, strlen(s), PHONE_CC_KOREA, &p, NULL), 0);
	return p;
}

static struct screen_engine *engine(unsigned shards)
{
	screen_config_defaults(&cfg);
	cfg.shards = shards;
	cfg.max_callers = 4096;
	cfg.max_watched = 256;
	cfg.pending_calls = 4096;
	cfg.incoming_log2 = 16;
	cfg.simbox_warm_share = 1; /* the merged view is judged by a fresh line's first call */
	struct screen_engine *e = screen_create(&cfg, NULL);
	assert_non_null(e);
	return e;
}

static struct screen_verdict call(struct screen_engine *e, int64_t ts, const char *caller, const char *callee,
				  int ended)
{
	char id[32];
	snprintf(id, sizeof id, "call-%u", ++seq);
	struct screen_attempt a = {.ts_ms = ts, .call_id = id, .call_id_len = strlen(id), .caller = num(caller),
				   .callee = num(callee), .trunk = "msc-3", .cell = "cell-5"};
	struct screen_verdict v;
	screen_check(e, &a, &v);
	if (ended) {
		struct screen_end end = {.ts_ms = ts + 20000, .call_id = id, .call_id_len = strlen(id),
					 .caller = a.caller, .callee = a.callee, .trunk = a.trunk, .cell = a.cell};
		screen_ingest_end(e, &end);
	}
	return v;
}

static void test_block_applied_as_recorded(void **state)
{
	(void)state;
	struct screen_engine *e = engine(4);
	struct screen_block_state b = {.number = num("01055556666"), .from_ms = T0, .until_ms = T0 + 60 * MIN,
				       .reasons = BIT(SR_SIMBOX_CELL)};
	assert_int_equal(screen_block_apply(e, &b, T0 + MIN), 1);
	assert_int_equal(screen_block_apply(e, &b, T0 + MIN), 0); /* read twice: no change */
	struct screen_verdict v = call(e, T0 + 2 * MIN, "01055556666", "01011112222", 0);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_BLOCKED));
	/* the lift, then the block's row read again as it now stands: lifted */
	b.lifted_ms = T0 + 3 * MIN;
	assert_int_equal(screen_block_apply(e, &b, T0 + 3 * MIN), 1);
	assert_int_equal(screen_block_apply(e, &b, T0 + 4 * MIN), 0);
	v = call(e, T0 + 5 * MIN, "01055556666", "01011112223", 0);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	/* a later operator block is not undone by the old lift */
	struct screen_block_state op = {.number = b.number, .from_ms = T0 + 6 * MIN, .until_ms = T0 + 90 * MIN,
					.operator_set = 1};
	assert_int_equal(screen_block_apply(e, &op, T0 + 6 * MIN), 1);
	assert_int_equal(screen_block_apply(e, &b, T0 + 7 * MIN), 0);
	v = call(e, T0 + 8 * MIN, "01055556666", "01011112224", 0);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_OPERATOR_BLOCK));
	/* a block already over is not set; a withheld number is no number */
	struct screen_block_state old = {.number = num("01077778888"), .from_ms = T0, .until_ms = T0 + MIN};
	assert_int_equal(screen_block_apply(e, &old, T0 + 2 * MIN), 0);
	struct screen_block_state anon = {.number = num("anonymous"), .from_ms = T0, .until_ms = T0 + 60 * MIN};
	assert_int_equal(screen_block_apply(e, &anon, T0), OMB_EINVAL);
	screen_destroy(e);
}

/* n SIM lines on the engine's cell: two failed calls each, then a third
 * to a new victim, which makes it a suspect. */
static int64_t sim_lines(struct screen_engine *e, int64_t t, int first, int n)
{
	for (int k = 0; k < 3; k++)
		for (int s = first; s < first + n; s++) {
			char sim[24], victim[24]; /* room for any int, as -Wformat-truncation asks */
			snprintf(sim, sizeof sim, "0107300%04d", s);
			snprintf(victim, sizeof victim, "0109%03d%04d", k, s);
			call(e, t, sim, victim, k < 2);
			t += 1000;
		}
	return t;
}

static bool cell_flagged(struct screen_engine *e, int64_t t, const char *fresh)
{
	return (call(e, t, fresh, "01093339999", 0).reasons & BIT(SR_SIMBOX_CELL)) != 0;
}

static uint32_t attempts_out(struct screen_engine *e, int64_t now)
{
	struct screen_partial *p;
	size_t n;
	assert_int_equal(screen_partials_export(e, now, &p, &n), 0);
	uint32_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += p[i].attempts;
	free(p);
	return sum;
}

static void exchange(struct screen_engine *from, struct screen_engine *to, int64_t now)
{
	struct screen_partial *p;
	size_t n;
	assert_int_equal(screen_partials_export(from, now, &p, &n), 0);
	screen_partials_import(to, p, n, now);
	free(p);
	screen_merge(to, now);
}

static void test_partials_merge_across_engines(void **state)
{
	(void)state;
	/* one shard and several: the merge folds the other node's partials either way */
	struct screen_engine *a = engine(1), *b = engine(4);
	int64_t t = sim_lines(a, T0, 0, 5);
	t = sim_lines(b, t, 5, 5);
	screen_merge(a, t);
	screen_merge(b, t);
	assert_false(cell_flagged(a, t, "01073990001"));   /* half of the box each */
	assert_false(cell_flagged(b, t, "01073990002"));
	uint32_t own_a = attempts_out(a, t), own_b = attempts_out(b, t);
	assert_int_equal(own_a, 2 * (5 * 3 + 1));  /* each call counts in its cell and its trunk */
	exchange(a, b, t);
	exchange(b, a, t);
	assert_true(cell_flagged(a, t + 1000, "01073990003"));
	assert_true(cell_flagged(b, t + 1000, "01073990004"));
	/* what goes out is still each engine's own: no call is counted twice */
	assert_int_equal(attempts_out(a, t + 1000), own_a + 2);
	assert_int_equal(attempts_out(b, t + 1000), own_b + 2);
	/* partials of an epoch long gone are ignored */
	struct screen_partial stale = {.key = 1, .epoch = (t / SCREEN_AGG_EPOCH_MS) - 5, .attempts = 99};
	screen_partials_import(a, &stale, 1, t + 2000);
	screen_merge(a, t + 2000);
	assert_int_equal(attempts_out(a, t + 2000), own_a + 2);
	screen_destroy(a);
	screen_destroy(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_applied_as_recorded),
		cmocka_unit_test(test_partials_merge_across_engines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
