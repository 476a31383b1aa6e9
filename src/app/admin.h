/* admin.h — an organisation's administration, every change recorded.
 *
 * Owns the audit trail and the changes an organisation's admin makes:
 * departments, categories and which department owns each, staff joining,
 * changing department or role (the complaints office is the staff with role
 * complaints) and leaving, API keys, answer templates, referral options, the
 * organisation's settings, its deadlines and working calendar, vendor
 * contracts, and the rotation of its signing key. Each change runs in one
 * write transaction together with its audit row (who, when, what, before
 * and after as JSON text), so a change is never without its record.
 *
 * `by` is the admin's principal, or NULL for the command line (recorded as
 * "operator"). Errors are codes from base/err.h with err naming the field
 * and why (a static string). */
#ifndef OMBUD_APP_ADMIN_H
#define OMBUD_APP_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "app/accounts.h"
#include "app/app.h"
#include "app/cases.h"
#include "app/privacy.h"
#include "app/protect.h"
#include "desk/case.h"

/* ---- the audit trail ---- */

struct audit_entry {
	int64_t id, at_ms;
	char staff_code[STAFF_CODE_MAX];
	char action[32];
	char target[64];
	char *before, *after;      /* owned JSON texts; "null" when there was none */
};
/* Up to limit entries of org with id > after, oldest first; free with
 * admin_audit_free. */
int admin_audit_list(struct app *app, int64_t org_id, int64_t after, int limit, struct audit_entry **items,
		     size_t *n);
void admin_audit_free(struct audit_entry *items, size_t n);

/* ---- what existed before, now recorded ---- */

/* A new organisation (the command line: `ombud org add`). */
int admin_org_create(struct app *app, const struct principal *by, const struct org_new *in, int64_t *id,
		     struct app_error *err);

int admin_org_set_show_names(struct app *app, const struct principal *by, bool show);
int admin_dept_create(struct app *app, const struct principal *by, const struct dept_new *in, int64_t *id,
		      struct app_error *err);
/* Creates the account; the password is hashed before the transaction opens. */
int admin_staff_create(struct app *app, const struct principal *by, const struct staff_new *in, int64_t *id,
		       char staff_code[STAFF_CODE_MAX], struct app_error *err);
int admin_apikey_create(struct app *app, const struct principal *by, const char *name, const char *scopes,
			char token[CRED_TOKEN_MAX], struct app_error *err);
int admin_category_add(struct app *app, const struct principal *by, const char *code, const char *name,
		       const char *name_en, const char *dept_code, bool about_center, struct app_error *err);
int admin_template_add(struct app *app, const struct principal *by, const char *title, const char *body,
		       int64_t *id, struct app_error *err);
int admin_referral_add(struct app *app, const struct principal *by, const char *name, const char *contact,
		       int64_t *id, struct app_error *err);
/* Retiring (cases_template_retire, cases_referral_retire) with its audit
 * row; OMB_ENOTFOUND for none in use. *out as those fill it. */
int admin_template_retire(struct app *app, const struct principal *by, int64_t id, struct case_template *out);
int admin_referral_retire(struct app *app, const struct principal *by, int64_t id, struct case_referral *out);
/* Inside the caller's write transaction (app/protect.c replaces its
 * settings in one): one audit row of org_id. before/after: JSON text or NULL. */
int admin_audit(struct app *app, const struct principal *by, int64_t org_id, const char *action, const char *target,
		const char *before, const char *after);

/* Inside privacy_retention_put's transaction: its audit row, the periods
 * before and after. */
int admin_audit_retention(struct app *app, const struct principal *by, const struct privacy_retention_item *before,
			  size_t n_before, const struct privacy_retention_item *after, size_t n_after);

/* Inside protection_settings_put's transaction: its audit row. */
int admin_audit_protection(struct app *app, const struct principal *by, const struct protection_settings *before,
			   const struct protection_settings *after);

/* ---- updating what exists ---- */

/* NULL fields keep their value; "" clears an optional one. */
int admin_dept_update(struct app *app, const struct principal *by, const char *code, const struct dept_new *in,
		      struct dept *out, struct app_error *err);
