/* test_figures.c — published figures over case summaries. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/err.h"
#include "desk/figures.h"
#include "desk_fixtures.h"

#define FROM T0
#define TO   (T0 + 30 * DAY)

static struct figures_case cases[6];

static int setup(void **state)
{
	(void)state;
	cases[0] = (struct figures_case){ /* answered in time, demand met in time, closed in 3 days */
		.opened_ms = T0, .first_answer_due_ms = T0 + 24 * HOUR, .first_answer_ms = T0 + 2 * HOUR,
		.closed_ms = T0 + 3 * DAY, .first_demand_ms = T0 + HOUR, .responsible_ms = T0 + 5 * HOUR,
		.demands = 1, .demands_in_time = 1, .repeated_answers = 1,
		.escalations = { [DESK_CAUSE_DEMAND] = 1 },
	};
	int64_t b = T0 + DAY;
	cases[1] = (struct figures_case){ /* late answer, two demands missed, closed after 5 weeks */
		.opened_ms = b, .first_answer_due_ms = b + 24 * HOUR, .first_answer_ms = b + 30 * HOUR,
		.closed_ms = b + 35 * DAY, .first_demand_ms = b + HOUR, .responsible_ms = b + 49 * HOUR,
		.demands = 2, .escalations = { [DESK_CAUSE_DEADLINE] = 2, [DESK_CAUSE_DISPUTE] = 1 },
	};
	int64_t c = T0 + 2 * DAY;
	cases[2] = (struct figures_case){ /* about the center, never answered, referred out */
		.opened_ms = c, .first_answer_due_ms = c + 24 * HOUR, .referred_out = true, .about_center = true,
		.escalations = { [DESK_CAUSE_ABOUT_CENTER] = 1, [DESK_CAUSE_DEADLINE] = 1 },
	};
	int64_t d = T0 + 3 * DAY;
	cases[3] = (struct figures_case){ /* closed after 60 days */
		.opened_ms = d, .first_answer_due_ms = d + 24 * HOUR, .first_answer_ms = d + HOUR,
		.closed_ms = d + 60 * DAY,
	};
	cases[4] = (struct figures_case){ /* opened before the period: ignored */
		.opened_ms = FROM - 1, .first_answer_due_ms = FROM + DAY, .first_answer_ms = FROM,
		.demands = 5, .repeated_answers = 9, .referred_out = true,
	};
	int64_t f = T0 + 29 * DAY;
	cases[5] = (struct figures_case){ /* recent: no answer yet, a demand running */
		.opened_ms = f, .first_answer_due_ms = f + 24 * HOUR, .first_demand_ms = f + HOUR,
		.demands = 1, .demands_open = 1, .demand_due_ms = f + 25 * HOUR,
	};
	return 0;
}

static void figures_of_a_settled_period(void **state)
{
	(void)state;
	struct figures f;
	assert_int_equal(figures_compute(cases, 6, FROM, TO, T0 + 90 * DAY, &f), 0);
	assert_int_equal(f.opened, 5);
	assert_int_equal(f.answered, 3);
	assert_int_equal(f.first_in_time, 2);
	assert_int_equal(f.first_decided, 5);
	assert_int_equal(f.closed_4w, 1);
	assert_int_equal(f.closed_4_8w, 1);
	assert_int_equal(f.closed_over_8w, 1);
	assert_int_equal(f.not_closed, 2);
	assert_int_equal(f.demands, 4);
	assert_int_equal(f.demands_in_time, 1);
	assert_int_equal(f.demands_decided, 4);
	assert_int_equal(f.to_first_answer.n, 3);
	assert_int_equal(f.to_first_answer.median_ms, 2 * HOUR);
	assert_int_equal(f.to_first_answer.p90_ms, 30 * HOUR);
	assert_int_equal(f.to_responsible.n, 2);
	assert_int_equal(f.to_responsible.median_ms, 26 * HOUR);
	assert_int_equal(f.to_responsible.p90_ms, 48 * HOUR);
	assert_int_equal(f.repeated_answers, 1);
	assert_int_equal(f.escalations[DESK_CAUSE_DEMAND], 1);
	assert_int_equal(f.escalations[DESK_CAUSE_DEADLINE], 3);
	assert_int_equal(f.escalations[DESK_CAUSE_DISPUTE], 1);
	assert_int_equal(f.escalations[DESK_CAUSE_ABOUT_CENTER], 1);
	assert_int_equal(f.escalations[DESK_CAUSE_REPEAT], 0);
	assert_int_equal(f.referred_out, 1);
	assert_int_equal(f.about_center, 1);
}

