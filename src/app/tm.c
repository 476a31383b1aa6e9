/* tm.c — telemarketing compliance over the store: the arrays tm/ decides
 * on, loaded and stored one write transaction per action. */
#include "app/tm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/text.h"

#define NUMBERS_MAX   200000     /* registry export and look-ups */
#define REPORTS_MAX   100000     /* undecided reports read at once */
#define SANCTIONS_MAX 10000      /* one business's earlier sanctions */
#define NEAR_MS       (2 * CLOCK_MS_PER_DAY) /* disclosures loaded around a call: window and local day */

#define ERR(f, why) do { err->field = (f); err->reason = (why); return OMB_EINVAL; } while (0)



/* The field a domain reason names ("caller: ...") and the phrase after it. */
static int reason_fail(struct app_error *err, const char *reason, const char *fallback_field)
{
	static const char *const fields[] = {"name", "registration_id", "contact", "number", "valid_to", "trunk",
					     "caller", "callee", "call_time", "reason", "text", "source", "outcome"};
	err->field = fallback_field;
	err->reason = reason;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		size_t n = strlen(fields[i]);
		if (strncmp(reason, fields[i], n) == 0 && reason[n] == ':') {
			err->field = strcmp(fields[i], "trunk") == 0 ? "trunks" : fields[i];
			err->reason = reason + n + 2;
		}
	}
	return OMB_EINVAL;
}

/* ---- businesses ---- */

struct businesses {
	struct telemarketing_business *view;
	struct tm_business *dom;     /* strings borrowed from view */
	size_t n, cap;
};

/* A business from the row's columns first .. first + 6. */
static int business_at(struct businesses *b, const struct store_row *row, int first)
{
	if (b->n == NUMBERS_MAX)
		return OMB_ELIMIT;
	size_t cap = b->cap; /* both arrays grow alike from the same capacity */
	b->dom = xgrow(b->dom, b->n, &cap, sizeof *b->dom, 8);
	b->view = xgrow(b->view, b->n, &b->cap, sizeof *b->view, 8);
	struct telemarketing_business *v = &b->view[b->n++];
	memset(v, 0, sizeof *v);
	v->id = store_row_int(row, first);
	snprintf(v->org_code, sizeof v->org_code, "%s", store_row_text(row, first + 1));
	snprintf(v->name, sizeof v->name, "%s", store_row_text(row, first + 2));
	snprintf(v->registration_id, sizeof v->registration_id, "%s", store_row_text(row, first + 3));
	snprintf(v->contact, sizeof v->contact, "%s", store_row_text(row, first + 4));
	v->active_from_ms = store_row_int(row, first + 5);
	v->active_to_ms = store_row_int(row, first + 6);
	return 0;
}

static int business_row(void *ctx, const struct store_row *row)
{
	return business_at(ctx, row, 0);
}

/* Points the domain records at the views once the array stops moving. */
static void businesses_link(struct businesses *b)
{
	for (size_t i = 0; i < b->n; i++)
		b->dom[i] = (struct tm_business){b->view[i].id, b->view[i].name, b->view[i].registration_id,
						 b->view[i].contact, b->view[i].active_from_ms, b->view[i].active_to_ms};
}

static void businesses_free(struct businesses *b)
{
	free(b->view);
	free(b->dom);
	memset(b, 0, sizeof *b);
}

static int load_businesses(struct app *app, enum store_query q, const struct store_val *args, size_t nargs,
			   struct businesses *b)
{
	int rc = store_status(store_exec(app->store, q, args, nargs, business_row, b));
	businesses_link(b);
	return rc;
}

int telemarketing_business_get(struct app *app, int64_t org_id, struct telemarketing_business *out)
{
	struct businesses b = {0};
	int rc = load_businesses(app, STORE_Q_TM_BUSINESS_BY_ORG, SV_ARGS(SV_INT(org_id)), &b);
	if (rc == OMB_OK && b.n == 0)
		rc = OMB_ENOTFOUND;
	if (rc == OMB_OK)
		*out = b.view[0];
	businesses_free(&b);
	return rc;
}

int telemarketing_business_register(struct app *app, const struct principal *who, const char *name,
				    const char *registration_id, const char *contact, int64_t now,
				    struct telemarketing_business *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	struct tm_business b = {0, name, registration_id, contact, now, 0};
	const char *reason = NULL;
	if (tm_business_check(&b, &reason) != OMB_OK)
		return reason_fail(err, reason, "name");
	int64_t id = 0;
	int rc = store_exec(app->store, STORE_Q_TM_BUSINESS_INSERT,
			    SV_ARGS(SV_INT(who->org_id), SV_TEXT(name), SV_TEXT(registration_id), SV_TEXT(contact),
				    SV_INT(now), SV_INT(now)),
			    store_row_first_int, &id);
	if (rc == OMB_EEXIST) {
		err->field = "org";
		err->reason = "your organisation has registered its business already";
	}
	return rc < 0 ? rc : telemarketing_business_get(app, who->org_id, out);
}

/* ---- numbers ---- */

struct numbers {
	struct tm_number *dom;
	struct telemarketing_number *view;
	size_t n, cap;
};

static int number_row(void *ctx, const struct store_row *row)
{
	struct numbers *l = ctx;
	if (l->n == NUMBERS_MAX)
		return OMB_ELIMIT;
	size_t cap = l->cap; /* both arrays grow alike from the same capacity */
	l->dom = xgrow(l->dom, l->n, &cap, sizeof *l->dom, 16);
	l->view = xgrow(l->view, l->n, &l->cap, sizeof *l->view, 16);
	struct telemarketing_number *v = &l->view[l->n];
	struct tm_number *d = &l->dom[l->n++];
	memset(v, 0, sizeof *v);
	v->id = store_row_int(row, 0);
	snprintf(v->number, sizeof v->number, "%s", store_row_text(row, 2));
	v->valid_from_ms = store_row_int(row, 4);
	v->valid_to_ms = store_row_int(row, 5);
	v->daily_cap = (uint32_t)store_row_int(row, 6);
	snprintf(v->trunks, sizeof v->trunks, "%s", store_row_text(row, 7));
	const char *why;
	/* the stored E.164 text parses back to the same number and key */
	tm_number_init(d, v->number, strlen(v->number), store_row_int(row, 1), v->valid_from_ms, v->valid_to_ms,
		       v->daily_cap, NULL, &why);
	d->id = v->id;
	d->key = (uint64_t)store_row_int(row, 3);
	return 0;
}

