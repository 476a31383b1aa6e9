/* h_protect.c — agent protection over HTTP: incidents flagged on a case and
 * reviewed by the agent's manager, warnings, ending a contact, breaks,
 * counselling requests, dossiers and the published figures. The rules are
 * desk/protect.h's, applied by app/protect.h. */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "app/protect.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"

static int at_field(struct api_req *r, const char *key, int64_t *ms)
{
	const char *s = NULL;
	int rc = api_body_str(r, key, false, 40, &s);
	*ms = 0;
	if (rc == OMB_OK && s && clock_parse_iso(s, ms) != OMB_OK)
		return api_invalid(r, key, "must be an ISO 8601 time, e.g. 2026-11-28T14:08:35Z");
	return rc;
}

static json_t *incident_json(const struct protection_incident *v)
{
	json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:s}", "id", (json_int_t)v->id, "receipt", v->receipt,
			      "contact", (json_int_t)v->contact_id, "agent", v->agent_code, "kind",
			      protect_kind_name(v->kind), "status", protect_status_name(v->status), "at",
			      api_iso_or_null(v->at_ms), "text", v->text ? v->text : "");
	if (v->recording_ref && *v->recording_ref)
		json_object_set_new(j, "recording_ref", json_string(v->recording_ref));
	if (*v->reviewer_code)
		json_object_set_new(j, "reviewed", json_pack("{s:s, s:o}", "by", v->reviewer_code, "at",
							     api_iso_or_null(v->reviewed_ms)));
	return j;
}

static int reply_incident(struct api_req *r, unsigned status, struct protection_incident *v)
{
	json_t *j = incident_json(v);
	protection_incident_clear(v);
	return api_reply(r, status, j);
}

/* ---- incidents ---- */

int h_incident_flag(struct api_req *r)
{
	struct protection_flag_in in = {0};
	int rc = api_body_str(r, "kind", true, 32, &in.kind);
	if (rc == OMB_OK)
		rc = api_body_str(r, "text", true, PROTECT_TEXT_MAX, &in.text);
	if (rc == OMB_OK)
		rc = at_field(r, "at", &in.at_ms);
	if (rc == OMB_OK)
		rc = api_body_str(r, "recording_ref", false, 200, &in.recording_ref);
	if (rc != OMB_OK)
		return rc;
	struct protection_incident v;
	struct app_error err;
	rc = protection_flag(r->app, &r->who, r->params[0], r->params[1], &in, r->now, &v, &err);
	return rc != OMB_OK ? api_fail_use_case(r, rc, err.field, err.reason) : reply_incident(r, MHD_HTTP_CREATED, &v);
}

/* Whether an incident before items[i] on the page is of the same case (a
 * page is in id order, so one case's incidents need not be together). */
static bool case_listed_before(const struct protection_incident *items, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(items[j].receipt, items[i].receipt) == 0)
			return true;
	return false;
}

int h_incidents_list(struct api_req *r)
{
	int64_t after;
	int limit, status = -1;
	int rc = api_page(r, &after, &limit);
	const char *want = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "status");
	for (int s = PROTECT_PENDING; want && s <= PROTECT_REJECTED; s++)
		if (strcmp(want, protect_status_name((enum protect_status)s)) == 0)
			status = s;
	if (rc == OMB_OK && want && status < 0)
		return api_invalid(r, "status", "must be pending, confirmed or rejected");
	if (rc == OMB_OK)
		rc = api_purpose_check(r, &r->who, PRIVACY_READ_INCIDENT);
	struct protection_incident *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = protection_incidents(r->app, &r->who, status, after, limit, &items, &n);
	/* the flagged words are the customer's: each case's read is logged
	 * once for the page */
	for (size_t i = 0; rc == OMB_OK && i < n; i++)
		if (!case_listed_before(items, i))
			rc = api_log_read(r, items[i].receipt, PRIVACY_READ_INCIDENT);
	if (rc != OMB_OK) {
		protection_incidents_free(items, n);
		return rc;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, incident_json(&items[i]));
	int64_t last = n ? items[n - 1].id : 0;
	protection_incidents_free(items, n);
	return api_reply_page(r, list, last, limit);
}

