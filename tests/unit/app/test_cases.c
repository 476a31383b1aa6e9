/* test_cases.c — the desk over the store: a case and its history read back
 * as they were written, the sweep moving cases up the ladder at their
 * deadlines, every step leaving a chain that verifies, who of which
 * organisation may act, what the customer sees and is sent, and a failed
 * step leaving nothing behind. The rules themselves are desk/'s (tests/unit/
 * desk); these tests are about what app/cases.c adds to them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "app/accounts.h"
#include "app/admin.h"
#include "app/cases.h"
#include "app/outbox.h"
#include "app_fixture.h"
#include "base/clock.h"

#define T0      1772413200000LL /* 2026-03-02T01:00:00Z */
#define HOUR    CLOCK_MS_PER_HOUR
#define DAY     CLOCK_MS_PER_DAY
#define CONTACT "010-1234-5678"
#define TEMPLATE "고객님, 문의하신 결제 건은 확인 후 3영업일 이내에 처리됩니다. 감사합니다."

/* A bank (HB) with three departments, a vendor (CC) acting for it under a
 * contract that covers the CARD category and one of its two agents, and a
 * second company (NR) whose staff have no business with HB's cases. */
struct world {
	int64_t hb, cc, nr;
	int64_t card, loan, cpo; /* HB's departments */
	int64_t template_id;
	struct principal admin, agent, card_prc, card_mgr, cpo_off, cc_one, cc_two, nr_agent;
};

static int64_t org(struct app *app, const char *code, enum org_kind kind)
{
	const char *field = NULL;
	int64_t id = 0;
	struct org_new o = {.code = code, .name = code, .name_en = "", .kind = kind};
	assert_int_equal(accounts_org_create(app, &o, &id, &field), OMB_OK);
	return id;
}

static int64_t dept(struct app *app, int64_t org_id, const char *code)
{
	const char *field = NULL;
	int64_t id = 0;
	struct dept_new d = {.code = code, .name = code, .name_en = "", .contact_line = "", .manager_title = ""};
	assert_int_equal(accounts_dept_create(app, org_id, &d, &id, &field), OMB_OK);
	return id;
}

/* A staff member as the API would pass them, their login as their name.
 * The stored hash opens no password: nobody logs in here, and Argon2id
 * would cost more than the test. */
static struct principal person(struct app *app, const char *org_code, const char *login, enum role role,
			       const char *dept_code, int64_t dept_id, bool show_name)
{
	struct principal p;
	memset(&p, 0, sizeof p);
	struct org o;
	assert_int_equal(accounts_org_get(app, org_code, &o), OMB_OK);
	struct staff_new s = {.org_code = org_code, .login = login, .role = role, .dept_code = dept_code,
			      .display_name = login, .show_name = show_name, .pw_hash = "not-a-password-hash"};
	const char *field = NULL;
	assert_int_equal(accounts_staff_create(app, &s, &p.staff_id, p.staff_code, &field), OMB_OK);
	p.role = role;
	p.dept_id = dept_id;
	p.org_id = o.id;
	p.org_kind = o.kind;
	snprintf(p.org_code, sizeof p.org_code, "%s", org_code);
	return p;
}

static void world_make(struct app *app, struct world *w)
{
	memset(w, 0, sizeof *w);
	w->hb = org(app, "HB", ORG_COMPANY);
	w->cc = org(app, "CC", ORG_VENDOR);
	w->nr = org(app, "NR", ORG_COMPANY);
	w->card = dept(app, w->hb, "CARD");
	w->loan = dept(app, w->hb, "LOAN");
	w->cpo = dept(app, w->hb, "CPO");
	struct app_error err;
	int64_t id;
	assert_int_equal(cases_category_add(app, w->hb, "CARD", "카드", "Cards", "CARD", false, &err), OMB_OK);
	assert_int_equal(cases_category_add(app, w->hb, "LOAN", "대출", "Loans", "LOAN", false, &err), OMB_OK);
	assert_int_equal(cases_category_add(app, w->hb, "CENTER", "고객센터", "The center", "CPO", true, &err), OMB_OK);
	assert_int_equal(cases_referral_add(app, w->hb, "금융감독원 / FSS", "1332, www.fcsc.kr", &id, &err), OMB_OK);
	assert_int_equal(cases_referral_add(app, w->hb, "한국소비자원 / KCA", "1372, www.kca.go.kr", &id, &err), OMB_OK);
	assert_int_equal(cases_template_add(app, w->hb, "결제 안내", TEMPLATE, &w->template_id, &err), OMB_OK);
	w->admin = person(app, "HB", "hb.admin", ROLE_ADMIN, NULL, 0, false);
	w->agent = person(app, "HB", "hb.agent", ROLE_AGENT, NULL, 0, true);
	w->card_prc = person(app, "HB", "hb.card", ROLE_PRACTITIONER, "CARD", w->card, false);
	w->card_mgr = person(app, "HB", "hb.cardlead", ROLE_MANAGER, "CARD", w->card, false);
	w->cpo_off = person(app, "HB", "hb.cpo", ROLE_COMPLAINTS, "CPO", w->cpo, false);
	w->cc_one = person(app, "CC", "cc.one", ROLE_AGENT, NULL, 0, false);
	w->cc_two = person(app, "CC", "cc.two", ROLE_AGENT, NULL, 0, false);
	w->nr_agent = person(app, "NR", "nr.agent", ROLE_AGENT, NULL, 0, false);
	const char *cats[] = {"CARD"}, *agents[] = {w->cc_one.staff_code};
	assert_int_equal(admin_contract_put(app, &w->admin, "CC", cats, 1, agents, 1, &err), OMB_OK);
}

static struct case_open_in customer_open(const char *category)
{
	return (struct case_open_in){.org_code = "HB", .category = category, .name = "홍길동", .contact = CONTACT,
				     .subject = "카드 결제 오류", .text = "결제가 두 번 되었습니다. 확인 부탁드립니다.",
				     .channel = DESK_CH_WEB};
}

static void open_at(struct app *app, const char *category, int64_t at, struct case_receipt *r)
{
	struct case_open_in in = customer_open(category);
	struct app_error err;
	assert_int_equal(cases_open(app, &in, at, r, NULL, &err), OMB_OK);
}

static int act(struct app *app, const char *receipt, const struct principal *who, enum case_action action,
	       const char *text, int64_t at)
{
	struct case_action_in in = {.action = action, .text = text};
	struct app_error err;
	return cases_act(app, receipt, who, &in, at, &err);
}

