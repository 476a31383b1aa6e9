/* test_protect.c — agent protection over the store: incidents on the agent's
 * open contact, reviewed by the agent's employer; warnings to the case's
 * customer through the outbox in the case organisation's words; ending a
 * contact hands the case over in the same write; breaks, settings and the
 * senior routing, dossiers and counselling kept to their readers. The rules
 * themselves are desk/protect.c's (tests/unit/desk/test_protect.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "app/accounts.h"
#include "app/admin.h"
#include "app/cases.h"
#include "app/outbox.h"
#include "app/protect.h"
#include "app_fixture.h"
#include "base/clock.h"

#define NOW     1772413200000LL          /* 2026-03-02T01:00:00Z */
#define MINUTE  (60 * 1000LL)
#define ABUSE   "야 이 멍청한 것아, 너 같은 건 잘려야 해"
#define THREAT  "퇴근길에 찾아가서 가만두지 않겠다"
#define CONTACT "010-3456-7890"

/* Nobody logs in here: a stored placeholder spares Argon2id per account. */
#define NO_LOGIN_HASH "$argon2id$v=19$m=65536,t=2,p=1$unit$test"

/* A bank with a card department, and its people. */
struct bank {
	int64_t org_id;
	struct principal admin, agent, agent2, card, lead; /* card: practitioner, lead: manager, both of CARD */
};

static struct principal person(struct app *app, const struct org *org, const char *login, enum role role,
			       const char *dept)
{
	const char *field = NULL;
	struct principal p;
	memset(&p, 0, sizeof p);
	struct staff_new s = {.org_code = org->code, .login = login, .role = role, .dept_code = dept,
			      .pw_hash = NO_LOGIN_HASH};
	assert_int_equal(accounts_staff_create(app, &s, &p.staff_id, p.staff_code, &field), OMB_OK);
	p.role = role;
	p.org_id = org->id;
	p.org_kind = org->kind;
	snprintf(p.org_code, sizeof p.org_code, "%s", org->code);
	if (dept)
		assert_int_equal(store_exec(app->store, STORE_Q_DEPT_BY_CODE, SV_ARGS(SV_INT(org->id), SV_TEXT(dept)),
					    store_row_first_int, &p.dept_id),
				 1);
	return p;
}

static struct org new_org(struct app *app, const char *code, enum org_kind kind)
{
	const char *field = NULL;
	struct org_new o = {.code = code, .name = "한빛은행", .name_en = "Hanbit Bank", .kind = kind};
	struct org org;
	int64_t id;
	assert_int_equal(accounts_org_create(app, &o, &id, &field), OMB_OK);
	assert_int_equal(accounts_org_get(app, code, &org), OMB_OK);
	return org;
}

static struct bank bank(struct app *app)
{
	struct bank b;
	struct org hb = new_org(app, "HB", ORG_COMPANY);
	const char *field = NULL;
	int64_t id;
	struct dept_new card = {.code = "CARD", .name = "카드사업부"};
	assert_int_equal(accounts_dept_create(app, hb.id, &card, &id, &field), OMB_OK);
	struct app_error err;
	assert_int_equal(cases_category_add(app, hb.id, "CARD", "카드", "Card", "CARD", false, &err), OMB_OK);
	b.org_id = hb.id;
	b.admin = person(app, &hb, "hb.admin", ROLE_ADMIN, NULL);
	b.agent = person(app, &hb, "hb.agent", ROLE_AGENT, NULL);
	b.agent2 = person(app, &hb, "hb.agent2", ROLE_AGENT, NULL);
	b.card = person(app, &hb, "hb.card", ROLE_PRACTITIONER, "CARD");
	b.lead = person(app, &hb, "hb.cardlead", ROLE_MANAGER, "CARD");
	return b;
}

/* A vendor acting for HB, with its supervisor, agent and admin. */
struct vendor {
	int64_t org_id;
	struct principal admin, agent, super;
};

static struct vendor vendor(struct app *app, int64_t client_id)
{
	struct vendor v;
	struct org cc = new_org(app, "CC", ORG_VENDOR);
	assert_int_equal(accounts_vendor_add_client(app, cc.id, client_id), OMB_OK);
	v.org_id = cc.id;
	v.admin = person(app, &cc, "cc.admin", ROLE_ADMIN, NULL);
	v.agent = person(app, &cc, "cc.agent", ROLE_AGENT, NULL);
	v.super = person(app, &cc, "cc.super", ROLE_SUPERVISOR, NULL);
	return v;
}