static void numbers_link(struct numbers *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->dom[i].trunks = *l->view[i].trunks ? l->view[i].trunks : NULL;
}

static void numbers_free(struct numbers *l)
{
	free(l->dom);
	free(l->view);
	memset(l, 0, sizeof *l);
}

/* The part of the registry that can hold number `key`: its entries and every
 * business (few; one per telemarketer organisation). */
struct registry {
	struct businesses b;
	struct numbers nums;
	struct tm_registry r;
};

static int registry_for_key(struct app *app, uint64_t key, struct registry *g)
{
	memset(g, 0, sizeof *g);
	int rc = load_businesses(app, STORE_Q_TM_BUSINESSES, SV_ARGS(SV_INT(NUMBERS_MAX)), &g->b);
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_TM_NUMBERS_BY_KEY, SV_ARGS(SV_INT((int64_t)key)),
					     number_row, &g->nums));
	numbers_link(&g->nums);
	g->r = (struct tm_registry){g->b.dom, g->b.n, g->nums.dom, g->nums.n};
	return rc;
}

static void registry_free(struct registry *g)
{
	businesses_free(&g->b);
	numbers_free(&g->nums);
}

static int number_add_in_tx(struct app *app, const struct principal *who, const struct telemarketing_number_in *in,
			    int64_t now, struct telemarketing_number *out, struct app_error *err)
{
	struct telemarketing_business biz;
	int rc = telemarketing_business_get(app, who->org_id, &biz);
	if (rc == OMB_ENOTFOUND)
		err->reason = "register your business first";
	if (rc != OMB_OK)
		return rc;
	struct tm_number n;
	const char *reason = NULL;
	const char *trunks = in->trunks && *in->trunks ? in->trunks : NULL;
	if (in->daily_cap < 0 || in->daily_cap > UINT32_MAX)
		ERR("daily_cap", "must be 0 (none) or a positive number");
	if (trunks && strlen(trunks) > TM_APP_LINE_MAX)
		ERR("trunks", "at most 200 bytes");
	if (tm_number_init(&n, in->number, strlen(in->number), biz.id, now, in->valid_to_ms, (uint32_t)in->daily_cap,
			   trunks, &reason) != OMB_OK)
		return reason_fail(err, reason, "number");
	struct registry g;
	rc = registry_for_key(app, n.key, &g);
	if (rc == OMB_OK && (rc = tm_registry_check_number(&g.r, &n, &reason)) != OMB_OK)
		reason_fail(err, reason, "number");
	registry_free(&g);
	if (rc != OMB_OK)
		return rc;
	int64_t id = 0;
	rc = store_exec(app->store, STORE_Q_TM_NUMBER_INSERT,
			SV_ARGS(SV_INT(biz.id), SV_TEXT(n.phone.canon), SV_INT((int64_t)n.key), SV_INT(now), SV_INT(in->valid_to_ms),
				SV_INT(in->daily_cap), SV_TEXT(trunks ? trunks : ""), SV_INT(now)),
			store_row_first_int, &id);
	if (rc < 0)
		return rc;
	*out = (struct telemarketing_number){.id = id, .valid_from_ms = now, .valid_to_ms = in->valid_to_ms,
					     .daily_cap = (uint32_t)in->daily_cap};
	snprintf(out->number, sizeof out->number, "%s", n.phone.canon);
	snprintf(out->trunks, sizeof out->trunks, "%s", trunks ? trunks : "");
	return OMB_OK;
}

int telemarketing_number_add(struct app *app, const struct principal *who, const struct telemarketing_number_in *in,
			     int64_t now, struct telemarketing_number *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (!in->number)
		ERR("number", "is required");
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, number_add_in_tx(app, who, in, now, out, err));
}

int telemarketing_numbers(struct app *app, const struct principal *who, int64_t after, int limit,
			  struct telemarketing_number **items, size_t *n)
{
	struct telemarketing_business biz;
	int rc = telemarketing_business_get(app, who->org_id, &biz);
	struct numbers l = {0};
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_TM_NUMBERS_OF_BUSINESS,
					     SV_ARGS(SV_INT(biz.id), SV_INT(after), SV_INT(limit)), number_row, &l));
	free(l.dom);
	if (rc != OMB_OK) {
		free(l.view);
		return rc;
	}
	*items = l.view;
	*n = l.n;
	return OMB_OK;
}

/* ---- disclosures and do-not-call ---- */

struct dnc_list {
	struct tm_dnc_entry *items;
	size_t n, cap;
};

static int dnc_row(void *ctx, const struct store_row *row)
{
	struct dnc_list *l = ctx;
	l->items = xgrow(l->items, l->n, &l->cap, sizeof *l->items, 8);
	l->items[l->n++] = (struct tm_dnc_entry){(uint64_t)store_row_int(row, 0), store_row_int(row, 1),
						 store_row_int(row, 2), store_row_int(row, 3)};
	return 0;
}

static int parse_number(const char *s, struct phone *p, const char *field, struct app_error *err)
{
	const char *why = NULL;
	if (!s || phone_parse(s, strlen(s), PHONE_CC_KOREA, p, &why) != OMB_OK || phone_key(p) == PHONE_KEY_WITHHELD) {
		err->field = field;
		err->reason = why ? why : "a withheld number cannot be used";
		return OMB_EINVAL;
	}
	return OMB_OK;
}

