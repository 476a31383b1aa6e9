/* test_log.c — log lines in logfmt and JSON, value quoting and escaping,
 * the threshold, the line limit and held lines. stderr is captured through
 * a temp file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

static FILE *sink;
static int saved_stderr = -1;

static void capture_begin(void)
{
	sink = tmpfile();
	assert_non_null(sink);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(sink), STDERR_FILENO) >= 0);
}

/* Restores stderr and returns everything written meanwhile (caller frees). */
static char *capture_end(void)
{
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	off_t n = lseek(fileno(sink), 0, SEEK_END);
	assert_true(n >= 0);
	char *text = xcalloc(1, (size_t)n + 1);
	assert_int_equal(pread(fileno(sink), text, (size_t)n, 0), n);
	fclose(sink);
	return text;
}

/* The part after the timestamp field, which changes with the clock. */
static const char *after_ts(const char *line, const char *ts_prefix, char ts_end)
{
	assert_memory_equal(line, ts_prefix, strlen(ts_prefix));
	const char *end = strchr(line + strlen(ts_prefix), ts_end);
	assert_non_null(end);
	/* 2026-11-28T13:01:02.345Z */
	assert_int_equal(end - (line + strlen(ts_prefix)), 24);
	return end + 1;
}

static void logfmt_line(void **state)
{
	log_setup(LOG_DEBUG, LOG_LOGFMT);
	capture_begin();
	log_info(LOG_MSG("listening"), LOG_S("addr", "127.0.0.1"), LOG_I("port", 8080), LOG_I("neg", -5));
	char *out = capture_end();
	assert_string_equal(after_ts(out, "ts=", ' '), "level=info msg=listening addr=127.0.0.1 port=8080 neg=-5\n");
	free(out);
}

static void logfmt_quotes_and_escapes(void **state)
{
	log_setup(LOG_DEBUG, LOG_LOGFMT);
	capture_begin();
	log_warn(LOG_S("space", "a b"), LOG_S("quote", "say \"hi\""), LOG_S("eq", "k=v"), LOG_S("bs", "C:\\x"),
		 LOG_S("nl", "one\ntwo"), LOG_S("tab", "a\tb"), LOG_S("empty", ""), LOG_S("null", NULL),
		 LOG_S("ko", "한빛"));
	char *out = capture_end();
	assert_string_equal(after_ts(out, "ts=", ' '),
			    "level=warn space=\"a b\" quote=\"say \\\"hi\\\"\" eq=\"k=v\" bs=\"C:\\\\x\" "
			    "nl=\"one\\u000atwo\" tab=\"a\\u0009b\" empty=\"\" null=\"\" ko=한빛\n");
	assert_int_equal(strchr(out, '\n') - out, (long)strlen(out) - 1); /* one line */
	free(out);
}

static void logfmt_quotes_any_control_byte(void **state)
{
	log_setup(LOG_DEBUG, LOG_LOGFMT);
	capture_begin();
	log_info(LOG_S("esc", "\x1b[31mred"), LOG_S("del", "a\x7f"));
	char *out = capture_end();
	assert_string_equal(after_ts(out, "ts=", ' '), "level=info esc=\"\\u001b[31mred\" del=\"a\\u007f\"\n");
	free(out);
}

static void json_line(void **state)
{
	log_setup(LOG_DEBUG, LOG_JSON);
	capture_begin();
	log_error(LOG_MSG("store error"), LOG_S("q", "a \"b\"\\c\nd"), LOG_I("code", 19), LOG_S("plain", "x"),
		  LOG_S("null", NULL));
	char *out = capture_end();
	assert_string_equal(after_ts(out, "{\"ts\":\"", '"'),
			    ",\"level\":\"error\",\"msg\":\"store error\",\"q\":\"a \\\"b\\\"\\\\c\\u000ad\","
			    "\"code\":19,\"plain\":\"x\",\"null\":\"\"}\n");
	free(out);
	log_setup(LOG_INFO, LOG_LOGFMT);
}