int h_incident_review(struct api_req *r)
{
	const char *decision;
	int64_t id;
	int rc = api_body_str(r, "decision", true, 16, &decision);
	if (rc != OMB_OK)
		return rc;
	if (strcmp(decision, "confirm") && strcmp(decision, "reject"))
		return api_invalid(r, "decision", "must be confirm or reject");
	if ((rc = api_path_id(r, 1, &id)) != OMB_OK)
		return rc;
	if ((rc = api_purpose_check(r, &r->who, PRIVACY_READ_INCIDENT)) != OMB_OK)
		return rc;
	struct protection_incident v;
	struct app_error err;
	rc = protection_review(r->app, &r->who, id, strcmp(decision, "confirm") == 0, r->now, &v, &err);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	if ((rc = api_log_read(r, v.receipt, PRIVACY_READ_INCIDENT)) != OMB_OK) { /* the reviewer reads the words */
		protection_incident_clear(&v);
		return rc;
	}
	return reply_incident(r, MHD_HTTP_OK, &v);
}

/* ---- the contact: warning and ending ---- */

int h_contact_warn(struct api_req *r)
{
	struct protection_contact_state st;
	struct app_error err;
	int rc = protection_warn(r->app, &r->who, r->params[0], r->params[1], r->now, &st, &err);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED,
			 json_pack("{s:s, s:I, s:I, s:i, s:i, s:b, s:s}", "receipt", r->params[1], "contact",
				   (json_int_t)st.contact_id, "incident", (json_int_t)st.incident_id, "warnings_given",
				   (int)st.warnings_given, "warnings_required", (int)st.warnings_required, "may_end",
				   st.may_end, "sent_to", "the case's contact (ko, en)"));
}

int h_contact_end(struct api_req *r)
{
	struct protection_contact_end end;
	struct app_error err;
	int rc = protection_end_contact(r->app, &r->who, r->params[0], r->params[1], r->now, &end, &err);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	char level[4];
	snprintf(level, sizeof level, "L%d", end.handover_level);
	bool queue = !*end.handover_code;
	return api_reply(r, MHD_HTTP_OK,
			 json_pack("{s:s, s:I, s:o, s:{s:o, s:s, s:b}}", "receipt", r->params[1], "contact",
				   (json_int_t)end.contact_id, "ended_at", api_iso_or_null(end.ended_ms), "handed_over_to",
				   "staff_code", queue ? json_null() : json_string(end.handover_code), "level", level,
				   "queue", queue));
}

/* ---- breaks and counselling ---- */

int h_break_add(struct api_req *r)
{
	const char *agent;
	int64_t minutes = 0, incident = 0, id = 0;
	int rc = api_body_str(r, "agent", true, STAFF_CODE_MAX, &agent);
	if (rc == OMB_OK)
		rc = api_body_int(r, "minutes", true, 1, PROTECT_BREAK_MAX_MIN, &minutes);
	if (rc == OMB_OK)
		rc = api_body_int(r, "incident", false, 1, INT64_MAX, &incident);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = protection_break(r->app, &r->who, agent, minutes, incident, r->now, &id, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:I, s:s, s:I, s:o}", "id", (json_int_t)id, "agent", agent,
							"minutes", (json_int_t)minutes, "start", api_iso_or_null(r->now)));
}

int h_counselling_add(struct api_req *r)
{
	const char *text = NULL;
	int64_t id = 0;
	int rc = api_body_str(r, "text", false, PROTECTION_COUNSELLING_TEXT_MAX, &text);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = protection_counselling_add(r->app, &r->who, text, r->now, &id, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "agent",
							r->who.staff_code, "at", api_iso_or_null(r->now)));
}

int h_counselling_list(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct protection_counselling *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = protection_counselling_list(r->app, &r->who, after, limit, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)items[i].id, "agent",
						      items[i].agent_code, "text", items[i].text, "at",
						      api_iso_or_null(items[i].at_ms)));
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

/* ---- dossiers ---- */

int h_dossiers_list(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct protection_dossier_item *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = protection_dossiers(r->app, &r->who, after, limit, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)items[i].id, "receipt",
						      items[i].receipt, "agent", items[i].agent_code, "created",
						      api_iso_or_null(items[i].created_ms)));
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

