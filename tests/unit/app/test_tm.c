/* test_tm.c — telemarketing compliance over the store: fines that escalate
 * across confirmed decisions as stored, one decision per case, disclosures
 * (single and bulk) only from the business's own numbers with the
 * do-not-call answer, the registry, reports read by their access code, the
 * businesses' answers, and the report's files for its readers only. The
 * rules themselves are tm/'s (tests/unit/tm/); this is what the app adds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "app/accounts.h"
#include "app/attachments.h"
#include "app/tm.h"
#include "app_fixture.h"
#include "base/clock.h"
#include "base/phone.h"
#include "screen/lists.h"

#define NOW    1772413200000LL             /* 2026-03-02T01:00:00Z, 10:00 in Seoul */
#define MINUTE (60 * 1000LL)
#define HOUR   CLOCK_MS_PER_HOUR
#define DAY    CLOCK_MS_PER_DAY
#define NUMBER "02-555-0100"               /* TM1's calling number */
#define OTHER  "02-555-0200"               /* TM2's */
#define SOURCE "○○카드 제휴 이벤트 응모(2026-10)"

/* Nobody logs in here: a stored placeholder spares Argon2id per account. */
#define NO_LOGIN_HASH "$argon2id$v=19$m=65536,t=2,p=1$unit$test"

