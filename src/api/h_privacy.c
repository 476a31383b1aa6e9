/* h_privacy.c — the Personal Information Protection Act over HTTP
 * (docs/privacy.md): the purpose a staff reader states and the read log,
 * retention periods, erasure, export and consents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "app/cases.h"
#include "app/privacy.h"
#include "base/err.h"
#include "base/mem.h"

#define EXPORT_READS_MAX 10000   /* reads of one case in an export */

/* ---- the purpose and the log ---- */

int api_read_purpose(struct api_req *r, enum privacy_read what, enum privacy_purpose *out)
{
	const char *s = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "purpose");
	if (!s)
		s = api_header(r, "X-Purpose");
	*out = privacy_default_purpose(what);
	if (s && privacy_purpose_parse(s, out) != OMB_OK)
		return api_invalid(r, "purpose", "must be handling, quality_review, complaint_review, dossier, "
						 "customer_request, legal_request or audit");
	return OMB_OK;
}

int api_purpose_check(struct api_req *r, const struct principal *staff, enum privacy_read what)
{
	enum privacy_purpose why;
	return staff ? api_read_purpose(r, what, &why) : OMB_OK;
}

int api_log_read(struct api_req *r, const char *receipt, enum privacy_read what)
{
	enum privacy_purpose why;
	int rc = api_read_purpose(r, what, &why);
	return rc != OMB_OK ? rc : privacy_log_read(r->app, &r->who, receipt, what, why, r->now);
}

int api_log_dossier_read(struct api_req *r, int64_t dossier_id)
{
	enum privacy_purpose why;
	int rc = api_read_purpose(r, PRIVACY_READ_DOSSIER, &why);
	return rc != OMB_OK ? rc : privacy_log_dossier_read(r->app, &r->who, dossier_id, why, r->now);
}

static json_t *read_json(const struct privacy_read_item *it)
{
	return json_pack("{s:I, s:s, s:o, s:{s:s, s:s, s:s}, s:s, s:s}", "id", (json_int_t)it->id, "receipt", it->receipt,
			 "at", api_iso_or_null(it->at_ms), "by", "staff_code", it->staff_code, "role", it->role, "org",
			 it->staff_org, "what", it->what, "purpose", it->purpose);
}

static int reply_reads(struct api_req *r, int rc, struct privacy_read_item *items, size_t n, int limit)
{
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, read_json(&items[i]));
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

/* A customer proves the case with receipt number + X-Access-Code; a wrong
 * code and an unknown receipt are the same 404. */
static int customer_case(struct api_req *r)
{
	if (cases_access_ok(r->app, r->params[0], api_header(r, "X-Access-Code")))
		return OMB_OK;
	r->err_code = "not_found";
	snprintf(r->err_msg, sizeof r->err_msg, "no case with this receipt number and access code");
	return OMB_ENOTFOUND;
}

int h_case_reads(struct api_req *r)
{
	int64_t after = 0;
	int limit = 0; /* passed on with an error too */
	int rc = customer_case(r);
	if (rc == OMB_OK)
		rc = api_page(r, &after, &limit);
	struct privacy_read_item *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = privacy_reads_of_case(r->app, r->params[0], after, limit, &items, &n);
	return reply_reads(r, rc, items, n, limit);
}

int h_org_reads(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	const char *receipt = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "receipt");
	struct privacy_read_item *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = privacy_reads_of_org(r->app, r->who.org_id, receipt, after, limit, &items, &n);
	if (rc == OMB_ENOTFOUND) {
		r->err_field = "receipt";
		snprintf(r->err_msg, sizeof r->err_msg, "no case of this organisation with that receipt number");
	}
	return reply_reads(r, rc, items, n, limit);
}

/* ---- retention ---- */

static int reply_retention(struct api_req *r, unsigned status)
{
	struct privacy_retention_item *items = NULL;
	size_t n = 0;
	int64_t server_days = 0;
	int rc = privacy_retention_get(r->app, r->who.org_id, &items, &n, &server_days);
	if (rc != OMB_OK)
		return rc;
	json_t *cats = json_object(), *dflt = json_null();
	for (size_t i = 0; i < n; i++) {
		if (!*items[i].category)
			dflt = json_integer(items[i].days);
		else
			json_object_set_new(cats, items[i].category, json_integer(items[i].days));
	}
	free(items);
	return api_reply(r, status, json_pack("{s:s, s:I, s:o, s:o}", "org", r->params[0], "server_default_days",
					      (json_int_t)server_days, "default_days", dflt, "categories", cats));
}

int h_retention_get(struct api_req *r)
{
	return reply_retention(r, MHD_HTTP_OK);
}

#define RETENTION_CATEGORIES_MAX 200

