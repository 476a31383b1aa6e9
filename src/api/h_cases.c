/* h_cases.c — the desk over HTTP: opening, reading, acting on cases, the
 * console queue, published heads and figures, and each organisation's
 * categories, templates and referral options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "app/admin.h"
#include "app/attachments.h"
#include "app/cases.h"
#include "app/protect.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

#define TEXT_MAX CASE_TEXT_MAX

static void hexify(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int org_of(struct api_req *r, struct org *o)
{
	int rc = accounts_org_get(r->app, r->params[0], o);
	if (rc == OMB_ENOTFOUND) {
		r->err_field = "org";
		snprintf(r->err_msg, sizeof r->err_msg, "no organisation with code %s", r->params[0]);
	}
	return rc;
}

/* ---- the case as JSON ---- */

static json_t *deadline_json(const struct desk_deadline *d)
{
	if (d->kind == DEADLINE_NONE)
		return json_null();
	return json_pack("{s:s, s:s, s:o}", "kind", deadline_kind_name(d->kind), "level", ladder_level_name(d->level),
			 "due", api_iso_or_null(d->due_ms));
}

static json_t *event_json(const struct case_event_view *e)
{
	const struct chain_event *c = &e->ev;
	json_t *actor = json_pack("{s:s}", "role", c->actor_role);
	if (*c->actor_org)
		json_object_set_new(actor, "org", json_string(c->actor_org));
	if (*e->actor_dept)
		json_object_set_new(actor, "dept", json_string(e->actor_dept));
	if (*c->actor_staff)
		json_object_set_new(actor, "staff_code", json_string(c->actor_staff));
	if (e->actor_name)
		json_object_set_new(actor, "name", json_string(e->actor_name));
	json_t *j = json_pack("{s:I, s:o, s:s, s:o, s:i, s:i}", "seq", (json_int_t)c->seq, "at", api_iso_or_null(c->at_ms),
			      "kind", c->kind, "actor", actor, "level_before", c->level_before, "level_after",
			      c->level_after);
	if (*c->cause)
		json_object_set_new(j, "cause", json_string(c->cause));
	if (*c->deadline_set)
		json_object_set_new(j, "deadline_set", json_pack("{s:s, s:o}", "kind", c->deadline_set, "due",
								 api_iso_or_null(c->deadline_due_ms)));
	if (*c->deadline_met)
		json_object_set_new(j, "deadline_met", json_pack("{s:s, s:b}", "kind", c->deadline_met, "in_time",
								 (c->flags & CHAIN_FLAG_IN_TIME) != 0));
	if (*c->deadline_missed)
		json_object_set_new(j, "deadline_missed", json_string(c->deadline_missed));
	if (*c->reply_class)
		json_object_set_new(j, "reply_class", json_string(c->reply_class));
	if (c->flags & CHAIN_FLAG_REPEATED)
		json_object_set_new(j, "repeated_answer", json_true());
	if (*c->detail)
		json_object_set_new(j, "detail", json_string(c->detail));
	if (e->text)
		json_object_set_new(j, "text", json_string(e->text));
	else if (!strcmp(c->kind, "note"))
		json_object_set_new(j, "text_hidden", json_true());
	return j;
}

static json_t *head_json(const struct chain_head *h, const uint8_t pk[CHAIN_PK_BYTES])
{
	char hash[2 * CHAIN_HASH_BYTES + 1], sig[2 * CHAIN_SIG_BYTES + 1], key[2 * CHAIN_PK_BYTES + 1];
	hexify(h->hash, CHAIN_HASH_BYTES, hash);
	hexify(h->sig, CHAIN_SIG_BYTES, sig);
	json_t *j = json_pack("{s:I, s:s, s:o, s:s}", "seq", (json_int_t)h->seq, "hash", hash, "signed_at",
			      api_iso_or_null(h->signed_at_ms), "signature", sig);
	if (pk) {
		hexify(pk, CHAIN_PK_BYTES, key);
		json_object_set_new(j, "public_key", json_string(key));
	}
	return j;
}

/* An erased case: its personal data reads as null, each event whose
 * committed data is gone says so, and the erasure itself is shown. */
