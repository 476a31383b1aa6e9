/* test_mem.c — the allocation helpers: xgrow's doubling, and the strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static void grow_doubles_only_when_full(void **state)
{
	int *items = NULL;
	size_t n = 0, cap = 0;
	for (int i = 0; i < 100; i++) {
		items = xgrow(items, n, &cap, sizeof *items, 4);
		items[n++] = i;
		assert_true(n <= cap);
	}
	assert_int_equal(cap, 128); /* 4, 8, ..., 128 */
	for (int i = 0; i < 100; i++)
		assert_int_equal(items[i], i);
	int *same = xgrow(items, 50, &cap, sizeof *items, 4);
	assert_ptr_equal(same, items); /* room left: nothing moves */
	assert_int_equal(cap, 128);
	free(items);
}

static void strings_are_copied(void **state)
{
	char *s = xstrndup("0101234", 3);
	assert_string_equal(s, "010");
	free(s);
	s = xasprintf("%s-%04d", "010", 12);
	assert_string_equal(s, "010-0012");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grow_doubles_only_when_full),
		cmocka_unit_test(strings_are_copied),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
