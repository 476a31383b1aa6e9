/* test_rules.c — every rule of rules.c with hand-made signals, and the
 * sketches of sketch.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "screen/rules.h"
#include "screen/sketch.h"

#define BIT(r) (1u << (r))

static struct screen_config cfg;

static int setup(void **state)
{
	(void)state;
	screen_config_defaults(&cfg);
	return 0;
}

static struct screen_verdict score(const struct rules_signals *s, enum rules_persist *persist)
{
	struct screen_verdict v;
	enum rules_persist p = rules_score(&cfg, s, &v);
	if (persist)
		*persist = p;
	return v;
}

static void test_quiet_caller_is_allowed(void **state)
{
	(void)state;
	struct rules_signals s = {.rate_1m = 1, .rate_10m = 1, .rate_60m = 3, .attempts_span = 3,
				  .distinct_callees = 2, .ends = 3, .answered = 3};
	struct screen_verdict v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_int_equal(v.score, 0);
	assert_int_equal(v.reasons, 0);
}

static void test_hard_rules_block_alone(void **state)
{
	(void)state;
	struct { struct rules_signals s; enum screen_reason r; bool persist; } cases[] = {
		{{.confirmed_fraud = true}, SR_CONFIRMED_FRAUD, true},
		{{.spoofed_domestic = true}, SR_SPOOFED_DOMESTIC, false},
		{{.spoofed_institution = true}, SR_SPOOFED_INSTITUTION, false},
		{{.operator_block = true}, SR_OPERATOR_BLOCK, true},
		{{.block_running = true}, SR_BLOCKED, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum rules_persist persist;
		struct screen_verdict v = score(&cases[i].s, &persist);
		assert_int_equal(v.verdict, SCREEN_BLOCK);
		assert_int_equal(v.score, 100);
		assert_true(v.reasons & BIT(cases[i].r));
		/* a spoofed number belongs to someone innocent: never a lasting block */
		assert_int_equal(persist != RULES_PERSIST_NONE, cases[i].persist);
	}
}

static void test_allowlist_overrides_everything(void **state)
{
	(void)state;
	struct rules_signals s = {.allowlisted = true, .confirmed_fraud = true, .spoofed_domestic = true,
				  .rate_10m = 1000, .cell_level = RULES_SIMBOX_FRESH, .simbox_fresh = true};
	struct screen_verdict v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_int_equal(v.reasons, BIT(SR_ALLOWLISTED));
}

static void test_registered_never_blocked_by_behaviour(void **state)
{
	(void)state;
	struct rules_signals s = {.registered = true, .rate_1m = 500, .rate_10m = 5000, .rate_60m = 9000,
				  .attempts_span = 9000, .distinct_callees = 9000, .ends = 200, .answered = 10,
				  .short_calls = 10, .seq_run = 50, .reporters = 40};
	struct screen_verdict v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_true(v.reasons & BIT(SR_REGISTERED));
	s.registry_cap_exceeded = true;
	v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_true(v.reasons & BIT(SR_REGISTRY_CAP));
	cfg.w_registry_cap = 100; /* even a heavy weight stays below block */
	v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_int_equal(v.score, cfg.block_score - 1);
}

static void test_volume_alone_scores_weight(void **state)
{
	(void)state;
	struct rules_signals s = {.rate_10m = cfg.vol_10m};
	uint32_t r = 0;
	assert_int_equal(rules_behaviour(&cfg, &s, &r), cfg.w_volume);
	assert_int_equal(r, BIT(SR_VOLUME));
	s = (struct rules_signals){.rate_1m = cfg.vol_1m};
	r = 0;
	assert_int_equal(rules_behaviour(&cfg, &s, &r), cfg.w_volume);
	s = (struct rules_signals){.rate_60m = cfg.vol_60m - 0.5};
	r = 0;
	assert_int_equal(rules_behaviour(&cfg, &s, &r), 0);
}

static void test_volume_and_fanout_warn(void **state)
{
	(void)state;
	/* a busy courier or a school notice: warn at most */
	struct rules_signals s = {.rate_10m = 60, .rate_60m = 60, .attempts_span = 60, .distinct_callees = 58};
	struct screen_verdict v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_int_equal(v.reasons, BIT(SR_VOLUME) | BIT(SR_FANOUT));
	s.distinct_callees = 20; /* redialling a short list is no fan-out */
	v = score(&s, NULL);
	assert_false(v.reasons & BIT(SR_FANOUT));
	s = (struct rules_signals){.attempts_span = (uint32_t)cfg.fanout_min_attempts - 1,
				   .distinct_callees = cfg.fanout_min_attempts - 1};
	uint32_t r = 0;
	rules_behaviour(&cfg, &s, &r);
	assert_false(r & BIT(SR_FANOUT));
}