static void erased_json(const struct case_view *v, json_t *j)
{
	static const char *const fields[] = {"name", "contact", "subject", "text"};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		json_object_set_new(j, fields[i], json_null());
	json_t *events = json_object_get(j, "events");
	for (size_t i = 0; i < v->n_events; i++) {
		const struct case_event_view *e = &v->events[i];
		if (e->ev.has_commitment && !e->text)
			json_object_set_new(json_array_get(events, i), "erased", json_true());
	}
	json_object_set_new(j, "erased", api_erasure_json(&v->erasure));
}

static json_t *case_json(const struct case_view *v)
{
	const struct desk_case *s = &v->state;
	json_t *events = json_array(), *head = head_json(&v->head, v->public_key);
	for (size_t i = 0; i < v->n_events; i++)
		json_array_append_new(events, event_json(&v->events[i]));
	json_object_set_new(head, "key_id", json_integer(v->head_key));
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:o, s:o}, s:b, s:b, s:b, s:o, s:o}",
			 "receipt", v->receipt, "org", v->org_code, "category", v->category, "subject", v->subject,
			 "text", v->text, "name", v->name, "contact", v->contact, "level", ladder_level_name(s->level), "status",
			 desk_status_name(s->status), "channel", desk_channel_name(s->channel), "deadlines", "answer",
			 deadline_json(&s->answer), "final", deadline_json(&s->final), "about_center", s->about_center,
			 "dispute_open", s->dispute_open, "awaiting_responsible", s->awaiting_responsible, "events",
			 events, "head", head);
	if (v->erasure.erased)
		erased_json(v, j);
	return j;
}

/* ---- customers ---- */

/* A customer proves the case with receipt number + X-Access-Code. A wrong
 * code and an unknown receipt are the same 404, so neither can be probed. */
static int no_such_case(struct api_req *r)
{
	r->err_code = "not_found";
	snprintf(r->err_msg, sizeof r->err_msg, "no case with this receipt number and access code");
	return OMB_ENOTFOUND;
}

static int customer_case(struct api_req *r)
{
	return cases_access_ok(r->app, r->params[0], api_header(r, "X-Access-Code")) ? OMB_OK : no_such_case(r);
}

static json_t *attachment_json(const struct attachment_item *a)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:s}", "seq", (json_int_t)a->seq, "name", a->name, "type", a->mime,
			 "size", (json_int_t)a->size, "sha256", a->sha256);
}

/* The case's files, at their events and as one list: an attachment shows
 * in the timeline like any message. */
static void add_attachments(const struct case_view *v, json_t *j)
{
	json_t *list = json_array(), *events = json_object_get(j, "events");
	for (size_t i = 0; i < v->n_attachments; i++) {
		const struct attachment_item *it = &v->attachments[i];
		json_array_append_new(list, attachment_json(it));
		json_t *ev = json_array_get(events, it->seq);
		if (ev && json_integer_value(json_object_get(ev, "seq")) == (json_int_t)it->seq)
			json_object_set_new(ev, "attachment", attachment_json(it));
	}
	json_object_set_new(j, "attachments", list);
}

json_t *api_case_json(const struct case_view *v)
{
	json_t *j = case_json(v);
	add_attachments(v, j);
	return j;
}

/* Staff reads are logged (privacy_log_read) before the data is answered. */
static int reply_view(struct api_req *r, const struct principal *staff, unsigned status)
{
	int rc = api_purpose_check(r, staff, PRIVACY_READ_VIEW);
	if (rc != OMB_OK)
		return rc;
	struct case_view v;
	struct app_error err;
	rc = cases_view(r->app, r->params[staff ? 1 : 0], staff, api_header(r, "X-Access-Code"), &v, &err);
	if (rc == OMB_ENOTFOUND && !staff)
		return no_such_case(r);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	if (staff && (rc = api_log_read(r, v.receipt, PRIVACY_READ_VIEW)) != OMB_OK) {
		case_view_free(&v);
		return rc;
	}
	rc = api_reply(r, status, api_case_json(&v));
	case_view_free(&v);
	return rc;
}

