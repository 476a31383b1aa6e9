/* test_buf.c — the bounded buffer: ceiling, sticky overflow, formatting,
 * HTML escaping and handing the data over. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"

static void appends_and_keeps_a_nul(void **state)
{
	struct buf b;
	buf_init(&b, 64);
	assert_null(b.data);
	assert_int_equal(buf_append(&b, "ab\0cd", 5), OMB_OK);
	assert_int_equal(buf_puts(&b, "ef"), OMB_OK);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "ab\0cdef", 8); /* the trailing NUL included */
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 64);
}

static void grows_past_the_first_block(void **state)
{
	struct buf b;
	buf_init(&b, 100000);
	char chunk[100];
	memset(chunk, 'x', sizeof chunk);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_append(&b, chunk, sizeof chunk), OMB_OK);
	assert_int_equal(b.len, 100000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[99999], 'x');
	assert_int_equal(b.data[100000], '\0');
	buf_free(&b);
}

static void ceiling_is_exact_and_overflow_sticky(void **state)
{
	struct buf b;
	buf_init(&b, 5);
	assert_int_equal(buf_puts(&b, "abcde"), OMB_OK); /* exactly the ceiling fits */
	assert_false(b.overflow);
	assert_int_equal(buf_puts(&b, "f"), OMB_ELIMIT);
	assert_true(b.overflow);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "abcde");
	/* Once refused, even an empty append is refused: callers check once at the end. */
	assert_int_equal(buf_append(&b, "", 0), OMB_ELIMIT);
	buf_free(&b);
	assert_false(b.overflow);

	buf_init(&b, 4);
	assert_int_equal(buf_puts(&b, "abcdefgh"), OMB_ELIMIT); /* refused whole, nothing appended */
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_puts(&b, "ab"), OMB_ELIMIT);
	buf_free(&b);
}

static void clear_empties_and_keeps_the_memory(void **state)
{
	struct buf b;
	buf_init(&b, 5);
	assert_int_equal(buf_puts(&b, "abcde"), OMB_OK);
	assert_int_equal(buf_puts(&b, "f"), OMB_ELIMIT);
	char *mem = b.data;
	buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_false(b.overflow);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_puts(&b, "xyz"), OMB_OK); /* the ceiling holds again from empty */
	assert_ptr_equal(b.data, mem);
	assert_string_equal(b.data, "xyz");
	buf_free(&b);
	buf_clear(&b); /* nothing held: still fine */
	assert_int_equal(b.len, 0);
}

static void printf_formats_and_respects_ceiling(void **state)
{
	struct buf b;
	buf_init(&b, 32);
	assert_int_equal(buf_printf(&b, "%s=%d;", "n", 42), OMB_OK);
	assert_int_equal(buf_printf(&b, "%05.1f", 3.14159), OMB_OK);
	assert_string_equal(b.data, "n=42;003.1");
	assert_int_equal(b.len, strlen("n=42;003.1"));
	assert_int_equal(buf_printf(&b, "%030d", 7), OMB_ELIMIT);
	assert_true(b.overflow);
	assert_string_equal(b.data, "n=42;003.1");
	buf_free(&b);
}

static void html_escapes_every_special(void **state)
{
	struct buf b;
	buf_init(&b, 256);
	assert_int_equal(buf_put_html(&b, "<a href=\"x\">Tom & 'Jerry'</a>"), OMB_OK);
	assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
	buf_free(&b);

	buf_init(&b, 256);
	assert_int_equal(buf_put_html(&b, "한빛은행 고객센터"), OMB_OK); /* UTF-8 passes through */
	assert_string_equal(b.data, "한빛은행 고객센터");
	assert_int_equal(buf_put_html(&b, ""), OMB_OK);
	assert_int_equal(buf_put_html(&b, "&&"), OMB_OK);
	assert_string_equal(b.data, "한빛은행 고객센터&amp;&amp;");
	buf_free(&b);
}

static void html_reports_overflow_in_the_middle(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	/* "a&amp;" fits (6 bytes); the next escape does not. */
	assert_int_equal(buf_put_html(&b, "a&b<c"), OMB_ELIMIT);
	assert_true(b.overflow);
	assert_string_equal(b.data, "a&amp;b"); /* what fitted stays; no half escape */
	buf_free(&b);
}

static void steal_hands_over_and_resets(void **state)
{
	struct buf b;
	buf_init(&b, 16);
	size_t len = 99;
	char *empty = buf_steal(&b, &len);
	assert_non_null(empty);
	assert_string_equal(empty, "");
	assert_int_equal(len, 0);
	free(empty);

	buf_puts(&b, "hello");
	char *s = buf_steal(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 16);
	assert_int_equal(buf_puts(&b, "again"), OMB_OK); /* b is reusable */
	assert_string_equal(s, "hello");                /* and no longer shares s */
	free(s);
	char *t = buf_steal(&b, NULL);
	assert_string_equal(t, "again");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appends_and_keeps_a_nul),
		cmocka_unit_test(grows_past_the_first_block),
		cmocka_unit_test(ceiling_is_exact_and_overflow_sticky),
		cmocka_unit_test(clear_empties_and_keeps_the_memory),
		cmocka_unit_test(printf_formats_and_respects_ceiling),
		cmocka_unit_test(html_escapes_every_special),
		cmocka_unit_test(html_reports_overflow_in_the_middle),
		cmocka_unit_test(steal_hands_over_and_resets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