/* The case as who (staff) sees it; NULL: as the complaints office, who may
 * read every case of HB. */
static void view(struct app *app, const struct world *w, const char *receipt, const struct principal *who,
		 struct case_view *v)
{
	struct app_error err;
	assert_int_equal(cases_view(app, receipt, who ? who : &w->cpo_off, NULL, v, &err), OMB_OK);
}

static size_t events_of(struct app *app, const struct world *w, const char *receipt)
{
	struct case_view v;
	view(app, w, receipt, NULL, &v);
	size_t n = v.n_events;
	case_view_free(&v);
	return n;
}

/* Verifies the chain and returns how many signed heads it has. */
static size_t verified(struct app *app, const char *receipt, size_t n_events)
{
	struct chain_report rep;
	size_t n = 0, heads = 0;
	assert_int_equal(cases_verify(app, receipt, &rep, &n, &heads), OMB_OK);
	assert_string_equal(chain_fault_name(rep.fault), "intact");
	assert_int_equal(n, n_events);
	return heads;
}

static enum chain_fault fault_of(struct app *app, const char *receipt, uint64_t *event)
{
	struct chain_report rep;
	size_t n = 0, heads = 0;
	assert_int_equal(cases_verify(app, receipt, &rep, &n, &heads), OMB_OK);
	*event = rep.event;
	return rep.fault;
}

/* Text messages queued about receipt to the customer's phone whose body
 * holds needle. */
static size_t sent(struct app *app, const char *receipt, const char *needle)
{
	struct outbox_item *items = NULL;
	size_t n = 0, hits = 0;
	struct outbox_filter f = {.org_id = -1};
	assert_int_equal(outbox_list(app, &f, 0, 100, 1, &items, &n), OMB_OK);
	for (size_t i = 0; i < n; i++)
		hits += !strcmp(items[i].ref, receipt) && !strcmp(items[i].recipient, CONTACT) &&
			!strcmp(items[i].channel, "sms") && strstr(items[i].body, needle) != NULL;
	outbox_items_free(items, n);
	return hits;
}

static size_t outbox_size(struct app *app)
{
	struct outbox_item *items = NULL;
	size_t n = 0;
	struct outbox_filter f = {.org_id = -1};
	assert_int_equal(outbox_list(app, &f, 0, 100, 0, &items, &n), OMB_OK);
	outbox_items_free(items, n);
	return n;
}

/* Runs a statement behind the store's back, as someone with access to the
 * database would. */
static void sql(void **state, const char *statement)
{
	assert_int_equal(test_db_exec(&((struct app_fixture *)*state)->db, statement), 0);
}

#define NEW_ANSWER "새 답변" /* the notice of a reply or a final answer */

/* ---- opening ---- */

static void an_opened_case_reads_back_as_it_was_written(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_open_in in = customer_open("CARD");
	struct case_receipt r;
	struct case_view opened, v;
	struct app_error err;
	assert_int_equal(cases_open(app, &in, T0, &r, &opened, &err), OMB_OK);
	assert_string_equal(r.receipt, "HB-2026-0000001");
	assert_int_equal(strlen(r.access_code), RECEIPT_CODE_LEN);
	/* what the open read in its own transaction is what a later read finds */
	assert_int_equal(cases_view(app, r.receipt, NULL, r.access_code, &v, &err), OMB_OK);
	assert_string_equal(v.org_code, "HB");
	assert_string_equal(v.category, "CARD");
	assert_int_equal(v.org_id, w.hb);
	assert_string_equal(v.name, "홍길동");
	assert_string_equal(v.contact, CONTACT);
	assert_string_equal(v.text, in.text);
	assert_int_equal(v.state.dept_id, w.card);
	assert_int_equal(v.state.level, LADDER_L1);
	assert_int_equal(v.state.status, DESK_OPEN);
	assert_int_equal(v.state.channel, DESK_CH_WEB);
	assert_int_equal(v.state.opened_ms, T0);
	assert_int_equal(v.state.answer.kind, DEADLINE_FIRST_ANSWER);
	assert_int_equal(v.state.answer.due_ms, T0 + 24 * HOUR);
	assert_int_equal(v.state.first_answer_due_ms, T0 + 24 * HOUR);
	assert_int_equal(v.state.final.kind, DEADLINE_FINAL_ANSWER);
	assert_int_equal(v.state.final.due_ms, T0 + 14 * DAY);
	assert_int_equal(opened.state.answer.due_ms, v.state.answer.due_ms);
	assert_int_equal(opened.n_events, 1);
	assert_int_equal(v.n_events, 1);
	const struct chain_event *e = &v.events[0].ev;
	assert_string_equal(e->kind, "opened");
	assert_string_equal(e->actor_role, "customer");
	assert_string_equal(e->actor_org, "");
	assert_string_equal(e->detail, "web");
	assert_string_equal(e->deadline_set, "first_answer");
	assert_int_equal(e->deadline_due_ms, T0 + 24 * HOUR);
	assert_true(e->has_commitment); /* the personal data, salted */
	/* the head signs the one event, with the key the view names */
	assert_int_equal(v.head.seq, 0);
	assert_int_equal(v.head.signed_at_ms, T0);
	assert_memory_equal(v.head.hash, v.events[0].hash, CHAIN_HASH_BYTES);
	assert_memory_equal(v.head.sig, opened.head.sig, CHAIN_SIG_BYTES);
	assert_true(chain_head_verify(r.receipt, &v.head, v.public_key));
	assert_int_equal(verified(app, r.receipt, 1), 1);
	case_view_free(&opened);
	case_view_free(&v);
	/* the customer is sent the receipt number, never the access code */
	assert_int_equal(sent(app, r.receipt, r.receipt), 1);
	assert_int_equal(sent(app, r.receipt, r.access_code), 0);
	/* numbers follow on without a gap */
	struct case_receipt second;
	open_at(app, "LOAN", T0 + 1, &second);
	assert_string_equal(second.receipt, "HB-2026-0000002");
}

/* Each refusal names its field, and nothing of it is kept: no number is
 * taken, no message queued. */
static void refused(struct app *app, const struct case_open_in *in, int rc, const char *field)
{
	struct case_receipt r;
	struct case_view v;
	struct app_error err;
	assert_int_equal(cases_open(app, in, T0, &r, &v, &err), rc);
	if (field)
		assert_string_equal(err.field, field);
	else
		assert_null(err.field);
	assert_non_null(err.reason);
	assert_int_equal(v.n_events, 0);
	assert_null(v.name);
}