int h_case_open(struct api_req *r)
{
	struct case_open_in in = {.org_code = r->params[0], .channel = DESK_CH_WEB};
	int rc = OMB_OK;
	const char *fields[] = {"category", "name", "contact", "subject", "text"};
	const char **dst[] = {&in.category, &in.name, &in.contact, &in.subject, &in.text};
	size_t max[] = {32, 100, 120, CASE_SUBJECT_MAX, TEXT_MAX};
	for (int i = 0; i < 5 && rc == OMB_OK; i++)
		rc = api_body_str(r, fields[i], true, max[i], dst[i]);
	const char *channel = NULL;
	if (rc == OMB_OK && r->route->roles)
		rc = api_body_str(r, "channel", true, 8, &channel);
	if (rc != OMB_OK)
		return rc;
	if (channel) {
		in.staff = &r->who;
		in.channel = !strcmp(channel, "phone") ? DESK_CH_PHONE : !strcmp(channel, "visit") ? DESK_CH_VISIT
			   : !strcmp(channel, "email") ? DESK_CH_EMAIL : 0;
		if (!in.channel)
			return api_invalid(r, "channel", "must be phone, visit or email");
	}
	struct case_receipt receipt;
	struct case_view v;
	struct app_error err;
	if ((rc = cases_open(r->app, &in, r->now, &receipt, &v, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	json_t *j = api_case_json(&v);
	json_object_set_new(j, "access_code", json_string(receipt.access_code));
	case_view_free(&v);
	return api_reply(r, MHD_HTTP_CREATED, j);
}

int h_case_get(struct api_req *r)
{
	return reply_view(r, NULL, MHD_HTTP_OK);
}

static int customer_act(struct api_req *r, enum case_action action, bool text_required)
{
	int rc = customer_case(r);
	struct case_action_in in = {.action = action};
	if (rc == OMB_OK && (text_required || action == CASE_ACT_DISPUTE))
		rc = api_body_str(r, "text", text_required, TEXT_MAX, &in.text);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = cases_act(r->app, r->params[0], NULL, &in, r->now, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return reply_view(r, NULL, MHD_HTTP_OK);
}

int h_case_message(struct api_req *r) { return customer_act(r, CASE_ACT_MESSAGE, true); }
int h_case_demand(struct api_req *r) { return customer_act(r, CASE_ACT_DEMAND, false); }
int h_case_dispute(struct api_req *r) { return customer_act(r, CASE_ACT_DISPUTE, false); }
int h_case_accept(struct api_req *r) { return customer_act(r, CASE_ACT_ACCEPT, false); }
int h_case_reopen(struct api_req *r) { return customer_act(r, CASE_ACT_REOPEN, false); }

static int download(struct api_req *r, const struct principal *staff)
{
	const char *format = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	if (format && strcmp(format, "html") && strcmp(format, "json"))
		return api_invalid(r, "format", "must be json or html");
	int rc = api_purpose_check(r, staff, PRIVACY_READ_DOWNLOAD);
	if (rc != OMB_OK)
		return rc;
	struct case_view v;
	struct app_error err;
	rc = cases_view(r->app, r->params[staff ? 1 : 0], staff, api_header(r, "X-Access-Code"), &v, &err);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	if (staff && (rc = api_log_read(r, v.receipt, PRIVACY_READ_DOWNLOAD)) != OMB_OK) {
		case_view_free(&v);
		return rc;
	}
	struct doc *d = cases_document(&v);
	case_view_free(&v);
	rc = api_reply_document(r, d, format && !strcmp(format, "html"));
	doc_free(d);
	return rc;
}

int h_case_referral(struct api_req *r)
{
	const char *format = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	struct case_view v;
	struct app_error err;
	int rc = cases_view(r->app, r->params[0], NULL, api_header(r, "X-Access-Code"), &v, &err);
	if (rc == OMB_ENOTFOUND)
		return no_such_case(r);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	struct doc *d = NULL;
	rc = cases_referral_package(r->app, &v, &d);
	case_view_free(&v);
	if (rc == OMB_ECONFLICT)
		snprintf(r->err_msg, sizeof r->err_msg, "the case has not been referred out (it is not at L5)");
	if (rc != OMB_OK)
		return rc;
	rc = api_reply_document(r, d, format && !strcmp(format, "html"));
	doc_free(d);
	return rc;
}

int h_case_download(struct api_req *r)
{
	int rc = customer_case(r);
	return rc != OMB_OK ? rc : download(r, NULL);
}

static int verify(struct api_req *r, const char *receipt)
{
	struct chain_report rep;
	size_t n_events = 0, n_heads = 0;
	int rc = cases_verify(r->app, receipt, &rep, &n_events, &n_heads);
	if (rc != OMB_OK)
		return rc;
	json_t *j = json_pack("{s:s, s:b, s:s, s:I, s:I}", "receipt", receipt, "intact", rep.fault == CHAIN_INTACT,
			      "fault", chain_fault_name(rep.fault), "events", (json_int_t)n_events, "signed_heads",
			      (json_int_t)n_heads);
	if (rep.fault == CHAIN_SEQ_GAP || rep.fault == CHAIN_EVENT_ALTERED || rep.fault == CHAIN_DATA_ALTERED)
		json_object_set_new(j, "event", json_integer((json_int_t)rep.event));
	else if (rep.fault != CHAIN_INTACT)
		json_object_set_new(j, "head_seq", json_integer((json_int_t)rep.event));
	if (rep.fault == CHAIN_HEAD_MISMATCH) /* the change lies in changed_from .. head_seq */
		json_object_set_new(j, "changed_from", json_integer((json_int_t)rep.changed_from));
	return api_reply(r, MHD_HTTP_OK, j);
}

int h_case_verify(struct api_req *r)
{
	int rc = customer_case(r);
	return rc != OMB_OK ? rc : verify(r, r->params[0]);
}

/* A lost access code: a one-time code to the contact, then a new access
 * code for it. The first answers the same whether the receipt exists or not. */
int h_case_otp(struct api_req *r)
{
	int rc = cases_otp_send(r->app, r->params[0], r->now);
	return rc != OMB_OK ? rc : api_reply(r, MHD_HTTP_ACCEPTED, json_pack("{s:s}", "sent_to", "the case's contact"));
}

int h_case_access_code(struct api_req *r)
{
	const char *code;
	int rc = api_body_str(r, "one_time_code", true, 12, &code);
	if (rc != OMB_OK)
		return rc;
	char access[RECEIPT_CODE_LEN + 1];
	if ((rc = cases_otp_exchange(r->app, r->params[0], code, r->now, access)) != OMB_OK) {
		r->err_code = "not_found";
		snprintf(r->err_msg, sizeof r->err_msg, "no valid one-time code for this receipt number");
		return rc;
	}
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:s}", "receipt", r->params[0], "access_code", access));
}

/* ---- staff ---- */

/* The case must belong to the {org} of the path; a purpose the reader
 * states must be one of the list before anything is done. */
static int staff_case(struct api_req *r)
{
	struct case_view v;
	struct app_error err;
	enum privacy_purpose why;
	int rc = api_read_purpose(r, PRIVACY_READ_VIEW, &why);
	if (rc != OMB_OK)
		return rc;
	rc = cases_view(r->app, r->params[1], &r->who, NULL, &v, &err);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	bool ours = strcmp(v.org_code, r->params[0]) == 0;
	case_view_free(&v);
	return ours ? OMB_OK : OMB_ENOTFOUND;
}

int h_staff_case_get(struct api_req *r)
{
	int rc = staff_case(r);
	return rc != OMB_OK ? rc : reply_view(r, &r->who, MHD_HTTP_OK);
}

int h_staff_case_download(struct api_req *r)
{
	int rc = staff_case(r);
	return rc != OMB_OK ? rc : download(r, &r->who);
}

int h_staff_case_verify(struct api_req *r)
{
	int rc = staff_case(r);
	return rc != OMB_OK ? rc : verify(r, r->params[1]);
}

static int staff_act(struct api_req *r, enum case_action action)
{
	int rc = staff_case(r);
	struct case_action_in in = {.action = action};
	if (rc == OMB_OK && (action == CASE_ACT_REPLY || action == CASE_ACT_FINAL || action == CASE_ACT_NOTE))
		rc = api_body_str(r, "text", true, TEXT_MAX, &in.text);
	if (rc == OMB_OK && action == CASE_ACT_REPLY)
		rc = api_body_int(r, "template_id", false, 1, INT64_MAX, &in.template_id);
	if (rc == OMB_OK && action == CASE_ACT_ASSIGN)
		rc = api_body_str(r, "assignee", true, STAFF_CODE_MAX, &in.assignee);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = cases_act(r->app, r->params[1], &r->who, &in, r->now, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return reply_view(r, &r->who, MHD_HTTP_OK);
}

int h_staff_reply(struct api_req *r) { return staff_act(r, CASE_ACT_REPLY); }
int h_staff_final(struct api_req *r) { return staff_act(r, CASE_ACT_FINAL); }
int h_staff_note(struct api_req *r) { return staff_act(r, CASE_ACT_NOTE); }
int h_staff_assign(struct api_req *r) { return staff_act(r, CASE_ACT_ASSIGN); }
int h_staff_close(struct api_req *r) { return staff_act(r, CASE_ACT_CLOSE); }

/* A reply checked before it is sent: what the desk would make of it. */
int h_staff_draft_check(struct api_req *r)
{
	int rc = staff_case(r);
	const char *text = NULL;
	int64_t template_id = 0;
	if (rc == OMB_OK)
		rc = api_body_str(r, "text", true, TEXT_MAX, &text);
	if (rc == OMB_OK)
		rc = api_body_int(r, "template_id", false, 1, INT64_MAX, &template_id);
	if (rc != OMB_OK)
		return rc;
	struct case_draft_verdict d;
	struct app_error err;
	if ((rc = cases_draft_check(r->app, r->params[1], &r->who, text, template_id, r->now, &d, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	json_t *similar = json_pack("{s:f, s:f}", "answer_score", d.v.answer_score, "template_score", d.v.template_score);
	if (d.v.template_id)
		json_object_set_new(similar, "template_id", json_integer((json_int_t)d.v.template_id));
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:b, s:s?, s:b, s:b, s:b, s:s, s:o}", "reply_class",
		similar_class_name(d.v.cls), "repeated_answer", d.v.repeat, "deadline",
		d.deadline ? deadline_kind_name(d.deadline) : NULL, "meets_deadline", d.meets_deadline, "below_level",
		d.below_level, "climbs", d.climbs, "level_after", ladder_level_name(d.level_after), "similar", similar));
}

int h_queue(struct api_req *r)
{
	/* nearest deadline first: an id says nothing of where a page ends */
	if (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "after"))
		return api_invalid(r, "after", "the queue is not paged: it is the first limit cases by deadline");
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct case_queue_item *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = cases_queue(r->app, r->params[0], &r->who, limit, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct case_queue_item *it = &items[i];
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:o, s:o, s:b, s:b, s:i}", "receipt", it->receipt,
						      "subject", it->subject, "level", ladder_level_name(it->level),
						      "status", desk_status_name(it->status), "deadline",
						      it->answer_kind ? deadline_kind_name(it->answer_kind) : NULL,
						      "answer_due", api_iso_or_null(it->answer_kind ? it->answer_due_ms : 0),
						      "final_due", api_iso_or_null(it->final_due_ms), "about_center",
						      it->about_center, "mine", it->mine, "deadlines_missed",
						      (int)it->deadlines_missed));
	}
	free(items);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:o}", "items", list));
}

