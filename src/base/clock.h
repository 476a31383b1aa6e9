/* clock.h — the one source of "now" for ombud.
 *
 * Deadlines, sweeps, expiries and logs read time here, never from time()
 * directly, so tests can move time without sleeping. The clock is real time
 * plus an offset that only grows; moving it is thread-safe and takes effect
 * for every thread at once. Time is milliseconds since the Unix epoch (UTC). */
#ifndef OMBUD_BASE_CLOCK_H
#define OMBUD_BASE_CLOCK_H

#include <stdint.h>

#define CLOCK_MS_PER_S    1000LL
#define CLOCK_MS_PER_HOUR (3600LL * 1000)
#define CLOCK_MS_PER_DAY  (24LL * 3600 * 1000)

int64_t clock_now_ms(void);          /* wall clock plus the offset */
int64_t clock_offset_ms(void);       /* the current offset, 0 unless moved */
/* Moves the clock forward by delta_ms (>= 0); returns the new now. Time never
 * goes backwards, so a negative delta is ignored. */
int64_t clock_advance_ms(int64_t delta_ms);
int64_t clock_mono_ns(void);         /* monotonic, for measuring durations only */

/* Writes now as ISO 8601 UTC with milliseconds ("2026-11-28T13:01:02.345Z")
 * into buf (at least 25 bytes). Returns buf. */
char *clock_format_iso(int64_t ms, char *buf, unsigned long size);
/* Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SS[.mmm]Z".
 * Returns 0 and sets *ms, or OMB_EINVAL. */
int clock_parse_iso(const char *s, int64_t *ms);

#endif
