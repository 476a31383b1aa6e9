/* h_tm.c — telemarketing compliance over HTTP: a business's registry entries,
 * disclosures, do-not-call entries and answers; consumers' reports; the
 * regulator's cases, decisions and sanctions; the registry export for the
 * screening engine. The rules are tm/'s, applied by app/tm.h. */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "app/tm.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"

static int no_business(struct api_req *r)
{
	snprintf(r->err_msg, sizeof r->err_msg, "your organisation has not registered its business yet");
	return OMB_ENOTFOUND;
}

static json_t *violations_json(unsigned bits)
{
	json_t *a = json_array();
	for (int b = 0; b < TM_VIOLATION_BITS; b++)
		if (bits & (1u << b))
			json_array_append_new(a, json_string(tm_violation_name((enum tm_violation)(1u << b))));
	return a;
}

/* ---- the business's own registry entries ---- */

static json_t *business_json(const struct telemarketing_business *b)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)b->id, "org", b->org_code, "name",
			 b->name, "registration_id", b->registration_id, "contact", b->contact, "active_from",
			 api_iso_or_null(b->active_from_ms), "active_to", api_iso_or_null(b->active_to_ms));
}

int h_tm_business_register(struct api_req *r)
{
	const char *name, *reg, *contact;
	int rc = api_body_str(r, "name", true, TM_APP_LINE_MAX, &name);
	if (rc == OMB_OK)
		rc = api_body_str(r, "registration_id", true, TM_APP_LINE_MAX, &reg);
	if (rc == OMB_OK)
		rc = api_body_str(r, "contact", true, TM_APP_LINE_MAX, &contact);
	if (rc != OMB_OK)
		return rc;
	struct telemarketing_business b;
	struct app_error err;
	if ((rc = telemarketing_business_register(r->app, &r->who, name, reg, contact, r->now, &b, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, business_json(&b));
}

int h_tm_business_get(struct api_req *r)
{
	struct telemarketing_business b;
	int rc = telemarketing_business_get(r->app, r->who.org_id, &b);
	if (rc == OMB_ENOTFOUND)
		return no_business(r);
	return rc != OMB_OK ? rc : api_reply(r, MHD_HTTP_OK, business_json(&b));
}

static json_t *number_json(const struct telemarketing_number *n)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:s}", "id", (json_int_t)n->id, "number", n->number, "valid_from",
			 api_iso_or_null(n->valid_from_ms), "valid_to", api_iso_or_null(n->valid_to_ms), "daily_cap",
			 n->daily_cap ? json_integer(n->daily_cap) : json_null(), "trunks", n->trunks);
}