static struct principal staff_in_new_org(struct app *app, const char *org, enum org_kind kind, enum role role)
{
	const char *field = NULL;
	struct principal p;
	memset(&p, 0, sizeof p);
	struct org_new o = {.code = org, .name = "기관", .name_en = "", .kind = kind};
	assert_int_equal(accounts_org_create(app, &o, &p.org_id, &field), OMB_OK);
	char login[32];
	snprintf(login, sizeof login, "%s.staff", org);
	for (char *c = login; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	struct staff_new s = {.org_code = org, .login = login, .role = role, .pw_hash = NO_LOGIN_HASH};
	assert_int_equal(accounts_staff_create(app, &s, &p.staff_id, p.staff_code, &field), OMB_OK);
	p.role = role;
	p.org_kind = kind;
	snprintf(p.org_code, sizeof p.org_code, "%s", org);
	return p;
}

static struct principal telemarketer(struct app *app, const char *org)
{
	return staff_in_new_org(app, org, ORG_TELEMARKETER, ROLE_TELEMARKETER);
}

static struct principal regulator(struct app *app)
{
	return staff_in_new_org(app, "FSR", ORG_REGULATOR, ROLE_REGULATOR);
}

/* who's business, registered at NOW with one open calling number. */
static int64_t business(struct app *app, const struct principal *who, const char *name, const char *number)
{
	struct telemarketing_business b;
	struct app_error err;
	assert_int_equal(telemarketing_business_register(app, who, name, "2026-서울-0417", "02-555-0199", NOW, &b, &err),
			 OMB_OK);
	struct telemarketing_number_in in = {.number = number};
	struct telemarketing_number n;
	assert_int_equal(telemarketing_number_add(app, who, &in, NOW, &n, &err), OMB_OK);
	return b.id;
}

/* A consumer's report of a call two minutes before `now`. */
static struct telemarketing_report report(struct app *app, const char *caller, const char *callee, int64_t now,
					  char code[RECEIPT_CODE_LEN + 1])
{
	struct telemarketing_report_in in = {.caller = caller, .callee = callee, .call_ms = now - 2 * MINUTE,
					     .reason = "no_source_disclosed",
					     .text = "어디서 제 번호를 알았는지 말하지 않았습니다."};
	struct telemarketing_report r;
	struct app_error err;
	char ignored[RECEIPT_CODE_LEN + 1];
	assert_int_equal(telemarketing_report_file(app, &in, now, &r, code ? code : ignored, &err), OMB_OK);
	return r;
}

/* The report's stored status, read as its reporter reads it. */
static void assert_report(struct app *app, const char *receipt, const char *code, const char *status,
			  unsigned order, int64_t fine)
{
	struct telemarketing_report r;
	assert_int_equal(telemarketing_report_get(app, receipt, code, &r), OMB_OK);
	assert_string_equal(r.status, status);
	assert_int_equal(r.sanction_order, order);
	assert_int_equal(r.fine_krw, fine);
	telemarketing_report_clear(&r);
}

static size_t n_sanctions(struct app *app, int64_t business_id)
{
	struct telemarketing_sanction *items = NULL;
	size_t n = 0;
	assert_int_equal(telemarketing_sanctions(app, business_id, 0, 100, &items, &n), OMB_OK);
	free(items);
	return n;
}

static void fines_escalate_with_each_confirmed_decision(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm = telemarketer(app, "TM1"), fsr = regulator(app);
	int64_t biz = business(app, &tm, "다온텔레마케팅", NUMBER);
	static const int64_t fines[] = {7500000, 15000000, 30000000, 30000000}; /* the last step repeats */
	int64_t t = NOW + HOUR;
	for (unsigned i = 0; i < 4; i++, t += DAY) {
		char callee[16], code[RECEIPT_CODE_LEN + 1];
		snprintf(callee, sizeof callee, "010-2000-%04u", i);
		struct telemarketing_report r = report(app, NUMBER, callee, t, code);
		assert_int_equal(r.business_id, biz);
		assert_string_equal(r.status, "open");
		assert_true(r.violations & TM_V_NO_DISCLOSURE);
		struct telemarketing_case *cases = NULL;
		size_t n = 0;
		assert_int_equal(telemarketing_cases(app, &cases, &n), OMB_OK);
		assert_int_equal(n, 1);
		assert_int_equal(cases[0].fine_if_confirmed.order, i + 1); /* what the regulator sees before deciding */
		assert_int_equal(cases[0].fine_if_confirmed.amount_krw, fines[i]);
		free(cases);
		struct telemarketing_decision d;
		struct app_error err;
		assert_int_equal(telemarketing_decide(app, &fsr, biz, "confirm", "정보 출처 미고지 확인", t + MINUTE, &d, &err),
				 OMB_OK);
		assert_true(d.confirmed);
		assert_true(d.sanction_id > 0);
		assert_int_equal(d.order, i + 1);
		assert_int_equal(d.fine_krw, fines[i]);
		assert_int_equal(d.n_reports, 1);
		assert_string_equal(d.regulator_code, fsr.staff_code);
		assert_report(app, r.receipt, code, "confirmed", i + 1, fines[i]);
		telemarketing_report_clear(&r);
	}
	struct telemarketing_sanction *s = NULL;
	size_t n = 0;
	assert_int_equal(telemarketing_sanctions(app, biz, 0, 100, &s, &n), OMB_OK);
	assert_int_equal(n, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(s[i].order, i + 1);
		assert_int_equal(s[i].fine_krw, fines[i]);
		assert_string_equal(s[i].business, "다온텔레마케팅");
		assert_string_equal(s[i].reason, "정보 출처 미고지 확인");
	}
	free(s);
	struct telemarketing_decision d;
	struct app_error err;
	assert_int_equal(telemarketing_decide(app, &fsr, biz, "confirm", "again", t, &d, &err), OMB_ENOTFOUND);
	assert_non_null(err.reason);
	assert_int_equal(n_sanctions(app, biz), 4); /* nothing left undecided, nothing added */
}

/* The order looks back from when the violation came to light (the case's
 * first filing), not from when the regulator got round to deciding. */
static void the_look_back_runs_to_the_detection_not_the_decision(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm = telemarketer(app, "TM1"), fsr = regulator(app);
	int64_t biz = business(app, &tm, "다온텔레마케팅", NUMBER);
	int64_t first = NOW + HOUR; /* 2026-03-02, 11:00 in Seoul */
	struct telemarketing_report r = report(app, NUMBER, "010-2000-0001", first, NULL);
	telemarketing_report_clear(&r);
	struct telemarketing_decision d;
	struct app_error err;
	assert_int_equal(telemarketing_decide(app, &fsr, biz, "confirm", "1차", first + MINUTE, &d, &err), OMB_OK);
	assert_int_equal(d.order, 1);
	int64_t detected = 1866934800000LL; /* 2029-02-28T01:00:00Z: within 36 months of the 1st */
	int64_t decided = detected + 12 * DAY; /* 2029-03-12: past them */
	r = report(app, NUMBER, "010-2000-0002", detected, NULL);
	telemarketing_report_clear(&r);
	assert_int_equal(telemarketing_decide(app, &fsr, biz, "confirm", "2차", decided, &d, &err), OMB_OK);
	assert_int_equal(d.order, 2);
	assert_int_equal(d.fine_krw, 15000000);
	assert_int_equal(d.detected_ms, detected);
	struct telemarketing_sanction *s = NULL;
	size_t n = 0;
	assert_int_equal(telemarketing_sanctions(app, biz, 0, 100, &s, &n), OMB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(s[1].detected_ms, detected); /* stored as decided on */
	assert_int_equal(s[1].decided_ms, decided);
	assert_int_equal(s[1].order, 2);
	free(s);
}

static void one_decision_settles_every_undecided_report(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm = telemarketer(app, "TM1"), fsr = regulator(app);
	int64_t biz = business(app, &tm, "다온텔레마케팅", NUMBER);
	int64_t t = NOW + HOUR;
	char c1[RECEIPT_CODE_LEN + 1], c2[RECEIPT_CODE_LEN + 1], cs[RECEIPT_CODE_LEN + 1];
	struct telemarketing_report a = report(app, NUMBER, "010-2000-0001", t, c1);
	struct telemarketing_report b = report(app, NUMBER, "010-2000-0002", t + 10 * MINUTE, c2);
	struct telemarketing_report unregistered = report(app, "070-4000-1234", "010-2000-0003", t + 11 * MINUTE, cs);
	assert_string_equal(unregistered.status, "screening");
	struct telemarketing_case *cases = NULL;
	size_t n = 0;
	assert_int_equal(telemarketing_cases(app, &cases, &n), OMB_OK);
	assert_int_equal(n, 1); /* the unregistered number names no business: no case */
	assert_int_equal(cases[0].business_id, biz);
	assert_string_equal(cases[0].business, "다온텔레마케팅");
	assert_string_equal(cases[0].org_code, "TM1");
	assert_int_equal(cases[0].n_reports, 2);
	assert_int_equal(cases[0].n_prima_facie, 2);
	assert_int_equal(cases[0].detected_ms, t);
	assert_int_equal(cases[0].last_filed_ms, t + 10 * MINUTE);
	free(cases);

	struct telemarketing_decision d;
	struct app_error err;
	assert_int_equal(telemarketing_decide(app, &fsr, biz, "maybe", "x", t + HOUR, &d, &err), OMB_EINVAL);
	assert_string_equal(err.field, "outcome");
	assert_int_equal(telemarketing_decide(app, &fsr, biz, "dismiss", "", t + HOUR, &d, &err), OMB_EINVAL);
	assert_string_equal(err.field, "reason");
	struct telemarketing_report *open = NULL;
	assert_int_equal(telemarketing_reports_of_case(app, biz, &open, &n), OMB_OK);
	assert_int_equal(n, 2); /* the refused decision settled nothing */
	telemarketing_reports_free(open, n);

	assert_int_equal(telemarketing_decide(app, &fsr, biz, "dismiss", "증거 불충분", t + HOUR, &d, &err), OMB_OK);
	assert_false(d.confirmed);
	assert_int_equal(d.sanction_id, 0);
	assert_int_equal(d.fine_krw, 0);
	assert_int_equal(d.n_reports, 2);
	assert_int_equal(d.detected_ms, t);
	assert_report(app, a.receipt, c1, "dismissed", 0, 0);
	assert_report(app, b.receipt, c2, "dismissed", 0, 0);
	assert_report(app, unregistered.receipt, cs, "screening", 0, 0);
	assert_int_equal(telemarketing_reports_of_case(app, biz, &open, &n), OMB_OK);
	assert_int_equal(n, 0);
	telemarketing_reports_free(open, n);
	assert_int_equal(n_sanctions(app, biz), 0);

	/* a dismissal is no earlier sanction: the next confirmation is a 1st */
	struct telemarketing_report c = report(app, NUMBER, "010-2000-0004", t + DAY, NULL);
	assert_int_equal(telemarketing_decide(app, &fsr, biz, "confirm", "확인", t + DAY + MINUTE, &d, &err), OMB_OK);
	assert_int_equal(d.order, 1);
	assert_int_equal(d.fine_krw, 7500000);
	telemarketing_report_clear(&a);
	telemarketing_report_clear(&b);
	telemarketing_report_clear(&c);
	telemarketing_report_clear(&unregistered);
}

/* Business 0 is no business: it must not stand for "every business" when
 * one decision is to be made. */
static void deciding_business_zero_decides_nothing(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm = telemarketer(app, "TM1"), fsr = regulator(app);
	int64_t biz = business(app, &tm, "다온텔레마케팅", NUMBER);
	char code[RECEIPT_CODE_LEN + 1];
	struct telemarketing_report r = report(app, NUMBER, "010-2000-0001", NOW + HOUR, code);
	struct telemarketing_decision d;
	struct app_error err;
	assert_int_equal(telemarketing_decide(app, &fsr, 0, "confirm", "확인", NOW + 2 * HOUR, &d, &err), OMB_ENOTFOUND);
	assert_report(app, r.receipt, code, "open", 0, 0);
	assert_int_equal(n_sanctions(app, biz), 0);
	telemarketing_report_clear(&r);
}

static void disclosures_come_from_the_business_own_numbers_and_answer_do_not_call(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm1 = telemarketer(app, "TM1"), tm2 = telemarketer(app, "TM2"), fsr = regulator(app);
	struct principal none = telemarketer(app, "TM3"); /* no business registered */
	business(app, &tm1, "다온텔레마케팅", NUMBER);
	business(app, &tm2, "한결텔레콤", OTHER);
	int64_t t = NOW + HOUR;
	struct telemarketing_disclosure out;
	struct app_error err;
	assert_int_equal(telemarketing_disclose(app, &tm1, OTHER, "010-2200-0001", SOURCE, t, &out, &err), OMB_EINVAL);
	assert_string_equal(err.field, "caller");
	assert_int_equal(telemarketing_disclose(app, &tm1, NUMBER, "010-2200-0001", "적법하게 수집된 정보", t, &out, &err),
			 OMB_EINVAL);
	assert_string_equal(err.field, "source");
	assert_int_equal(telemarketing_disclose(app, &tm1, NUMBER, "010-23", SOURCE, t, &out, &err), OMB_EINVAL);
	assert_string_equal(err.field, "callee");
	assert_int_equal(telemarketing_disclose(app, &none, NUMBER, "010-2200-0001", SOURCE, t, &out, &err),
			 OMB_ENOTFOUND);
	assert_string_equal(err.reason, "register your business first");
	/* none of those was logged: the call they were about has no disclosure */
	struct telemarketing_report r = report(app, NUMBER, "010-2200-0001", t + 2 * MINUTE, NULL);
	assert_false(r.disclosure_found);
	assert_true(r.violations & TM_V_NO_DISCLOSURE);
	telemarketing_report_clear(&r);

	assert_int_equal(telemarketing_disclose(app, &tm1, "+82 2 555 0100", "010-2200-0002", SOURCE, t, &out, &err),
			 OMB_OK);
	assert_true(out.id > 0);
	assert_false(out.do_not_call);
	r = report(app, NUMBER, "010-2200-0002", t + 3 * MINUTE, NULL); /* the call a minute after the disclosure */
	assert_true(r.disclosure_found);
	assert_int_equal(r.violations, 0);
	telemarketing_report_clear(&r);

	int64_t id = 0;
	assert_int_equal(telemarketing_dnc_add(app, &fsr, "010-2200-0008", t, &id, &err), OMB_OK); /* national */
	assert_true(id > 0);
	assert_int_equal(telemarketing_dnc_add(app, &tm1, "010-2200-0009", t, &id, &err), OMB_OK); /* TM1's own */
	assert_int_equal(telemarketing_dnc_add(app, &tm1, "no number", t, &id, &err), OMB_EINVAL);
	assert_string_equal(err.field, "number");
	assert_int_equal(telemarketing_dnc_add(app, &none, "010-2200-0007", t, &id, &err), OMB_ENOTFOUND);
	struct {
		const struct principal *who;
		const char *caller, *callee;
		bool listed;
	} asks[] = {
		{&tm1, NUMBER, "010-2200-0008", true}, {&tm2, OTHER, "010-2200-0008", true},
		{&tm1, NUMBER, "010-2200-0009", true}, {&tm2, OTHER, "010-2200-0009", false},
		{&tm1, NUMBER, "010-2200-0007", false},
	};
	for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
		assert_int_equal(telemarketing_disclose(app, asks[i].who, asks[i].caller, asks[i].callee, SOURCE, t + MINUTE,
							&out, &err),
				 OMB_OK);
		assert_true(out.id > 0); /* logged even when listed: calling on is the violation */
		assert_int_equal(out.do_not_call, asks[i].listed);
	}
}

static void a_bulk_upload_stores_the_good_lines_and_names_the_bad(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm1 = telemarketer(app, "TM1"), tm2 = telemarketer(app, "TM2"), fsr = regulator(app);
	business(app, &tm1, "다온텔레마케팅", NUMBER);
	business(app, &tm2, "한결텔레콤", OTHER);
	int64_t t = NOW + HOUR, id;
	struct app_error err;
	assert_int_equal(telemarketing_dnc_add(app, &fsr, "010-2300-0005", NOW, &id, &err), OMB_OK);
	const struct telemarketing_disclosure_in lines[] = {
		{NUMBER, "010-2300-0001", SOURCE},
		{NUMBER, "010-23", SOURCE},
		{OTHER, "010-2300-0003", SOURCE},            /* TM2's number */
		{NUMBER, "010-2300-0004", "lawfully obtained"},
		{NUMBER, "010-2300-0005", SOURCE},
	};
	enum { N = sizeof lines / sizeof lines[0] };
	struct telemarketing_disclosure out[N];
	struct app_error errs[N];
	assert_int_equal(telemarketing_disclose_many(app, &tm1, lines, N, t, out, errs), OMB_OK);
	assert_true(out[0].id > 0);
	assert_false(out[0].do_not_call);
	assert_null(errs[0].field);
	assert_null(errs[0].reason);
	assert_true(out[4].id > out[0].id);
	assert_true(out[4].do_not_call);
	static const char *const bad[N] = {NULL, "callee", "caller", "source", NULL};
	for (size_t i = 1; i < 4; i++) {
		assert_int_equal(out[i].id, 0);
		assert_string_equal(errs[i].field, bad[i]);
		assert_non_null(errs[i].reason);
	}
	/* stored: the good line's call has its disclosure; the refused ones have none */
	struct telemarketing_report r = report(app, NUMBER, "010-2300-0001", t + 2 * MINUTE, NULL);
	assert_true(r.disclosure_found);
	telemarketing_report_clear(&r);
	r = report(app, NUMBER, "010-2300-0004", t + 2 * MINUTE, NULL);
	assert_false(r.disclosure_found);
	telemarketing_report_clear(&r);

	/* an organisation with no business: every line skipped, nothing stored */
	struct principal none = telemarketer(app, "TM3");
	assert_int_equal(telemarketing_disclose_many(app, &none, lines, 1, t, out, errs), OMB_OK);
	assert_int_equal(out[0].id, 0);
	assert_string_equal(errs[0].reason, "register your business first");
}

static void numbers_belong_to_one_business_at_a_time(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm1 = telemarketer(app, "TM1"), tm2 = telemarketer(app, "TM2");
	struct telemarketing_business b;
	struct app_error err;
	assert_int_equal(telemarketing_business_register(app, &tm1, "Kim \"Best\" Sales", "2026-서울-0417",
							 "02-555-0199", NOW, &b, &err),
			 OMB_OK);
	assert_int_equal(b.active_from_ms, NOW);
	assert_string_equal(b.org_code, "TM1");
	assert_int_equal(telemarketing_business_register(app, &tm1, "다른 이름", "x", "y", NOW, &b, &err), OMB_EEXIST);
	assert_string_equal(err.field, "org");
	assert_int_equal(telemarketing_business_get(app, tm1.org_id, &b), OMB_OK);
	assert_string_equal(b.name, "Kim \"Best\" Sales"); /* the first registration stands */
	assert_int_equal(telemarketing_business_register(app, &tm2, "", "x", "y", NOW, &b, &err), OMB_EINVAL);
	assert_string_equal(err.field, "name");

	struct telemarketing_number_in in = {.number = NUMBER, .daily_cap = 500, .trunks = "kt-seoul-1"};
	struct telemarketing_number n;
	assert_int_equal(telemarketing_number_add(app, &tm2, &in, NOW, &n, &err), OMB_ENOTFOUND);
	assert_string_equal(err.reason, "register your business first");
	assert_int_equal(telemarketing_number_add(app, &tm1, &in, NOW, &n, &err), OMB_OK);
	assert_string_equal(n.number, "+8225550100");
	assert_int_equal(n.valid_from_ms, NOW);
	assert_int_equal(n.valid_to_ms, 0);
	assert_int_equal(n.daily_cap, 500);
	assert_string_equal(n.trunks, "kt-seoul-1");

	assert_int_equal(telemarketing_business_register(app, &tm2, "한결텔레콤", "2026-서울-0418", "02-555-0299", NOW, &b,
							 &err),
			 OMB_OK);
	struct telemarketing_number_in same = {.number = "+82 2 555 0100"}; /* another form of the same number */
	assert_int_equal(telemarketing_number_add(app, &tm2, &same, NOW + HOUR, &n, &err), OMB_ECONFLICT);
	assert_string_equal(err.field, "number");
	static char long_trunks[TM_APP_LINE_MAX + 2];
	memset(long_trunks, 't', sizeof long_trunks - 1);
	struct {
		struct telemarketing_number_in in;
		const char *field;
	} bad[] = {
		{{.number = OTHER, .daily_cap = -1}, "daily_cap"},
		{{.number = OTHER, .trunks = long_trunks}, "trunks"},
		{{.number = OTHER, .valid_to_ms = NOW}, "valid_to"},
		{{.number = "112"}, "number"},
		{{.number = NULL}, "number"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(telemarketing_number_add(app, &tm2, &bad[i].in, NOW + HOUR, &n, &err), OMB_EINVAL);
		assert_string_equal(err.field, bad[i].field);
	}
	struct telemarketing_number *items = NULL;
	size_t count = 9;
	assert_int_equal(telemarketing_numbers(app, &tm2, 0, 100, &items, &count), OMB_OK);
	assert_int_equal(count, 0); /* nothing of the refused ones was kept */
	free(items);
	assert_int_equal(telemarketing_numbers(app, &tm1, 0, 100, &items, &count), OMB_OK);
	assert_int_equal(count, 1);
	assert_string_equal(items[0].number, "+8225550100");
	assert_int_equal(items[0].daily_cap, 500);
	assert_string_equal(items[0].trunks, "kt-seoul-1");
	free(items);

	char *csv = NULL;
	size_t len = 0;
	assert_int_equal(telemarketing_registry_csv(app, &csv, &len), OMB_OK);
	assert_int_equal(len, strlen(csv));
	/* registered at 01:00 UTC: listed from the next whole day */
	assert_string_equal(csv, "number,holder,kind,trunk,daily_cap,valid_from,valid_to\r\n"
				 "\"+8225550100\",\"Kim \"\"Best\"\" Sales\",\"telemarketer\",\"kt-seoul-1\",\"500\","
				 "\"2026-03-03\",\r\n");
	free(csv);
}

static void a_report_is_numbered_and_read_with_its_access_code_only(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm = telemarketer(app, "TM1");
	int64_t biz = business(app, &tm, "다온텔레마케팅", NUMBER);
	int64_t t = NOW + HOUR;
	struct telemarketing_report_in bad[] = {
		{NUMBER, "010-2100-0001", t - MINUTE, "rude", NULL},
		{NUMBER, "010-2100-0001", t + MINUTE, "abusive", NULL},
		{NUMBER, "", t - MINUTE, "abusive", NULL},
		{"anonymous", "010-2100-0001", t - MINUTE, "abusive", NULL},
		{NUMBER, "010-2100-0001", t - MINUTE, "abusive", "bad \xc3\x28"},
	};
	static const char *const fields[] = {"reason", "call_time", "callee", "caller", "text"};
	struct telemarketing_report r;
	struct app_error err;
	char code[RECEIPT_CODE_LEN + 1], other_code[RECEIPT_CODE_LEN + 1];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(telemarketing_report_file(app, &bad[i], t, &r, code, &err), OMB_EINVAL);
		assert_string_equal(err.field, fields[i]);
	}
	struct telemarketing_report first = report(app, "02 555 0100", "010-2100-0001", t, code);
	struct telemarketing_report second = report(app, "070-4000-1234", "010-2100-0002", t, other_code);
	/* the refused filings took no number */
	assert_string_equal(first.receipt, "RPT-2026-0000001");
	assert_string_equal(second.receipt, "RPT-2026-0000002");
	assert_int_equal(strlen(code), RECEIPT_CODE_LEN);
	assert_string_equal(first.caller, "+8225550100");
	assert_string_equal(first.callee, "+821021000001");
	assert_int_equal(first.call_ms, t - 2 * MINUTE);
	assert_int_equal(first.filed_ms, t);
	assert_string_equal(first.business, "다온텔레마케팅");
	assert_string_equal(second.status, "screening"); /* not registered at call time */
	assert_true(second.to_screening);
	assert_int_equal(second.business_id, 0);

	assert_int_equal(telemarketing_report_get(app, first.receipt, code, &r), OMB_OK);
	assert_int_equal(r.id, first.id);
	assert_string_equal(r.reason, "no_source_disclosed");
	assert_string_equal(r.text, "어디서 제 번호를 알았는지 말하지 않았습니다.");
	assert_int_equal(r.business_id, biz);
	assert_null(r.answer);
	assert_int_equal(r.n_attachments, 0);
	telemarketing_report_clear(&r);
	assert_int_equal(telemarketing_report_get(app, first.receipt, other_code, &r), OMB_ENOTFOUND);
	assert_int_equal(telemarketing_report_get(app, first.receipt, "AAAAAAAAAA", &r), OMB_ENOTFOUND);
	assert_int_equal(telemarketing_report_get(app, first.receipt, NULL, &r), OMB_ENOTFOUND);
	assert_int_equal(telemarketing_report_get(app, "RPT-2026-0000009", code, &r), OMB_ENOTFOUND);
	assert_null(r.text);

	struct telemarketing_report *items = NULL;
	size_t n = 0;
	assert_int_equal(telemarketing_reports_of_business(app, &tm, 0, 100, &items, &n), OMB_OK);
	assert_int_equal(n, 1); /* the unregistered number's report is not this business's */
	assert_string_equal(items[0].receipt, first.receipt);
	telemarketing_reports_free(items, n);
	telemarketing_report_clear(&first);
	telemarketing_report_clear(&second);
}

static void answers_reach_only_the_business_own_records(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm1 = telemarketer(app, "TM1"), tm2 = telemarketer(app, "TM2"), fsr = regulator(app);
	int64_t biz = business(app, &tm1, "다온텔레마케팅", NUMBER);
	business(app, &tm2, "한결텔레콤", OTHER);
	int64_t t = NOW + HOUR, id = 0;
	char code[RECEIPT_CODE_LEN + 1];
	struct telemarketing_report r = report(app, NUMBER, "010-2100-0001", t, code);
	struct app_error err;
	assert_int_equal(telemarketing_answer(app, &tm1, r.receipt, 0, "확인 중입니다.", t, &id, &err), OMB_OK);
	assert_true(id > 0);
	assert_int_equal(telemarketing_answer(app, &tm1, r.receipt, 0, "출처 안내를 누락했습니다.", t + 1, &id, &err),
			 OMB_OK);
	assert_int_equal(telemarketing_answer(app, &tm2, r.receipt, 0, "남의 신고", t, &id, &err), OMB_ENOTFOUND);
	assert_int_equal(telemarketing_answer(app, &tm1, "RPT-2026-0000009", 0, "없음", t, &id, &err), OMB_ENOTFOUND);
	assert_int_equal(telemarketing_answer(app, &tm1, r.receipt, 0, "", t, &id, &err), OMB_EINVAL);
	assert_string_equal(err.field, "text");
	struct telemarketing_report seen;
	assert_int_equal(telemarketing_report_get(app, r.receipt, code, &seen), OMB_OK);
	assert_string_equal(seen.answer, "출처 안내를 누락했습니다."); /* the latest */
	telemarketing_report_clear(&seen);

	struct telemarketing_decision d;
	assert_int_equal(telemarketing_decide(app, &fsr, biz, "confirm", "확인", t + HOUR, &d, &err), OMB_OK);
	assert_int_equal(telemarketing_answer(app, &tm2, NULL, d.sanction_id, "남의 제재", t + HOUR, &id, &err),
			 OMB_ENOTFOUND);
	assert_int_equal(telemarketing_answer(app, &tm1, NULL, d.sanction_id + 1, "없는 제재", t + HOUR, &id, &err),
			 OMB_ENOTFOUND);
	assert_int_equal(telemarketing_answer(app, &tm1, NULL, d.sanction_id, "이의를 신청합니다.", t + HOUR, &id, &err),
			 OMB_OK);
	struct telemarketing_sanction *s = NULL;
	size_t n = 0;
	assert_int_equal(telemarketing_sanctions(app, 0, 0, 100, &s, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].id, d.sanction_id);
	assert_int_equal(s[0].n_answers, 1); /* the refused ones were not stored */
	free(s);
	telemarketing_report_clear(&r);
}

static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
				    0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde};