static void test_outcome_rules(void **state)
{
	(void)state;
	uint32_t r = 0;
	struct rules_signals s = {.ends = 20, .answered = 5, .short_calls = 4};
	int b = rules_behaviour(&cfg, &s, &r);
	assert_int_equal(b, cfg.w_low_answer + cfg.w_short);
	assert_int_equal(r, BIT(SR_LOW_ANSWER) | BIT(SR_SHORT_CALLS));
	/* too few ends to judge */
	s = (struct rules_signals){.ends = (uint32_t)cfg.outcome_min_ends - 1, .answered = 0};
	r = 0;
	assert_int_equal(rules_behaviour(&cfg, &s, &r), 0);
	/* answered and long: nothing */
	s = (struct rules_signals){.ends = 20, .answered = 18, .short_calls = 1};
	r = 0;
	assert_int_equal(rules_behaviour(&cfg, &s, &r), 0);
	/* a burst two minutes old: 100 calls out, the 30 ended are the failures
	 * (the answered ones are still talking); judged once half have ended */
	s = (struct rules_signals){.attempts_span = 100, .ends = 30, .answered = 3};
	r = 0;
	rules_behaviour(&cfg, &s, &r);
	assert_false(r & BIT(SR_LOW_ANSWER));
	s.ends = 50;
	rules_behaviour(&cfg, &s, &r);
	assert_true(r & BIT(SR_LOW_ANSWER));
	/* ends saturate near 255 while attempts go on: half of 128 suffices */
	s = (struct rules_signals){.attempts_span = 900, .ends = 128, .answered = 10};
	r = 0;
	rules_behaviour(&cfg, &s, &r);
	assert_true(r & BIT(SR_LOW_ANSWER));
}

/* A fresh list dialled at a modest rate, mostly unanswered: warned without
 * volume; unanswered short calls of a line without fan-out are not. */
static void test_fanout_with_low_answer_warns(void **state)
{
	(void)state;
	struct rules_signals s = {.rate_60m = 60, .attempts_span = 100, .distinct_callees = 98, .ends = 90,
				  .answered = 15, .short_calls = 5};
	struct screen_verdict v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_int_equal(v.reasons, BIT(SR_FANOUT) | BIT(SR_LOW_ANSWER));
	s = (struct rules_signals){.attempts_span = 20, .distinct_callees = 10, .ends = 20, .answered = 6,
				   .short_calls = 6};
	v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_int_equal(v.reasons, BIT(SR_LOW_ANSWER) | BIT(SR_SHORT_CALLS));
}

static void test_sequential_and_attestation_and_trunk(void **state)
{
	(void)state;
	uint32_t r = 0;
	struct rules_signals s = {.seq_run = (uint32_t)cfg.seq_run};
	assert_int_equal(rules_behaviour(&cfg, &s, &r), cfg.w_sequential);
	assert_int_equal(r, BIT(SR_SEQUENTIAL));
	s = (struct rules_signals){.seq_run = (uint32_t)cfg.seq_run - 1, .attest_c_domestic = true};
	r = 0;
	assert_int_equal(rules_behaviour(&cfg, &s, &r), cfg.w_attest_c);
	assert_int_equal(r, BIT(SR_ATTEST_C));
	s = (struct rules_signals){.registry_wrong_trunk = true};
	r = 0;
	assert_int_equal(rules_behaviour(&cfg, &s, &r), cfg.w_registry_trunk);
	assert_int_equal(r, BIT(SR_REGISTRY_TRUNK));
}

static void test_behaviour_is_capped_below_block(void **state)
{
	(void)state;
	struct rules_signals s = {.rate_1m = 100, .rate_10m = 300, .rate_60m = 900, .attempts_span = 900,
				  .distinct_callees = 900, .ends = 200, .answered = 20, .short_calls = 20,
				  .seq_run = 100, .attest_c_domestic = true};
	enum rules_persist persist;
	struct screen_verdict v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_int_equal(v.score, cfg.behaviour_cap);
	assert_false(persist);
}

