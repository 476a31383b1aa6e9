/* test_receipt.c — receipt numbers and access codes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "base/err.h"
#include "desk/receipt.h"

static void format_and_parse_round_trip(void **state)
{
	(void)state;
	struct receipt r = { "KB", 2026, 123 }, back;
	char buf[RECEIPT_LEN_MAX + 1];
	assert_int_equal(receipt_format(&r, buf, sizeof buf), 0);
	assert_string_equal(buf, "KB-2026-0000123");
	assert_int_equal(receipt_parse(buf, &back), 0);
	assert_string_equal(back.org, "KB");
	assert_int_equal(back.year, 2026);
	assert_int_equal(back.serial, 123);
	struct receipt longest = { "ABCDEFG8", 9999, RECEIPT_SERIAL_MAX };
	assert_int_equal(receipt_format(&longest, buf, sizeof buf), 0);
	assert_int_equal(strlen(buf), RECEIPT_LEN_MAX);
}

static void parse_is_forgiving_about_case_and_space(void **state)
{
	(void)state;
	struct receipt r;
	assert_int_equal(receipt_parse("  kb-2026-0000123\n", &r), 0);
	assert_string_equal(r.org, "KB");
	assert_int_equal(r.serial, 123);
}

static void bad_numbers_are_rejected(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "KB", "KB-2026", "KB-2026-123", "KB-2026-00001234", "K-2026-0000123",
		"1B-2026-0000123", "KB_2026-0000123", "KB-1999-0000123", "KB-2026-0000000",
		"ABCDEFGHI-2026-0000123", "KB-2026-0000123x", "KB--2026-0000123", "K B-2026-0000123",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct receipt r;
		if (receipt_parse(bad[i], &r) != OMB_EINVAL)
			fail_msg("accepted %s", bad[i]);
	}
	char buf[RECEIPT_LEN_MAX + 1];
	struct receipt zero = { "KB", 2026, 0 }, big = { "KB", 2026, RECEIPT_SERIAL_MAX + 1 }, low = { "kb", 2026, 1 };
	assert_int_equal(receipt_format(&zero, buf, sizeof buf), OMB_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(receipt_format(&big, buf, sizeof buf), OMB_EINVAL);
	assert_int_equal(receipt_format(&low, buf, sizeof buf), OMB_EINVAL);
	struct receipt ok = { "KB", 2026, 1 };
	assert_int_equal(receipt_format(&ok, buf, 10), OMB_EINVAL);
}

static void access_codes_avoid_look_alikes(void **state)
{
	(void)state;
	char a[RECEIPT_CODE_LEN + 1], b[RECEIPT_CODE_LEN + 1];
	receipt_access_code_new(a);
	receipt_access_code_new(b);
	assert_int_equal(strlen(a), RECEIPT_CODE_LEN);
	assert_string_not_equal(a, b);
	for (int i = 0; i < 200; i++) {
		receipt_access_code_new(a);
		assert_null(strpbrk(a, "01OILoil"));
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_and_parse_round_trip),
		cmocka_unit_test(parse_is_forgiving_about_case_and_space),
		cmocka_unit_test(bad_numbers_are_rejected),
		cmocka_unit_test(access_codes_avoid_look_alikes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
