/* events.c — CSV (libcsv via csvrows) and NDJSON (jansson) event parsers
 * sharing one field validator. */
#include "screen/events.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "screen/csvrows.h"

enum col {
	COL_TS, COL_CALL_ID, COL_EVENT, COL_CALLER, COL_CALLEE, COL_ORIGIN, COL_TRUNK, COL_CELL,
	COL_ATTEST, COL_DURATION, COL_ANSWERED, NCOLS
};
static const char *const col_names[NCOLS] = {
	"ts_ms", "call_id", "event", "caller", "callee", "origin", "trunk", "cell",
	"attestation", "duration_ms", "answered",
};
/* Missing optional columns read as empty; trunk is "may be empty". */
static const bool col_required[NCOLS] = {true, true, true, true, true, true};

struct events_parser {
	enum events_format fmt;
	int64_t lateness_ms, max_ts;
	uint16_t cc;
	events_event_fn on_event;
	events_error_fn on_error;
	void *arg;
	struct csvrows *rows;
	bool have_header, header_bad;
	int col_index[NCOLS];
	size_t ncols;
	char *partial;                 /* NDJSON: an incomplete line between feeds */
	size_t partial_len, partial_cap;
	struct events_counts counts;
	struct events_event ev;
};

struct field { const char *s; size_t len; };

int events_parse_i64(const char *s, size_t len, int64_t *out)
{
	if (len == 0 || len > 19)
		return -1;
	int64_t v = 0;
	size_t i = s[0] == '-' ? 1 : 0;
	if (i == len)
		return -1;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = s[0] == '-' ? -v : v;
	return 0;
}

static bool field_is(const struct field *f, const char *word)
{
	size_t n = strlen(word);
	return f->len == n && memcmp(f->s, word, n) == 0;
}

static const char *copy_name(char *dst, const struct field *f)
{
	if (f->len >= EVENTS_NAME_MAX)
		return "name too long";
	memcpy(dst, f->s, f->len);
	dst[f->len] = '\0';
	return NULL;
}

static const char *parse_number(struct events_parser *p, const struct field *f, struct phone *out,
				const char *what)
{
	const char *why = NULL;
	if (phone_parse(f->s, f->len, p->cc, out, &why) == 0)
		return NULL;
	static __thread char msg[96];
	snprintf(msg, sizeof msg, "bad %s: %s", what, why ? why : "unreadable");
	return msg;
}

static const char *parse_outcome(struct events_event *ev, const struct field *f)
{
	int64_t dur;
	if (events_parse_i64(f[COL_DURATION].s, f[COL_DURATION].len, &dur) || dur < 0)
		return "bad duration_ms";
	if (!field_is(&f[COL_ANSWERED], "0") && !field_is(&f[COL_ANSWERED], "1"))
		return "bad answered (0 or 1)";
	ev->end.duration_ms = dur;
	ev->end.answered = f[COL_ANSWERED].s[0] == '1';
	return NULL;
}

/* Validates the fields of one record into p->ev. NULL or the reason. */
static const char *build(struct events_parser *p, const struct field *f)
{
	struct events_event *ev = &p->ev;
	int64_t ts;
	if (events_parse_i64(f[COL_TS].s, f[COL_TS].len, &ts) || ts < 0)
		return "bad ts_ms";
	if (f[COL_CALL_ID].len == 0 || f[COL_CALL_ID].len > 64)
		return "call_id must have 1-64 characters";
	if (field_is(&f[COL_EVENT], "attempt"))
		ev->kind = EVENTS_ATTEMPT;
	else if (field_is(&f[COL_EVENT], "end"))
		ev->kind = EVENTS_END;
	else
		return "unknown event (attempt or end)";
	struct phone caller, callee;
	const char *why = parse_number(p, &f[COL_CALLER], &caller, "caller");
	if (!why)
		why = parse_number(p, &f[COL_CALLEE], &callee, "callee");
	if (why)
		return why;
	if (callee.kind == PHONE_WITHHELD)
		return "callee missing";
	enum screen_origin origin;
	if (field_is(&f[COL_ORIGIN], "domestic"))
		origin = SCREEN_ORIGIN_DOMESTIC;
	else if (field_is(&f[COL_ORIGIN], "international"))
		origin = SCREEN_ORIGIN_INTERNATIONAL;
	else
		return "bad origin (domestic or international)";
	char att = 0;
	if (f[COL_ATTEST].len == 1 && f[COL_ATTEST].s[0] >= 'A' && f[COL_ATTEST].s[0] <= 'C')
		att = f[COL_ATTEST].s[0];
	else if (f[COL_ATTEST].len)
		return "bad attestation (A, B, C or empty)";
	if ((why = copy_name(ev->trunk, &f[COL_TRUNK])) || (why = copy_name(ev->cell, &f[COL_CELL])))
		return why;
	if (ev->kind == EVENTS_END && (why = parse_outcome(ev, f)))
		return why;
	if (ts + p->lateness_ms < p->max_ts)
		return "time goes backwards beyond the allowed lateness";
	memcpy(ev->call_id, f[COL_CALL_ID].s, f[COL_CALL_ID].len);
	ev->call_id[f[COL_CALL_ID].len] = '\0';
	if (ts > p->max_ts)
		p->max_ts = ts;
	if (ev->kind == EVENTS_ATTEMPT) {
		ev->attempt = (struct screen_attempt){ts, ev->call_id, f[COL_CALL_ID].len, caller, callee,
						      origin, ev->trunk, ev->cell, att};
	} else {
		ev->end.ts_ms = ts;
		ev->end.call_id = ev->call_id;
		ev->end.call_id_len = f[COL_CALL_ID].len;
		ev->end.caller = caller;
		ev->end.callee = callee;
		ev->end.trunk = ev->trunk;
		ev->end.cell = ev->cell;
	}
	return NULL;
}