/* One registry entry of a number and its business (a business once per entry). */
static int holder_row(void *ctx, const struct store_row *row)
{
	struct registry *g = ctx;
	int rc = number_row(&g->nums, row);
	return rc != 0 ? rc : business_at(&g->b, row, 8);
}

/* The caller number must be held by the business of who's organisation now:
 * the registry entries of that number (and only their businesses) decide.
 * Read inside the disclosure's write unit, where the writer's open group
 * makes them a few index probes with no lock or transaction of their own,
 * and where no change to the registry can come between check and insert. */
static int disclose_check(struct app *app, const struct principal *who, const struct phone *caller, int64_t now,
			  int64_t *business_id, struct app_error *err)
{
	struct registry g;
	memset(&g, 0, sizeof g);
	int rc = store_status(store_exec(app->store, STORE_Q_TM_HOLDERS_OF_KEY,
					 SV_ARGS(SV_INT((int64_t)phone_key(caller))), holder_row, &g));
	businesses_link(&g.b);
	numbers_link(&g.nums);
	g.r = (struct tm_registry){g.b.dom, g.b.n, g.nums.dom, g.nums.n};
	const struct tm_business *holder = NULL;
	bool ours = rc == OMB_OK && tm_registry_lookup(&g.r, phone_key(caller), now, &holder) &&
		    strcmp(g.b.view[holder - g.b.dom].org_code, who->org_code) == 0;
	*business_id = ours ? holder->id : 0;
	registry_free(&g);
	if (rc != OMB_OK || ours)
		return rc;
	struct telemarketing_business biz;
	if ((rc = telemarketing_business_get(app, who->org_id, &biz)) == OMB_ENOTFOUND)
		err->reason = "register your business first";
	if (rc != OMB_OK)
		return rc;
	ERR("caller", "not a number registered to your business now");
}

static int disclose_in_tx(struct app *app, const struct principal *who, const struct phone *from,
			  const struct phone *to, const char *source, int64_t now, struct telemarketing_disclosure *out,
			  struct app_error *err)
{
	int64_t business_id = 0;
	int rc = disclose_check(app, who, from, now, &business_id, err);
	struct dnc_list dnc = {0};
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_TM_DNC_BY_CALLEE,
					     SV_ARGS(SV_INT((int64_t)phone_key(to))), dnc_row, &dnc));
	out->do_not_call = rc == OMB_OK && tm_dnc_find(dnc.items, dnc.n, phone_key(to), business_id, now);
	free(dnc.items);
	if (rc != OMB_OK)
		return rc;
	return store_status(
	    store_exec(app->store, STORE_Q_TM_DISCLOSURE_INSERT,
		       SV_ARGS(SV_INT(business_id), SV_TEXT(from->canon), SV_INT((int64_t)phone_key(from)), SV_TEXT(to->canon),
			       SV_INT((int64_t)phone_key(to)), SV_INT(now), SV_TEXT(source)),
		       store_row_first_int, &out->id));
}

/* A disclosure's own checks, before any store work: the source and both numbers. */
static int disclosure_parse(const struct telemarketing_disclosure_in *in, struct phone *from, struct phone *to,
			    struct app_error *err)
{
	const char *reason = NULL;
	if (tm_disclosure_check_source(in->source, strlen(in->source), &reason) != OMB_OK)
		return reason_fail(err, reason, "source");
	int rc = parse_number(in->caller, from, "caller", err);
	return rc != OMB_OK ? rc : parse_number(in->callee, to, "callee", err);
}

int telemarketing_disclose(struct app *app, const struct principal *who, const char *caller, const char *callee,
			   const char *source, int64_t now, struct telemarketing_disclosure *out,
			   struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	struct telemarketing_disclosure_in in = {caller, callee, source ? source : ""};
	struct phone from, to;
	int rc = disclosure_parse(&in, &from, &to, err);
	if (rc == OMB_OK)
		rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, disclose_in_tx(app, who, &from, &to, in.source, now, out, err));
}

/* A line's own faults (bad input, a number not the business's) skip it;
 * anything else is the store's and ends the upload. */
static bool line_fault(int rc)
{
	return rc == OMB_EINVAL || rc == OMB_ENOTFOUND || rc == OMB_EPERM;
}

int telemarketing_disclose_many(struct app *app, const struct principal *who,
				const struct telemarketing_disclosure_in *in, size_t n, int64_t now,
				struct telemarketing_disclosure *out, struct app_error *errs)
{
	memset(out, 0, n * sizeof *out);
	memset(errs, 0, n * sizeof *errs);
	int rc = store_begin(app->store, true);
	if (rc != OMB_OK)
		return rc;
	for (size_t i = 0; rc == OMB_OK && i < n; i++) {
		struct telemarketing_disclosure_in line = {in[i].caller, in[i].callee, in[i].source ? in[i].source : ""};
		struct phone from, to;
		int lrc = disclosure_parse(&line, &from, &to, &errs[i]);
		if (lrc == OMB_OK)
			lrc = disclose_in_tx(app, who, &from, &to, line.source, now, &out[i], &errs[i]);
		if (lrc != OMB_OK && !line_fault(lrc))
			rc = lrc;
	}
	return store_end(app->store, rc);
}

int telemarketing_dnc_add(struct app *app, const struct principal *who, const char *number, int64_t now, int64_t *id,
			  struct app_error *err)
{
	memset(err, 0, sizeof *err);
	struct phone p;
	int rc = parse_number(number, &p, "number", err);
	struct telemarketing_business biz = {0};
	if (rc == OMB_OK && who->role != ROLE_REGULATOR && (rc = telemarketing_business_get(app, who->org_id, &biz)) ==
								   OMB_ENOTFOUND)
		err->reason = "register your business first";
	if (rc != OMB_OK)
		return rc;
	return store_status(store_exec(
	    app->store, STORE_Q_TM_DNC_INSERT,
	    SV_ARGS(SV_TEXT(p.canon), SV_INT((int64_t)phone_key(&p)), SV_INT(biz.id), SV_INT(now), SV_INT(now)),
	    store_row_first_int, id));
}

