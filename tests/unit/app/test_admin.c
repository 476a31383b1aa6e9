/* test_admin.c — administration: each change with its audit row in one
 * transaction, the organisation's own calendar, leaving, contracts, keys. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "app/admin.h"
#include "app_fixture.h"
#include "base/clock.h"

#define NOW 1772413200000LL
#define PASSWORD "long enough password"

struct org_admin {
	struct principal who;
	int64_t org_id;
};

/* An organisation and its admin, as the principal the API would pass. */
static struct org_admin setup_org(struct app *app, const char *code, enum org_kind kind)
{
	struct org_admin a;
	memset(&a, 0, sizeof a);
	struct app_error err;
	struct org_new o = {.code = code, .name = "기관", .name_en = "", .kind = kind};
	assert_int_equal(admin_org_create(app, NULL, &o, &a.org_id, &err), OMB_OK);
	char login[32];
	snprintf(login, sizeof login, "%s.admin", code);
	for (char *p = login; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	struct staff_new s = {.org_code = code, .login = login, .password = PASSWORD, .role = ROLE_ADMIN};
	assert_int_equal(admin_staff_create(app, NULL, &s, &a.who.staff_id, a.who.staff_code, &err), OMB_OK);
	a.who.role = ROLE_ADMIN;
	a.who.org_id = a.org_id;
	a.who.org_kind = kind;
	snprintf(a.who.org_code, sizeof a.who.org_code, "%s", code);
	return a;
}

static void a_change_and_its_audit_row_go_together(void **state)
{
	struct app *app = fixture_app(state);
	struct org_admin a = setup_org(app, "HB", ORG_COMPANY);
	assert_int_equal(audit_count(app, a.org_id, "org.create"), 1);
	assert_int_equal(audit_count(app, a.org_id, "staff.create"), 1);
	struct dept_new d = {.code = "CARD", .name = "카드부"};
	struct app_error err;
	int64_t id;
	assert_int_equal(admin_dept_create(app, &a.who, &d, &id, &err), OMB_OK);
	assert_int_equal(admin_dept_create(app, &a.who, &d, &id, &err), OMB_EEXIST); /* nothing kept, nothing recorded */
	assert_string_equal(err.field, "code");
	assert_int_equal(audit_count(app, a.org_id, "dept.create"), 1);
	struct dept_new change = {.name = "카드사업부"};
	struct dept out;
	assert_int_equal(admin_dept_update(app, &a.who, "CARD", &change, &out, &err), OMB_OK);
	assert_string_equal(out.name, "카드사업부");
	struct audit_entry *items = NULL;
	size_t n = 0;
	assert_int_equal(admin_audit_list(app, a.org_id, 0, 100, &items, &n), OMB_OK);
	const struct audit_entry *last = &items[n - 1];
	assert_string_equal(last->action, "dept.update");
	assert_string_equal(last->staff_code, a.who.staff_code);
	assert_non_null(strstr(last->before, "\"name\":\"카드부\""));
	assert_non_null(strstr(last->after, "\"name\":\"카드사업부\""));
	assert_string_equal(items[0].staff_code, "operator");
	assert_string_equal(items[0].before, "null");
	admin_audit_free(items, n);
	struct dept_new bad = {.name = ""};
	assert_int_equal(admin_dept_update(app, &a.who, "CARD", &bad, &out, &err), OMB_EINVAL);
	assert_string_equal(err.field, "name");
	assert_int_equal(audit_count(app, a.org_id, "dept.update"), 1);
}

static void the_organisation_calendar_replaces_the_configuration(void **state)
{
	struct app *app = fixture_app(state);
	struct org_admin a = setup_org(app, "HB", ORG_COMPANY);
	struct admin_desk desk;
	assert_int_equal(admin_desk_load(app, a.org_id, &desk), OMB_OK);
	assert_false(desk.own);
	assert_int_equal(desk.cfg.deadlines.first_answer_hours, app->desk.deadlines.first_answer_hours);
	struct admin_desk_in in = {.deadlines = desk.cfg.deadlines};
	in.deadlines.first_answer_hours = 5;
	in.deadlines.level_answer_hours[LADDER_L3] = 11;
	in.deadlines.cal.business = true;
	struct admin_holiday days[] = {{20261225, "성탄절"}, {20260101, "신정"}};
	in.holidays = days;
	in.n_holidays = 2;
	struct app_error err;
	assert_int_equal(admin_desk_put(app, &a.who, &in, &err), OMB_OK);
	assert_int_equal(admin_desk_load(app, a.org_id, &desk), OMB_OK);
	assert_true(desk.own);
	assert_int_equal(desk.cfg.deadlines.first_answer_hours, 5);
	assert_int_equal(desk.cfg.deadlines.level_answer_hours[LADDER_L3], 11);
	assert_true(desk.cfg.deadlines.cal.business);
	assert_int_equal(desk.cfg.deadlines.cal.n_holidays, 2);
	assert_ptr_equal(desk.cfg.deadlines.cal.holidays, desk.holidays);
	assert_int_equal(desk.holidays[0], 20260101); /* by date */
	/* the desk counts with it: 5 open hours from Thursday 2026-12-24 16:00 KST are
	 * 2 that day, none on Christmas or the weekend, 3 on Monday: due 12:00 KST */
	int64_t start = 1798095600000LL; /* 2026-12-24T07:00:00Z */
	int64_t due = deadline_for(&desk.cfg.deadlines, DEADLINE_FIRST_ANSWER, LADDER_L1, start);
	assert_int_equal(due, 1798426800000LL); /* 2026-12-28T03:00:00Z */
	struct admin_holiday twice[] = {{20261225, ""}, {20261225, ""}};
	in.holidays = twice;
	assert_int_equal(admin_desk_put(app, &a.who, &in, &err), OMB_EINVAL);
	assert_string_equal(err.field, "holidays");
	struct admin_holiday no_day[] = {{20260230, ""}};
	in.holidays = no_day;
	in.n_holidays = 1;
	assert_int_equal(admin_desk_put(app, &a.who, &in, &err), OMB_EINVAL);
	assert_string_equal(err.field, "deadlines");
	assert_int_equal(audit_count(app, a.org_id, "desk.settings"), 1);
	/* renaming a holiday is a change the audit shows */
	struct admin_holiday renamed[] = {{20261225, "크리스마스"}, {20260101, "신정"}};
	in.holidays = renamed;
	in.n_holidays = 2;
	assert_int_equal(admin_desk_put(app, &a.who, &in, &err), OMB_OK);
	struct audit_entry *items = NULL;
	size_t n = 0;
	assert_int_equal(admin_audit_list(app, a.org_id, 0, 100, &items, &n), OMB_OK);
	assert_string_equal(items[n - 1].action, "desk.settings");
	assert_non_null(strstr(items[n - 1].before, "\"name\":\"성탄절\""));
	assert_non_null(strstr(items[n - 1].after, "\"name\":\"크리스마스\""));
	admin_audit_free(items, n);
}

static void a_leaver_loses_sessions_and_keys_at_once(void **state)
{
	struct app *app = fixture_app(state);
	struct org_admin a = setup_org(app, "HB", ORG_COMPANY);
	struct staff_new s = {.org_code = "HB", .login = "hb.second", .password = PASSWORD, .role = ROLE_ADMIN};
	struct app_error err;
	struct principal second = a.who;
	assert_int_equal(admin_staff_create(app, &a.who, &s, &second.staff_id, second.staff_code, &err), OMB_OK);
	char key[CRED_TOKEN_MAX], token[CRED_TOKEN_MAX], csrf[CRED_TOKEN_MAX];
	assert_int_equal(admin_apikey_create(app, &second, "dialer", "tm.disclose", key, &err), OMB_OK);
	struct principal who;
	int64_t now = clock_now_ms();
	assert_int_equal(accounts_authenticate(app, key, now, &who), OMB_OK); /* cached from here */
	assert_int_equal(accounts_login(app, "hb.second", PASSWORD, now, token, csrf, &who), OMB_OK);
	struct admin_leave out;
	assert_int_equal(admin_staff_leave(app, &a.who, second.staff_code, now, &out, &err), OMB_OK);
	assert_int_equal(out.sessions_ended, 1);
	assert_int_equal(out.keys_revoked, 1);
	assert_false(out.staff.active);
	assert_int_equal(out.staff.left_ms, now);
	assert_int_equal(accounts_authenticate(app, key, now, &who), OMB_EAUTH);
	assert_int_equal(accounts_authenticate(app, token, now, &who), OMB_EAUTH);
	assert_int_equal(accounts_login(app, "hb.second", PASSWORD, now, token, csrf, &who), OMB_EAUTH);
	assert_int_equal(admin_staff_leave(app, &a.who, second.staff_code, now, &out, &err), OMB_ECONFLICT);
	assert_int_equal(admin_staff_leave(app, &a.who, a.who.staff_code, now, &out, &err), OMB_ECONFLICT);
	assert_int_equal(admin_staff_leave(app, &a.who, "HB-AGT-9999", now, &out, &err), OMB_ENOTFOUND);
	assert_int_equal(audit_count(app, a.org_id, "staff.leave"), 1);
}

static void contracts_decide_who_acts_for_whom(void **state)
{
	struct app *app = fixture_app(state);
	struct org_admin hb = setup_org(app, "HB", ORG_COMPANY);
	struct org_admin cc = setup_org(app, "CC", ORG_VENDOR);
	struct app_error err;
	int64_t id;
	struct dept_new d = {.code = "CARD", .name = "카드부"};
	assert_int_equal(admin_dept_create(app, &hb.who, &d, &id, &err), OMB_OK);
	assert_int_equal(admin_category_add(app, &hb.who, "CARD", "카드", "", "CARD", false, &err), OMB_OK);
	assert_int_equal(admin_category_add(app, &hb.who, "LOAN", "대출", "", "CARD", false, &err), OMB_OK);
	struct staff_new s = {.org_code = "CC", .login = "cc.one", .password = PASSWORD, .role = ROLE_AGENT};
	int64_t one, two;
	char code_one[STAFF_CODE_MAX], code_two[STAFF_CODE_MAX];
	assert_int_equal(admin_staff_create(app, &cc.who, &s, &one, code_one, &err), OMB_OK);
	s.login = "cc.two";
	assert_int_equal(admin_staff_create(app, &cc.who, &s, &two, code_two, &err), OMB_OK);
	assert_false(accounts_vendor_acts_for(app, cc.org_id, one, hb.org_id, 0));
	const char *cats[] = {"CARD"}, *agents[] = {code_one};
	assert_int_equal(admin_contract_put(app, &cc.who, "CC", cats, 1, agents, 1, &err), OMB_EPERM); /* a vendor makes none */
	assert_int_equal(admin_contract_put(app, &hb.who, "CC", cats, 1, agents, 1, &err), OMB_OK);
	struct desk_contract c;
	assert_int_equal(accounts_vendor_contract(app, cc.org_id, hb.org_id, &c), OMB_OK);
	assert_true(c.exists);
	assert_int_equal(c.n_categories, 1);
	assert_true(accounts_vendor_acts_for(app, cc.org_id, one, hb.org_id, c.categories[0]));
	assert_true(accounts_vendor_acts_for(app, cc.org_id, one, hb.org_id, 0));
	assert_false(accounts_vendor_acts_for(app, cc.org_id, one, hb.org_id, c.categories[0] + 1));
	assert_false(accounts_vendor_acts_for(app, cc.org_id, two, hb.org_id, 0));
	const char *unknown[] = {"CARD", "NOPE"};
	assert_int_equal(admin_contract_put(app, &hb.who, "CC", unknown, 2, NULL, 0, &err), OMB_EINVAL);
	assert_string_equal(err.field, "categories");
	assert_false(accounts_vendor_acts_for(app, cc.org_id, two, hb.org_id, 0)); /* the failed put changed nothing */
	assert_int_equal(admin_contract_put(app, &hb.who, "CC", NULL, 0, NULL, 0, &err), OMB_OK);
	assert_true(accounts_vendor_acts_for(app, cc.org_id, two, hb.org_id, c.categories[0] + 1));
	assert_int_equal(admin_contract_end(app, &hb.who, "CC", &err), OMB_OK);
	assert_false(accounts_vendor_acts_for(app, cc.org_id, one, hb.org_id, 0));
	assert_int_equal(admin_contract_end(app, &hb.who, "CC", &err), OMB_ENOTFOUND);
	assert_int_equal(audit_count(app, hb.org_id, "contract.put"), 2);
	assert_int_equal(audit_count(app, hb.org_id, "contract.end"), 1);
}

static void rotation_keeps_every_key(void **state)
{
	struct app *app = fixture_app(state);
	struct org_admin a = setup_org(app, "HB", ORG_COMPANY);
	struct case_key first, second;
	assert_int_equal(admin_key_rotate(app, &a.who, NOW, &first), OMB_OK);
	assert_int_equal(admin_key_rotate(app, &a.who, NOW + 1000, &second), OMB_OK);
	assert_true(second.id > first.id);
	assert_memory_not_equal(first.public_key, second.public_key, CHAIN_PK_BYTES);
	struct case_head_item *heads = NULL;
	struct case_key *keys = NULL;
	size_t n = 0, n_keys = 0;
	assert_int_equal(cases_heads_of_day(app, "HB", NOW - NOW % CLOCK_MS_PER_DAY, &heads, &n, &keys, &n_keys), OMB_OK);
	assert_int_equal(n_keys, 3); /* made on the first rotation, then two more */
	assert_int_equal(keys[1].id, first.id);
	assert_int_equal(keys[1].retired_ms, NOW + 1000);
	assert_int_equal(keys[2].id, second.id);
	assert_int_equal(keys[2].retired_ms, 0);
	free(heads);
	free(keys);
	assert_int_equal(audit_count(app, a.org_id, "key.rotate"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(a_change_and_its_audit_row_go_together),
		APP_TEST(the_organisation_calendar_replaces_the_configuration),
		APP_TEST(a_leaver_loses_sessions_and_keys_at_once),
		APP_TEST(contracts_decide_who_acts_for_whom),
		APP_TEST(rotation_keeps_every_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