int h_tm_number_add(struct api_req *r)
{
	struct telemarketing_number_in in = {0};
	const char *valid_to = NULL;
	int rc = api_body_str(r, "number", true, PHONE_MAX_INPUT, &in.number);
	if (rc == OMB_OK)
		rc = api_body_int(r, "daily_cap", false, 0, UINT32_MAX, &in.daily_cap);
	if (rc == OMB_OK)
		rc = api_body_str(r, "trunks", false, TM_APP_LINE_MAX, &in.trunks);
	if (rc == OMB_OK)
		rc = api_body_str(r, "valid_to", false, 40, &valid_to);
	if (rc == OMB_OK && valid_to && clock_parse_iso(valid_to, &in.valid_to_ms) != OMB_OK)
		rc = api_invalid(r, "valid_to", "must be an ISO 8601 date or time");
	if (rc != OMB_OK)
		return rc;
	struct telemarketing_number n;
	struct app_error err;
	if ((rc = telemarketing_number_add(r->app, &r->who, &in, r->now, &n, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, number_json(&n));
}

int h_tm_numbers(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct telemarketing_number *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK && (rc = telemarketing_numbers(r->app, &r->who, after, limit, &items, &n)) == OMB_ENOTFOUND)
		return no_business(r);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, number_json(&items[i]));
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

int h_tm_disclose(struct api_req *r)
{
	const char *caller, *callee, *source;
	int rc = api_body_str(r, "caller", true, PHONE_MAX_INPUT, &caller);
	if (rc == OMB_OK)
		rc = api_body_str(r, "callee", true, PHONE_MAX_INPUT, &callee);
	if (rc == OMB_OK)
		rc = api_body_str(r, "source", true, TM_SOURCE_MAX, &source);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	struct telemarketing_disclosure d;
	if ((rc = telemarketing_disclose(r->app, &r->who, caller, callee, source, r->now, &d, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:I, s:o, s:s, s:b}", "id", (json_int_t)d.id, "at",
							api_iso_or_null(r->now), "source", source, "do_not_call",
							d.do_not_call));
}

/* ---- bulk disclosures: NDJSON, one {"caller", "callee", "source"} a line ---- */

#define BULK_LINES_MAX 1000

struct bulk {
	struct telemarketing_disclosure_in in[BULK_LINES_MAX];
	json_t *docs[BULK_LINES_MAX];      /* own the strings in[] points into */
	size_t line[BULK_LINES_MAX];       /* 1-based line numbers of the body */
	struct telemarketing_disclosure out[BULK_LINES_MAX];
	struct app_error err[BULK_LINES_MAX];
	size_t n;
};

static const char *str_of(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Splits the body into lines; a line that is no JSON object gets its error
 * here and is passed on empty, so the app reports it by field. */
static int bulk_parse(struct api_req *r, struct bulk *b)
{
	const char *p = r->body.data, *end = p + r->body.len;
	for (size_t line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		const char *text = p;
		p = nl ? nl + 1 : end;
		if (len && text[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		if (b->n == BULK_LINES_MAX)
			return api_invalid(r, "body", "at most 1000 disclosures a request");
		json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
		size_t i = b->n++;
		b->line[i] = line;
		b->docs[i] = json_is_object(doc) ? doc : NULL;
		if (!b->docs[i])
			json_decref(doc);
		b->in[i] = (struct telemarketing_disclosure_in){str_of(b->docs[i], "caller"), str_of(b->docs[i], "callee"),
								str_of(b->docs[i], "source")};
	}
	return b->n ? OMB_OK : api_invalid(r, "body", "no disclosure: one JSON object a line");
}

static json_t *bulk_json(const struct bulk *b, size_t *accepted)
{
	json_t *ok = json_array(), *bad = json_array();
	*accepted = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->out[i].id) {
			(*accepted)++;
			json_array_append_new(ok, json_pack("{s:I, s:I, s:b}", "line", (json_int_t)b->line[i], "id",
							    (json_int_t)b->out[i].id, "do_not_call", b->out[i].do_not_call));
		} else {
			const struct app_error *e = &b->err[i];
			json_array_append_new(bad, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)b->line[i], "field",
							     b->docs[i] ? (e->field ? e->field : "") : "line", "reason",
							     b->docs[i] ? (e->reason ? e->reason : "refused")
									: "not a JSON object"));
		}
	}
	return json_pack("{s:I, s:o, s:o}", "accepted", (json_int_t)*accepted, "disclosures", ok, "errors", bad);
}

/* Every good line is stored in one write unit and answered once committed;
 * bad lines come back with their line number, field and reason. */
int h_tm_disclose_bulk(struct api_req *r)
{
	struct bulk *b = xcalloc(1, sizeof *b);
	int rc = bulk_parse(r, b);
	if (rc == OMB_OK)
		rc = telemarketing_disclose_many(r->app, &r->who, b->in, b->n, r->now, b->out, b->err);
	if (rc == OMB_OK) {
		size_t accepted;
		json_t *j = bulk_json(b, &accepted);
		if (!accepted)
			json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", "invalid", "message",
								   "no line could be stored; see errors"));
		rc = api_reply(r, accepted ? MHD_HTTP_CREATED : MHD_HTTP_BAD_REQUEST, j);
	}
	for (size_t i = 0; i < b->n; i++)
		json_decref(b->docs[i]);
	free(b);
	return rc;
}

