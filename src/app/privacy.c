/* privacy.c — the read log, retention and its sweep, erasure, export lists
 * and consents over the store. */
#include "app/privacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/admin.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/text.h"
#include "desk/chain.h"
#include "desk/protect.h"

#define SWEEP_BATCH 100
#define HASHES_MAX  256   /* distinct files of one case: its quota keeps them few */

#define ERR(f, why) do { err->field = (f); err->reason = (why); return OMB_EINVAL; } while (0)



/* ---- the case as privacy needs it ---- */

struct pcase {
	int64_t id, org_id, category_id;
	struct desk_case state;   /* status, closed_ms, referred_ms only */
	char org_code[ORG_CODE_MAX];
	bool found;
};

static int pcase_row(void *ctx, const struct store_row *row)
{
	struct pcase *c = ctx;
	c->id = store_row_int(row, 0);
	c->org_id = store_row_int(row, 1);
	c->category_id = store_row_int(row, 2);
	c->state.status = (enum desk_status)store_row_int(row, 3);
	c->state.closed_ms = store_row_int(row, 4);
	c->state.referred_ms = store_row_int(row, 5);
	snprintf(c->org_code, sizeof c->org_code, "%s", store_row_text(row, 6));
	c->found = true;
	return 1;
}

static int pcase_get(struct app *app, enum store_query q, const char *receipt, struct pcase *c)
{
	memset(c, 0, sizeof *c);
	int rc = store_exec(app->store, q, SV_ARGS(SV_TEXT(receipt)), pcase_row, c);
	return rc < 0 ? rc : c->found ? OMB_OK : OMB_ENOTFOUND;
}

/* ---- the read log ---- */

int privacy_log_read(struct app *app, const struct principal *who, const char *receipt, enum privacy_read what,
		     enum privacy_purpose why, int64_t now)
{
	struct pcase c;
	int rc = pcase_get(app, STORE_Q_PRIVACY_CASE, receipt, &c);
	if (rc != OMB_OK)
		return rc;
	if ((rc = store_begin(app->store, true)) != OMB_OK)
		return rc;
	rc = store_status(
	    store_exec(app->store, STORE_Q_READ_INSERT,
		       SV_ARGS(SV_INT(c.id), SV_INT(c.org_id), SV_INT(now), SV_INT(who->staff_id),
			       SV_TEXT(who->staff_code), SV_TEXT(role_name(who->role)), SV_TEXT(who->org_code),
			       SV_TEXT(privacy_read_name(what)), SV_TEXT(privacy_purpose_name(why))),
		       NULL, NULL));
	return store_end(app->store, rc);
}

static int receipt_text(void *ctx, const struct store_row *row)
{
	snprintf(ctx, RECEIPT_LEN_MAX + 1, "%s", store_row_text(row, 0));
	return 1;
}

int privacy_log_dossier_read(struct app *app, const struct principal *who, int64_t dossier_id,
			     enum privacy_purpose why, int64_t now)
{
	char receipt[RECEIPT_LEN_MAX + 1] = "";
	int rc = store_status(
	    store_exec(app->store, STORE_Q_DOSSIER_RECEIPT, SV_ARGS(SV_INT(dossier_id)), receipt_text, receipt));
	if (rc != OMB_OK)
		return rc;
	return *receipt ? privacy_log_read(app, who, receipt, PRIVACY_READ_DOSSIER, why, now) : OMB_ENOTFOUND;
}

struct reads {
	struct privacy_read_item *items;
	size_t n, cap;
};

static int read_row(void *ctx, const struct store_row *row)
{
	struct reads *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	struct privacy_read_item *it = &l->items[l->n++];
	memset(it, 0, sizeof *it);
	it->id = store_row_int(row, 0);
	it->at_ms = store_row_int(row, 1);
	snprintf(it->staff_code, sizeof it->staff_code, "%s", store_row_text(row, 2));
	snprintf(it->role, sizeof it->role, "%s", store_row_text(row, 3));
	snprintf(it->staff_org, sizeof it->staff_org, "%s", store_row_text(row, 4));
	snprintf(it->what, sizeof it->what, "%s", store_row_text(row, 5));
	snprintf(it->purpose, sizeof it->purpose, "%s", store_row_text(row, 6));
	snprintf(it->receipt, sizeof it->receipt, "%s", store_row_text(row, 7));
	return 0;
}

