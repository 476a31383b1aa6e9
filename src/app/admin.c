/* admin.c — an organisation's administration over the store, each change
 * with its audit row in one transaction.
 *
 * The audit's before and after are JSON texts made here with jansson: they
 * are stored as they are and handed back verbatim by the audit list. */
#include "app/admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/text.h"

#define ERR(f, why) do { err->field = (f); err->reason = (why); return OMB_EINVAL; } while (0)

static const char *const level_keys[] = {"L2", "L3", "L4"};

/* ---- transactions and the audit row ---- */

static int begin(struct app *app)
{
	return store_begin(app->store, true);
}


/* Takes j (NULL: JSON null) and returns malloc'd compact text. */
static char *json_text(json_t *j)
{
	if (!j)
		return xstrdup("null");
	char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	char *out = xstrdup(t ? t : "null");
	free(t);
	return out;
}

int admin_audit(struct app *app, const struct principal *by, int64_t org_id, const char *action, const char *target,
		const char *before, const char *after)
{
	const char *who = by && by->staff_code[0] ? by->staff_code : "operator";
	int rc = store_exec(app->store, STORE_Q_AUDIT_INSERT,
			    SV_ARGS(SV_INT(org_id), SV_INT(clock_now_ms()), SV_TEXT(who), SV_TEXT(action),
				    SV_TEXT(target), SV_TEXT(before ? before : "null"), SV_TEXT(after ? after : "null")),
			    NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

/* Records and frees the two JSON values. */
static int audit_json(struct app *app, const struct principal *by, int64_t org_id, const char *action,
		      const char *target, json_t *before, json_t *after)
{
	char *b = json_text(before), *a = json_text(after);
	int rc = admin_audit(app, by, org_id, action, target, b, a);
	free(b);
	free(a);
	return rc;
}

static int audit_row(void *ctx, const struct store_row *row)
{
	struct { struct audit_entry *items; size_t n; } *l = ctx;
	struct audit_entry *e = &l->items[l->n++];
	e->id = store_row_int(row, 0);
	e->at_ms = store_row_int(row, 1);
	snprintf(e->staff_code, sizeof e->staff_code, "%s", store_row_text(row, 2));
	snprintf(e->action, sizeof e->action, "%s", store_row_text(row, 3));
	snprintf(e->target, sizeof e->target, "%s", store_row_text(row, 4));
	e->before = xstrdup(store_row_text(row, 5));
	e->after = xstrdup(store_row_text(row, 6));
	return 0;
}

int admin_audit_list(struct app *app, int64_t org_id, int64_t after, int limit, struct audit_entry **items,
		     size_t *n)
{
	if (limit <= 0 || limit > ACCOUNTS_PAGE_MAX)
		limit = ACCOUNTS_PAGE_MAX;
	struct { struct audit_entry *items; size_t n; } l = {xcalloc((size_t)limit, sizeof *l.items), 0};
	int rc = store_exec(app->store, STORE_Q_AUDIT_LIST, SV_ARGS(SV_INT(org_id), SV_INT(after), SV_INT(limit)),
			    audit_row, &l);
	if (rc < 0) {
		admin_audit_free(l.items, l.n);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

void admin_audit_free(struct audit_entry *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].before);
		free(items[i].after);
	}
	free(items);
}

/* accounts.c names the field at fault; say why in the words of the API. */
static int account_error(int rc, const char *field, struct app_error *err)
{
	err->field = field;
	err->reason = rc == OMB_EEXIST ? "already taken" : rc == OMB_ENOTFOUND ? "not found" : "is not acceptable";
	return rc;
}

/* ---- the JSON of what changes ---- */

static json_t *dept_json(const struct dept *d)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", d->code, "name", d->name, "name_en", d->name_en,
			 "contact_line", d->contact_line, "manager_title", d->manager_title);
}

static json_t *staff_json(const struct staff *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b}", "staff_code", s->staff_code, "login", s->login, "role",
			 role_name(s->role), "dept", s->dept_code, "active", s->active);
}

static json_t *category_json(const struct case_category *c)
{
	return json_pack("{s:s, s:s, s:s, s:b}", "code", c->code, "name", c->name, "dept", c->dept, "about_center",
			 c->about_center);
}

/* ---- organisation settings, and the creations that existed before ---- */

int admin_org_create(struct app *app, const struct principal *by, const struct org_new *in, int64_t *id,
		     struct app_error *err)
{
	memset(err, 0, sizeof *err);
	const char *field = NULL;
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	if ((rc = accounts_org_create(app, in, id, &field)) != OMB_OK)
		return store_end(app->store, account_error(rc, field, err));
	return store_end(app->store, audit_json(app, by, *id, "org.create", in->code, NULL,
				   json_pack("{s:s, s:s, s:s, s:s}", "code", in->code, "kind", org_kind_name(in->kind),
					     "name", in->name, "name_en", in->name_en ? in->name_en : "")));
}

int admin_org_set_show_names(struct app *app, const struct principal *by, bool show)
{
	struct org o;
	int rc = accounts_org_get(app, by->org_code, &o);
	if (rc != OMB_OK || (rc = begin(app)) != OMB_OK)
		return rc;
	rc = accounts_org_set_show_names(app, by->org_id, show);
	if (rc == OMB_OK)
		rc = audit_json(app, by, by->org_id, "org.settings", by->org_code,
				json_pack("{s:b}", "show_staff_names", o.show_names),
				json_pack("{s:b}", "show_staff_names", show));
	return store_end(app->store, rc);
}