static void a_refused_open_names_the_field_and_numbers_nothing(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	char subject[CASE_SUBJECT_MAX + 2];
	memset(subject, 'x', sizeof subject - 1);
	subject[sizeof subject - 1] = '\0';
	struct case_open_in in = customer_open("CARD");
	in.name = "";
	refused(app, &in, OMB_EINVAL, "name");
	in = customer_open("CARD");
	in.contact = "홍길동";
	refused(app, &in, OMB_EINVAL, "contact");
	in.contact = "hong@localhost";
	refused(app, &in, OMB_EINVAL, "contact");
	in = customer_open("CARD");
	in.subject = subject;
	refused(app, &in, OMB_EINVAL, "subject");
	in = customer_open("CARD");
	in.text = "\xff\xfe 깨진 글자";
	refused(app, &in, OMB_EINVAL, "text");
	in = customer_open("NOPE");
	refused(app, &in, OMB_EINVAL, "category");
	in = customer_open("CARD");
	in.org_code = "CC"; /* a vendor takes no cases of its own */
	refused(app, &in, OMB_ENOTFOUND, "org");
	in.org_code = "NR"; /* a company without that category */
	refused(app, &in, OMB_EINVAL, "category");
	in = customer_open("CARD");
	in.channel = DESK_CH_PHONE; /* customers open on the web */
	refused(app, &in, OMB_EINVAL, NULL);
	in = customer_open("LOAN");
	in.channel = DESK_CH_PHONE;
	in.staff = &w.cc_one; /* the vendor's contract covers CARD only */
	refused(app, &in, OMB_EPERM, NULL);
	in.staff = &w.nr_agent;
	refused(app, &in, OMB_EPERM, NULL);
	assert_int_equal(outbox_size(app), 0);
	struct case_receipt r;
	open_at(app, "CARD", T0, &r);
	assert_string_equal(r.receipt, "HB-2026-0000001");
}

/* ---- the ladder ---- */

/* At L3 the case is on the manager's queue with its misses counted, and not
 * yet referred out. */
static void manager_sees(struct app *app, const struct world *w, const struct case_view *v)
{
	struct case_queue_item *items = NULL;
	size_t n = 0;
	assert_int_equal(cases_queue(app, "HB", &w->card_mgr, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].receipt, v->receipt);
	assert_int_equal(items[0].level, LADDER_L3);
	assert_int_equal(items[0].deadlines_missed, 2);
	assert_int_equal(items[0].answer_due_ms, v->state.answer.due_ms);
	free(items);
	struct doc *d = NULL;
	assert_int_equal(cases_referral_package(app, v, &d), OMB_ECONFLICT);
	assert_null(d);
}

static void the_sweep_climbs_a_rung_at_each_missed_deadline(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt r;
	open_at(app, "CARD", T0, &r);
	static const char *const missed[] = {"first_answer", "level_answer", "level_answer", "level_answer"};
	int64_t due = T0 + 24 * HOUR;
	size_t heads = 1;
	for (int rung = 0; rung < 4; rung++) {
		struct case_view v;
		view(app, &w, r.receipt, NULL, &v);
		assert_int_equal(v.state.answer.due_ms, due);
		size_t before = v.n_events;
		case_view_free(&v);
		assert_int_equal(cases_sweep(app, due), 0); /* an answer at the due time is in time */
		assert_int_equal(cases_sweep(app, due + 1), 1);
		assert_int_equal(cases_sweep(app, due + 1), 0); /* once */
		view(app, &w, r.receipt, NULL, &v);
		assert_int_equal(v.state.level, LADDER_L1 + rung + 1);
		assert_int_equal(v.state.escalations[DESK_CAUSE_DEADLINE], rung + 1);
		const struct chain_event *m = &v.events[before].ev, *up = &v.events[before + 1].ev;
		assert_string_equal(m->kind, "deadline_missed");
		assert_string_equal(m->deadline_missed, missed[rung]);
		assert_int_equal(m->at_ms, due);
		assert_string_equal(m->actor_role, "system");
		assert_string_equal(m->actor_staff, "");
		assert_string_equal(up->kind, "escalated");
		assert_string_equal(up->cause, "deadline");
		assert_int_equal(up->level_before, rung + 1);
		assert_int_equal(up->level_after, rung + 2);
		assert_int_equal(verified(app, r.receipt, v.n_events), ++heads);
		assert_int_equal(v.head.signed_at_ms, due + 1);
		if (rung == 1)
			manager_sees(app, &w, &v);
		if (rung < 3) {
			/* the next rung's time counts from the missed due time, not from the sweep */
			assert_int_equal(v.state.answer.kind, DEADLINE_LEVEL_ANSWER);
			assert_int_equal(v.state.answer.due_ms, due + 72 * HOUR);
			assert_int_equal(v.state.status, DESK_OPEN);
			assert_int_equal(v.n_events, before + 2);
			due += 72 * HOUR;
		} else {
			assert_int_equal(v.state.status, DESK_REFERRED);
			assert_int_equal(v.state.referred_ms, due);
			assert_int_equal(v.state.answer.kind, DEADLINE_NONE);
			assert_int_equal(v.state.final.kind, DEADLINE_NONE);
			assert_string_equal(v.events[v.n_events - 1].ev.kind, "referral");
		}
		case_view_free(&v);
	}
	assert_int_equal(cases_sweep(app, T0 + 400 * DAY), 0); /* referred out: the clock stopped */
	struct case_view v;
	struct doc *d = NULL;
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(cases_referral_package(app, &v, &d), OMB_OK);
	const struct doc_table *t = NULL;
	for (size_t i = 0; i < d->nsections; i++)
		if (!strcmp(d->sections[i]->key, "referral"))
			t = d->sections[i]->table;
	assert_non_null(t);
	assert_int_equal(t->nrows, 2); /* where to take it: the organisation's options */
	assert_string_equal(t->cells[1], "1332, www.fcsc.kr");
	doc_free(d);
	case_view_free(&v);
}

