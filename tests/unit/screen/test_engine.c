/* test_engine.c — the engine's signals, lists, blocks, evidence, eviction,
 * snapshot and config swap, through its public API. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "base/err.h"
#include "screen/screen.h"

#define BIT(r) (1u << (r))
#define T0 1772409600000LL
#define MIN 60000LL

static struct screen_config cfg;
static struct screen_engine *eng;
static unsigned seq;

static struct phone num(const char *s)
{
	struct phone p;
	assert_int_equal(phone_parse(s, strlen(s), PHONE_CC_KOREA, &p, NULL), 0);
	return p;
}

static int setup(void **state)
{
	(void)state;
	screen_config_defaults(&cfg);
	cfg.max_callers = 4096;
	cfg.max_watched = 256;
	cfg.pending_calls = 4096;
	cfg.incoming_log2 = 16;
	eng = screen_create(&cfg, NULL);
	assert_non_null(eng);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	screen_destroy(eng);
	eng = NULL;
	return 0;
}

struct call {
	int64_t ts;
	const char *caller, *callee, *trunk, *cell;
	enum screen_origin origin;
	char id[32];
};

static struct screen_verdict check_call(struct call *c)
{
	if (!c->id[0])
		snprintf(c->id, sizeof c->id, "call-%u", ++seq);
	struct screen_attempt a = {.ts_ms = c->ts, .call_id = c->id, .call_id_len = strlen(c->id),
				   .caller = num(c->caller), .callee = num(c->callee), .origin = c->origin,
				   .trunk = c->trunk, .cell = c->cell};
	struct screen_verdict v;
	screen_check(eng, &a, &v);
	return v;
}

static struct screen_verdict check(int64_t ts, const char *caller, const char *callee)
{
	struct call c = {.ts = ts, .caller = caller, .callee = callee, .trunk = "msc-1", .cell = "cell-1"};
	return check_call(&c);
}

static int end_call(const struct call *c, int64_t ts, int answered, int64_t dur)
{
	struct screen_end e = {.ts_ms = ts, .call_id = c->id, .call_id_len = strlen(c->id), .caller = num(c->caller),
			       .callee = num(c->callee), .trunk = c->trunk, .cell = c->cell,
			       .duration_ms = dur, .answered = answered};
	return screen_ingest_end(eng, &e);
}

static void callee_n(char *buf, size_t size, unsigned i)
{
	snprintf(buf, size, "0109%07u", i * 7919 % 10000000);
}

static void test_emergency_never_counted(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++) {
		struct screen_verdict v = check(T0 + i, "01011112222", i % 2 ? "112" : "119");
		assert_int_equal(v.verdict, SCREEN_ALLOW);
		assert_int_equal(v.reasons, BIT(SR_EMERGENCY));
	}
	struct screen_stats st;
	screen_stats(eng, &st);
	assert_int_equal(st.attempts, 0);
	assert_int_equal(st.callers, 0);
	/* even a blocked number reaches 122 */
	struct phone p = num("01033334444");
	assert_int_equal(screen_block(eng, &p, T0, 0), 0);
	assert_int_equal(check(T0 + 1000, "01033334444", "01055556666").verdict, SCREEN_BLOCK);
	assert_int_equal(check(T0 + 2000, "01033334444", "122").verdict, SCREEN_ALLOW);
}

static void test_emergency_extra_list(void **state)
{
	(void)state;
	struct screen_config c = cfg;
	snprintf(c.emergency_extra, sizeof c.emergency_extra, "1366;02-2100-0000");
	assert_int_equal(screen_config_swap(eng, &c, NULL), 0);
	assert_int_equal(check(T0, "01011112222", "0221000000").reasons, BIT(SR_EMERGENCY));
	assert_int_equal(check(T0, "01011112222", "0221000001").reasons & BIT(SR_EMERGENCY), 0);
}

static void test_withheld_is_not_a_caller(void **state)
{
	(void)state;
	for (int i = 0; i < 100; i++) {
		char callee[16];
		callee_n(callee, sizeof callee, (unsigned)i);
		struct screen_verdict v = check(T0 + i * 1000, i % 2 ? "anonymous" : "", callee);
		assert_int_equal(v.verdict, SCREEN_ALLOW);
		assert_int_equal(v.reasons, BIT(SR_WITHHELD));
	}
	struct screen_stats st;
	screen_stats(eng, &st);
	assert_int_equal(st.callers, 0);
	assert_int_equal(st.withheld, 100);
}

static void test_repeated_check_is_idempotent(void **state)
{
	(void)state;
	struct call c = {.ts = T0, .caller = "01012345678", .callee = "01087654321", .trunk = "t", .cell = ""};
	struct screen_verdict v1 = check_call(&c);
	c.ts += 500;
	struct screen_verdict v2 = check_call(&c);
	assert_int_equal(v1.repeated, 0);
	assert_int_equal(v2.repeated, 1);
	assert_int_equal(v1.verdict, v2.verdict);
	assert_int_equal(v1.reasons, v2.reasons);
	struct screen_stats st;
	screen_stats(eng, &st);
	assert_int_equal(st.attempts, 1);
	assert_int_equal(st.repeated, 1);
	struct phone p = num("010-1234-5678");
	assert_int_equal(screen_block(eng, &p, T0, 0), 0);
	/* a retransmit answers what the first check answered */
	c.ts += 500;
	assert_int_equal(check_call(&c).verdict, v1.verdict);
}

static void test_end_matching(void **state)
{
	(void)state;
	struct call c = {.ts = T0, .caller = "01012345678", .callee = "01087654321", .trunk = "t"};
	check_call(&c);
	assert_int_equal(end_call(&c, T0 + 30000, 1, 25000), 0);
	assert_int_equal(end_call(&c, T0 + 31000, 1, 25000), OMB_EEXIST);
	struct call ghost = {.ts = T0, .caller = "01012345678", .callee = "01087654321", .trunk = "t", .id = "ghost"};
	assert_int_equal(end_call(&ghost, T0 + 1000, 0, 0), OMB_ENOTFOUND);
	struct screen_stats st;
	screen_stats(eng, &st);
	assert_int_equal(st.ends, 3);
	assert_int_equal(st.ends_unknown, 1);
	assert_int_equal(st.ends_repeated, 1);
}

static void test_formats_are_one_number(void **state)
{
	(void)state;
	const char *forms[] = {"01012345678", "010-1234-5678", "+821012345678", "tel:+82-10-1234-5678",
			       "sip:01012345678@ims.example.kr;user=phone"};
	for (int i = 0; i < 5; i++)
		check(T0 + i * 1000, forms[i], "01087654321");
	struct screen_stats st;
	screen_stats(eng, &st);
	assert_int_equal(st.callers, 1);
}

