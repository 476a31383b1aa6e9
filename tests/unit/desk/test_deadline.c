/* test_deadline.c — due times over calendar and business hours. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/err.h"
#include "desk/deadline.h"
#include "desk_fixtures.h"

static struct deadline_policy business(void)
{
	struct deadline_policy p;
	deadline_policy_default(&p);
	p.cal.business = true;
	return p;
}

static void calendar_hours_add_plainly(void **state)
{
	(void)state;
	struct deadline_policy p;
	deadline_policy_default(&p);
	int64_t sat_night = T0 + 5 * DAY + 13 * HOUR;
	assert_int_equal(deadline_due(&p.cal, sat_night, 24 * HOUR), sat_night + 24 * HOUR);
	assert_int_equal(deadline_due_days(&p.cal, sat_night, 14), sat_night + 14 * DAY);
}

static void business_hours_count_only_open_time(void **state)
{
	(void)state;
	struct deadline_policy p = business();
	/* Mon 10:00 + 24 open hours: Mon 8 h, Tue 9 h, Wed 7 h -> Wed 16:00 KST. */
	assert_int_equal(deadline_due(&p.cal, T0, 24 * HOUR), T0 + 2 * DAY + 6 * HOUR);
	/* Nine hours from Monday's opening end exactly at Monday's closing. */
	assert_int_equal(deadline_due(&p.cal, T0 - HOUR, 9 * HOUR), T0 + 8 * HOUR);
	/* Friday 20:00 KST + 1 h: the weekend does not count -> Monday 10:00. */
	assert_int_equal(deadline_due(&p.cal, T0 + 4 * DAY + 10 * HOUR, HOUR), T0 + 7 * DAY);
	/* Saturday noon + 30 min -> Monday 09:30. */
	assert_int_equal(deadline_due(&p.cal, T0 + 5 * DAY + 2 * HOUR, HOUR / 2), T0 + 7 * DAY - HOUR / 2);
}

static void holidays_do_not_count(void **state)
{
	(void)state;
	struct deadline_policy p = business();
	static const int32_t holidays[] = { 20260302 }; /* substitute holiday for 3.1 */
	p.cal.holidays = holidays;
	p.cal.n_holidays = 1;
	assert_int_equal(deadline_due(&p.cal, T0, HOUR), T0 + DAY);
	assert_int_equal(deadline_policy_check(&p, &(const char *){ NULL }), 0);
}

static void business_days_for_final_answer(void **state)
{
	(void)state;
	struct deadline_policy p = business();
	/* From Monday 2 March, the 14th business day is Friday 20 March, 18:00 KST. */
	assert_int_equal(deadline_due_days(&p.cal, T0, 14), T0 + 18 * DAY + 8 * HOUR);
	static const int32_t holidays[] = { 20260304 };
	p.cal.holidays = holidays;
	p.cal.n_holidays = 1;
	assert_int_equal(deadline_due_days(&p.cal, T0, 14), T0 + 21 * DAY + 8 * HOUR);
}

static void negative_offsets_work(void **state)
{
	(void)state;
	struct deadline_policy p = business();
	p.cal.utc_offset_min = -5 * 60;
	int64_t monday_13z = T0 + 12 * HOUR; /* 08:00 at UTC-5 */
	assert_int_equal(deadline_due(&p.cal, monday_13z, HOUR), monday_13z + 2 * HOUR);
}

static void closed_calendar_never_falls_due(void **state)
{
	(void)state;
	struct deadline_policy p = business();
	for (int d = 0; d < 7; d++)
		p.cal.week[d] = (struct deadline_hours){ 0, 0 };
	assert_true(deadline_due(&p.cal, T0, HOUR) == DEADLINE_NEVER);
	assert_true(deadline_due_days(&p.cal, T0, 1) == DEADLINE_NEVER);
	const char *why = NULL;
	assert_int_equal(deadline_policy_check(&p, &why), OMB_EINVAL);
	assert_non_null(why);
}