static void a_demand_is_met_only_by_the_responsible_person(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt r, ignored;
	open_at(app, "CARD", T0, &r);
	open_at(app, "CARD", T0, &ignored);
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_DEMAND, NULL, T0 + HOUR), OMB_OK);
	assert_int_equal(act(app, ignored.receipt, NULL, CASE_ACT_DEMAND, NULL, T0 + HOUR), OMB_OK);
	struct case_view v;
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.state.level, LADDER_L2);
	assert_int_equal(v.state.answer.kind, DEADLINE_RESPONSIBLE_CONTACT);
	assert_int_equal(v.state.answer.due_ms, T0 + 24 * HOUR); /* the first answer's, not later */
	assert_true(v.state.awaiting_responsible);
	assert_string_equal(v.events[1].ev.kind, "demand");
	assert_string_equal(v.events[2].ev.cause, "demand");
	case_view_free(&v);
	/* an agent's answer reaches the customer but is not the responsible person's */
	assert_int_equal(act(app, r.receipt, &w.agent, CASE_ACT_REPLY, "담당 부서에 전달했습니다.", T0 + 2 * HOUR),
			 OMB_OK);
	view(app, &w, r.receipt, NULL, &v);
	assert_string_equal(v.events[3].ev.deadline_met, "");
	assert_int_equal(v.state.answer.kind, DEADLINE_RESPONSIBLE_CONTACT);
	case_view_free(&v);
	assert_int_equal(sent(app, r.receipt, NEW_ANSWER), 1);
	assert_int_equal(act(app, r.receipt, &w.card_prc, CASE_ACT_REPLY,
			     "카드사업부 박실무입니다. 중복 결제는 오늘 취소 처리하겠습니다.", T0 + 3 * HOUR),
			 OMB_OK);
	view(app, &w, r.receipt, NULL, &v);
	const struct case_event_view *e = &v.events[4];
	assert_string_equal(e->ev.deadline_met, "responsible_contact");
	assert_true(e->ev.flags & CHAIN_FLAG_IN_TIME);
	assert_string_equal(e->ev.actor_role, "practitioner");
	assert_string_equal(e->ev.actor_org, "HB");
	assert_string_equal(e->ev.actor_staff, w.card_prc.staff_code);
	assert_string_equal(e->actor_dept, "CARD");
	assert_false(v.state.awaiting_responsible);
	assert_int_equal(v.state.responsible_ms, T0 + 3 * HOUR);
	assert_int_equal(v.state.demands_in_time, 1);
	assert_int_equal(v.state.status, DESK_ANSWERED);
	case_view_free(&v);
	assert_int_equal(sent(app, r.receipt, NEW_ANSWER), 2);
	/* unanswered, the demand's deadline takes the other case up at its due time */
	assert_int_equal(cases_sweep(app, T0 + 25 * HOUR + 1), 1);
	view(app, &w, ignored.receipt, NULL, &v);
	assert_int_equal(v.state.level, LADDER_L3);
	assert_string_equal(v.events[v.n_events - 2].ev.deadline_missed, "responsible_contact");
	case_view_free(&v);
	assert_int_equal(sent(app, ignored.receipt, NEW_ANSWER), 0);
}

/* A complaint about the center itself opens at head-office complaints: the
 * center cannot close it and a manager's final answer does not count. */
static void a_complaint_about_the_center_goes_to_head_office(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_open_in in = customer_open("CENTER");
	in.text = "상담원이 계속 같은 말만 합니다.";
	struct case_receipt r;
	struct case_view v;
	struct app_error err;
	assert_int_equal(cases_open(app, &in, T0, &r, &v, &err), OMB_OK);
	assert_int_equal(v.state.level, LADDER_L4);
	assert_true(v.state.about_center);
	assert_int_equal(v.state.dept_id, w.cpo);
	assert_string_equal(v.events[1].ev.cause, "about_center");
	case_view_free(&v);
	struct case_action_in close = {.action = CASE_ACT_CLOSE};
	assert_int_equal(cases_act(app, r.receipt, &w.agent, &close, T0 + 1, &err), OMB_EPERM);
	assert_non_null(strstr(err.reason, "customer center"));
	assert_int_equal(act(app, r.receipt, &w.card_mgr, CASE_ACT_FINAL, "처리했습니다.", T0 + 2), OMB_EPERM);
	assert_int_equal(events_of(app, &w, r.receipt), 2);
	assert_int_equal(act(app, r.receipt, &w.cpo_off, CASE_ACT_FINAL,
			     "소비자보호부입니다. 상담 품질 문제를 확인하였고 해당 상담원 교육을 마쳤습니다.", T0 + 3),
			 OMB_OK);
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.state.status, DESK_CLOSED);
	const struct case_event_view *fin = &v.events[2];
	assert_string_equal(fin->ev.kind, "final_answer");
	assert_string_equal(fin->ev.actor_role, "complaints");
	/* the referral options are appended to what the officer wrote */
	assert_non_null(strstr(fin->text, "해당 상담원 교육을 마쳤습니다."));
	assert_non_null(strstr(fin->text, "1332, www.fcsc.kr"));
	assert_non_null(strstr(fin->text, "1372, www.kca.go.kr"));
	assert_int_equal(verified(app, r.receipt, v.n_events), 2);
	case_view_free(&v);
	assert_int_equal(sent(app, r.receipt, NEW_ANSWER), 1);
}

/* ---- the chain ---- */

static const char memo[] = "결제일 2026-03-01\n금액 12,300원 (두 번)\n";

static struct attachment memo_file(struct app *app)
{
	struct attachment a;
	const char *field = NULL, *reason = NULL;
	assert_int_equal(attachments_check(app->cfg, ATTACH_TO_CASE, "memo.txt", memo, sizeof memo - 1, &a, &field, &reason),
			 OMB_OK);
	return a;
}

struct step {
	const struct principal *who; /* NULL: the customer */
	struct case_action_in in;
	const char *last;            /* the kind of the step's last event */
};

/* Each kind of step appends its events, stores the state and signs the new
 * head in one go: after every one the chain verifies with one head more,
 * across a key rotation too (old heads keep the key that signed them). */