int h_retention_put(struct api_req *r)
{
	int64_t default_days = 0;
	int rc = api_body_int(r, "default_days", false, 0, PRIVACY_RETENTION_DAYS_MAX, &default_days);
	if (rc != OMB_OK)
		return rc;
	json_t *cats = json_object_get(r->json_body, "categories");
	if (cats && !json_is_object(cats))
		return api_invalid(r, "categories", "must be an object of category code to days");
	size_t n = cats ? json_object_size(cats) : 0;
	if (n > RETENTION_CATEGORIES_MAX)
		return api_invalid(r, "categories", "at most 200 categories");
	const char **codes = xcalloc(n + 1, sizeof *codes);
	int64_t *days = xcalloc(n + 1, sizeof *days);
	size_t i = 0;
	const char *code;
	json_t *v;
	json_object_foreach(cats, code, v) {
		if (!json_is_integer(v)) {
			free(codes);
			free(days);
			return api_invalid(r, "categories", "each period must be a whole number of days");
		}
		codes[i] = code;
		days[i++] = json_integer_value(v);
	}
	struct app_error err;
	rc = privacy_retention_put(r->app, &r->who, default_days, codes, days, n, r->now, &err);
	free(codes);
	free(days);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return reply_retention(r, MHD_HTTP_OK);
}

/* ---- erasure ---- */

json_t *api_erasure_json(const struct privacy_erasure *e)
{
	if (!e->erased)
		return json_null();
	json_t *j = json_pack("{s:o, s:s}", "at", api_iso_or_null(e->at_ms), "cause", e->cause);
	if (*e->staff_code)
		json_object_set_new(j, "by", json_string(e->staff_code));
	return j;
}

static int reply_erasure(struct api_req *r, const char *receipt, int rc, const struct privacy_erasure *e,
			 const struct app_error *err)
{
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err->field, err->reason);
	json_t *j = api_erasure_json(e);
	if (*e->note)
		json_object_set_new(j, "verified_by", json_string(e->note));
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:o}", "receipt", receipt, "erased", j));
}

int h_case_erase(struct api_req *r)
{
	int rc = customer_case(r);
	if (rc != OMB_OK)
		return rc;
	struct privacy_erasure e;
	struct app_error err;
	rc = privacy_erase(r->app, r->params[0], NULL, NULL, r->now, &e, &err);
	return reply_erasure(r, r->params[0], rc, &e, &err);
}

int h_staff_erase(struct api_req *r)
{
	const char *verified_by = NULL;
	int rc = api_body_str(r, "verified_by", true, PRIVACY_NOTE_MAX, &verified_by);
	if (rc != OMB_OK)
		return rc;
	struct privacy_erasure e;
	struct app_error err;
	rc = privacy_erase(r->app, r->params[1], &r->who, verified_by, r->now, &e, &err);
	return reply_erasure(r, r->params[1], rc, &e, &err);
}

/* ---- consents ---- */

static json_t *consent_json(const struct privacy_consent_item *c)
{
	return json_pack("{s:s, s:b, s:s, s:o}", "purpose", c->purpose, "granted", c->granted, "wording_version",
			 c->wording, "at", api_iso_or_null(c->at_ms));
}

/* {"current": {purpose: latest}, "history": [...]} of one case's consents. */
static int consents_json(struct api_req *r, const char *receipt, bool history, json_t **out)
{
	struct privacy_consent_item *items = NULL;
	size_t n = 0;
	int rc = privacy_consents_of_case(r->app, receipt, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *current = json_object(), *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_object_set_new(current, items[i].purpose, consent_json(&items[i]));
		json_array_append_new(list, consent_json(&items[i]));
	}
	free(items);
	*out = json_pack("{s:s, s:o}", "receipt", receipt, "current", current);
	if (history)
		json_object_set_new(*out, "history", list);
	else
		json_decref(list);
	return OMB_OK;
}

int h_case_consents(struct api_req *r)
{
	json_t *j = NULL;
	int rc = customer_case(r);
	if (rc == OMB_OK)
		rc = consents_json(r, r->params[0], true, &j);
	return rc != OMB_OK ? rc : api_reply(r, MHD_HTTP_OK, j);
}