static struct case_receipt open_case(struct app *app, const char *contact, int64_t at)
{
	struct case_open_in in = {.org_code = "HB", .category = "CARD", .name = "김민원", .contact = contact,
				  .subject = "카드 한도", .text = "한도가 왜 줄었는지 알려 주세요.",
				  .channel = DESK_CH_WEB};
	struct case_receipt r;
	struct app_error err;
	assert_int_equal(cases_open(app, &in, at, &r, NULL, &err), OMB_OK);
	return r;
}

/* Who handles the case now (0: the queue of its level), as stored. */
static int64_t handler_of(struct app *app, const struct case_receipt *r)
{
	struct case_view v;
	struct app_error err;
	assert_int_equal(cases_view(app, r->receipt, NULL, r->access_code, &v, &err), OMB_OK);
	int64_t h = v.state.handler_staff_id;
	case_view_free(&v);
	return h;
}

/* The public detail of the case's last event, as its customer sees it. */
static void last_detail_is(struct app *app, const struct case_receipt *r, const char *want)
{
	struct case_view v;
	struct app_error err;
	assert_int_equal(cases_view(app, r->receipt, NULL, r->access_code, &v, &err), OMB_OK);
	assert_string_equal(v.events[v.n_events - 1].ev.kind, "assigned");
	assert_string_equal(v.events[v.n_events - 1].ev.detail, want);
	case_view_free(&v);
}

static struct protection_incident flag(struct app *app, const struct principal *who, const char *receipt,
				       const char *kind, const char *text, int64_t now)
{
	struct protection_flag_in in = {.kind = kind, .text = text};
	struct protection_incident out;
	struct app_error err;
	assert_int_equal(protection_flag(app, who, "HB", receipt, &in, now, &out, &err), OMB_OK);
	return out;
}

static int64_t flag_id(struct app *app, const struct principal *who, const char *receipt, const char *kind,
		       const char *text, int64_t now)
{
	struct protection_incident out = flag(app, who, receipt, kind, text, now);
	protection_incident_clear(&out);
	return out.id;
}

static void review(struct app *app, const struct principal *who, int64_t id, bool confirm, int64_t now)
{
	struct protection_incident out;
	struct app_error err;
	assert_int_equal(protection_review(app, who, id, confirm, now, &out, &err), OMB_OK);
	protection_incident_clear(&out);
}

/* How many incidents who lists (status < 0: any). */
static size_t n_incidents(struct app *app, const struct principal *who, int status)
{
	struct protection_incident *items = NULL;
	size_t n = 0;
	assert_int_equal(protection_incidents(app, who, status, 0, 100, &items, &n), OMB_OK);
	protection_incidents_free(items, n);
	return n;
}

/* The messages who queued (the case-opening notice is the system's). */
static size_t queued_by(struct app *app, const struct principal *who, struct outbox_item **items)
{
	struct outbox_filter f = {-1, who->staff_id, NULL};
	size_t n = 0;
	assert_int_equal(outbox_list(app, &f, 0, 100, 1, items, &n), OMB_OK);
	return n;
}

