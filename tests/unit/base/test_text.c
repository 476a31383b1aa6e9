/* test_text.c — NFKC, case folding and white space. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

static void check(const char *in, const char *want)
{
	size_t n = 0;
	char *out = text_normalize(in, strlen(in), &n);
	assert_non_null(out);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	free(out);
}

static void folds_width_case_and_space(void **state)
{
	check("Hello  World", "hello world");
	check("ＡＢＣ１２３", "abc123");                  /* full-width forms */
	check("  안녕하세요\u3000고객님  ", "안녕하세요 고객님"); /* ideographic space */
	check("STRASSE Straße", "strasse strasse");
	check("\u1100\u1161", "가");                      /* conjoining jamo compose */
	check("㈜한빛", "(주)한빛");                       /* compatibility form */
	check("line\n\tbreak", "line break");
	check("", "");
}

static void rejects_invalid_utf8(void **state)
{
	assert_null(text_normalize("\xff\xfe", 2, NULL));
	assert_null(text_normalize("ok\xc3", 3, NULL));
}

static void clean_utf8(void **state)
{
	assert_true(text_is_clean_utf8("고객 센터\n", strlen("고객 센터\n")));
	assert_false(text_is_clean_utf8("a\0b", 3));
	assert_false(text_is_clean_utf8("bell\a", 5));
	assert_false(text_is_clean_utf8("\xc3\x28", 2));
	assert_int_equal(text_char_count("한빛은행", strlen("한빛은행")), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folds_width_case_and_space),
		cmocka_unit_test(rejects_invalid_utf8),
		cmocka_unit_test(clean_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
