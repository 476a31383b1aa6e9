/* csvrows.h — RFC 4180 rows with line numbers, over libcsv, fed in chunks.
 *
 * Hands each row (the header included) to a callback with the physical
 * line where the row ends. Fields are NUL-terminated and borrowed for the
 * callback only. Bounded: a field longer than CSVROWS_MAX_FIELD or a row
 * with more than CSVROWS_MAX_COLS columns is passed with err set and no
 * fields. One reader per thread; no global state. */
#ifndef OMBUD_SCREEN_CSVROWS_H
#define OMBUD_SCREEN_CSVROWS_H

#include <stddef.h>
#include <stdint.h>

#define CSVROWS_MAX_FIELD 4096
#define CSVROWS_MAX_COLS 64

/* Returns 0 to go on, non-zero to stop the feed (returned by feed/finish). */
typedef int (*csvrows_row_fn)(void *arg, uint64_t line, const char *const *fields, const size_t *lens,
			      size_t n, const char *err);

struct csvrows;

/* Caller frees with csvrows_free(). */
struct csvrows *csvrows_new(csvrows_row_fn fn, void *arg);
/* Feeds len bytes (any chunking). Returns 0 or the callback's stop value. */
int csvrows_feed(struct csvrows *r, const char *data, size_t len);
/* Ends the input: a last row without a newline is delivered. */
int csvrows_finish(struct csvrows *r);
void csvrows_free(struct csvrows *r);

/* Index of name in a header row, or -1. */
int csvrows_column(const char *const *fields, size_t n, const char *name);

#endif