/* ---- published: heads and figures ---- */

static int day_param(struct api_req *r, const char *key, int64_t *ms, bool required)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
	if (!v)
		return required ? api_invalid(r, key, "is required (YYYY-MM-DD)") : OMB_OK;
	if (strlen(v) != 10 || clock_parse_iso(v, ms) != OMB_OK)
		return api_invalid(r, key, "must be a date YYYY-MM-DD");
	return OMB_OK;
}

json_t *api_key_json(const struct case_key *k)
{
	char key[2 * CHAIN_PK_BYTES + 1];
	hexify(k->public_key, CHAIN_PK_BYTES, key);
	return json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)k->id, "public_key", key, "valid_from",
			 api_iso_or_null(k->created_ms), "valid_until", api_iso_or_null(k->retired_ms));
}

/* The day's heads, each naming the key that signed it, and every key the
 * organisation ever had: old heads stay checkable after a rotation.
 * public_key is the current key (kept for readers of one key). */
int h_heads(struct api_req *r)
{
	int64_t day = 0;
	int rc = day_param(r, "day", &day, true);
	struct case_head_item *items = NULL;
	struct case_key *keys = NULL;
	size_t n = 0, n_keys = 0;
	if (rc == OMB_OK)
		rc = cases_heads_of_day(r->app, r->params[0], day, &items, &n, &keys, &n_keys);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array(), *key_list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *h = head_json(&items[i].head, NULL);
		json_object_set_new(h, "receipt", json_string(items[i].receipt));
		json_object_set_new(h, "key_id", json_integer(items[i].key));
		json_array_append_new(list, h);
	}
	char current[2 * CHAIN_PK_BYTES + 1] = "";
	for (size_t i = 0; i < n_keys; i++) {
		json_array_append_new(key_list, api_key_json(&keys[i]));
		if (!keys[i].retired_ms)
			hexify(keys[i].public_key, CHAIN_PK_BYTES, current);
	}
	free(items);
	free(keys);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:s, s:o, s:o}", "org", r->params[0], "public_key", current,
						   "keys", key_list, "heads", list));
}