static void test_reports_alone_and_corroborated(void **state)
{
	(void)state;
	struct rules_signals s = {.reporters = cfg.report_min_reporters};
	struct screen_verdict v = score(&s, NULL);
	assert_int_equal(v.score, cfg.w_reported);
	assert_true(v.reasons & BIT(SR_REPORTED));
	assert_int_not_equal(v.verdict, SCREEN_BLOCK);
	s.reporters = cfg.report_min_reporters - 0.34; /* anonymous reports weigh a third */
	v = score(&s, NULL);
	assert_false(v.reasons & BIT(SR_REPORTED));
	/* reported, at volume, and mostly unanswered: illegal telemarketing */
	enum rules_persist persist;
	s = (struct rules_signals){.reporters = 5, .rate_10m = 80, .attempts_span = 200, .distinct_callees = 190,
				   .ends = 100, .answered = 20, .short_calls = 15};
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_int_equal(persist, RULES_PERSIST);
	s.cell_level = RULES_SIMBOX_FLAGGED; /* in a box's cell too: the reports still hold it */
	s.simbox_suspect = s.settled = s.cell_named = true;
	v = score(&s, &persist);
	assert_int_equal(persist, RULES_PERSIST);
	assert_false(rules_simbox_only(v.reasons));
	/* reported courier: volume, answered calls: a malicious report does not block */
	s = (struct rules_signals){.reporters = 8, .rate_10m = 80, .attempts_span = 200, .distinct_callees = 190,
				   .ends = 100, .answered = 85, .short_calls = 5};
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_false(persist);
	/* ... even with behaviour at its cap (short answered calls, dialling
	 * down a street): reports need unanswered calls to block */
	s.short_calls = 80;
	s.seq_run = 6;
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_int_equal(v.score, cfg.block_score - 1);
	assert_true(v.reasons & BIT(SR_SEQUENTIAL));
}

static void test_simbox_levels(void **state)
{
	(void)state;
	enum rules_persist persist;
	struct rules_signals s = {.cell_level = RULES_SIMBOX_FLAGGED, .cell_named = true, .settled = true};
	struct screen_verdict v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_ALLOW); /* a line that fits no box */
	s.simbox_fresh = true; /* in a flagged cell: a new line whose own call failed */
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	assert_false(persist); /* one failed call: the call only */
	s.simbox_fresh = false;
	s.simbox_suspect = true;
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	assert_int_equal(persist, RULES_PERSIST_SIMBOX); /* the line's next move ends it */
	assert_true(rules_simbox_only(v.reasons));
	s.settled = false;
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_false(persist); /* another cell too, or not long in this one: the call only */
	s = (struct rules_signals){.cell_level = RULES_SIMBOX_FRESH, .simbox_fresh = true, .cell_named = true};
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	assert_false(persist); /* the line itself has shown nothing yet */
	s.simbox_fresh = false;
	v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
}

/* A trunk spans many cells: its pattern stops suspect lines only (by its
 * stricter measure), only for the call, and only when the call does not
 * name its cell; the number is blocked for block_ms only when its cell fits. */
static void test_simbox_trunk_stops_suspects_only(void **state)
{
	(void)state;
	enum rules_persist persist;
	struct rules_signals s = {.trunk_level = RULES_SIMBOX_FRESH, .simbox_fresh = true, .settled = true};
	struct screen_verdict v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_ALLOW); /* a fresh line on a busy trunk */
	s = (struct rules_signals){.trunk_level = RULES_SIMBOX_FLAGGED, .simbox_suspect = true, .settled = true};
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_ALLOW); /* a suspect to a cell only: a trunk asks for more */
	s.simbox_trunk_suspect = true;
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_TRUNK));
	assert_false(persist);
	s.cell_named = true;
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_ALLOW); /* its cell is known and holds no box */
	assert_false(v.reasons & BIT(SR_SIMBOX_TRUNK));
	s.cell_level = RULES_SIMBOX_FLAGGED;
	v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(v.reasons & BIT(SR_SIMBOX_CELL));
	assert_true(persist);
}