int h_case_consent_set(struct api_req *r)
{
	const char *purpose = NULL, *wording = NULL;
	bool granted = false;
	int rc = customer_case(r);
	if (rc == OMB_OK)
		rc = api_body_str(r, "purpose", true, 16, &purpose);
	if (rc == OMB_OK && !json_is_boolean(json_object_get(r->json_body, "granted")))
		rc = api_invalid(r, "granted", "is required: true to grant, false to withdraw");
	if (rc == OMB_OK)
		rc = api_body_bool(r, "granted", &granted);
	if (rc == OMB_OK)
		rc = api_body_str(r, "wording_version", true, PRIVACY_WORDING_MAX, &wording);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = privacy_consent_set(r->app, r->params[0], purpose, granted, wording, r->now, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	json_t *j = NULL;
	rc = consents_json(r, r->params[0], true, &j);
	return rc != OMB_OK ? rc : api_reply(r, MHD_HTTP_OK, j);
}

/* The case must be one of {org}'s that the caller may read. */
static int staff_may_read(struct api_req *r, const char *receipt)
{
	struct case_view v;
	struct app_error err;
	int rc = cases_view(r->app, receipt, &r->who, NULL, &v, &err);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	bool ours = strcmp(v.org_code, r->params[0]) == 0;
	case_view_free(&v);
	return ours ? OMB_OK : OMB_ENOTFOUND;
}

int h_staff_case_consents(struct api_req *r)
{
	json_t *j = NULL;
	int rc = staff_may_read(r, r->params[1]);
	if (rc == OMB_OK)
		rc = consents_json(r, r->params[1], false, &j);
	return rc != OMB_OK ? rc : api_reply(r, MHD_HTTP_OK, j);
}

int h_org_consents(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	const char *purpose = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "purpose");
	struct privacy_consent_item *items = NULL;
	size_t n = 0;
	struct app_error err = {0};
	if (rc == OMB_OK && (rc = privacy_consents_granted(r->app, r->who.org_id, purpose ? purpose : "", after, limit,
							  &items, &n, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *c = consent_json(&items[i]);
		json_object_set_new(c, "receipt", json_string(items[i].receipt));
		json_array_append_new(list, c);
	}
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

/* ---- export ---- */

/* Everything held about one case: the case as its reader sees it, every
 * read of it, its consents and its erasure. */
static int export_case(struct api_req *r, const struct case_view *v, json_t **out)
{
	struct privacy_read_item *reads = NULL;
	size_t n = 0;
	json_t *consents = NULL;
	int rc = privacy_reads_of_case(r->app, v->receipt, 0, EXPORT_READS_MAX, &reads, &n);
	if (rc == OMB_OK)
		rc = consents_json(r, v->receipt, true, &consents);
	if (rc != OMB_OK) {
		free(reads);
		return rc;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, read_json(&reads[i]));
	free(reads);
	json_object_del(consents, "receipt");
	*out = json_pack("{s:o, s:o, s:o}", "case", api_case_json(v), "reads", list, "consents", consents);
	return OMB_OK;
}

int h_case_export(struct api_req *r)
{
	int rc = customer_case(r);
	if (rc != OMB_OK)
		return rc;
	struct case_view v;
	struct app_error err;
	if ((rc = cases_view(r->app, r->params[0], NULL, api_header(r, "X-Access-Code"), &v, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	json_t *c = NULL;
	rc = export_case(r, &v, &c);
	case_view_free(&v);
	if (rc != OMB_OK)
		return rc;
	json_object_set_new(c, "exported_at", api_iso_or_null(r->now));
	return api_reply(r, MHD_HTTP_OK, c);
}

/* Every case of {org} with the contact: each read is logged (export, and
 * the stated purpose) before any of them is answered. */
int h_org_export(struct api_req *r)
{
	const char *contact = NULL;
	enum privacy_purpose why;
	int rc = api_body_str(r, "contact", true, 120, &contact);
	if (rc == OMB_OK)
		rc = api_read_purpose(r, PRIVACY_READ_EXPORT, &why);
	if (rc != OMB_OK)
		return rc;
	char (*receipts)[RECEIPT_LEN_MAX + 1] = NULL;
	size_t n = 0;
	struct app_error err;
	if ((rc = privacy_receipts_of_contact(r->app, r->who.org_id, contact, &receipts, &n, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	json_t *cases = json_array();
	for (size_t i = 0; rc == OMB_OK && i < n; i++) {
		struct case_view v;
		struct app_error cerr;
		json_t *c = NULL;
		if ((rc = cases_view(r->app, receipts[i], &r->who, NULL, &v, &cerr)) != OMB_OK) {
			rc = api_fail_use_case(r, rc, cerr.field, cerr.reason);
			break;
		}
		rc = privacy_log_read(r->app, &r->who, receipts[i], PRIVACY_READ_EXPORT, why, r->now);
		if (rc == OMB_OK)
			rc = export_case(r, &v, &c);
		case_view_free(&v);
		if (rc == OMB_OK)
			json_array_append_new(cases, c);
	}
	free(receipts);
	if (rc != OMB_OK) {
		json_decref(cases);
		return rc;
	}
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:s, s:o, s:o}", "org", r->params[0], "contact", contact,
						   "exported_at", api_iso_or_null(r->now), "cases", cases));
}