static void threshold_drops_lower_levels(void **state)
{
	log_setup(LOG_WARN, LOG_LOGFMT);
	assert_false(log_enabled(LOG_DEBUG));
	assert_false(log_enabled(LOG_INFO));
	assert_true(log_enabled(LOG_WARN));
	assert_true(log_enabled(LOG_ERROR));
	capture_begin();
	log_debug(LOG_MSG("d"));
	log_info(LOG_MSG("i"));
	log_warn(LOG_MSG("w"));
	log_error(LOG_MSG("e"));
	char *out = capture_end();
	const char *second = strchr(out, '\n') + 1;
	assert_non_null(strstr(out, "level=warn msg=w\n"));
	assert_string_equal(after_ts(second, "ts=", ' '), "level=error msg=e\n");
	assert_null(strstr(out, "msg=i"));
	assert_null(strstr(out, "msg=d"));
	free(out);
	log_setup(LOG_INFO, LOG_LOGFMT);
}

static char *long_line(enum log_format format, const char *fill)
{
	log_setup(LOG_INFO, format);
	size_t n = strlen(fill), total = 6000 - 6000 % n;
	char *big = xmalloc(total + 1);
	for (size_t i = 0; i < total; i += n)
		memcpy(big + i, fill, n);
	big[total] = '\0';
	capture_begin();
	log_info(LOG_S("big", big), LOG_I("after", 7));
	free(big);
	return capture_end();
}

static void long_lines_are_cut_inside_the_value(void **state)
{
	char *out = long_line(LOG_LOGFMT, "x");
	size_t len = strlen(out);
	assert_true(len <= 4096 && len > 4000);
	assert_ptr_equal(strchr(out, '\n'), out + len - 1);     /* one line */
	assert_non_null(strstr(out, " big=xxx"));
	assert_non_null(strstr(out, " truncated=1\n"));           /* says so */
	free(out);
	out = long_line(LOG_JSON, "한");                          /* 3-byte characters */
	json_error_t jerr;
	json_t *j = json_loads(out, 0, &jerr);
	assert_non_null(j);                                       /* still one valid record */
	const char *big = json_string_value(json_object_get(j, "big"));
	assert_non_null(big);
	assert_int_equal(strlen(big) % 3, 0);                     /* never half a character */
	assert_true(json_is_true(json_object_get(j, "truncated")));
	json_decref(j);
	free(out);
	log_setup(LOG_INFO, LOG_LOGFMT);
}

static void parses_levels_and_formats(void **state)
{
	enum log_level level = LOG_DEBUG;
	enum log_format format = LOG_LOGFMT;
	assert_int_equal(log_level_parse("error", &level), OMB_OK);
	assert_int_equal(level, LOG_ERROR);
	assert_int_equal(log_level_parse("debug", &level), OMB_OK);
	assert_int_equal(level, LOG_DEBUG);
	assert_int_equal(log_level_parse("INFO", &level), OMB_EINVAL);
	assert_int_equal(log_level_parse("", &level), OMB_EINVAL);
	assert_int_equal(level, LOG_DEBUG);
	assert_int_equal(log_format_parse("json", &format), OMB_OK);
	assert_int_equal(format, LOG_JSON);
	assert_int_equal(log_format_parse("logfmt", &format), OMB_OK);
	assert_int_equal(format, LOG_LOGFMT);
	assert_int_equal(log_format_parse("text", &format), OMB_EINVAL);
}

/* Bytes written to the captured stderr so far. */
static off_t written(void)
{
	off_t n = lseek(fileno(sink), 0, SEEK_END);
	assert_true(n >= 0);
	return n;
}

/* The msg= values of the captured lines, in order, ';'-separated. */
static void msgs_of(const char *out, char *buf, size_t size)
{
	buf[0] = '\0';
	for (const char *p = strstr(out, "msg="); p; p = strstr(p + 4, "msg="))
		snprintf(buf + strlen(buf), size - strlen(buf), "%.*s;", (int)strcspn(p + 4, " \n"), p + 4);
}

static void held_lines_wait_and_keep_their_order(void **state)
{
	log_setup(LOG_INFO, LOG_LOGFMT);
	capture_begin();
	assert_int_equal(log_hold_start(600000), OMB_OK); /* a timer that never fires here */
	assert_int_equal(log_hold_start(600000), OMB_EINVAL);
	log_info_held(LOG_MSG("a"));
	log_info_held(LOG_MSG("b"));
	assert_int_equal(written(), 0);
	log_warn(LOG_MSG("c"));       /* goes out after the lines held before it */
	off_t after_c = written();
	assert_true(after_c > 0);
	log_info_held(LOG_MSG("d"));
	log_debug(LOG_MSG("below"));  /* dropped by the threshold: writes nothing */
	assert_int_equal(written(), after_c);
	log_hold_stop();              /* writes d */
	log_info_held(LOG_MSG("e")); /* no hold: at once */
	char *out = capture_end();
	char msgs[64];
	msgs_of(out, msgs, sizeof msgs);
	assert_string_equal(msgs, "a;b;c;d;e;");
	free(out);
}

