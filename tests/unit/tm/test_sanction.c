/* test_sanction.c — fine schedule, escalation, decisions (tm/sanction). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "tm/sanction.h"

#define DAY CLOCK_MS_PER_DAY
#define KST (9 * CLOCK_MS_PER_HOUR)

static int64_t at(const char *iso)
{
	int64_t ms = 0;
	assert_int_equal(clock_parse_iso(iso, &ms), OMB_OK);
	return ms;
}

/* Decides a confirmed case for business 1 detected at `detected`, decided a
 * week later, against the sanctions so far, and appends the new one. */
static struct tm_sanction confirm(const struct tm_fine_schedule *s, int64_t detected, struct tm_sanction *hist,
                                  size_t *n_hist, size_t n_reports)
{
	size_t idx[64] = { 0 };
	struct tm_case c = { .business_id = 1, .reports = idx, .n_reports = n_reports, .detected_ms = detected,
	                     .last_filed_ms = detected };
	struct tm_decision d;
	const char *why = NULL;
	assert_int_equal(tm_case_decide(&c, TM_CONFIRM, "미고지 텔레마케팅 확인", 900, detected + 7 * DAY, s,
	                                hist, *n_hist, &d, &why), OMB_OK);
	assert_true(d.sanctioned);
	hist[(*n_hist)++] = d.sanction;
	return d.sanction;
}

static void test_default_schedule(void **state)
{
	(void)state;
	struct tm_fine_schedule s;
	const char *reason = NULL;
	tm_fine_schedule_default(&s);
	assert_int_equal(s.n_steps, 3);
	assert_int_equal(s.amounts_krw[0], 7500000);
	assert_int_equal(s.amounts_krw[1], 15000000);
	assert_int_equal(s.amounts_krw[2], 30000000);
	assert_int_equal(s.lookback_months, 36);
	assert_int_equal(tm_fine_schedule_check(&s, &reason), OMB_OK);
	s.amounts_krw[1] = 0;
	assert_int_equal(tm_fine_schedule_check(&s, &reason), OMB_EINVAL);
	s.amounts_krw[1] = 15000000;
	s.lookback_months = 0;
	assert_int_equal(tm_fine_schedule_check(&s, &reason), OMB_EINVAL);
	s.lookback_months = 36;
	s.n_steps = 0;
	assert_int_equal(tm_fine_schedule_check(&s, &reason), OMB_EINVAL);
}

static void test_escalation_first_to_fourth(void **state)
{
	(void)state;
	struct tm_fine_schedule s;
	tm_fine_schedule_default(&s);
	struct tm_sanction hist[8];
	size_t n = 0;
	struct tm_sanction a = confirm(&s, at("2025-01-10T10:00:00Z"), hist, &n, 1);
	struct tm_sanction b = confirm(&s, at("2025-05-10T10:00:00Z"), hist, &n, 1);
	struct tm_sanction c = confirm(&s, at("2025-09-10T10:00:00Z"), hist, &n, 1);
	struct tm_sanction d = confirm(&s, at("2026-01-10T10:00:00Z"), hist, &n, 1);
	assert_int_equal(a.order, 1);
	assert_int_equal(a.fine_krw, 7500000);
	assert_int_equal(b.order, 2);
	assert_int_equal(b.fine_krw, 15000000);
	assert_int_equal(c.order, 3);
	assert_int_equal(c.fine_krw, 30000000);
	assert_int_equal(d.order, 4);
	assert_int_equal(d.fine_krw, 30000000);   /* 3rd and later: the last step repeats */

	/* the schedule is data: a 4-step schedule charges its 4th step */
	s.amounts_krw[3] = 50000000;
	s.n_steps = 4;
	struct tm_fine f;
	tm_fine_for(&s, 1, at("2026-02-01"), hist, 3, &f);
	assert_int_equal(f.order, 4);
	assert_int_equal(f.amount_krw, 50000000);
}

static void test_outside_lookback_is_first_again(void **state)
{
	(void)state;
	struct tm_fine_schedule s;
	tm_fine_schedule_default(&s);
	/* imposed 2022-03-15 (KST); three years later is 2025-03-15 */
	struct tm_sanction old = { .business_id = 1, .decided_ms = at("2022-03-15T01:00:00Z"), .order = 2,
	                           .fine_krw = 15000000 };
	struct tm_fine f;
	tm_fine_for(&s, 1, at("2025-03-15T14:59:59Z"), &old, 1, &f);   /* 23:59:59 KST on the last day */
	assert_int_equal(f.order, 3);
	assert_int_equal(f.amount_krw, 30000000);
	assert_ptr_equal(f.previous, &old);
	tm_fine_for(&s, 1, at("2025-03-15T15:00:00Z"), &old, 1, &f);   /* 00:00 KST the day after */
	assert_int_equal(f.order, 1);
	assert_int_equal(f.amount_krw, 7500000);
	assert_null(f.previous);

	/* a shorter look-back in the data changes the outcome */
	s.lookback_months = 12;
	tm_fine_for(&s, 1, at("2023-03-16T00:00:00Z"), &old, 1, &f);
	assert_int_equal(f.order, 1);

	/* 29 February plus three years is 28 February */
	tm_fine_schedule_default(&s);
	struct tm_sanction leap = { .business_id = 1, .decided_ms = at("2024-02-29T03:00:00Z"), .order = 1 };
	tm_fine_for(&s, 1, at("2027-02-28T03:00:00Z"), &leap, 1, &f);
	assert_int_equal(f.order, 2);
	tm_fine_for(&s, 1, at("2027-03-01T03:00:00Z"), &leap, 1, &f);
	assert_int_equal(f.order, 1);
}