static void an_incident_is_stored_on_the_agent_open_contact(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct case_receipt c = open_case(app, CONTACT, NOW);
	struct protection_flag_in in = {.kind = "verbal_abuse", .text = ABUSE, .at_ms = NOW + MINUTE,
					.recording_ref = "rec-2026-0302-0001"};
	struct protection_incident first, second;
	struct app_error err;
	assert_int_equal(protection_flag(app, &b.agent, "HB", c.receipt, &in, NOW + 2 * MINUTE, &first, &err), OMB_OK);
	assert_true(first.id > 0);
	assert_true(first.contact_id > 0);
	assert_string_equal(first.receipt, c.receipt);
	assert_string_equal(first.agent_code, b.agent.staff_code);
	assert_string_equal(first.reviewer_code, "");
	assert_int_equal(first.kind, PROTECT_VERBAL_ABUSE);
	assert_int_equal(first.status, PROTECT_PENDING);
	assert_int_equal(first.at_ms, NOW + MINUTE);
	assert_string_equal(first.text, ABUSE); /* verbatim */
	assert_string_equal(first.recording_ref, "rec-2026-0302-0001");
	/* the same contact while it is open; another agent has a contact of their own */
	second = flag(app, &b.agent, c.receipt, "threat", THREAT, NOW + 3 * MINUTE);
	assert_int_equal(second.contact_id, first.contact_id);
	assert_int_equal(second.at_ms, NOW + 3 * MINUTE); /* at 0: now */
	int64_t contact = first.contact_id;
	protection_incident_clear(&first);
	protection_incident_clear(&second);
	second = flag(app, &b.agent2, c.receipt, "threat", THREAT, NOW + 3 * MINUTE);
	assert_true(second.contact_id != contact);
	protection_incident_clear(&second);

	struct {
		struct protection_flag_in in;
		const char *field;
	} bad[] = {
		{{.kind = "verbal_abuse", .text = "책임자 바꿔 주세요"}, "text"}, /* the customer's right */
		{{.kind = "demand_for_manager", .text = ABUSE}, "kind"},
		{{.kind = "threat", .text = THREAT, .at_ms = NOW + 60 * MINUTE}, "at"},
		{{.kind = "threat", .text = THREAT, .recording_ref = "bad \xc3\x28"}, "recording_ref"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(protection_flag(app, &b.agent, "HB", c.receipt, &bad[i].in, NOW + 4 * MINUTE, &first, &err),
				 OMB_EINVAL);
		assert_string_equal(err.field, bad[i].field);
	}
	assert_int_equal(protection_flag(app, &b.agent, "NR", c.receipt, &in, NOW + 4 * MINUTE, &first, &err),
			 OMB_ENOTFOUND); /* the case is HB's */
	assert_string_equal(err.reason, "no such case in this organisation");
	assert_int_equal(n_incidents(app, &b.lead, -1), 3); /* nothing of the refused ones was stored */
	assert_int_equal(n_incidents(app, &b.agent, -1), 2); /* an agent lists their own */
	assert_int_equal(n_incidents(app, &b.agent2, -1), 1);
}

static void the_agent_employer_reviews_once(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct vendor v = vendor(app, b.org_id);
	struct case_receipt c = open_case(app, CONTACT, NOW);
	int64_t own = flag_id(app, &b.agent, c.receipt, "verbal_abuse", ABUSE, NOW + MINUTE);
	int64_t vendors = flag_id(app, &v.agent, c.receipt, "threat", THREAT, NOW + MINUTE);
	struct protection_incident out;
	struct app_error err;
	assert_int_equal(protection_review(app, &b.agent, own, true, NOW + 2 * MINUTE, &out, &err), OMB_EPERM);
	assert_int_equal(protection_review(app, &b.lead, own, true, NOW + 2 * MINUTE, &out, &err), OMB_OK);
	assert_int_equal(out.status, PROTECT_CONFIRMED);
	assert_string_equal(out.reviewer_code, b.lead.staff_code);
	assert_int_equal(out.reviewed_ms, NOW + 2 * MINUTE);
	protection_incident_clear(&out);
	assert_int_equal(protection_review(app, &b.lead, own, false, NOW + 3 * MINUTE, &out, &err), OMB_ECONFLICT);
	/* the vendor's agent's incident is the vendor's, even on the bank's case */
	assert_int_equal(protection_review(app, &b.lead, vendors, false, NOW + 3 * MINUTE, &out, &err), OMB_ENOTFOUND);
	assert_int_equal(n_incidents(app, &b.lead, -1), 1);
	assert_int_equal(n_incidents(app, &v.super, PROTECT_PENDING), 1);
	assert_int_equal(protection_review(app, &v.super, vendors, false, NOW + 3 * MINUTE, &out, &err), OMB_OK);
	assert_int_equal(out.status, PROTECT_REJECTED);
	protection_incident_clear(&out);
	/* as stored */
	assert_int_equal(n_incidents(app, &b.lead, PROTECT_CONFIRMED), 1);
	assert_int_equal(n_incidents(app, &b.lead, PROTECT_PENDING), 0);
	assert_int_equal(n_incidents(app, &v.super, PROTECT_REJECTED), 1);
	assert_int_equal(protection_review(app, &b.lead, own + vendors, true, NOW, &out, &err), OMB_ENOTFOUND);
}

static void a_warning_goes_to_the_case_customer_through_the_outbox(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct case_receipt c = open_case(app, "kim@example.kr", NOW);
	struct protection_contact_state st;
	struct app_error err;
	assert_int_equal(protection_warn(app, &b.agent, "HB", c.receipt, NOW + MINUTE, &st, &err), OMB_ECONFLICT);
	int64_t id = flag_id(app, &b.agent, c.receipt, "verbal_abuse", ABUSE, NOW + MINUTE);
	review(app, &b.lead, id, false, NOW + 2 * MINUTE);
	/* a rejected incident counts nowhere: no warning, nothing queued */
	assert_int_equal(protection_warn(app, &b.agent, "HB", c.receipt, NOW + 3 * MINUTE, &st, &err), OMB_ECONFLICT);
	assert_non_null(err.reason);
	struct outbox_item *items = NULL;
	assert_int_equal(queued_by(app, &b.agent, &items), 0);
	outbox_items_free(items, 0);

	id = flag_id(app, &b.agent, c.receipt, "verbal_abuse", ABUSE, NOW + 4 * MINUTE);
	assert_int_equal(protection_warn(app, &b.agent, "HB", c.receipt, NOW + 5 * MINUTE, &st, &err), OMB_OK);
	assert_int_equal(st.incident_id, id);
	assert_int_equal(st.warnings_given, 1);
	assert_int_equal(st.warnings_required, 1);
	assert_true(st.may_end);
	size_t n = queued_by(app, &b.agent, &items);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].channel, "email");
	assert_string_equal(items[0].recipient, "kim@example.kr");
	assert_string_equal(items[0].ref, c.receipt);
	assert_non_null(strstr(items[0].body, c.receipt));
	assert_non_null(strstr(items[0].body, "녹음")); /* the default text, both languages */
	assert_non_null(strstr(items[0].body, "This contact is being recorded"));
	outbox_items_free(items, n);
}