static json_t *spread_json(const struct figures_spread *s)
{
	return json_pack("{s:i, s:f, s:f}", "n", s->n, "median_hours", (double)s->median_ms / CLOCK_MS_PER_HOUR,
			 "p90_hours", (double)s->p90_ms / CLOCK_MS_PER_HOUR);
}

static json_t *pct_json(uint32_t num, uint32_t den)
{
	double p = figures_pct(num, den);
	return p < 0 ? json_null() : json_real(p);
}

static json_t *figures_json(const struct figures *f)
{
	json_t *esc = json_object();
	for (int c = DESK_CAUSE_DEMAND; c < DESK_CAUSE_COUNT; c++)
		json_object_set_new(esc, desk_cause_name((enum desk_cause)c), json_integer(f->escalations[c]));
	return json_pack("{s:i, s:i, s:o, s:{s:i, s:i, s:i, s:i}, s:i, s:i, s:o, s:o, s:o, s:i, s:o, s:i, s:i}",
			 "opened", f->opened, "answered", f->answered, "first_answer_in_time_pct",
			 pct_json(f->first_in_time, f->first_decided), "closed", "within_4_weeks", f->closed_4w,
			 "within_4_8_weeks", f->closed_4_8w, "over_8_weeks", f->closed_over_8w, "not_closed",
			 f->not_closed, "demands", f->demands, "demands_in_time", f->demands_in_time,
			 "demands_in_time_pct", pct_json(f->demands_in_time, f->demands_decided), "time_to_first_answer",
			 spread_json(&f->to_first_answer), "time_to_responsible", spread_json(&f->to_responsible),
			 "repeated_answers", f->repeated_answers, "escalations", esc, "referred_out", f->referred_out,
			 "about_center", f->about_center);
}

