/* lists.c — registry, reports and FTC complaint rows into the engine. */
#include "screen/lists.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"
#include "screen/csvrows.h"
#include "screen/events.h"

#define MAX_COLS 8

struct spec {
	const char *cols[MAX_COLS];
	unsigned required;       /* the first `required` columns must be in the header */
};

static const struct spec specs[] = {
	[LISTS_REGISTRY] = {{"number", "kind", "trunk", "daily_cap", "valid_from", "valid_to", "holder"}, 2},
	[LISTS_REPORTS] = {{"ts_ms", "number", "reason", "reporter", "callee"}, 3},
	[LISTS_FTC] = {{"Company_Phone_Number", "Created_Date", "Subject"}, 2},
};

struct lists_loader {
	enum lists_kind kind;
	struct screen_engine *e;
	uint16_t cc;
	lists_error_fn on_error;
	void *arg;
	struct csvrows *rows;
	bool have_header, header_bad;
	int idx[MAX_COLS];
	size_t ncols;
	struct lists_counts counts;
};

struct field { const char *s; size_t len; };

static const char *parse_phone(const struct lists_loader *l, const struct field *f, struct phone *out)
{
	const char *why = "unreadable";
	if (phone_parse(f->s, f->len, l->cc, out, &why) != 0)
		return why;
	if (out->kind == PHONE_WITHHELD)
		return "number missing";
	return NULL;
}

