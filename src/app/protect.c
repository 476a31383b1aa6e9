/* protect.c — agent protection over the store: the records desk/protect.h
 * decides on, loaded and stored one write transaction per action. */
#include "app/protect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/admin.h"
#include "app/cases.h"
#include "app/outbox.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/text.h"
#include "desk/ladder.h"

#define LIST_MAX 1000          /* records of one contact or one agent's case */
#define HANDLERS_MAX 500
#define FIGURES_MAX 1000000
#define BACKFILL_BATCH 200     /* cases keyed per transaction at start-up */

#define ERR(f, why) do { err->field = (f); err->reason = (why); return OMB_EINVAL; } while (0)

/* The field a domain reason names ("text: ...") and the phrase after it. */
static int reason_fail(struct app_error *err, const char *reason, const char *fallback_field)
{
	static const char *const fields[] = {"kind", "text", "at", "minutes", "agent_id", "warnings_required",
					     "senior_after_confirmed", "senior_period_days", "warning_ko", "warning_en",
					     "support_contact"};
	err->field = fallback_field;
	err->reason = reason;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		size_t n = strlen(fields[i]);
		if (strncmp(reason, fields[i], n) == 0 && reason[n] == ':') {
			err->field = strcmp(fields[i], "agent_id") == 0 ? "agent" : fields[i];
			err->reason = reason + n + 2;
		}
	}
	return OMB_EINVAL;
}



static enum ladder_role ladder_role_of(enum role r)
{
	switch (r) {
	case ROLE_AGENT: return LADDER_ROLE_AGENT;
	case ROLE_SUPERVISOR: return LADDER_ROLE_SUPERVISOR;
	case ROLE_PRACTITIONER: return LADDER_ROLE_PRACTITIONER;
	case ROLE_MANAGER: return LADDER_ROLE_MANAGER;
	case ROLE_COMPLAINTS: return LADDER_ROLE_COMPLAINTS;
	case ROLE_ADMIN: return LADDER_ROLE_ADMIN;
	default: return 0;
	}
}

/* Managers of a company and supervisors of a vendor stand for "the agent's manager". */
static bool is_manager_of(const struct principal *who, int64_t org_id)
{
	return who->org_id == org_id && (who->role == ROLE_MANAGER || who->role == ROLE_SUPERVISOR);
}

/* ---- the case and the contact ---- */

struct case_ref {
	int64_t id, org_id, dept_id, category_id;
	int level;
	char org_code[ORG_CODE_MAX];
	bool found;
};

static int case_ref_row(void *ctx, const struct store_row *row)
{
	struct case_ref *c = ctx;
	c->id = store_row_int(row, 0);
	c->org_id = store_row_int(row, 1);
	snprintf(c->org_code, sizeof c->org_code, "%s", store_row_text(row, 2));
	c->level = (int)store_row_int(row, 3);
	c->dept_id = store_row_int(row, 4);
	c->category_id = store_row_int(row, 5);
	c->found = true;
	return 1;
}

/* The case receipt, which must belong to org_code when that is given. */
static int case_ref(struct app *app, const char *receipt, const char *org_code, struct case_ref *c)
{
	memset(c, 0, sizeof *c);
	int rc = store_exec(app->store, STORE_Q_PROTECT_CASE_BY_RECEIPT, SV_ARGS(SV_TEXT(receipt)), case_ref_row, c);
	if (rc < 0)
		return rc;
	return c->found && (!org_code || strcmp(org_code, c->org_code) == 0) ? OMB_OK : OMB_ENOTFOUND;
}

static int open_contact(struct app *app, int64_t case_id, int64_t agent_id, int64_t *id)
{
	*id = 0;
	int rc = store_exec(app->store, STORE_Q_PROTECT_CONTACT_OPEN, SV_ARGS(SV_INT(case_id), SV_INT(agent_id)),
			    store_row_first_int, id);
	return rc < 0 ? rc : OMB_OK;
}

static int case_contact_row(void *ctx, const struct store_row *row)
{
	snprintf(ctx, 128, "%s", store_row_text(row, 2));
	return 1;
}

/* ---- incidents ---- */

/* Incidents in both forms: the domain's (strings borrowed from view) and the readers'. */
struct incidents {
	struct protect_incident *dom;
	struct protection_incident *view;
	size_t n, cap;
};

static int incident_row(void *ctx, const struct store_row *row)
{
	struct incidents *l = ctx;
	if (l->n == FIGURES_MAX)
		return OMB_ELIMIT;
	size_t cap = l->cap; /* both arrays grow alike from the same capacity */
	l->dom = xgrow(l->dom, l->n, &cap, sizeof *l->dom, 16);
	l->view = xgrow(l->view, l->n, &l->cap, sizeof *l->view, 16);
	struct protection_incident *v = &l->view[l->n];
	struct protect_incident *d = &l->dom[l->n++];
	memset(v, 0, sizeof *v);
	v->id = store_row_int(row, 0);
	v->contact_id = store_row_int(row, 3);
	v->kind = (enum protect_kind)store_row_int(row, 6);
	v->status = (enum protect_status)store_row_int(row, 7);
	v->at_ms = store_row_int(row, 8);
	v->text = xstrdup(store_row_text(row, 9));
	v->recording_ref = xstrdup(store_row_text(row, 10));
	v->reviewed_ms = store_row_int(row, 12);
	snprintf(v->agent_code, sizeof v->agent_code, "%s", store_row_text(row, 13));
	snprintf(v->reviewer_code, sizeof v->reviewer_code, "%s", store_row_text(row, 14));
	snprintf(v->receipt, sizeof v->receipt, "%s", store_row_text(row, 15));
	*d = (struct protect_incident){
		.id = v->id, .org_id = store_row_int(row, 1), .case_id = store_row_int(row, 2),
		.contact_id = v->contact_id, .agent_id = store_row_int(row, 4),
		.customer_key = (uint64_t)store_row_int(row, 5), .kind = v->kind, .status = v->status,
		.at_ms = v->at_ms, .text = v->text, .recording_ref = *v->recording_ref ? v->recording_ref : NULL,
		.reviewed_by = store_row_int(row, 11), .reviewed_ms = v->reviewed_ms,
	};
	return 0;
}

static void incidents_free(struct incidents *l)
{
	protection_incidents_free(l->view, l->n);
	free(l->dom);
	memset(l, 0, sizeof *l);
}

void protection_incident_clear(struct protection_incident *v)
{
	free(v->text);
	free(v->recording_ref);
	v->text = v->recording_ref = NULL;
}

void protection_incidents_free(struct protection_incident *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++)
		protection_incident_clear(&items[i]);
	free(items);
}