/* One header line and one row, every figure a column. */
static char *figures_csv(const char *org, const char *from, const char *to, const struct figures *f)
{
	struct buf b;
	buf_init(&b, 8192);
	buf_puts(&b, "org,from,to,opened,answered,first_answer_in_time_pct,closed_within_4_weeks,"
		     "closed_within_4_8_weeks,closed_over_8_weeks,not_closed,demands,demands_in_time,"
		     "demands_in_time_pct,median_hours_to_first_answer,p90_hours_to_first_answer,"
		     "median_hours_to_responsible,p90_hours_to_responsible,repeated_answers");
	for (int c = DESK_CAUSE_DEMAND; c < DESK_CAUSE_COUNT; c++)
		buf_printf(&b, ",escalations_%s", desk_cause_name((enum desk_cause)c));
	buf_puts(&b, ",referred_out,about_center\r\n");
	double p1 = figures_pct(f->first_in_time, f->first_decided), p2 = figures_pct(f->demands_in_time, f->demands_decided);
	buf_printf(&b, "%s,%s,%s,%u,%u,", org, from, to, f->opened, f->answered);
	buf_printf(&b, p1 < 0 ? "," : "%.1f,", p1);
	buf_printf(&b, "%u,%u,%u,%u,%u,%u,", f->closed_4w, f->closed_4_8w, f->closed_over_8w, f->not_closed, f->demands,
		   f->demands_in_time);
	buf_printf(&b, p2 < 0 ? "," : "%.1f,", p2);
	buf_printf(&b, "%.2f,%.2f,%.2f,%.2f,%u", (double)f->to_first_answer.median_ms / CLOCK_MS_PER_HOUR,
		   (double)f->to_first_answer.p90_ms / CLOCK_MS_PER_HOUR,
		   (double)f->to_responsible.median_ms / CLOCK_MS_PER_HOUR,
		   (double)f->to_responsible.p90_ms / CLOCK_MS_PER_HOUR, f->repeated_answers);
	for (int c = DESK_CAUSE_DEMAND; c < DESK_CAUSE_COUNT; c++)
		buf_printf(&b, ",%u", f->escalations[c]);
	buf_printf(&b, ",%u,%u\r\n", f->referred_out, f->about_center);
	return buf_steal(&b, NULL);
}

