/* buf.h — a growable byte buffer with a ceiling set at creation.
 *
 * Growth past the ceiling is an error (OMB_ELIMIT), never an unbounded
 * realloc: HTTP bodies, rendered documents and query results all go through
 * this. The buffer keeps a NUL after the data so it can be used as a string. */
#ifndef OMBUD_BASE_BUF_H
#define OMBUD_BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;   /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;   /* ceiling for len */
	bool overflow; /* sticky: an append was refused */
};

void buf_init(struct buf *b, size_t max);
/* Appends n bytes; returns 0 or OMB_ELIMIT (and sets overflow, appends nothing). */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' escaped for HTML text and attributes. */
int buf_put_html(struct buf *b, const char *s);
/* Empties b and clears overflow, keeping its memory for the next appends. */
void buf_clear(struct buf *b);
/* Hands the data to the caller (caller frees; never NULL) and resets b. */
char *buf_steal(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