static const char *registry_row(struct lists_loader *l, const struct field *f)
{
	struct screen_reg_entry r = {0};
	const char *why = parse_phone(l, &f[0], &r.number);
	if (why)
		return why;
	if (screen_reg_kind_parse(f[1].s, &r.kind))
		return "unknown kind";
	char trunks[CSVROWS_MAX_FIELD + 1];
	snprintf(trunks, sizeof trunks, "%s", f[2].s);
	for (char *save = NULL, *t = strtok_r(trunks, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		if (r.ntrunks == SCREEN_REG_MAX_TRUNKS)
			return "too many trunks";
		r.trunks[r.ntrunks++] = t;
	}
	int64_t cap = 0;
	if (f[3].len && (events_parse_i64(f[3].s, f[3].len, &cap) || cap < 0 || cap > UINT32_MAX))
		return "bad daily_cap";
	r.daily_cap = (uint32_t)cap;
	if (f[4].len && clock_parse_iso(f[4].s, &r.valid_from_ms))
		return "bad valid_from";
	if (f[5].len) {
		if (clock_parse_iso(f[5].s, &r.valid_to_ms))
			return "bad valid_to";
		r.valid_to_ms += CLOCK_MS_PER_DAY; /* valid_to is the last valid day */
	}
	if (r.valid_to_ms && r.valid_to_ms <= r.valid_from_ms)
		return "valid_to before valid_from";
	return screen_registry_add(l->e, &r) ? "not loadable" : NULL;
}

static uint64_t opaque_hash(const struct field *f)
{
	if (!f->len)
		return 0;
	uint64_t h = XXH3_64bits(f->s, f->len);
	return h ? h : 1;
}

static const char *reports_row(struct lists_loader *l, const struct field *f)
{
	struct screen_report r = {0};
	if (events_parse_i64(f[0].s, f[0].len, &r.ts_ms) || r.ts_ms < 0)
		return "bad ts_ms";
	const char *why = parse_phone(l, &f[1], &r.number);
	if (why)
		return why;
	r.reporter = opaque_hash(&f[3]);
	if (f[4].len) {
		struct phone callee;
		if ((why = parse_phone(l, &f[4], &callee)))
			return "bad callee";
		r.callee_key = phone_key(&callee);
	}
	return screen_report_add(l->e, &r) ? "too many reports for this number" : NULL;
}

/* FTC numbers: 10 national digits, or 11 with the NANP trunk prefix 1. */
static const char *ftc_row(struct lists_loader *l, const struct field *f)
{
	if (f[0].len == 0)
		return "empty Company_Phone_Number";
	size_t n = f[0].len;
	const char *d = f[0].s;
	for (size_t i = 0; i < n; i++)
		if (d[i] < '0' || d[i] > '9')
			return "Company_Phone_Number is not digits";
	if (n == 11 && d[0] == '1') {
		d++;
		n--;
	}
	if (n != 10)
		return "Company_Phone_Number has not 10 digits";
	struct screen_report r = {0};
	const char *why = parse_phone(l, &(struct field){d, n}, &r.number);
	if (why)
		return why;
	/* "2021-07-07 00:01:15", read as UTC */
	char iso[32];
	if (f[1].len != 19 || f[1].s[10] != ' ')
		return "bad Created_Date";
	snprintf(iso, sizeof iso, "%.10sT%.8sZ", f[1].s, f[1].s + 11);
	if (clock_parse_iso(iso, &r.ts_ms))
		return "bad Created_Date";
	return screen_report_add(l->e, &r) ? "too many reports for this number" : NULL;
}

static int header(struct lists_loader *l, const char *const *fields, size_t n)
{
	const struct spec *sp = &specs[l->kind];
	l->have_header = true;
	l->ncols = n;
	for (unsigned c = 0; c < MAX_COLS && sp->cols[c]; c++) {
		l->idx[c] = csvrows_column(fields, n, sp->cols[c]);
		if (l->idx[c] < 0 && c < sp->required) {
			char msg[96];
			snprintf(msg, sizeof msg, "header lacks column %s", sp->cols[c]);
			l->on_error(l->arg, 1, msg);
			l->header_bad = true;
			return OMB_EINVAL;
		}
	}
	return 0;
}

static int on_row(void *arg, uint64_t line, const char *const *fields, const size_t *lens, size_t n,
		  const char *err)
{
	struct lists_loader *l = arg;
	if (!l->have_header && !err)
		return header(l, fields, n);
	l->counts.rows++;
	char msg[80];
	if (!err && n != l->ncols) {
		snprintf(msg, sizeof msg, "wrong column count: %zu, header has %zu", n, l->ncols);
		err = msg;
	}
	if (!err) {
		struct field f[MAX_COLS];
		for (unsigned c = 0; c < MAX_COLS; c++) {
			int i = specs[l->kind].cols[c] ? l->idx[c] : -1;
			f[c] = i >= 0 ? (struct field){fields[i], lens[i]} : (struct field){"", 0};
		}
		err = l->kind == LISTS_REGISTRY ? registry_row(l, f)
		    : l->kind == LISTS_REPORTS ? reports_row(l, f) : ftc_row(l, f);
	}
	if (err) {
		l->counts.bad++;
		l->on_error(l->arg, line, err);
	} else {
		l->counts.loaded++;
	}
	return 0;
}

struct lists_loader *lists_loader_new(enum lists_kind kind, struct screen_engine *e, uint16_t default_cc,
				      lists_error_fn on_error, void *arg)
{
	struct lists_loader *l = xcalloc(1, sizeof *l);
	l->kind = kind;
	l->e = e;
	l->cc = default_cc;
	l->on_error = on_error;
	l->arg = arg;
	l->rows = csvrows_new(on_row, l);
	return l;
}

int lists_loader_feed(struct lists_loader *l, const char *data, size_t len)
{
	return l->header_bad ? OMB_EINVAL : csvrows_feed(l->rows, data, len);
}

int lists_loader_finish(struct lists_loader *l)
{
	return l->header_bad ? OMB_EINVAL : csvrows_finish(l->rows);
}

void lists_loader_counts(const struct lists_loader *l, struct lists_counts *out)
{
	*out = l->counts;
}

void lists_loader_free(struct lists_loader *l)
{
	if (!l)
		return;
	csvrows_free(l->rows);
	free(l);
}