int h_figures(struct api_req *r)
{
	int64_t from = 0, to = r->now + CLOCK_MS_PER_DAY;
	int rc = day_param(r, "from", &from, false);
	if (rc == OMB_OK)
		rc = day_param(r, "to", &to, false);
	const char *format = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	if (rc == OMB_OK && format && strcmp(format, "csv") && strcmp(format, "json"))
		rc = api_invalid(r, "format", "must be json or csv");
	if (rc == OMB_OK && from >= to)
		rc = api_invalid(r, "to", "must be after from");
	struct figures f;
	if (rc == OMB_OK)
		rc = cases_figures(r->app, r->params[0], from, to, r->now, &f);
	if (rc != OMB_OK)
		return rc;
	char from_s[32], to_s[32];
	clock_format_iso(from, from_s, sizeof from_s);
	clock_format_iso(to, to_s, sizeof to_s);
	from_s[10] = to_s[10] = '\0';
	if (format && !strcmp(format, "csv")) {
		char *csv = figures_csv(r->params[0], from_s, to_s, &f);
		r->resp_bytes = strlen(csv);
		r->raw = MHD_create_response_from_buffer(r->resp_bytes, csv, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_TYPE, "text/csv; charset=utf-8");
		r->status = MHD_HTTP_OK;
		return OMB_OK;
	}
	json_t *j = figures_json(&f);
	json_object_set_new(j, "org", json_string(r->params[0]));
	json_object_set_new(j, "from", json_string(from_s));
	json_object_set_new(j, "to", json_string(to_s));
	return api_reply(r, MHD_HTTP_OK, j);
}

/* ---- categories, templates, referral options ---- */

int h_categories(struct api_req *r)
{
	struct org o;
	int rc = org_of(r, &o);
	struct case_category *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = cases_categories(r->app, o.id, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", items[i].code, "name",
						      items[i].name, "name_en", items[i].name_en, "dept", items[i].dept,
						      "about_center", items[i].about_center));
	free(items);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:o}", "items", list));
}

int h_category_add(struct api_req *r)
{
	const char *code, *name, *name_en = NULL, *dept;
	bool about = false;
	int rc = api_body_str(r, "code", true, 30, &code);
	if (rc == OMB_OK)
		rc = api_body_str(r, "name", true, 120, &name);
	if (rc == OMB_OK)
		rc = api_body_str(r, "name_en", false, 120, &name_en);
	if (rc == OMB_OK)
		rc = api_body_str(r, "dept", true, 24, &dept);
	if (rc == OMB_OK)
		rc = api_body_bool(r, "about_center", &about);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	if ((rc = admin_category_add(r->app, &r->who, code, name, name_en, dept, about, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", code, "name", name,
							"name_en", name_en ? name_en : "", "dept", dept, "about_center", about));
}

/* The templates an agent may insert: the case organisation's, for its own
 * staff and for the vendors acting for it (the route's org rule). */
int h_templates(struct api_req *r)
{
	struct org o;
	int rc = org_of(r, &o);
	struct case_template *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = cases_templates(r->app, o.id, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)items[i].id, "title",
						      items[i].title, "body", items[i].body));
	cases_templates_free(items, n);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:o}", "items", list));
}