/* The regulator adds to the national list; a telemarketer to its own. */
int h_tm_dnc_add(struct api_req *r)
{
	const char *number;
	int64_t id = 0;
	int rc = api_body_str(r, "number", true, PHONE_MAX_INPUT, &number);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = telemarketing_dnc_add(r->app, &r->who, number, r->now, &id, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "scope",
							r->who.role == ROLE_REGULATOR ? "national" : "business",
							"from", api_iso_or_null(r->now)));
}

/* ---- reports ---- */

static json_t *report_files_json(const struct telemarketing_report *rep)
{
	json_t *list = json_array();
	for (size_t i = 0; i < rep->n_attachments; i++) {
		const struct attachment_item *a = &rep->attachments[i];
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:I, s:s}", "n", (json_int_t)a->seq, "name", a->name,
						      "type", a->mime, "size", (json_int_t)a->size, "sha256", a->sha256));
	}
	return list;
}

static json_t *report_json(const struct telemarketing_report *rep, bool for_business)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "receipt", rep->receipt, "caller", rep->caller,
			      "callee", rep->callee, "call_time", api_iso_or_null(rep->call_ms), "filed", api_iso_or_null(rep->filed_ms),
			      "reason", rep->reason, "text", rep->text ? rep->text : "", "status", rep->status);
	if (rep->business_id)
		json_object_set_new(j, "business", json_pack("{s:I, s:s}", "id", (json_int_t)rep->business_id, "name",
							     rep->business));
	json_object_set_new(j, "evidence",
			    json_pack("{s:o, s:b, s:b, s:i, s:b}", "violations", violations_json(rep->violations),
				      "disclosure_logged", rep->disclosure_found, "do_not_call", rep->dnc_hit,
				      "solicitations_that_day", (int)rep->solicitations_that_day, "to_screening",
				      rep->to_screening));
	if (rep->sanction_order)
		json_object_set_new(j, "sanction", json_pack("{s:i, s:I}", "order", (int)rep->sanction_order, "fine_krw",
							     (json_int_t)rep->fine_krw));
	if (rep->answer)
		json_object_set_new(j, "answer", json_string(rep->answer));
	json_object_set_new(j, "attachments", report_files_json(rep));
	if (for_business)
		json_object_del(j, "callee"); /* the reporter's number stays with the regulator */
	return j;
}