static int reads_done(int rc, struct reads *l, struct privacy_read_item **items, size_t *n)
{
	if (rc < 0) {
		free(l->items);
		return rc;
	}
	*items = l->items;
	*n = l->n;
	return OMB_OK;
}

int privacy_reads_of_case(struct app *app, const char *receipt, int64_t after, int limit,
			  struct privacy_read_item **items, size_t *n)
{
	struct pcase c;
	int rc = pcase_get(app, STORE_Q_PRIVACY_CASE, receipt, &c);
	if (rc != OMB_OK)
		return rc;
	struct reads l = {0};
	rc = store_exec(app->store, STORE_Q_READS_OF_CASE, SV_ARGS(SV_INT(c.id), SV_INT(after), SV_INT(limit)), read_row,
			&l);
	return reads_done(rc, &l, items, n);
}

int privacy_reads_of_org(struct app *app, int64_t org_id, const char *receipt, int64_t after, int limit,
			 struct privacy_read_item **items, size_t *n)
{
	struct pcase c = {.id = 0};
	if (receipt) {
		int rc = pcase_get(app, STORE_Q_PRIVACY_CASE, receipt, &c);
		if (rc != OMB_OK)
			return rc;
		if (c.org_id != org_id)
			return OMB_ENOTFOUND;
	}
	struct reads l = {0};
	int rc = store_exec(app->store, STORE_Q_READS_OF_ORG,
			    SV_ARGS(SV_INT(org_id), SV_INT(after), SV_INT(limit), SV_INT(c.id)), read_row, &l);
	return reads_done(rc, &l, items, n);
}

/* ---- retention ---- */

struct periods {
	struct privacy_retention_item *items;
	size_t n, cap;
};

static int period_row(void *ctx, const struct store_row *row)
{
	struct periods *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	struct privacy_retention_item *it = &l->items[l->n++];
	memset(it, 0, sizeof *it);
	snprintf(it->category, sizeof it->category, "%s", store_row_text(row, 1));
	it->days = store_row_int(row, 2);
	it->updated_ms = store_row_int(row, 3);
	snprintf(it->updated_by, sizeof it->updated_by, "%s", store_row_text(row, 4));
	return 0;
}

int privacy_retention_get(struct app *app, int64_t org_id, struct privacy_retention_item **items, size_t *n,
			  int64_t *server_days)
{
	struct periods l = {0};
	int rc = store_exec(app->store, STORE_Q_RETENTION_LIST, SV_ARGS(SV_INT(org_id)), period_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	*server_days = app->cfg->privacy_retention_days;
	return OMB_OK;
}

static int periods_set(struct app *app, const struct principal *who, int64_t default_days,
		       const char *const *categories, const int64_t *days, size_t n, int64_t now,
		       struct app_error *err)
{
	int rc = store_status(store_exec(app->store, STORE_Q_RETENTION_CLEAR, SV_ARGS(SV_INT(who->org_id)), NULL, NULL));
	if (rc == OMB_OK && default_days)
		rc = store_status(store_exec(
		    app->store, STORE_Q_RETENTION_PUT,
		    SV_ARGS(SV_INT(who->org_id), SV_INT(0), SV_INT(default_days), SV_INT(who->staff_id), SV_INT(now)),
		    NULL, NULL));
	for (size_t i = 0; rc == OMB_OK && i < n; i++) {
		int64_t category_id = 0;
		rc = store_status(store_exec(app->store, STORE_Q_CATEGORY_BY_CODE,
					     SV_ARGS(SV_INT(who->org_id), SV_TEXT(categories[i])), store_row_first_int,
					     &category_id));
		if (rc == OMB_OK && !category_id) {
			err->field = "categories";
			err->reason = "names a category the organisation does not have";
			return OMB_EINVAL;
		}
		if (rc == OMB_OK)
			rc = store_exec(app->store, STORE_Q_RETENTION_PUT,
					SV_ARGS(SV_INT(who->org_id), SV_INT(category_id), SV_INT(days[i]),
						SV_INT(who->staff_id), SV_INT(now)),
					NULL, NULL);
		if (rc == OMB_EEXIST) {
			err->field = "categories";
			err->reason = "names a category twice";
			return OMB_EINVAL;
		}
		rc = store_status(rc);
	}
	return rc;
}

/* The new periods replace the old ones, with an audit row of both. */
static int retention_put_in_tx(struct app *app, const struct principal *who, int64_t default_days,
			       const char *const *categories, const int64_t *days, size_t n, int64_t now,
			       struct app_error *err)
{
	struct periods before = {0}, after = {0};
	int rc = store_status(
	    store_exec(app->store, STORE_Q_RETENTION_LIST, SV_ARGS(SV_INT(who->org_id)), period_row, &before));
	if (rc == OMB_OK)
		rc = periods_set(app, who, default_days, categories, days, n, now, err);
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_CASES_ERASE_DUE_OF_ORG,
					     SV_ARGS(SV_INT(app->cfg->privacy_retention_days), SV_INT(who->org_id)),
					     NULL, NULL));
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_RETENTION_LIST, SV_ARGS(SV_INT(who->org_id)), period_row, &after));
	if (rc == OMB_OK)
		rc = admin_audit_retention(app, who, before.items, before.n, after.items, after.n);
	free(before.items);
	free(after.items);
	return rc;
}