static int deliver(struct events_parser *p, uint64_t line, const struct field *f)
{
	const char *why = build(p, f);
	if (why) {
		p->counts.bad++;
		p->on_error(p->arg, line, why);
		return 0;
	}
	p->ev.line = line;
	p->counts.events++;
	if (p->ev.kind == EVENTS_ATTEMPT)
		p->counts.attempts++;
	else
		p->counts.ends++;
	return p->on_event(p->arg, &p->ev);
}

static int header(struct events_parser *p, const char *const *fields, size_t n)
{
	p->have_header = true;
	p->ncols = n;
	for (int c = 0; c < NCOLS; c++) {
		p->col_index[c] = csvrows_column(fields, n, col_names[c]);
		if (p->col_index[c] < 0 && col_required[c]) {
			static __thread char msg[80];
			snprintf(msg, sizeof msg, "header lacks column %s", col_names[c]);
			p->on_error(p->arg, 1, msg);
			p->header_bad = true;
			return OMB_EINVAL;
		}
	}
	return 0;
}

static int csv_row(void *arg, uint64_t line, const char *const *fields, const size_t *lens, size_t n,
		   const char *err)
{
	struct events_parser *p = arg;
	p->counts.lines++;
	if (!p->have_header && !err)
		return header(p, fields, n);
	static __thread char msg[80];
	if (!err && n != p->ncols) {
		snprintf(msg, sizeof msg, "wrong column count: %zu, header has %zu", n, p->ncols);
		err = msg;
	}
	if (err) {
		p->counts.bad++;
		p->on_error(p->arg, line, err);
		return 0;
	}
	struct field f[NCOLS];
	for (int c = 0; c < NCOLS; c++) {
		int i = p->col_index[c];
		f[c] = i >= 0 ? (struct field){fields[i], lens[i]} : (struct field){"", 0};
	}
	return deliver(p, line, f);
}

/* NDJSON: strings are taken as they are, integers are printed back. */
static int json_line(struct events_parser *p, const char *s, size_t len)
{
	uint64_t line = ++p->counts.lines;
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (len == 0)
		return 0;
	json_error_t jerr;
	json_t *o = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *why = !o ? "not JSON" : !json_is_object(o) ? "not a JSON object" : NULL;
	struct field f[NCOLS];
	char nums[NCOLS][24];
	for (int c = 0; c < NCOLS && !why; c++) {
		json_t *v = json_object_get(o, col_names[c]);
		if (!v || json_is_null(v)) {
			if (col_required[c])
				why = "missing key";
			f[c] = (struct field){"", 0};
		} else if (json_is_string(v)) {
			f[c] = (struct field){json_string_value(v), json_string_length(v)};
		} else if (json_is_integer(v)) {
			int n = snprintf(nums[c], sizeof nums[c], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			f[c] = (struct field){nums[c], (size_t)n};
		} else {
			why = "value neither string nor integer";
		}
	}
	int rc = 0;
	if (why) {
		p->counts.bad++;
		p->on_error(p->arg, line, why);
	} else {
		rc = deliver(p, line, f);
	}
	json_decref(o);
	return rc;
}

struct events_parser *events_parser_new(enum events_format fmt, int64_t lateness_ms, uint16_t default_cc,
					events_event_fn on_event, events_error_fn on_error, void *arg)
{
	struct events_parser *p = xcalloc(1, sizeof *p);
	p->fmt = fmt;
	p->lateness_ms = lateness_ms;
	p->cc = default_cc;
	p->on_event = on_event;
	p->on_error = on_error;
	p->arg = arg;
	if (fmt == EVENTS_CSV)
		p->rows = csvrows_new(csv_row, p);
	return p;
}

void events_parser_free(struct events_parser *p)
{
	if (!p)
		return;
	csvrows_free(p->rows);
	free(p->partial);
	free(p);
}

static int json_feed(struct events_parser *p, const char *data, size_t len)
{
	int rc = 0;
	while (len && !rc) {
		const char *nl = memchr(data, '\n', len);
		if (!nl) {
			if (p->partial_len + len > p->partial_cap) {
				p->partial_cap = (p->partial_len + len) * 2;
				p->partial = xrealloc(p->partial, p->partial_cap);
			}
			memcpy(p->partial + p->partial_len, data, len);
			p->partial_len += len;
			break;
		}
		size_t n = (size_t)(nl - data) + 1;
		if (p->partial_len) {
			if (p->partial_len + n > p->partial_cap) {
				p->partial_cap = (p->partial_len + n) * 2;
				p->partial = xrealloc(p->partial, p->partial_cap);
			}
			memcpy(p->partial + p->partial_len, data, n);
			rc = json_line(p, p->partial, p->partial_len + n);
			p->partial_len = 0;
		} else {
			rc = json_line(p, data, n);
		}
		data += n;
		len -= n;
	}
	return rc;
}

int events_parser_feed(struct events_parser *p, const char *data, size_t len)
{
	if (p->header_bad)
		return OMB_EINVAL;
	if (p->fmt == EVENTS_NDJSON)
		return json_feed(p, data, len);
	return csvrows_feed(p->rows, data, len);
}

int events_parser_finish(struct events_parser *p)
{
	if (p->header_bad)
		return OMB_EINVAL;
	if (p->fmt == EVENTS_NDJSON) {
		int rc = p->partial_len ? json_line(p, p->partial, p->partial_len) : 0;
		p->partial_len = 0;
		return rc;
	}
	return csvrows_finish(p->rows);
}

void events_parser_counts(const struct events_parser *p, struct events_counts *out)
{
	*out = p->counts;
}
