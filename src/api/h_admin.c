/* h_admin.c — an organisation's administration: the audit trail, updates of
 * departments, categories and staff, staff leaving, deadlines and the
 * working calendar, vendor contracts and the signing key (app/admin.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "app/admin.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/text.h"

static int use_case(struct api_req *r, int rc, const struct app_error *err)
{
	return api_fail_use_case(r, rc, err->field, err->reason);
}

/* ---- the audit trail ---- */

/* A stored JSON text as a value; text that is not JSON shows as a string. */
static json_t *stored_json(const char *text)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	return j ? j : json_string(text);
}

int h_audit_list(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct audit_entry *items = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = admin_audit_list(r->app, r->who.org_id, after, limit, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)items[i].id,
						      "at", api_iso_or_null(items[i].at_ms), "by", items[i].staff_code,
						      "action", items[i].action, "target", items[i].target, "before",
						      stored_json(items[i].before), "after", stored_json(items[i].after)));
	int64_t last = n ? items[n - 1].id : 0;
	admin_audit_free(items, n);
	return api_reply_page(r, list, last, limit);
}

/* ---- updates ---- */

int h_dept_update(struct api_req *r)
{
	struct dept_new d = {0};
	int rc = api_body_str(r, "name", false, 120, &d.name);
	if (rc == OMB_OK)
		rc = api_body_str(r, "name_en", false, 120, &d.name_en);
	if (rc == OMB_OK)
		rc = api_body_str(r, "contact_line", false, 40, &d.contact_line);
	if (rc == OMB_OK)
		rc = api_body_str(r, "manager_title", false, 120, &d.manager_title);
	if (rc != OMB_OK)
		return rc;
	struct dept out;
	struct app_error err;
	if ((rc = admin_dept_update(r->app, &r->who, r->params[1], &d, &out, &err)) != OMB_OK)
		return use_case(r, rc, &err);
	return api_reply(r, MHD_HTTP_OK, api_dept_json(&out));
}

int h_category_update(struct api_req *r)
{
	const char *dept;
	int rc = api_body_str(r, "dept", true, 24, &dept);
	if (rc != OMB_OK)
		return rc;
	struct case_category c;
	struct app_error err;
	if ((rc = admin_category_set_dept(r->app, &r->who, r->params[1], dept, &c, &err)) != OMB_OK)
		return use_case(r, rc, &err);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", c.code, "name", c.name,
						   "name_en", c.name_en, "dept", c.dept, "about_center", c.about_center));
}

int h_staff_update(struct api_req *r)
{
	const char *dept = NULL, *role_text = NULL;
	enum role role = ROLE_NONE;
	int rc = api_body_str(r, "dept", false, 24, &dept);
	if (rc == OMB_OK)
		rc = api_body_str(r, "role", false, 32, &role_text);
	if (rc == OMB_OK && role_text && role_parse(role_text, &role) != OMB_OK)
		rc = api_invalid(r, "role", "is not a known role");
	if (rc == OMB_OK && !dept && !role_text)
		rc = api_invalid(r, "dept", "give dept, role or both");
	if (rc != OMB_OK)
		return rc;
	struct staff s;
	struct app_error err;
	if ((rc = admin_staff_update(r->app, &r->who, r->params[1], dept, role, &s, &err)) != OMB_OK)
		return use_case(r, rc, &err);
	return api_reply(r, MHD_HTTP_OK, api_staff_json(&s));
}

int h_staff_leave(struct api_req *r)
{
	struct admin_leave out;
	struct app_error err;
	int rc = admin_staff_leave(r->app, &r->who, r->params[1], r->now, &out, &err);
	if (rc != OMB_OK)
		return use_case(r, rc, &err);
	json_t *j = api_staff_json(&out.staff);
	json_object_set_new(j, "sessions_ended", json_integer(out.sessions_ended));
	json_object_set_new(j, "api_keys_revoked", json_integer(out.keys_revoked));
	return api_reply(r, MHD_HTTP_OK, j);
}

/* ---- deadlines and the working calendar ---- */

static const char *const level_keys[] = {"L2", "L3", "L4"};