int h_dossier_create(struct api_req *r)
{
	const char *receipt;
	int64_t id = 0;
	int rc = api_body_str(r, "receipt", true, RECEIPT_LEN_MAX, &receipt);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = protection_dossier_create(r->app, &r->who, receipt, r->now, &id, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)id, "receipt", receipt,
							"agent", r->who.staff_code, "created", api_iso_or_null(r->now)));
}

int h_dossier_get(struct api_req *r)
{
	const char *format = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	if (format && strcmp(format, "html") && strcmp(format, "json"))
		return api_invalid(r, "format", "must be json or html");
	int64_t id;
	int rc = api_path_id(r, 1, &id);
	if (rc == OMB_OK)
		rc = api_purpose_check(r, &r->who, PRIVACY_READ_DOSSIER);
	if (rc != OMB_OK)
		return rc;
	struct doc *d = NULL;
	struct app_error err;
	if ((rc = protection_dossier_get(r->app, &r->who, id, &d, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	if ((rc = api_log_dossier_read(r, id)) != OMB_OK) { /* the customer's words: a read of their data */
		doc_free(d);
		return rc;
	}
	rc = api_reply_document(r, d, format && !strcmp(format, "html"));
	doc_free(d);
	return rc;
}

/* ---- published figures ---- */

static int day_query(struct api_req *r, const char *key, int64_t *ms)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
	if (v && (strlen(v) != 10 || clock_parse_iso(v, ms) != OMB_OK))
		return api_invalid(r, key, "must be a date YYYY-MM-DD");
	return OMB_OK;
}

int h_protect_figures(struct api_req *r)
{
	int64_t from = 0, to = r->now + CLOCK_MS_PER_DAY;
	int rc = day_query(r, "from", &from);
	if (rc == OMB_OK)
		rc = day_query(r, "to", &to);
	if (rc == OMB_OK && from >= to)
		rc = api_invalid(r, "to", "must be after from");
	struct protect_figures f;
	if (rc == OMB_OK)
		rc = protection_figures(r->app, r->params[0], from, to, &f);
	if (rc != OMB_OK)
		return rc;
	json_t *by_kind = json_object(), *confirmed_by_kind = json_object();
	for (int k = 0; k < PROTECT_KIND_COUNT; k++) {
		json_object_set_new(by_kind, protect_kind_name((enum protect_kind)k), json_integer(f.by_kind[k]));
		json_object_set_new(confirmed_by_kind, protect_kind_name((enum protect_kind)k),
				    json_integer(f.confirmed_by_kind[k]));
	}
	char from_s[32], to_s[32];
	clock_format_iso(from, from_s, sizeof from_s);
	clock_format_iso(to, to_s, sizeof to_s);
	from_s[10] = to_s[10] = '\0';
	return api_reply(r, MHD_HTTP_OK,
			 json_pack("{s:s, s:s, s:s, s:i, s:o, s:i, s:o, s:i, s:i, s:i, s:i, s:i}", "org", r->params[0],
				   "from", from_s, "to", to_s, "incidents", f.incidents, "by_kind", by_kind, "confirmed",
				   f.confirmed, "confirmed_by_kind", confirmed_by_kind, "rejected", f.rejected, "pending",
				   f.pending, "contacts_ended", f.contacts_ended, "dossiers", f.dossiers, "breaks",
				   f.breaks));
}

/* ---- the organisation's settings ---- */

static json_t *or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int reply_settings(struct api_req *r, unsigned status)
{
	struct protection_settings *s = xcalloc(1, sizeof *s);
	int rc = protection_settings_get(r->app, r->who.org_id, s);
	if (rc != OMB_OK) {
		free(s);
		return rc;
	}
	json_t *warn = json_object(), *seniors = json_array();
	for (int k = 0; k < PROTECT_KIND_COUNT; k++)
		json_object_set_new(warn, protect_kind_name((enum protect_kind)k), json_integer(s->cfg.warnings_required[k]));
	for (size_t i = 0; i < s->n_seniors; i++)
		json_array_append_new(seniors, json_string(s->seniors[i]));
	json_t *j = json_pack("{s:s, s:o, s:i, s:I, s:o, s:o, s:o, s:o, s:{s:s, s:s}}", "org", r->who.org_code,
			      "warnings_required", warn, "senior_after_confirmed", (int)s->cfg.senior_after_confirmed,
			      "senior_period_days", (json_int_t)(s->cfg.senior_period_ms / CLOCK_MS_PER_DAY), "senior_handlers",
			      seniors, "warning_ko", or_null(s->cfg.warning_ko), "warning_en", or_null(s->cfg.warning_en),
			      "support_contact", or_null(s->cfg.support_contact), "warning_in_effect", "ko",
			      protect_warning_text(&s->cfg, "ko"), "en", protect_warning_text(&s->cfg, "en"));
	free(s);
	return api_reply(r, status, j);
}

int h_protect_settings_get(struct api_req *r)
{
	return reply_settings(r, MHD_HTTP_OK);
}

/* warnings_required: an object of kind -> count; a kind left out keeps its default. */
static int warnings_field(struct api_req *r, struct protect_config *cfg)
{
	json_t *w = r->json_body ? json_object_get(r->json_body, "warnings_required") : NULL;
	if (!w || json_is_null(w))
		return OMB_OK;
	if (!json_is_object(w))
		return api_invalid(r, "warnings_required", "must be an object of kind: count");
	const char *name;
	json_t *v;
	json_object_foreach(w, name, v) {
		enum protect_kind k;
		if (protect_kind_parse(name, &k) != OMB_OK)
			return api_invalid(r, "warnings_required",
					   "keys are verbal_abuse, threat, sexual_harassment and assault");
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > PROTECT_WARNINGS_MAX)
			return api_invalid(r, "warnings_required", "counts are integers from 0 to 10");
		cfg->warnings_required[k] = (unsigned)json_integer_value(v);
	}
	return OMB_OK;
}

static int seniors_field(struct api_req *r, const char **codes, size_t *n)
{
	json_t *a = r->json_body ? json_object_get(r->json_body, "senior_handlers") : NULL;
	*n = 0;
	if (!a || json_is_null(a))
		return OMB_OK;
	if (!json_is_array(a) || json_array_size(a) > PROTECTION_SENIORS_MAX)
		return api_invalid(r, "senior_handlers", "must be a list of at most 100 staff codes");
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return api_invalid(r, "senior_handlers", "must be a list of staff codes");
		codes[(*n)++] = json_string_value(v);
	}
	return OMB_OK;
}