/* ---- reports ---- */

static int report_row(void *ctx, const struct store_row *row);

struct reports {
	struct telemarketing_report *items;
	size_t n, cap;
	uint8_t access_hash[CRED_HASH_BYTES];   /* of the last row */
};

void telemarketing_report_clear(struct telemarketing_report *r)
{
	free(r->text);
	free(r->answer);
	free(r->attachments);
	r->text = r->answer = NULL;
	r->attachments = NULL;
	r->n_attachments = 0;
}

void telemarketing_reports_free(struct telemarketing_report *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++)
		telemarketing_report_clear(&items[i]);
	free(items);
}

static int report_row(void *ctx, const struct store_row *row)
{
	struct reports *l = ctx;
	if (l->n == REPORTS_MAX)
		return OMB_ELIMIT;
	l->items = xgrow(l->items, l->n, &l->cap, sizeof *l->items, 16);
	struct telemarketing_report *r = &l->items[l->n++];
	memset(r, 0, sizeof *r);
	r->id = store_row_int(row, 0);
	snprintf(r->receipt, sizeof r->receipt, "%s", store_row_text(row, 1));
	size_t n = 0;
	const void *h = store_row_blob(row, 2, &n);
	memset(l->access_hash, 0, sizeof l->access_hash);
	if (n == CRED_HASH_BYTES)
		memcpy(l->access_hash, h, n);
	snprintf(r->caller, sizeof r->caller, "%s", store_row_text(row, 3));
	snprintf(r->callee, sizeof r->callee, "%s", store_row_text(row, 5));
	r->call_ms = store_row_int(row, 7);
	r->filed_ms = store_row_int(row, 8);
	snprintf(r->reason, sizeof r->reason, "%s", store_row_text(row, 9));
	r->text = xstrdup(store_row_text(row, 10));
	r->business_id = store_row_int(row, 11);
	snprintf(r->business, sizeof r->business, "%s", store_row_text(row, 12));
	r->disclosure_found = store_row_int(row, 13) != 0;
	r->dnc_hit = store_row_int(row, 14) != 0;
	r->solicitations_that_day = (unsigned)store_row_int(row, 15);
	r->violations = (unsigned)store_row_int(row, 16);
	r->to_screening = store_row_int(row, 17) != 0;
	snprintf(r->status, sizeof r->status, "%s", store_row_text(row, 18));
	r->sanction_order = (unsigned)store_row_int(row, 19);
	r->fine_krw = store_row_int(row, 20);
	r->answer = store_row_null(row, 21) ? NULL : xstrdup(store_row_text(row, 21));
	return 0;
}

/* What the registry, the disclosure log and the do-not-call list said about
 * the call when it was reported. */
struct evidence {
	struct registry g;
	struct tm_disclosure *log;
	char **sources;
	size_t n_log, cap_log;
	struct dnc_list dnc;
};

static int disclosure_row(void *ctx, const struct store_row *row)
{
	struct evidence *e = ctx;
	if (e->n_log == e->cap_log) {
		e->cap_log = e->cap_log ? e->cap_log * 2 : 16;
		e->log = xrealloc(e->log, e->cap_log * sizeof *e->log);
		e->sources = xrealloc(e->sources, e->cap_log * sizeof *e->sources);
	}
	e->sources[e->n_log] = xstrdup(store_row_text(row, 5));
	e->log[e->n_log] = (struct tm_disclosure){store_row_int(row, 0), store_row_int(row, 1),
		(uint64_t)store_row_int(row, 2), (uint64_t)store_row_int(row, 3), store_row_int(row, 4),
		e->sources[e->n_log]};
	e->n_log++;
	return 0;
}

static void evidence_free(struct evidence *e)
{
	registry_free(&e->g);
	for (size_t i = 0; i < e->n_log; i++)
		free(e->sources[i]);
	free(e->sources);
	free(e->log);
	free(e->dnc.items);
}

static int evidence_load(struct app *app, const struct tm_report *r, struct evidence *e)
{
	memset(e, 0, sizeof *e);
	int rc = registry_for_key(app, r->caller_key, &e->g);
	if (rc == OMB_OK)
		rc = store_status(store_exec(
		    app->store, STORE_Q_TM_DISCLOSURES_NEAR,
		    SV_ARGS(SV_INT((int64_t)r->caller_key), SV_INT(r->call_ms - NEAR_MS), SV_INT(r->call_ms + NEAR_MS)),
		    disclosure_row, e));
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_TM_DNC_BY_CALLEE,
					     SV_ARGS(SV_INT((int64_t)r->callee_key)), dnc_row, &e->dnc));
	return rc;
}

