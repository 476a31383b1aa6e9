/* test_privacy.c — read purposes, retention and erasure rules, consents. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "desk/privacy.h"

#define T0 1790000000000LL /* 2026-09 */

static void purposes_round_trip_and_unknown_ones_are_refused(void **state)
{
	(void)state;
	for (int p = PRIVACY_P_HANDLING; p < PRIVACY_P_COUNT; p++) {
		enum privacy_purpose back = 0;
		assert_int_equal(privacy_purpose_parse(privacy_purpose_name((enum privacy_purpose)p), &back), OMB_OK);
		assert_int_equal(back, p);
	}
	enum privacy_purpose out = PRIVACY_P_AUDIT;
	assert_int_equal(privacy_purpose_parse("curiosity", &out), OMB_EINVAL);
	assert_int_equal(privacy_purpose_parse("", &out), OMB_EINVAL);
	assert_int_equal(privacy_purpose_parse("HANDLING", &out), OMB_EINVAL);
	assert_int_equal(privacy_purpose_parse(NULL, &out), OMB_EINVAL);
	assert_int_equal(out, PRIVACY_P_AUDIT); /* untouched on failure */
	assert_string_equal(privacy_purpose_name(0), "unknown");
	assert_string_equal(privacy_purpose_name(PRIVACY_P_COUNT), "unknown");
}

static void each_read_has_a_default_purpose(void **state)
{
	(void)state;
	assert_int_equal(privacy_default_purpose(PRIVACY_READ_VIEW), PRIVACY_P_HANDLING);
	assert_int_equal(privacy_default_purpose(PRIVACY_READ_DOWNLOAD), PRIVACY_P_HANDLING);
	assert_int_equal(privacy_default_purpose(PRIVACY_READ_ATTACHMENT), PRIVACY_P_HANDLING);
	assert_int_equal(privacy_default_purpose(PRIVACY_READ_DOSSIER), PRIVACY_P_DOSSIER);
	assert_int_equal(privacy_default_purpose(PRIVACY_READ_EXPORT), PRIVACY_P_CUSTOMER_REQUEST);
	assert_string_equal(privacy_read_name(PRIVACY_READ_ATTACHMENT), "attachment");
	assert_string_equal(privacy_erasure_cause_name(PRIVACY_ERASED_RETENTION), "retention");
}

static void category_beats_organisation_beats_server(void **state)
{
	(void)state;
	assert_int_equal(privacy_retention_days(1095, 0, 0), 1095);
	assert_int_equal(privacy_retention_days(1095, 365, 0), 365);
	assert_int_equal(privacy_retention_days(1095, 365, 30), 30);
	assert_int_equal(privacy_retention_days(1095, 0, 30), 30);
	assert_true(privacy_retention_days_ok(1));
	assert_true(privacy_retention_days_ok(3650));
	assert_false(privacy_retention_days_ok(0));
	assert_false(privacy_retention_days_ok(-1));
	assert_false(privacy_retention_days_ok(3651));
}

static void retention_counts_from_the_closing(void **state)
{
	(void)state;
	struct desk_case c;
	memset(&c, 0, sizeof c);
	c.opened_ms = T0;
	c.status = DESK_OPEN;
	assert_int_equal(privacy_erase_due_ms(&c, 30), 0);
	c.status = DESK_ANSWERED;
	assert_int_equal(privacy_erase_due_ms(&c, 30), 0);
	c.status = DESK_CLOSED;
	c.closed_ms = T0 + 5 * CLOCK_MS_PER_DAY;
	assert_int_equal(privacy_erase_due_ms(&c, 30), T0 + 35 * CLOCK_MS_PER_DAY);
	/* re-opened: closed_ms is 0 again and nothing is due until the next close */
	c.status = DESK_OPEN;
	c.closed_ms = 0;
	assert_int_equal(privacy_erase_due_ms(&c, 30), 0);
	/* referred out (L5): counted from the referral */
	c.status = DESK_REFERRED;
	c.referred_ms = T0 + CLOCK_MS_PER_DAY;
	assert_int_equal(privacy_erase_due_ms(&c, 1), T0 + 2 * CLOCK_MS_PER_DAY);
}

static void only_a_finished_case_is_erased_on_request(void **state)
{
	(void)state;
	struct desk_case c;
	memset(&c, 0, sizeof c);
	const char *why = NULL;
	c.status = DESK_OPEN;
	assert_int_equal(privacy_erase_allowed(&c, &why), OMB_ECONFLICT);
	assert_non_null(why);
	c.status = DESK_ANSWERED;
	assert_int_equal(privacy_erase_allowed(&c, &why), OMB_ECONFLICT);
	c.status = DESK_CLOSED;
	assert_int_equal(privacy_erase_allowed(&c, &why), OMB_OK);
	c.status = DESK_REFERRED;
	assert_int_equal(privacy_erase_allowed(&c, &why), OMB_OK);
}

static void consents_and_wording_versions(void **state)
{
	(void)state;
	enum privacy_consent c = 0;
	assert_int_equal(privacy_consent_parse("survey", &c), OMB_OK);
	assert_int_equal(c, PRIVACY_C_SURVEY);
	assert_int_equal(privacy_consent_parse("marketing", &c), OMB_OK);
	assert_int_equal(c, PRIVACY_C_MARKETING);
	assert_int_equal(privacy_consent_parse("profiling", &c), OMB_EINVAL);
	assert_true(privacy_wording_ok("2026-11"));
	assert_true(privacy_wording_ok("v1.2_ko"));
	assert_true(privacy_wording_ok("12345678901234567890123456789012"));
	assert_false(privacy_wording_ok("123456789012345678901234567890123"));
	assert_false(privacy_wording_ok(""));
	assert_false(privacy_wording_ok(NULL));
	assert_false(privacy_wording_ok("v 1"));
	assert_false(privacy_wording_ok("동의서"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(purposes_round_trip_and_unknown_ones_are_refused),
		cmocka_unit_test(each_read_has_a_default_purpose),
		cmocka_unit_test(category_beats_organisation_beats_server),
		cmocka_unit_test(retention_counts_from_the_closing),
		cmocka_unit_test(only_a_finished_case_is_erased_on_request),
		cmocka_unit_test(consents_and_wording_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
