/* test_accounts.c — organisations, staff, sessions, CSRF and API keys. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "app/accounts.h"
#include "app_fixture.h"

#define NOW 1772413200000LL
#define PASSWORD "long enough password"

static int64_t make_org(struct app *app, const char *code, enum org_kind kind)
{
	const char *field = NULL;
	int64_t id = 0;
	struct org_new in = {.code = code, .name = "한빛은행", .name_en = "Hanbit Bank", .kind = kind};
	assert_int_equal(accounts_org_create(app, &in, &id, &field), OMB_OK);
	assert_true(id > 0);
	return id;
}

static void make_staff(struct app *app, const char *org, const char *login, enum role role, char code[STAFF_CODE_MAX])
{
	const char *field = NULL;
	int64_t id = 0;
	struct staff_new in = {.org_code = org, .login = login, .password = PASSWORD, .role = role};
	assert_int_equal(accounts_staff_create(app, &in, &id, code, &field), OMB_OK);
	assert_true(id > 0);
}

static void org_create_get_list(void **state)
{
	struct app *app = fixture_app(state);
	int64_t hb = make_org(app, "HB", ORG_COMPANY);
	int64_t cc = make_org(app, "CC1", ORG_VENDOR);
	struct org o;
	assert_int_equal(accounts_org_get(app, "CC1", &o), OMB_OK);
	assert_int_equal(o.id, cc);
	assert_string_equal(o.code, "CC1");
	assert_int_equal(o.kind, ORG_VENDOR);
	assert_string_equal(o.name, "한빛은행");
	assert_string_equal(o.name_en, "Hanbit Bank");
	assert_false(o.show_names);
	assert_int_equal(accounts_org_get(app, "ZZ", &o), OMB_ENOTFOUND);

	struct org *items = NULL;
	size_t n = 0;
	assert_int_equal(accounts_org_list(app, 0, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(items[0].id, hb);
	assert_string_equal(items[1].code, "CC1");
	free(items);
	assert_int_equal(accounts_org_list(app, hb, 1, &items, &n), OMB_OK); /* next page */
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, cc);
	free(items);
}