static int load_incidents(struct app *app, enum store_query q, const struct store_val *args, size_t nargs,
			  struct incidents *l)
{
	memset(l, 0, sizeof *l);
	int rc = store_exec(app->store, q, args, nargs, incident_row, l);
	return rc < 0 ? rc : OMB_OK;
}

/* Moves one loaded incident's view to *out (which then owns its strings). */
static void take_view(struct incidents *l, size_t i, struct protection_incident *out)
{
	*out = l->view[i];
	l->view[i].text = l->view[i].recording_ref = NULL;
}

struct warnings {
	struct protect_warning *items;
	size_t n, cap;
};

static int warning_row(void *ctx, const struct store_row *row)
{
	struct warnings *w = ctx;
	w->items = xgrow(w->items, w->n, &w->cap, sizeof *w->items, 8);
	w->items[w->n++] = (struct protect_warning){store_row_int(row, 0), store_row_int(row, 1), store_row_int(row, 2)};
	return 0;
}

/* ---- who the customer is ---- */

/* Stores the customer key of case_id (of organisation org_id) from its
 * contact unless it has one; *key is 0, and stored as 0, when the contact
 * names nobody (a withheld number never makes two customers one). */
static int case_customer(struct app *app, int64_t case_id, int64_t org_id, const char *contact, uint64_t *key)
{
	const char *why;
	if (protect_customer_key(app->secret, contact, strlen(contact), key, &why) != OMB_OK)
		*key = 0;
	return store_status(store_exec(app->store, STORE_Q_PROTECT_CASE_CUSTOMER_PUT,
				       SV_ARGS(SV_INT(case_id), SV_INT(org_id), SV_INT((int64_t)*key)), NULL, NULL));
}

static int case_customer_of(struct app *app, int64_t case_id, int64_t org_id, uint64_t *key)
{
	char contact[128] = "";
	int rc = store_status(
	    store_exec(app->store, STORE_Q_CASE_PERSONAL_GET, SV_ARGS(SV_INT(case_id)), case_contact_row, contact));
	return rc != OMB_OK ? rc : case_customer(app, case_id, org_id, contact, key);
}

/* Who could take the case over: staff of the case's organisation and of
 * vendors acting for it under a contract that covers them and the case's
 * category, who may handle the case (ladder_check_staff), with their level
 * and whether they are on a break; ordered by open cases. */
struct handlers {
	struct protect_handler items[HANDLERS_MAX];
	char codes[HANDLERS_MAX][STAFF_CODE_MAX];
	size_t n;
	const struct case_ref *c;
	struct app *app;
};

static int handler_row(void *ctx, const struct store_row *row)
{
	struct handlers *h = ctx;
	enum role r = ROLE_NONE;
	enum org_kind k = ORG_COMPANY;
	role_parse(store_row_text(row, 1), &r);
	org_kind_parse(store_row_text(row, 4), &k);
	bool own = store_row_int(row, 5) == h->c->org_id;
	struct ladder_actor a = {ladder_role_of(r), k == ORG_VENDOR ? LADDER_ORG_VENDOR : LADDER_ORG_COMPANY,
				 own ? LADDER_REL_CASE_ORG : LADDER_REL_VENDOR_FOR, store_row_int(row, 0),
				 store_row_int(row, 3)};
	const char *why;
	int level = (int)ladder_role_level(a.role);
	if (!a.role || level == LADDER_NONE || ladder_check_staff(&a, h->c->dept_id, &why) != OMB_OK)
		return 0;
	if (!own && !accounts_vendor_acts_for(h->app, store_row_int(row, 5), a.staff_id, h->c->org_id, h->c->category_id))
		return 0;
	h->items[h->n] = (struct protect_handler){a.staff_id, level, store_row_int(row, 7) == 0};
	snprintf(h->codes[h->n], STAFF_CODE_MAX, "%s", store_row_text(row, 2));
	return ++h->n == HANDLERS_MAX;
}

/* ---- settings ---- */

static void settings_default(struct protection_settings *s)
{
	memset(s, 0, sizeof *s);
	protect_config_default(&s->cfg);
}

static int settings_row(void *ctx, const struct store_row *row)
{
	struct protection_settings *s = ctx;
	for (int k = 0; k < PROTECT_KIND_COUNT; k++)
		s->cfg.warnings_required[k] = (unsigned)store_row_int(row, k);
	s->cfg.senior_after_confirmed = (unsigned)store_row_int(row, 4);
	s->cfg.senior_period_ms = store_row_int(row, 5) * CLOCK_MS_PER_DAY;
	snprintf(s->warning_ko, sizeof s->warning_ko, "%s", store_row_text(row, 6));
	snprintf(s->warning_en, sizeof s->warning_en, "%s", store_row_text(row, 7));
	snprintf(s->support_contact, sizeof s->support_contact, "%s", store_row_text(row, 8));
	return 1;
}

static int senior_code_row(void *ctx, const struct store_row *row)
{
	struct protection_settings *s = ctx;
	snprintf(s->seniors[s->n_seniors], STAFF_CODE_MAX, "%s", store_row_text(row, 0));
	return ++s->n_seniors == PROTECTION_SENIORS_MAX;
}

int protection_settings_get(struct app *app, int64_t org_id, struct protection_settings *out)
{
	settings_default(out);
	int rc = store_exec(app->store, STORE_Q_PROTECT_SETTINGS_GET, SV_ARGS(SV_INT(org_id)), settings_row, out);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_PROTECT_SENIORS_LIST, SV_ARGS(SV_INT(org_id)), senior_code_row, out);
	rc = store_status(rc);
	out->cfg.warning_ko = *out->warning_ko ? out->warning_ko : NULL;
	out->cfg.warning_en = *out->warning_en ? out->warning_en : NULL;
	out->cfg.support_contact = *out->support_contact ? out->support_contact : NULL;
	return rc;
}

struct staff_ref {
	int64_t id, org_id;
	enum role role;
};

static int staff_ref_row(void *ctx, const struct store_row *row)
{
	struct staff_ref *s = ctx;
	s->id = store_row_int(row, 0);
	role_parse(store_row_text(row, 1), &s->role);
	s->org_id = store_row_int(row, 3);
	return 1;
}