static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

static struct attachment checked(struct app *app, const char *name, const void *data, size_t size)
{
	struct attachment a;
	const char *field, *reason;
	assert_int_equal(attachments_check(app->cfg, ATTACH_TO_REPORT, name, data, size, &a, &field, &reason), OMB_OK);
	return a;
}

static void report_files_go_to_its_readers_only(void **state)
{
	struct app_fixture *f = *state;
	struct app *app = &f->app;
	f->cfg.attachments_report_quota_bytes = (int64_t)(sizeof png + sizeof pdf - 1);
	struct principal tm1 = telemarketer(app, "TM1"), tm2 = telemarketer(app, "TM2"), fsr = regulator(app);
	int64_t biz = business(app, &tm1, "다온텔레마케팅", NUMBER);
	int64_t other = business(app, &tm2, "한결텔레콤", OTHER);
	int64_t t = NOW + HOUR;
	char code[RECEIPT_CODE_LEN + 1];
	struct telemarketing_report r = report(app, NUMBER, "010-2100-0001", t, code);
	struct attachment shot = checked(app, "화면.png", png, sizeof png);
	struct attachment letter = checked(app, "안내.pdf", pdf, sizeof pdf - 1);
	struct attachment_item item;
	struct app_error err;
	assert_int_equal(telemarketing_report_attach(app, r.receipt, "AAAAAAAAAA", &shot, t, &item, &err), OMB_ENOTFOUND);
	assert_int_equal(telemarketing_report_attach(app, r.receipt, code, &shot, t, &item, &err), OMB_OK);
	assert_int_equal(item.seq, 1);
	assert_string_equal(item.mime, "image/png");
	assert_int_equal(telemarketing_report_attach(app, r.receipt, code, &letter, t, &item, &err), OMB_OK);
	assert_int_equal(item.seq, 2);
	assert_int_equal(telemarketing_report_attach(app, r.receipt, code, &shot, t, &item, &err), OMB_ELIMIT);
	assert_string_equal(err.field, "content"); /* past the report's quota */

	struct telemarketing_report_reader readers[] = {
		{.access_code = code}, {.who = &tm1}, {.who = &fsr, .business_id = biz},
	};
	for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
		struct attachment_file file;
		assert_int_equal(telemarketing_report_attachment(app, r.receipt, 1, &readers[i], &file), OMB_OK);
		assert_int_equal(file.item.size, sizeof png);
		assert_memory_equal(file.data, png, sizeof png);
		free(file.data);
	}
	struct telemarketing_report_reader strangers[] = {
		{.access_code = "AAAAAAAAAA"}, {.who = &tm2}, {.who = &fsr, .business_id = other}, {.who = NULL},
	};
	for (size_t i = 0; i < sizeof strangers / sizeof strangers[0]; i++) {
		struct attachment_file file;
		assert_int_equal(telemarketing_report_attachment(app, r.receipt, 1, &strangers[i], &file), OMB_ENOTFOUND);
		assert_null(file.data);
	}
	struct attachment_file file;
	assert_int_equal(telemarketing_report_attachment(app, r.receipt, 3, &readers[0], &file), OMB_ENOTFOUND);

	struct telemarketing_decision d;
	assert_int_equal(telemarketing_decide(app, &fsr, biz, "dismiss", "증거 불충분", t + HOUR, &d, &err), OMB_OK);
	f->cfg.attachments_report_quota_bytes = 1 << 20;
	assert_int_equal(telemarketing_report_attach(app, r.receipt, code, &shot, t + HOUR, &item, &err), OMB_ECONFLICT);
	struct telemarketing_report seen;
	assert_int_equal(telemarketing_report_get(app, r.receipt, code, &seen), OMB_OK);
	assert_int_equal(seen.n_attachments, 2); /* nothing of the refused ones was kept */
	assert_string_equal(seen.attachments[0].name, "화면.png");
	assert_string_equal(seen.attachments[1].name, "안내.pdf");
	telemarketing_report_clear(&seen);
	telemarketing_report_clear(&r);
}

