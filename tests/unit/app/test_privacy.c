/* test_privacy.c — privacy over the store: two sweepers (two nodes on one
 * database) erase each case once when its retention ends and every chain
 * still verifies; erasure on request waits for a finished case; the read log
 * keeps what was read. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "app/accounts.h"
#include "app/admin.h"
#include "app/cases.h"
#include "app/demo.h"
#include "app/privacy.h"
#include "app_fixture.h"
#include "base/clock.h"

#define NCASES 24
#define T0 1795000000000LL

static void seed(struct app *app)
{
	FILE *quiet = fopen("/dev/null", "w");
	assert_non_null(quiet);
	assert_int_equal(demo_seed(app, quiet), 1);
	fclose(quiet);
}

static void open_closed(struct app *app, struct case_receipt *r, int64_t at)
{
	struct case_open_in in = {.org_code = "HB", .category = "CARD", .name = "김보존", .contact = "010-4444-5555",
				  .subject = "보존 기간", .text = "결제 확인 부탁드립니다.", .channel = DESK_CH_WEB};
	struct app_error err;
	assert_int_equal(cases_open(app, &in, at, r, NULL, &err), OMB_OK);
	struct case_action_in accept = {.action = CASE_ACT_ACCEPT};
	assert_int_equal(cases_act(app, r->receipt, NULL, &accept, at + 1000, &err), OMB_OK);
}

struct sweeper {
	struct app *app;
	int64_t now;
	int erased;
};

static void *sweep_thread(void *arg)
{
	struct sweeper *s = arg;
	s->erased = privacy_sweep(s->app, s->now);
	return NULL;
}

static void two_nodes_erase_each_case_once(void **state)
{
	struct app_fixture *f = *state;
	struct app *a = &f->app, b;
	char err[256] = "";
	seed(a);
	struct case_receipt r[NCASES];
	for (int i = 0; i < NCASES; i++)
		open_closed(a, &r[i], T0 + i);
	assert_int_equal(app_open(&b, &f->cfg, err, sizeof err), OMB_OK);

	int64_t due = T0 + 1000 + f->cfg.privacy_retention_days * CLOCK_MS_PER_DAY;
	assert_int_equal(privacy_sweep(a, due - 1), 0); /* a millisecond early: nothing */
	a->privacy_swept_ms = 0;
	struct sweeper sa = {a, due + NCASES, -1}, sb = {&b, due + NCASES, -1};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, sweep_thread, &sa), 0);
	assert_int_equal(pthread_create(&tb, NULL, sweep_thread, &sb), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_true(sa.erased >= 0 && sb.erased >= 0);
	assert_int_equal(sa.erased + sb.erased, NCASES);

	for (int i = 0; i < NCASES; i++) {
		struct case_view v;
		struct app_error cerr;
		assert_int_equal(cases_view(a, r[i].receipt, NULL, r[i].access_code, &v, &cerr), OMB_OK);
		assert_true(v.erasure.erased);
		assert_string_equal(v.erasure.cause, "retention");
		assert_string_equal(v.name, "");
		assert_string_equal(v.contact, "");
		case_view_free(&v);
		struct chain_report rep;
		size_t n_events = 0, n_heads = 0;
		assert_int_equal(cases_verify(a, r[i].receipt, &rep, &n_events, &n_heads), OMB_OK);
		assert_int_equal(rep.fault, CHAIN_INTACT);
		assert_true(n_events >= 3);
	}
	a->privacy_swept_ms = b.privacy_swept_ms = 0;
	assert_int_equal(privacy_sweep(a, due + CLOCK_MS_PER_DAY), 0);
	assert_int_equal(privacy_sweep(&b, due + CLOCK_MS_PER_DAY), 0);
	app_close(&b);
}

static bool erased(struct app *app, const struct case_receipt *r)
{
	struct case_view v;
	struct app_error cerr;
	assert_int_equal(cases_view(app, r->receipt, NULL, r->access_code, &v, &cerr), OMB_OK);
	bool e = v.erasure.erased;
	case_view_free(&v);
	return e;
}

/* The sweep reads the stored due times: they follow a change of the
 * organisation's periods at once, and of the server's default at the next
 * start; an erased case is no longer due. */