static int settings_put_in_tx(struct app *app, const struct principal *who, const struct protect_config *cfg,
			      const char *const *seniors, size_t n_seniors, int64_t now, struct app_error *err)
{
	int rc = store_status(store_exec(
	    app->store, STORE_Q_PROTECT_SETTINGS_PUT,
	    SV_ARGS(SV_INT(who->org_id), SV_INT(cfg->warnings_required[PROTECT_VERBAL_ABUSE]),
		    SV_INT(cfg->warnings_required[PROTECT_THREAT]),
		    SV_INT(cfg->warnings_required[PROTECT_SEXUAL_HARASSMENT]),
		    SV_INT(cfg->warnings_required[PROTECT_ASSAULT]), SV_INT(cfg->senior_after_confirmed),
		    SV_INT(cfg->senior_period_ms / CLOCK_MS_PER_DAY), SV_TEXT(cfg->warning_ko ? cfg->warning_ko : ""),
		    SV_TEXT(cfg->warning_en ? cfg->warning_en : ""),
		    SV_TEXT(cfg->support_contact ? cfg->support_contact : ""), SV_INT(who->staff_id), SV_INT(now)),
	    NULL, NULL));
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_PROTECT_SENIORS_CLEAR, SV_ARGS(SV_INT(who->org_id)), NULL, NULL));
	for (size_t i = 0; rc == OMB_OK && i < n_seniors; i++) {
		struct staff_ref s = {0, 0, ROLE_NONE};
		if ((rc = store_status(store_exec(app->store, STORE_Q_STAFF_BY_CODE, SV_ARGS(SV_TEXT(seniors[i])),
						  staff_ref_row, &s))) != OMB_OK)
			break;
		if (s.org_id != who->org_id || ladder_role_level(ladder_role_of(s.role)) == LADDER_NONE)
			ERR("senior_handlers", "each must be the staff code of an active handler (agent to complaints "
					       "officer) of this organisation");
		rc = store_status(store_exec(app->store, STORE_Q_PROTECT_SENIOR_ADD,
					     SV_ARGS(SV_INT(who->org_id), SV_INT(s.id)), NULL, NULL));
		if (rc == OMB_EEXIST) /* the store's answer to a second (org, staff) row */
			ERR("senior_handlers", "a staff code is listed twice");
	}
	return rc;
}

/* The replacement with its audit row (app/admin.h), before and after read
 * in the same transaction. */
static int settings_audited_in_tx(struct app *app, const struct principal *who, const struct protect_config *cfg,
				  const char *const *seniors, size_t n_seniors, int64_t now, struct app_error *err)
{
	struct protection_settings *was = xmalloc(2 * sizeof *was), *is = was + 1;
	int rc = protection_settings_get(app, who->org_id, was);
	if (rc == OMB_OK)
		rc = settings_put_in_tx(app, who, cfg, seniors, n_seniors, now, err);
	if (rc == OMB_OK)
		rc = protection_settings_get(app, who->org_id, is);
	if (rc == OMB_OK)
		rc = admin_audit_protection(app, who, was, is);
	free(was);
	return rc;
}

int protection_settings_put(struct app *app, const struct principal *who, const struct protect_config *cfg,
			    const char *const *seniors, size_t n_seniors, int64_t now, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	const char *reason = NULL;
	if (protect_config_check(cfg, &reason) != OMB_OK)
		return reason_fail(err, reason, NULL);
	if (n_seniors > PROTECTION_SENIORS_MAX)
		ERR("senior_handlers", "at most 100");
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, settings_audited_in_tx(app, who, cfg, seniors, n_seniors, now, err));
}

/* ---- routing a repeatedly abusive customer to a senior handler ---- */

struct customer_case {
	char receipt[RECEIPT_LEN_MAX + 1];
	int64_t handler;
	struct case_ref c;
};

struct customer_cases {
	struct customer_case *items;
	size_t n;
};

static int customer_case_row(void *ctx, const struct store_row *row)
{
	struct customer_cases *l = ctx;
	l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
	struct customer_case *k = &l->items[l->n++];
	memset(k, 0, sizeof *k);
	snprintf(k->receipt, sizeof k->receipt, "%s", store_row_text(row, 0));
	k->handler = store_row_int(row, 1);
	k->c = (struct case_ref){.id = store_row_int(row, 2), .org_id = store_row_int(row, 3),
				 .level = (int)store_row_int(row, 4), .dept_id = store_row_int(row, 5), .found = true};
	return 0;
}

/* Routes one open case to a senior handler when protect_route_customer says
 * so and its handler is not a senior already. A case no senior may take stays
 * where it is: routing never refuses or drops anything. */
static int route_case(struct app *app, const struct protect_config *cfg, uint64_t key, const struct customer_case *k,
		      const struct incidents *inc, int64_t now)
{
	struct handlers *h = xcalloc(1, sizeof *h);
	h->c = &k->c;
	h->app = app;
	int rc = store_status(store_exec(app->store, STORE_Q_PROTECT_SENIOR_HANDLERS,
					 SV_ARGS(SV_INT(k->c.org_id), SV_INT(now)), handler_row, h));
	bool with_senior = false;
	for (size_t i = 0; i < h->n; i++)
		with_senior = with_senior || h->items[i].id == k->handler;
	struct protect_routing r = protect_route_customer(cfg, key, now, k->c.level, h->items, h->n, inc->dom, inc->n);
	if (rc == OMB_OK && r.to_senior && !with_senior) {
		struct app_error cerr;
		rc = cases_route(app, k->receipt, h->codes[r.senior_index], now, &cerr);
		if (rc == OMB_EINVAL || rc == OMB_ECONFLICT || rc == OMB_EPERM) {
			log_warn(LOG_MSG("senior routing skipped a case"), LOG_S("receipt", k->receipt),
				 LOG_S("reason", cerr.reason ? cerr.reason : ""));
			rc = OMB_OK;
		}
	}
	free(h);
	return rc;
}

/* Routes every open case of the customer `key` of organisation org_id. */
static int route_customer(struct app *app, int64_t org_id, uint64_t key, int64_t now)
{
	if (key == 0)
		return OMB_OK;
	struct protection_settings *s = xcalloc(1, sizeof *s);
	struct incidents inc = {0};
	struct customer_cases cases = {0};
	int rc = protection_settings_get(app, org_id, s);
	if (rc == OMB_OK)
		rc = load_incidents(app, STORE_Q_PROTECT_INCIDENTS_OF_CUSTOMER,
				    SV_ARGS(SV_INT(org_id), SV_INT((int64_t)key), SV_INT(now - s->cfg.senior_period_ms),
					    SV_INT(now)),
				    &inc);
	if (rc == OMB_OK && inc.n >= s->cfg.senior_after_confirmed)
		rc = store_status(store_exec(app->store, STORE_Q_PROTECT_CUSTOMER_OPEN_CASES,
					     SV_ARGS(SV_INT(org_id), SV_INT((int64_t)key)), customer_case_row, &cases));
	for (size_t i = 0; rc == OMB_OK && i < cases.n; i++)
		rc = route_case(app, &s->cfg, key, &cases.items[i], &inc, now);
	free(cases.items);
	incidents_free(&inc);
	free(s);
	return rc;
}