/* A vendor's agent on the bank's case: the vendor (the employer) decides how
 * many warnings protect its agent; the bank speaks to its own customer. */
static void the_employer_counts_the_warnings_the_case_organisation_words_them(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct vendor v = vendor(app, b.org_id);
	struct app_error err;
	struct protect_config bank_cfg, vendor_cfg;
	protect_config_default(&bank_cfg);
	bank_cfg.warnings_required[PROTECT_VERBAL_ABUSE] = 3;
	bank_cfg.warning_ko = "한빛은행 안내: 이 상담은 녹음되며 폭언 시 법적 조치될 수 있습니다.";
	bank_cfg.warning_en = "Hanbit Bank: this call is recorded; abuse may be reported.";
	assert_int_equal(protection_settings_put(app, &b.admin, &bank_cfg, NULL, 0, NOW, &err), OMB_OK);
	protect_config_default(&vendor_cfg);
	vendor_cfg.warnings_required[PROTECT_VERBAL_ABUSE] = 2;
	assert_int_equal(protection_settings_put(app, &v.admin, &vendor_cfg, NULL, 0, NOW, &err), OMB_OK);

	struct case_receipt c = open_case(app, CONTACT, NOW);
	flag_id(app, &v.agent, c.receipt, "verbal_abuse", ABUSE, NOW + MINUTE);
	struct protection_contact_state st;
	assert_int_equal(protection_warn(app, &v.agent, "CC", c.receipt, NOW + 2 * MINUTE, &st, &err), OMB_ENOTFOUND);
	assert_int_equal(protection_warn(app, &v.agent, "HB", c.receipt, NOW + 2 * MINUTE, &st, &err), OMB_OK);
	assert_int_equal(st.warnings_required, 2);
	assert_int_equal(st.warnings_given, 1);
	assert_false(st.may_end);
	assert_int_equal(protection_warn(app, &v.agent, "HB", c.receipt, NOW + 3 * MINUTE, &st, &err), OMB_OK);
	assert_int_equal(st.warnings_given, 2);
	assert_true(st.may_end);
	struct outbox_item *items = NULL;
	size_t n = queued_by(app, &v.agent, &items);
	assert_int_equal(n, 2);
	assert_string_equal(items[1].channel, "sms");
	assert_string_equal(items[1].recipient, CONTACT);
	assert_non_null(strstr(items[1].body, bank_cfg.warning_ko));
	assert_non_null(strstr(items[1].body, bank_cfg.warning_en));
	outbox_items_free(items, n);
	/* the bank's message, queued by the vendor's agent: the bank's admin sees it */
	struct outbox_filter bank_msgs = {b.org_id, v.agent.staff_id, NULL};
	assert_int_equal(outbox_list(app, &bank_msgs, 0, 100, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 2);
	outbox_items_free(items, n);
}

static void ending_waits_for_the_warnings_then_hands_the_case_over(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct case_receipt c = open_case(app, CONTACT, NOW);
	int64_t id = flag_id(app, &b.agent, c.receipt, "verbal_abuse", ABUSE, NOW + MINUTE);
	struct protection_contact_end end;
	struct app_error err;
	assert_int_equal(protection_end_contact(app, &b.agent, "HB", c.receipt, NOW + 2 * MINUTE, &end, &err),
			 OMB_ECONFLICT);
	assert_non_null(err.reason);
	assert_int_equal(handler_of(app, &c), 0); /* not handed over */
	struct protection_contact_state st;
	assert_int_equal(protection_warn(app, &b.agent, "HB", c.receipt, NOW + 3 * MINUTE, &st, &err), OMB_OK);
	assert_int_equal(st.incident_id, id); /* the contact stayed open */
	assert_int_equal(protection_end_contact(app, &b.agent, "HB", c.receipt, NOW + 4 * MINUTE, &end, &err), OMB_OK);
	assert_int_equal(end.contact_id, st.contact_id);
	assert_string_equal(end.handover_code, b.agent2.staff_code); /* the other agent, at the same level */
	assert_int_equal(end.handover_level, 1);
	assert_int_equal(end.ended_ms, NOW + 4 * MINUTE);
	assert_int_equal(handler_of(app, &c), b.agent2.staff_id);
	/* that contact is over: nothing to end, and a new incident opens a new one */
	assert_int_equal(protection_end_contact(app, &b.agent, "HB", c.receipt, NOW + 5 * MINUTE, &end, &err),
			 OMB_ECONFLICT);
	struct protection_incident again = flag(app, &b.agent, c.receipt, "threat", THREAT, NOW + 6 * MINUTE);
	assert_true(again.contact_id != st.contact_id);
	protection_incident_clear(&again);

	struct protect_figures fig;
	assert_int_equal(protection_figures(app, "HB", NOW, NOW + 60 * MINUTE, &fig), OMB_OK);
	assert_int_equal(fig.incidents, 2);
	assert_int_equal(fig.by_kind[PROTECT_THREAT], 1);
	assert_int_equal(fig.pending, 2);
	assert_int_equal(fig.contacts_ended, 1);
	assert_int_equal(protection_figures(app, "HB", NOW + 60 * MINUTE, NOW + 120 * MINUTE, &fig), OMB_OK);
	assert_int_equal(fig.contacts_ended, 0);
	assert_int_equal(protection_figures(app, "ZZ", NOW, NOW + 60 * MINUTE, &fig), OMB_ENOTFOUND);
}

static void a_break_takes_the_agent_out_of_the_handover(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct vendor v = vendor(app, b.org_id);
	int64_t id = 0;
	struct app_error err;
	assert_int_equal(protection_break(app, &b.lead, b.agent2.staff_code, 0, 0, NOW, &id, &err), OMB_EINVAL);
	assert_string_equal(err.field, "minutes");
	assert_int_equal(protection_break(app, &b.lead, v.agent.staff_code, 30, 0, NOW, &id, &err), OMB_EINVAL);
	assert_string_equal(err.field, "agent"); /* not of the manager's organisation */
	assert_int_equal(protection_break(app, &v.super, v.agent.staff_code, 30, 0, NOW, &id, &err), OMB_OK);
	assert_int_equal(protection_break(app, &v.super, v.super.staff_code, 30, 0, NOW, &id, &err), OMB_OK);
	assert_int_equal(protection_break(app, &b.lead, b.agent2.staff_code, 30, 0, NOW, &id, &err), OMB_OK);
	assert_true(id > 0);

	/* everyone else at level 1 is resting: the lowest level above takes it */
	struct case_receipt c = open_case(app, CONTACT, NOW);
	flag_id(app, &b.agent, c.receipt, "threat", THREAT, NOW + MINUTE); /* a threat: no warning due */
	struct protection_contact_end end;
	assert_int_equal(protection_end_contact(app, &b.agent, "HB", c.receipt, NOW + 2 * MINUTE, &end, &err), OMB_OK);
	assert_string_equal(end.handover_code, b.card.staff_code);
	assert_int_equal(end.handover_level, 2);
	assert_int_equal(handler_of(app, &c), b.card.staff_id);

	struct protect_figures fig;
	assert_int_equal(protection_figures(app, "HB", NOW, NOW + 60 * MINUTE, &fig), OMB_OK);
	assert_int_equal(fig.breaks, 1); /* the vendor's breaks are the vendor's */
	assert_int_equal(fig.contacts_ended, 1);
	assert_int_equal(protection_figures(app, "CC", NOW, NOW + 60 * MINUTE, &fig), OMB_OK);
	assert_int_equal(fig.breaks, 2);
}

static void settings_are_replaced_whole_or_not_at_all(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct vendor v = vendor(app, b.org_id);
	struct protection_settings s;
	assert_int_equal(protection_settings_get(app, b.org_id, &s), OMB_OK);
	assert_int_equal(s.cfg.warnings_required[PROTECT_VERBAL_ABUSE], 1); /* no row: the defaults */
	assert_int_equal(s.cfg.warnings_required[PROTECT_THREAT], 0);
	assert_int_equal(s.cfg.senior_after_confirmed, 2);
	assert_int_equal(s.cfg.senior_period_ms, 365 * CLOCK_MS_PER_DAY);
	assert_null(s.cfg.warning_ko);
	assert_int_equal(s.n_seniors, 0);

	struct protect_config cfg;
	protect_config_default(&cfg);
	for (int k = 0; k < PROTECT_KIND_COUNT; k++)
		cfg.warnings_required[k] = (unsigned)(2 + k); /* each kind its own column */
	cfg.senior_after_confirmed = 3;
	cfg.senior_period_ms = 30 * CLOCK_MS_PER_DAY;
	cfg.warning_ko = "한빛은행 안내";
	cfg.support_contact = "한빛은행 법무지원팀 02-123-4567";
	const char *seniors[] = {b.lead.staff_code, b.card.staff_code};
	struct app_error err;
	assert_int_equal(protection_settings_put(app, &b.admin, &cfg, seniors, 2, NOW, &err), OMB_OK);
	assert_int_equal(audit_count(app, b.org_id, "protection.settings"), 1);

	struct protect_config bad_cfg = cfg;
	bad_cfg.warnings_required[PROTECT_THREAT] = 11;
	const char *twice[] = {b.card.staff_code, b.card.staff_code};
	const char *foreign[] = {b.agent.staff_code, v.super.staff_code};
	const char *admin[] = {b.admin.staff_code};
	const char *nobody[] = {"HB-AGT-9999"};
	struct {
		const struct protect_config *cfg;
		const char *const *seniors;
		size_t n;
		const char *field;
	} bad[] = {
		{&bad_cfg, seniors, 2, "warnings_required"}, {&cfg, twice, 2, "senior_handlers"},
		{&cfg, foreign, 2, "senior_handlers"},       {&cfg, admin, 1, "senior_handlers"},
		{&cfg, nobody, 1, "senior_handlers"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct protect_config changed = *bad[i].cfg;
		changed.warnings_required[PROTECT_VERBAL_ABUSE] = 9; /* would show if the refused put were kept */
		assert_int_equal(protection_settings_put(app, &b.admin, &changed, bad[i].seniors, bad[i].n, NOW, &err),
				 OMB_EINVAL);
		assert_string_equal(err.field, bad[i].field);
	}
	assert_int_equal(protection_settings_get(app, b.org_id, &s), OMB_OK);
	for (int k = 0; k < PROTECT_KIND_COUNT; k++)
		assert_int_equal(s.cfg.warnings_required[k], 2 + k);
	assert_int_equal(s.cfg.senior_after_confirmed, 3);
	assert_int_equal(s.cfg.senior_period_ms, 30 * CLOCK_MS_PER_DAY);
	assert_string_equal(s.cfg.warning_ko, "한빛은행 안내");
	assert_null(s.cfg.warning_en); /* left out: the default */
	assert_string_equal(s.cfg.support_contact, "한빛은행 법무지원팀 02-123-4567");
	assert_int_equal(s.n_seniors, 2);
	char want[2][STAFF_CODE_MAX]; /* listed by staff code */
	bool card_first = strcmp(b.card.staff_code, b.lead.staff_code) < 0;
	snprintf(want[0], STAFF_CODE_MAX, "%s", card_first ? b.card.staff_code : b.lead.staff_code);
	snprintf(want[1], STAFF_CODE_MAX, "%s", card_first ? b.lead.staff_code : b.card.staff_code);
	assert_string_equal(s.seniors[0], want[0]);
	assert_string_equal(s.seniors[1], want[1]);
	assert_int_equal(audit_count(app, b.org_id, "protection.settings"), 1);
	/* another organisation's settings are its own */
	assert_int_equal(protection_settings_get(app, v.org_id, &s), OMB_OK);
	assert_int_equal(s.cfg.warnings_required[PROTECT_VERBAL_ABUSE], 1);
	assert_int_equal(s.n_seniors, 0);
}

static void repeated_confirmed_incidents_route_the_customer_to_a_senior(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct protect_config cfg;
	protect_config_default(&cfg);
	cfg.senior_period_ms = 30 * CLOCK_MS_PER_DAY;
	const char *seniors[] = {b.card.staff_code};
	struct app_error err;
	assert_int_equal(protection_settings_put(app, &b.admin, &cfg, seniors, 1, NOW, &err), OMB_OK);
	struct case_receipt first = open_case(app, "010-5555-0101", NOW);
	struct case_receipt second = open_case(app, "+82 10 5555 0101", NOW); /* the same customer */
	struct case_receipt calm = open_case(app, "010-5555-0202", NOW);
	review(app, &b.lead, flag_id(app, &b.agent, first.receipt, "verbal_abuse", ABUSE, NOW + MINUTE), true,
	       NOW + 2 * MINUTE);
	assert_int_equal(handler_of(app, &first), 0); /* one confirmed: not yet */
	int64_t pending = flag_id(app, &b.agent, second.receipt, "threat", THREAT, NOW + 3 * MINUTE);
	struct case_receipt early = open_case(app, "010-5555-0101", NOW + 4 * MINUTE);
	assert_int_equal(handler_of(app, &early), 0); /* a pending one does not count */
	review(app, &b.lead, pending, true, NOW + 5 * MINUTE);
	assert_int_equal(handler_of(app, &first), b.card.staff_id);
	assert_int_equal(handler_of(app, &second), b.card.staff_id);
	assert_int_equal(handler_of(app, &early), b.card.staff_id);
	assert_int_equal(handler_of(app, &calm), 0);
	/* a new case of that customer is routed as it is opened */
	struct case_receipt later = open_case(app, "010-5555-0101", NOW + 6 * MINUTE);
	assert_int_equal(handler_of(app, &later), b.card.staff_id);
	char detail[64];
	snprintf(detail, sizeof detail, "assignee=%s", b.card.staff_code);
	last_detail_is(app, &later, detail); /* the system's hand-over names its assignee too */
	struct case_receipt other = open_case(app, "010-5555-0202", NOW + 6 * MINUTE);
	assert_int_equal(handler_of(app, &other), 0);
	size_t filled = 9;
	assert_int_equal(protection_backfill(app, &filled), OMB_OK);
	assert_int_equal(filled, 0); /* every case was keyed in its own open */
}

/* The value of a field of a section of a document. */
static const char *doc_value(const struct doc *d, const char *section, const char *key)
{
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; strcmp(d->sections[i]->key, section) == 0 && j < d->sections[i]->nfields; j++)
			if (strcmp(d->sections[i]->fields[j].key, key) == 0)
				return d->sections[i]->fields[j].value;
	return NULL;
}

static const struct doc_table *doc_incidents(const struct doc *d)
{
	for (size_t i = 0; i < d->nsections; i++)
		if (strcmp(d->sections[i]->key, "incidents") == 0)
			return d->sections[i]->table;
	return NULL;
}

static void a_dossier_holds_the_agent_own_kept_incidents(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct vendor v = vendor(app, b.org_id);
	struct case_receipt c = open_case(app, CONTACT, NOW);
	int64_t later = flag_id(app, &b.agent, c.receipt, "verbal_abuse", ABUSE, NOW + 3 * MINUTE);
	struct protection_flag_in in = {.kind = "threat", .text = THREAT, .at_ms = NOW + MINUTE};
	struct protection_incident earlier;
	struct app_error err;
	assert_int_equal(protection_flag(app, &b.agent, "HB", c.receipt, &in, NOW + 4 * MINUTE, &earlier, &err), OMB_OK);
	int64_t rejected = flag_id(app, &b.agent, c.receipt, "verbal_abuse", "너 같은 건 필요 없어", NOW + 4 * MINUTE);
	flag_id(app, &b.agent2, c.receipt, "verbal_abuse", ABUSE, NOW + 4 * MINUTE);
	review(app, &b.lead, later, true, NOW + 5 * MINUTE);
	review(app, &b.lead, rejected, false, NOW + 5 * MINUTE);
	struct protection_contact_state st;
	assert_int_equal(protection_warn(app, &b.agent, "HB", c.receipt, NOW + 6 * MINUTE, &st, &err), OMB_OK);

	int64_t id = 0;
	assert_int_equal(protection_dossier_create(app, &b.card, c.receipt, NOW + 7 * MINUTE, &id, &err), OMB_EINVAL);
	assert_string_equal(err.field, "receipt"); /* nothing of their own on the case */
	assert_int_equal(protection_dossier_create(app, &b.agent, "HB-2026-0009999", NOW, &id, &err), OMB_EINVAL);
	assert_string_equal(err.field, "receipt");
	assert_int_equal(protection_dossier_create(app, &b.agent, c.receipt, NOW + 7 * MINUTE, &id, &err), OMB_OK);
	assert_true(id > 0);

	struct doc *d = NULL;
	assert_int_equal(protection_dossier_get(app, &b.agent, id, &d, &err), OMB_OK);
	assert_string_equal(d->kind, "dossier");
	assert_string_equal(doc_value(d, "dossier", "receipt"), c.receipt);
	assert_string_equal(doc_value(d, "dossier", "agent"), b.agent.staff_code);
	assert_string_equal(doc_value(d, "dossier", "incidents"), "2"); /* not the rejected one, not agent2's */
	char support[128];
	snprintf(support, sizeof support, "%s (확인한 관리자 / reviewing manager)", b.lead.staff_code);
	assert_string_equal(doc_value(d, "dossier", "support_contact"), support);
	const struct doc_table *t = doc_incidents(d);
	assert_non_null(t);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->cells[5], THREAT); /* in time order, verbatim */
	assert_string_equal(t->cells[4], "pending");
	assert_string_equal(t->cells[7], "1"); /* the warning went with the last one flagged that counts */
	assert_string_equal(t->cells[t->ncols + 5], ABUSE);
	assert_string_equal(t->cells[t->ncols + 4], "confirmed");
	assert_string_equal(t->cells[t->ncols + 7], "0");
	doc_free(d);
	protection_incident_clear(&earlier);

	assert_int_equal(protection_dossier_get(app, &b.lead, id, &d, &err), OMB_OK); /* the agent's manager */
	doc_free(d);
	assert_int_equal(protection_dossier_get(app, &b.agent2, id, &d, &err), OMB_EPERM); /* a colleague */
	assert_null(d);
	assert_int_equal(protection_dossier_get(app, &v.super, id, &d, &err), OMB_ENOTFOUND); /* another organisation */
	assert_int_equal(protection_dossier_get(app, &b.agent, id + 1, &d, &err), OMB_ENOTFOUND);
	struct {
		const struct principal *who;
		size_t n;
	} lists[] = {{&b.agent, 1}, {&b.lead, 1}, {&b.agent2, 0}, {&v.super, 0}};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		struct protection_dossier_item *items = NULL;
		size_t n = 9;
		assert_int_equal(protection_dossiers(app, lists[i].who, 0, 100, &items, &n), OMB_OK);
		assert_int_equal(n, lists[i].n);
		if (n)
			assert_string_equal(items[0].receipt, c.receipt);
		free(items);
	}
}