static int file_in_tx(struct app *app, struct tm_report *r, int64_t now, char *receipt,
		      char access_code[RECEIPT_CODE_LEN + 1])
{
	struct evidence e;
	int rc = evidence_load(app, r, &e);
	struct tm_classification cls;
	struct tm_match_config mc;
	tm_match_config_default(&mc);
	if (rc == OMB_OK)
		tm_report_classify(r, &e.g.r, e.log, e.n_log, e.dnc.items, e.dnc.n, &mc, &cls);
	time_t secs = (time_t)(now / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	struct receipt rec = {.org = TM_REPORT_PREFIX, .year = tm.tm_year + 1900};
	int64_t serial = 0;
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_TM_REPORT_NEXT, SV_ARGS(SV_INT(rec.year)),
					     store_row_first_int, &serial));
	rec.serial = (uint32_t)serial;
	if (rc == OMB_OK && receipt_format(&rec, receipt, RECEIPT_LEN_MAX + 1) != OMB_OK)
		rc = OMB_ELIMIT; /* the year's serials are used up */
	if (rc == OMB_OK) {
		receipt_access_code_new(access_code);
		uint8_t hash[CRED_HASH_BYTES], who_hash[CRED_HASH_BYTES];
		char reporter[17];
		cred_hash(app->secret, access_code, strlen(access_code), hash);
		/* who reported: the called number, keyed, so reports from one person count once */
		cred_hash(app->secret, r->callee, strlen(r->callee), who_hash);
		for (int i = 0; i < 8; i++)
			snprintf(reporter + 2 * i, 3, "%02x", who_hash[i]);
		const char *status = cls.business ? "open" : "screening";
		rc = store_status(store_exec(app->store, STORE_Q_TM_REPORT_INSERT,
					     SV_ARGS(SV_TEXT(receipt), SV_BLOB(hash, sizeof hash), SV_TEXT(r->caller),
						     SV_INT((int64_t)r->caller_key), SV_TEXT(r->callee),
						     SV_INT((int64_t)r->callee_key), SV_INT(r->call_ms),
						     SV_INT(r->filed_ms), SV_TEXT(tm_report_reason_name(r->reason)),
						     SV_TEXT(reporter), SV_TEXT(r->text ? r->text : ""),
						     cls.business ? SV_INT(cls.business->id) : SV_NULL,
						     cls.number ? SV_INT(cls.number->id) : SV_NULL,
						     cls.disclosure ? SV_INT(cls.disclosure->id) : SV_NULL,
						     SV_INT(cls.dnc != NULL), SV_INT(cls.solicitations_that_day),
						     SV_INT(cls.violations), SV_INT(cls.to_screening), SV_TEXT(status)),
					     store_row_first_int, &r->id));
	}
	evidence_free(&e);
	return rc;
}

static int get_report(struct app *app, const char *receipt, struct reports *l)
{
	memset(l, 0, sizeof *l);
	return store_status(store_exec(app->store, STORE_Q_TM_REPORT_BY_RECEIPT, SV_ARGS(SV_TEXT(receipt)), report_row, l));
}

/* Each report's files, for its readers. */
static int with_files(struct app *app, struct reports *l)
{
	int rc = OMB_OK;
	for (size_t i = 0; rc == OMB_OK && i < l->n; i++)
		rc = attachments_of_report(app, l->items[i].id, &l->items[i].attachments, &l->items[i].n_attachments);
	return rc;
}

static bool reporter_ok(struct app *app, const struct reports *l, const char *access_code)
{
	uint8_t want[CRED_HASH_BYTES];
	cred_hash(app->secret, access_code ? access_code : "", access_code ? strlen(access_code) : 0, want);
	return l->n == 1 && cred_hash_equal(l->access_hash, want);
}

int telemarketing_report_file(struct app *app, const struct telemarketing_report_in *in, int64_t now,
			      struct telemarketing_report *out, char access_code[RECEIPT_CODE_LEN + 1],
			      struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	enum tm_report_reason reason;
	if (!in->reason || tm_report_reason_parse(in->reason, &reason) != OMB_OK)
		ERR("reason", "no_source_disclosed, called_after_refusal, abusive or suspected_fraud");
	struct tm_report r;
	const char *why = NULL;
	const char *caller = in->caller ? in->caller : "", *callee = in->callee ? in->callee : "";
	if (tm_report_init(&r, caller, strlen(caller), callee, strlen(callee), in->call_ms, now, reason, in->text,
			   &why) != OMB_OK) {
		struct phone p;
		const char *ignored;
		bool caller_ok = phone_parse(caller, strlen(caller), PHONE_CC_KOREA, &p, &ignored) == OMB_OK;
		return reason_fail(err, why, caller_ok ? "callee" : "caller");
	}
	char receipt[RECEIPT_LEN_MAX + 1];
	int rc = store_begin(app->store, true);
	if (rc == OMB_OK)
		rc = store_end(app->store, file_in_tx(app, &r, now, receipt, access_code));
	struct reports l;
	if (rc == OMB_OK && (rc = get_report(app, receipt, &l)) == OMB_OK) {
		if (l.n == 1) {
			*out = l.items[0];
			l.n = 0; /* its strings are out's now */
		} else {
			rc = OMB_ESTORE;
		}
		telemarketing_reports_free(l.items, l.n);
	}
	return rc;
}

int telemarketing_report_get(struct app *app, const char *receipt, const char *access_code,
			     struct telemarketing_report *out)
{
	memset(out, 0, sizeof *out);
	struct reports l;
	int rc = get_report(app, receipt, &l);
	if (rc != OMB_OK)
		return rc;
	bool ok = reporter_ok(app, &l, access_code);
	if (ok && (rc = with_files(app, &l)) != OMB_OK) {
		telemarketing_reports_free(l.items, l.n);
		return rc;
	}
	if (ok) {
		*out = l.items[0];
		l.n = 0; /* its strings are out's now */
	}
	telemarketing_reports_free(l.items, l.n);
	return ok ? OMB_OK : OMB_ENOTFOUND;
}

/* Hands the reports read (rc: how the reading went) to the caller, each
 * with its files; on any failure frees them. */
static int reports_out(struct app *app, int rc, struct reports *l, struct telemarketing_report **items, size_t *n)
{
	if (rc == OMB_OK)
		rc = with_files(app, l);
	if (rc != OMB_OK) {
		telemarketing_reports_free(l->items, l->n);
		return rc;
	}
	*items = l->items;
	*n = l->n;
	return OMB_OK;
}