static int desk_settings_reply(struct api_req *r, unsigned status)
{
	struct admin_desk d;
	struct admin_holiday *h = NULL;
	size_t n = 0;
	int rc = admin_desk_load(r->app, r->who.org_id, &d);
	if (rc == OMB_OK)
		rc = admin_holidays(r->app, r->who.org_id, &h, &n);
	if (rc == OMB_OK && !d.own)
		n = 0; /* the configuration's holidays apply; admin_desk_json lists the organisation's own */
	if (rc == OMB_OK)
		rc = api_reply(r, status, admin_desk_json(&d, h, n));
	free(h);
	return rc;
}

int h_desk_settings_get(struct api_req *r)
{
	return desk_settings_reply(r, MHD_HTTP_OK);
}

static int hours_field(struct api_req *r, const char *key, int32_t *out)
{
	int64_t v = *out;
	int rc = api_body_int(r, key, false, 1, 8760, &v);
	*out = (int32_t)v;
	return rc;
}

static int week_field(struct api_req *r, struct deadline_calendar *cal)
{
	json_t *week = json_object_get(r->json_body, "week");
	if (!week)
		return OMB_OK;
	if (!json_is_array(week) || json_array_size(week) != 7)
		return api_invalid(r, "week", "must list seven days, Monday first");
	for (size_t i = 0; i < 7; i++) {
		const char *day = json_string_value(json_array_get(week, i));
		if (!day || deadline_hours_parse(day, &cal->week[i]) != OMB_OK)
			return api_invalid(r, "week", "each day is \"HH:MM-HH:MM\" or \"closed\"");
	}
	return OMB_OK;
}

static int holidays_field(struct api_req *r, struct admin_holiday *days, size_t *n, bool *given)
{
	json_t *list = json_object_get(r->json_body, "holidays");
	*given = list != NULL;
	if (!list)
		return OMB_OK;
	if (!json_is_array(list) || json_array_size(list) > ADMIN_HOLIDAYS_MAX)
		return api_invalid(r, "holidays", "must be a list of at most 400 {date, name}");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *item = json_array_get(list, i);
		const char *date = json_string_value(json_object_get(item, "date"));
		const char *name = json_string_value(json_object_get(item, "name"));
		int y, m, d, used = 0;
		if (!date || strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
			return api_invalid(r, "holidays", "each date is YYYY-MM-DD");
		if (name && (strlen(name) > 60 || !text_is_clean_utf8(name, strlen(name))))
			return api_invalid(r, "holidays", "each name is at most 60 bytes of text");
		days[i].day = y * 10000 + m * 100 + d;
		snprintf(days[i].name, sizeof days[i].name, "%s", name ? name : "");
	}
	*n = json_array_size(list);
	return OMB_OK;
}

/* Fields left out keep their current value (the organisation's, or the
 * configuration's until it sets its own); holidays left out stay as they are. */
int h_desk_settings_put(struct api_req *r)
{
	struct admin_desk now;
	int rc = admin_desk_load(r->app, r->who.org_id, &now);
	if (rc != OMB_OK)
		return rc;
	struct admin_desk_in in = {.deadlines = now.cfg.deadlines};
	struct deadline_policy *p = &in.deadlines;
	int64_t offset = p->cal.utc_offset_min;
	json_t *levels = json_object_get(r->json_body, "level_answer_hours");
	if ((rc = hours_field(r, "first_answer_hours", &p->first_answer_hours)) != OMB_OK ||
	    (rc = hours_field(r, "responsible_contact_hours", &p->responsible_contact_hours)) != OMB_OK)
		return rc;
	if (levels && !json_is_object(levels))
		return api_invalid(r, "level_answer_hours", "must be an object {\"L2\": hours, \"L3\": ..., \"L4\": ...}");
	for (int i = 0; levels && i < 3; i++) {
		json_t *v = json_object_get(levels, level_keys[i]);
		if (v && (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 8760))
			return api_invalid(r, "level_answer_hours", "each level's hours are 1-8760");
		if (v)
			p->level_answer_hours[LADDER_L2 + i] = (int32_t)json_integer_value(v);
	}
	int64_t days = p->final_answer_days;
	if ((rc = api_body_int(r, "final_answer_days", false, 1, 365, &days)) != OMB_OK ||
	    (rc = api_body_bool(r, "business_hours", &p->cal.business)) != OMB_OK ||
	    (rc = api_body_int(r, "utc_offset_min", false, -14 * 60, 14 * 60, &offset)) != OMB_OK ||
	    (rc = week_field(r, &p->cal)) != OMB_OK)
		return rc;
	p->final_answer_days = (int32_t)days;
	p->cal.utc_offset_min = (int32_t)offset;
	struct admin_holiday *holidays = xcalloc(ADMIN_HOLIDAYS_MAX, sizeof *holidays);
	size_t n = 0;
	bool given = false;
	rc = holidays_field(r, holidays, &n, &given);
	if (rc == OMB_OK && !given && now.own) {
		free(holidays);
		rc = admin_holidays(r->app, r->who.org_id, &holidays, &n); /* kept as they are */
	} else if (rc == OMB_OK && !given) {
		const struct deadline_calendar *cal = &now.cfg.deadlines.cal; /* the configuration's, now its own */
		for (n = 0; n < cal->n_holidays && n < ADMIN_HOLIDAYS_MAX; n++)
			holidays[n].day = cal->holidays[n];
	}
	struct app_error err;
	in.holidays = holidays;
	in.n_holidays = n;
	if (rc == OMB_OK && (rc = admin_desk_put(r->app, &r->who, &in, &err)) != OMB_OK)
		rc = use_case(r, rc, &err);
	free(holidays);
	return rc != OMB_OK ? rc : desk_settings_reply(r, MHD_HTTP_OK);
}