int privacy_retention_put(struct app *app, const struct principal *who, int64_t default_days,
			  const char *const *categories, const int64_t *days, size_t n, int64_t now,
			  struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (default_days && !privacy_retention_days_ok(default_days))
		ERR("default_days", "must be 1-3650 days, or 0 for the server's default");
	for (size_t i = 0; i < n; i++)
		if (!privacy_retention_days_ok(days[i]))
			ERR("categories", "each period must be 1-3650 days");
	int rc = store_begin(app->store, true);
	if (rc == OMB_OK)
		rc = store_end(app->store, retention_put_in_tx(app, who, default_days, categories, days, n, now, err));
	return rc;
}

/* ---- erasure ---- */

static int erasure_row(void *ctx, const struct store_row *row)
{
	struct privacy_erasure *e = ctx;
	e->erased = true;
	e->at_ms = store_row_int(row, 0);
	snprintf(e->cause, sizeof e->cause, "%s", store_row_text(row, 1));
	snprintf(e->staff_code, sizeof e->staff_code, "%s", store_row_text(row, 2));
	snprintf(e->note, sizeof e->note, "%s", store_row_text(row, 3));
	return 1;
}

int privacy_erasure_of(struct app *app, int64_t case_id, struct privacy_erasure *out)
{
	memset(out, 0, sizeof *out);
	return store_status(store_exec(app->store, STORE_Q_ERASURE_GET, SV_ARGS(SV_INT(case_id)), erasure_row, out));
}

struct hashes {
	uint8_t h[HASHES_MAX][CHAIN_HASH_BYTES];
	size_t n;
};

static int hash_row(void *ctx, const struct store_row *row)
{
	struct hashes *x = ctx;
	size_t len = 0;
	const void *b = store_row_blob(row, 0, &len);
	if (len != CHAIN_HASH_BYTES)
		return 0;
	if (x->n == HASHES_MAX)
		return OMB_ELIMIT;
	memcpy(x->h[x->n++], b, CHAIN_HASH_BYTES);
	return 0;
}

/* The files of the case, and their bytes where no other case has the same
 * file: a blob is shared by every attachment with its SHA-256. */
static int erase_files(struct app *app, int64_t case_id)
{
	struct hashes *x = xcalloc(1, sizeof *x);
	int rc = store_status(store_exec(app->store, STORE_Q_ERASE_ATTACHMENT_HASHES, SV_ARGS(SV_INT(case_id)), hash_row, x));
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_ERASE_ATTACHMENTS, SV_ARGS(SV_INT(case_id)), NULL, NULL));
	for (size_t i = 0; rc == OMB_OK && i < x->n; i++)
		rc = store_status(store_exec(app->store, STORE_Q_ERASE_BLOB_IF_UNUSED,
					     SV_ARGS(SV_BLOB(x->h[i], CHAIN_HASH_BYTES)), NULL, NULL));
	free(x);
	return rc;
}

int privacy_erase_due_set(struct app *app, int64_t case_id)
{
	return store_status(store_exec(app->store, STORE_Q_CASE_ERASE_DUE_SET,
				       SV_ARGS(SV_INT(app->cfg->privacy_retention_days), SV_INT(case_id)), NULL, NULL));
}