int telemarketing_reports_of_business(struct app *app, const struct principal *who, int64_t after, int limit,
				      struct telemarketing_report **items, size_t *n)
{
	struct telemarketing_business biz;
	int rc = telemarketing_business_get(app, who->org_id, &biz);
	struct reports l = {0};
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_TM_REPORTS_OF_BUSINESS,
					     SV_ARGS(SV_INT(biz.id), SV_INT(after), SV_INT(limit)), report_row, &l));
	return reports_out(app, rc, &l, items, n);
}

int telemarketing_reports_of_case(struct app *app, int64_t business_id, struct telemarketing_report **items,
				  size_t *n)
{
	struct reports l = {0};
	int rc = business_id > 0 ? store_status(store_exec(app->store, STORE_Q_TM_REPORTS_OPEN,
							   SV_ARGS(SV_INT(business_id)), report_row, &l))
				 : OMB_ENOTFOUND; /* 0 would mean every business */
	return reports_out(app, rc, &l, items, n);
}

static int status_row(void *ctx, const struct store_row *row)
{
	snprintf(ctx, 16, "%s", store_row_text(row, 0));
	return 1;
}

static bool decided(const char *status)
{
	return strcmp(status, "confirmed") == 0 || strcmp(status, "dismissed") == 0;
}

static int attach_in_tx(struct app *app, const char *receipt, const char *access_code, const struct attachment *a,
			int64_t now, struct attachment_item *out, struct app_error *err)
{
	struct reports l;
	int rc = get_report(app, receipt, &l);
	char status[16] = "";
	if (rc == OMB_OK && !reporter_ok(app, &l, access_code))
		rc = OMB_ENOTFOUND;
	if (rc == OMB_OK) /* locks the report: its files are numbered one at a time */
		rc = store_status(
		    store_exec(app->store, STORE_Q_TM_REPORT_LOCK, SV_ARGS(SV_INT(l.items[0].id)), status_row, status));
	if (rc == OMB_OK && decided(status)) {
		err->reason = "the regulator has decided this report; it takes no more files";
		rc = OMB_ECONFLICT;
	}
	if (rc == OMB_OK && (rc = attachments_report_add(app, l.items[0].id, a, now, out, &err->reason)) == OMB_ELIMIT)
		err->field = "content";
	telemarketing_reports_free(l.items, l.n);
	return rc;
}

int telemarketing_report_attach(struct app *app, const char *receipt, const char *access_code,
				const struct attachment *a, int64_t now, struct attachment_item *out,
				struct app_error *err)
{
	memset(err, 0, sizeof *err);
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, attach_in_tx(app, receipt, access_code, a, now, out, err));
}

/* Whether rd reads the report l holds (as telemarketing_report_get and the
 * business's and the regulator's lists decide). */
static bool may_read(struct app *app, const struct reports *l, const struct telemarketing_report_reader *rd)
{
	if (l->n != 1)
		return false;
	if (rd->access_code)
		return reporter_ok(app, l, rd->access_code);
	int64_t business = l->items[0].business_id;
	struct telemarketing_business biz;
	if (rd->who && rd->who->role == ROLE_REGULATOR)
		return business != 0 && business == rd->business_id;
	return rd->who && rd->who->role == ROLE_TELEMARKETER && business != 0 &&
	       telemarketing_business_get(app, rd->who->org_id, &biz) == OMB_OK && biz.id == business;
}

int telemarketing_report_attachment(struct app *app, const char *receipt, uint64_t n,
				    const struct telemarketing_report_reader *rd, struct attachment_file *out)
{
	memset(out, 0, sizeof *out);
	struct reports l;
	int rc = get_report(app, receipt, &l);
	if (rc == OMB_OK)
		rc = may_read(app, &l, rd) ? attachments_report_get(app, l.items[0].id, n, out) : OMB_ENOTFOUND;
	telemarketing_reports_free(l.items, l.n);
	return rc;
}

/* ---- answers ---- */

struct sanctions {
	struct telemarketing_sanction *view;
	struct tm_sanction *dom;
	size_t n, cap;
};

static int sanction_row(void *ctx, const struct store_row *row)
{
	struct sanctions *s = ctx;
	if (s->n == SANCTIONS_MAX)
		return OMB_ELIMIT;
	size_t cap = s->cap; /* both arrays grow alike from the same capacity */
	s->dom = xgrow(s->dom, s->n, &cap, sizeof *s->dom, 8);
	s->view = xgrow(s->view, s->n, &s->cap, sizeof *s->view, 8);
	struct telemarketing_sanction *v = &s->view[s->n];
	memset(v, 0, sizeof *v);
	v->id = store_row_int(row, 0);
	v->business_id = store_row_int(row, 1);
	snprintf(v->business, sizeof v->business, "%s", store_row_text(row, 2));
	v->order = (unsigned)store_row_int(row, 3);
	v->fine_krw = store_row_int(row, 4);
	snprintf(v->reason, sizeof v->reason, "%s", store_row_text(row, 5));
	snprintf(v->regulator_code, sizeof v->regulator_code, "%s", store_row_text(row, 6));
	v->detected_ms = store_row_int(row, 7);
	v->decided_ms = store_row_int(row, 8);
	v->n_reports = (size_t)store_row_int(row, 9);
	v->n_answers = (size_t)store_row_int(row, 10);
	s->dom[s->n++] = (struct tm_sanction){v->id, v->business_id, v->detected_ms, v->decided_ms, v->order, v->fine_krw,
					      v->n_reports};
	return 0;
}

static int load_sanctions(struct app *app, int64_t business_id, int64_t after, int limit, struct sanctions *s)
{
	memset(s, 0, sizeof *s);
	return store_status(store_exec(app->store, STORE_Q_TM_SANCTIONS,
				       SV_ARGS(SV_INT(business_id), SV_INT(after), SV_INT(limit)), sanction_row, s));
}

