/* document_json.c — a document (app/document.h) as JSON: the same content as
 * its HTML page, keyed for machines:
 *   {"kind", "title", "shortened", "sections": [{"key", "title",
 *     "fields": {key: value, ...}, "rows": [{col_key: cell, ...}, ...]}]} */
#include "api/api_int.h"

static json_t *table_json(const struct doc_table *t)
{
	json_t *rows = json_array();
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *row = json_object();
		for (size_t c = 0; c < t->ncols; c++)
			json_object_set_new(row, t->col_keys[c], json_string(t->cells[r * t->ncols + c]));
		json_array_append_new(rows, row);
	}
	return rows;
}

json_t *api_document_json(const struct doc *d)
{
	json_t *sections = json_array();
	for (size_t i = 0; i < d->nsections; i++) {
		const struct doc_section *s = d->sections[i];
		json_t *fields = json_object();
		for (size_t f = 0; f < s->nfields; f++)
			json_object_set_new(fields, s->fields[f].key, json_string(s->fields[f].value));
		json_t *sec = json_pack("{s:s, s:s, s:o}", "key", s->key, "title", s->title, "fields", fields);
		if (s->table)
			json_object_set_new(sec, "rows", table_json(s->table));
		json_array_append_new(sections, sec);
	}
	return json_pack("{s:s, s:s, s:b, s:o}", "kind", d->kind, "title", d->title, "shortened", d->overflow,
			 "sections", sections);
}

int api_reply_document(struct api_req *r, const struct doc *d, bool html)
{
	if (!html)
		return api_reply(r, MHD_HTTP_OK, api_document_json(d));
	struct buf page;
	buf_init(&page, 16u << 20);
	int rc = doc_render_html(d, &page);
	if (rc != 0) {
		buf_free(&page);
		return rc;
	}
	size_t len;
	char *text = buf_steal(&page, &len);
	r->raw = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r->raw, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
	r->resp_bytes = len;
	r->status = MHD_HTTP_OK;
	return 0;
}