int admin_category_set_dept(struct app *app, const struct principal *by, const char *code, const char *dept_code,
			    struct case_category *out, struct app_error *err);
/* dept_code NULL keeps it, "" takes the staff member out of any department;
 * role ROLE_NONE keeps it. The staff code stays (it is stable). */
int admin_staff_update(struct app *app, const struct principal *by, const char *staff_code, const char *dept_code,
		       enum role role, struct staff *out, struct app_error *err);

/* A staff member leaves: their account is closed, their sessions deleted
 * and the API keys they issued revoked, in one transaction, and this node's
 * API-key cache forgotten, so their token and their keys fail on the very
 * next request. Their events keep their role, department and staff code. */
struct admin_leave {
	struct staff staff;
	int sessions_ended, keys_revoked;
};
int admin_staff_leave(struct app *app, const struct principal *by, const char *staff_code, int64_t now,
		      struct admin_leave *out, struct app_error *err);

/* ---- deadlines and the working calendar ---- */

#define ADMIN_HOLIDAYS_MAX 400

/* An organisation's deadlines and calendar as the desk uses them. Holds a
 * pointer into itself (cfg.deadlines.cal.holidays): fill it in place with
 * admin_desk_load, never copy it. */
struct admin_desk {
	struct desk_config cfg;
	int32_t holidays[ADMIN_HOLIDAYS_MAX];
	bool own;                  /* false: the [desk] configuration, the organisation set none */
};
/* The organisation's own settings and holidays, or the configuration's. */
int admin_desk_load(struct app *app, int64_t org_id, struct admin_desk *out);

struct admin_holiday {
	int32_t day;               /* YYYYMMDD */
	char name[64];
};
/* The settings to store: durations, calendar, holidays (replacing all). */
struct admin_desk_in {
	struct deadline_policy deadlines;   /* cal.holidays unused: see holidays */
	const struct admin_holiday *holidays;
	size_t n_holidays;
};
int admin_desk_put(struct app *app, const struct principal *by, const struct admin_desk_in *in,
		   struct app_error *err);
/* The holidays with their names, by date; *items malloc'd, caller frees. */
int admin_holidays(struct app *app, int64_t org_id, struct admin_holiday **items, size_t *n);
/* The settings and the n holidays h as one JSON document: what the audit
 * records before and after a change, and what GET /v1/admin/desk answers.
 * The caller owns the result. */
json_t *admin_desk_json(const struct admin_desk *d, const struct admin_holiday *h, size_t n);

/* ---- vendor contracts ---- */

struct admin_contract {
	char vendor[ORG_CODE_MAX];
	bool all_categories, all_agents;
	char (*categories)[32];    /* owned codes, when not all */
	size_t n_categories;
	char (*agents)[STAFF_CODE_MAX]; /* owned staff codes, when not all */
	size_t n_agents;
};
void admin_contract_free(struct admin_contract *c);
/* Makes or replaces the contract of vendor_code with by's organisation:
 * categories NULL means all (present and future), else the listed codes of
 * the organisation's categories; agents NULL means all of the vendor's
 * staff, else the listed staff codes of the vendor. */
int admin_contract_put(struct app *app, const struct principal *by, const char *vendor_code,
		       const char *const *categories, size_t n_categories, const char *const *agents, size_t n_agents,
		       struct app_error *err);
/* Ends a contract: the vendor's staff lose the organisation's desk at once. */
int admin_contract_end(struct app *app, const struct principal *by, const char *vendor_code, struct app_error *err);
/* The contracts of client_id, by vendor code; *items malloc'd, free each
 * with admin_contract_free and the array with free. */
int admin_contracts(struct app *app, int64_t client_id, struct admin_contract **items, size_t *n);

/* ---- the signing key ---- */

/* Retires the organisation's current Ed25519 key and makes a new one that
 * signs every later head; the old key stays and verifies the heads it
 * signed. *out is the new key. */
int admin_key_rotate(struct app *app, const struct principal *by, int64_t now, struct case_key *out);

#endif