int admin_dept_create(struct app *app, const struct principal *by, const struct dept_new *in, int64_t *id,
		      struct app_error *err)
{
	memset(err, 0, sizeof *err);
	const char *field = NULL;
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	rc = accounts_dept_create(app, by->org_id, in, id, &field);
	if (rc != OMB_OK)
		return store_end(app->store, account_error(rc, field, err));
	struct dept d = {.id = *id};
	snprintf(d.code, sizeof d.code, "%s", in->code);
	snprintf(d.name, sizeof d.name, "%s", in->name);
	snprintf(d.name_en, sizeof d.name_en, "%s", in->name_en ? in->name_en : "");
	snprintf(d.contact_line, sizeof d.contact_line, "%s", in->contact_line ? in->contact_line : "");
	snprintf(d.manager_title, sizeof d.manager_title, "%s", in->manager_title ? in->manager_title : "");
	return store_end(app->store, audit_json(app, by, by->org_id, "dept.create", d.code, NULL, dept_json(&d)));
}

static int staff_create_in_tx(struct app *app, const struct principal *by, const struct org *org,
			      const struct staff_new *in, int64_t *id, char code[STAFF_CODE_MAX], struct app_error *err)
{
	/* Checked first: a failed insert would end a PostgreSQL transaction. */
	int64_t taken = 0;
	int rc = store_exec(app->store, STORE_Q_STAFF_LOGIN, SV_ARGS(SV_TEXT(in->login)), store_row_first_int, &taken);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		err->field = "login";
		err->reason = "already taken";
		return OMB_EEXIST;
	}
	const char *field = NULL;
	if ((rc = accounts_staff_create(app, in, id, code, &field)) != OMB_OK)
		return account_error(rc, field, err);
	struct staff s;
	if ((rc = accounts_staff_get(app, org->id, code, &s)) != OMB_OK)
		return rc;
	return audit_json(app, by, org->id, "staff.create", code, NULL, staff_json(&s));
}

int admin_staff_create(struct app *app, const struct principal *by, const struct staff_new *in, int64_t *id,
		       char staff_code[STAFF_CODE_MAX], struct app_error *err)
{
	memset(err, 0, sizeof *err);
	struct org org;
	int rc = accounts_org_get(app, in->org_code ? in->org_code : "", &org);
	if (rc != OMB_OK)
		return rc == OMB_ENOTFOUND ? account_error(rc, "org", err) : rc;
	size_t pw = in->password ? strlen(in->password) : 0;
	if (pw < 10 || pw > 256)
		ERR("password", "must be 10-256 characters");
	/* Argon2id takes a while: hashed before the write transaction, not in it. */
	char pw_hash[CRED_PWHASH_MAX];
	if (cred_password_hash(in->password, pw_hash) != OMB_OK)
		ERR("password", "is not acceptable");
	struct staff_new hashed = *in;
	hashed.pw_hash = pw_hash;
	char code[STAFF_CODE_MAX];
	if ((rc = begin(app)) != OMB_OK)
		return rc;
	rc = store_end(app->store, staff_create_in_tx(app, by, &org, &hashed, id, code, err));
	if (rc == OMB_OK && staff_code)
		memcpy(staff_code, code, STAFF_CODE_MAX);
	return rc;
}

int admin_apikey_create(struct app *app, const struct principal *by, const char *name, const char *scopes,
			char token[CRED_TOKEN_MAX], struct app_error *err)
{
	memset(err, 0, sizeof *err);
	const char *field = NULL;
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	rc = accounts_apikey_create(app, by->org_id, by->staff_id, name, scopes, token, &field);
	if (rc != OMB_OK)
		return store_end(app->store, account_error(rc, field, err));
	/* never the key itself: it is shown once, to the admin who asked */
	return store_end(app->store, audit_json(app, by, by->org_id, "apikey.create", name, NULL,
				   json_pack("{s:s, s:s, s:s}", "name", name, "scopes", scopes, "issued_by",
					     by->staff_code)));
}

static int category_row(void *ctx, const struct store_row *row)
{
	struct case_category *c = ctx;
	c->id = store_row_int(row, 0);
	snprintf(c->code, sizeof c->code, "%s", store_row_text(row, 1));
	snprintf(c->name, sizeof c->name, "%s", store_row_text(row, 2));
	snprintf(c->name_en, sizeof c->name_en, "%s", store_row_text(row, 3));
	c->about_center = store_row_int(row, 4) != 0;
	snprintf(c->dept, sizeof c->dept, "%s", store_row_text(row, 5));
	return 1;
}

static int category_get(struct app *app, int64_t org_id, const char *code, struct case_category *out)
{
	memset(out, 0, sizeof *out);
	int rc = store_exec(app->store, STORE_Q_CATEGORY_GET, SV_ARGS(SV_INT(org_id), SV_TEXT(code ? code : "")),
			    category_row, out);
	return rc < 0 ? rc : rc == 0 ? OMB_ENOTFOUND : OMB_OK;
}

int admin_category_add(struct app *app, const struct principal *by, const char *code, const char *name,
		       const char *name_en, const char *dept_code, bool about_center, struct app_error *err)
{
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	rc = cases_category_add(app, by->org_id, code, name, name_en, dept_code, about_center, err);
	struct case_category c;
	if (rc == OMB_OK && (rc = category_get(app, by->org_id, code, &c)) == OMB_OK)
		rc = audit_json(app, by, by->org_id, "category.create", code, NULL, category_json(&c));
	return store_end(app->store, rc);
}

int admin_template_add(struct app *app, const struct principal *by, const char *title, const char *body,
		       int64_t *id, struct app_error *err)
{
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	rc = cases_template_add(app, by->org_id, title, body, id, err);
	if (rc == OMB_OK) {
		char target[24];
		snprintf(target, sizeof target, "%lld", (long long)*id);
		rc = audit_json(app, by, by->org_id, "template.create", target, NULL,
				json_pack("{s:I, s:s, s:s}", "id", (json_int_t)*id, "title", title, "body", body));
	}
	return store_end(app->store, rc);
}