int privacy_erase_due_refresh(struct app *app, bool *refreshed)
{
	*refreshed = false;
	int64_t days = app->cfg->privacy_retention_days, stored = 0;
	int rc = store_begin(app->store, true);
	if (rc != OMB_OK)
		return rc;
	rc = store_status(store_exec(app->store, STORE_Q_PRIVACY_STATE_GET, NULL, 0, store_row_first_int, &stored));
	if (rc == OMB_OK && stored != days) {
		rc = store_status(store_exec(app->store, STORE_Q_CASES_ERASE_DUE_ALL, SV_ARGS(SV_INT(days)), NULL, NULL));
		if (rc == OMB_OK)
			rc = store_status(
			    store_exec(app->store, STORE_Q_PRIVACY_STATE_PUT, SV_ARGS(SV_INT(days)), NULL, NULL));
		*refreshed = rc == OMB_OK;
	}
	return store_end(app->store, rc);
}

/* Inside the write transaction that holds the case's row. */
static int erase_in_tx(struct app *app, const struct pcase *c, const char *receipt, enum privacy_erasure_cause cause,
		       const char *staff_code, const char *note, int64_t now)
{
	static const uint8_t no_salt[CHAIN_SALT_BYTES];
	int rc = store_status(store_exec(app->store, STORE_Q_ERASE_PERSONAL,
					 SV_ARGS(SV_BLOB(no_salt, sizeof no_salt), SV_INT(c->id)), NULL, NULL));
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_ERASE_TEXTS, SV_ARGS(SV_INT(c->id)), NULL, NULL));
	if (rc == OMB_OK)
		rc = erase_files(app, c->id);
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_ERASE_CUSTOMER_KEY, SV_ARGS(SV_INT(c->id)), NULL, NULL));
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_ERASE_OTP, SV_ARGS(SV_INT(c->id)), NULL, NULL));
	if (rc == OMB_OK)
		rc = store_status(store_exec(app->store, STORE_Q_ERASE_OUTBOX,
					     SV_ARGS(SV_INT(c->org_id), SV_TEXT(receipt)), NULL, NULL));
	if (rc == OMB_OK)
		rc = store_status(
		    store_exec(app->store, STORE_Q_ERASURE_INSERT,
			       SV_ARGS(SV_INT(c->id), SV_INT(now), SV_TEXT(privacy_erasure_cause_name(cause)),
				       SV_TEXT(staff_code), SV_TEXT(note)),
			       NULL, NULL));
	if (rc == OMB_OK)
		rc = privacy_erase_due_set(app, c->id); /* erased: no longer due */
	return rc;
}

static int erase_request_in_tx(struct app *app, const char *receipt, const struct principal *admin, const char *note,
			       int64_t now, struct privacy_erasure *out, struct app_error *err)
{
	struct pcase c;
	int rc = pcase_get(app, STORE_Q_PRIVACY_CASE_LOCK, receipt, &c);
	if (rc == OMB_OK && admin && c.org_id != admin->org_id)
		rc = OMB_ENOTFOUND;
	if (rc == OMB_OK)
		rc = privacy_erasure_of(app, c.id, out);
	if (rc != OMB_OK || out->erased)
		return rc;
	if ((rc = privacy_erase_allowed(&c.state, &err->reason)) != OMB_OK)
		return rc;
	enum privacy_erasure_cause cause = admin ? PRIVACY_ERASED_ADMIN : PRIVACY_ERASED_REQUEST;
	rc = erase_in_tx(app, &c, receipt, cause, admin ? admin->staff_code : "", note ? note : "", now);
	return rc != OMB_OK ? rc : privacy_erasure_of(app, c.id, out);
}

int privacy_erase(struct app *app, const char *receipt, const struct principal *admin, const char *note,
		  int64_t now, struct privacy_erasure *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	size_t len = note ? strlen(note) : 0;
	if (admin && (len == 0 || len > PRIVACY_NOTE_MAX || !text_is_clean_utf8(note, len)))
		ERR("verified_by", "must say in 1-200 bytes how the customer's request was verified");
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, erase_request_in_tx(app, receipt, admin, note, now, out, err));
}

struct due {
	int64_t id[SWEEP_BATCH];
	char receipt[SWEEP_BATCH][RECEIPT_LEN_MAX + 1];
	size_t n;
};

