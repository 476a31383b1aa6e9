/* test_layout.c — where callers land in their shard's table: spread over
 * all of it, in short runs, whatever the shard. Reads the engine's internals
 * (screen_int.h); the rules and API are test_engine.c's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "screen/screen.h"
#include "screen/screen_int.h"

#define SHARDS 8
#define CALLERS 20000
#define PARTS 8 /* each table is read in this many equal parts */

static void check_one(struct screen_engine *e, unsigned i)
{
	char caller[16], id[24];
	snprintf(caller, sizeof caller, "010%08u", i * 7919u % 100000000u);
	snprintf(id, sizeof id, "layout-%u", i);
	struct screen_attempt a = {.ts_ms = 1772409600000LL + i, .call_id = id, .call_id_len = strlen(id),
				   .origin = SCREEN_ORIGIN_DOMESTIC, .trunk = "t", .cell = "c"};
	assert_int_equal(phone_parse(caller, strlen(caller), PHONE_CC_KOREA, &a.caller, NULL), 0);
	assert_int_equal(phone_parse("01099990000", 11, PHONE_CC_KOREA, &a.callee, NULL), 0);
	struct screen_verdict v;
	screen_check(e, &a, &v);
}

/* Each shard is picked by the top bits of a caller's hash: slots taken
 * from the same bits filled one part of every table in one long run. */
static void callers_spread_over_their_shard(void **state)
{
	(void)state;
	struct screen_config cfg;
	screen_config_defaults(&cfg);
	cfg.shards = SHARDS;
	cfg.max_callers = 4 * CALLERS;
	struct screen_engine *e = screen_create(&cfg, NULL);
	assert_non_null(e);
	for (unsigned i = 0; i < CALLERS; i++)
		check_one(e, i);
	uint64_t total = 0;
	for (unsigned k = 0; k < e->nshards; k++) {
		const struct shard *s = &e->shards[k];
		uint64_t in_part[PARTS] = {0}, run = 0, longest = 0;
		for (uint64_t j = 0; j < s->nslots; j++) {
			bool used = s->callers[j].key != 0;
			in_part[j * PARTS / s->nslots] += used;
			run = used ? run + 1 : 0;
			longest = run > longest ? run : longest;
		}
		assert_true(s->count > 1000);
		for (unsigned p = 0; p < PARTS; p++) { /* about count / PARTS each */
			assert_true(in_part[p] * PARTS * 2 > s->count);
			assert_true(in_part[p] * PARTS < s->count * 2);
		}
		assert_true(longest < 64); /* load 0.2: short runs */
		total += s->count;
	}
	assert_int_equal(total, CALLERS);
	screen_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(callers_spread_over_their_shard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