static void policy_check_names_bad_fields(void **state)
{
	(void)state;
	const char *why = NULL;
	struct deadline_policy p;
	deadline_policy_default(&p);
	assert_int_equal(deadline_policy_check(&p, &why), 0);
	p.cal.utc_offset_min = 15 * 60;
	assert_int_equal(deadline_policy_check(&p, &why), OMB_EINVAL);
	deadline_policy_default(&p);
	p.level_answer_hours[LADDER_L3] = 0;
	assert_int_equal(deadline_policy_check(&p, &why), OMB_EINVAL);
	deadline_policy_default(&p);
	p.final_answer_days = 0;
	assert_int_equal(deadline_policy_check(&p, &why), OMB_EINVAL);
	deadline_policy_default(&p);
	p.cal.week[2].close_min = 25 * 60;
	assert_int_equal(deadline_policy_check(&p, &why), OMB_EINVAL);
	static const int32_t bad[] = { 20250229 };
	static const int32_t leap[] = { 20240229 };
	deadline_policy_default(&p);
	p.cal.holidays = bad;
	p.cal.n_holidays = 1;
	assert_int_equal(deadline_policy_check(&p, &why), OMB_EINVAL);
	p.cal.holidays = leap;
	assert_int_equal(deadline_policy_check(&p, &why), 0);
}

static void durations_per_kind_and_level(void **state)
{
	(void)state;
	struct deadline_policy p;
	deadline_policy_default(&p);
	p.level_answer_hours[LADDER_L3] = 48;
	p.level_answer_hours[LADDER_L4] = 96;
	assert_int_equal(deadline_for(&p, DEADLINE_FIRST_ANSWER, LADDER_L1, T0), T0 + 24 * HOUR);
	assert_int_equal(deadline_for(&p, DEADLINE_RESPONSIBLE_CONTACT, LADDER_L2, T0), T0 + 24 * HOUR);
	assert_int_equal(deadline_for(&p, DEADLINE_LEVEL_ANSWER, LADDER_L2, T0), T0 + 72 * HOUR);
	assert_int_equal(deadline_for(&p, DEADLINE_LEVEL_ANSWER, LADDER_L3, T0), T0 + 48 * HOUR);
	assert_int_equal(deadline_for(&p, DEADLINE_LEVEL_ANSWER, LADDER_L5, T0), T0 + 96 * HOUR);
	assert_int_equal(deadline_for(&p, DEADLINE_FINAL_ANSWER, LADDER_L1, T0), T0 + 14 * DAY);
	assert_true(deadline_for(&p, DEADLINE_NONE, LADDER_L1, T0) == DEADLINE_NEVER);
	assert_string_equal(deadline_kind_name(DEADLINE_RESPONSIBLE_CONTACT), "responsible_contact");
}

static void weekday_hours_read_and_written_as_text(void **state)
{
	(void)state;
	struct deadline_hours h;
	char text[DEADLINE_HOURS_TEXT];
	assert_int_equal(deadline_hours_parse("09:00-18:00", &h), 0);
	assert_int_equal(h.open_min, 540);
	assert_int_equal(h.close_min, 1080);
	deadline_hours_format(&h, text);
	assert_string_equal(text, "09:00-18:00");
	assert_int_equal(deadline_hours_parse("00:00-24:00", &h), 0);
	assert_int_equal(h.close_min, 1440);
	assert_int_equal(deadline_hours_parse("closed", &h), 0);
	deadline_hours_format(&h, text);
	assert_string_equal(text, "closed");
	const char *bad[] = {"", "9:00-18:00", "18:00-09:00", "09:00-09:00", "24:00-24:30", "09:60-18:00",
			     "09:00-18:00x", "09:00 18:00", "open", " 9:00-18:00", "09:00-+8:00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(deadline_hours_parse(bad[i], &h), OMB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calendar_hours_add_plainly),
		cmocka_unit_test(business_hours_count_only_open_time),
		cmocka_unit_test(holidays_do_not_count),
		cmocka_unit_test(business_days_for_final_answer),
		cmocka_unit_test(negative_offsets_work),
		cmocka_unit_test(closed_calendar_never_falls_due),
		cmocka_unit_test(policy_check_names_bad_fields),
		cmocka_unit_test(durations_per_kind_and_level),
		cmocka_unit_test(weekday_hours_read_and_written_as_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