int h_tm_report_file(struct api_req *r)
{
	struct telemarketing_report_in in = {0};
	const char *call_time = NULL;
	int rc = api_body_str(r, "caller", true, PHONE_MAX_INPUT, &in.caller);
	if (rc == OMB_OK)
		rc = api_body_str(r, "callee", true, PHONE_MAX_INPUT, &in.callee);
	if (rc == OMB_OK)
		rc = api_body_str(r, "call_time", true, 40, &call_time);
	if (rc == OMB_OK && clock_parse_iso(call_time, &in.call_ms) != OMB_OK)
		rc = api_invalid(r, "call_time", "must be an ISO 8601 time, e.g. 2026-11-28T14:08:35Z");
	if (rc == OMB_OK)
		rc = api_body_str(r, "reason", true, 32, &in.reason);
	if (rc == OMB_OK)
		rc = api_body_str(r, "text", false, TM_TEXT_MAX, &in.text);
	if (rc != OMB_OK)
		return rc;
	struct telemarketing_report rep;
	struct app_error err;
	char code[RECEIPT_CODE_LEN + 1];
	if ((rc = telemarketing_report_file(r->app, &in, r->now, &rep, code, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	json_t *j = report_json(&rep, false);
	json_object_set_new(j, "access_code", json_string(code));
	telemarketing_report_clear(&rep);
	return api_reply(r, MHD_HTTP_CREATED, j);
}

static int no_report(struct api_req *r)
{
	snprintf(r->err_msg, sizeof r->err_msg, "no report with this receipt number and access code");
	return OMB_ENOTFOUND;
}

static int reply_report(struct api_req *r, unsigned status)
{
	struct telemarketing_report rep;
	int rc = telemarketing_report_get(r->app, r->params[0], api_header(r, "X-Access-Code"), &rep);
	if (rc == OMB_ENOTFOUND)
		return no_report(r);
	if (rc != OMB_OK)
		return rc;
	json_t *j = report_json(&rep, false);
	telemarketing_report_clear(&rep);
	return api_reply(r, status, j);
}

int h_tm_report_get(struct api_req *r)
{
	return reply_report(r, MHD_HTTP_OK);
}

/* The raw body is the file; ?name= is only its name (docs/api.md). */
int h_tm_report_attach(struct api_req *r)
{
	const char *name = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "name");
	struct attachment a;
	struct attachment_item item;
	const char *field, *reason;
	int rc = attachments_check(r->app->cfg, ATTACH_TO_REPORT, name, r->body.data, r->body.len, &a, &field, &reason);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, field, reason);
	struct app_error err;
	rc = telemarketing_report_attach(r->app, r->params[0], api_header(r, "X-Access-Code"), &a, r->now, &item, &err);
	if (rc == OMB_ENOTFOUND)
		return no_report(r);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return reply_report(r, MHD_HTTP_CREATED);
}

/* File {n} (path parameter n_param) of report {receipt} for rd. */
static int send_report_file(struct api_req *r, int receipt_param, int n_param,
			    const struct telemarketing_report_reader *rd)
{
	int64_t n;
	struct attachment_file f;
	int rc = api_path_id(r, n_param, &n);
	if (rc == OMB_OK)
		rc = telemarketing_report_attachment(r->app, r->params[receipt_param], (uint64_t)n, rd, &f);
	if (rc == OMB_ENOTFOUND)
		snprintf(r->err_msg, sizeof r->err_msg, "no such file on a report you may read");
	return rc != OMB_OK ? rc : api_reply_file(r, &f);
}

int h_tm_report_attachment(struct api_req *r)
{
	struct telemarketing_report_reader rd = {api_header(r, "X-Access-Code"), NULL, 0};
	if (!rd.access_code)
		rd.access_code = ""; /* the reporter's route: no code matches nothing */
	return send_report_file(r, 0, 1, &rd);
}

int h_tm_business_report_attachment(struct api_req *r)
{
	struct telemarketing_report_reader rd = {NULL, &r->who, 0};
	return send_report_file(r, 1, 2, &rd);
}

int h_tm_business_reports(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct telemarketing_report *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK &&
	    (rc = telemarketing_reports_of_business(r->app, &r->who, after, limit, &items, &n)) == OMB_ENOTFOUND)
		return no_business(r);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, report_json(&items[i], true));
	int64_t last = n ? items[n - 1].id : 0;
	telemarketing_reports_free(items, n);
	return api_reply_page(r, list, last, limit);
}

static int answer(struct api_req *r, const char *receipt, int64_t sanction_id)
{
	const char *text;
	int64_t id = 0;
	int rc = api_body_str(r, "text", true, TM_TEXT_MAX, &text);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = telemarketing_answer(r->app, &r->who, receipt, sanction_id, text, r->now, &id, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)id, "text", text, "by",
							r->who.staff_code, "at", api_iso_or_null(r->now)));
}

int h_tm_report_answer(struct api_req *r)
{
	return answer(r, r->params[1], 0);
}

int h_tm_sanction_answer(struct api_req *r)
{
	int64_t id;
	int rc = api_path_id(r, 1, &id);
	return rc != OMB_OK ? rc : answer(r, NULL, id);
}

/* ---- the regulator ---- */

int h_tm_cases(struct api_req *r)
{
	struct telemarketing_case *items = NULL;
	size_t n = 0;
	int rc = telemarketing_cases(r->app, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct telemarketing_case *c = &items[i];
		json_array_append_new(list, json_pack("{s:{s:I, s:s, s:s}, s:I, s:I, s:o, s:o, s:o, s:{s:i, s:I}}",
			"business", "id", (json_int_t)c->business_id, "name", c->business, "org", c->org_code, "reports",
			(json_int_t)c->n_reports, "prima_facie", (json_int_t)c->n_prima_facie, "violations",
			violations_json(c->violations), "detected", api_iso_or_null(c->detected_ms), "last_filed",
			api_iso_or_null(c->last_filed_ms), "fine_if_confirmed", "order", (int)c->fine_if_confirmed.order,
			"amount_krw", (json_int_t)c->fine_if_confirmed.amount_krw));
	}
	free(items);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:o}", "items", list));
}

