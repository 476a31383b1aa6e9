/* test_clock.c — the settable clock and ISO dates. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/err.h"

static void advance_moves_now_and_never_back(void **state)
{
	int64_t before = clock_now_ms();
	int64_t after = clock_advance_ms(3 * CLOCK_MS_PER_DAY);
	assert_true(after - before >= 3 * CLOCK_MS_PER_DAY);
	assert_true(clock_offset_ms() >= 3 * CLOCK_MS_PER_DAY);
	int64_t offset = clock_offset_ms();
	clock_advance_ms(-CLOCK_MS_PER_DAY);
	assert_int_equal(clock_offset_ms(), offset);
}

static void iso_round_trip(void **state)
{
	char buf[32];
	int64_t ms = 0;
	assert_int_equal(clock_parse_iso("2026-11-28T13:01:02.345Z", &ms), OMB_OK);
	assert_int_equal(ms, 1795870862345LL);
	assert_string_equal(clock_format_iso(ms, buf, sizeof buf), "2026-11-28T13:01:02.345Z");
	assert_int_equal(clock_parse_iso("2026-01-01", &ms), OMB_OK);
	assert_string_equal(clock_format_iso(ms, buf, sizeof buf), "2026-01-01T00:00:00.000Z");
	assert_string_equal(clock_format_iso(ms + 7, buf, sizeof buf), "2026-01-01T00:00:00.007Z");
	assert_string_equal(clock_format_iso(ms + 1040, buf, sizeof buf), "2026-01-01T00:00:01.040Z");
	assert_string_equal(clock_format_iso(ms - 1, buf, sizeof buf), "2025-12-31T23:59:59.999Z");
	assert_string_equal(clock_format_iso(ms + 1040, buf, 11), "2026-01-01"); /* cut to fit */
}

static void iso_rejects_bad_dates(void **state)
{
	int64_t ms;
	const char *bad[] = {"", "2026", "2026-02-30", "2026-13-01", "2026-11-28T25:00:00Z", "2026-11-28 13:00:00",
			     "2026-11-28T13:00:00", "2026-11-28T13:00:00.1Z", "2026-11-28T13:00:00Zjunk"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(clock_parse_iso(bad[i], &ms), OMB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(advance_moves_now_and_never_back),
		cmocka_unit_test(iso_round_trip),
		cmocka_unit_test(iso_rejects_bad_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