/* Routes every open case of the customer of the case `receipt`. */
static int route_customer_of_case(struct app *app, const char *receipt, int64_t now)
{
	struct case_ref c;
	uint64_t key = 0;
	int rc = case_ref(app, receipt, NULL, &c);
	if (rc == OMB_OK)
		rc = case_customer_of(app, c.id, c.org_id, &key);
	return rc != OMB_OK ? rc : route_customer(app, c.org_id, key, now);
}

int protection_key_opened(struct app *app, int64_t case_id, int64_t org_id, const char *contact, int64_t now)
{
	uint64_t key = 0;
	int rc = case_customer(app, case_id, org_id, contact, &key);
	return rc != OMB_OK ? rc : route_customer(app, org_id, key, now);
}

struct backfill {
	int64_t case_id[BACKFILL_BATCH], org_id[BACKFILL_BATCH];
	char contact[BACKFILL_BATCH][128];
	size_t n;
	int64_t after;     /* each batch starts past the last, so the walk is linear and ends */
};

static int backfill_row(void *ctx, const struct store_row *row)
{
	struct backfill *b = ctx;
	b->case_id[b->n] = store_row_int(row, 0);
	b->org_id[b->n] = store_row_int(row, 1);
	snprintf(b->contact[b->n], sizeof b->contact[b->n], "%s", store_row_text(row, 2));
	b->n++;
	return 0;
}

static int backfill_in_tx(struct app *app, struct backfill *b)
{
	b->n = 0;
	int rc = store_status(store_exec(app->store, STORE_Q_PROTECT_CASES_WITHOUT_CUSTOMER,
					 SV_ARGS(SV_INT(b->after), SV_INT(BACKFILL_BATCH)), backfill_row, b));
	if (b->n)
		b->after = b->case_id[b->n - 1];
	for (size_t i = 0; rc == OMB_OK && i < b->n; i++) {
		uint64_t key = 0;
		rc = case_customer(app, b->case_id[i], b->org_id[i], b->contact[i], &key);
	}
	return rc;
}

int protection_backfill(struct app *app, size_t *filled)
{
	struct backfill *b = xcalloc(1, sizeof *b);
	int rc = OMB_OK;
	*filled = 0;
	do {
		if ((rc = store_begin(app->store, true)) != OMB_OK)
			break;
		rc = store_end(app->store, backfill_in_tx(app, b));
		*filled += b->n;
	} while (rc == OMB_OK && b->n == BACKFILL_BATCH);
	free(b);
	return rc;
}

/* ---- flagging and reviewing ---- */


static int flag_in_tx(struct app *app, const struct principal *who, const char *org_code, const char *receipt,
		      const struct protection_flag_in *in, enum protect_kind kind, int64_t at, int64_t now,
		      struct protection_incident *out)
{
	struct case_ref c;
	int64_t contact = 0, id = 0;
	int rc = case_ref(app, receipt, org_code, &c);
	if (rc == OMB_OK)
		rc = open_contact(app, c.id, who->staff_id, &contact);
	if (rc == OMB_OK && !contact)
		rc = store_exec(app->store, STORE_Q_PROTECT_CONTACT_INSERT,
				SV_ARGS(SV_INT(c.id), SV_INT(who->staff_id), SV_INT(now)), store_row_first_int, &contact);
	uint64_t key = 0;
	if (rc >= 0)
		rc = case_customer_of(app, c.id, c.org_id, &key); /* a case opened while its key failed */
	if (rc < 0)
		return rc;
	rc = store_exec(app->store, STORE_Q_PROTECT_INCIDENT_INSERT,
			SV_ARGS(SV_INT(who->org_id), SV_INT(c.id), SV_INT(contact), SV_INT(who->staff_id),
				SV_INT(kind), SV_INT(at), SV_TEXT(in->text),
				SV_TEXT(in->recording_ref ? in->recording_ref : ""), SV_INT(now)),
			store_row_first_int, &id);
	if (rc < 0)
		return rc;
	struct incidents l;
	rc = load_incidents(app, STORE_Q_PROTECT_INCIDENT_BY_ID, SV_ARGS(SV_INT(id), SV_INT(who->org_id)), &l);
	if (rc == OMB_OK && l.n == 1)
		take_view(&l, 0, out);
	else if (rc == OMB_OK)
		rc = OMB_ESTORE;
	incidents_free(&l);
	return rc;
}

int protection_flag(struct app *app, const struct principal *who, const char *org_code, const char *receipt,
		    const struct protection_flag_in *in, int64_t now, struct protection_incident *out,
		    struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	enum protect_kind kind;
	if (!in->kind || protect_kind_parse(in->kind, &kind) != OMB_OK)
		ERR("kind", "must be verbal_abuse, threat, sexual_harassment or assault");
	const char *reason = NULL;
	int64_t at = in->at_ms ? in->at_ms : now;
	const char *text = in->text ? in->text : "";
	if (protect_incident_check(kind, text, strlen(text), at, now, &reason) != OMB_OK)
		return reason_fail(err, reason, "text");
	const char *ref = in->recording_ref ? in->recording_ref : "";
	if (strlen(ref) > 200 || !text_is_clean_utf8(ref, strlen(ref)))
		ERR("recording_ref", "must be at most 200 bytes of text");
	int rc = store_begin(app->store, true);
	if (rc != OMB_OK)
		return rc;
	rc = store_end(app->store, flag_in_tx(app, who, org_code, receipt, in, kind, at, now, out));
	if (rc == OMB_ENOTFOUND)
		err->reason = "no such case in this organisation";
	return rc;
}

static int review_in_tx(struct app *app, const struct principal *who, int64_t id, bool confirm, int64_t now,
			struct protection_incident *out, struct app_error *err)
{
	struct incidents l;
	int rc = load_incidents(app, STORE_Q_PROTECT_INCIDENT_BY_ID, SV_ARGS(SV_INT(id), SV_INT(who->org_id)), &l);
	if (rc == OMB_OK && l.n != 1)
		rc = OMB_ENOTFOUND;
	if (rc == OMB_OK)
		rc = protect_incident_review(&l.dom[0], who->staff_id, confirm, now, &err->reason);
	if (rc == OMB_OK)
		rc = store_exec(app->store, STORE_Q_PROTECT_INCIDENT_REVIEW,
				SV_ARGS(SV_INT(l.dom[0].status), SV_INT(who->staff_id), SV_INT(now), SV_INT(id)), NULL,
				NULL) == 1 ? OMB_OK : OMB_ECONFLICT;
	if (rc == OMB_OK && confirm)
		rc = route_customer_of_case(app, l.view[0].receipt, now);
	if (rc == OMB_OK) {
		l.view[0].status = l.dom[0].status;
		l.view[0].reviewed_ms = now;
		snprintf(l.view[0].reviewer_code, sizeof l.view[0].reviewer_code, "%s", who->staff_code);
		take_view(&l, 0, out);
	}
	incidents_free(&l);
	return rc;
}