static int answer_in_tx(struct app *app, const struct principal *who, const char *receipt, int64_t sanction_id,
			const char *text, int64_t now, int64_t *id, struct app_error *err)
{
	struct telemarketing_business biz;
	int rc = telemarketing_business_get(app, who->org_id, &biz);
	if (rc != OMB_OK)
		return rc;
	int64_t subject = 0, report_id = 0;
	if (receipt) {
		struct reports l;
		if ((rc = get_report(app, receipt, &l)) != OMB_OK)
			return rc;
		if (l.n == 1) {
			subject = l.items[0].business_id;
			report_id = l.items[0].id;
		}
		telemarketing_reports_free(l.items, l.n);
		if (!report_id)
			return OMB_ENOTFOUND;
	} else {
		struct sanctions s;
		rc = load_sanctions(app, 0, sanction_id - 1, 1, &s);
		if (rc == OMB_OK && s.n == 1 && s.view[0].id == sanction_id)
			subject = s.view[0].business_id;
		free(s.view);
		free(s.dom);
		if (rc != OMB_OK)
			return rc;
		if (!subject)
			return OMB_ENOTFOUND;
	}
	const char *reason = NULL;
	text = text ? text : "";
	rc = tm_answer_check(biz.id, subject, text, strlen(text), &reason);
	if (rc == OMB_EPERM)
		return OMB_ENOTFOUND; /* another business's record is not even visible to this one */
	if (rc != OMB_OK)
		return reason_fail(err, reason, "text");
	return store_status(store_exec(app->store, STORE_Q_TM_ANSWER_INSERT,
				       SV_ARGS(SV_INT(biz.id), report_id ? SV_INT(report_id) : SV_NULL,
					       receipt ? SV_NULL : SV_INT(sanction_id), SV_TEXT(text),
					       SV_TEXT(who->staff_code), SV_INT(now)),
				       store_row_first_int, id));
}

int telemarketing_answer(struct app *app, const struct principal *who, const char *receipt, int64_t sanction_id,
			 const char *text, int64_t now, int64_t *id, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, answer_in_tx(app, who, receipt, sanction_id, text, now, id, err));
}

/* ---- the regulator's cases and decisions ---- */

/* Undecided reports (of one business, or all with business_id 0) rebuilt as
 * tm_report + tm_classification from what was stored at filing. */
struct open_reports {
	struct reports l;
	struct businesses b;
	struct tm_report *reps;
	struct tm_classification *cls;
};

static void open_reports_free(struct open_reports *o)
{
	telemarketing_reports_free(o->l.items, o->l.n);
	businesses_free(&o->b);
	free(o->reps);
	free(o->cls);
}

static int open_reports_load(struct app *app, int64_t business_id, struct open_reports *o)
{
	memset(o, 0, sizeof *o);
	int rc = store_status(
	    store_exec(app->store, STORE_Q_TM_REPORTS_OPEN, SV_ARGS(SV_INT(business_id)), report_row, &o->l));
	if (rc == OMB_OK)
		rc = load_businesses(app, STORE_Q_TM_BUSINESSES, SV_ARGS(SV_INT(NUMBERS_MAX)), &o->b);
	if (rc != OMB_OK)
		return rc;
	o->reps = xcalloc(o->l.n + 1, sizeof *o->reps);
	o->cls = xcalloc(o->l.n + 1, sizeof *o->cls);
	for (size_t i = 0; i < o->l.n; i++) {
		const struct telemarketing_report *v = &o->l.items[i];
		o->reps[i] = (struct tm_report){.id = v->id, .receipt = v->receipt, .call_ms = v->call_ms,
						.filed_ms = v->filed_ms, .text = v->text};
		o->cls[i] = (struct tm_classification){
			.business = tm_registry_business(&(struct tm_registry){o->b.dom, o->b.n, NULL, 0}, v->business_id),
			.solicitations_that_day = v->solicitations_that_day, .violations = v->violations,
			.to_screening = v->to_screening};
	}
	return OMB_OK;
}

int telemarketing_cases(struct app *app, struct telemarketing_case **items, size_t *n)
{
	struct open_reports o;
	struct tm_case *cases = NULL;
	size_t n_cases = 0;
	int rc = store_begin(app->store, false);
	if (rc != OMB_OK)
		return rc;
	rc = open_reports_load(app, 0, &o);
	if (rc == OMB_OK)
		tm_cases_group(o.reps, o.cls, o.l.n, &cases, &n_cases);
	struct telemarketing_case *out = xcalloc(n_cases + 1, sizeof *out);
	struct tm_fine_schedule fs;
	tm_fine_schedule_default(&fs);
	for (size_t i = 0; rc == OMB_OK && i < n_cases; i++) {
		const struct tm_case *c = &cases[i];
		struct telemarketing_case *v = &out[i];
		const struct tm_business *b = tm_registry_business(&(struct tm_registry){o.b.dom, o.b.n, NULL, 0},
								   c->business_id);
		*v = (struct telemarketing_case){c->business_id, "", "", c->n_reports, c->n_prima_facie, c->violations,
						 c->detected_ms, c->last_filed_ms, {0}};
		snprintf(v->business, sizeof v->business, "%s", b ? b->name : "");
		for (size_t j = 0; j < o.b.n; j++)
			if (o.b.view[j].id == c->business_id)
				snprintf(v->org_code, sizeof v->org_code, "%s", o.b.view[j].org_code);
		struct sanctions s;
		if ((rc = load_sanctions(app, c->business_id, 0, SANCTIONS_MAX, &s)) == OMB_OK)
			tm_fine_for(&fs, c->business_id, c->detected_ms, s.dom, s.n, &v->fine_if_confirmed);
		v->fine_if_confirmed.previous = NULL;
		free(s.view);
		free(s.dom);
	}
	store_rollback(app->store);
	tm_cases_free(cases, n_cases);
	open_reports_free(&o);
	if (rc != OMB_OK) {
		free(out);
		return rc;
	}
	*items = out;
	*n = n_cases;
	return OMB_OK;
}