/* ---- vendor contracts ---- */

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

int h_contracts_list(struct api_req *r)
{
	struct admin_contract *items = NULL;
	size_t n = 0;
	int rc = admin_contracts(r->app, r->who.org_id, &items, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(list, contract_json(&items[i]));
		admin_contract_free(&items[i]);
	}
	free(items);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:o}", "items", list));
}

/* "all", or a list of codes (borrowed from the body into codes[]). */
static int codes_field(struct api_req *r, const char *key, size_t max, const char **codes, size_t *n, bool *all)
{
	json_t *v = json_object_get(r->json_body, key);
	*n = 0;
	*all = v && json_is_string(v) && strcmp(json_string_value(v), "all") == 0;
	if (*all)
		return OMB_OK;
	if (!json_is_array(v) || json_array_size(v) > max)
		return api_invalid(r, key, "must be \"all\" or a list of codes");
	for (size_t i = 0; i < json_array_size(v); i++)
		if (!(codes[(*n)++] = json_string_value(json_array_get(v, i))))
			return api_invalid(r, key, "must be \"all\" or a list of codes");
	return OMB_OK;
}

int h_contract_put(struct api_req *r)
{
	const char *cats[CONTRACT_CATEGORIES_MAX], *agents[CONTRACT_AGENTS_MAX];
	size_t n_cats, n_agents;
	bool all_cats, all_agents;
	int rc = codes_field(r, "categories", CONTRACT_CATEGORIES_MAX, cats, &n_cats, &all_cats);
	if (rc == OMB_OK)
		rc = codes_field(r, "agents", CONTRACT_AGENTS_MAX, agents, &n_agents, &all_agents);
	if (rc != OMB_OK)
		return rc;
	struct app_error err;
	rc = admin_contract_put(r->app, &r->who, r->params[1], all_cats ? NULL : cats, n_cats,
				all_agents ? NULL : agents, n_agents, &err);
	if (rc != OMB_OK)
		return use_case(r, rc, &err);
	struct admin_contract *items = NULL;
	size_t n = 0;
	if ((rc = admin_contracts(r->app, r->who.org_id, &items, &n)) != OMB_OK)
		return rc;
	json_t *j = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!j && strcmp(items[i].vendor, r->params[1]) == 0)
			j = contract_json(&items[i]);
		admin_contract_free(&items[i]);
	}
	free(items);
	return j ? api_reply(r, MHD_HTTP_OK, j) : OMB_ESTORE;
}

int h_contract_end(struct api_req *r)
{
	struct app_error err;
	int rc = admin_contract_end(r->app, &r->who, r->params[1], &err);
	if (rc != OMB_OK)
		return use_case(r, rc, &err);
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:b}", "vendor", r->params[1], "ended", 1));
}

/* ---- the signing key ---- */

int h_key_rotate(struct api_req *r)
{
	struct case_key k;
	int rc = admin_key_rotate(r->app, &r->who, r->now, &k);
	return rc != OMB_OK ? rc : api_reply(r, MHD_HTTP_OK, api_key_json(&k));
}