static void test_spoofed_domestic_cli(void **state)
{
	(void)state;
	struct call c = {.ts = T0, .caller = "+821055554444", .callee = "01011112222", .trunk = "igw-1",
			 .origin = SCREEN_ORIGIN_INTERNATIONAL};
	struct screen_verdict v = check_call(&c);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SPOOFED_DOMESTIC));
	/* the real subscriber is not harmed: no state, no block */
	assert_int_equal(check(T0 + 1000, "01055554444", "01011112222").verdict, SCREEN_ALLOW);
	struct phone p = num("01055554444");
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(eng, &p, &ev), OMB_ENOTFOUND);
	/* a foreign number from abroad is fine; an inbound-roaming trunk too */
	struct call f = {.ts = T0 + 2000, .caller = "+12025550100", .callee = "01011112222", .trunk = "igw-1",
			 .origin = SCREEN_ORIGIN_INTERNATIONAL};
	assert_int_equal(check_call(&f).verdict, SCREEN_ALLOW);
	struct screen_config r = cfg;
	snprintf(r.roaming_trunks, sizeof r.roaming_trunks, "roam-gw");
	screen_config_swap(eng, &r, NULL);
	struct call g = {.ts = T0 + 3000, .caller = "01055554444", .callee = "01011112222", .trunk = "roam-gw",
			 .origin = SCREEN_ORIGIN_INTERNATIONAL};
	assert_int_equal(check_call(&g).verdict, SCREEN_ALLOW);
}

static struct screen_reg_entry reg(const char *number, enum screen_reg_kind kind, const char *trunk)
{
	struct screen_reg_entry r = {.number = num(number), .kind = kind};
	if (trunk) {
		r.trunks[0] = trunk;
		r.ntrunks = 1;
	}
	return r;
}

static void test_institution_spoof(void **state)
{
	(void)state;
	struct screen_reg_entry r = reg("15881234", SCREEN_REG_INSTITUTION, "bank-gw");
	assert_int_equal(screen_registry_add(eng, &r), 0);
	struct call ok = {.ts = T0, .caller = "1588-1234", .callee = "01011112222", .trunk = "bank-gw"};
	struct screen_verdict v = check_call(&ok);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_true(v.reasons & BIT(SR_REGISTERED));
	struct call bad = {.ts = T0 + 1000, .caller = "15881234", .callee = "01011112222", .trunk = "voip-gw-9"};
	v = check_call(&bad);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SPOOFED_INSTITUTION));
	/* no trunk registered: only arrival from abroad betrays it */
	r = reg("1332", SCREEN_REG_INSTITUTION, NULL);
	screen_registry_add(eng, &r);
	struct call home = {.ts = T0 + 2000, .caller = "1332", .callee = "01011112222", .trunk = "any"};
	assert_int_equal(check_call(&home).verdict, SCREEN_ALLOW);
	struct call abroad = {.ts = T0 + 3000, .caller = "1332", .callee = "01011112222", .trunk = "igw",
			      .origin = SCREEN_ORIGIN_INTERNATIONAL};
	assert_true(check_call(&abroad).reasons & BIT(SR_SPOOFED_INSTITUTION));
}

/* A registry replaced whole: what its sources no longer name loses its
 * registration at the sweep, not before; a milder kind does not keep a
 * confirmed-fraud entry that the list dropped. */
static void test_registry_sweep_retires_what_was_not_named_again(void **state)
{
	(void)state;
	struct screen_reg_entry center = reg("0215880001", SCREEN_REG_CALLCENTER, NULL),
				fraud = reg("01066660001", SCREEN_REG_CONFIRMED_FRAUD, NULL),
				milder = reg("01066660001", SCREEN_REG_TELEMARKETER, NULL),
				gone = reg("07077770001", SCREEN_REG_TELEMARKETER, NULL);
	screen_registry_add(eng, &center);
	screen_registry_add(eng, &fraud);
	screen_registry_add(eng, &gone);
	screen_registry_mark(eng);
	screen_registry_add(eng, &center);
	screen_registry_add(eng, &fraud);
	assert_true(check(T0, "07077770001", "01011112222").reasons & BIT(SR_REGISTERED)); /* until the sweep */
	assert_int_equal(screen_registry_sweep(eng), 1);
	assert_false(check(T0 + 1000, "07077770001", "01011112223").reasons & BIT(SR_REGISTERED));
	assert_true(check(T0 + 1000, "0215880001", "01011112222").reasons & BIT(SR_REGISTERED));
	screen_registry_mark(eng);
	screen_registry_add(eng, &center);
	screen_registry_add(eng, &milder); /* the police list dropped it; a telemarketer's entry names it */
	assert_int_equal(screen_registry_sweep(eng), 1);
	struct screen_verdict v = check(T0 + 2000, "01066660001", "01011112222");
	assert_false(v.reasons & BIT(SR_CONFIRMED_FRAUD));
	assert_int_not_equal(v.verdict, SCREEN_BLOCK);
	screen_registry_add(eng, &milder); /* the next refresh registers it as what it is now */
	assert_true(check(T0 + 3000, "01066660001", "01011112223").reasons & BIT(SR_REGISTERED));
}

static void test_confirmed_list_and_validity(void **state)
{
	(void)state;
	struct screen_reg_entry r = reg("01066667777", SCREEN_REG_CONFIRMED_FRAUD, NULL);
	r.valid_from_ms = T0 + 10 * MIN;
	screen_registry_add(eng, &r);
	assert_int_equal(check(T0, "01066667777", "01011112222").verdict, SCREEN_ALLOW);
	struct screen_verdict v = check(T0 + 11 * MIN, "01066667777", "01011112222");
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_CONFIRMED_FRAUD));
	/* a milder registration does not replace the list entry */
	r = reg("01066667777", SCREEN_REG_TELEMARKETER, NULL);
	screen_registry_add(eng, &r);
	assert_true(check(T0 + 12 * MIN, "01066667777", "01011112223").reasons & BIT(SR_CONFIRMED_FRAUD));
	struct phone p = num("01066667777");
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(eng, &p, &ev), 0);
	assert_true(ev.blocked);
	assert_true(ev.n_timeline >= 1);
}