static void undecided_deadlines_stay_out_of_the_base(void **state)
{
	(void)state;
	struct figures f;
	assert_int_equal(figures_compute(cases, 6, FROM, TO, T0 + 29 * DAY + 2 * HOUR, &f), 0);
	assert_int_equal(f.first_decided, 4);   /* the recent case's first answer is not yet due */
	assert_int_equal(f.demands_decided, 3); /* nor is its demand */
	assert_int_equal(f.demands, 4);
}

static void percentiles_use_nearest_rank(void **state)
{
	(void)state;
	struct figures_case ten[10];
	for (int i = 0; i < 10; i++)
		ten[i] = (struct figures_case){ .opened_ms = T0, .first_answer_due_ms = T0 + DAY,
		                                 .first_answer_ms = T0 + (10 - i) * HOUR };
	struct figures f;
	assert_int_equal(figures_compute(ten, 10, FROM, TO, TO, &f), 0);
	assert_int_equal(f.to_first_answer.median_ms, 5 * HOUR + HOUR / 2);
	assert_int_equal(f.to_first_answer.p90_ms, 9 * HOUR);
	assert_int_equal(figures_compute(ten, 1, FROM, TO, TO, &f), 0);
	assert_int_equal(f.to_first_answer.median_ms, 10 * HOUR);
	assert_int_equal(f.to_first_answer.p90_ms, 10 * HOUR);
	assert_int_equal(figures_compute(ten, 0, FROM, TO, TO, &f), 0);
	assert_int_equal(f.to_first_answer.n, 0);
	assert_int_equal(f.to_first_answer.median_ms, 0);
}

static void bad_period_and_percent(void **state)
{
	(void)state;
	struct figures f;
	assert_int_equal(figures_compute(cases, 6, TO, FROM, TO, &f), OMB_EINVAL);
	assert_int_equal(figures_compute(cases, 6, FROM, FROM, TO, &f), OMB_EINVAL);
	assert_true(figures_pct(1, 4) == 25.0);
	assert_true(figures_pct(0, 0) == -1.0);
}

static void summary_from_a_real_case(void **state)
{
	(void)state;
	struct desk_config cfg;
	desk_config_default(&cfg);
	struct desk_result r;
	struct desk_category cat = { DEPT, false };
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_WEB, &customer, T0, &r), 0);
	struct desk_case c = r.next;
	assert_int_equal(desk_demand(&cfg, &c, T0 + HOUR, &r), 0);
	c = r.next;
	struct figures_case s;
	figures_case_from(&c, &s);
	assert_int_equal(s.demands_open, 1);
	assert_int_equal(s.demand_due_ms, T0 + 24 * HOUR); /* the first answer's due time, not later */
	assert_int_equal(desk_reply(&cfg, &c, &practitioner, &human, T0 + 3 * HOUR, &r), 0);
	c = r.next;
	assert_int_equal(desk_reply(&cfg, &c, &practitioner, &human_repeat, T0 + 4 * HOUR, &r), 0);
	c = r.next;
	assert_int_equal(desk_accept(&cfg, &c, T0 + 5 * HOUR, &r), 0);
	c = r.next;
	figures_case_from(&c, &s);
	assert_int_equal(s.opened_ms, T0);
	assert_int_equal(s.first_answer_ms, T0 + 3 * HOUR);
	assert_int_equal(s.first_answer_due_ms, T0 + 24 * HOUR);
	assert_int_equal(s.first_demand_ms, T0 + HOUR);
	assert_int_equal(s.responsible_ms, T0 + 3 * HOUR);
	assert_int_equal(s.demands, 1);
	assert_int_equal(s.demands_in_time, 1);
	assert_int_equal(s.demands_open, 0);
	assert_int_equal(s.repeated_answers, 1);
	assert_int_equal(s.escalations[DESK_CAUSE_DEMAND], 1);
	assert_int_equal(s.closed_ms, T0 + 5 * HOUR);
	assert_false(s.referred_out);
	/* A re-opened case is not closed. */
	assert_int_equal(desk_reopen(&cfg, &c, T0 + DAY, &r), 0);
	figures_case_from(&r.next, &s);
	assert_int_equal(s.closed_ms, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(figures_of_a_settled_period),
		cmocka_unit_test(undecided_deadlines_stay_out_of_the_base),
		cmocka_unit_test(percentiles_use_nearest_rank),
		cmocka_unit_test(bad_period_and_percent),
		cmocka_unit_test(summary_from_a_real_case),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