static void every_kind_of_step_leaves_a_chain_that_verifies(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_open_in in = customer_open("CARD");
	in.channel = DESK_CH_PHONE;
	in.staff = &w.cc_one; /* the vendor takes the call */
	struct case_receipt r;
	struct app_error err;
	assert_int_equal(cases_open(app, &in, T0, &r, NULL, &err), OMB_OK);
	struct attachment file = memo_file(app);
	const struct step steps[] = {
		{NULL, {.action = CASE_ACT_MESSAGE, .text = "카드 명세서도 보냅니다."}, "message"},
		{&w.cc_one, {.action = CASE_ACT_REPLY, .text = TEMPLATE, .template_id = w.template_id}, "message"},
		{&w.card_prc, {.action = CASE_ACT_NOTE, .text = "가맹점에 확인 요청함"}, "note"},
		{&w.agent, {.action = CASE_ACT_ASSIGN, .assignee = w.card_prc.staff_code}, "assigned"},
		{NULL, {.action = CASE_ACT_ATTACH, .attachment = &file}, "attachment"},
		{&w.card_prc, {.action = CASE_ACT_REPLY, .text = "가맹점 확인 결과 중복 승인이 맞아 취소했습니다."}, "message"},
		{NULL, {.action = CASE_ACT_DISPUTE, .text = "환불이 아직 안 들어왔습니다."}, "escalated"},
		{&w.card_mgr, {.action = CASE_ACT_FINAL, .text = "취소 전표를 보내 드렸고 3일 안에 환불됩니다."}, "closed"},
		{NULL, {.action = CASE_ACT_REOPEN}, "reopened"},
		{NULL, {.action = CASE_ACT_DEMAND}, "demand"},
		{NULL, {.action = CASE_ACT_ACCEPT}, "closed"},
	};
	size_t heads = 1, n_steps = sizeof steps / sizeof steps[0];
	struct case_view v;
	view(app, &w, r.receipt, NULL, &v);
	int64_t first_key = v.head_key;
	case_view_free(&v);
	for (size_t i = 0; i < n_steps; i++) {
		int64_t at = T0 + (int64_t)(i + 1) * HOUR;
		if (i == 6) {
			struct case_key key;
			assert_int_equal(admin_key_rotate(app, &w.admin, at - 1, &key), OMB_OK);
		}
		assert_int_equal(cases_act(app, r.receipt, steps[i].who, &steps[i].in, at, &err), OMB_OK);
		view(app, &w, r.receipt, NULL, &v);
		assert_string_equal(v.events[v.n_events - 1].ev.kind, steps[i].last);
		assert_int_equal(v.head.seq, v.n_events - 1);
		assert_int_equal(v.head.signed_at_ms, at);
		assert_true(chain_head_verify(r.receipt, &v.head, v.public_key));
		assert_true(i < 6 ? v.head_key == first_key : v.head_key != first_key);
		assert_int_equal(verified(app, r.receipt, v.n_events), ++heads);
		case_view_free(&v);
	}
	/* and the sweep's steps too */
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_REOPEN, NULL, T0 + 20 * HOUR), OMB_OK);
	assert_int_equal(cases_sweep(app, T0 + 20 * HOUR + 72 * HOUR + 1), 1);
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.state.level, LADDER_L3);
	assert_int_equal(verified(app, r.receipt, v.n_events), heads + 2);
	case_view_free(&v);
}

static void verify_names_what_was_changed_behind_its_back(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt r;
	open_at(app, "CARD", T0, &r);
	struct attachment file = memo_file(app);
	struct case_action_in attach = {.action = CASE_ACT_ATTACH, .attachment = &file};
	struct app_error err;
	assert_int_equal(act(app, r.receipt, &w.agent, CASE_ACT_REPLY, "확인해 보니 중복 결제가 맞습니다.", T0 + 1), OMB_OK);
	assert_int_equal(cases_act(app, r.receipt, NULL, &attach, T0 + 2, &err), OMB_OK);
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_DEMAND, NULL, T0 + 3), OMB_OK); /* seq 3 and 4 */
	assert_int_equal(verified(app, r.receipt, 5), 4);
	uint64_t at = 99;
	sql(state, "UPDATE case_events SET reply_class = 'template' WHERE seq = 1");
	assert_int_equal(fault_of(app, r.receipt, &at), CHAIN_EVENT_ALTERED);
	assert_int_equal(at, 1);
	sql(state, "UPDATE case_events SET reply_class = 'human' WHERE seq = 1");
	assert_int_equal(verified(app, r.receipt, 5), 4);
	/* the file's row beside the chain no longer opens the event's commitment */
	sql(state, "UPDATE case_attachments SET name = 'receipt.txt'");
	assert_int_equal(fault_of(app, r.receipt, &at), CHAIN_DATA_ALTERED);
	assert_int_equal(at, 2);
	sql(state, "UPDATE case_attachments SET name = 'memo.txt'");
	assert_int_equal(verified(app, r.receipt, 5), 4);
	/* a shortened history: the last head signs an event that is gone */
	sql(state, "DELETE FROM case_events WHERE seq = 4");
	assert_int_equal(fault_of(app, r.receipt, &at), CHAIN_HEAD_BEYOND_END);
	assert_int_equal(at, 4);
}

/* ---- who acts ---- */

static void refused_act(struct app *app, const char *receipt, const struct principal *who, enum case_action action,
			int rc)
{
	struct case_action_in in = {.action = action, .text = "확인했습니다.", .assignee = "HB-AGT-0002"};
	struct app_error err;
	assert_int_equal(cases_act(app, receipt, who, &in, T0 + HOUR, &err), rc);
	assert_non_null(err.reason);
}