static void test_registered_volume_and_cap(void **state)
{
	(void)state;
	struct screen_reg_entry r = reg("0212345678", SCREEN_REG_TELEMARKETER, "tm-gw");
	r.daily_cap = 300;
	screen_registry_add(eng, &r);
	int warned = 0, blocked = 0;
	for (int i = 0; i < 400; i++) {
		char callee[16];
		callee_n(callee, sizeof callee, (unsigned)i);
		struct call c = {.ts = T0 + i * 6000, .caller = "02-1234-5678", .callee = callee, .trunk = "tm-gw"};
		struct screen_verdict v = check_call(&c);
		warned += v.verdict == SCREEN_WARN;
		blocked += v.verdict == SCREEN_BLOCK;
		if (i < 300)
			assert_int_equal(v.verdict, SCREEN_ALLOW);
	}
	assert_int_equal(blocked, 0);
	assert_int_equal(warned, 100); /* above its daily cap: warned, never blocked */
	/* the same number on another trunk loses the exemption */
	struct call c = {.ts = T0 + 401 * 6000, .caller = "0212345678", .callee = "01011112222", .trunk = "voip-gw"};
	assert_true(check_call(&c).reasons & BIT(SR_REGISTRY_TRUNK));
}

static void test_volume_and_fanout_signals(void **state)
{
	(void)state;
	struct screen_verdict v = {0};
	for (int i = 0; i < 40; i++) { /* 40 distinct callees in 8 minutes */
		char callee[16];
		callee_n(callee, sizeof callee, (unsigned)i);
		v = check(T0 + i * 12000, "07012345678", callee);
		if (i < cfg.vol_1m - 1)
			assert_int_equal(v.verdict, SCREEN_ALLOW);
	}
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_true(v.reasons & BIT(SR_VOLUME));
	assert_true(v.reasons & BIT(SR_FANOUT));
	/* the same volume to two numbers is no fan-out */
	for (int i = 0; i < 40; i++)
		v = check(T0 + i * 12000, "07099998888", i % 2 ? "01011112222" : "01033334444");
	assert_true(v.reasons & BIT(SR_VOLUME));
	assert_false(v.reasons & BIT(SR_FANOUT));
}

static void test_windows_slide(void **state)
{
	(void)state;
	for (int i = 0; i < 24; i++) { /* a burst: 24 calls in a minute */
		char callee[16];
		callee_n(callee, sizeof callee, (unsigned)i);
		check(T0 + i * 2500, "07012345678", callee);
	}
	struct phone p = num("07012345678");
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(eng, &p, &ev), 0); /* warned: evidence kept */
	assert_int_equal(ev.attempts, 24);
	assert_int_equal(ev.attempts_1m, 24);
	assert_int_equal(ev.distinct_callees, 24);
	/* three quiet minutes later the 1-minute window is empty, the hour is not */
	check(T0 + 4 * MIN, "07012345678", "01011112222");
	assert_int_equal(screen_evidence(eng, &p, &ev), 0);
	assert_int_equal(ev.attempts_1m, 1);
	assert_int_equal(ev.attempts_60m, 25);
	/* two hours later nothing of the burst remains */
	check(T0 + 130 * MIN, "07012345678", "01011112222");
	screen_evidence(eng, &p, &ev);
	assert_int_equal(ev.attempts_60m, 1);
	assert_int_equal(ev.attempts, 26);
}

static void test_outcomes_and_sequential(void **state)
{
	(void)state;
	struct screen_verdict v = {0};
	for (int i = 0; i < 30; i++) {
		char callee[24];
		snprintf(callee, sizeof callee, "010200000%02d", i % 100); /* +1 each time */
		struct call c = {.ts = T0 + i * 20000, .caller = "07055556666", .callee = callee, .trunk = "voip"};
		v = check_call(&c);
		end_call(&c, c.ts + 15000, i % 5 == 0, 4000); /* one in five answered, for four seconds */
	}
	assert_true(v.reasons & BIT(SR_SEQUENTIAL));
	assert_true(v.reasons & BIT(SR_LOW_ANSWER));
	assert_true(v.reasons & BIT(SR_SHORT_CALLS));
	struct phone p = num("07055556666");
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(eng, &p, &ev), 0);
	assert_int_equal(ev.ends, 30);
	assert_int_equal(ev.answered, 6);
	assert_int_equal(ev.short_calls, 6);
	assert_true(ev.n_answered >= 1); /* answered callees after the number was watched */
	assert_int_equal(ev.n_trunks, 1);
	assert_string_equal(ev.trunks[0], "voip");
}

static void test_reports_corroborate(void **state)
{
	(void)state;
	struct phone p = num("07077778888");
	for (int i = 0; i < 4; i++) {
		struct screen_report r = {.ts_ms = T0, .number = p, .reporter = 100 + (uint64_t)i};
		assert_int_equal(screen_report_add(eng, &r), 0);
	}
	struct screen_report late = {.ts_ms = T0 + 500 * MIN, .number = num("07011110000"), .reporter = 9};
	screen_report_add(eng, &late);
	struct screen_verdict v = check(T0 + 1000, "07077778888", "01011112222");
	assert_true(v.reasons & BIT(SR_REPORTED));
	assert_int_equal(v.verdict, SCREEN_ALLOW); /* reports alone do not warn */
	v = check(T0 + 1000, "07011110000", "01011112222");
	assert_false(v.reasons & BIT(SR_REPORTED)); /* not yet effective */
	for (int i = 0; i < 40; i++) {
		char callee[16];
		callee_n(callee, sizeof callee, (unsigned)i);
		struct call c = {.ts = T0 + 2000 + i * 10000, .caller = "07077778888", .callee = callee, .trunk = "v"};
		v = check_call(&c);
		end_call(&c, c.ts + 9000, 0, 0);
	}
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(check(T0 + 60 * MIN, "07077778888", "01011112222").reasons & BIT(SR_BLOCKED));
	struct phone q = num("07077778888");
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(eng, &q, &ev), 0);
	bool reported_block = false; /* the timeline shows why the block began */
	for (unsigned i = 0; i < ev.n_timeline; i++)
		reported_block |= ev.timeline[i].verdict == SCREEN_BLOCK && (ev.timeline[i].reasons & BIT(SR_REPORTED));
	assert_true(reported_block);
	assert_true(ev.blocked);
	assert_true(ev.block_until_ms - ev.block_from_ms == cfg.block_ms);
}

static int count_block(const struct screen_evidence *ev, void *arg)
{
	(void)ev;
	++*(int *)arg;
	return 0;
}