static int decide_in_tx(struct app *app, const struct principal *who, int64_t business_id, enum tm_outcome outcome,
			const char *reason, int64_t now, struct telemarketing_decision *out,
			struct app_error *err)
{
	struct open_reports o;
	struct tm_case *cases = NULL;
	size_t n_cases = 0;
	struct sanctions s = {0};
	int rc = open_reports_load(app, business_id, &o);
	if (rc == OMB_OK)
		tm_cases_group(o.reps, o.cls, o.l.n, &cases, &n_cases);
	if (rc == OMB_OK && (business_id <= 0 || n_cases != 1)) { /* 0 loaded every business's reports */
		err->reason = "this business has no undecided reports";
		rc = OMB_ENOTFOUND;
	}
	if (rc == OMB_OK)
		rc = load_sanctions(app, business_id, 0, SANCTIONS_MAX, &s);
	struct tm_fine_schedule fs;
	tm_fine_schedule_default(&fs);
	struct tm_decision d;
	const char *why = NULL;
	if (rc == OMB_OK && tm_case_decide(&cases[0], outcome, reason, who->staff_id, now, &fs, s.dom, s.n, &d, &why) !=
				    OMB_OK)
		rc = reason_fail(err, why, "reason");
	if (rc == OMB_OK)
		rc = store_status(
		    store_exec(app->store, STORE_Q_TM_DECISION_INSERT,
			       SV_ARGS(SV_INT(business_id), SV_TEXT(d.sanctioned ? "confirm" : "dismiss"),
				       SV_TEXT(reason), SV_INT(who->staff_id), SV_TEXT(who->staff_code),
				       SV_INT(cases[0].detected_ms), SV_INT(now), SV_INT((int64_t)d.n_reports)),
			       store_row_first_int, &out->id));
	if (rc == OMB_OK && d.sanctioned)
		rc = store_status(
		    store_exec(app->store, STORE_Q_TM_SANCTION_INSERT,
			       SV_ARGS(SV_INT(out->id), SV_INT(business_id), SV_INT(d.sanction.order),
				       SV_INT(d.sanction.fine_krw), SV_TEXT(reason), SV_TEXT(who->staff_code),
				       SV_INT(d.sanction.detected_ms), SV_INT(now), SV_INT((int64_t)d.n_reports)),
			       store_row_first_int, &out->sanction_id));
	for (size_t i = 0; rc == OMB_OK && i < cases[0].n_reports; i++)
		rc = store_status(store_exec(app->store, STORE_Q_TM_REPORT_SETTLE,
					     SV_ARGS(SV_TEXT(d.sanctioned ? "confirmed" : "dismissed"), SV_INT(out->id),
						     SV_INT(o.reps[cases[0].reports[i]].id)),
					     NULL, NULL));
	if (rc == OMB_OK) {
		out->business_id = business_id;
		out->confirmed = d.sanctioned;
		out->n_reports = d.n_reports;
		out->detected_ms = cases[0].detected_ms;
		out->decided_ms = now;
		out->order = d.sanctioned ? d.sanction.order : 0;
		out->fine_krw = d.sanctioned ? d.sanction.fine_krw : 0;
		snprintf(out->regulator_code, sizeof out->regulator_code, "%s", who->staff_code);
	}
	free(s.view);
	free(s.dom);
	tm_cases_free(cases, n_cases);
	open_reports_free(&o);
	return rc;
}

int telemarketing_decide(struct app *app, const struct principal *who, int64_t business_id, const char *outcome,
			 const char *reason, int64_t now, struct telemarketing_decision *out,
			 struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	enum tm_outcome oc;
	if (outcome && strcmp(outcome, "confirm") == 0)
		oc = TM_CONFIRM;
	else if (outcome && strcmp(outcome, "dismiss") == 0)
		oc = TM_DISMISS;
	else
		ERR("outcome", "must be confirm or dismiss");
	int rc = store_begin(app->store, true);
	if (rc == OMB_OK)
		rc = store_end(app->store, decide_in_tx(app, who, business_id, oc, reason ? reason : "", now, out, err));
	return rc;
}

int telemarketing_sanctions(struct app *app, int64_t business_id, int64_t after, int limit,
			    struct telemarketing_sanction **items, size_t *n)
{
	struct sanctions s;
	int rc = load_sanctions(app, business_id, after, limit, &s);
	free(s.dom);
	if (rc != OMB_OK) {
		free(s.view);
		return rc;
	}
	*items = s.view;
	*n = s.n;
	return OMB_OK;
}

/* ---- the registry export ---- */

int telemarketing_registry_csv(struct app *app, char **csv, size_t *len)
{
	struct registry g;
	memset(&g, 0, sizeof g);
	int rc = store_begin(app->store, false);
	if (rc != OMB_OK)
		return rc;
	rc = load_businesses(app, STORE_Q_TM_BUSINESSES, SV_ARGS(SV_INT(NUMBERS_MAX)), &g.b);
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_TM_NUMBERS_ALL, SV_ARGS(SV_INT(NUMBERS_MAX)), number_row, &g.nums));
	store_rollback(app->store);
	numbers_link(&g.nums);
	g.r = (struct tm_registry){g.b.dom, g.b.n, g.nums.dom, g.nums.n};
	*csv = NULL;
	FILE *out = rc == OMB_OK ? open_memstream(csv, len) : NULL;
	if (rc == OMB_OK && !out)
		rc = OMB_EIO;
	if (out) {
		rc = tm_registry_export_csv(&g.r, out);
		if (fclose(out) != 0 && rc == OMB_OK)
			rc = OMB_EIO;
	}
	registry_free(&g);
	if (rc != OMB_OK) {
		free(*csv);
		*csv = NULL;
	}
	return rc;
}