int admin_referral_add(struct app *app, const struct principal *by, const char *name, const char *contact,
		       int64_t *id, struct app_error *err)
{
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	rc = cases_referral_add(app, by->org_id, name, contact, id, err);
	if (rc == OMB_OK)
		rc = audit_json(app, by, by->org_id, "referral.create", name, NULL,
				json_pack("{s:I, s:s, s:s}", "id", (json_int_t)*id, "name", name, "contact", contact));
	return store_end(app->store, rc);
}

int admin_template_retire(struct app *app, const struct principal *by, int64_t id, struct case_template *out)
{
	memset(out, 0, sizeof *out);
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	if ((rc = cases_template_retire(app, by->org_id, id, clock_now_ms(), out)) == OMB_OK) {
		char target[24];
		snprintf(target, sizeof target, "%lld", (long long)id);
		rc = audit_json(app, by, by->org_id, "template.retire", target,
				json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", out->title, "body", out->body),
				NULL);
	}
	if ((rc = store_end(app->store, rc)) != OMB_OK) {
		free(out->body);
		out->body = NULL;
	}
	return rc;
}

int admin_referral_retire(struct app *app, const struct principal *by, int64_t id, struct case_referral *out)
{
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	if ((rc = cases_referral_retire(app, by->org_id, id, clock_now_ms(), out)) == OMB_OK)
		rc = audit_json(app, by, by->org_id, "referral.retire", out->name,
				json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", out->name, "contact",
					  out->contact),
				NULL);
	return store_end(app->store, rc);
}

static json_t *protection_json(const struct protection_settings *p)
{
	json_t *warn = json_object(), *seniors = json_array();
	for (int k = 0; k < PROTECT_KIND_COUNT; k++)
		json_object_set_new(warn, protect_kind_name((enum protect_kind)k), json_integer(p->cfg.warnings_required[k]));
	for (size_t i = 0; i < p->n_seniors; i++)
		json_array_append_new(seniors, json_string(p->seniors[i]));
	return json_pack("{s:o, s:i, s:I, s:s, s:s, s:s, s:o}", "warnings_required", warn, "senior_after_confirmed",
			 (int)p->cfg.senior_after_confirmed, "senior_period_days",
			 (json_int_t)(p->cfg.senior_period_ms / CLOCK_MS_PER_DAY), "warning_ko", p->warning_ko,
			 "warning_en", p->warning_en, "support_contact", p->support_contact, "senior_handlers", seniors);
}

/* {"default_days": N or null, "categories": {"CARD": N, ...}} */
static json_t *retention_json(const struct privacy_retention_item *items, size_t n)
{
	json_t *cats = json_object(), *def = json_null();
	for (size_t i = 0; i < n; i++) {
		if (items[i].category[0])
			json_object_set_new(cats, items[i].category, json_integer(items[i].days));
		else
			def = json_integer(items[i].days);
	}
	return json_pack("{s:o, s:o}", "default_days", def, "categories", cats);
}

int admin_audit_retention(struct app *app, const struct principal *by, const struct privacy_retention_item *before,
			  size_t n_before, const struct privacy_retention_item *after, size_t n_after)
{
	return audit_json(app, by, by->org_id, "privacy.retention", by->org_code, retention_json(before, n_before),
			  retention_json(after, n_after));
}

int admin_audit_protection(struct app *app, const struct principal *by, const struct protection_settings *before,
			   const struct protection_settings *after)
{
	return audit_json(app, by, by->org_id, "protection.settings", by->org_code, protection_json(before),
			  protection_json(after));
}

/* ---- updating what exists ---- */

static int dept_row(void *ctx, const struct store_row *row)
{
	struct dept *d = ctx;
	d->id = store_row_int(row, 0);
	snprintf(d->code, sizeof d->code, "%s", store_row_text(row, 1));
	snprintf(d->name, sizeof d->name, "%s", store_row_text(row, 2));
	snprintf(d->name_en, sizeof d->name_en, "%s", store_row_text(row, 3));
	snprintf(d->contact_line, sizeof d->contact_line, "%s", store_row_text(row, 4));
	snprintf(d->manager_title, sizeof d->manager_title, "%s", store_row_text(row, 5));
	return 1;
}

static bool text_ok(const char *s, size_t max, bool required)
{
	size_t n = strlen(s);
	return (n > 0 || !required) && n <= max && (n == 0 || text_is_clean_utf8(s, n)) && !strpbrk(s, "\r\n");
}

static int dept_update_in_tx(struct app *app, const struct principal *by, const char *code,
			     const struct dept_new *in, struct dept *out, struct app_error *err)
{
	struct dept before = {0};
	int rc = store_exec(app->store, STORE_Q_DEPT_GET, SV_ARGS(SV_INT(by->org_id), SV_TEXT(code)), dept_row,
			    &before);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		err->field = "dept";
		err->reason = "no such department in this organisation";
		return OMB_ENOTFOUND;
	}
	*out = before;
	if (in->name)
		snprintf(out->name, sizeof out->name, "%s", in->name);
	if (in->name_en)
		snprintf(out->name_en, sizeof out->name_en, "%s", in->name_en);
	if (in->contact_line)
		snprintf(out->contact_line, sizeof out->contact_line, "%s", in->contact_line);
	if (in->manager_title)
		snprintf(out->manager_title, sizeof out->manager_title, "%s", in->manager_title);
	rc = store_exec(app->store, STORE_Q_DEPT_UPDATE,
			SV_ARGS(SV_TEXT(out->name), SV_TEXT(out->name_en), SV_TEXT(out->contact_line),
				SV_TEXT(out->manager_title), SV_INT(out->id)),
			NULL, NULL);
	if (rc < 0)
		return rc;
	return audit_json(app, by, by->org_id, "dept.update", code, dept_json(&before), dept_json(out));
}

