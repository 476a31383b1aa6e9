/* document.c — the document model and its HTML rendering. */
#include "app/document.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

struct doc *doc_new(const char *kind, const char *title)
{
	struct doc *d = xcalloc(1, sizeof *d);
	d->kind = dup_or_empty(kind);
	d->title = dup_or_empty(title);
	return d;
}

static void table_free(struct doc_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++) {
		free(t->col_keys[i]);
		free(t->col_labels[i]);
	}
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nsections; i++) {
		struct doc_section *s = d->sections[i];
		for (size_t f = 0; f < s->nfields; f++) {
			free(s->fields[f].key);
			free(s->fields[f].label);
			free(s->fields[f].value);
		}
		table_free(s->table);
		free(s->key);
		free(s->title);
		free(s);
	}
	free(d->kind);
	free(d->title);
	free(d);
}

struct doc_section *doc_section(struct doc *d, const char *key, const char *title)
{
	if (d->nsections == DOC_MAX_SECTIONS) {
		d->overflow = 1;
		return NULL;
	}
	struct doc_section *s = xcalloc(1, sizeof *s);
	s->key = dup_or_empty(key);
	s->title = dup_or_empty(title);
	d->sections[d->nsections++] = s;
	return s;
}

void doc_field(struct doc *d, struct doc_section *s, const char *key, const char *label, const char *value)
{
	if (!s || s->nfields == DOC_MAX_FIELDS) {
		d->overflow = 1;
		return;
	}
	struct doc_field *f = &s->fields[s->nfields++];
	f->key = dup_or_empty(key);
	f->label = dup_or_empty(label);
	f->value = dup_or_empty(value);
}

struct doc_table *doc_table(struct doc *d, struct doc_section *s, size_t ncols, const char *const *keys,
			    const char *const *labels)
{
	if (!s || s->table || ncols == 0 || ncols > DOC_MAX_COLS) {
		d->overflow = 1;
		return NULL;
	}
	struct doc_table *t = xcalloc(1, sizeof *t);
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		t->col_keys[i] = dup_or_empty(keys[i]);
		t->col_labels[i] = dup_or_empty(labels[i]);
	}
	s->table = t;
	return t;
}

void doc_row(struct doc *d, struct doc_table *t, const char *const *cells)
{
	if (!t || t->nrows == DOC_MAX_ROWS) {
		d->overflow = 1;
		return;
	}
	t->cells = xgrow(t->cells, t->nrows, &t->cap, t->ncols * sizeof *t->cells, 16);
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = dup_or_empty(cells[i]);
	t->nrows++;
}

static const char page_css[] =
	"body{font-family:'Noto Sans CJK KR','NanumGothic',sans-serif;max-width:52rem;margin:2rem auto;"
	"padding:0 1rem;color:#111;line-height:1.5}"
	"h1{font-size:1.5rem;border-bottom:2px solid #111}h2{font-size:1.15rem;margin-top:1.5rem}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}"
	"dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}"
	"table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.25rem .5rem;"
	"text-align:left;vertical-align:top;white-space:pre-wrap}"
	".warn{color:#8a1c1c;font-weight:600}@media print{body{margin:0}a{color:#111}}";

static void render_table(const struct doc_table *t, struct buf *out)
{
	buf_puts(out, "<table><thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		buf_puts(out, "<th scope=\"col\">");
		buf_put_html(out, t->col_labels[c]);
		buf_puts(out, "</th>");
	}
	buf_puts(out, "</tr></thead><tbody>");
	for (size_t r = 0; r < t->nrows; r++) {
		buf_puts(out, "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			buf_puts(out, "<td>");
			buf_put_html(out, t->cells[r * t->ncols + c]);
			buf_puts(out, "</td>");
		}
		buf_puts(out, "</tr>");
	}
	buf_puts(out, "</tbody></table>");
}

static void render_section(const struct doc_section *s, struct buf *out)
{
	buf_puts(out, "<section><h2>");
	buf_put_html(out, s->title);
	buf_puts(out, "</h2>");
	if (s->nfields) {
		buf_puts(out, "<dl>");
		for (size_t i = 0; i < s->nfields; i++) {
			buf_puts(out, "<dt>");
			buf_put_html(out, s->fields[i].label);
			buf_puts(out, "</dt><dd>");
			buf_put_html(out, s->fields[i].value);
			buf_puts(out, "</dd>");
		}
		buf_puts(out, "</dl>");
	}
	if (s->table)
		render_table(s->table, out);
	buf_puts(out, "</section>");
}

int doc_render_html(const struct doc *d, struct buf *out)
{
	buf_puts(out, "<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
	buf_put_html(out, d->title);
	buf_printf(out, "</title><style>%s</style></head><body><h1>", page_css);
	buf_put_html(out, d->title);
	buf_puts(out, "</h1>");
	if (d->overflow)
		buf_puts(out, "<p class=\"warn\">이 문서는 일부가 생략되었습니다 / This document was shortened.</p>");
	for (size_t i = 0; i < d->nsections; i++)
		render_section(d->sections[i], out);
	buf_puts(out, "</body></html>\n");
	return out->overflow ? OMB_ELIMIT : OMB_OK;
}
