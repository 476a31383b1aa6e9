/* h_accounts.c — sessions, organisations, departments, staff and API keys. */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "app/admin.h"
#include "base/err.h"
#include "base/mem.h"

static json_t *principal_json(const struct principal *p)
{
	json_t *j = json_pack("{s:s, s:{s:s, s:s}}", "role", role_name(p->role), "org", "code", p->org_code,
			      "kind", org_kind_name(p->org_kind));
	if (p->staff_code[0])
		json_object_set_new(j, "staff_code", json_string(p->staff_code));
	if (p->role == ROLE_MACHINE)
		json_object_set_new(j, "scopes", json_string(p->scopes));
	return j;
}

static json_t *org_json(const struct org *o)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "code", o->code, "kind", org_kind_name(o->kind), "name", o->name,
			 "name_en", o->name_en);
}

/* Resolves the {org} path parameter; 404 names it when unknown. */
static int path_org(struct api_req *r, struct org *o)
{
	int rc = accounts_org_get(r->app, r->params[0], o);
	if (rc == OMB_ENOTFOUND) {
		r->err_field = "org";
		snprintf(r->err_msg, sizeof r->err_msg, "no organisation with code %s", r->params[0]);
	}
	return rc;
}

static int field_error(struct api_req *r, int rc, const char *field)
{
	if (rc == OMB_EINVAL)
		return api_invalid(r, field, "is not acceptable");
	if (rc == OMB_EEXIST) {
		r->err_field = field;
		snprintf(r->err_msg, sizeof r->err_msg, "%s: already taken", field);
	}
	return rc;
}

/* Over HTTPS a session cookie is never sent back in the clear. */
static const char *secure_attr(const struct api_req *r)
{
	return r->api->tls ? "; Secure" : "";
}

int h_login(struct api_req *r)
{
	const char *login, *password;
	int rc = api_body_str(r, "login", true, 64, &login);
	if (rc == OMB_OK)
		rc = api_body_str(r, "password", true, 256, &password);
	if (rc != OMB_OK)
		return rc;
	/* Per login name, so guesses spread over many addresses still wait;
	 * while they do, not even the right password is tried. */
	int64_t failures_per_min = r->app->cfg->login_failures_per_min;
	if (ratelimit_spent(login, RATE_LOGIN_FAILURES, failures_per_min, r->now)) {
		api_fail_status(r, MHD_HTTP_TOO_MANY_REQUESTS, "rate_limited",
				"too many wrong passwords for this login; try again in a minute");
		return OMB_OK;
	}
	char token[CRED_TOKEN_MAX], csrf[CRED_TOKEN_MAX];
	struct principal who;
	rc = accounts_login(r->app, login, password, r->now, token, csrf, &who);
	if (rc == OMB_EAUTH) {
		ratelimit_allow(login, RATE_LOGIN_FAILURES, failures_per_min, r->now);
		snprintf(r->err_msg, sizeof r->err_msg, "wrong login or password");
	}
	if (rc != OMB_OK)
		return rc;
	int64_t ttl = r->app->cfg->session_ttl_s;
	r->set_cookie = xasprintf("ombud_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
				  (long long)ttl, secure_attr(r));
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:s, s:I, s:o}", "token", token, "csrf", csrf,
						   "expires_ms", (json_int_t)(r->now + ttl * 1000), "me",
						   principal_json(&who)));
}

int h_logout(struct api_req *r)
{
	bool from_cookie = false;
	const char *auth = api_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *token = auth && strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
	if (!token) {
		token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "ombud_session");
		from_cookie = true;
	}
	int rc = accounts_logout(r->app, token);
	if (rc != OMB_OK)
		return rc;
	if (from_cookie)
		r->set_cookie = xasprintf("ombud_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", secure_attr(r));
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:b}", "logged_out", 1));
}

int h_org_settings(struct api_req *r)
{
	bool show = false;
	json_t *v = r->json_body ? json_object_get(r->json_body, "show_staff_names") : NULL;
	if (!json_is_boolean(v))
		return api_invalid(r, "show_staff_names", "must be true or false");
	show = json_is_true(v);
	int rc = admin_org_set_show_names(r->app, &r->who, show);
	struct org o;
	if (rc == OMB_OK)
		rc = accounts_org_get(r->app, r->who.org_code, &o);
	if (rc != OMB_OK)
		return rc;
	json_t *j = org_json(&o);
	json_object_set_new(j, "show_staff_names", json_boolean(o.show_names));
	return api_reply(r, MHD_HTTP_OK, j);
}

/* Who am I, and for a vendor's staff the companies they act for under the
 * vendor's contracts (their desks). */
int h_me(struct api_req *r)
{
	json_t *j = principal_json(&r->who);
	if (r->who.org_kind == ORG_VENDOR) {
		char codes[ACCOUNTS_CLIENTS_MAX][ORG_CODE_MAX];
		size_t n = 0;
		int rc = accounts_vendor_clients(r->app, r->who.org_id, codes, ACCOUNTS_CLIENTS_MAX, &n);
		if (rc != OMB_OK) {
			json_decref(j);
			return rc;
		}
		json_t *list = json_array();
		struct org client;
		for (size_t i = 0; i < n; i++) /* only the desks the contract lets this staff member at */
			if (accounts_org_get(r->app, codes[i], &client) == OMB_OK &&
			    accounts_vendor_acts_for(r->app, r->who.org_id, r->who.staff_id, client.id, 0))
				json_array_append_new(list, json_string(codes[i]));
		json_object_set_new(j, "acts_for", list);
	}
	return api_reply(r, MHD_HTTP_OK, j);
}