int admin_dept_update(struct app *app, const struct principal *by, const char *code, const struct dept_new *in,
		      struct dept *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (in->name && !text_ok(in->name, 120, true))
		ERR("name", "must be 1-120 bytes of text");
	if (in->name_en && !text_ok(in->name_en, 120, false))
		ERR("name_en", "must be at most 120 bytes of text");
	if (in->contact_line && !text_ok(in->contact_line, 40, false))
		ERR("contact_line", "must be at most 40 bytes of text");
	if (in->manager_title && !text_ok(in->manager_title, 120, false))
		ERR("manager_title", "must be at most 120 bytes of text");
	int rc = begin(app);
	return rc != OMB_OK ? rc : store_end(app->store, dept_update_in_tx(app, by, code, in, out, err));
}

static int dept_id_of(struct app *app, int64_t org_id, const char *code, int64_t *id)
{
	*id = 0;
	int rc = store_exec(app->store, STORE_Q_DEPT_BY_CODE, SV_ARGS(SV_INT(org_id), SV_TEXT(code)),
			    store_row_first_int, id);
	return rc < 0 ? rc : *id ? OMB_OK : OMB_ENOTFOUND;
}

static int category_dept_in_tx(struct app *app, const struct principal *by, const char *code,
			       const char *dept_code, struct case_category *out, struct app_error *err)
{
	struct case_category before;
	int64_t dept_id;
	int rc = category_get(app, by->org_id, code, &before);
	if (rc == OMB_ENOTFOUND) {
		err->field = "category";
		err->reason = "no such category in this organisation";
	}
	if (rc != OMB_OK)
		return rc;
	if ((rc = dept_id_of(app, by->org_id, dept_code ? dept_code : "", &dept_id)) == OMB_ENOTFOUND)
		ERR("dept", "no such department in this organisation");
	if (rc != OMB_OK)
		return rc;
	if ((rc = store_exec(app->store, STORE_Q_CATEGORY_SET_DEPT, SV_ARGS(SV_INT(dept_id), SV_INT(before.id)), NULL,
			     NULL)) < 0 ||
	    (rc = category_get(app, by->org_id, code, out)) != OMB_OK)
		return rc < 0 ? rc : OMB_ESTORE;
	return audit_json(app, by, by->org_id, "category.update", code, category_json(&before), category_json(out));
}

int admin_category_set_dept(struct app *app, const struct principal *by, const char *code, const char *dept_code,
			    struct case_category *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	int rc = begin(app);
	return rc != OMB_OK ? rc : store_end(app->store, category_dept_in_tx(app, by, code, dept_code, out, err));
}

static int staff_of_org(struct app *app, const struct principal *by, const char *code, struct staff *s,
			struct app_error *err)
{
	int rc = accounts_staff_get(app, by->org_id, code, s);
	if (rc == OMB_ENOTFOUND) {
		err->field = "staff";
		err->reason = "no such staff member in this organisation";
	} else if (rc == OMB_OK && !s->active) {
		err->reason = "this staff member has left";
		rc = OMB_ECONFLICT;
	}
	return rc;
}

static int staff_update_in_tx(struct app *app, const struct principal *by, const char *code, const char *dept_code,
			      enum role role, struct staff *out, struct app_error *err)
{
	struct staff before;
	int rc = staff_of_org(app, by, code, &before, err);
	if (rc != OMB_OK)
		return rc;
	if (before.id == by->staff_id && role != ROLE_NONE && role != before.role)
		ERR("role", "an admin cannot change their own role");
	const char *dept = dept_code ? dept_code : before.dept_code;
	int64_t dept_id = 0;
	if (*dept && (rc = dept_id_of(app, by->org_id, dept, &dept_id)) == OMB_ENOTFOUND)
		ERR("dept", "no such department in this organisation");
	if (rc != OMB_OK)
		return rc;
	enum role next = role != ROLE_NONE ? role : before.role;
	rc = store_exec(app->store, STORE_Q_STAFF_UPDATE,
			SV_ARGS(dept_id ? SV_INT(dept_id) : SV_NULL, SV_TEXT(role_name(next)), SV_INT(before.id)), NULL,
			NULL);
	if (rc < 0 || (rc = accounts_staff_get(app, by->org_id, code, out)) != OMB_OK)
		return rc < 0 ? rc : OMB_ESTORE;
	return audit_json(app, by, by->org_id, "staff.update", code, staff_json(&before), staff_json(out));
}

int admin_staff_update(struct app *app, const struct principal *by, const char *staff_code, const char *dept_code,
		       enum role role, struct staff *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (role != ROLE_NONE && (role == ROLE_MACHINE || !role_allowed_in(role, by->org_kind)))
		ERR("role", "this kind of organisation has no such role");
	int rc = begin(app);
	return rc != OMB_OK ? rc : store_end(app->store, staff_update_in_tx(app, by, staff_code, dept_code, role, out, err));
}