static void only_the_company_and_its_contracted_vendor_staff_act(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt card, loan;
	open_at(app, "CARD", T0, &card);
	open_at(app, "LOAN", T0, &loan);
	/* the vendor answers as itself, not as the bank */
	assert_int_equal(act(app, card.receipt, &w.cc_one, CASE_ACT_REPLY, "콜코리아 상담원입니다. 확인 중입니다.", T0 + 1),
			 OMB_OK);
	struct case_view v;
	view(app, &w, card.receipt, NULL, &v);
	assert_string_equal(v.events[1].ev.actor_org, "CC");
	assert_string_equal(v.events[1].ev.actor_staff, w.cc_one.staff_code);
	assert_string_equal(v.events[1].ev.actor_role, "agent");
	case_view_free(&v);
	refused_act(app, card.receipt, &w.cc_two, CASE_ACT_REPLY, OMB_EPERM);  /* not on the contract */
	refused_act(app, loan.receipt, &w.cc_one, CASE_ACT_REPLY, OMB_EPERM);  /* a category it leaves out */
	refused_act(app, card.receipt, &w.nr_agent, CASE_ACT_NOTE, OMB_EPERM); /* another company */
	refused_act(app, loan.receipt, &w.card_prc, CASE_ACT_NOTE, OMB_EPERM); /* another department */
	refused_act(app, card.receipt, &w.admin, CASE_ACT_REPLY, OMB_EPERM);   /* admins administer */
	refused_act(app, card.receipt, &w.agent, CASE_ACT_DEMAND, OMB_EPERM);  /* the customer's own */
	refused_act(app, card.receipt, NULL, CASE_ACT_ASSIGN, OMB_EPERM);      /* staff's own */
	struct app_error err;
	const struct principal *outsiders[] = {&w.cc_two, &w.nr_agent, &w.card_prc};
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(cases_view(app, loan.receipt, outsiders[i], NULL, &v, &err), OMB_EPERM);
	assert_int_equal(cases_view(app, loan.receipt, &w.cc_one, NULL, &v, &err), OMB_EPERM);
	assert_int_equal(events_of(app, &w, card.receipt), 2);
	assert_int_equal(events_of(app, &w, loan.receipt), 1);
	/* the vendor's queue holds what its contract covers */
	struct case_queue_item *items = NULL;
	size_t n = 0;
	assert_int_equal(cases_queue(app, "HB", &w.cc_one, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].receipt, card.receipt);
	free(items);
	assert_int_equal(cases_queue(app, "HB", &w.agent, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 2);
	free(items);
	assert_int_equal(cases_queue(app, "HB", &w.cc_two, 10, &items, &n), OMB_EPERM);
	/* and ends with the contract */
	assert_int_equal(admin_contract_end(app, &w.admin, "CC", &err), OMB_OK);
	refused_act(app, card.receipt, &w.cc_one, CASE_ACT_REPLY, OMB_EPERM);
}

static void the_customer_sees_answers_and_hand_overs_but_not_notes(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt r;
	open_at(app, "CARD", T0, &r);
	assert_int_equal(act(app, r.receipt, &w.agent, CASE_ACT_REPLY, "카드사에 취소 요청을 넣었습니다.", T0 + 1), OMB_OK);
	assert_int_equal(act(app, r.receipt, &w.card_prc, CASE_ACT_NOTE, "고객이 화가 많이 났음", T0 + 2), OMB_OK);
	struct case_action_in assign = {.action = CASE_ACT_ASSIGN, .assignee = w.card_prc.staff_code};
	struct app_error err;
	assert_int_equal(cases_act(app, r.receipt, &w.agent, &assign, T0 + 3, &err), OMB_OK);
	char detail[64];
	snprintf(detail, sizeof detail, "assignee=%s", w.card_prc.staff_code);
	struct case_view mine, staff;
	assert_int_equal(cases_view(app, r.receipt, NULL, r.access_code, &mine, &err), OMB_OK);
	view(app, &w, r.receipt, &w.agent, &staff);
	assert_int_equal(mine.n_events, 4);
	assert_string_equal(mine.events[1].text, "카드사에 취소 요청을 넣었습니다.");
	assert_string_equal(mine.events[2].ev.kind, "note");
	assert_null(mine.events[2].text); /* that a note exists, not what it says */
	assert_string_equal(staff.events[2].text, "고객이 화가 많이 났음");
	assert_string_equal(mine.events[3].ev.detail, detail);
	assert_null(mine.events[1].actor_name); /* the bank has not allowed names */
	case_view_free(&mine);
	case_view_free(&staff);
	/* names where the organisation and the staff member both allow them */
	assert_int_equal(accounts_org_set_show_names(app, w.hb, true), OMB_OK);
	assert_int_equal(cases_view(app, r.receipt, NULL, r.access_code, &mine, &err), OMB_OK);
	assert_string_equal(mine.events[1].actor_name, "hb.agent");
	assert_null(mine.events[2].actor_name);
	case_view_free(&mine);
	/* the hand-over is on the assignee's queue as theirs */
	struct case_queue_item *items = NULL;
	size_t n = 0;
	assert_int_equal(cases_queue(app, "HB", &w.card_prc, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_true(items[0].mine);
	free(items);
	/* refused hand-overs name what is wrong and change nothing */
	assign.assignee = "HB-AGT-9999";
	assert_int_equal(cases_act(app, r.receipt, &w.agent, &assign, T0 + 4, &err), OMB_EINVAL);
	assert_string_equal(err.field, "assignee");
	assign.assignee = w.nr_agent.staff_code;
	assert_int_equal(cases_act(app, r.receipt, &w.agent, &assign, T0 + 4, &err), OMB_EINVAL);
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_DEMAND, NULL, T0 + 5), OMB_OK); /* now at L2 */
	assign.assignee = w.agent.staff_code;
	assert_int_equal(cases_act(app, r.receipt, &w.card_prc, &assign, T0 + 6, &err), OMB_ECONFLICT);
	assert_int_equal(events_of(app, &w, r.receipt), 6);
	assert_int_equal(sent(app, r.receipt, NEW_ANSWER), 1);
}

/* ---- failures ---- */

/* Makes every head insert fail from now on (or no longer): the last write of
 * an open or an action, after its events, texts and state. */
static void heads_fail(void **state, bool on)
{
	if (test_db_postgres())
		sql(state, on ? "CREATE FUNCTION planted() RETURNS trigger LANGUAGE plpgsql AS "
				"$$BEGIN RAISE EXCEPTION 'planted'; END$$; "
				"CREATE TRIGGER planted BEFORE INSERT ON case_heads FOR EACH ROW EXECUTE FUNCTION planted()"
			      : "DROP TRIGGER planted ON case_heads");
	else
		sql(state, on ? "CREATE TRIGGER planted BEFORE INSERT ON case_heads BEGIN SELECT RAISE(ABORT, 'planted'); END"
			      : "DROP TRIGGER planted");
}

static void a_failed_step_leaves_nothing_half_written(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt r, lost;
	open_at(app, "CARD", T0, &r);
	heads_fail(state, true);
	struct case_open_in in = customer_open("CARD");
	struct case_view v;
	struct app_error err;
	assert_true(cases_open(app, &in, T0 + 1, &lost, &v, &err) < 0);
	assert_int_equal(v.n_events, 0);
	assert_true(act(app, r.receipt, &w.card_prc, CASE_ACT_REPLY, "중복 결제를 취소했습니다.", T0 + 2) < 0);
	assert_true(act(app, r.receipt, NULL, CASE_ACT_DEMAND, NULL, T0 + 3) < 0);
	heads_fail(state, false);
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.n_events, 1);
	assert_int_equal(v.state.level, LADDER_L1);
	assert_int_equal(v.state.status, DESK_OPEN);
	assert_int_equal(v.state.answers, 0);
	assert_int_equal(v.state.demands, 0);
	assert_int_equal(v.head.seq, 0);
	case_view_free(&v);
	assert_int_equal(outbox_size(app), 1); /* the first open's receipt only */
	/* the failed open took no number, and the reply goes through as if never tried */
	struct case_receipt next;
	open_at(app, "CARD", T0 + 4, &next);
	assert_string_equal(next.receipt, "HB-2026-0000002");
	assert_int_equal(act(app, r.receipt, &w.card_prc, CASE_ACT_REPLY, "중복 결제를 취소했습니다.", T0 + 5), OMB_OK);
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.n_events, 2);
	assert_int_equal(v.events[1].ev.at_ms, T0 + 5);
	assert_string_equal(v.events[1].text, "중복 결제를 취소했습니다.");
	assert_int_equal(verified(app, r.receipt, 2), 2);
	case_view_free(&v);
}

