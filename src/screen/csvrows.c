/* csvrows.c — libcsv fed one physical line at a time, so that every row
 * callback knows its line number, with bounded field storage. */
#include "screen/csvrows.h"

#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

struct csvrows {
	struct csv_parser csv;
	csvrows_row_fn fn;
	void *arg;
	uint64_t line;
	int stop;
	const char *err;              /* first problem of the current row */
	char *buf;                    /* the row's fields, back to back */
	size_t used;
	size_t offs[CSVROWS_MAX_COLS], lens[CSVROWS_MAX_COLS];
	size_t n;
	char *partial;                /* an incomplete line carried between feeds */
	size_t partial_len, partial_cap;
};

#define ROW_BYTES (CSVROWS_MAX_COLS * (CSVROWS_MAX_FIELD + 1))

static void on_field(void *s, size_t len, void *data)
{
	struct csvrows *r = data;
	if (r->err)
		return;
	if (r->n == CSVROWS_MAX_COLS) {
		r->err = "too many columns";
		return;
	}
	if (len > CSVROWS_MAX_FIELD) {
		r->err = "field too long";
		return;
	}
	r->offs[r->n] = r->used;
	r->lens[r->n] = len;
	memcpy(r->buf + r->used, s ? s : "", len);
	r->buf[r->used + len] = '\0';
	r->used += len + 1;
	r->n++;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct csvrows *r = data;
	const char *fields[CSVROWS_MAX_COLS];
	for (size_t i = 0; i < r->n; i++)
		fields[i] = r->buf + r->offs[i];
	if (!r->stop)
		r->stop = r->fn(r->arg, r->line, fields, r->lens, r->err ? 0 : r->n, r->err);
	r->n = 0;
	r->used = 0;
	r->err = NULL;
}

struct csvrows *csvrows_new(csvrows_row_fn fn, void *arg)
{
	struct csvrows *r = xcalloc(1, sizeof *r);
	if (csv_init(&r->csv, 0) != 0)
		abort(); /* only fails on OOM */
	r->fn = fn;
	r->arg = arg;
	r->buf = xmalloc(ROW_BYTES);
	return r;
}

void csvrows_free(struct csvrows *r)
{
	if (!r)
		return;
	csv_free(&r->csv);
	free(r->buf);
	free(r->partial);
	free(r);
}

static void parse_line(struct csvrows *r, const char *s, size_t len)
{
	r->line++;
	csv_parse(&r->csv, s, len, on_field, on_row, r);
}

int csvrows_feed(struct csvrows *r, const char *data, size_t len)
{
	while (len && !r->stop) {
		const char *nl = memchr(data, '\n', len);
		if (!nl) {
			if (r->partial_len + len > r->partial_cap) {
				r->partial_cap = (r->partial_len + len) * 2;
				r->partial = xrealloc(r->partial, r->partial_cap);
			}
			memcpy(r->partial + r->partial_len, data, len);
			r->partial_len += len;
			break;
		}
		size_t n = (size_t)(nl - data) + 1;
		if (r->partial_len) {
			/* the line began in an earlier feed: libcsv keeps its own state,
			 * so the carried part is parsed first without counting a line */
			csv_parse(&r->csv, r->partial, r->partial_len, on_field, on_row, r);
			r->partial_len = 0;
		}
		parse_line(r, data, n);
		data += n;
		len -= n;
	}
	return r->stop;
}

int csvrows_finish(struct csvrows *r)
{
	if (r->partial_len && !r->stop) {
		parse_line(r, r->partial, r->partial_len);
		r->partial_len = 0;
	}
	if (!r->stop)
		csv_fini(&r->csv, on_field, on_row, r);
	return r->stop;
}

int csvrows_column(const char *const *fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i], name) == 0)
			return (int)i;
	return -1;
}