/* The reports a decision on the business's case would cover, with the
 * reporters' numbers and files, for the regulator to read before deciding. */
int h_tm_case_reports(struct api_req *r)
{
	int64_t business;
	struct telemarketing_report *items = NULL;
	size_t n = 0;
	int rc = api_path_id(r, 0, &business);
	if (rc == OMB_OK)
		rc = telemarketing_reports_of_case(r->app, business, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, report_json(&items[i], false));
	telemarketing_reports_free(items, n);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:o}", "items", list));
}

int h_tm_case_report_attachment(struct api_req *r)
{
	struct telemarketing_report_reader rd = {NULL, &r->who, 0};
	int rc = api_path_id(r, 0, &rd.business_id);
	return rc != OMB_OK ? rc : send_report_file(r, 1, 2, &rd);
}

int h_tm_decide(struct api_req *r)
{
	const char *outcome, *reason;
	int64_t business;
	int rc = api_body_str(r, "outcome", true, 16, &outcome);
	if (rc == OMB_OK)
		rc = api_body_str(r, "reason", true, TM_TEXT_MAX, &reason);
	if (rc == OMB_OK)
		rc = api_path_id(r, 0, &business);
	if (rc != OMB_OK)
		return rc;
	struct telemarketing_decision d;
	struct app_error err;
	if ((rc = telemarketing_decide(r->app, &r->who, business, outcome, reason, r->now, &d, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:I, s:o, s:o, s:s}", "id", (json_int_t)d.id, "business",
			      (json_int_t)d.business_id, "outcome", d.confirmed ? "confirm" : "dismiss", "reason", reason,
			      "reports", (json_int_t)d.n_reports, "detected", api_iso_or_null(d.detected_ms), "decided",
			      api_iso_or_null(d.decided_ms), "regulator", d.regulator_code);
	json_object_set_new(j, "sanction", d.confirmed ? json_pack("{s:I, s:i, s:I}", "id", (json_int_t)d.sanction_id,
								    "order", (int)d.order, "fine_krw",
								    (json_int_t)d.fine_krw)
						       : json_null());
	return api_reply(r, MHD_HTTP_CREATED, j);
}

static int sanctions(struct api_req *r, int64_t business_id)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct telemarketing_sanction *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = telemarketing_sanctions(r->app, business_id, after, limit, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct telemarketing_sanction *s = &items[i];
		json_array_append_new(list, json_pack("{s:I, s:{s:I, s:s}, s:i, s:I, s:s, s:s, s:o, s:o, s:I, s:I}", "id",
			(json_int_t)s->id, "business", "id", (json_int_t)s->business_id, "name", s->business, "order",
			(int)s->order, "fine_krw", (json_int_t)s->fine_krw, "reason", s->reason, "regulator",
			s->regulator_code, "detected", api_iso_or_null(s->detected_ms), "decided", api_iso_or_null(s->decided_ms),
			"reports", (json_int_t)s->n_reports, "answers", (json_int_t)s->n_answers));
	}
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

int h_tm_sanctions(struct api_req *r)
{
	return sanctions(r, 0);
}

int h_tm_business_sanctions(struct api_req *r)
{
	struct telemarketing_business b;
	int rc = telemarketing_business_get(r->app, r->who.org_id, &b);
	if (rc == OMB_ENOTFOUND)
		return no_business(r);
	return rc != OMB_OK ? rc : sanctions(r, b.id);
}

/* ---- the registry export ---- */

int h_tm_registry_csv(struct api_req *r)
{
	char *csv = NULL;
	size_t len = 0;
	int rc = telemarketing_registry_csv(r->app, &csv, &len);
	if (rc != OMB_OK)
		return rc;
	r->resp_bytes = len;
	r->raw = MHD_create_response_from_buffer(len, csv, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_TYPE, "text/csv; charset=utf-8");
	r->status = MHD_HTTP_OK;
	return OMB_OK;
}
