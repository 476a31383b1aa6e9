/* h_screen.c — call screening over HTTP: the SIP proxy's check and event
 * batches, numbers and their evidence, blocks, the allowlist, and number
 * holders' appeals (docs/api.md, "Call screening").
 *
 * The check is the hot path: it parses the body, asks the engine and
 * answers, and touches no store (app/screening.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "app/screening.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"

static json_t *reasons_json(uint32_t bits)
{
	json_t *a = json_array();
	for (int i = 0; i < SR_COUNT; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(screen_reason_name((enum screen_reason)i)));
	return a;
}

/* "a;b" -> ["a", "b"] */
static json_t *reasons_text_json(const char *s)
{
	json_t *a = json_array();
	while (*s) {
		size_t n = strcspn(s, ";");
		if (n)
			json_array_append_new(a, json_stringn(s, n));
		s += n + (s[n] == ';');
	}
	return a;
}

/* ---- the SIP proxy ---- */

#define CHECK_CALL_ID_MAX 64 /* bytes, as docs/formats.md says */

/* The check's answer, written as jansson's compact dump of the same object
 * would be, without building and dumping an object for every call. The
 * call_id is the request's own string dumped by jansson (escaped); reason
 * and verdict names are plain identifiers. Caller frees. */
static char *check_answer(const json_t *call_id, const struct screen_verdict *v)
{
	struct buf b;
	char id[CHECK_CALL_ID_MAX * 6 + 2]; /* every byte escaped as \uXXXX, and the quotes */
	size_t n = json_dumpb(call_id, id, sizeof id, JSON_ENCODE_ANY);
	buf_init(&b, 4096);
	buf_puts(&b, "{\"call_id\":");
	buf_append(&b, id, n);
	char score[12];
	snprintf(score, sizeof score, "%d", v->score);
	buf_puts(&b, ",\"verdict\":\"");
	buf_puts(&b, screen_verdict_name(v->verdict)); /* buf_puts, not buf_printf: this runs for every call */
	buf_puts(&b, "\",\"score\":");
	buf_puts(&b, score);
	buf_puts(&b, ",\"reasons\":[");
	const char *sep = "";
	for (int i = 0; i < SR_COUNT; i++)
		if (v->reasons & (1u << i)) {
			buf_puts(&b, sep);
			buf_puts(&b, "\"");
			buf_puts(&b, screen_reason_name((enum screen_reason)i));
			buf_puts(&b, "\"");
			sep = ",";
		}
	buf_puts(&b, v->repeated ? "],\"repeated\":true}" : "],\"repeated\":false}");
	size_t len;
	return buf_steal(&b, &len);
}