static void test_block_expires_and_lift(void **state)
{
	(void)state;
	struct phone p = num("01044445555");
	assert_int_equal(screen_block(eng, &p, T0, 10 * MIN), 0);
	struct screen_verdict v = check(T0 + MIN, "01044445555", "01011112222");
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_OPERATOR_BLOCK));
	assert_int_equal(check(T0 + 11 * MIN, "01044445555", "01011112222").verdict, SCREEN_ALLOW);
	assert_int_equal(screen_lift(eng, &p, T0 + 12 * MIN), OMB_ENOTFOUND); /* nothing running */
	screen_block(eng, &p, T0 + 20 * MIN, 0);
	int count = 0;
	assert_int_equal(screen_blocks_each(eng, T0 + 21 * MIN, count_block, &count), 1);
	assert_int_equal(screen_lift(eng, &p, T0 + 22 * MIN), 0);
	assert_int_equal(check(T0 + 23 * MIN, "01044445555", "01011112222").verdict, SCREEN_ALLOW);
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(eng, &p, &ev), 0);
	assert_false(ev.blocked);
	assert_true(ev.n_timeline >= 3);
}

static void test_number_state_without_evidence(void **state)
{
	(void)state;
	struct screen_evidence ev;
	int watched = 1;
	struct phone p = num("01055556666");
	assert_int_equal(screen_number_state(eng, &p, &ev, &watched), OMB_ENOTFOUND);
	check(T0, "01055556666", "01011112222");
	check(T0 + 1000, "01055556666", "01011113333");
	assert_int_equal(screen_number_state(eng, &p, &ev, &watched), 0);
	assert_int_equal(watched, 0);
	assert_int_equal(ev.attempts, 2);
	assert_int_equal(ev.distinct_callees, 2);
	assert_string_equal(ev.number, "+821055556666");
	assert_int_equal(screen_evidence(eng, &p, &ev), OMB_ENOTFOUND); /* evidence only when watched */
	screen_block(eng, &p, T0 + 2000, 0);
	assert_int_equal(screen_number_state(eng, &p, &ev, &watched), 0);
	assert_int_equal(watched, 1);
	assert_true(ev.blocked && ev.operator_block);
	assert_int_equal(ev.attempts, 2);
}

static void test_blocks_iterator_and_allowlist(void **state)
{
	(void)state;
	const char *nums[] = {"01010000001", "01010000002", "01010000003"};
	for (int i = 0; i < 3; i++) {
		struct phone p = num(nums[i]);
		screen_block(eng, &p, T0, 0);
	}
	int count = 0;
	assert_int_equal(screen_blocks_each(eng, T0 + MIN, count_block, &count), 3);
	assert_int_equal(count, 3);
	count = 0;
	assert_int_equal(screen_blocks_each(eng, T0 + cfg.block_ms + 1, count_block, &count), 0);
	struct phone p = num(nums[0]);
	assert_int_equal(screen_allowlist(eng, &p, 1), 0);
	struct screen_verdict v = check(T0 + MIN, nums[0], "01011112222");
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_int_equal(v.reasons, BIT(SR_ALLOWLISTED));
	screen_allowlist(eng, &p, 0);
	assert_int_equal(check(T0 + 2 * MIN, nums[0], "01011112222").verdict, SCREEN_BLOCK);
}

static void test_flood_cannot_evict_blocked(void **state)
{
	(void)state;
	struct phone p = num("01077770000");
	check(T0, "01077770000", "01011112222");
	screen_block(eng, &p, T0, 0);
	for (unsigned i = 0; i < 20000; i++) { /* five times the cap of random numbers */
		char caller[16];
		snprintf(caller, sizeof caller, "0103%07u", i * 104729 % 10000000);
		check(T0 + 1000 + i, caller, "01011112222");
	}
	struct screen_stats st;
	screen_stats(eng, &st);
	assert_true(st.callers <= cfg.max_callers);
	assert_true(st.callers_evicted > 0);
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(eng, &p, &ev), 0);
	assert_int_equal(ev.attempts, 1); /* the record itself survived */
	assert_int_equal(check(T0 + 60000, "01077770000", "01011112222").verdict, SCREEN_BLOCK);
}

/* 24 SIMs in a box on cell-9, each calling distinct victims, every call
 * failing, over six rounds; returns how many calls of the last two rounds
 * were blocked out of *later, and moves *t past them. */
static int simbox_build(int64_t *t, int *later)
{
	int blocked_later = 0;
	for (int round = 0; round < 6; round++) {
		for (int s = 0; s < 24; s++) {
			char sim[32], victim[32];
			snprintf(sim, sizeof sim, "0107%03d%04d", round / 3, s);
			callee_n(victim, sizeof victim, (unsigned)(round * 100 + s));
			struct call c = {.ts = *t, .caller = sim, .callee = victim, .trunk = "msc-7", .cell = "cell-9"};
			struct screen_verdict v = check_call(&c);
			if (round >= 4) {
				(*later)++;
				blocked_later += v.verdict == SCREEN_BLOCK;
			}
			end_call(&c, *t + 20000, 0, 0);
			*t += 15000;
		}
		screen_merge(eng, *t);
	}
	return blocked_later;
}

static void test_simbox_cell(void **state)
{
	(void)state;
	int64_t t = T0;
	int later = 0;
	int blocked_later = simbox_build(&t, &later);
	assert_true(blocked_later > later * 9 / 10);
	/* an ordinary subscriber elsewhere is untouched */
	assert_int_equal(check(t, "01098765432", "01011112222").verdict, SCREEN_ALLOW);
}

/* Three unanswered calls, from the cells given, then a fourth from the
 * box's cell: its verdict. */
static struct screen_verdict line_after(int64_t *t, const char *line, const char *const cells[3])
{
	for (int i = 0; i < 3; i++) {
		char victim[32];
		callee_n(victim, sizeof victim, (unsigned)(900 + i));
		struct call c = {.ts = *t, .caller = line, .callee = victim, .trunk = "msc-7", .cell = cells[i]};
		check_call(&c);
		end_call(&c, *t + 20000, 0, 0);
		*t += 30000;
	}
	struct call c = {.ts = *t, .caller = line, .callee = "01011112222", .trunk = "msc-7", .cell = "cell-9"};
	return check_call(&c);
}

/* A box does not move: a handset that has called from three cells is not
 * taken for one of its SIMs when it passes through the box's cell, failed
 * calls and all; the same calls from the box's cell alone are. */
static void test_simbox_spares_a_moving_handset(void **state)
{
	(void)state;
	int64_t t = T0;
	int later = 0;
	simbox_build(&t, &later);
	const char *const moving[3] = {"cell-1", "cell-2", "cell-3"};
	struct screen_verdict v = line_after(&t, "01055550001", moving);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_false(v.reasons & BIT(SR_SIMBOX_CELL));
	const char *const boxed[3] = {"cell-9", "cell-9", "cell-9"};
	v = line_after(&t, "01055550002", boxed);
	assert_int_equal(v.verdict, SCREEN_BLOCK); /* by the cell, or by the block it made earlier */
	assert_true(v.reasons & (BIT(SR_SIMBOX_CELL) | BIT(SR_BLOCKED)));
}