int protection_review(struct app *app, const struct principal *who, int64_t incident_id, bool confirm, int64_t now,
		      struct protection_incident *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, review_in_tx(app, who, incident_id, confirm, now, out, err));
}

int protection_incidents(struct app *app, const struct principal *who, int status, int64_t after, int limit,
			 struct protection_incident **items, size_t *n)
{
	struct incidents l;
	int64_t only_agent = is_manager_of(who, who->org_id) ? 0 : who->staff_id;
	int rc = load_incidents(app, STORE_Q_PROTECT_INCIDENTS_LIST,
				SV_ARGS(SV_INT(who->org_id), SV_INT(status), SV_INT(only_agent), SV_INT(after),
					SV_INT(limit)),
				&l);
	if (rc != OMB_OK) {
		incidents_free(&l);
		return rc;
	}
	free(l.dom);
	*items = l.view;
	*n = l.n;
	return OMB_OK;
}

/* ---- warning and ending a contact ---- */

struct contact {
	struct case_ref c;
	int64_t id;
	struct incidents inc;
	struct warnings warn;
};

static void contact_free(struct contact *k)
{
	incidents_free(&k->inc);
	free(k->warn.items);
}

/* The agent's open contact on the case, with its incidents and warnings. */
static int contact_load(struct app *app, const struct principal *who, const char *org_code, const char *receipt,
			struct contact *k, struct app_error *err)
{
	memset(k, 0, sizeof *k);
	int rc = case_ref(app, receipt, org_code, &k->c);
	if (rc == OMB_OK)
		rc = open_contact(app, k->c.id, who->staff_id, &k->id);
	if (rc == OMB_OK && !k->id) {
		err->reason = "you have no open contact with an incident on this case";
		return OMB_ECONFLICT;
	}
	if (rc == OMB_OK)
		rc = load_incidents(app, STORE_Q_PROTECT_INCIDENTS_OF_CONTACT, SV_ARGS(SV_INT(k->id)), &k->inc);
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_PROTECT_WARNINGS_OF_CONTACT, SV_ARGS(SV_INT(k->id)),
					     warning_row, &k->warn));
	return rc;
}

static void state_of(const struct protect_config *cfg, const struct contact *k, struct protection_contact_state *out)
{
	struct protect_end_rule rule = protect_may_end_contact(cfg, k->id, k->inc.dom, k->inc.n, k->warn.items, k->warn.n);
	out->contact_id = k->id;
	out->warnings_given = rule.warnings_given;
	out->warnings_required = rule.warnings_required;
	out->may_end = rule.may_end;
}

static int warn_in_tx(struct app *app, const struct principal *who, const char *org_code, const char *receipt,
		      int64_t now, struct protection_contact_state *out, struct app_error *err)
{
	struct contact k;
	int rc = contact_load(app, who, org_code, receipt, &k, err);
	size_t latest = k.inc.n;
	for (size_t i = 0; rc == OMB_OK && i < k.inc.n; i++)
		if (k.inc.dom[i].status != PROTECT_REJECTED)
			latest = i;
	if (rc == OMB_OK && latest == k.inc.n) {
		err->reason = "no incident on this contact that counts (all were rejected)";
		rc = OMB_ECONFLICT;
	}
	if (rc == OMB_OK) {
		out->incident_id = k.inc.dom[latest].id;
		rc = store_status(store_exec(app->store, STORE_Q_PROTECT_WARNING_INSERT,
					     SV_ARGS(SV_INT(k.id), SV_INT(out->incident_id), SV_INT(now)), NULL, NULL));
	}
	char contact[128] = "";
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_CASE_PERSONAL_GET, SV_ARGS(SV_INT(k.c.id)),
					     case_contact_row, contact));
	/* the case's organisation speaks to its customer; the agent's employer
	 * decides how many warnings protect its agent */
	struct protection_settings *text = xcalloc(1, sizeof *text), *mine = xcalloc(1, sizeof *mine);
	if (rc == OMB_OK)
		rc = protection_settings_get(app, k.c.org_id, text);
	if (rc == OMB_OK)
		rc = protection_settings_get(app, who->org_id, mine);
	if (rc == OMB_OK) {
		char *body = xasprintf("[%s] %s\n\n%s", receipt, protect_warning_text(&text->cfg, "ko"),
				       protect_warning_text(&text->cfg, "en"));
		struct outbox_msg m = {.org_id = k.c.org_id, .staff_id = who->staff_id,
				       .channel = strchr(contact, '@') ? "email" : "sms",
				       .recipient = contact, .subject = receipt, .body = body, .ref = receipt};
		rc = outbox_enqueue(app, &m, NULL);
		free(body);
		k.warn.items = xrealloc(k.warn.items, (k.warn.n + 1) * sizeof *k.warn.items);
		k.warn.items[k.warn.n++] = (struct protect_warning){k.id, out->incident_id, now};
		state_of(&mine->cfg, &k, out);
		out->incident_id = k.inc.dom[latest].id;
	}
	free(text);
	free(mine);
	contact_free(&k);
	return rc;
}

int protection_warn(struct app *app, const struct principal *who, const char *org_code, const char *receipt,
		    int64_t now, struct protection_contact_state *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, warn_in_tx(app, who, org_code, receipt, now, out, err));
}