static int leave_in_tx(struct app *app, const struct principal *by, const char *code, int64_t now,
		       struct admin_leave *out, struct app_error *err)
{
	struct staff before;
	int rc = staff_of_org(app, by, code, &before, err);
	if (rc != OMB_OK)
		return rc;
	if (before.id == by->staff_id) {
		err->reason = "an admin cannot close their own account; another admin does";
		return OMB_ECONFLICT;
	}
	if ((rc = store_exec(app->store, STORE_Q_STAFF_LEAVE, SV_ARGS(SV_INT(now), SV_INT(before.id)), NULL, NULL)) < 0)
		return rc;
	if ((rc = store_exec(app->store, STORE_Q_SESSIONS_OF_STAFF_DELETE, SV_ARGS(SV_INT(before.id)), NULL, NULL)) < 0)
		return rc;
	out->sessions_ended = rc;
	if ((rc = store_exec(app->store, STORE_Q_APIKEYS_OF_STAFF_REVOKE, SV_ARGS(SV_INT(now), SV_INT(before.id)), NULL,
			     NULL)) < 0)
		return rc;
	out->keys_revoked = rc;
	if ((rc = accounts_staff_get(app, by->org_id, code, &out->staff)) != OMB_OK)
		return rc;
	json_t *after = staff_json(&out->staff);
	json_object_set_new(after, "sessions_ended", json_integer(out->sessions_ended));
	json_object_set_new(after, "api_keys_revoked", json_integer(out->keys_revoked));
	return audit_json(app, by, by->org_id, "staff.leave", code, staff_json(&before), after);
}

int admin_staff_leave(struct app *app, const struct principal *by, const char *staff_code, int64_t now,
		      struct admin_leave *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	rc = store_end(app->store, leave_in_tx(app, by, staff_code, now, out, err));
	/* Sessions are read from the store on every request; API keys may be
	 * cached, so the cache forgets them once the revocation is committed. */
	if (rc == OMB_OK)
		accounts_key_cache_flush(app->keys);
	return rc;
}

/* ---- deadlines and the working calendar ---- */

struct desk_row {
	struct admin_desk *d;
	bool bad_week;
};

static int desk_settings_row(void *ctx, const struct store_row *row)
{
	struct desk_row *x = ctx;
	struct deadline_policy *p = &x->d->cfg.deadlines;
	p->first_answer_hours = (int32_t)store_row_int(row, 0);
	p->responsible_contact_hours = (int32_t)store_row_int(row, 1);
	for (int i = 0; i < 3; i++)
		p->level_answer_hours[LADDER_L2 + i] = (int32_t)store_row_int(row, 2 + i);
	p->final_answer_days = (int32_t)store_row_int(row, 5);
	p->cal.business = store_row_int(row, 6) != 0;
	p->cal.utc_offset_min = (int32_t)store_row_int(row, 7);
	char week[7 * DEADLINE_HOURS_TEXT + 8];
	snprintf(week, sizeof week, "%s", store_row_text(row, 8));
	char *save = NULL, *day = strtok_r(week, ",", &save);
	for (int i = 0; i < 7; i++, day = strtok_r(NULL, ",", &save))
		if (!day || deadline_hours_parse(day, &p->cal.week[i]) != OMB_OK)
			x->bad_week = true;
	x->d->own = true;
	return 1;
}

static int holiday_day_row(void *ctx, const struct store_row *row)
{
	struct admin_desk *d = ctx;
	d->holidays[d->cfg.deadlines.cal.n_holidays++] = (int32_t)store_row_int(row, 0);
	return d->cfg.deadlines.cal.n_holidays == ADMIN_HOLIDAYS_MAX;
}

int admin_desk_load(struct app *app, int64_t org_id, struct admin_desk *out)
{
	out->cfg = app->desk;
	out->own = false;
	struct desk_row x = {out, false};
	int rc = store_exec(app->store, STORE_Q_DESK_SETTINGS_GET, SV_ARGS(SV_INT(org_id)), desk_settings_row, &x);
	if (rc < 0 || !out->own)
		return rc < 0 ? rc : OMB_OK;
	if (x.bad_week)
		return OMB_ESTORE; /* only admin_desk_put writes it, checked */
	out->cfg.deadlines.cal.holidays = out->holidays;
	out->cfg.deadlines.cal.n_holidays = 0;
	rc = store_exec(app->store, STORE_Q_HOLIDAYS_LIST, SV_ARGS(SV_INT(org_id)), holiday_day_row, out);
	return rc < 0 ? rc : OMB_OK;
}

struct holiday_list {
	struct admin_holiday *items;
	size_t n;
};

static int holiday_row(void *ctx, const struct store_row *row)
{
	struct holiday_list *l = ctx;
	l->items[l->n].day = (int32_t)store_row_int(row, 0);
	snprintf(l->items[l->n].name, sizeof l->items[l->n].name, "%s", store_row_text(row, 1));
	return ++l->n == ADMIN_HOLIDAYS_MAX;
}