int h_screen_check(struct api_req *r)
{
	struct screening_attempt_in in = {0};
	const char *fields[] = {"call_id", "caller", "callee", "origin", "trunk", "cell", "attestation"};
	const char **dst[] = {&in.call_id, &in.caller, &in.callee, &in.origin, &in.trunk, &in.cell, &in.attestation};
	size_t max[] = {CHECK_CALL_ID_MAX, PHONE_MAX_INPUT, PHONE_MAX_INPUT, 16, 63, 63, 1};
	int rc = OMB_OK;
	for (int i = 0; i < 7 && rc == OMB_OK; i++)
		rc = api_body_str(r, fields[i], i == 0 || i == 2, max[i], dst[i]);
	if (rc == OMB_OK)
		rc = api_body_int(r, "ts_ms", false, 0, INT64_MAX, &in.ts_ms);
	if (rc != OMB_OK)
		return rc;
	struct screen_verdict v;
	struct app_error err = {0};
	if ((rc = screening_check(r->app, &in, r->now, &v, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply_text(r, MHD_HTTP_OK, check_answer(json_object_get(r->json_body, "call_id"), &v));
}

int h_screen_events(struct api_req *r)
{
	struct screening_ingest *res = xmalloc(sizeof *res);
	int rc = screening_ingest(r->app, r->body.data ? r->body.data : "", r->body.len, res);
	if (rc != OMB_OK) {
		free(res);
		return rc;
	}
	json_t *errors = json_array();
	for (size_t i = 0; i < res->n_errors; i++)
		json_array_append_new(errors, json_pack("{s:I, s:s}", "line", (json_int_t)res->errors[i].line, "reason",
							res->errors[i].reason));
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:o}", "lines", (json_int_t)res->lines,
			      "attempts", (json_int_t)res->attempts, "ends", (json_int_t)res->ends, "ends_unknown",
			      (json_int_t)res->ends_unknown, "bad", (json_int_t)res->bad, "verdicts", "allow",
			      (json_int_t)res->verdicts[SCREEN_ALLOW], "warn", (json_int_t)res->verdicts[SCREEN_WARN], "block",
			      (json_int_t)res->verdicts[SCREEN_BLOCK], "errors", errors);
	free(res);
	return api_reply(r, MHD_HTTP_OK, j);
}

/* ---- numbers and evidence ---- */

static json_t *block_json(const struct screening_block *b)
{
	json_t *j = json_pack("{s:I, s:s, s:o, s:i, s:s, s:s, s:o, s:o}", "id", (json_int_t)b->id, "number", b->number,
			      "reasons", reasons_text_json(b->reasons), "score", b->score, "set_by",
			      b->operator_set ? b->set_by : "engine", "note", b->note, "from", api_iso_or_null(b->from_ms),
			      "until", api_iso_or_null(b->until_ms));
	if (b->lifted_ms)
		json_object_set_new(j, "lifted", json_pack("{s:o, s:s, s:s}", "at", api_iso_or_null(b->lifted_ms), "by",
							   b->lifted_by, "reason", b->lift_reason));
	return j;
}

static json_t *evidence_json(const struct screen_evidence *ev)
{
	json_t *answered = json_array(), *trunks = json_array(), *cells = json_array(), *timeline = json_array();
	for (unsigned i = 0; i < ev->n_answered; i++)
		json_array_append_new(answered, json_string(ev->answered_callees[i]));
	for (unsigned i = 0; i < ev->n_trunks; i++)
		json_array_append_new(trunks, json_string(ev->trunks[i]));
	for (unsigned i = 0; i < ev->n_cells; i++)
		json_array_append_new(cells, json_string(ev->cells[i]));
	for (unsigned i = 0; i < ev->n_timeline; i++) {
		const struct screen_timeline_entry *t = &ev->timeline[i];
		json_array_append_new(timeline, json_pack("{s:o, s:s, s:i, s:o}", "at", api_iso_or_null(t->ts_ms), "verdict",
							  screen_verdict_name((enum screen_verdict_kind)t->verdict),
							  "score", t->score, "reasons", reasons_json(t->reasons)));
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "answered_callees", answered, "trunks", trunks, "cells", cells,
			 "timeline", timeline, "block", ev->blocked ? json_pack("{s:o, s:o, s:b}", "from",
			 api_iso_or_null(ev->block_from_ms), "until", api_iso_or_null(ev->block_until_ms), "operator",
			 ev->operator_block != 0) : json_null());
}

int h_screen_number(struct api_req *r)
{
	struct screening_number *n = xmalloc(sizeof *n);
	struct app_error err = {0};
	int rc = screening_number(r->app, r->params[0], r->now, n, &err);
	if (rc != OMB_OK) {
		free(n);
		return api_fail_use_case(r, rc, err.field, err.reason);
	}
	const struct screen_evidence *ev = &n->ev;
	json_t *counts = n->known ? json_pack("{s:I, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "attempts",
					      (json_int_t)ev->attempts, "attempts_1m", ev->attempts_1m, "attempts_10m",
					      ev->attempts_10m, "attempts_60m", ev->attempts_60m, "distinct_callees",
					      ev->distinct_callees, "ends", ev->ends, "answered", ev->answered,
					      "short_calls", ev->short_calls, "trunks_seen", ev->trunks_seen)
				  : json_null();
	const char *state = n->allowlisted ? "allowlisted" : (n->watched && ev->blocked) || n->has_block ? "blocked"
			  : n->watched ? "watched" : n->known ? "seen" : "unknown";
	char link[160];
	snprintf(link, sizeof link, "/v1/screen/numbers/%s/evidence", n->number);
	json_t *j = json_pack("{s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o}", "number", n->number, "state", state,
			      "allowlisted", n->allowlisted, "first_seen", api_iso_or_null(n->known ? ev->first_seen_ms : 0),
			      "last_seen", api_iso_or_null(n->known ? ev->last_seen_ms : 0), "counts", counts,
			      "recorded_block", n->has_block ? block_json(&n->block) : json_null(),
			      "evidence", n->watched ? evidence_json(ev) : json_null());
	json_object_set_new(j, "evidence_document", json_string(link));
	free(n);
	return api_reply(r, MHD_HTTP_OK, j);
}

int h_screen_evidence(struct api_req *r)
{
	const char *format = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	if (format && strcmp(format, "html") && strcmp(format, "json"))
		return api_invalid(r, "format", "must be json or html");
	struct doc *d = NULL;
	struct app_error err = {0};
	int rc = screening_evidence_document(r->app, r->params[0], r->now, &d, &err);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	rc = api_reply_document(r, d, format && !strcmp(format, "html"));
	doc_free(d);
	return rc;
}

/* ---- blocks and the allowlist ---- */

int h_screen_blocks(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	const char *state = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "state");
	if (rc == OMB_OK && state && strcmp(state, "running") && strcmp(state, "all"))
		rc = api_invalid(r, "state", "must be running or all");
	if (rc != OMB_OK)
		return rc;
	struct screening_block *items = NULL;
	size_t n = 0;
	if ((rc = screening_blocks(r->app, state && !strcmp(state, "all"), r->now, after, limit, &items, &n)) != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, block_json(&items[i]));
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

int h_screen_block(struct api_req *r)
{
	const char *number, *reason;
	int64_t minutes = 0;
	bool voice_phishing = false;
	int rc = api_body_str(r, "number", true, PHONE_MAX_INPUT, &number);
	if (rc == OMB_OK)
		rc = api_body_str(r, "reason", true, SCREENING_TEXT_MAX, &reason);
	if (rc == OMB_OK)
		rc = api_body_int(r, "minutes", false, 1, 525600, &minutes);
	if (rc == OMB_OK)
		rc = api_body_bool(r, "voice_phishing", &voice_phishing);
	if (rc != OMB_OK)
		return rc;
	struct screening_block *b = xmalloc(sizeof *b);
	struct app_error err = {0};
	rc = screening_block_number(r->app, &r->who, number, reason, minutes, voice_phishing, r->now, b, &err);
	if (rc == OMB_OK)
		rc = api_reply(r, MHD_HTTP_CREATED, block_json(b));
	else
		rc = api_fail_use_case(r, rc, err.field, err.reason);
	free(b);
	return rc;
}

int h_screen_lift(struct api_req *r)
{
	const char *reason;
	int rc = api_body_str(r, "reason", true, SCREENING_TEXT_MAX, &reason);
	if (rc != OMB_OK)
		return rc;
	struct app_error err = {0};
	if ((rc = screening_lift(r->app, &r->who, r->params[0], reason, r->now, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return h_screen_number(r);
}

static json_t *allow_json(const struct screening_allow *a)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)a->id, "number", a->number, "reason",
			      a->reason, "added_by", a->added_by, "added", api_iso_or_null(a->added_ms), "removed",
			      api_iso_or_null(a->removed_ms));
	if (a->removed_ms) {
		json_object_set_new(j, "removed_by", json_string(a->removed_by));
		json_object_set_new(j, "remove_reason", json_string(a->remove_reason));
	}
	return j;
}

int h_screen_allow_add(struct api_req *r)
{
	const char *number, *reason;
	int rc = api_body_str(r, "number", true, PHONE_MAX_INPUT, &number);
	if (rc == OMB_OK)
		rc = api_body_str(r, "reason", true, SCREENING_TEXT_MAX, &reason);
	if (rc != OMB_OK)
		return rc;
	struct screening_allow a;
	struct app_error err = {0};
	if ((rc = screening_allowlist_add(r->app, &r->who, number, reason, r->now, &a, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, allow_json(&a));
}

int h_screen_allow_remove(struct api_req *r)
{
	const char *reason;
	int rc = api_body_str(r, "reason", true, SCREENING_TEXT_MAX, &reason);
	if (rc != OMB_OK)
		return rc;
	struct screening_allow a;
	struct app_error err = {0};
	if ((rc = screening_allowlist_remove(r->app, &r->who, r->params[0], reason, r->now, &a, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_OK, allow_json(&a));
}

int h_screen_allow_list(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	if (rc != OMB_OK)
		return rc;
	struct screening_allow *items = NULL;
	size_t n = 0;
	if ((rc = screening_allowlist(r->app, after, limit, &items, &n)) != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, allow_json(&items[i]));
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

/* ---- appeals ---- */

static int appeal_id(struct api_req *r, int64_t *id)
{
	char *end;
	long long v = strtoll(r->params[0], &end, 10);
	if (*end || v <= 0) {
		snprintf(r->err_msg, sizeof r->err_msg, "no such appeal");
		return OMB_ENOTFOUND;
	}
	*id = v;
	return OMB_OK;
}

static json_t *appeal_json(const struct screening_appeal *a)
{
	char link[160];
	snprintf(link, sizeof link, "/v1/screen/numbers/%s/evidence", a->number);
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s}", "id", (json_int_t)a->id, "number", a->number,
			      "status", a->status, "statement", a->statement, "created", api_iso_or_null(a->created_ms),
			      "confirmed", api_iso_or_null(a->confirmed_ms), "evidence", link);
	if (a->decided_ms)
		json_object_set_new(j, "decision", json_pack("{s:o, s:s, s:s}", "at", api_iso_or_null(a->decided_ms), "by",
							     a->decided_by, "reason", a->decision_reason));
	return j;
}

int h_screen_appeal_open(struct api_req *r)
{
	const char *number;
	int rc = api_body_str(r, "number", true, PHONE_MAX_INPUT, &number);
	if (rc != OMB_OK)
		return rc;
	int64_t id = 0;
	struct app_error err = {0};
	if ((rc = screening_appeal_open(r->app, number, r->now, &id, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_ACCEPTED, json_pack("{s:I, s:s}", "id", (json_int_t)id, "sent_to",
							 "the number (a one-time code by SMS)"));
}

int h_screen_appeal_confirm(struct api_req *r)
{
	int64_t id;
	const char *code, *statement;
	int rc = appeal_id(r, &id);
	if (rc == OMB_OK)
		rc = api_body_str(r, "one_time_code", true, 12, &code);
	if (rc == OMB_OK)
		rc = api_body_str(r, "statement", true, SCREENING_TEXT_MAX, &statement);
	if (rc != OMB_OK)
		return rc;
	struct screening_appeal *a = xmalloc(sizeof *a);
	struct app_error err = {0};
	rc = screening_appeal_confirm(r->app, id, code, statement, r->now, a, &err);
	if (rc == OMB_OK)
		rc = api_reply(r, MHD_HTTP_OK, appeal_json(a));
	else
		rc = api_fail_use_case(r, rc, err.field, err.reason);
	free(a);
	return rc;
}

int h_screen_appeals(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	const char *status = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "status");
	if (rc == OMB_OK && status && strcmp(status, "open") && strcmp(status, "lifted") && strcmp(status, "rejected"))
		rc = api_invalid(r, "status", "must be open, lifted or rejected");
	if (rc != OMB_OK)
		return rc;
	struct screening_appeal *items = NULL;
	size_t n = 0;
	if ((rc = screening_appeals(r->app, status, after, limit, &items, &n)) != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, appeal_json(&items[i]));
	int64_t last = n ? items[n - 1].id : 0;
	free(items);
	return api_reply_page(r, list, last, limit);
}

int h_screen_appeal_decide(struct api_req *r)
{
	int64_t id;
	const char *reason;
	bool lift = false;
	int rc = appeal_id(r, &id);
	if (rc == OMB_OK && !json_is_boolean(json_object_get(r->json_body, "lift")))
		rc = api_invalid(r, "lift", "is required: true or false");
	if (rc == OMB_OK)
		rc = api_body_bool(r, "lift", &lift);
	if (rc == OMB_OK)
		rc = api_body_str(r, "reason", true, SCREENING_TEXT_MAX, &reason);
	if (rc != OMB_OK)
		return rc;
	struct screening_appeal *a = xmalloc(sizeof *a);
	struct app_error err = {0};
	rc = screening_appeal_decide(r->app, &r->who, id, lift, reason, r->now, a, &err);
	if (rc == OMB_OK)
		rc = api_reply(r, MHD_HTTP_OK, appeal_json(a));
	else
		rc = api_fail_use_case(r, rc, err.field, err.reason);
	free(a);
	return rc;
}