static int due_row(void *ctx, const struct store_row *row)
{
	struct due *d = ctx;
	d->id[d->n] = store_row_int(row, 0);
	snprintf(d->receipt[d->n], sizeof d->receipt[d->n], "%s", store_row_text(row, 1));
	d->n++;
	return 0;
}

static int two_ints(void *ctx, const struct store_row *row)
{
	int64_t *v = ctx;
	v[0] = store_row_int(row, 0);
	v[1] = store_row_int(row, 1);
	return 1;
}

/* One case, under its lock: the period is read again and the rule decides
 * again, since the query that found it ran outside this transaction. *erased
 * is set when it was erased now. */
static int sweep_one_in_tx(struct app *app, const char *receipt, int64_t now, bool *erased)
{
	struct pcase c;
	int rc = pcase_get(app, STORE_Q_PRIVACY_CASE_CLAIM, receipt, &c);
	if (rc == OMB_ENOTFOUND)
		return OMB_OK; /* another node holds it: its business, or the next sweep's */
	struct privacy_erasure e;
	if (rc == OMB_OK)
		rc = privacy_erasure_of(app, c.id, &e);
	if (rc != OMB_OK || e.erased)
		return rc;
	int64_t set[2] = {0, 0};
	rc = store_status(store_exec(app->store, STORE_Q_RETENTION_OF, SV_ARGS(SV_INT(c.org_id), SV_INT(c.category_id)),
				     two_ints, set));
	if (rc != OMB_OK)
		return rc;
	int64_t days = privacy_retention_days(app->cfg->privacy_retention_days, set[0], set[1]);
	int64_t due = privacy_erase_due_ms(&c.state, days);
	if (!due || due > now)
		return OMB_OK;
	rc = erase_in_tx(app, &c, receipt, PRIVACY_ERASED_RETENTION, "", "", now);
	*erased = rc == OMB_OK;
	return rc;
}

int privacy_sweep(struct app *app, int64_t now)
{
	if (app->privacy_swept_ms && now - app->privacy_swept_ms < PRIVACY_SWEEP_EVERY_MS)
		return 0;
	int erased = 0;
	int64_t after = 0;
	struct due *d = xcalloc(1, sizeof *d);
	int rc = OMB_OK;
	do {
		d->n = 0;
		rc = store_status(store_exec(
		    app->store, STORE_Q_CASES_RETENTION_DUE, SV_ARGS(SV_INT(now), SV_INT(SWEEP_BATCH), SV_INT(after)),
		    due_row, d));
		for (size_t i = 0; rc == OMB_OK && i < d->n; i++) {
			bool done = false;
			after = d->id[i];
			if ((rc = store_begin(app->store, true)) == OMB_OK)
				rc = store_end(app->store, sweep_one_in_tx(app, d->receipt[i], now, &done));
			if (rc == OMB_OK && done) {
				erased++;
				log_info(LOG_MSG("personal data erased at the end of retention"),
					 LOG_S("receipt", d->receipt[i]));
			}
		}
	} while (rc == OMB_OK && d->n == SWEEP_BATCH);
	free(d);
	if (rc == OMB_OK)
		app->privacy_swept_ms = now;
	return rc < 0 ? rc : erased;
}

/* ---- export ---- */

struct receipts {
	char (*items)[RECEIPT_LEN_MAX + 1];
	size_t n;
};

static int receipt_row(void *ctx, const struct store_row *row)
{
	struct receipts *r = ctx;
	snprintf(r->items[r->n++], RECEIPT_LEN_MAX + 1, "%s", store_row_text(row, 0));
	return 0;
}

int privacy_receipts_of_contact(struct app *app, int64_t org_id, const char *contact,
				char (**receipts)[RECEIPT_LEN_MAX + 1], size_t *n, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	uint64_t key = 0;
	const char *why = NULL;
	size_t len = contact ? strlen(contact) : 0;
	if (!len || len > 120 || protect_customer_key(app->secret, contact, len, &key, &why) != OMB_OK || !key)
		ERR("contact", "must be an e-mail address or a phone number that names one customer");
	struct receipts r = {xcalloc(PRIVACY_EXPORT_CASES, sizeof *r.items), 0};
	int rc = store_exec(app->store, STORE_Q_CASES_OF_CUSTOMER,
			    SV_ARGS(SV_INT(org_id), SV_INT((int64_t)key), SV_INT(PRIVACY_EXPORT_CASES)), receipt_row, &r);
	if (rc < 0) {
		free(r.items);
		return rc;
	}
	*receipts = r.items;
	*n = r.n;
	return OMB_OK;
}