int admin_holidays(struct app *app, int64_t org_id, struct admin_holiday **items, size_t *n)
{
	struct holiday_list l = {xcalloc(ADMIN_HOLIDAYS_MAX, sizeof *l.items), 0};
	int rc = store_exec(app->store, STORE_Q_HOLIDAYS_LIST, SV_ARGS(SV_INT(org_id)), holiday_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

json_t *admin_desk_json(const struct admin_desk *d, const struct admin_holiday *holidays, size_t n)
{
	const struct deadline_policy *p = &d->cfg.deadlines;
	json_t *levels = json_object(), *week = json_array(), *days = json_array();
	for (int i = 0; i < 3; i++)
		json_object_set_new(levels, level_keys[i], json_integer(p->level_answer_hours[LADDER_L2 + i]));
	for (int i = 0; i < 7; i++) {
		char text[DEADLINE_HOURS_TEXT];
		deadline_hours_format(&p->cal.week[i], text);
		json_array_append_new(week, json_string(text));
	}
	for (size_t i = 0; i < n; i++) {
		char date[16];
		snprintf(date, sizeof date, "%04d-%02d-%02d", holidays[i].day / 10000, holidays[i].day / 100 % 100,
			 holidays[i].day % 100);
		json_array_append_new(days, json_pack("{s:s, s:s}", "date", date, "name", holidays[i].name));
	}
	return json_pack("{s:b, s:i, s:i, s:o, s:i, s:b, s:i, s:o, s:o}", "own", d->own, "first_answer_hours",
			 p->first_answer_hours, "responsible_contact_hours", p->responsible_contact_hours,
			 "level_answer_hours", levels, "final_answer_days", p->final_answer_days, "business_hours",
			 p->cal.business, "utc_offset_min", p->cal.utc_offset_min, "week", week, "holidays", days);
}

/* The organisation's calendar as JSON, for the audit's before and after. */
static int desk_now_json(struct app *app, int64_t org_id, json_t **out)
{
	struct admin_desk d;
	struct admin_holiday *h = NULL;
	size_t n = 0;
	int rc = admin_desk_load(app, org_id, &d);
	if (rc == OMB_OK && (rc = admin_holidays(app, org_id, &h, &n)) == OMB_OK)
		*out = admin_desk_json(&d, h, n);
	free(h);
	return rc;
}

static int desk_check(const struct admin_desk_in *in, struct app_error *err)
{
	if (in->n_holidays > ADMIN_HOLIDAYS_MAX)
		ERR("holidays", "at most 400 days");
	int32_t days[ADMIN_HOLIDAYS_MAX];
	for (size_t i = 0; i < in->n_holidays; i++) {
		days[i] = in->holidays[i].day;
		for (size_t j = 0; j < i; j++)
			if (days[j] == days[i])
				ERR("holidays", "lists a day twice");
	}
	struct deadline_policy p = in->deadlines;
	p.cal.holidays = days;
	p.cal.n_holidays = in->n_holidays;
	const char *why = NULL;
	if (deadline_policy_check(&p, &why) != OMB_OK) {
		err->field = "deadlines";
		err->reason = why ? why : "is not acceptable";
		return OMB_EINVAL;
	}
	return OMB_OK;
}

static int desk_put_in_tx(struct app *app, const struct principal *by, const struct admin_desk_in *in)
{
	json_t *before = NULL, *after = NULL;
	int rc = desk_now_json(app, by->org_id, &before);
	if (rc != OMB_OK)
		return rc;
	const struct deadline_policy *p = &in->deadlines;
	char week[7 * DEADLINE_HOURS_TEXT + 8] = "";
	for (int i = 0; i < 7; i++) {
		char text[DEADLINE_HOURS_TEXT];
		deadline_hours_format(&p->cal.week[i], text);
		strcat(week, i ? "," : "");
		strcat(week, text);
	}
	rc = store_exec(app->store, STORE_Q_DESK_SETTINGS_PUT,
			SV_ARGS(SV_INT(by->org_id), SV_INT(p->first_answer_hours), SV_INT(p->responsible_contact_hours),
				SV_INT(p->level_answer_hours[LADDER_L2]), SV_INT(p->level_answer_hours[LADDER_L3]),
				SV_INT(p->level_answer_hours[LADDER_L4]), SV_INT(p->final_answer_days),
				SV_INT(p->cal.business), SV_INT(p->cal.utc_offset_min), SV_TEXT(week),
				SV_INT(clock_now_ms())),
			NULL, NULL);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_HOLIDAYS_CLEAR, SV_ARGS(SV_INT(by->org_id)), NULL, NULL);
	for (size_t i = 0; rc >= 0 && i < in->n_holidays; i++)
		rc = store_exec(app->store, STORE_Q_HOLIDAY_ADD,
				SV_ARGS(SV_INT(by->org_id), SV_INT(in->holidays[i].day), SV_TEXT(in->holidays[i].name)),
				NULL, NULL);
	if (rc >= 0)
		rc = desk_now_json(app, by->org_id, &after);
	if (rc < 0) {
		json_decref(before);
		json_decref(after);
		return rc;
	}
	return audit_json(app, by, by->org_id, "desk.settings", by->org_code, before, after);
}

int admin_desk_put(struct app *app, const struct principal *by, const struct admin_desk_in *in,
		   struct app_error *err)
{
	memset(err, 0, sizeof *err);
	int rc = desk_check(in, err);
	if (rc == OMB_OK && (rc = begin(app)) == OMB_OK)
		rc = store_end(app->store, desk_put_in_tx(app, by, in));
	return rc;
}

/* ---- vendor contracts ---- */

void admin_contract_free(struct admin_contract *c)
{
	free(c->categories);
	free(c->agents);
	memset(c, 0, sizeof *c);
}

static int contract_category_row(void *ctx, const struct store_row *row)
{
	struct admin_contract *c = ctx;
	snprintf(c->categories[c->n_categories++], 32, "%s", store_row_text(row, 1));
	return c->n_categories == CONTRACT_CATEGORIES_MAX;
}

static int contract_agent_row(void *ctx, const struct store_row *row)
{
	struct admin_contract *c = ctx;
	snprintf(c->agents[c->n_agents++], STAFF_CODE_MAX, "%s", store_row_text(row, 1));
	return c->n_agents == CONTRACT_AGENTS_MAX;
}

/* The contract with its codes; OMB_ENOTFOUND when there is none. */
static int contract_load(struct app *app, int64_t vendor_id, int64_t client_id, struct admin_contract *out)
{
	struct desk_contract terms;
	int rc = accounts_vendor_contract(app, vendor_id, client_id, &terms);
	if (rc != OMB_OK || !terms.exists)
		return rc != OMB_OK ? rc : OMB_ENOTFOUND;
	out->all_categories = terms.all_categories;
	out->all_agents = terms.all_agents;
	if (!terms.all_categories) {
		out->categories = xcalloc(CONTRACT_CATEGORIES_MAX, sizeof *out->categories);
		rc = store_exec(app->store, STORE_Q_CONTRACT_CATEGORIES, SV_ARGS(SV_INT(vendor_id), SV_INT(client_id)),
				contract_category_row, out);
	}
	if (rc >= 0 && !terms.all_agents) {
		out->agents = xcalloc(CONTRACT_AGENTS_MAX, sizeof *out->agents);
		rc = store_exec(app->store, STORE_Q_CONTRACT_AGENTS, SV_ARGS(SV_INT(vendor_id), SV_INT(client_id)),
				contract_agent_row, out);
	}
	if (rc < 0)
		admin_contract_free(out);
	return rc < 0 ? rc : OMB_OK;
}

static json_t *contract_json(const struct admin_contract *c)
{
	json_t *cats = c->all_categories ? json_string("all") : json_array();
	json_t *agents = c->all_agents ? json_string("all") : json_array();
	for (size_t i = 0; !c->all_categories && i < c->n_categories; i++)
		json_array_append_new(cats, json_string(c->categories[i]));
	for (size_t i = 0; !c->all_agents && i < c->n_agents; i++)
		json_array_append_new(agents, json_string(c->agents[i]));
	return json_pack("{s:s, s:o, s:o}", "vendor", c->vendor, "categories", cats, "agents", agents);
}

/* The contract's JSON for the audit, or NULL when there is none. */
static int contract_now_json(struct app *app, const struct org *vendor, int64_t client_id, json_t **out)
{
	struct admin_contract c = {0};
	int rc = contract_load(app, vendor->id, client_id, &c);
	*out = NULL;
	if (rc == OMB_ENOTFOUND)
		return OMB_OK;
	if (rc != OMB_OK)
		return rc;
	snprintf(c.vendor, sizeof c.vendor, "%s", vendor->code);
	*out = contract_json(&c);
	admin_contract_free(&c);
	return OMB_OK;
}

static int vendor_of(struct app *app, const struct principal *by, const char *code, struct org *vendor,
		     struct app_error *err)
{
	if (by->org_kind != ORG_COMPANY) {
		err->reason = "only a company makes vendor contracts";
		return OMB_EPERM;
	}
	int rc = accounts_org_get(app, code ? code : "", vendor);
	if (rc == OMB_ENOTFOUND || (rc == OMB_OK && vendor->kind != ORG_VENDOR))
		ERR("vendor", "no such vendor organisation");
	return rc;
}

/* Resolves codes to ids in ids[]; the first unknown or repeated code fails. */
static int contract_ids(struct app *app, enum store_query q, int64_t org_id, const char *const *codes, size_t n,
			int64_t *ids)
{
	for (size_t i = 0; i < n; i++) {
		ids[i] = 0;
		int rc = store_exec(app->store, q, SV_ARGS(SV_INT(org_id), SV_TEXT(codes[i] ? codes[i] : "")),
				    store_row_first_int, &ids[i]);
		if (rc < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return OMB_EEXIST;
		if (!ids[i])
			return OMB_ENOTFOUND;
	}
	return OMB_OK;
}

struct contract_in {
	const struct org *vendor;
	int64_t cats[CONTRACT_CATEGORIES_MAX], agents[CONTRACT_AGENTS_MAX];
	size_t n_cats, n_agents;
	bool all_cats, all_agents;
};

static int contract_put_in_tx(struct app *app, const struct principal *by, const struct contract_in *in)
{
	int64_t v = in->vendor->id, c = by->org_id;
	json_t *before = NULL, *after = NULL;
	int rc = contract_now_json(app, in->vendor, c, &before);
	if (rc == OMB_OK)
		rc = store_exec(app->store, STORE_Q_CONTRACT_PUT,
				SV_ARGS(SV_INT(v), SV_INT(c), SV_INT(clock_now_ms()), SV_INT(in->all_cats),
					SV_INT(in->all_agents)),
				NULL, NULL);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_CONTRACT_CATEGORIES_CLEAR, SV_ARGS(SV_INT(v), SV_INT(c)), NULL, NULL);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_CONTRACT_AGENTS_CLEAR, SV_ARGS(SV_INT(v), SV_INT(c)), NULL, NULL);
	for (size_t i = 0; rc >= 0 && i < in->n_cats; i++)
		rc = store_exec(app->store, STORE_Q_CONTRACT_CATEGORY_ADD, SV_ARGS(SV_INT(v), SV_INT(c), SV_INT(in->cats[i])),
				NULL, NULL);
	for (size_t i = 0; rc >= 0 && i < in->n_agents; i++)
		rc = store_exec(app->store, STORE_Q_CONTRACT_AGENT_ADD, SV_ARGS(SV_INT(v), SV_INT(c), SV_INT(in->agents[i])),
				NULL, NULL);
	if (rc >= 0)
		rc = contract_now_json(app, in->vendor, c, &after);
	if (rc < 0) {
		json_decref(before);
		json_decref(after);
		return rc;
	}
	return audit_json(app, by, c, "contract.put", in->vendor->code, before, after);
}