static int end_in_tx(struct app *app, const struct principal *who, const char *org_code, const char *receipt,
		     int64_t now, struct protection_contact_end *out, struct app_error *err)
{
	struct contact k;
	int rc = contact_load(app, who, org_code, receipt, &k, err);
	struct handlers *h = xcalloc(1, sizeof *h);
	h->c = &k.c;
	h->app = app;
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_PROTECT_HANDLERS,
					     SV_ARGS(SV_INT(k.c.org_id), SV_INT(now)), handler_row, h));
	struct protection_settings *mine = xcalloc(1, sizeof *mine);
	if (rc == OMB_OK)
		rc = protection_settings_get(app, who->org_id, mine);
	struct protect_contact_end end;
	int level = (int)ladder_role_level(ladder_role_of(who->role));
	if (k.c.level > level)
		level = k.c.level; /* whoever takes over must be able to answer at the case's level */
	if (rc == OMB_OK)
		rc = protect_end_contact(&mine->cfg, k.c.id, k.id, who->staff_id, level, now, k.inc.dom, k.inc.n,
					 k.warn.items, k.warn.n, h->items, h->n, &end, &err->reason);
	free(mine);
	const char *to_code = NULL; /* NULL: the queue of the case's level */
	for (size_t i = 0; rc == OMB_OK && i < h->n; i++)
		if (h->items[i].id == end.handover_to)
			to_code = h->codes[i];
	struct app_error cerr;
	if (rc == OMB_OK && (rc = cases_handover(app, receipt, who, to_code, now, &cerr)) != OMB_OK)
		err->reason = cerr.reason;
	if (rc == OMB_OK)
		rc = store_exec(app->store, STORE_Q_PROTECT_END_INSERT,
				SV_ARGS(SV_INT(who->org_id), SV_INT(k.c.id), SV_INT(k.id), SV_INT(who->staff_id),
					SV_INT(now), end.handover_to ? SV_INT(end.handover_to) : SV_NULL,
					SV_INT(end.handover_level)),
				NULL, NULL);
	if (rc >= 0)
		rc = store_status(store_exec(app->store, STORE_Q_PROTECT_CONTACT_CLOSE,
					     SV_ARGS(SV_INT(now), SV_INT(k.id)), NULL, NULL));
	if (rc == OMB_OK) {
		out->contact_id = k.id;
		snprintf(out->handover_code, sizeof out->handover_code, "%s", to_code ? to_code : "");
		out->handover_level = end.handover_level;
		out->ended_ms = now;
	}
	free(h);
	contact_free(&k);
	return rc;
}

int protection_end_contact(struct app *app, const struct principal *who, const char *org_code,
			   const char *receipt, int64_t now, struct protection_contact_end *out,
			   struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, end_in_tx(app, who, org_code, receipt, now, out, err));
}

/* ---- breaks and counselling ---- */

int protection_break(struct app *app, const struct principal *who, const char *agent_code, int64_t minutes,
		     int64_t incident_id, int64_t now, int64_t *id, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	int64_t agent = 0;
	int rc = store_exec(app->store, STORE_Q_PROTECT_STAFF_IN_ORG, SV_ARGS(SV_TEXT(agent_code), SV_INT(who->org_id)),
			    store_row_first_int, &agent);
	if (rc < 0)
		return rc;
	if (!agent)
		ERR("agent", "no such active staff member in your organisation");
	struct protect_break b = {who->org_id, agent, incident_id, now, minutes};
	const char *reason = NULL;
	if (protect_break_check(&b, &reason) != OMB_OK)
		return reason_fail(err, reason, "minutes");
	rc = store_exec(app->store, STORE_Q_PROTECT_BREAK_INSERT,
			SV_ARGS(SV_INT(b.org_id), SV_INT(b.agent_id), SV_INT(b.incident_id), SV_INT(b.start_ms),
				SV_INT(b.minutes), SV_INT(who->staff_id)),
			store_row_first_int, id);
	return rc < 0 ? rc : OMB_OK;
}

int protection_counselling_add(struct app *app, const struct principal *who, const char *text, int64_t now,
			       int64_t *id, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	text = text ? text : "";
	if (strlen(text) > PROTECTION_COUNSELLING_TEXT_MAX || !text_is_clean_utf8(text, strlen(text)))
		ERR("text", "must be at most 1000 bytes of text");
	int rc = store_exec(app->store, STORE_Q_PROTECT_COUNSELLING_INSERT,
			    SV_ARGS(SV_INT(who->org_id), SV_INT(who->staff_id), SV_TEXT(text), SV_INT(now)),
			    store_row_first_int, id);
	return rc < 0 ? rc : OMB_OK;
}

struct counselling_ctx {
	const struct principal *who;
	struct protection_counselling *items;
	size_t n;
};

static int counselling_row(void *ctx, const struct store_row *row)
{
	struct counselling_ctx *c = ctx;
	int64_t agent = store_row_int(row, 1);
	struct protect_viewer viewer = {false, c->who->staff_id, c->who->org_id};
	int64_t manager = is_manager_of(c->who, c->who->org_id) ? c->who->staff_id : 0;
	if (!protect_counselling_visible(agent, manager, &viewer))
		return 0;
	struct protection_counselling *it = &c->items[c->n++];
	it->id = store_row_int(row, 0);
	snprintf(it->agent_code, sizeof it->agent_code, "%s", store_row_text(row, 2));
	snprintf(it->text, sizeof it->text, "%s", store_row_text(row, 3));
	it->at_ms = store_row_int(row, 4);
	return 0;
}

int protection_counselling_list(struct app *app, const struct principal *who, int64_t after, int limit,
				struct protection_counselling **items, size_t *n)
{
	struct counselling_ctx c = {who, xcalloc((size_t)limit + 1, sizeof *c.items), 0};
	int64_t only_agent = is_manager_of(who, who->org_id) ? 0 : who->staff_id;
	int rc = store_exec(app->store, STORE_Q_PROTECT_COUNSELLING_LIST,
			    SV_ARGS(SV_INT(who->org_id), SV_INT(after), SV_INT(limit), SV_INT(only_agent)),
			    counselling_row, &c);
	if (rc < 0) {
		free(c.items);
		return rc;
	}
	*items = c.items;
	*n = c.n;
	return OMB_OK;
}

/* ---- dossiers ---- */

/* The agent's own incidents on the case that may go into a dossier (the
 * rejected ones are not the agent's evidence and are left out), in the order
 * protect_dossier_order gives, with their warnings and the support contact. */
struct dossier_data {
	struct incidents inc;
	struct warnings warn;
	const struct protect_incident **order;
	size_t kept;
	char support[PROTECT_SUPPORT_MAX + 64];
};

static void dossier_data_free(struct dossier_data *d)
{
	incidents_free(&d->inc);
	free(d->warn.items);
	free(d->order);
}

/* The employer's support contact, else the manager who confirmed an incident. */
static int dossier_support(struct app *app, int64_t org_id, struct dossier_data *d)
{
	struct protection_settings *s = xcalloc(1, sizeof *s);
	int rc = protection_settings_get(app, org_id, s);
	snprintf(d->support, sizeof d->support, "%s", s->support_contact);
	free(s);
	for (size_t i = 0; !*d->support && i < d->kept; i++) {
		const struct protection_incident *v = &d->inc.view[d->order[i] - d->inc.dom];
		if (*v->reviewer_code)
			snprintf(d->support, sizeof d->support, "%s (%s)", v->reviewer_code,
				 "확인한 관리자 / reviewing manager");
	}
	return rc;
}