int h_template_add(struct api_req *r)
{
	const char *title, *body;
	int rc = api_body_str(r, "title", true, 120, &title);
	if (rc == OMB_OK)
		rc = api_body_str(r, "body", true, TEXT_MAX, &body);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	int64_t id = 0;
	if ((rc = admin_template_add(r->app, &r->who, title, body, &id, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", title, "body", body));
}

int h_referral_add(struct api_req *r)
{
	const char *name, *contact;
	int rc = api_body_str(r, "name", true, 120, &name);
	if (rc == OMB_OK)
		rc = api_body_str(r, "contact", true, 200, &contact);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	int64_t id = 0;
	if ((rc = admin_referral_add(r->app, &r->who, name, contact, &id, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "contact", contact));
}

int h_referrals(struct api_req *r)
{
	struct org o;
	struct case_referral *items = NULL;
	size_t n = 0;
	int rc = org_of(r, &o);
	if (rc == OMB_OK)
		rc = cases_referrals(r->app, o.id, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)items[i].id, "name",
						      items[i].name, "contact", items[i].contact));
	free(items);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:o}", "items", list));
}

int h_template_retire(struct api_req *r)
{
	int64_t id;
	struct case_template t;
	int rc = api_path_id(r, 1, &id);
	if (rc == OMB_OK && (rc = admin_template_retire(r->app, &r->who, id, &t)) == OMB_ENOTFOUND)
		return api_fail_use_case(r, rc, "id", "no such template in use");
	if (rc != OMB_OK)
		return rc;
	json_t *j = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)t.id, "title", t.title, "body", t.body, "retired",
			      1);
	free(t.body);
	return api_reply(r, MHD_HTTP_OK, j);
}

int h_referral_retire(struct api_req *r)
{
	int64_t id;
	struct case_referral o;
	int rc = api_path_id(r, 1, &id);
	if (rc == OMB_OK && (rc = admin_referral_retire(r->app, &r->who, id, &o)) == OMB_ENOTFOUND)
		return api_fail_use_case(r, rc, "id", "no such referral option in use");
	if (rc != OMB_OK)
		return rc;
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)o.id, "name", o.name,
						   "contact", o.contact, "retired", 1));
}

/* ---- attachments ---- */

/* The raw body is the file; ?name= is only its name (docs/api.md). The
 * reader of the case (customer or staff) was checked before. */
static int attach(struct api_req *r, const struct principal *staff)
{
	const char *name = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "name");
	struct attachment a;
	const char *field, *reason;
	int rc = attachments_check(r->app->cfg, ATTACH_TO_CASE, name, r->body.data, r->body.len, &a, &field, &reason);
	if (rc != OMB_OK)
		return api_fail_use_case(r, rc, field, reason);
	struct case_action_in in = {.action = CASE_ACT_ATTACH, .attachment = &a};
	struct app_error err;
	if ((rc = cases_act(r->app, r->params[staff ? 1 : 0], staff, &in, r->now, &err)) != OMB_OK)
		return api_fail_use_case(r, rc, err.field, err.reason);
	return reply_view(r, staff, MHD_HTTP_CREATED);
}

int h_case_attach(struct api_req *r)
{
	int rc = customer_case(r);
	return rc != OMB_OK ? rc : attach(r, NULL);
}

int h_staff_attach(struct api_req *r)
{
	int rc = staff_case(r);
	return rc != OMB_OK ? rc : attach(r, &r->who);
}

/* The file's bytes as stored (file_reply.c); a staff read is logged first. */
static int send_file(struct api_req *r, const char *receipt, int seq_param, bool staff)
{
	int64_t seq;
	struct attachment_file f;
	int rc = api_path_id(r, seq_param, &seq);
	if (rc == OMB_OK)
		rc = api_purpose_check(r, staff ? &r->who : NULL, PRIVACY_READ_ATTACHMENT);
	if (rc == OMB_OK)
		rc = attachments_get(r->app, receipt, (uint64_t)seq, &f);
	if (rc == OMB_OK && staff && (rc = api_log_read(r, receipt, PRIVACY_READ_ATTACHMENT)) != OMB_OK)
		free(f.data);
	return rc != OMB_OK ? rc : api_reply_file(r, &f);
}

int h_case_attachment(struct api_req *r)
{
	int rc = customer_case(r);
	return rc != OMB_OK ? rc : send_file(r, r->params[0], 1, false);
}

int h_staff_attachment(struct api_req *r)
{
	int rc = staff_case(r);
	return rc != OMB_OK ? rc : send_file(r, r->params[1], 2, true);
}