int admin_contract_put(struct app *app, const struct principal *by, const char *vendor_code,
		       const char *const *categories, size_t n_categories, const char *const *agents, size_t n_agents,
		       struct app_error *err)
{
	memset(err, 0, sizeof *err);
	struct org vendor;
	int rc = vendor_of(app, by, vendor_code, &vendor, err);
	if (rc != OMB_OK)
		return rc;
	if (categories && n_categories > CONTRACT_CATEGORIES_MAX)
		ERR("categories", "at most 64");
	if (agents && n_agents > CONTRACT_AGENTS_MAX)
		ERR("agents", "at most 256");
	struct contract_in *in = xcalloc(1, sizeof *in);
	*in = (struct contract_in){.vendor = &vendor, .all_cats = !categories, .all_agents = !agents,
				   .n_cats = categories ? n_categories : 0, .n_agents = agents ? n_agents : 0};
	if ((rc = begin(app)) != OMB_OK) {
		free(in);
		return rc;
	}
	rc = contract_ids(app, STORE_Q_CATEGORY_BY_CODE, by->org_id, categories, in->n_cats, in->cats);
	if (rc == OMB_ENOTFOUND || rc == OMB_EEXIST) {
		err->field = "categories";
		err->reason = rc == OMB_EEXIST ? "lists a category twice" : "lists a category this organisation does not have";
		rc = OMB_EINVAL;
	}
	if (rc == OMB_OK) {
		rc = contract_ids(app, STORE_Q_STAFF_ID_IN_ORG, vendor.id, agents, in->n_agents, in->agents);
		if (rc == OMB_ENOTFOUND || rc == OMB_EEXIST) {
			err->field = "agents";
			err->reason = rc == OMB_EEXIST ? "lists a staff code twice" : "lists a staff code the vendor does not have";
			rc = OMB_EINVAL;
		}
	}
	if (rc == OMB_OK)
		rc = contract_put_in_tx(app, by, in);
	free(in);
	return store_end(app->store, rc);
}