static void org_validation_names_the_field(void **state)
{
	struct app *app = fixture_app(state);
	struct {
		struct org_new in;
		const char *field;
	} bad[] = {
		{{.code = "hb", .name = "x"}, "code"},
		{{.code = "H", .name = "x"}, "code"},
		{{.code = "1B", .name = "x"}, "code"},
		{{.code = "ABCDEFGHIJK", .name = "x"}, "code"},
		{{.code = NULL, .name = "x"}, "code"},
		{{.code = "HB", .name = ""}, "name"},
		{{.code = "HB", .name = "two\nlines"}, "name"},
		{{.code = "HB", .name = "bad \xc3\x28 utf8"}, "name"},
		{{.code = "HB", .name = "x", .kind = ORG_KIND_COUNT}, "kind"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *field = NULL;
		int64_t id = 0;
		assert_int_equal(accounts_org_create(app, &bad[i].in, &id, &field), OMB_EINVAL);
		assert_string_equal(field, bad[i].field);
	}
	char long_name[130];
	memset(long_name, 'n', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	const char *field = NULL;
	int64_t id = 0;
	struct org_new in = {.code = "HB", .name = "x", .name_en = long_name};
	assert_int_equal(accounts_org_create(app, &in, &id, &field), OMB_EINVAL);
	assert_string_equal(field, "name_en");

	make_org(app, "HB", ORG_COMPANY);
	field = NULL;
	in.name_en = NULL;
	assert_int_equal(accounts_org_create(app, &in, &id, &field), OMB_EEXIST);
	assert_string_equal(field, "code");
}

static void roles_per_kind_of_organisation(void **state)
{
	assert_true(role_allowed_in(ROLE_AGENT, ORG_COMPANY));
	assert_true(role_allowed_in(ROLE_PRACTITIONER, ORG_COMPANY));
	assert_false(role_allowed_in(ROLE_SUPERVISOR, ORG_COMPANY));
	assert_true(role_allowed_in(ROLE_SUPERVISOR, ORG_VENDOR));
	assert_false(role_allowed_in(ROLE_MANAGER, ORG_VENDOR));
	assert_true(role_allowed_in(ROLE_REGULATOR, ORG_REGULATOR));
	assert_false(role_allowed_in(ROLE_REGULATOR, ORG_COMPANY));
	assert_true(role_allowed_in(ROLE_SCREENER, ORG_CARRIER));
	assert_true(role_allowed_in(ROLE_INVESTIGATOR, ORG_POLICE));
	assert_false(role_allowed_in(ROLE_INVESTIGATOR, ORG_CARRIER));
	assert_true(role_allowed_in(ROLE_TELEMARKETER, ORG_TELEMARKETER));
	for (int k = 0; k < ORG_KIND_COUNT; k++) {
		assert_true(role_allowed_in(ROLE_ADMIN, (enum org_kind)k));    /* every org manages its accounts */
		assert_false(role_allowed_in(ROLE_MACHINE, (enum org_kind)k)); /* machines are API keys */
		assert_false(role_allowed_in(ROLE_NONE, (enum org_kind)k));
	}
	assert_false(role_allowed_in(ROLE_ADMIN, ORG_KIND_COUNT));
	assert_false(role_allowed_in(ROLE_COUNT, ORG_COMPANY));

	enum role r = ROLE_NONE;
	assert_int_equal(role_parse("practitioner", &r), OMB_OK);
	assert_int_equal(r, ROLE_PRACTITIONER);
	assert_string_equal(role_name(r), "practitioner");
	assert_int_equal(role_parse("none", &r), OMB_EINVAL);
	enum org_kind k = ORG_COMPANY;
	assert_int_equal(org_kind_parse("police", &k), OMB_OK);
	assert_int_equal(k, ORG_POLICE);
	assert_int_equal(org_kind_parse("bank", &k), OMB_EINVAL);
}

static void staff_codes_and_errors(void **state)
{
	struct app *app = fixture_app(state);
	make_org(app, "HB", ORG_COMPANY);
	char code[STAFF_CODE_MAX];
	make_staff(app, "HB", "kim.agent", ROLE_AGENT, code);
	assert_string_equal(code, "HB-AGT-0001");
	make_staff(app, "HB", "lee_admin", ROLE_ADMIN, code);
	assert_string_equal(code, "HB-ADM-0002");

	struct {
		struct staff_new in;
		int rc;
		const char *field;
	} bad[] = {
		{{"HB", "kim.agent", PASSWORD, ROLE_AGENT, NULL, NULL, false, NULL}, OMB_EEXIST, "login"},
		{{"HB", "park", PASSWORD, ROLE_SUPERVISOR, NULL, NULL, false, NULL}, OMB_EINVAL, "role"},
		{{"HB", "park", PASSWORD, ROLE_MACHINE, NULL, NULL, false, NULL}, OMB_EINVAL, "role"},
		{{"ZZ", "park", PASSWORD, ROLE_AGENT, NULL, NULL, false, NULL}, OMB_ENOTFOUND, "org"},
		{{"HB", "Park", PASSWORD, ROLE_AGENT, NULL, NULL, false, NULL}, OMB_EINVAL, "login"},
		{{"HB", "pa", PASSWORD, ROLE_AGENT, NULL, NULL, false, NULL}, OMB_EINVAL, "login"},
		{{"HB", "park", "short", ROLE_AGENT, NULL, NULL, false, NULL}, OMB_EINVAL, "password"},
		{{"HB", "park", PASSWORD, ROLE_AGENT, "NODEPT", NULL, false, NULL}, OMB_EINVAL, "dept"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *field = NULL;
		int64_t id = 0;
		assert_int_equal(accounts_staff_create(app, &bad[i].in, &id, NULL, &field), bad[i].rc);
		assert_string_equal(field, bad[i].field);
	}

	struct org o;
	accounts_org_get(app, "HB", &o);
	struct staff *items = NULL;
	size_t n = 0;
	assert_int_equal(accounts_staff_list(app, o.id, 0, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 2); /* the failed attempts left nothing behind */
	assert_string_equal(items[0].login, "kim.agent");
	assert_int_equal(items[0].role, ROLE_AGENT);
	assert_true(items[0].active);
	assert_string_equal(items[1].staff_code, "HB-ADM-0002");
	free(items);
}

static void login_and_authenticate(void **state)
{
	struct app *app = fixture_app(state);
	make_org(app, "HB", ORG_COMPANY);
	char code[STAFF_CODE_MAX], token[CRED_TOKEN_MAX], csrf[CRED_TOKEN_MAX];
	make_staff(app, "HB", "kim", ROLE_PRACTITIONER, code);
	struct principal who;
	assert_int_equal(accounts_login(app, "kim", "wrong password!", NOW, token, csrf, &who), OMB_EAUTH);
	assert_int_equal(accounts_login(app, "nobody", PASSWORD, NOW, token, csrf, &who), OMB_EAUTH);
	assert_int_equal(accounts_login(app, "kim", PASSWORD, NOW, token, csrf, &who), OMB_OK);
	assert_memory_equal(token, "ombs_", 5);
	assert_int_equal(who.role, ROLE_PRACTITIONER);
	assert_string_equal(who.staff_code, code);
	assert_string_equal(who.org_code, "HB");
	assert_int_equal(who.org_kind, ORG_COMPANY);
	assert_true(who.via_session);
	assert_true(who.staff_id > 0);

	struct principal again;
	assert_int_equal(accounts_authenticate(app, token, NOW + 1000, &again), OMB_OK);
	assert_int_equal(again.staff_id, who.staff_id);
	assert_int_equal(again.org_id, who.org_id);

	int64_t ttl_ms = app->cfg->session_ttl_s * 1000;
	assert_int_equal(accounts_authenticate(app, token, NOW + ttl_ms - 1, &again), OMB_OK);
	assert_int_equal(accounts_authenticate(app, token, NOW + ttl_ms, &again), OMB_EAUTH);
	assert_int_equal(again.role, ROLE_NONE); /* nothing of the principal leaks on failure */

	char forged[CRED_TOKEN_MAX];
	memcpy(forged, token, sizeof forged);
	forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == 'A' ? 'B' : 'A'; /* same selector */
	assert_int_equal(accounts_authenticate(app, forged, NOW, &again), OMB_EAUTH);
	assert_int_equal(accounts_authenticate(app, "ombs_garbage", NOW, &again), OMB_EAUTH);
	assert_int_equal(accounts_authenticate(app, "", NOW, &again), OMB_EAUTH);

	/* Expired sessions are purged; a live one is kept. */
	assert_int_equal(accounts_purge_sessions(app, NOW), OMB_OK);
	assert_int_equal(accounts_authenticate(app, token, NOW, &again), OMB_OK);
	assert_int_equal(accounts_purge_sessions(app, NOW + ttl_ms + 1), OMB_OK);
	assert_int_equal(accounts_authenticate(app, token, NOW, &again), OMB_EAUTH);
}

static void logout_and_csrf(void **state)
{
	struct app *app = fixture_app(state);
	make_org(app, "HB", ORG_COMPANY);
	char code[STAFF_CODE_MAX], token[CRED_TOKEN_MAX], csrf[CRED_TOKEN_MAX];
	char token2[CRED_TOKEN_MAX], csrf2[CRED_TOKEN_MAX];
	make_staff(app, "HB", "kim", ROLE_AGENT, code);
	struct principal who, who2;
	assert_int_equal(accounts_login(app, "kim", PASSWORD, NOW, token, csrf, &who), OMB_OK);
	assert_int_equal(accounts_login(app, "kim", PASSWORD, NOW, token2, csrf2, &who2), OMB_OK);

	assert_true(accounts_csrf_ok(app, &who, csrf));
	assert_false(accounts_csrf_ok(app, &who, csrf2)); /* another session's token */
	assert_false(accounts_csrf_ok(app, &who, token));
	assert_false(accounts_csrf_ok(app, &who, ""));
	assert_false(accounts_csrf_ok(app, &who, NULL));

	assert_int_equal(accounts_logout(app, token), OMB_OK);
	assert_int_equal(accounts_authenticate(app, token, NOW, &who), OMB_EAUTH);
	assert_int_equal(accounts_authenticate(app, token2, NOW, &who2), OMB_OK); /* the other session lives */
	assert_int_equal(accounts_logout(app, "not a token"), OMB_EAUTH);
}

static void api_keys_and_scopes(void **state)
{
	struct app *app = fixture_app(state);
	int64_t org = make_org(app, "TM", ORG_TELEMARKETER);
	char token[CRED_TOKEN_MAX];
	const char *field = NULL;
	assert_int_equal(accounts_apikey_create(app, org, 0, "dialer", "tm.disclose cases.read", token, &field),
			 OMB_OK);
	assert_memory_equal(token, "ombk_", 5);

	struct principal who;
	assert_int_equal(accounts_authenticate(app, token, NOW, &who), OMB_OK);
	assert_int_equal(who.role, ROLE_MACHINE);
	assert_int_equal(who.staff_id, 0);
	assert_int_equal(who.org_id, org);
	assert_string_equal(who.org_code, "TM");
	assert_int_equal(who.org_kind, ORG_TELEMARKETER);
	assert_false(who.via_session);
	assert_string_equal(who.scopes, "tm.disclose cases.read");
	assert_false(accounts_csrf_ok(app, &who, token)); /* API keys have no CSRF token */

	assert_true(accounts_scope_ok(&who, "tm.disclose"));
	assert_true(accounts_scope_ok(&who, "cases.read"));
	assert_false(accounts_scope_ok(&who, "tm.disclosed"));
	assert_false(accounts_scope_ok(&who, "tm"));
	assert_false(accounts_scope_ok(&who, "disclose"));
	assert_false(accounts_scope_ok(&who, "cases.rea"));
	assert_false(accounts_scope_ok(&who, "tm.disclose cases"));
	assert_false(accounts_scope_ok(&who, ""));
	snprintf(who.scopes, sizeof who.scopes, "tm.disclosed xtm.disclose");
	assert_false(accounts_scope_ok(&who, "tm.disclose"));

	assert_int_equal(accounts_apikey_create(app, org, 0, "", "cases.read", token, &field), OMB_EINVAL);
	assert_string_equal(field, "name");
	assert_int_equal(accounts_apikey_create(app, org, 0, "k", "", token, &field), OMB_EINVAL);
	assert_string_equal(field, "scopes");
	assert_int_equal(accounts_apikey_create(app, org, 0, "k", "Cases.Read", token, &field), OMB_EINVAL);
	assert_string_equal(field, "scopes");
	assert_int_equal(accounts_apikey_create(app, org, 0, "k", NULL, token, &field), OMB_EINVAL);
	assert_string_equal(field, "scopes");
}

/* Revoked behind the app's back (as another node would): the cached key
 * works until its cache time runs out, then never again. */
static void revoked_api_key_stops_within_the_cache_time(void **state)
{
	struct app_fixture *f = *state;
	struct app *app = &f->app;
	int64_t org = make_org(app, "DT", ORG_CARRIER);
	char token[CRED_TOKEN_MAX];
	const char *field = NULL;
	assert_int_equal(accounts_apikey_create(app, org, 0, "kamailio", "screen.check", token, &field), OMB_OK);
	struct principal who;
	assert_int_equal(accounts_authenticate(app, token, NOW, &who), OMB_OK);

	assert_int_equal(test_db_exec(&f->db, "UPDATE api_keys SET revoked_ms = 1"), 0);

	int64_t ttl = f->cfg.key_cache_ms;
	assert_true(ttl > 0);
	assert_int_equal(accounts_authenticate(app, token, NOW + ttl - 1, &who), OMB_OK);
	assert_string_equal(who.scopes, "screen.check");
	assert_int_equal(accounts_authenticate(app, token, NOW + ttl, &who), OMB_EAUTH);
	assert_int_equal(accounts_authenticate(app, token, NOW, &who), OMB_EAUTH); /* the failure forgot it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(org_create_get_list),
		APP_TEST(org_validation_names_the_field),
		cmocka_unit_test(roles_per_kind_of_organisation),
		APP_TEST(staff_codes_and_errors),
		APP_TEST(login_and_authenticate),
		APP_TEST(logout_and_csrf),
		APP_TEST(api_keys_and_scopes),
		APP_TEST(revoked_api_key_stops_within_the_cache_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
