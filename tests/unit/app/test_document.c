/* test_document.c — the document builder and its HTML page: escaping,
 * Korean text, tables, limits and the shortened warning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "app/document.h"
#include "base/err.h"

#define SHORTENED "This document was shortened."

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Renders d into a generous buffer; returns the page (owned by out). */
static const char *render(const struct doc *d, struct buf *out)
{
	buf_init(out, 4 << 20);
	assert_int_equal(doc_render_html(d, out), OMB_OK);
	assert_non_null(out->data);
	return out->data;
}

static void renders_escaped_fields_and_table(void **state)
{
	struct doc *d = doc_new("receipt", "접수증 <script>alert(1)</script>");
	struct doc_section *s = doc_section(d, "case", "사건 / Case");
	doc_field(d, s, "company", "회사 / Company", "한빛은행");
	doc_field(d, s, "note", "메모 / Note", "<script>steal()</script> & \"quotes\"");
	doc_field(d, s, "empty", "비어 있음", NULL);
	const char *keys[] = {"when", "what"}, *labels[] = {"시각 / When", "<b>내용</b>"};
	struct doc_table *t = doc_table(d, s, 2, keys, labels);
	assert_non_null(t);
	const char *r1[] = {"r1c1", "상담 요청"}, *r2[] = {"r2c1", NULL}, *r3[] = {"r3c1", "<img src=x>"};
	doc_row(d, t, r1);
	doc_row(d, t, r2);
	doc_row(d, t, r3);
	assert_int_equal(t->nrows, 3);
	assert_false(d->overflow);

	struct buf out;
	const char *html = render(d, &out);
	assert_true(strncmp(html, "<!doctype html>", 15) == 0);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<b>"));
	assert_int_equal(count(html, "&lt;script&gt;"), 3); /* title, heading, field */
	assert_non_null(strstr(html, "<title>접수증 &lt;script&gt;alert(1)&lt;/script&gt;</title>"));
	assert_non_null(strstr(html, "<dd>&lt;script&gt;steal()&lt;/script&gt; &amp; &quot;quotes&quot;</dd>"));
	assert_non_null(strstr(html, "<dt>회사 / Company</dt><dd>한빛은행</dd>"));
	assert_non_null(strstr(html, "<dt>비어 있음</dt><dd></dd>"));
	assert_non_null(strstr(html, "<th scope=\"col\">&lt;b&gt;내용&lt;/b&gt;</th>"));
	assert_int_equal(count(html, "<tr>"), 4); /* header and three rows */
	assert_non_null(strstr(html, "<tr><td>r1c1</td><td>상담 요청</td></tr>"));
	assert_non_null(strstr(html, "<tr><td>r2c1</td><td></td></tr>"));
	assert_non_null(strstr(html, "<td>&lt;img src=x&gt;</td>"));
	assert_null(strstr(html, SHORTENED));
	assert_true(strstr(html, "r1c1") < strstr(html, "r2c1") && strstr(html, "r2c1") < strstr(html, "r3c1"));
	assert_int_equal(html[out.len - 1], '\n');
	buf_free(&out);
	doc_free(d);
}

static void builder_copies_strings(void **state)
{
	char value[16] = "original";
	struct doc *d = doc_new("case", "t");
	struct doc_section *s = doc_section(d, "k", "title");
	doc_field(d, s, "k", "label", value);
	strcpy(value, "changed");
	assert_string_equal(s->fields[0].value, "original");
	doc_free(d);
	doc_free(NULL);
}

static void section_and_field_limits_set_overflow(void **state)
{
	struct doc *d = doc_new("dossier", "많은 항목");
	for (int i = 0; i < DOC_MAX_SECTIONS; i++)
		assert_non_null(doc_section(d, "s", "섹션"));
	assert_false(d->overflow);
	assert_null(doc_section(d, "s", "one too many"));
	assert_true(d->overflow);
	doc_field(d, NULL, "k", "l", "v"); /* a failed section is harmless to use */
	assert_int_equal(d->nsections, DOC_MAX_SECTIONS);

	struct buf out;
	const char *html = render(d, &out);
	assert_int_equal(count(html, SHORTENED), 1);
	assert_non_null(strstr(html, "<p class=\"warn\">이 문서는 일부가 생략되었습니다"));
	assert_null(strstr(html, "one too many"));
	buf_free(&out);
	doc_free(d);

	d = doc_new("dossier", "fields");
	struct doc_section *s = doc_section(d, "s", "t");
	for (int i = 0; i < DOC_MAX_FIELDS + 3; i++) {
		char v[16];
		snprintf(v, sizeof v, "value-%d", i);
		doc_field(d, s, "k", "l", v);
	}
	assert_int_equal(s->nfields, DOC_MAX_FIELDS);
	assert_true(d->overflow);
	html = render(d, &out);
	assert_non_null(strstr(html, "value-47<"));
	assert_null(strstr(html, "value-48"));
	assert_non_null(strstr(html, SHORTENED));
	buf_free(&out);
	doc_free(d);
}

static void table_limits_set_overflow(void **state)
{
	const char *keys[DOC_MAX_COLS + 1], *labels[DOC_MAX_COLS + 1];
	for (int i = 0; i <= DOC_MAX_COLS; i++)
		keys[i] = labels[i] = "c";
	struct doc *d = doc_new("evidence", "rows");
	struct doc_section *s = doc_section(d, "s", "t");
	assert_null(doc_table(d, s, 0, keys, labels));
	assert_true(d->overflow);
	d->overflow = 0;
	assert_null(doc_table(d, s, DOC_MAX_COLS + 1, keys, labels));
	assert_true(d->overflow);
	d->overflow = 0;
	struct doc_table *t = doc_table(d, s, 1, keys, labels);
	assert_non_null(t);
	assert_null(doc_table(d, s, 1, keys, labels)); /* one table per section */
	assert_true(d->overflow);
	d->overflow = 0;

	const char *cell[] = {"row"};
	for (int i = 0; i < DOC_MAX_ROWS; i++)
		doc_row(d, t, cell);
	assert_false(d->overflow);
	doc_row(d, t, cell);
	assert_int_equal(t->nrows, DOC_MAX_ROWS);
	assert_true(d->overflow);
	doc_row(d, NULL, cell);

	struct buf out;
	const char *html = render(d, &out);
	assert_int_equal(count(html, "<td>row</td>"), DOC_MAX_ROWS);
	assert_non_null(strstr(html, SHORTENED));
	buf_free(&out);
	doc_free(d);
}

static void render_reports_a_full_buffer(void **state)
{
	struct doc *d = doc_new("receipt", "제목");
	struct doc_section *s = doc_section(d, "s", "t");
	doc_field(d, s, "k", "l", "v");
	struct buf out;
	buf_init(&out, 100);
	assert_int_equal(doc_render_html(d, &out), OMB_ELIMIT);
	assert_true(out.overflow);
	assert_true(out.len <= 100);
	buf_free(&out);
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(renders_escaped_fields_and_table),
		cmocka_unit_test(builder_copies_strings),
		cmocka_unit_test(section_and_field_limits_set_overflow),
		cmocka_unit_test(table_limits_set_overflow),
		cmocka_unit_test(render_reports_a_full_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