static void a_full_block_is_written_whole_lines(void **state)
{
	log_setup(LOG_INFO, LOG_LOGFMT);
	capture_begin();
	assert_int_equal(log_hold_start(600000), OMB_OK);
	char pad[1001];
	memset(pad, 'p', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	int n = 0;
	while (written() == 0 && n < 1000)
		log_info_held(LOG_MSG("held"), LOG_I("n", n++), LOG_S("pad", pad));
	assert_true(n > 1 && n < 1000); /* the block filled and went out before the stop */
	log_hold_stop();
	char *out = capture_end();
	int lines = 0;
	for (const char *p = out; (p = strstr(p, "msg=held n=")); p++) {
		assert_int_equal(atoi(p + 11), lines++);
		assert_memory_equal(strchr(p, '\n') - 5, "ppppp", 5); /* never cut */
	}
	assert_int_equal(lines, n);
	free(out);
}

static void the_timer_writes_held_lines(void **state)
{
	log_setup(LOG_INFO, LOG_LOGFMT);
	capture_begin();
	assert_int_equal(log_hold_start(10), OMB_OK);
	log_info_held(LOG_MSG("timed"));
	for (int i = 0; i < 500 && written() == 0; i++)
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	off_t n = written();
	log_hold_stop();
	char *out = capture_end();
	assert_true(n > 0); /* out before the stop, with nothing else logged */
	assert_non_null(strstr(out, "msg=timed\n"));
	free(out);
}

#define WRITERS 4
#define PER_WRITER 3000

static void *writer_main(void *arg)
{
	int id = (int)(intptr_t)arg;
	for (int i = 0; i < PER_WRITER; i++) {
		if (i % 500 == 0) /* now and then a line that goes out at once */
			log_warn(LOG_MSG("now"), LOG_I("w", id), LOG_I("i", i));
		else
			log_info_held(LOG_MSG("held"), LOG_I("w", id), LOG_I("i", i));
	}
	return NULL;
}

/* Threads fill blocks while the flusher's timer swaps them every
 * millisecond: every line comes out once, whole, and each thread's lines in
 * the order it made them. */
static void threads_lose_and_reorder_nothing(void **state)
{
	log_setup(LOG_INFO, LOG_LOGFMT);
	capture_begin();
	assert_int_equal(log_hold_start(1), OMB_OK);
	pthread_t t[WRITERS];
	for (int w = 0; w < WRITERS; w++)
		assert_int_equal(pthread_create(&t[w], NULL, writer_main, (void *)(intptr_t)w), 0);
	for (int w = 0; w < WRITERS; w++)
		pthread_join(t[w], NULL);
	log_hold_stop();
	char *out = capture_end();
	int next[WRITERS] = {0};
	for (const char *p = out; (p = strstr(p, " w=")); p++) {
		int w = atoi(p + 3);
		const char *i = strstr(p, " i=");
		assert_true(w >= 0 && w < WRITERS && i);
		assert_int_equal(atoi(i + 3), next[w]++);
	}
	for (int w = 0; w < WRITERS; w++)
		assert_int_equal(next[w], PER_WRITER);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logfmt_line),
		cmocka_unit_test(logfmt_quotes_and_escapes),
		cmocka_unit_test(logfmt_quotes_any_control_byte),
		cmocka_unit_test(json_line),
		cmocka_unit_test(threshold_drops_lower_levels),
		cmocka_unit_test(long_lines_are_cut_inside_the_value),
		cmocka_unit_test(parses_levels_and_formats),
		cmocka_unit_test(held_lines_wait_and_keep_their_order),
		cmocka_unit_test(a_full_block_is_written_whole_lines),
		cmocka_unit_test(the_timer_writes_held_lines),
		cmocka_unit_test(threads_lose_and_reorder_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