static void counselling_is_for_the_agent_and_their_manager(void **state)
{
	struct app *app = fixture_app(state);
	struct bank b = bank(app);
	struct vendor v = vendor(app, b.org_id);
	int64_t id = 0;
	struct app_error err;
	assert_int_equal(protection_counselling_add(app, &b.agent, "상담 후 불안감이 큽니다", NOW, &id, &err), OMB_OK);
	assert_true(id > 0);
	assert_int_equal(protection_counselling_add(app, &b.agent2, "잠이 오지 않습니다", NOW + 1, &id, &err), OMB_OK);
	static char long_text[PROTECTION_COUNSELLING_TEXT_MAX + 2];
	memset(long_text, 'x', sizeof long_text - 1);
	assert_int_equal(protection_counselling_add(app, &b.agent, long_text, NOW, &id, &err), OMB_EINVAL);
	assert_string_equal(err.field, "text");
	assert_int_equal(protection_counselling_add(app, &v.agent, "벤더 상담원", NOW, &id, &err), OMB_OK);
	struct {
		const struct principal *who;
		size_t n;
	} lists[] = {{&b.agent, 1}, {&b.agent2, 1}, {&b.card, 0}, {&b.lead, 2}, {&v.super, 1}};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		struct protection_counselling *items = NULL;
		size_t n = 9;
		assert_int_equal(protection_counselling_list(app, lists[i].who, 0, 100, &items, &n), OMB_OK);
		assert_int_equal(n, lists[i].n);
		if (lists[i].who == &b.agent) {
			assert_string_equal(items[0].agent_code, b.agent.staff_code);
			assert_string_equal(items[0].text, "상담 후 불안감이 큽니다");
			assert_int_equal(items[0].at_ms, NOW);
		}
		free(items);
	}
	struct protect_figures fig;
	assert_int_equal(protection_figures(app, "HB", NOW, NOW + MINUTE, &fig), OMB_OK);
	assert_int_equal(fig.incidents + fig.breaks + fig.dossiers, 0); /* counselling is never a figure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(an_incident_is_stored_on_the_agent_open_contact),
		APP_TEST(the_agent_employer_reviews_once),
		APP_TEST(a_warning_goes_to_the_case_customer_through_the_outbox),
		APP_TEST(the_employer_counts_the_warnings_the_case_organisation_words_them),
		APP_TEST(ending_waits_for_the_warnings_then_hands_the_case_over),
		APP_TEST(a_break_takes_the_agent_out_of_the_handover),
		APP_TEST(settings_are_replaced_whole_or_not_at_all),
		APP_TEST(repeated_confirmed_incidents_route_the_customer_to_a_senior),
		APP_TEST(a_dossier_holds_the_agent_own_kept_incidents),
		APP_TEST(counselling_is_for_the_agent_and_their_manager),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