/* ---- the customer's own steps ---- */

static void dispute_accept_and_reopen_move_the_stored_case(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt r;
	open_at(app, "CARD", T0, &r);
	const char *answer = "고객님, 두 번 결제된 금액은 오늘 밤 자동으로 취소됩니다.";
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_DISPUTE, NULL, T0 + HOUR), OMB_ECONFLICT); /* nothing yet */
	assert_int_equal(act(app, r.receipt, &w.agent, CASE_ACT_REPLY, answer, T0 + HOUR), OMB_OK);
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_DISPUTE, "같은 말만 반복됩니다.", T0 + 2 * HOUR), OMB_OK);
	struct case_view v;
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.state.level, LADDER_L2);
	assert_true(v.state.dispute_open);
	assert_int_equal(v.state.answer.kind, DEADLINE_LEVEL_ANSWER);
	assert_int_equal(v.state.answer.due_ms, T0 + 74 * HOUR);
	assert_string_equal(v.events[2].text, "같은 말만 반복됩니다.");
	case_view_free(&v);
	/* the same answer again while the dispute is open: flagged, and the case climbs */
	assert_int_equal(act(app, r.receipt, &w.agent, CASE_ACT_REPLY, answer, T0 + 3 * HOUR), OMB_OK);
	view(app, &w, r.receipt, NULL, &v);
	assert_true(v.events[4].ev.flags & CHAIN_FLAG_REPEATED);
	assert_string_equal(v.events[5].ev.cause, "repeat");
	assert_int_equal(v.state.level, LADDER_L3);
	assert_int_equal(v.state.repeated_answers, 1);
	case_view_free(&v);
	int64_t closed = T0 + 4 * HOUR;
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_ACCEPT, NULL, closed), OMB_OK);
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_MESSAGE, "하나 더요", closed + 1), OMB_ECONFLICT);
	assert_int_equal(cases_sweep(app, closed + 100 * DAY), 0); /* closed: nothing runs */
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.state.status, DESK_CLOSED);
	assert_int_equal(v.state.closed_ms, closed);
	assert_int_equal(v.n_events, 8);
	case_view_free(&v);
	/* within the window the case re-opens where it stood, with new deadlines */
	int64_t back = closed + 29 * DAY;
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_REOPEN, NULL, back), OMB_OK);
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.state.status, DESK_OPEN);
	assert_int_equal(v.state.level, LADDER_L3);
	assert_int_equal(v.state.answer.due_ms, back + 72 * HOUR);
	assert_int_equal(v.state.final.due_ms, back + 14 * DAY);
	case_view_free(&v);
	assert_int_equal(act(app, r.receipt, NULL, CASE_ACT_ACCEPT, NULL, back + 1), OMB_OK);
	struct case_action_in reopen = {.action = CASE_ACT_REOPEN};
	struct app_error err;
	assert_int_equal(cases_act(app, r.receipt, NULL, &reopen, back + 1 + 30 * DAY + 1, &err), OMB_ECONFLICT);
	assert_non_null(strstr(err.reason, "period"));
	assert_int_equal(verified(app, r.receipt, events_of(app, &w, r.receipt)), 7);
}

/* The one-time code sent to the contact; "" when there is none. */
static void last_code(struct app *app, const char *receipt, char code[7])
{
	struct outbox_item *items = NULL;
	size_t n = 0;
	struct outbox_filter f = {.org_id = -1};
	assert_int_equal(outbox_list(app, &f, 0, 100, 1, &items, &n), OMB_OK);
	code[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(items[i].body, "인증번호 ");
		if (at && !strcmp(items[i].ref, receipt) && !strcmp(items[i].recipient, CONTACT))
			snprintf(code, 7, "%s", at + strlen("인증번호 "));
	}
	outbox_items_free(items, n);
}

