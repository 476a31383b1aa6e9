/* events.h — call events (CSV or NDJSON, docs/formats.md) into
 * engine inputs.
 *
 * A parser is fed chunks of a file and calls back once per valid event and
 * once per bad line (line number and reason); a bad line is skipped and
 * parsing goes on. Checks: column count, every field's form, the event
 * kind, and time order (no event more than lateness_ms before the latest
 * one seen). Does no IO and keeps no event after its callback returns.
 * One parser per thread. */
#ifndef OMBUD_SCREEN_EVENTS_H
#define OMBUD_SCREEN_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "screen/screen.h"

enum events_format { EVENTS_CSV, EVENTS_NDJSON };
enum events_kind { EVENTS_ATTEMPT, EVENTS_END };

#define EVENTS_NAME_MAX 64   /* trunk and cell names, with the NUL */

/* One parsed event. attempt/end point into this struct's own buffers. */
struct events_event {
	enum events_kind kind;
	uint64_t line;
	char call_id[65];
	char trunk[EVENTS_NAME_MAX];
	char cell[EVENTS_NAME_MAX];
	struct screen_attempt attempt;   /* valid when kind == EVENTS_ATTEMPT */
	struct screen_end end;           /* valid when kind == EVENTS_END */
};

/* ev is borrowed for the call. Return 0 to go on, non-zero to stop. */
typedef int (*events_event_fn)(void *arg, const struct events_event *ev);
typedef void (*events_error_fn)(void *arg, uint64_t line, const char *reason);

struct events_parser;

/* default_cc: country of national-format numbers (82). Caller frees with
 * events_parser_free(). */
struct events_parser *events_parser_new(enum events_format fmt, int64_t lateness_ms, uint16_t default_cc,
					events_event_fn on_event, events_error_fn on_error, void *arg);
/* Feeds len bytes (any chunking). Returns 0, the callback's stop value, or
 * OMB_EINVAL when the CSV header lacks a required column (reported as an
 * error on line 1; nothing more is parsed). */
int events_parser_feed(struct events_parser *p, const char *data, size_t len);
int events_parser_finish(struct events_parser *p);
void events_parser_free(struct events_parser *p);

struct events_counts { uint64_t lines, events, attempts, ends, bad; };
void events_parser_counts(const struct events_parser *p, struct events_counts *out);

/* Parses a whole decimal int64 ("" or junk: -1). */
int events_parse_i64(const char *s, size_t len, int64_t *out);

#endif