static void test_lift_grace_holds_automatic_blocks(void **state)
{
	(void)state;
	enum rules_persist persist;
	struct rules_signals s = {.cell_level = RULES_SIMBOX_FRESH, .simbox_suspect = true, .lift_grace = true};
	struct screen_verdict v = score(&s, &persist);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_true(v.reasons & BIT(SR_LIFT_GRACE));
	assert_false(persist);
	s = (struct rules_signals){.spoofed_domestic = true, .lift_grace = true};
	v = score(&s, NULL);
	assert_int_equal(v.verdict, SCREEN_BLOCK); /* per-call evidence still blocks */
}

static void test_reasons_format(void **state)
{
	(void)state;
	char buf[128];
	int n = screen_reasons_format(BIT(SR_SPOOFED_DOMESTIC) | BIT(SR_VOLUME), buf, sizeof buf);
	assert_string_equal(buf, "spoofed_domestic_cli;volume_unregistered");
	assert_int_equal(n, (int)strlen(buf));
	n = screen_reasons_format(BIT(SR_SPOOFED_DOMESTIC) | BIT(SR_VOLUME), buf, 10);
	assert_int_equal(n, (int)strlen("spoofed_domestic_cli;volume_unregistered"));
	assert_true(strlen(buf) < 10);
	assert_int_equal(screen_reasons_format(0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void test_config_table(void **state)
{
	(void)state;
	struct screen_config c;
	const char *why;
	screen_config_defaults(&c);
	assert_int_equal(screen_config_validate(&c, &why), 0);
	assert_int_equal(screen_config_set(&c, "vol_10m", "45", &why), 0);
	assert_int_equal(c.vol_10m, 45);
	assert_int_equal(screen_config_set(&c, "fanout_ratio", "0.7", &why), 0);
	assert_true(fabs(c.fanout_ratio - 0.7) < 1e-9);
	assert_int_equal(screen_config_set(&c, "nope", "1", &why), -2);
	assert_int_equal(screen_config_set(&c, "vol_10m", "4.5", &why), -1);
	assert_int_equal(screen_config_set(&c, "vol_10m", "x", &why), -1);
	assert_int_equal(screen_config_set(&c, "fanout_ratio", "2", &why), -1);
	c.warn_score = 90;
	assert_int_equal(screen_config_validate(&c, &why), -1);
	screen_config_defaults(&c);
	c.behaviour_cap = c.block_score;
	assert_int_equal(screen_config_validate(&c, &why), -1);
}

struct bad_line { unsigned line; int rc; };

static void note_bad(void *ctx, unsigned line, int rc, const char *reason)
{
	struct bad_line *b = ctx;
	assert_non_null(reason);
	while (b->line)
		b++;
	*b = (struct bad_line){line, rc};
}

static char *config_text(const struct screen_config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	screen_config_write(c, f);
	fclose(f);
	return text;
}

/* The text screen_config_write() writes reads back to the same settings;
 * each line that cannot be applied is reported with its number. */
static void test_config_text(void **state)
{
	(void)state;
	struct screen_config c, back;
	screen_config_defaults(&c);
	c.fanout_ratio = 0.123456789;
	snprintf(c.roaming_trunks, sizeof c.roaming_trunks, "igw-roam;igw-2");
	char *text = config_text(&c);
	screen_config_defaults(&back);
	FILE *f = fmemopen(text, strlen(text), "r");
	assert_int_equal(screen_config_read(&back, f, NULL, NULL), 0);
	fclose(f);
	char *again = config_text(&back);
	assert_string_equal(text, again);
	assert_true(back.fanout_ratio == c.fanout_ratio);
	assert_string_equal(back.roaming_trunks, "igw-roam;igw-2");
	free(text);
	free(again);

	static char lines[] = "# a comment\n\n vol_1m = 3 \nnope = 1\nblock_score = abc\nwarn_score\n";
	struct bad_line bad[4] = {{0, 0}};
	f = fmemopen(lines, strlen(lines), "r");
	assert_int_equal(screen_config_read(&back, f, note_bad, bad), 3);
	fclose(f);
	assert_int_equal(back.vol_1m, 3);
	assert_int_equal(bad[0].line, 4);
	assert_int_equal(bad[0].rc, OMB_ENOTFOUND);
	assert_int_equal(bad[1].line, 5);
	assert_int_equal(bad[1].rc, OMB_EINVAL);
	assert_int_equal(bad[2].line, 6);
	assert_int_equal(bad[2].rc, OMB_EINVAL);

	/* a line of a megabyte and one with a NUL byte are refused, with their
	 * numbers, and the lines after them still apply */
	size_t big = 1 << 20;
	char *odd = malloc(big + 64);
	int at = sprintf(odd, "vol_1m = 4\nvol_10m = 7");
	memset(odd + at, ' ', big);
	at += (int)big;
	static const char tail[] = "\nvol_60m = 9\0 9\nw_fanout = 11\n";
	memcpy(odd + at, tail, sizeof tail - 1);
	at += (int)sizeof tail - 1;
	struct bad_line bad2[4] = {{0, 0}};
	f = fmemopen(odd, (size_t)at, "r");
	assert_int_equal(screen_config_read(&back, f, note_bad, bad2), 2);
	fclose(f);
	free(odd);
	assert_int_equal(back.vol_1m, 4);
	assert_int_equal(bad2[0].line, 2);
	assert_int_equal(bad2[1].line, 3);
	assert_int_equal(back.vol_10m, c.vol_10m);
	assert_int_equal(back.vol_60m, c.vol_60m); /* not 9: the NUL is not where the line ends */
	assert_int_equal(back.w_fanout, 11);
}

static void test_lc_sketch(void **state)
{
	(void)state;
	assert_true(sketch_lc_estimate(0) == 0);
	uint64_t bits = 0;
	for (uint64_t i = 0; i < 10; i++)
		bits = sketch_lc_add(bits, (i * 7) << 58); /* ten distinct bit positions */
	assert_true(fabs(sketch_lc_estimate(bits) - 10.9) < 1.0);
	assert_true(sketch_lc_add(bits, 0) == sketch_lc_add(sketch_lc_add(bits, 0), 0)); /* idempotent */
	assert_true(sketch_lc_estimate(~0ULL) > 200);
}

static uint64_t mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

static void test_hll_sketch(void **state)
{
	(void)state;
	uint8_t a[SKETCH_HLL_REGS] = {0}, b[SKETCH_HLL_REGS] = {0};
	assert_true(sketch_hll_estimate(a) == 0);
	for (uint64_t i = 0; i < 20; i++)
		sketch_hll_add(a, mix(i));
	assert_true(fabs(sketch_hll_estimate(a) - 20) <= 4);
	for (uint64_t i = 0; i < 20; i++)
		sketch_hll_add(a, mix(i)); /* repeats add nothing */
	assert_true(fabs(sketch_hll_estimate(a) - 20) <= 4);
	for (uint64_t i = 10; i < 1010; i++)
		sketch_hll_add(b, mix(i));
	double u = sketch_hll_estimate_union(a, b);
	assert_true(u > 1010 * 0.7 && u < 1010 * 1.3);
	sketch_hll_merge(a, b);
	assert_true(fabs(sketch_hll_estimate(a) - u) < 1e-9);
	assert_true(sketch_hll_nonzero_union(a, b) <= SKETCH_HLL_REGS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_quiet_caller_is_allowed, setup),
		cmocka_unit_test_setup(test_hard_rules_block_alone, setup),
		cmocka_unit_test_setup(test_allowlist_overrides_everything, setup),
		cmocka_unit_test_setup(test_registered_never_blocked_by_behaviour, setup),
		cmocka_unit_test_setup(test_volume_alone_scores_weight, setup),
		cmocka_unit_test_setup(test_volume_and_fanout_warn, setup),
		cmocka_unit_test_setup(test_outcome_rules, setup),
		cmocka_unit_test_setup(test_fanout_with_low_answer_warns, setup),
		cmocka_unit_test_setup(test_sequential_and_attestation_and_trunk, setup),
		cmocka_unit_test_setup(test_behaviour_is_capped_below_block, setup),
		cmocka_unit_test_setup(test_reports_alone_and_corroborated, setup),
		cmocka_unit_test_setup(test_simbox_levels, setup),
		cmocka_unit_test_setup(test_simbox_trunk_stops_suspects_only, setup),
		cmocka_unit_test_setup(test_lift_grace_holds_automatic_blocks, setup),
		cmocka_unit_test_setup(test_reasons_format, setup),
		cmocka_unit_test_setup(test_config_table, setup),
		cmocka_unit_test(test_config_text),
		cmocka_unit_test(test_lc_sketch),
		cmocka_unit_test(test_hll_sketch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