static void an_access_code_opens_its_own_case_and_a_lost_one_is_replaced(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt r, b;
	open_at(app, "CARD", T0, &r);
	open_at(app, "CARD", T0, &b);
	assert_true(cases_access_ok(app, r.receipt, r.access_code));
	assert_false(cases_access_ok(app, b.receipt, r.access_code));
	assert_false(cases_access_ok(app, "HB-2026-0009999", r.access_code));
	assert_false(cases_access_ok(app, r.receipt, ""));
	assert_false(cases_access_ok(app, r.receipt, NULL));
	char near[RECEIPT_CODE_LEN + 1];
	memcpy(near, r.access_code, sizeof near);
	near[RECEIPT_CODE_LEN - 1] = near[RECEIPT_CODE_LEN - 1] == 'A' ? 'B' : 'A';
	assert_false(cases_access_ok(app, r.receipt, near));
	/* a wrong code reads as no such case, and leaves the view empty */
	struct case_view v;
	struct app_error err;
	assert_int_equal(cases_view(app, b.receipt, NULL, r.access_code, &v, &err), OMB_ENOTFOUND);
	assert_null(v.events);
	assert_int_equal(cases_view(app, "HB-2026-0009999", NULL, r.access_code, &v, &err), OMB_ENOTFOUND);
	/* the lost code */
	assert_int_equal(cases_otp_send(app, "HB-2026-0009999", T0), OMB_OK); /* the same answer, nothing sent */
	assert_int_equal(outbox_size(app), 2);
	assert_int_equal(cases_otp_send(app, r.receipt, T0), OMB_OK);
	char code[7], wrong[12], fresh[RECEIPT_CODE_LEN + 1];
	last_code(app, r.receipt, code);
	assert_int_equal(strspn(code, "0123456789"), 6);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	assert_int_equal(cases_otp_exchange(app, r.receipt, wrong, T0 + 1, fresh), OMB_ENOTFOUND);
	assert_int_equal(cases_otp_exchange(app, r.receipt, code, T0 + 2, fresh), OMB_OK);
	assert_string_not_equal(fresh, r.access_code);
	assert_true(cases_access_ok(app, r.receipt, fresh));
	assert_false(cases_access_ok(app, r.receipt, r.access_code));
	assert_int_equal(cases_otp_exchange(app, r.receipt, code, T0 + 3, fresh), OMB_ENOTFOUND); /* once */
	/* a code lasts CASE_OTP_TTL_MS */
	assert_int_equal(cases_otp_send(app, r.receipt, T0 + HOUR), OMB_OK);
	last_code(app, r.receipt, code);
	assert_int_equal(cases_otp_exchange(app, r.receipt, code, T0 + HOUR + CASE_OTP_TTL_MS, fresh), OMB_ENOTFOUND);
	/* five wrong tries use it up, the right one included after them */
	assert_int_equal(cases_otp_send(app, r.receipt, T0 + 2 * HOUR), OMB_OK);
	last_code(app, r.receipt, code);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	for (int i = 0; i < CASE_OTP_ATTEMPTS; i++)
		assert_int_equal(cases_otp_exchange(app, r.receipt, wrong, T0 + 2 * HOUR + 1, fresh), OMB_ENOTFOUND);
	assert_int_equal(cases_otp_exchange(app, r.receipt, code, T0 + 2 * HOUR + 2, fresh), OMB_ENOTFOUND);
	assert_int_equal(sent(app, r.receipt, "인증번호"), 3);
}

/* ---- the console's check ---- */

static void a_draft_check_says_what_the_reply_would_do_and_writes_nothing(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt r;
	open_at(app, "CARD", T0, &r);
	struct case_draft_verdict d;
	struct app_error err;
	assert_int_equal(cases_draft_check(app, r.receipt, &w.cc_one, TEMPLATE, w.template_id, T0 + HOUR, &d, &err),
			 OMB_OK);
	assert_int_equal(d.v.cls, SIMILAR_TEMPLATE);
	assert_false(d.meets_deadline); /* a template meets no deadline */
	assert_int_equal(d.deadline, DEADLINE_FIRST_ANSWER);
	assert_false(d.below_level);
	/* a day later, with no sweep run since: the reply would find the case
	 * already up at L2, where an agent's answer meets nothing */
	const char *own = "고객님, 중복 결제 건은 오늘 취소되며 문자로 알려 드리겠습니다.";
	int64_t late = T0 + 25 * HOUR;
	assert_int_equal(cases_draft_check(app, r.receipt, &w.agent, own, 0, late, &d, &err), OMB_OK);
	assert_int_equal(d.v.cls, SIMILAR_HUMAN);
	assert_false(d.meets_deadline);
	assert_int_equal(d.level_after, LADDER_L2);
	assert_true(d.below_level);
	assert_int_equal(d.deadline, DEADLINE_LEVEL_ANSWER);
	assert_int_equal(events_of(app, &w, r.receipt), 1); /* checking wrote nothing */
	assert_int_equal(act(app, r.receipt, &w.agent, CASE_ACT_REPLY, own, late), OMB_OK);
	struct case_view v;
	view(app, &w, r.receipt, NULL, &v);
	assert_int_equal(v.state.level, LADDER_L2);
	assert_string_equal(v.events[v.n_events - 1].ev.deadline_met, "");
	case_view_free(&v);
	assert_int_equal(cases_draft_check(app, r.receipt, &w.agent, "", 0, late, &d, &err), OMB_EINVAL);
	assert_string_equal(err.field, "text");
	assert_int_equal(cases_draft_check(app, r.receipt, &w.nr_agent, own, 0, late, &d, &err), OMB_EPERM);
}

/* ---- the sweep's resilience ---- */

/* A case whose history is full (CASE_EVENTS_MAX events: reached here by
 * setting its count, 2,000 real steps would take the test too long) can
 * take no more events, not even its missed deadline. */
static void a_case_the_sweep_cannot_move_holds_up_no_other(void **state)
{
	struct app *app = fixture_app(state);
	struct world w;
	world_make(app, &w);
	struct case_receipt full, other;
	open_at(app, "CARD", T0, &full);
	open_at(app, "CARD", T0 + HOUR, &other);
	sql(state, "UPDATE cases SET events = 2000 WHERE receipt = 'HB-2026-0000001'");
	assert_int_equal(act(app, full.receipt, NULL, CASE_ACT_MESSAGE, "또 연락드립니다.", T0 + 2), OMB_ELIMIT);
	assert_int_equal(cases_sweep(app, T0 + 26 * HOUR), 1);
	struct case_view v;
	view(app, &w, other.receipt, NULL, &v);
	assert_int_equal(v.state.level, LADDER_L2);
	case_view_free(&v);
	view(app, &w, full.receipt, NULL, &v);
	assert_int_equal(v.state.level, LADDER_L1);
	assert_int_equal(v.n_events, 1);
	case_view_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(an_opened_case_reads_back_as_it_was_written),
		APP_TEST(a_refused_open_names_the_field_and_numbers_nothing),
		APP_TEST(the_sweep_climbs_a_rung_at_each_missed_deadline),
		APP_TEST(a_demand_is_met_only_by_the_responsible_person),
		APP_TEST(a_complaint_about_the_center_goes_to_head_office),
		APP_TEST(every_kind_of_step_leaves_a_chain_that_verifies),
		APP_TEST(verify_names_what_was_changed_behind_its_back),
		APP_TEST(only_the_company_and_its_contracted_vendor_staff_act),
		APP_TEST(the_customer_sees_answers_and_hand_overs_but_not_notes),
		APP_TEST(a_failed_step_leaves_nothing_half_written),
		APP_TEST(dispute_accept_and_reopen_move_the_stored_case),
		APP_TEST(an_access_code_opens_its_own_case_and_a_lost_one_is_replaced),
		APP_TEST(a_draft_check_says_what_the_reply_would_do_and_writes_nothing),
		APP_TEST(a_case_the_sweep_cannot_move_holds_up_no_other),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
