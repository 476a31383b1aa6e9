/* test_report.c — disclosures, do-not-call, reports, classification, cases (tm/report). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "tm/report.h"

#define MIN (60 * CLOCK_MS_PER_S)
#define DAY CLOCK_MS_PER_DAY
#define T0 1760000000000LL   /* 2025-10-09T08:53:20Z = 17:53 KST */

/* A small world: business 1 owns TM_NUM, business 2 owns TM_NUM2; OTHER is unregistered. */
#define TM_NUM  "010-1111-2222"
#define TM_NUM2 "02-555-0100"
#define OTHER   "010-7777-8888"
#define CALLEE  "010-3333-4444"
#define CALLEE2 "010-5555-6666"

struct world {
	struct tm_business biz[2];
	struct tm_number num[2];
	struct tm_registry reg;
	struct tm_match_config cfg;
};

static uint64_t key_of(const char *number)
{
	struct tm_report r;
	const char *why = NULL;
	assert_int_equal(tm_report_init(&r, number, strlen(number), CALLEE, strlen(CALLEE), 0, 0,
	                                TM_REPORT_NO_SOURCE, NULL, &why), OMB_OK);
	return r.caller_key;
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	const char *reason = NULL;
	w->biz[0] = (struct tm_business){ .id = 1, .name = "Hana Sales", .registration_id = "R1", .contact = "c" };
	w->biz[1] = (struct tm_business){ .id = 2, .name = "Dure Call", .registration_id = "R2", .contact = "c" };
	assert_int_equal(tm_number_init(&w->num[0], TM_NUM, strlen(TM_NUM), 1, 0, 0, 3, NULL, &reason), OMB_OK);
	assert_int_equal(tm_number_init(&w->num[1], TM_NUM2, strlen(TM_NUM2), 2, 0, 0, 0, NULL, &reason), OMB_OK);
	w->reg = (struct tm_registry){ w->biz, 2, w->num, 2 };
	tm_match_config_default(&w->cfg);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static struct tm_report report(const char *caller, const char *callee, int64_t call_ms, enum tm_report_reason why_code)
{
	struct tm_report r;
	const char *why = NULL;
	assert_int_equal(tm_report_init(&r, caller, strlen(caller), callee, strlen(callee), call_ms, call_ms + 5 * MIN,
	                                why_code, "그냥 전화옴", &why), OMB_OK);
	return r;
}

static void test_source_must_be_specific(void **state)
{
	(void)state;
	const char *reason = NULL;
	const char *ok = "2025년 3월 OO카드 이벤트 응모 시 제3자 제공 동의(마케팅)로 받은 정보";
	assert_int_equal(tm_disclosure_check_source(ok, strlen(ok), &reason), OMB_OK);
	const char *vague[] = { "적법하게 수집된 정보", "적법하게 수집", "Lawfully obtained.", "합법적으로 취득", "!!" };
	for (size_t i = 0; i < sizeof vague / sizeof vague[0]; i++) {
		if (tm_disclosure_check_source(vague[i], strlen(vague[i]), &reason) != OMB_EINVAL)
			fail_msg("accepted a vague source: %s", vague[i]);
	}
	assert_int_equal(tm_disclosure_check_source("", 0, &reason), OMB_EINVAL);
}

static void test_report_init(void **state)
{
	(void)state;
	struct tm_report r;
	const char *why = NULL;
	assert_int_equal(tm_report_init(&r, "anonymous", 9, CALLEE, strlen(CALLEE), T0, T0, TM_REPORT_FRAUD, NULL, &why),
	                 OMB_EINVAL);
	assert_non_null(strstr(why, "caller"));
	assert_int_equal(tm_report_init(&r, TM_NUM, strlen(TM_NUM), "", 0, T0, T0, TM_REPORT_FRAUD, NULL, &why),
	                 OMB_EINVAL);
	assert_int_equal(tm_report_init(&r, TM_NUM, strlen(TM_NUM), CALLEE, strlen(CALLEE), T0 + 1, T0,
	                                TM_REPORT_FRAUD, NULL, &why), OMB_EINVAL);
	assert_int_equal(tm_report_init(&r, TM_NUM, strlen(TM_NUM), CALLEE, strlen(CALLEE), T0, T0,
	                                TM_REPORT_REASON_COUNT, NULL, &why), OMB_EINVAL);
	assert_int_equal(tm_report_init(&r, TM_NUM, strlen(TM_NUM), CALLEE, strlen(CALLEE), T0, T0,
	                                TM_REPORT_AFTER_REFUSAL, NULL, &why), OMB_OK);
	assert_string_equal(r.caller, "+821011112222");
	assert_string_equal(r.callee, "+821033334444");
	for (int i = 0; i < TM_REPORT_REASON_COUNT; i++) {
		enum tm_report_reason back;
		assert_int_equal(tm_report_reason_parse(tm_report_reason_name((enum tm_report_reason)i), &back), OMB_OK);
		assert_int_equal(back, i);
	}
}

/* ---- report <-> disclosure ---- */

static void test_disclosure_window(void **state)
{
	struct world *w = *state;
	uint64_t n = key_of(TM_NUM), c = key_of(CALLEE), c2 = key_of(CALLEE2);
	struct tm_disclosure log[] = {
		{ .id = 1, .business_id = 1, .caller_key = n, .callee_key = c, .at_ms = T0 - 30 * MIN, .source = "s" },
		{ .id = 2, .business_id = 1, .caller_key = n, .callee_key = c, .at_ms = T0 - 2 * MIN, .source = "s" },
		{ .id = 3, .business_id = 1, .caller_key = n, .callee_key = c2, .at_ms = T0 - 1 * MIN, .source = "s" },
		{ .id = 4, .business_id = 2, .caller_key = n, .callee_key = c, .at_ms = T0 - 1 * MIN, .source = "s" },
	};
	/* the latest disclosure of this business for this caller->callee inside the window */
	assert_int_equal(tm_disclosure_find(log, 4, 1, n, c, T0, &w->cfg)->id, 2);
	/* exactly at the edges of the window */
	assert_int_equal(tm_disclosure_find(log, 4, 1, n, c, T0 - 2 * MIN, &w->cfg)->id, 2);
	assert_int_equal(tm_disclosure_find(log, 4, 1, n, c, T0 + 8 * MIN, &w->cfg)->id, 2);
	assert_null(tm_disclosure_find(log, 4, 1, n, c, T0 + 8 * MIN + 1, &w->cfg));
	/* logged after the call: not a disclosure before it */
	assert_null(tm_disclosure_find(log, 1, 1, n, c, T0 - 31 * MIN, &w->cfg));
	/* other callee, other business: no */
	assert_null(tm_disclosure_find(log, 4, 2, n, c2, T0, &w->cfg));
	/* a wider window finds the older one */
	struct tm_match_config wide = w->cfg;
	wide.disclosure_window_ms = 60 * MIN;
	assert_int_equal(tm_disclosure_find(log, 1, 1, n, c, T0, &wide)->id, 1);
}

static void test_classify_disclosed_and_undisclosed(void **state)
{
	struct world *w = *state;
	uint64_t n = key_of(TM_NUM), c = key_of(CALLEE);
	struct tm_disclosure log[] = {
		{ .id = 1, .business_id = 1, .caller_key = n, .callee_key = c, .at_ms = T0 - MIN, .source = "s" },
	};
	struct tm_classification cls;

	struct tm_report r = report(TM_NUM, CALLEE, T0, TM_REPORT_NO_SOURCE);
	tm_report_classify(&r, &w->reg, log, 1, NULL, 0, &w->cfg, &cls);
	assert_ptr_equal(cls.business, &w->biz[0]);
	assert_ptr_equal(cls.number, &w->num[0]);
	assert_ptr_equal(cls.disclosure, &log[0]);
	assert_int_equal(cls.violations, 0);       /* the log shows a disclosure: not prima facie */
	assert_false(cls.to_screening);

	/* a solicitation with no disclosure logged before it is a prima facie violation */
	r = report(TM_NUM, CALLEE, T0 - 2 * MIN, TM_REPORT_ABUSIVE);
	tm_report_classify(&r, &w->reg, log, 1, NULL, 0, &w->cfg, &cls);
	assert_ptr_equal(cls.business, &w->biz[0]);
	assert_null(cls.disclosure);
	assert_int_equal(cls.violations, TM_V_NO_DISCLOSURE);
	assert_string_equal(tm_violation_name(TM_V_NO_DISCLOSURE), "no_disclosure");
}

/* ---- report <-> do-not-call ---- */

static void test_classify_do_not_call(void **state)
{
	struct world *w = *state;
	uint64_t n = key_of(TM_NUM), c = key_of(CALLEE), c2 = key_of(CALLEE2);
	struct tm_disclosure log[] = {
		{ .business_id = 1, .caller_key = n, .callee_key = c, .at_ms = T0 - MIN, .source = "s" },
		{ .business_id = 1, .caller_key = n, .callee_key = c2, .at_ms = T0 - MIN, .source = "s" },
	};
	struct tm_dnc_entry dnc[] = {
		{ .callee_key = c, .business_id = 0, .from_ms = T0 - DAY },                 /* national list */
		{ .callee_key = c2, .business_id = 2, .from_ms = T0 - DAY },                /* refused business 2 only */
		{ .callee_key = c2, .business_id = 1, .from_ms = T0 + DAY },                /* refuses business 1 later */
	};
	struct tm_classification cls;
	struct tm_report r = report(TM_NUM, CALLEE, T0, TM_REPORT_AFTER_REFUSAL);
	tm_report_classify(&r, &w->reg, log, 2, dnc, 3, &w->cfg, &cls);
	assert_ptr_equal(cls.dnc, &dnc[0]);
	assert_int_equal(cls.violations, TM_V_DO_NOT_CALL);   /* disclosed, but the number must not be solicited */

	r = report(TM_NUM, CALLEE2, T0, TM_REPORT_AFTER_REFUSAL);
	tm_report_classify(&r, &w->reg, log, 2, dnc, 3, &w->cfg, &cls);
	assert_null(cls.dnc);                                  /* refusal of another business; later refusal */
	assert_int_equal(cls.violations, 0);

	assert_ptr_equal(tm_dnc_find(dnc, 3, c2, 1, T0 + DAY), &dnc[2]);
	assert_ptr_equal(tm_dnc_find(dnc, 3, c2, 2, T0), &dnc[1]);
	dnc[0].to_ms = T0;                                     /* taken off the list before the call */
	assert_null(tm_dnc_find(dnc, 3, c, 1, T0));

	/* both at once: no disclosure and on the list */
	dnc[0].to_ms = 0;
	r = report(TM_NUM, CALLEE, T0, TM_REPORT_NO_SOURCE);
	tm_report_classify(&r, &w->reg, NULL, 0, dnc, 3, &w->cfg, &cls);
	assert_int_equal(cls.violations, TM_V_NO_DISCLOSURE | TM_V_DO_NOT_CALL);
}

static void test_classify_daily_cap(void **state)
{
	struct world *w = *state;   /* TM_NUM has a daily cap of 3 */
	uint64_t n = key_of(TM_NUM), c = key_of(CALLEE);
	/* T0 is 17:53 KST; 15:00Z the day before is 00:00 KST of T0's day */
	int64_t kst_midnight = T0 - (8 * CLOCK_MS_PER_HOUR + 53 * MIN + 20 * CLOCK_MS_PER_S) - 9 * CLOCK_MS_PER_HOUR;
	struct tm_disclosure log[] = {
		{ .business_id = 1, .caller_key = n, .callee_key = c, .at_ms = kst_midnight - 1 },   /* previous day */
		{ .business_id = 1, .caller_key = n, .callee_key = 11, .at_ms = kst_midnight },
		{ .business_id = 1, .caller_key = n, .callee_key = 12, .at_ms = kst_midnight + 60 * MIN },
		{ .business_id = 1, .caller_key = n, .callee_key = c, .at_ms = T0 - MIN },
	};
	struct tm_classification cls;
	struct tm_report r = report(TM_NUM, CALLEE, T0, TM_REPORT_NO_SOURCE);
	tm_report_classify(&r, &w->reg, log, 4, NULL, 0, &w->cfg, &cls);
	assert_int_equal(cls.solicitations_that_day, 3);
	assert_int_equal(cls.violations, 0);
	struct tm_disclosure more[5];
	memcpy(more, log, sizeof log);
	more[4] = (struct tm_disclosure){ .business_id = 1, .caller_key = n, .callee_key = 13, .at_ms = T0 - 3 * MIN };
	tm_report_classify(&r, &w->reg, more, 5, NULL, 0, &w->cfg, &cls);
	assert_int_equal(cls.solicitations_that_day, 4);
	assert_int_equal(cls.violations, TM_V_OVER_DAILY_CAP);
}

static void test_unregistered_feeds_screening(void **state)
{
	struct world *w = *state;
	struct tm_dnc_entry dnc[] = { { .callee_key = key_of(CALLEE), .from_ms = 0 } };
	struct tm_classification cls;
	struct tm_report r = report(OTHER, CALLEE, T0, TM_REPORT_FRAUD);
	tm_report_classify(&r, &w->reg, NULL, 0, dnc, 1, &w->cfg, &cls);
	assert_null(cls.business);
	assert_null(cls.number);
	assert_true(cls.to_screening);
	assert_int_equal(cls.violations, 0);      /* nobody to sanction */
	assert_ptr_equal(cls.dnc, &dnc[0]);       /* still noted */
	/* a registered number called outside its validity is unregistered then */
	w->num[0].valid_from_ms = T0 + 1;
	r = report(TM_NUM, CALLEE, T0, TM_REPORT_NO_SOURCE);
	tm_report_classify(&r, &w->reg, NULL, 0, NULL, 0, &w->cfg, &cls);
	assert_true(cls.to_screening);
	assert_null(cls.business);
	w->num[0].valid_from_ms = 0;
}

/* ---- cases ---- */

static void test_cases_group_by_business(void **state)
{
	struct world *w = *state;
	struct tm_report r[5] = {
		report(TM_NUM2, CALLEE, T0 + 3 * MIN, TM_REPORT_NO_SOURCE),
		report(TM_NUM, CALLEE, T0 + 2 * MIN, TM_REPORT_NO_SOURCE),
		report(OTHER, CALLEE, T0, TM_REPORT_FRAUD),
		report(TM_NUM, CALLEE2, T0, TM_REPORT_AFTER_REFUSAL),
		report(TM_NUM2, CALLEE2, T0 + MIN, TM_REPORT_ABUSIVE),
	};
	uint64_t n2 = key_of(TM_NUM2);
	struct tm_disclosure log[] = {
		{ .business_id = 2, .caller_key = n2, .callee_key = key_of(CALLEE2), .at_ms = T0, .source = "s" },
	};
	struct tm_classification cls[5];
	for (int i = 0; i < 5; i++)
		tm_report_classify(&r[i], &w->reg, log, 1, NULL, 0, &w->cfg, &cls[i]);
	struct tm_case *cases = NULL;
	size_t n = 0;
	tm_cases_group(r, cls, 5, &cases, &n);
	assert_int_equal(n, 2);
	assert_int_equal(cases[0].business_id, 1);
	assert_int_equal(cases[0].n_reports, 2);
	assert_int_equal(cases[0].reports[0], 3);   /* by call time */
	assert_int_equal(cases[0].reports[1], 1);
	assert_int_equal(cases[0].n_prima_facie, 2);
	assert_int_equal(cases[0].violations, TM_V_NO_DISCLOSURE);
	assert_int_equal(cases[0].detected_ms, T0 + 5 * MIN);
	assert_int_equal(cases[0].last_filed_ms, T0 + 7 * MIN);
	assert_int_equal(cases[1].business_id, 2);
	assert_int_equal(cases[1].n_reports, 2);
	assert_int_equal(cases[1].n_prima_facie, 1);  /* the disclosed call is evidence, not a violation */
	tm_cases_free(cases, n);

	tm_cases_group(r, cls, 0, &cases, &n);
	assert_int_equal(n, 0);
	tm_cases_free(cases, n);
}

static void test_business_answers_only_its_own(void **state)
{
	(void)state;
	const char *reason = NULL;
	const char *text = "해당 고객은 2025-03 이벤트 응모 시 동의하였습니다.";
	assert_int_equal(tm_answer_check(1, 1, text, strlen(text), &reason), OMB_OK);
	assert_int_equal(tm_answer_check(2, 1, text, strlen(text), &reason), OMB_EPERM);
	assert_int_equal(tm_answer_check(1, 1, "", 0, &reason), OMB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_must_be_specific),
		cmocka_unit_test(test_report_init),
		cmocka_unit_test_setup_teardown(test_disclosure_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify_disclosed_and_undisclosed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify_do_not_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify_daily_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unregistered_feeds_screening, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cases_group_by_business, setup, teardown),
		cmocka_unit_test(test_business_answers_only_its_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
