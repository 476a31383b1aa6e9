/* csvrows.c — libcsv fed one physical line at a time, so that every row
 * callback knows its line number, with bounded field storage. A line with
 * nothing for libcsv to interpret (no quote, no space or tab to trim, no
 * bare CR) is split on its commas directly: that is most lines of a large
 * event file, and libcsv's byte-at-a-time state machine was a third of a
 * replay's time. */
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
	bool open;                    /* libcsv holds part of a row (a quoted newline) */
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

/* Bytes that make libcsv do more than split on commas. */
static const bool needs_libcsv[256] = {['"'] = true, [' '] = true, ['\t'] = true, ['\r'] = true};

/* A line libcsv would read as plain comma-separated fields: copied once
 * into the row buffer with its commas turned into NULs, and delivered as
 * libcsv would (an empty line is no row). False, with nothing done, when
 * the line needs libcsv. */
static bool split_plain(struct csvrows *r, const char *s, size_t len)
{
	if (r->open)
		return false;
	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r')
		len--;
	if (len >= ROW_BYTES)
		return false;
	for (size_t i = 0; i < len; i++)
		if (needs_libcsv[(unsigned char)s[i]])
			return false;
	if (len == 0)
		return true;
	memcpy(r->buf, s, len);
	r->buf[len] = '\0';
	for (char *f = r->buf, *end = r->buf + len;;) {
		char *comma = memchr(f, ',', (size_t)(end - f));
		char *stop = comma ? comma : end;
		*stop = '\0';
		if (r->n == CSVROWS_MAX_COLS)
			r->err = "too many columns";
		else if ((size_t)(stop - f) > CSVROWS_MAX_FIELD)
			r->err = "field too long";
		if (r->err)
			break;
		r->offs[r->n] = (size_t)(f - r->buf);
		r->lens[r->n++] = (size_t)(stop - f);
		if (!comma)
			break;
		f = comma + 1;
	}
	on_row(0, r);
	return true;
}

static void parse_line(struct csvrows *r, const char *s, size_t len)
{
	r->line++;
	if (split_plain(r, s, len))
		return;
	csv_parse(&r->csv, s, len, on_field, on_row, r);
	/* libcsv is between rows only in the state csv_init() leaves it in (0,
	 * ROW_NOT_BEGUN): otherwise a quoted field or a row goes on */
	r->open = r->csv.pstate != 0;
}

static void append_partial(struct csvrows *r, const char *data, size_t len)
{
	if (r->partial_len + len > r->partial_cap) {
		r->partial_cap = (r->partial_len + len) * 2;
		r->partial = xrealloc(r->partial, r->partial_cap);
	}
	memcpy(r->partial + r->partial_len, data, len);
	r->partial_len += len;
}

int csvrows_feed(struct csvrows *r, const char *data, size_t len)
{
	while (len && !r->stop) {
		const char *nl = memchr(data, '\n', len);
		if (!nl) {
			append_partial(r, data, len);
			break;
		}
		size_t n = (size_t)(nl - data) + 1;
		if (r->partial_len) {
			/* the line began in an earlier feed: joined, it is one line */
			append_partial(r, data, n);
			parse_line(r, r->partial, r->partial_len);
			r->partial_len = 0;
		} else {
			parse_line(r, data, n);
		}
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