static int dossier_data(struct app *app, int64_t org_id, int64_t agent_id, int64_t case_id, struct dossier_data *d,
			const char **reason)
{
	memset(d, 0, sizeof *d);
	int rc = load_incidents(app, STORE_Q_PROTECT_INCIDENTS_OF_AGENT_CASE, SV_ARGS(SV_INT(agent_id), SV_INT(case_id)),
				&d->inc);
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_PROTECT_WARNINGS_OF_AGENT_CASE,
					     SV_ARGS(SV_INT(agent_id), SV_INT(case_id)), warning_row, &d->warn));
	if (rc != OMB_OK)
		return rc;
	for (size_t i = 0; i < d->inc.n; i++) { /* the kept ones first, views beside their records */
		if (d->inc.dom[i].status == PROTECT_REJECTED)
			continue;
		struct protect_incident dom = d->inc.dom[i];
		struct protection_incident view = d->inc.view[i];
		d->inc.dom[i] = d->inc.dom[d->kept];
		d->inc.view[i] = d->inc.view[d->kept];
		d->inc.dom[d->kept] = dom;
		d->inc.view[d->kept++] = view;
	}
	d->order = xcalloc(d->kept + 1, sizeof *d->order);
	rc = protect_dossier_order(agent_id, d->inc.dom, d->kept, d->order, reason);
	return rc == OMB_OK ? dossier_support(app, org_id, d) : rc;
}

static int dossier_create_in_tx(struct app *app, const struct principal *who, const char *receipt, int64_t now,
				int64_t *id, struct app_error *err)
{
	struct case_ref c;
	int rc = case_ref(app, receipt, NULL, &c);
	if (rc != OMB_OK) {
		err->field = "receipt";
		err->reason = "no such case";
		return rc == OMB_ENOTFOUND ? OMB_EINVAL : rc;
	}
	struct dossier_data d;
	rc = dossier_data(app, who->org_id, who->staff_id, c.id, &d, &err->reason);
	dossier_data_free(&d);
	if (rc == OMB_EINVAL || rc == OMB_EPERM) {
		err->field = "receipt";
		return OMB_EINVAL; /* nothing of the agent's own to put in it */
	}
	if (rc != OMB_OK)
		return rc;
	rc = store_exec(app->store, STORE_Q_PROTECT_DOSSIER_INSERT,
			SV_ARGS(SV_INT(who->org_id), SV_INT(who->staff_id), SV_INT(c.id), SV_INT(now)),
			store_row_first_int, id);
	return rc < 0 ? rc : OMB_OK;
}

int protection_dossier_create(struct app *app, const struct principal *who, const char *receipt, int64_t now,
			      int64_t *id, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, dossier_create_in_tx(app, who, receipt, now, id, err));
}

struct dossier_row {
	struct protect_dossier d;
	char receipt[RECEIPT_LEN_MAX + 1], agent_code[STAFF_CODE_MAX], org_name[128];
	bool found;
};

static int dossier_row(void *ctx, const struct store_row *row)
{
	struct dossier_row *x = ctx;
	x->d = (struct protect_dossier){store_row_int(row, 1), store_row_int(row, 2), store_row_int(row, 3),
					store_row_int(row, 4)};
	snprintf(x->receipt, sizeof x->receipt, "%s", store_row_text(row, 5));
	snprintf(x->agent_code, sizeof x->agent_code, "%s", store_row_text(row, 6));
	snprintf(x->org_name, sizeof x->org_name, "%s", store_row_text(row, 7));
	x->found = true;
	return 1;
}

static void iso(int64_t ms, char out[32])
{
	if (ms <= 0)
		snprintf(out, 32, "-");
	else
		clock_format_iso(ms, out, 32);
}

/* The warnings tied to one incident: how many, and their times. */
static void warnings_of(const struct dossier_data *d, int64_t incident_id, char count[16], char *times, size_t size)
{
	unsigned n = 0;
	size_t used = 0;
	times[0] = '\0';
	for (size_t j = 0; j < d->warn.n; j++) {
		if (d->warn.items[j].incident_id != incident_id)
			continue;
		char at[32];
		iso(d->warn.items[j].at_ms, at);
		int w = snprintf(times + used, size - used, "%s%s", n++ ? ", " : "", at);
		used = w > 0 && (size_t)w < size - used ? used + (size_t)w : used;
	}
	snprintf(count, 16, "%u", n);
}

static struct doc *dossier_doc(const struct dossier_row *x, const struct dossier_data *d)
{
	char title[128], buf[32];
	snprintf(title, sizeof title, "고소 자료 / Criminal-complaint dossier %s", x->receipt);
	struct doc *doc = doc_new("dossier", title);
	struct doc_section *s = doc_section(doc, "dossier", "자료 / Dossier");
	doc_field(doc, s, "org", "기관 / Organisation", x->org_name);
	doc_field(doc, s, "support_contact", "지원 연락처 / Support contact for the complaint", d->support);
	doc_field(doc, s, "receipt", "접수번호 / Receipt number", x->receipt);
	doc_field(doc, s, "agent", "상담원 / Agent (staff code)", x->agent_code);
	iso(x->d.created_ms, buf);
	doc_field(doc, s, "created", "작성 / Prepared (UTC)", buf);
	snprintf(buf, sizeof buf, "%zu", d->kept);
	doc_field(doc, s, "incidents", "사건 수 / Incidents", buf);
	struct doc_section *t = doc_section(doc, "incidents", "사건 / Incidents (in time order)");
	static const char *const keys[] = {"id", "contact", "at", "kind", "status", "text", "recording_ref",
					   "warnings", "warned_at"};
	static const char *const labels[] = {"#", "상담 / Contact", "시각 / Time (UTC)", "유형 / Kind", "상태 / Status",
					     "내용 (원문) / Exact words", "녹취 / Recording", "경고 / Warnings",
					     "경고 시각 / Warned at (UTC)"};
	struct doc_table *tab = doc_table(doc, t, 9, keys, labels);
	for (size_t i = 0; i < d->kept; i++) {
		const struct protection_incident *v = &d->inc.view[d->order[i] - d->inc.dom];
		char id[24], contact[24], at[32], warned[16], warned_at[640];
		snprintf(id, sizeof id, "%lld", (long long)v->id);
		snprintf(contact, sizeof contact, "%lld", (long long)v->contact_id);
		iso(v->at_ms, at);
		warnings_of(d, v->id, warned, warned_at, sizeof warned_at);
		const char *cells[] = {id, contact, at, protect_kind_name(v->kind), protect_status_name(v->status),
				       v->text, *v->recording_ref ? v->recording_ref : "-", warned, warned_at};
		doc_row(doc, tab, cells);
	}
	return doc;
}

struct dossier_list {
	const struct principal *who;
	struct protection_dossier_item *items;
	size_t n;
};