int h_protect_settings_put(struct api_req *r)
{
	struct protect_config cfg;
	protect_config_default(&cfg);
	int64_t after = cfg.senior_after_confirmed, days = cfg.senior_period_ms / CLOCK_MS_PER_DAY;
	const char *codes[PROTECTION_SENIORS_MAX];
	size_t n = 0;
	int rc = warnings_field(r, &cfg);
	if (rc == OMB_OK)
		rc = api_body_int(r, "senior_after_confirmed", false, 1, 1000, &after);
	if (rc == OMB_OK)
		rc = api_body_int(r, "senior_period_days", false, 1, PROTECT_SENIOR_MAX_DAYS, &days);
	if (rc == OMB_OK)
		rc = api_body_str(r, "warning_ko", false, PROTECT_WARNING_MAX, &cfg.warning_ko);
	if (rc == OMB_OK)
		rc = api_body_str(r, "warning_en", false, PROTECT_WARNING_MAX, &cfg.warning_en);
	if (rc == OMB_OK)
		rc = api_body_str(r, "support_contact", false, PROTECT_SUPPORT_MAX, &cfg.support_contact);
	if (rc == OMB_OK)
		rc = seniors_field(r, codes, &n);
	if (rc != OMB_OK)
		return rc;
	cfg.senior_after_confirmed = (unsigned)after;
	cfg.senior_period_ms = days * CLOCK_MS_PER_DAY;
	struct app_error err;
	if ((rc = protection_settings_put(r->app, &r->who, &cfg, codes, n, r->now, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return reply_settings(r, MHD_HTTP_OK);
}
