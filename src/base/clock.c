/* clock.c — settable clock: real time plus an atomic offset. */
#include "base/clock.h"
#include "base/err.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t offset_ms;

int64_t clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load_explicit(&offset_ms, memory_order_relaxed);
}

int64_t clock_offset_ms(void)
{
	return atomic_load(&offset_ms);
}

int64_t clock_advance_ms(int64_t delta_ms)
{
	if (delta_ms > 0)
		atomic_fetch_add(&offset_ms, delta_ms);
	return clock_now_ms();
}

int64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Every log line and most JSON answers carry a time, and most fall in the
 * same second as the one before: each thread keeps its last second's
 * "YYYY-MM-DDTHH:MM:SS" and formats only the milliseconds. */
char *clock_format_iso(int64_t ms, char *buf, unsigned long size)
{
	static _Thread_local time_t last_secs = -1;
	static _Thread_local char last[64];
	time_t secs = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	if (secs != last_secs) {
		struct tm tm;
		gmtime_r(&secs, &tm);
		snprintf(last, sizeof last, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		last_secs = secs;
	}
	/* the milliseconds without printf: this runs for every log line */
	char full[sizeof last + 5];
	size_t len = strlen(last);
	memcpy(full, last, len);
	full[len++] = '.';
	full[len++] = (char)('0' + frac / 100);
	full[len++] = (char)('0' + frac / 10 % 10);
	full[len++] = (char)('0' + frac % 10);
	full[len++] = 'Z';
	if (size == 0)
		return buf;
	len = len < size ? len : size - 1; /* cut to fit, as snprintf would */
	memcpy(buf, full, len);
	buf[len] = '\0';
	return buf;
}

int clock_parse_iso(const char *s, int64_t *ms)
{
	struct tm tm = {0};
	int ms_part = 0, n = 0;
	size_t len = strlen(s);
	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || n != 10)
			return OMB_EINVAL;
	} else if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			  &tm.tm_min, &tm.tm_sec, &n) == 6 && n == 19) {
		int m = 0;
		if (s[n] == '.' && sscanf(s + n, ".%3d%n", &ms_part, &m) == 1 && m == 4)
			n += m;
		if (strcmp(s + n, "Z") != 0)
			return OMB_EINVAL;
	} else {
		return OMB_EINVAL;
	}
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return OMB_EINVAL;
	int year = tm.tm_year, mon = tm.tm_mon, mday = tm.tm_mday;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_year + 1900 != year || back.tm_mon + 1 != mon || back.tm_mday != mday)
		return OMB_EINVAL; /* 2026-02-30 and the like */
	*ms = (int64_t)t * 1000 + ms_part;
	return OMB_OK;
}