/* Only what protect_dossier_may_fetch lets the caller fetch is listed. */
static int dossier_list_row(void *ctx, const struct store_row *row)
{
	struct dossier_list *l = ctx;
	struct protect_dossier d = {store_row_int(row, 1), store_row_int(row, 2), store_row_int(row, 3),
				    store_row_int(row, 4)};
	struct protect_viewer viewer = {false, l->who->staff_id, l->who->org_id};
	if (!protect_dossier_may_fetch(&d, is_manager_of(l->who, d.org_id) ? l->who->staff_id : 0, &viewer))
		return 0;
	struct protection_dossier_item *it = &l->items[l->n++];
	it->id = store_row_int(row, 0);
	it->created_ms = d.created_ms;
	snprintf(it->receipt, sizeof it->receipt, "%s", store_row_text(row, 5));
	snprintf(it->agent_code, sizeof it->agent_code, "%s", store_row_text(row, 6));
	return 0;
}

int protection_dossiers(struct app *app, const struct principal *who, int64_t after, int limit,
			struct protection_dossier_item **items, size_t *n)
{
	struct dossier_list l = {who, xcalloc((size_t)limit + 1, sizeof *l.items), 0};
	int64_t only_agent = is_manager_of(who, who->org_id) ? 0 : who->staff_id;
	int rc = store_exec(app->store, STORE_Q_PROTECT_DOSSIER_LIST,
			    SV_ARGS(SV_INT(who->org_id), SV_INT(after), SV_INT(limit), SV_INT(only_agent)),
			    dossier_list_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

static int dossier_get_in_tx(struct app *app, const struct principal *who, int64_t id, struct doc **out,
			     struct app_error *err)
{
	struct dossier_row x = {.found = false};
	int rc = store_exec(app->store, STORE_Q_PROTECT_DOSSIER_BY_ID, SV_ARGS(SV_INT(id)), dossier_row, &x);
	if (rc < 0)
		return rc;
	if (!x.found || x.d.org_id != who->org_id)
		return OMB_ENOTFOUND;
	struct protect_viewer viewer = {false, who->staff_id, who->org_id};
	if (!protect_dossier_may_fetch(&x.d, is_manager_of(who, x.d.org_id) ? who->staff_id : 0, &viewer)) {
		err->reason = "only the agent who asked for the dossier and their manager may fetch it";
		return OMB_EPERM;
	}
	struct dossier_data d;
	const char *reason = NULL;
	rc = dossier_data(app, x.d.org_id, x.d.agent_id, x.d.case_id, &d, &reason);
	if (rc == OMB_OK)
		*out = dossier_doc(&x, &d);
	else
		err->reason = reason;
	dossier_data_free(&d);
	return rc;
}

int protection_dossier_get(struct app *app, const struct principal *who, int64_t id, struct doc **out,
			   struct app_error *err)
{
	memset(err, 0, sizeof *err);
	*out = NULL;
	int rc = store_begin(app->store, false);
	if (rc != OMB_OK)
		return rc;
	rc = dossier_get_in_tx(app, who, id, out, err);
	store_rollback(app->store); /* a read */
	return rc;
}

/* ---- figures ---- */

#define GROW(arr, n, cap)                                                   \
	do {                                                                \
		if ((n) == FIGURES_MAX)                                     \
			return OMB_ELIMIT;                                  \
		if ((n) == (cap)) {                                         \
			(cap) = (cap) ? (cap) * 2 : 64;                     \
			(arr) = xrealloc((arr), (cap) * sizeof *(arr));     \
		}                                                           \
	} while (0)

struct fig_rows {
	struct protect_contact_end *ends;
	size_t n_ends, cap_ends;
	struct protect_break *breaks;
	size_t n_breaks, cap_breaks;
	struct protect_dossier *dossiers;
	size_t n_dossiers, cap_dossiers;
};

static int end_row(void *ctx, const struct store_row *row)
{
	struct fig_rows *f = ctx;
	GROW(f->ends, f->n_ends, f->cap_ends);
	f->ends[f->n_ends++] = (struct protect_contact_end){store_row_int(row, 0), store_row_int(row, 1),
		store_row_int(row, 2), store_row_int(row, 3), store_row_int(row, 4), store_row_int(row, 5),
		(int)store_row_int(row, 6)};
	return 0;
}

static int break_row(void *ctx, const struct store_row *row)
{
	struct fig_rows *f = ctx;
	GROW(f->breaks, f->n_breaks, f->cap_breaks);
	f->breaks[f->n_breaks++] = (struct protect_break){store_row_int(row, 0), store_row_int(row, 1),
		store_row_int(row, 2), store_row_int(row, 3), store_row_int(row, 4)};
	return 0;
}

static int dossier_fig_row(void *ctx, const struct store_row *row)
{
	struct fig_rows *f = ctx;
	GROW(f->dossiers, f->n_dossiers, f->cap_dossiers);
	f->dossiers[f->n_dossiers++] = (struct protect_dossier){store_row_int(row, 0), store_row_int(row, 1),
		store_row_int(row, 2), store_row_int(row, 3)};
	return 0;
}

int protection_figures(struct app *app, const char *org_code, int64_t from, int64_t to, struct protect_figures *out)
{
	struct org org;
	int rc = accounts_org_get(app, org_code, &org);
	if (rc != OMB_OK)
		return rc;
	struct incidents inc = {0};
	struct fig_rows f = {0};
	if ((rc = store_begin(app->store, false)) != OMB_OK)
		return rc;
	rc = load_incidents(app, STORE_Q_PROTECT_INCIDENTS_FOR_FIGURES, SV_ARGS(SV_INT(org.id), SV_INT(from), SV_INT(to)),
			    &inc);
	if (rc == OMB_OK)
		rc = store_exec(app->store, STORE_Q_PROTECT_ENDS_FOR_FIGURES, SV_ARGS(SV_INT(org.id), SV_INT(from), SV_INT(to)),
				end_row, &f);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_PROTECT_BREAKS_FOR_FIGURES,
				SV_ARGS(SV_INT(org.id), SV_INT(from), SV_INT(to)), break_row, &f);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_PROTECT_DOSSIERS_FOR_FIGURES,
				SV_ARGS(SV_INT(org.id), SV_INT(from), SV_INT(to)), dossier_fig_row, &f);
	store_rollback(app->store);
	if (rc >= 0)
		protect_figures_compute(org.id, from, to, inc.dom, inc.n, f.ends, f.n_ends, f.breaks, f.n_breaks,
					f.dossiers, f.n_dossiers, out);
	incidents_free(&inc);
	free(f.ends);
	free(f.breaks);
	free(f.dossiers);
	return rc < 0 ? rc : OMB_OK;
}