/* A failed call of line from cell at ts; returns its verdict. */
static struct screen_verdict failed_call(const char *line, const char *cell, int64_t ts, unsigned victim)
{
	char callee[32];
	callee_n(callee, sizeof callee, 5000 + victim);
	struct call c = {.ts = ts, .caller = line, .callee = callee, .trunk = "msc-7", .cell = cell};
	struct screen_verdict v = check_call(&c);
	end_call(&c, ts + 20000, 0, 0);
	return v;
}

/* n talks of two minutes from cell-9 at T0 + 1..n min, to the callees
 * numbered by victims[]; then, after a box shows there, one more call: its
 * verdict. */
static struct screen_verdict after_talks(const char *line, const unsigned *victims, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char callee[32];
		callee_n(callee, sizeof callee, 7000 + victims[i]);
		struct call c = {.ts = T0 + (i + 1) * MIN, .caller = line, .callee = callee, .trunk = "msc-7",
				 .cell = "cell-9"};
		check_call(&c);
		end_call(&c, c.ts + 130000, 1, 120000);
	}
	int64_t t = T0 + (n + 1) * MIN;
	int later = 0;
	simbox_build(&t, &later);
	struct call next = {.ts = t, .caller = line, .callee = "01012340050", .trunk = "msc-7", .cell = "cell-9"};
	return check_call(&next);
}

/* Victims answer a box's calls too: a line settled in a box's cell that
 * only calls out, a new number each time, is a suspect there whatever its
 * answers; one that called someone twice is a person. */
static void test_simbox_one_way_line_is_a_suspect(void **state)
{
	(void)state;
	/* victims whose numbers fall on different bits of the line's 64-bit
	 * sketch of callees (two that share one look like a redial) */
	static const unsigned one_way[5] = {1, 2, 3, 5, 8}, circle[5] = {1, 2, 1, 3, 5};
	struct screen_verdict v = after_talks("01055550041", one_way, 5);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	v = after_talks("01055550042", circle, 5);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_false(v.reasons & BIT(SR_SIMBOX_CELL));
}

/* A new line settled in a box's cell is a fresh line there after
 * simbox_fresh_oneway_calls calls one way, talks and all: stopped, for the
 * call only. Fewer calls, or one callee called twice, and it is not. */
static void test_simbox_new_line_calling_one_way_is_fresh(void **state)
{
	(void)state;
	static const unsigned one_way[3] = {1, 2, 3}, circle[3] = {1, 2, 1}; /* on distinct sketch bits */
	struct screen_verdict v = after_talks("01055550043", one_way, 3);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	struct screen_evidence ev;
	struct phone p = num("01055550043");
	assert_true(screen_evidence(eng, &p, &ev) != 0 || !ev.blocked); /* the call, not the number */
	assert_int_equal(after_talks("01055550044", circle, 3).verdict, SCREEN_ALLOW);
	assert_int_equal(after_talks("01055550045", one_way, 2).verdict, SCREEN_ALLOW);
	struct screen_config off = cfg;
	off.simbox_fresh_oneway_calls = 0;
	assert_int_equal(screen_config_swap(eng, &off, NULL), 0);
	assert_int_equal(after_talks("01055550046", one_way, 3).verdict, SCREEN_ALLOW);
}

/* A SIM-box block outlasts the call only for a line that has stayed in
 * the box's cell for simbox_settle_ms: a courier passing through with a
 * few failed calls is stopped there, not everywhere it goes next. */
static void test_simbox_block_lasts_for_a_settled_line(void **state)
{
	(void)state;
	struct screen_config warm = cfg; /* a fresh line's first call is judged */
	warm.simbox_warm_share = 1;
	assert_int_equal(screen_config_swap(eng, &warm, NULL), 0);
	failed_call("01055550007", "cell-9", T0, 1); /* before the box shows */
	failed_call("01055550007", "cell-9", T0 + MIN, 2);
	int64_t t = T0 + 2 * MIN;
	int later = 0;
	simbox_build(&t, &later);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(failed_call("01055550008", "cell-9", t + i * MIN, 10 + i).verdict, SCREEN_BLOCK);
	assert_int_equal(failed_call("01055550007", "cell-9", t, 3).verdict, SCREEN_BLOCK);
	t += 4 * MIN;
	struct screen_verdict v = failed_call("01055550008", "cell-1", t, 20);
	assert_int_equal(v.verdict, SCREEN_ALLOW); /* three minutes in the cell: the calls only */
	v = failed_call("01055550007", "cell-1", t, 21);
	assert_int_equal(v.verdict, SCREEN_BLOCK); /* there since the start: the number */
	assert_true(v.reasons & BIT(SR_BLOCKED));
}

struct released { char number[PHONE_CANON_MAX]; int64_t ms; int n; };

static int note_release(const struct screen_evidence *ev, void *arg)
{
	struct released *r = arg;
	snprintf(r->number, sizeof r->number, "%s", ev->number);
	r->ms = ev->released_ms;
	r->n++;
	return 0;
}

/* A box does not move: the SIM-box block of a settled line ends, as a
 * lift, at its first call from a third cell, and the engine tells the app
 * once; an operator's block of a line on the move stays, even one set over
 * a SIM-box block. */