static void due_times_follow_the_periods(void **state)
{
	struct app_fixture *f = *state;
	struct app *app = &f->app;
	seed(app);
	struct case_receipt card, loan;
	open_closed(app, &card, T0);
	struct case_open_in in = {.org_code = "HB", .category = "LOAN", .name = "김대출", .contact = "010-4444-6666",
				  .subject = "대출", .text = "상환 일정 문의", .channel = DESK_CH_WEB};
	struct app_error cerr;
	assert_int_equal(cases_open(app, &in, T0, &loan, NULL, &cerr), OMB_OK);
	struct case_action_in accept = {.action = CASE_ACT_ACCEPT};
	assert_int_equal(cases_act(app, loan.receipt, NULL, &accept, T0 + 1000, &cerr), OMB_OK);

	struct org hb;
	assert_int_equal(accounts_org_get(app, "HB", &hb), OMB_OK);
	struct principal who = {.role = ROLE_ADMIN, .org_id = hb.id, .org_kind = hb.kind};
	struct staff_new s = {.org_code = "HB", .login = "hb.keeper", .password = "long enough password",
			      .role = ROLE_ADMIN};
	assert_int_equal(admin_staff_create(app, NULL, &s, &who.staff_id, who.staff_code, &cerr), OMB_OK);
	const char *cats[] = {"CARD"};
	int64_t days[] = {30};
	struct app_error perr;
	int64_t day31 = T0 + 1000 + 31 * CLOCK_MS_PER_DAY;
	assert_int_equal(privacy_sweep(app, day31), 0); /* the server's three years */
	assert_int_equal(privacy_retention_put(app, &who, 0, cats, days, 1, day31, &perr), OMB_OK);
	app->privacy_swept_ms = 0;
	assert_int_equal(privacy_sweep(app, day31), 1); /* CARD's 30 days, at once */
	assert_true(erased(app, &card));
	assert_false(erased(app, &loan));
	app->privacy_swept_ms = 0;
	assert_int_equal(privacy_sweep(app, day31 + 1), 0); /* erased: not due again */

	/* a restart with a shorter server default sets LOAN's due again */
	struct app b;
	char err[256] = "";
	f->cfg.privacy_retention_days = 10;
	assert_int_equal(app_open(&b, &f->cfg, err, sizeof err), OMB_OK);
	assert_int_equal(privacy_sweep(&b, day31), 1);
	assert_true(erased(&b, &loan));
	app_close(&b);
}

static void erasure_waits_for_a_finished_case(void **state)
{
	struct app *app = fixture_app(state);
	seed(app);
	struct case_open_in in = {.org_code = "HB", .category = "LOAN", .name = "이열림", .contact = "open@example.kr",
				  .subject = "열린 민원", .text = "답변 기다립니다.", .channel = DESK_CH_WEB};
	struct case_receipt r;
	struct app_error cerr;
	assert_int_equal(cases_open(app, &in, T0, &r, NULL, &cerr), OMB_OK);
	struct privacy_erasure e;
	struct app_error perr;
	assert_int_equal(privacy_erase(app, r.receipt, NULL, NULL, T0 + 1, &e, &perr), OMB_ECONFLICT);
	assert_non_null(perr.reason);
	assert_false(e.erased);
	struct case_action_in accept = {.action = CASE_ACT_ACCEPT};
	assert_int_equal(cases_act(app, r.receipt, NULL, &accept, T0 + 2, &cerr), OMB_OK);
	assert_int_equal(privacy_erase(app, r.receipt, NULL, NULL, T0 + 3, &e, &perr), OMB_OK);
	assert_true(e.erased);
	assert_int_equal(e.at_ms, T0 + 3);
	assert_string_equal(e.cause, "request");
	/* again: the same record, nothing new */
	assert_int_equal(privacy_erase(app, r.receipt, NULL, NULL, T0 + 9, &e, &perr), OMB_OK);
	assert_int_equal(e.at_ms, T0 + 3);
	/* an erased case takes no more actions */
	struct case_action_in reopen = {.action = CASE_ACT_REOPEN};
	assert_int_equal(cases_act(app, r.receipt, NULL, &reopen, T0 + 10, &cerr), OMB_ECONFLICT);
	/* the contact's keyed hash no longer finds it */
	char (*receipts)[RECEIPT_LEN_MAX + 1] = NULL;
	size_t n = 9;
	struct org org;
	assert_int_equal(accounts_org_get(app, "HB", &org), OMB_OK);
	assert_int_equal(privacy_receipts_of_contact(app, org.id, "open@example.kr", &receipts, &n, &perr), OMB_OK);
	assert_int_equal(n, 0);
	free(receipts);
}

static void the_read_log_keeps_who_what_and_why(void **state)
{
	struct app *app = fixture_app(state);
	seed(app);
	struct case_receipt r;
	open_closed(app, &r, T0);
	struct principal who = {.role = ROLE_AGENT, .staff_id = 2, .org_kind = ORG_VENDOR};
	snprintf(who.staff_code, sizeof who.staff_code, "CC-AGT-0001");
	snprintf(who.org_code, sizeof who.org_code, "CC");
	assert_int_equal(privacy_log_read(app, &who, r.receipt, PRIVACY_READ_DOWNLOAD, PRIVACY_P_AUDIT, T0 + 5), OMB_OK);
	assert_int_equal(privacy_log_read(app, &who, "HB-2026-9999999", PRIVACY_READ_VIEW, PRIVACY_P_HANDLING, T0),
			 OMB_ENOTFOUND);
	struct privacy_read_item *items = NULL;
	size_t n = 0;
	assert_int_equal(privacy_reads_of_case(app, r.receipt, 0, 100, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].staff_code, "CC-AGT-0001");
	assert_string_equal(items[0].role, "agent");
	assert_string_equal(items[0].staff_org, "CC");
	assert_string_equal(items[0].what, "download");
	assert_string_equal(items[0].purpose, "audit");
	assert_int_equal(items[0].at_ms, T0 + 5);
	free(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(two_nodes_erase_each_case_once),
		APP_TEST(due_times_follow_the_periods),
		APP_TEST(erasure_waits_for_a_finished_case),
		APP_TEST(the_read_log_keeps_who_what_and_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