static int contract_end_in_tx(struct app *app, const struct principal *by, const struct org *vendor,
			      struct app_error *err)
{
	json_t *before = NULL;
	int rc = contract_now_json(app, vendor, by->org_id, &before);
	if (rc != OMB_OK)
		return rc;
	if (!before) {
		err->field = "vendor";
		err->reason = "no contract with this vendor";
		return OMB_ENOTFOUND;
	}
	if ((rc = store_exec(app->store, STORE_Q_CONTRACT_CATEGORIES_CLEAR, SV_ARGS(SV_INT(vendor->id), SV_INT(by->org_id)),
			     NULL, NULL)) < 0 ||
	    (rc = store_exec(app->store, STORE_Q_CONTRACT_AGENTS_CLEAR, SV_ARGS(SV_INT(vendor->id), SV_INT(by->org_id)),
			     NULL, NULL)) < 0 ||
	    (rc = store_exec(app->store, STORE_Q_CONTRACT_END, SV_ARGS(SV_INT(vendor->id), SV_INT(by->org_id)), NULL,
			     NULL)) < 0) {
		json_decref(before);
		return rc;
	}
	return audit_json(app, by, by->org_id, "contract.end", vendor->code, before, NULL);
}

int admin_contract_end(struct app *app, const struct principal *by, const char *vendor_code, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	struct org vendor;
	int rc = vendor_of(app, by, vendor_code, &vendor, err);
	if (rc == OMB_OK && (rc = begin(app)) == OMB_OK)
		rc = store_end(app->store, contract_end_in_tx(app, by, &vendor, err));
	return rc;
}

struct vendor_list {
	int64_t ids[ACCOUNTS_CLIENTS_MAX];
	char codes[ACCOUNTS_CLIENTS_MAX][ORG_CODE_MAX];
	size_t n;
};

static int vendor_row(void *ctx, const struct store_row *row)
{
	struct vendor_list *l = ctx;
	l->ids[l->n] = store_row_int(row, 0);
	snprintf(l->codes[l->n], ORG_CODE_MAX, "%s", store_row_text(row, 1));
	return ++l->n == ACCOUNTS_CLIENTS_MAX;
}

int admin_contracts(struct app *app, int64_t client_id, struct admin_contract **items, size_t *n)
{
	struct vendor_list l = {.n = 0};
	int rc = store_exec(app->store, STORE_Q_CONTRACTS_OF_CLIENT, SV_ARGS(SV_INT(client_id)), vendor_row, &l);
	if (rc < 0)
		return rc;
	struct admin_contract *out = xcalloc(l.n ? l.n : 1, sizeof *out);
	size_t got = 0;
	for (size_t i = 0; i < l.n && rc >= 0; i++) {
		rc = contract_load(app, l.ids[i], client_id, &out[got]);
		if (rc == OMB_ENOTFOUND) {
			rc = OMB_OK; /* ended meanwhile */
			continue;
		}
		if (rc == OMB_OK)
			snprintf(out[got++].vendor, ORG_CODE_MAX, "%s", l.codes[i]);
	}
	if (rc < 0) {
		for (size_t i = 0; i < got; i++)
			admin_contract_free(&out[i]);
		free(out);
		return rc;
	}
	*items = out;
	*n = got;
	return OMB_OK;
}

/* ---- the signing key ---- */

static json_t *key_json(const struct case_key *k)
{
	char hex[2 * CHAIN_PK_BYTES + 1];
	sodium_bin2hex(hex, sizeof hex, k->public_key, CHAIN_PK_BYTES);
	return json_pack("{s:I, s:s}", "key_id", (json_int_t)k->id, "public_key", hex);
}

int admin_key_rotate(struct app *app, const struct principal *by, int64_t now, struct case_key *out)
{
	struct case_key old;
	int rc = begin(app);
	if (rc != OMB_OK)
		return rc;
	rc = cases_key_rotate(app, by->org_id, now, &old, out);
	if (rc == OMB_OK)
		rc = audit_json(app, by, by->org_id, "key.rotate", by->org_code, old.id ? key_json(&old) : NULL,
				key_json(out));
	return store_end(app->store, rc);
}