static void test_simbox_block_ends_when_the_line_moves(void **state)
{
	(void)state;
	const char *settled[] = {"01055550007", "01055550005"};
	for (unsigned i = 0; i < 2; i++) {
		failed_call(settled[i], "cell-9", T0, 1 + 10 * i);
		failed_call(settled[i], "cell-9", T0 + MIN, 2 + 10 * i);
	}
	int64_t t = T0 + 2 * MIN;
	int later = 0;
	simbox_build(&t, &later);
	for (unsigned i = 0; i < 2; i++)
		assert_true(failed_call(settled[i], "cell-9", t, 3 + 10 * i).reasons & BIT(SR_SIMBOX_CELL));
	struct phone agent = num("01055550006"), over = num("01055550005");
	assert_int_equal(screen_block(eng, &agent, t, 0), 0);
	assert_int_equal(screen_block(eng, &over, t, 0), 0);
	t += 4 * MIN;
	struct screen_verdict v = failed_call("01055550007", "cell-1", t, 4);
	assert_true(v.reasons & BIT(SR_BLOCKED)); /* a second cell: a box on a border may use two */
	struct released r = {0};
	assert_int_equal(screen_releases_each(eng, 0, note_release, &r), 0);

	v = failed_call("01055550007", "cell-2", t + MIN, 5);
	assert_int_not_equal(v.verdict, SCREEN_BLOCK);
	assert_false(v.reasons & BIT(SR_BLOCKED));
	assert_int_equal(screen_releases_each(eng, 0, note_release, &r), 1);
	assert_string_equal(r.number, "+821055550007");
	assert_int_equal(r.ms, t + MIN);
	assert_int_equal(screen_releases_each(eng, t + MIN, note_release, &r), 0);
	char path[] = "/tmp/screen_snapXXXXXX"; /* a restart keeps what the app has to record */
	close(mkstemp(path));
	assert_int_equal(screen_snapshot_save(eng, path), 0);
	struct screen_engine *back;
	assert_int_equal(screen_snapshot_restore(path, &back, NULL), 0);
	unlink(path);
	assert_int_equal(screen_releases_each(back, 0, note_release, &r), 1);
	screen_destroy(back);
	struct phone p = num("01055550007");
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(eng, &p, &ev), 0);
	assert_false(ev.blocked);
	/* back in the box's cell, a line on the move is no SIM of it */
	assert_int_not_equal(failed_call("01055550007", "cell-9", t + 2 * MIN, 6).verdict, SCREEN_BLOCK);

	const char *cells[] = {"cell-9", "cell-1", "cell-2", "cell-3"};
	for (unsigned i = 0; i < 4; i++) {
		v = failed_call("01055550006", cells[i], t + i * MIN, 20 + i);
		assert_int_equal(v.verdict, SCREEN_BLOCK);
		assert_true(v.reasons & BIT(SR_OPERATOR_BLOCK));
		v = failed_call("01055550005", cells[i], t + i * MIN, 30 + i);
		assert_true(v.reasons & BIT(SR_OPERATOR_BLOCK));
	}
	struct screen_stats st;
	screen_stats(eng, &st);
	assert_int_equal(st.released, 1);
}

/* Two calls of a new line in the box's cell, before the box shows: the
 * first answered for 30 s, the second as given. */
static void two_calls(const char *line, int second_answered)
{
	struct call c1 = {.ts = T0, .caller = line, .callee = "01012340001", .trunk = "msc-7", .cell = "cell-9"};
	struct call c2 = {.ts = T0 + MIN, .caller = line, .callee = "01012340002", .trunk = "msc-7", .cell = "cell-9"};
	assert_int_equal(check_call(&c1).verdict, SCREEN_ALLOW);
	end_call(&c1, T0 + 40000, 1, 30000);
	assert_int_equal(check_call(&c2).verdict, SCREEN_ALLOW);
	end_call(&c2, T0 + MIN + 40000, second_answered, second_answered ? 30000 : 0);
}

/* A new SIM whose calls are half failed is still a fresh line in a box's
 * cell (SIMs answer some calls); a line whose calls were answered is not,
 * nor one whose only ended call was a talk. */
static void test_simbox_fresh_line_half_failed(void **state)
{
	(void)state;
	two_calls("01055550003", 0);
	two_calls("01055550004", 1);
	struct call talk = {.ts = T0, .caller = "01055550009", .callee = "01012340009", .trunk = "msc-7",
			    .cell = "cell-9"};
	check_call(&talk);
	end_call(&talk, T0 + 40000, 1, 30000);
	int64_t t = T0 + 2 * MIN;
	int later = 0;
	simbox_build(&t, &later);
	struct call half = {.ts = t, .caller = "01055550003", .callee = "01012340003", .trunk = "msc-7",
			    .cell = "cell-9"};
	struct screen_verdict v = check_call(&half);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	struct call answered = {.ts = t + 1000, .caller = "01055550004", .callee = "01012340004", .trunk = "msc-7",
				.cell = "cell-9"};
	assert_int_equal(check_call(&answered).verdict, SCREEN_ALLOW);
	talk = (struct call){.ts = t + 2000, .caller = "01055550009", .callee = "01012340010", .trunk = "msc-7",
			     .cell = "cell-9"};
	assert_int_equal(check_call(&talk).verdict, SCREEN_ALLOW);
}

/* A box among many people makes its cell FLAGGED, not FRESH: there a new
 * line's first call goes through even where first calls are judged, but
 * once a call of its own has failed it is stopped (for the call only); a
 * new line whose first call was a talk is not. */
static void test_simbox_flagged_cell_stops_a_new_line_after_a_failed_call(void **state)
{
	(void)state;
	struct screen_config warm = cfg; /* a FRESH cell would stop a first call */
	warm.simbox_warm_share = 1;
	assert_int_equal(screen_config_swap(eng, &warm, NULL), 0);
	int64_t t = T0;
	for (unsigned i = 0; i < 40; i++, t += 1000) {
		char line[32], callee[32];
		snprintf(line, sizeof line, "01066%06u", i);
		callee_n(callee, sizeof callee, 3000 + i);
		struct call c = {.ts = t, .caller = line, .callee = callee, .trunk = "msc-7", .cell = "cell-9"};
		check_call(&c);
		end_call(&c, t + 130000, 1, 120000);
	}
	for (unsigned k = 0; k < 2; k++)
		for (unsigned i = 0; i < 12; i++, t += 1000) {
			char sim[32];
			snprintf(sim, sizeof sim, "0107700%04u", i);
			failed_call(sim, "cell-9", t, 100 + k * 12 + i);
		}
	t += MIN;
	screen_merge(eng, t);
	assert_int_equal(failed_call("01055550060", "cell-9", t, 200).verdict, SCREEN_ALLOW);
	struct call talk = {.ts = t, .caller = "01055550061", .callee = "01012340061", .trunk = "msc-7",
			    .cell = "cell-9"};
	assert_int_equal(check_call(&talk).verdict, SCREEN_ALLOW);
	end_call(&talk, t + 40000, 1, 30000);
	t += MIN;
	struct screen_verdict v = failed_call("01055550060", "cell-9", t, 201);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	struct screen_evidence ev;
	struct phone p = num("01055550060");
	assert_true(screen_evidence(eng, &p, &ev) != 0 || !ev.blocked); /* the call, not the number */
	talk.ts = t + 1000;
	talk.callee = "01012340062";
	assert_int_equal(check_call(&talk).verdict, SCREEN_ALLOW);
}

/* A line that talked for a minute and a half, then failed twice, from the
 * cell given (NULL: none) on the box's trunk; then a fourth call: its
 * verdict. The talk keeps it from being a fresh line. */