static void no_bad_row(void *arg, uint64_t line, const char *reason)
{
	(void)arg;
	fail_msg("registry line %llu: %s", (unsigned long long)line, reason);
}

/* Whether a call from NUMBER at iso is checked as a registered one. */
static bool registered_at(struct screen_engine *e, const char *iso)
{
	struct screen_attempt a = {.call_id = iso, .call_id_len = strlen(iso), .origin = SCREEN_ORIGIN_DOMESTIC,
				   .trunk = "", .cell = ""};
	assert_int_equal(clock_parse_iso(iso, &a.ts_ms), OMB_OK);
	assert_int_equal(phone_parse(NUMBER, strlen(NUMBER), PHONE_CC_KOREA, &a.caller, NULL), OMB_OK);
	assert_int_equal(phone_parse("010-2200-0001", 13, PHONE_CC_KOREA, &a.callee, NULL), OMB_OK);
	struct screen_verdict v;
	screen_check(e, &a, &v);
	return v.reasons & (1u << SR_REGISTERED);
}

/* What the desk's registry exports, the engine reads back: a number is
 * registered through the last day the export names, and not after. */
static void the_registry_export_ends_where_the_engine_ends_it(void **state)
{
	struct app *app = fixture_app(state);
	struct principal tm1 = telemarketer(app, "TM1");
	struct telemarketing_business b;
	struct app_error err;
	assert_int_equal(telemarketing_business_register(app, &tm1, "Kim Sales", "2026-서울-0417", "02-555-0199", NOW,
							 &b, &err),
			 OMB_OK);
	struct telemarketing_number_in in = {.number = NUMBER, .valid_to_ms = NOW + 3 * DAY};
	struct telemarketing_number n;
	assert_int_equal(telemarketing_number_add(app, &tm1, &in, NOW, &n, &err), OMB_OK);
	char *csv = NULL;
	size_t len = 0;
	assert_int_equal(telemarketing_registry_csv(app, &csv, &len), OMB_OK);
	/* registered from 03-02 01:00 to 03-05 01:00 UTC: the whole days within */
	assert_non_null(strstr(csv, ",\"2026-03-03\",\"2026-03-04\"\r\n"));
	struct screen_config cfg;
	screen_config_defaults(&cfg);
	struct screen_engine *e = screen_create(&cfg, NULL);
	struct lists_loader *l = lists_loader_new(LISTS_REGISTRY, e, PHONE_CC_KOREA, no_bad_row, NULL);
	assert_int_equal(lists_loader_feed(l, csv, len), OMB_OK);
	assert_int_equal(lists_loader_finish(l), OMB_OK);
	lists_loader_free(l);
	free(csv);
	assert_false(registered_at(e, "2026-03-02T23:00:00Z"));
	assert_true(registered_at(e, "2026-03-03T00:30:00Z"));
	assert_true(registered_at(e, "2026-03-04T23:30:00Z"));
	assert_false(registered_at(e, "2026-03-05T00:30:00Z"));
	screen_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(fines_escalate_with_each_confirmed_decision),
		APP_TEST(the_look_back_runs_to_the_detection_not_the_decision),
		APP_TEST(one_decision_settles_every_undecided_report),
		APP_TEST(deciding_business_zero_decides_nothing),
		APP_TEST(disclosures_come_from_the_business_own_numbers_and_answer_do_not_call),
		APP_TEST(a_bulk_upload_stores_the_good_lines_and_names_the_bad),
		APP_TEST(numbers_belong_to_one_business_at_a_time),
		APP_TEST(the_registry_export_ends_where_the_engine_ends_it),
		APP_TEST(a_report_is_numbered_and_read_with_its_access_code_only),
		APP_TEST(answers_reach_only_the_business_own_records),
		APP_TEST(report_files_go_to_its_readers_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