/* ---- consents ---- */

static int consent_set_in_tx(struct app *app, const char *receipt, enum privacy_consent purpose, bool granted,
			     const char *wording, int64_t now, struct app_error *err)
{
	struct pcase c;
	struct privacy_erasure e;
	int rc = pcase_get(app, STORE_Q_PRIVACY_CASE, receipt, &c);
	if (rc == OMB_OK)
		rc = privacy_erasure_of(app, c.id, &e);
	if (rc != OMB_OK)
		return rc;
	if (e.erased) {
		err->reason = "the case's personal data was erased: there is nobody to ask";
		return OMB_ECONFLICT;
	}
	return store_status(store_exec(app->store, STORE_Q_CONSENT_INSERT,
				       SV_ARGS(SV_INT(c.id), SV_TEXT(privacy_consent_name(purpose)), SV_INT(granted),
					       SV_TEXT(wording), SV_INT(now)),
				       NULL, NULL));
}

int privacy_consent_set(struct app *app, const char *receipt, const char *purpose, bool granted,
			const char *wording, int64_t now, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	enum privacy_consent p;
	if (privacy_consent_parse(purpose, &p) != OMB_OK)
		ERR("purpose", "must be survey or marketing");
	if (!privacy_wording_ok(wording))
		ERR("wording_version", "must be 1-32 letters, digits, '.', '-' or '_'");
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, consent_set_in_tx(app, receipt, p, granted, wording, now, err));
}

struct consents {
	struct privacy_consent_item *items;
	size_t n, cap;
	const char *receipt;   /* CONSENTS_OF_CASE: the case's */
};

static struct privacy_consent_item *consent_next(struct consents *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	struct privacy_consent_item *it = &l->items[l->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static int consent_row(void *ctx, const struct store_row *row)
{
	struct consents *l = ctx;
	struct privacy_consent_item *it = consent_next(l);
	it->id = store_row_int(row, 0);
	snprintf(it->receipt, sizeof it->receipt, "%s", l->receipt);
	snprintf(it->purpose, sizeof it->purpose, "%s", store_row_text(row, 1));
	it->granted = store_row_int(row, 2) != 0;
	snprintf(it->wording, sizeof it->wording, "%s", store_row_text(row, 3));
	it->at_ms = store_row_int(row, 4);
	return 0;
}

int privacy_consents_of_case(struct app *app, const char *receipt, struct privacy_consent_item **items, size_t *n)
{
	struct pcase c;
	int rc = pcase_get(app, STORE_Q_PRIVACY_CASE, receipt, &c);
	if (rc != OMB_OK)
		return rc;
	struct consents l = {.receipt = receipt};
	rc = store_exec(app->store, STORE_Q_CONSENTS_OF_CASE, SV_ARGS(SV_INT(c.id)), consent_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

struct granted {
	struct consents l;
	const char *purpose;
};

static int granted_row(void *ctx, const struct store_row *row)
{
	struct granted *g = ctx;
	struct privacy_consent_item *it = consent_next(&g->l);
	it->id = store_row_int(row, 0);
	snprintf(it->receipt, sizeof it->receipt, "%s", store_row_text(row, 1));
	snprintf(it->purpose, sizeof it->purpose, "%s", g->purpose);
	it->granted = true;
	snprintf(it->wording, sizeof it->wording, "%s", store_row_text(row, 2));
	it->at_ms = store_row_int(row, 3);
	return 0;
}

int privacy_consents_granted(struct app *app, int64_t org_id, const char *purpose, int64_t after, int limit,
			     struct privacy_consent_item **items, size_t *n, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	enum privacy_consent p;
	if (privacy_consent_parse(purpose, &p) != OMB_OK)
		ERR("purpose", "must be survey or marketing");
	struct granted g = {.purpose = privacy_consent_name(p)};
	int rc = store_exec(app->store, STORE_Q_CONSENTS_GRANTED_IN_ORG,
			    SV_ARGS(SV_INT(org_id), SV_TEXT(g.purpose), SV_INT(after), SV_INT(limit)), granted_row, &g);
	if (rc < 0) {
		free(g.l.items);
		return rc;
	}
	*items = g.l.items;
	*n = g.l.n;
	return OMB_OK;
}