static struct screen_verdict after_talk_and_two_failed(const char *line, const char *cell, int64_t t0,
							int64_t t)
{
	struct call c = {.ts = t0, .caller = line, .callee = "01012340020", .trunk = "msc-7", .cell = cell};
	check_call(&c);
	end_call(&c, t0 + 100000, 1, 90000);
	failed_call(line, cell, t0 + 2 * MIN, 30);
	failed_call(line, cell, t0 + 3 * MIN, 31);
	struct call next = {.ts = t, .caller = line, .callee = "01012340021", .trunk = "msc-7", .cell = cell};
	return check_call(&next);
}

/* rounds calls of each of n lines (01066xxxxxx) from cell-1 at t. */
static void people_call(int64_t t, unsigned n, unsigned rounds)
{
	for (unsigned r = 0; r < rounds; r++)
		for (unsigned i = 0; i < n; i++) {
			char line[32];
			snprintf(line, sizeof line, "01066%06u", i);
			check(t + (r * n + i) * 10, line, "01011112222");
		}
}

/* Where most lines are new to the engine (it started cold, or the people
 * there call rarely), a line's first call tells nothing: a box's cell
 * stops a fresh line at its first call only while lines the engine did
 * not know make at most simbox_warm_share of the attempts it counted this
 * quarter hour and the last; until then, once a call of its own failed. */
static void test_simbox_first_calls_wait_while_most_lines_are_new(void **state)
{
	(void)state;
	int64_t t = T0;
	int later = 0;
	simbox_build(&t, &later); /* 36 minutes of a box on cell-9: 48 lines in 144 calls */
	people_call(t, 100, 1);   /* a hundred people elsewhere call once each */
	struct call first = {.ts = t + 2000, .caller = "01055550031", .callee = "01012340031", .trunk = "msc-7",
			     .cell = "cell-9"};
	struct screen_verdict v = check_call(&first);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_false(v.reasons & BIT(SR_SIMBOX_CELL));
	/* its first call failed: now it is stopped */
	end_call(&first, t + 20000, 0, 0);
	struct call second = {.ts = t + 30000, .caller = "01055550031", .callee = "01012340032", .trunk = "msc-7",
			      .cell = "cell-9"};
	v = check_call(&second);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	/* the same people call again, six times each: new lines are few now */
	people_call(t + 31000, 100, 6);
	struct call next = {.ts = t + 40000, .caller = "01055550032", .callee = "01012340033", .trunk = "msc-7",
			    .cell = "cell-9"};
	v = check_call(&next);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
}

/* Two failed calls of three make a suspect in the box's cell; a trunk,
 * which gathers many cells, asks for three of four, so the same line
 * calling without a cell goes through, and one whose calls all failed
 * does not. */
static void test_simbox_cell_takes_two_failed_of_three(void **state)
{
	(void)state;
	int64_t t = T0 + 4 * MIN;
	int later = 0;
	simbox_build(&t, &later);
	struct screen_verdict v = after_talk_and_two_failed("01055550011", "cell-9", t, t + 5 * MIN);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	v = after_talk_and_two_failed("01055550012", NULL, t, t + 5 * MIN);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_false(v.reasons & BIT(SR_SIMBOX_TRUNK));
	for (unsigned i = 0; i < 3; i++)
		failed_call("01055550013", NULL, t + i * MIN, 40 + i);
	v = failed_call("01055550013", NULL, t + 5 * MIN, 43);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_TRUNK));
}

/* Ten lines in one cell dialling 40 failed calls an hour each for 70
 * minutes: the behaviour rules' business, not a SIM box, so the next new
 * line there is not stopped as a box's fresh SIM. */
static void test_simbox_ignores_fast_lines(void **state)
{
	(void)state;
	int64_t t = T0;
	for (int round = 0; round < 47; round++) {
		for (int l = 0; l < 10; l++) {
			char line[32], victim[32];
			snprintf(line, sizeof line, "0108800%04d", l);
			callee_n(victim, sizeof victim, (unsigned)(round * 10 + l));
			struct call c = {.ts = t + l * 1000, .caller = line, .callee = victim, .trunk = "msc-5",
					 .cell = "cell-5"};
			check_call(&c);
			end_call(&c, c.ts + 20000, 0, 0);
		}
		t += 90000;
		screen_merge(eng, t);
	}
	struct call c = {.ts = t, .caller = "01055550005", .callee = "01012340005", .trunk = "msc-5", .cell = "cell-5"};
	struct screen_verdict v = check_call(&c);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_false(v.reasons & BIT(SR_SIMBOX_CELL));
}

static void test_snapshot_roundtrip(void **state)
{
	(void)state;
	struct phone p = num("01012121212");
	for (int i = 0; i < 5; i++)
		check(T0 + i * 1000, "01012121212", "01011112222");
	screen_block(eng, &p, T0 + 10000, 0);
	for (uint64_t who = 5; who < 8; who++) { /* three reporters: reported */
		struct screen_report r = {.ts_ms = T0, .number = num("07012341234"), .reporter = who};
		screen_report_add(eng, &r);
	}
	for (int i = 0; i < 3000; i++) { /* list entries in more than one slice of the copy */
		char listed[16];
		snprintf(listed, sizeof listed, "0701000%04d", i);
		struct screen_reg_entry e = reg(listed, SCREEN_REG_CALLCENTER, NULL);
		screen_registry_add(eng, &e);
	}
	for (int i = 0; i < 3000; i++) { /* records in more than one slice of the copy */
		char caller[16];
		snprintf(caller, sizeof caller, "0102000%04d", i);
		check(T0 + 20000 + i, caller, "01011112222");
		struct phone q = num(caller);
		if (i % 12 == 0) /* watch entries in more than one slice too */
			screen_block(eng, &q, T0 + 30000, 0);
	}
	char path[] = "/tmp/screen_snapXXXXXX";
	int fd = mkstemp(path);
	close(fd);
	assert_int_equal(screen_snapshot_save(eng, path), 0);
	struct screen_engine *back;
	const char *why;
	assert_int_equal(screen_snapshot_restore(path, &back, &why), 0);
	struct screen_evidence ev;
	assert_int_equal(screen_evidence(back, &p, &ev), 0);
	assert_true(ev.blocked);
	assert_int_equal(ev.attempts, 5);
	struct screen_stats a, b;
	screen_stats(eng, &a);
	screen_stats(back, &b);
	assert_int_equal(a.callers, 3001);
	assert_int_equal(a.callers, b.callers);
	assert_int_equal(a.watched, 251);
	assert_int_equal(a.watched, b.watched);
	assert_int_equal(a.attempts, b.attempts);
	struct screen_engine *saved = eng;
	eng = back; /* the lists came back, reports and all */
	assert_true(check(T0 + 40000, "07010002999", "01011112222").reasons & BIT(SR_REGISTERED));
	assert_true(check(T0 + 40000, "07012341234", "01011112222").reasons & BIT(SR_REPORTED));
	eng = saved;
	screen_destroy(back);
	FILE *f = fopen(path, "r+b");
	fputs("garbage", f);
	fclose(f);
	assert_int_equal(screen_snapshot_restore(path, &back, &why), OMB_EINVAL);
	assert_null(back);
	unlink(path);
}