int h_orgs_list(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct org *orgs = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = accounts_org_list(r->app, after, limit, &orgs, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, org_json(&orgs[i]));
	int64_t last = n ? orgs[n - 1].id : 0;
	free(orgs);
	return api_reply_page(r, items, last, limit);
}

int h_org_get(struct api_req *r)
{
	struct org o;
	int rc = path_org(r, &o);
	return rc != OMB_OK ? rc : api_reply(r, MHD_HTTP_OK, org_json(&o));
}

json_t *api_dept_json(const struct dept *d)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", d->code, "name", d->name, "name_en", d->name_en,
			 "contact_line", d->contact_line, "manager_title", d->manager_title);
}

int h_depts_list(struct api_req *r)
{
	struct org o;
	int64_t after;
	int limit;
	int rc = path_org(r, &o);
	if (rc == OMB_OK)
		rc = api_page(r, &after, &limit);
	struct dept *depts = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = accounts_dept_list(r->app, o.id, after, limit, &depts, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, api_dept_json(&depts[i]));
	int64_t last = n ? depts[n - 1].id : 0;
	free(depts);
	return api_reply_page(r, items, last, limit);
}

int h_dept_create(struct api_req *r)
{
	struct org o;
	struct dept_new d = {0};
	int rc = path_org(r, &o);
	if (rc == OMB_OK)
		rc = api_body_str(r, "code", true, 24, &d.code);
	if (rc == OMB_OK)
		rc = api_body_str(r, "name", true, 120, &d.name);
	if (rc == OMB_OK)
		rc = api_body_str(r, "name_en", false, 120, &d.name_en);
	if (rc == OMB_OK)
		rc = api_body_str(r, "contact_line", false, 40, &d.contact_line);
	if (rc == OMB_OK)
		rc = api_body_str(r, "manager_title", false, 120, &d.manager_title);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	int64_t id;
	rc = admin_dept_create(r->app, &r->who, &d, &id, &err);
	if (rc != OMB_OK)
		return field_error(r, rc, err.field);
	struct dept made = {.id = id};
	snprintf(made.code, sizeof made.code, "%s", d.code);
	snprintf(made.name, sizeof made.name, "%s", d.name);
	snprintf(made.name_en, sizeof made.name_en, "%s", d.name_en ? d.name_en : "");
	snprintf(made.contact_line, sizeof made.contact_line, "%s", d.contact_line ? d.contact_line : "");
	snprintf(made.manager_title, sizeof made.manager_title, "%s", d.manager_title ? d.manager_title : "");
	return api_reply(r, MHD_HTTP_CREATED, api_dept_json(&made));
}

json_t *api_staff_json(const struct staff *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:o}", "login", s->login, "role", role_name(s->role),
			 "staff_code", s->staff_code, "display_name", s->display_name, "show_name", s->show_name,
			 "active", s->active, "dept", s->dept_code, "left", api_iso_or_null(s->left_ms));
}

int h_staff_list(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct staff *staff = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = accounts_staff_list(r->app, r->who.org_id, after, limit, &staff, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, api_staff_json(&staff[i]));
	int64_t last = n ? staff[n - 1].id : 0;
	free(staff);
	return api_reply_page(r, items, last, limit);
}

int h_staff_create(struct api_req *r)
{
	struct staff_new s = {.org_code = r->who.org_code};
	const char *role = NULL;
	int rc = api_body_str(r, "login", true, 63, &s.login);
	if (rc == OMB_OK)
		rc = api_body_str(r, "password", true, 256, &s.password);
	if (rc == OMB_OK)
		rc = api_body_str(r, "role", true, 32, &role);
	if (rc == OMB_OK && role_parse(role, &s.role) != OMB_OK)
		rc = api_invalid(r, "role", "is not a known role");
	if (rc == OMB_OK && s.role == ROLE_MACHINE)
		rc = api_invalid(r, "role", "machine clients get API keys, not accounts");
	if (rc == OMB_OK)
		rc = api_body_str(r, "dept", false, 24, &s.dept_code);
	if (rc == OMB_OK)
		rc = api_body_str(r, "display_name", false, 120, &s.display_name);
	if (rc == OMB_OK)
		rc = api_body_bool(r, "show_name", &s.show_name);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	int64_t id;
	struct staff made = {.role = s.role, .show_name = s.show_name, .active = true};
	rc = admin_staff_create(r->app, &r->who, &s, &id, made.staff_code, &err);
	if (rc == OMB_EINVAL && err.field && !strcmp(err.field, "role"))
		return api_invalid(r, "role", "this kind of organisation has no such role");
	if (rc != OMB_OK)
		return field_error(r, rc, err.field);
	made.id = id;
	snprintf(made.login, sizeof made.login, "%s", s.login);
	snprintf(made.display_name, sizeof made.display_name, "%s", s.display_name ? s.display_name : "");
	snprintf(made.dept_code, sizeof made.dept_code, "%s", s.dept_code ? s.dept_code : "");
	return api_reply(r, MHD_HTTP_CREATED, api_staff_json(&made));
}

int h_apikey_create(struct api_req *r)
{
	const char *name, *scopes;
	int rc = api_body_str(r, "name", true, 120, &name);
	if (rc == OMB_OK)
		rc = api_body_str(r, "scopes", true, 250, &scopes);
	if (rc != OMB_OK)
		return rc;
	char token[CRED_TOKEN_MAX];
	struct app_error err;
	rc = admin_apikey_create(r->app, &r->who, name, scopes, token, &err);
	if (rc != OMB_OK)
		return field_error(r, rc, err.field);
	return api_reply(r, MHD_HTTP_CREATED, json_pack("{s:s, s:s, s:s, s:s}", "key", token, "name", name,
							"scopes", scopes, "org", r->who.org_code));
}