static void test_order_follows_highest_within_period(void **state)
{
	(void)state;
	struct tm_fine_schedule s;
	tm_fine_schedule_default(&s);
	/* decree table 9, 1.나 (MOLEG interpretation 20-0411): the 1st is out of
	 * the period, the 2nd is in it, so the new one is a 3rd */
	struct tm_sanction hist[] = {
		{ .business_id = 1, .decided_ms = at("2020-01-10"), .order = 1 },
		{ .business_id = 1, .decided_ms = at("2022-01-10"), .order = 2 },
		{ .business_id = 2, .decided_ms = at("2024-06-01"), .order = 5 },   /* another business */
	};
	struct tm_fine f;
	tm_fine_for(&s, 1, at("2024-06-01"), hist, 3, &f);
	assert_int_equal(f.order, 3);
	assert_int_equal(f.amount_krw, 30000000);
	assert_ptr_equal(f.previous, &hist[1]);
	/* a sanction imposed after the new violation was detected does not raise
	 * it: only the 1st (2020) counts, so this one is a 2nd */
	tm_fine_for(&s, 1, at("2022-01-09"), hist, 3, &f);
	assert_int_equal(f.order, 2);
	assert_ptr_equal(f.previous, &hist[0]);
}

static void test_fifty_reports_one_sanction(void **state)
{
	(void)state;
	struct tm_fine_schedule s;
	tm_fine_schedule_default(&s);
	struct tm_sanction hist[4];
	size_t n = 0;
	struct tm_sanction big = confirm(&s, at("2025-01-10T10:00:00Z"), hist, &n, 50);
	assert_int_equal(n, 1);
	assert_int_equal(big.n_reports, 50);
	assert_int_equal(big.order, 1);
	assert_int_equal(big.fine_krw, 7500000);   /* not 50 fines, not an escalated one */
	struct tm_sanction next = confirm(&s, at("2025-02-10T10:00:00Z"), hist, &n, 1);
	assert_int_equal(next.order, 2);           /* the 50 reports counted as one earlier sanction */
	assert_int_equal(next.fine_krw, 15000000);
}

static void test_decide_dismiss_and_checks(void **state)
{
	(void)state;
	struct tm_fine_schedule s;
	tm_fine_schedule_default(&s);
	size_t idx[3] = { 0, 1, 2 };
	int64_t t = at("2025-01-10");
	struct tm_case c = { .business_id = 4, .reports = idx, .n_reports = 3, .detected_ms = t, .last_filed_ms = t };
	struct tm_decision d;
	const char *why = NULL;
	assert_int_equal(tm_case_decide(&c, TM_DISMISS, "고지 기록 확인됨", 900, t + DAY, &s, NULL, 0, &d, &why), OMB_OK);
	assert_false(d.sanctioned);
	assert_int_equal(d.outcome, TM_DISMISS);
	assert_int_equal(d.n_reports, 3);
	assert_string_equal(d.reason, "고지 기록 확인됨");
	/* a reason is required either way */
	assert_int_equal(tm_case_decide(&c, TM_CONFIRM, "", 900, t + DAY, &s, NULL, 0, &d, &why), OMB_EINVAL);
	assert_int_equal(tm_case_decide(&c, TM_DISMISS, NULL, 900, t + DAY, &s, NULL, 0, &d, &why), OMB_EINVAL);
	assert_int_equal(tm_case_decide(&c, TM_CONFIRM, "ok", 900, t - 1, &s, NULL, 0, &d, &why), OMB_EINVAL);
	c.n_reports = 0;
	assert_int_equal(tm_case_decide(&c, TM_CONFIRM, "ok", 900, t + DAY, &s, NULL, 0, &d, &why), OMB_EINVAL);
	c.n_reports = 3;
	assert_int_equal(tm_case_decide(&c, TM_CONFIRM, "ok", 900, t + DAY, &s, NULL, 0, &d, &why), OMB_OK);
	assert_true(d.sanctioned);
	assert_int_equal(d.sanction.business_id, 4);
	assert_int_equal(d.sanction.detected_ms, t);
	assert_int_equal(d.sanction.decided_ms, t + DAY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_schedule),
		cmocka_unit_test(test_escalation_first_to_fourth),
		cmocka_unit_test(test_outside_lookback_is_first_again),
		cmocka_unit_test(test_order_follows_highest_within_period),
		cmocka_unit_test(test_fifty_reports_one_sanction),
		cmocka_unit_test(test_decide_dismiss_and_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