/* The snapshot at path is refused, for reason, and leaves no engine. */
static void assert_refused(const char *path, const char *reason)
{
	struct screen_engine *back;
	const char *why;
	assert_int_equal(screen_snapshot_restore(path, &back, &why), OMB_EINVAL);
	assert_null(back);
	assert_string_equal(why, reason);
}

/* Overwrites bytes of the snapshot at path, where "at" is first found
 * (plus skip bytes), then, when resum, writes its checksum anew as a build
 * that wrote these bytes would have. */
static void file_patch(const char *path, const void *at, size_t at_len, size_t skip, const void *to, size_t len,
		       bool resum)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	assert_true(n < sizeof buf && n > 8);
	char *hit = memmem(buf, n, at, at_len);
	assert_non_null(hit);
	memcpy(hit + skip, to, len);
	uint64_t sum = XXH3_64bits(buf, n - 8);
	if (resum)
		memcpy(buf + n - 8, &sum, sizeof sum);
	rewind(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

/* Replaces the first "from" in the file at path by "to", of the same length. */
static void file_replace(const char *path, const char *from, const char *to)
{
	assert_int_equal(strlen(from), strlen(to));
	file_patch(path, from, strlen(from), 0, to, strlen(to), true);
}

/* A damaged snapshot is refused before any of it is used: a changed byte
 * by its checksum; a record whose counts or strings do not hold, even
 * under a checksum that does (another build's bug, a crafted file), by the
 * record's check, not by a crash when the evidence is next read. */
static void test_snapshot_refuses_damage(void **state)
{
	(void)state;
	struct phone p = num("01012121212");
	check(T0, "01012121212", "01011112222");
	screen_block(eng, &p, T0 + 1000, 0);
	char path[] = "/tmp/screen_snapXXXXXX";
	close(mkstemp(path));
	assert_int_equal(screen_snapshot_save(eng, path), 0);
	struct screen_engine *back;
	const char *why;
	assert_int_equal(screen_snapshot_restore(path, &back, &why), 0);
	screen_destroy(back);

	/* the evidence's answered-callee count, after the number it is of */
	const size_t skip = offsetof(struct screen_evidence, n_answered) - offsetof(struct screen_evidence, number);
	unsigned one = 1, many = 1000;
	file_patch(path, p.canon, strlen(p.canon) + 1, skip, &one, sizeof one, false);
	assert_refused(path, "snapshot truncated or corrupt");
	file_patch(path, p.canon, strlen(p.canon) + 1, skip, &one, sizeof one, true);
	assert_int_equal(screen_snapshot_restore(path, &back, &why), 0); /* one callee fits its array */
	screen_destroy(back);
	file_patch(path, p.canon, strlen(p.canon) + 1, skip, &many, sizeof many, true);
	assert_refused(path, "snapshot truncated or corrupt");
	unlink(path);
}

/* The snapshot holds its configuration as text: a setting a newer build
 * dropped is skipped and one it added keeps its default, so that neither
 * costs the engine its state; a bad value is refused. */
static void test_snapshot_config_text(void **state)
{
	(void)state;
	struct screen_config c = cfg;
	c.vol_1m = 7;
	c.w_simbox = 77;
	assert_int_equal(screen_config_swap(eng, &c, NULL), 0);
	check(T0, "01012121212", "01011112222");
	char path[] = "/tmp/screen_snapXXXXXX";
	close(mkstemp(path));
	assert_int_equal(screen_snapshot_save(eng, path), 0);
	file_replace(path, "\nw_simbox = 77\n", "\nw_zimbox = 77\n");
	struct screen_engine *back;
	const char *why;
	assert_int_equal(screen_snapshot_restore(path, &back, &why), 0);
	assert_int_equal(screen_config_current(back)->vol_1m, 7);
	assert_int_equal(screen_config_current(back)->w_simbox, 90);
	assert_int_equal(screen_config_current(back)->max_callers, cfg.max_callers);
	struct screen_stats st;
	screen_stats(back, &st);
	assert_int_equal(st.callers, 1);
	screen_destroy(back);
	file_replace(path, "\nvol_1m = 7\n", "\nvol_1m = x\n");
	assert_refused(path, "snapshot configuration unreadable");
	unlink(path);
}

static void test_config_swap(void **state)
{
	(void)state;
	struct screen_config c = cfg;
	c.vol_1m = 2;
	assert_int_equal(screen_config_swap(eng, &c, NULL), 0);
	assert_int_equal(screen_config_current(eng)->vol_1m, 2);
	assert_int_equal(screen_config_current(eng)->max_callers, cfg.max_callers);
	c.warn_score = 99;
	const char *why;
	assert_int_equal(screen_config_swap(eng, &c, &why), OMB_EINVAL);
	assert_int_equal(screen_config_current(eng)->vol_1m, 2); /* the old one stays */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_emergency_never_counted), T(test_emergency_extra_list), T(test_withheld_is_not_a_caller),
		T(test_repeated_check_is_idempotent), T(test_end_matching), T(test_formats_are_one_number),
		T(test_spoofed_domestic_cli), T(test_institution_spoof), T(test_confirmed_list_and_validity),
		T(test_registered_volume_and_cap), T(test_volume_and_fanout_signals), T(test_windows_slide),
		T(test_outcomes_and_sequential), T(test_reports_corroborate), T(test_block_expires_and_lift),
		T(test_number_state_without_evidence), T(test_blocks_iterator_and_allowlist),
		T(test_flood_cannot_evict_blocked), T(test_simbox_cell),
		T(test_simbox_spares_a_moving_handset), T(test_simbox_fresh_line_half_failed),
		T(test_simbox_ignores_fast_lines), T(test_simbox_block_lasts_for_a_settled_line),
		T(test_simbox_cell_takes_two_failed_of_three), T(test_simbox_block_ends_when_the_line_moves),
		T(test_simbox_first_calls_wait_while_most_lines_are_new),
		T(test_simbox_flagged_cell_stops_a_new_line_after_a_failed_call),
		T(test_simbox_one_way_line_is_a_suspect), T(test_simbox_new_line_calling_one_way_is_fresh),
		T(test_registry_sweep_retires_what_was_not_named_again),
		T(test_snapshot_roundtrip), T(test_snapshot_config_text), T(test_snapshot_refuses_damage), T(test_config_swap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
