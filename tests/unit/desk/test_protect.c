/* test_protect.c — agent protection rules (desk/protect). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "desk/protect.h"

#define T0 1760000000000LL   /* a fixed "now" */
#define MIN (60 * CLOCK_MS_PER_S)

static int check_text(enum protect_kind kind, const char *text)
{
	const char *reason = NULL;
	return protect_incident_check(kind, text, strlen(text), T0 - MIN, T0, &reason);
}

/* ---- incident refusal for demands and disputes ---- */

static void test_demands_and_disputes_are_refused(void **state)
{
	(void)state;
	static const char *const rights[] = {
		"담당자 연결해 주세요",
		"담당자 연결해주세요!!",
		"책임자 바꿔",
		"책임자 바꿔! 당장!",
		"책임자 나와 당장",
		"팀장님 바꿔 주세요",
		"책임자랑 통화하고 싶습니다",
		"이 답변에 동의하지 않습니다",
		"답변에 이의 제기합니다.",
		"납득할 수 없습니다. 다시 검토해 주세요",
		"I want to speak to the manager",
		"I WANT TO SPEAK TO THE MANAGER!!!",
		"Let me talk to your supervisor, please.",
		"I dispute this answer",
		"I don't accept this answer. Put me through to the person in charge.",
		"Ｉ　ＤＩＳＰＵＴＥ this answer",   /* full-width letters and space: NFKC folds them */
	};
	for (size_t i = 0; i < sizeof rights / sizeof rights[0]; i++) {
		const char *reason = NULL;
		int rc = protect_incident_check(PROTECT_VERBAL_ABUSE, rights[i], strlen(rights[i]), T0, T0, &reason);
		if (rc != OMB_EINVAL)
			fail_msg("accepted a demand/dispute as an incident: %s", rights[i]);
		assert_non_null(strstr(reason, "right"));
		/* the kind does not turn a right into an incident */
		assert_int_equal(check_text(PROTECT_THREAT, rights[i]), OMB_EINVAL);
		assert_int_equal(check_text(PROTECT_ASSAULT, rights[i]), OMB_EINVAL);
	}
}

static void test_abuse_with_a_demand_is_an_incident(void **state)
{
	(void)state;
	static const char *const abuse[] = {
		"책임자 바꿔 이 씨발년아",
		"담당자 연결해 안 그러면 찾아가서 죽여버린다",
		"이 답변에 동의하지 않습니다 병신아",
		"I want to speak to the manager you stupid bitch",
		"I dispute this answer and I will kill you",
		"목소리가 섹시하네 오늘 저녁에 만나자",
		"threw a cup of coffee at me across the counter",
		"욕설: 개새끼",
	};
	for (size_t i = 0; i < sizeof abuse / sizeof abuse[0]; i++) {
		if (check_text(PROTECT_VERBAL_ABUSE, abuse[i]) != OMB_OK)
			fail_msg("refused a real incident: %s", abuse[i]);
	}
}

static void test_incident_check_fields(void **state)
{
	(void)state;
	const char *reason = NULL;
	assert_int_equal(protect_incident_check(PROTECT_VERBAL_ABUSE, "", 0, T0, T0, &reason), OMB_EINVAL);
	assert_int_equal(protect_incident_check(PROTECT_KIND_COUNT, "욕설", strlen("욕설"), T0, T0, &reason),
	                 OMB_EINVAL);
	assert_int_equal(protect_incident_check(PROTECT_THREAT, "죽여버린다", strlen("죽여버린다"), T0 + 1, T0, &reason),
	                 OMB_EINVAL);
	assert_non_null(strstr(reason, "future"));
	assert_int_equal(protect_incident_check(PROTECT_THREAT, "\xff\xfe", 2, T0, T0, &reason), OMB_EINVAL);
	char *big = malloc(PROTECT_TEXT_MAX + 2);
	memset(big, 'x', PROTECT_TEXT_MAX + 1);
	big[PROTECT_TEXT_MAX + 1] = '\0';
	assert_int_equal(protect_incident_check(PROTECT_THREAT, big, PROTECT_TEXT_MAX + 1, T0, T0, &reason), OMB_EINVAL);
	free(big);
	/* documented limit: a demand worded outside the lexicon goes to the manager's review */
	assert_int_equal(check_text(PROTECT_VERBAL_ABUSE, "위에 계신 분이랑 얘기 좀 할게요"), OMB_OK);
	/* punctuation or filler alone is not a demand, and not refused as one */
	assert_false(protect_is_only_demand_or_dispute("!!! ...", 7));
	assert_false(protect_is_only_demand_or_dispute("please now", 10));
}

static void test_review(void **state)
{
	(void)state;
	const char *reason = NULL;
	struct protect_incident inc = { .id = 1, .agent_id = 10, .status = PROTECT_PENDING };
	assert_int_equal(protect_incident_review(&inc, 10, true, T0, &reason), OMB_EPERM);
	assert_int_equal(inc.status, PROTECT_PENDING);
	assert_int_equal(protect_incident_review(&inc, 20, true, T0, &reason), OMB_OK);
	assert_int_equal(inc.status, PROTECT_CONFIRMED);
	assert_int_equal(inc.reviewed_by, 20);
	assert_int_equal(protect_incident_review(&inc, 20, false, T0, &reason), OMB_ECONFLICT);
	assert_int_equal(inc.status, PROTECT_CONFIRMED);
}

/* ---- warning and ending rules ---- */

static void test_default_config(void **state)
{
	(void)state;
	struct protect_config cfg;
	const char *reason = NULL;
	protect_config_default(&cfg);
	assert_int_equal(cfg.warnings_required[PROTECT_VERBAL_ABUSE], 1);
	assert_int_equal(cfg.warnings_required[PROTECT_THREAT], 0);
	assert_int_equal(cfg.warnings_required[PROTECT_SEXUAL_HARASSMENT], 0);
	assert_int_equal(cfg.warnings_required[PROTECT_ASSAULT], 0);
	assert_int_equal(protect_config_check(&cfg, &reason), OMB_OK);
	cfg.warnings_required[PROTECT_THREAT] = PROTECT_WARNINGS_MAX + 1;
	assert_int_equal(protect_config_check(&cfg, &reason), OMB_EINVAL);
	assert_non_null(strstr(protect_warning_text(&cfg, "ko"), "녹음"));
	assert_non_null(strstr(protect_warning_text(&cfg, "en"), "recorded"));
	cfg.warning_en = "Org text";
	assert_string_equal(protect_warning_text(&cfg, "en"), "Org text");
}

static void test_config_check_names_the_field(void **state)
{
	(void)state;
	struct protect_config cfg;
	const char *reason = NULL;
	protect_config_default(&cfg);
	cfg.warning_ko = "이 통화는 녹음됩니다";
	cfg.support_contact = "법무지원팀 02-123-4567";
	assert_int_equal(protect_config_check(&cfg, &reason), OMB_OK);
	cfg.warning_ko = "";
	assert_int_equal(protect_config_check(&cfg, &reason), OMB_EINVAL);
	assert_non_null(strstr(reason, "warning_ko:"));
	cfg.warning_ko = NULL;
	cfg.warning_en = "\xff\xfe";
	assert_int_equal(protect_config_check(&cfg, &reason), OMB_EINVAL);
	assert_non_null(strstr(reason, "warning_en:"));
	cfg.warning_en = NULL;
	char long_text[PROTECT_SUPPORT_MAX + 2];
	memset(long_text, 'a', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	cfg.support_contact = long_text;
	assert_int_equal(protect_config_check(&cfg, &reason), OMB_EINVAL);
	assert_non_null(strstr(reason, "support_contact:"));
	cfg.support_contact = NULL;
	cfg.senior_period_ms = CLOCK_MS_PER_DAY - 1;
	assert_int_equal(protect_config_check(&cfg, &reason), OMB_EINVAL);
	assert_non_null(strstr(reason, "senior_period_days:"));
	cfg.senior_period_ms = CLOCK_MS_PER_DAY;
	cfg.senior_after_confirmed = 0;
	assert_int_equal(protect_config_check(&cfg, &reason), OMB_EINVAL);
	assert_non_null(strstr(reason, "senior_after_confirmed:"));
}

static void test_verbal_abuse_needs_one_warning(void **state)
{
	(void)state;
	struct protect_config cfg;
	protect_config_default(&cfg);
	struct protect_incident inc[] = {
		{ .id = 1, .contact_id = 100, .agent_id = 10, .kind = PROTECT_VERBAL_ABUSE, .status = PROTECT_PENDING },
	};
	struct protect_end_rule r = protect_may_end_contact(&cfg, 100, inc, 1, NULL, 0);
	assert_false(r.may_end);
	assert_int_equal(r.warnings_required, 1);
	assert_int_equal(r.warnings_given, 0);
	assert_non_null(r.reason);

	struct protect_warning w[] = { { .contact_id = 100, .incident_id = 1, .at_ms = T0 } };
	r = protect_may_end_contact(&cfg, 100, inc, 1, w, 1);
	assert_true(r.may_end);
	assert_int_equal(r.warnings_given, 1);

	/* a configured count of 3 needs three warnings */
	cfg.warnings_required[PROTECT_VERBAL_ABUSE] = 3;
	struct protect_warning w3[] = { w[0], w[0], w[0] };
	assert_false(protect_may_end_contact(&cfg, 100, inc, 1, w3, 2).may_end);
	assert_true(protect_may_end_contact(&cfg, 100, inc, 1, w3, 3).may_end);
}

static void test_threat_harassment_assault_need_no_warning(void **state)
{
	(void)state;
	struct protect_config cfg;
	protect_config_default(&cfg);
	enum protect_kind kinds[] = { PROTECT_THREAT, PROTECT_SEXUAL_HARASSMENT, PROTECT_ASSAULT };
	for (size_t k = 0; k < 3; k++) {
		struct protect_incident inc = { .id = 1, .contact_id = 100, .kind = kinds[k], .status = PROTECT_PENDING };
		struct protect_end_rule r = protect_may_end_contact(&cfg, 100, &inc, 1, NULL, 0);
		assert_true(r.may_end);
		assert_int_equal(r.warnings_required, 0);
	}
	/* verbal abuse followed by a threat: the threat allows ending at once */
	struct protect_incident two[] = {
		{ .id = 1, .contact_id = 100, .kind = PROTECT_VERBAL_ABUSE, .status = PROTECT_CONFIRMED },
		{ .id = 2, .contact_id = 100, .kind = PROTECT_THREAT, .status = PROTECT_PENDING },
	};
	assert_true(protect_may_end_contact(&cfg, 100, two, 2, NULL, 0).may_end);
	struct protect_incident swapped[] = { two[1], two[0] };
	assert_true(protect_may_end_contact(&cfg, 100, swapped, 2, NULL, 0).may_end);
}

static void test_rejected_and_other_contacts_do_not_count(void **state)
{
	(void)state;
	struct protect_config cfg;
	protect_config_default(&cfg);
	struct protect_incident inc[] = {
		{ .id = 1, .contact_id = 100, .kind = PROTECT_ASSAULT, .status = PROTECT_REJECTED },
		{ .id = 2, .contact_id = 200, .kind = PROTECT_THREAT, .status = PROTECT_CONFIRMED },
		{ .id = 3, .contact_id = 100, .kind = PROTECT_VERBAL_ABUSE, .status = PROTECT_PENDING },
	};
	/* the rejected assault does not count; the threat is on another contact */
	struct protect_end_rule r = protect_may_end_contact(&cfg, 100, inc, 3, NULL, 0);
	assert_false(r.may_end);
	assert_int_equal(r.warnings_required, 1);
	/* a warning tied to the rejected incident is not a warning for this rule */
	struct protect_warning w[] = { { .contact_id = 100, .incident_id = 1 } };
	assert_false(protect_may_end_contact(&cfg, 100, inc, 3, w, 1).may_end);
	/* no counting incident at all: may not end */
	assert_false(protect_may_end_contact(&cfg, 100, inc, 1, NULL, 0).may_end);
	assert_false(protect_may_end_contact(&cfg, 300, inc, 3, NULL, 0).may_end);
}

/* ---- hand-over ---- */

static void test_handover_same_or_higher_level_not_self(void **state)
{
	(void)state;
	struct protect_handler c[] = {
		{ .id = 10, .level = 2, .available = true },  /* the agent ending the contact */
		{ .id = 11, .level = 1, .available = true },  /* lower level */
		{ .id = 12, .level = 2, .available = false }, /* on a break */
		{ .id = 13, .level = 3, .available = true },
		{ .id = 14, .level = 2, .available = true },
		{ .id = 15, .level = 2, .available = true },
	};
	size_t pick = 99;
	assert_int_equal(protect_pick_handover(c, 6, 10, 2, &pick), OMB_OK);
	assert_int_equal(c[pick].id, 14);   /* lowest eligible level, first in array */
	assert_int_equal(protect_pick_handover(c, 4, 10, 2, &pick), OMB_OK);
	assert_int_equal(c[pick].id, 13);   /* only a higher one left */
	assert_int_equal(protect_pick_handover(c, 3, 10, 2, &pick), OMB_ENOTFOUND);
	assert_int_equal(protect_pick_handover(c, 1, 10, 1, &pick), OMB_ENOTFOUND);
}

static void test_end_contact_hands_over(void **state)
{
	(void)state;
	struct protect_config cfg;
	protect_config_default(&cfg);
	const char *reason = NULL;
	struct protect_incident inc[] = {
		{ .id = 1, .org_id = 7, .case_id = 5, .contact_id = 100, .agent_id = 10,
		  .kind = PROTECT_VERBAL_ABUSE, .status = PROTECT_PENDING },
	};
	struct protect_warning w[] = { { .contact_id = 100, .incident_id = 1, .at_ms = T0 } };
	struct protect_handler c[] = {
		{ .id = 10, .level = 1, .available = true },
		{ .id = 20, .level = 1, .available = true },
	};
	struct protect_contact_end end;
	memset(&end, 0, sizeof end);
	assert_int_equal(protect_end_contact(&cfg, 5, 100, 10, 1, T0, inc, 1, NULL, 0, c, 2, &end, &reason),
	                 OMB_ECONFLICT);
	assert_int_equal(end.handover_to, 0);
	assert_int_equal(protect_end_contact(&cfg, 5, 100, 10, 1, T0 + MIN, inc, 1, w, 1, c, 2, &end, &reason),
	                 OMB_OK);
	assert_int_equal(end.org_id, 7);
	assert_int_equal(end.case_id, 5);
	assert_int_equal(end.ended_by, 10);
	assert_int_equal(end.handover_to, 20);
	assert_int_equal(end.handover_level, 1);
	assert_int_equal(end.ended_ms, T0 + MIN);
	/* nobody else available (only the agent, or the others on a break): the
	 * contact still ends and the case goes to the queue of its level */
	c[1].available = false;
	for (size_t n = 1; n <= 2; n++) {
		memset(&end, 0xff, sizeof end);
		assert_int_equal(protect_end_contact(&cfg, 5, 100, 10, 2, T0, inc, 1, w, 1, c, n, &end, &reason),
		                 OMB_OK);
		assert_int_equal(end.handover_to, 0);
		assert_int_equal(end.handover_level, 2);
		assert_int_equal(end.ended_by, 10);
		assert_int_equal(end.case_id, 5);
	}
	/* but the warning rule still holds without candidates */
	assert_int_equal(protect_end_contact(&cfg, 5, 100, 10, 1, T0, inc, 1, NULL, 0, c, 1, &end, &reason),
	                 OMB_ECONFLICT);
}

/* ---- senior routing ---- */

static void test_senior_routing(void **state)
{
	(void)state;
	struct protect_config cfg;
	protect_config_default(&cfg);
	cfg.senior_after_confirmed = 2;
	cfg.senior_period_ms = 30 * CLOCK_MS_PER_DAY;
	const uint64_t cust = 0x1234;
	struct protect_incident inc[] = {
		{ .customer_key = cust, .status = PROTECT_CONFIRMED, .at_ms = T0 - 40 * CLOCK_MS_PER_DAY },
		{ .customer_key = cust, .status = PROTECT_CONFIRMED, .at_ms = T0 - 10 * CLOCK_MS_PER_DAY },
		{ .customer_key = cust, .status = PROTECT_PENDING, .at_ms = T0 - 5 * CLOCK_MS_PER_DAY },
		{ .customer_key = cust, .status = PROTECT_REJECTED, .at_ms = T0 - 4 * CLOCK_MS_PER_DAY },
		{ .customer_key = 0x9999, .status = PROTECT_CONFIRMED, .at_ms = T0 - 3 * CLOCK_MS_PER_DAY },
		{ .customer_key = cust, .status = PROTECT_CONFIRMED, .at_ms = T0 - 1 * CLOCK_MS_PER_DAY },
	};
	struct protect_handler seniors[] = {
		{ .id = 77, .level = 3, .available = false },   /* on a break */
		{ .id = 78, .level = 1, .available = true },    /* below an L2 case */
		{ .id = 79, .level = 3, .available = true },
	};
	/* only one confirmed within the period before the last incident */
	struct protect_routing r = protect_route_customer(&cfg, cust, T0, 1, seniors, 3, inc, 5);
	assert_false(r.to_senior);
	assert_int_equal(r.confirmed_in_period, 1);
	r = protect_route_customer(&cfg, cust, T0, 1, seniors, 3, inc, 6);
	assert_true(r.to_senior);
	assert_int_equal(seniors[r.senior_index].id, 78);  /* the lowest level that may take an L1 case */
	assert_int_equal(r.confirmed_in_period, 2);
	r = protect_route_customer(&cfg, cust, T0, 2, seniors, 3, inc, 6);
	assert_true(r.to_senior);
	assert_int_equal(seniors[r.senior_index].id, 79);
	/* no senior who may take it: not routed, and nothing refused */
	assert_false(protect_route_customer(&cfg, cust, T0, 4, seniors, 3, inc, 6).to_senior);
	assert_false(protect_route_customer(&cfg, cust, T0, 1, NULL, 0, inc, 6).to_senior);
	/* the threshold is the organisation's */
	cfg.senior_after_confirmed = 3;
	assert_false(protect_route_customer(&cfg, cust, T0, 1, seniors, 3, inc, 6).to_senior);
	cfg.senior_after_confirmed = 2;
	/* another customer, and the unknown customer, are not routed */
	assert_false(protect_route_customer(&cfg, 0x9999, T0, 1, seniors, 3, inc, 6).to_senior);
	struct protect_incident unknown[] = { inc[1], inc[5] };
	unknown[0].customer_key = unknown[1].customer_key = 0;
	assert_false(protect_route_customer(&cfg, 0, T0, 1, seniors, 3, unknown, 2).to_senior);
}

static void test_customer_key_is_keyed_and_normalised(void **state)
{
	(void)state;
	uint8_t secret[PROTECT_KEY_BYTES], other[PROTECT_KEY_BYTES];
	memset(secret, 7, sizeof secret);
	memset(other, 8, sizeof other);
	uint64_t a = 0, b = 0, c = 0, d = 0;
	const char *reason = NULL;
	assert_int_equal(protect_customer_key(secret, "010-1234-5678", 13, &a, &reason), OMB_OK);
	assert_int_equal(protect_customer_key(secret, "+821012345678", 13, &b, &reason), OMB_OK);
	assert_true(a != 0);
	assert_true(a == b);                     /* one number in any form */
	assert_int_equal(protect_customer_key(other, "+821012345678", 13, &c, &reason), OMB_OK);
	assert_true(c != a);                     /* keyed: not the number itself */
	assert_true(a != 821012345678ULL);
	assert_int_equal(protect_customer_key(secret, "Kim@Example.KR", 14, &c, &reason), OMB_OK);
	assert_int_equal(protect_customer_key(secret, "kim@example.kr", 14, &d, &reason), OMB_OK);
	assert_true(c == d && c != 0 && c != a);
	assert_int_equal(protect_customer_key(secret, "anonymous", 9, &a, &reason), OMB_EINVAL);
}

/* ---- breaks, counselling, dossiers ---- */

static void test_break_check(void **state)
{
	(void)state;
	const char *reason = NULL;
	struct protect_break b = { .org_id = 7, .agent_id = 10, .start_ms = T0, .minutes = 15 };
	assert_int_equal(protect_break_check(&b, &reason), OMB_OK);
	b.minutes = 0;
	assert_int_equal(protect_break_check(&b, &reason), OMB_EINVAL);
	b.minutes = PROTECT_BREAK_MAX_MIN + 1;
	assert_int_equal(protect_break_check(&b, &reason), OMB_EINVAL);
}

static void test_visibility(void **state)
{
	(void)state;
	struct protect_viewer agent = { .staff_id = 10, .org_id = 7 };
	struct protect_viewer manager = { .staff_id = 20, .org_id = 7 };
	struct protect_viewer colleague = { .staff_id = 30, .org_id = 7 };
	struct protect_viewer outsider = { .staff_id = 20, .org_id = 8 };
	struct protect_viewer customer = { .is_customer = true, .org_id = 7 };
	assert_true(protect_counselling_visible(10, 20, &agent));
	assert_true(protect_counselling_visible(10, 20, &manager));
	assert_false(protect_counselling_visible(10, 20, &colleague));
	assert_false(protect_counselling_visible(10, 20, &customer));

	struct protect_dossier d = { .org_id = 7, .agent_id = 10, .case_id = 5, .created_ms = T0 };
	assert_true(protect_dossier_may_fetch(&d, 20, &agent));
	assert_true(protect_dossier_may_fetch(&d, 20, &manager));
	assert_false(protect_dossier_may_fetch(&d, 20, &colleague));
	assert_false(protect_dossier_may_fetch(&d, 20, &outsider));
	assert_false(protect_dossier_may_fetch(&d, 20, &customer));
	customer.staff_id = 10;   /* a customer can never pass as the agent */
	assert_false(protect_dossier_may_fetch(&d, 20, &customer));
}

static void test_dossier_order(void **state)
{
	(void)state;
	struct protect_incident inc[] = {
		{ .id = 2, .org_id = 7, .contact_id = 100, .agent_id = 10, .kind = PROTECT_THREAT,
		  .status = PROTECT_PENDING, .at_ms = T0 + MIN, .text = "찾아가서 죽여버린다\n두고 봐" },
		{ .id = 3, .org_id = 7, .contact_id = 100, .agent_id = 10, .kind = PROTECT_ASSAULT,
		  .status = PROTECT_CONFIRMED, .at_ms = T0, .text = "물건을 던짐" },
		{ .id = 1, .org_id = 7, .contact_id = 100, .agent_id = 10, .kind = PROTECT_VERBAL_ABUSE,
		  .status = PROTECT_CONFIRMED, .at_ms = T0, .text = "개새끼야" },
	};
	const struct protect_incident *order[3];
	const char *reason = NULL;
	assert_int_equal(protect_dossier_order(10, inc, 3, order, &reason), OMB_OK);
	assert_int_equal(order[0]->id, 1);   /* time order, then id */
	assert_int_equal(order[1]->id, 3);
	assert_int_equal(order[2]->id, 2);
	assert_string_equal(order[2]->text, "찾아가서 죽여버린다\n두고 봐");   /* verbatim, not copied */

	inc[1].agent_id = 11;   /* someone else's incident */
	assert_int_equal(protect_dossier_order(10, inc, 3, order, &reason), OMB_EPERM);
	inc[1].agent_id = 10;
	inc[1].status = PROTECT_REJECTED;
	assert_int_equal(protect_dossier_order(10, inc, 3, order, &reason), OMB_EINVAL);
	assert_int_equal(protect_dossier_order(10, inc, 0, order, &reason), OMB_EINVAL);
}

/* ---- figures ---- */

static void test_figures(void **state)
{
	(void)state;
	struct protect_incident inc[] = {
		{ .org_id = 7, .kind = PROTECT_VERBAL_ABUSE, .status = PROTECT_CONFIRMED, .at_ms = T0 },
		{ .org_id = 7, .kind = PROTECT_VERBAL_ABUSE, .status = PROTECT_REJECTED, .at_ms = T0 },
		{ .org_id = 7, .kind = PROTECT_THREAT, .status = PROTECT_PENDING, .at_ms = T0 },
		{ .org_id = 7, .kind = PROTECT_ASSAULT, .status = PROTECT_CONFIRMED, .at_ms = T0 + 1 },
		{ .org_id = 8, .kind = PROTECT_ASSAULT, .status = PROTECT_CONFIRMED, .at_ms = T0 },     /* other org */
		{ .org_id = 7, .kind = PROTECT_ASSAULT, .status = PROTECT_CONFIRMED, .at_ms = T0 + 100 }, /* after */
	};
	struct protect_contact_end ends[] = { { .org_id = 7, .ended_ms = T0 }, { .org_id = 8, .ended_ms = T0 } };
	struct protect_break breaks[] = { { .org_id = 7, .start_ms = T0 }, { .org_id = 7, .start_ms = T0 + 5 } };
	struct protect_dossier dossiers[] = { { .org_id = 7, .created_ms = T0 - 1 }, { .org_id = 7, .created_ms = T0 } };
	struct protect_figures f;
	protect_figures_compute(7, T0, T0 + 100, inc, 6, ends, 2, breaks, 2, dossiers, 2, &f);
	assert_int_equal(f.incidents, 4);
	assert_int_equal(f.by_kind[PROTECT_VERBAL_ABUSE], 2);
	assert_int_equal(f.by_kind[PROTECT_THREAT], 1);
	assert_int_equal(f.by_kind[PROTECT_ASSAULT], 1);
	assert_int_equal(f.by_kind[PROTECT_SEXUAL_HARASSMENT], 0);
	assert_int_equal(f.confirmed, 2);
	assert_int_equal(f.confirmed_by_kind[PROTECT_VERBAL_ABUSE], 1);
	assert_int_equal(f.confirmed_by_kind[PROTECT_ASSAULT], 1);
	assert_int_equal(f.rejected, 1);
	assert_int_equal(f.pending, 1);
	assert_int_equal(f.contacts_ended, 1);
	assert_int_equal(f.breaks, 2);
	assert_int_equal(f.dossiers, 1);
}

static void test_kind_names(void **state)
{
	(void)state;
	for (int k = 0; k < PROTECT_KIND_COUNT; k++) {
		enum protect_kind back;
		assert_int_equal(protect_kind_parse(protect_kind_name((enum protect_kind)k), &back), OMB_OK);
		assert_int_equal(back, k);
	}
	enum protect_kind out;
	assert_int_equal(protect_kind_parse("demand_for_manager", &out), OMB_EINVAL);
	assert_string_equal(protect_kind_name(PROTECT_KIND_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demands_and_disputes_are_refused),
		cmocka_unit_test(test_abuse_with_a_demand_is_an_incident),
		cmocka_unit_test(test_incident_check_fields),
		cmocka_unit_test(test_review),
		cmocka_unit_test(test_default_config),
		cmocka_unit_test(test_config_check_names_the_field),
		cmocka_unit_test(test_verbal_abuse_needs_one_warning),
		cmocka_unit_test(test_threat_harassment_assault_need_no_warning),
		cmocka_unit_test(test_rejected_and_other_contacts_do_not_count),
		cmocka_unit_test(test_handover_same_or_higher_level_not_self),
		cmocka_unit_test(test_end_contact_hands_over),
		cmocka_unit_test(test_senior_routing),
		cmocka_unit_test(test_customer_key_is_keyed_and_normalised),
		cmocka_unit_test(test_break_check),
		cmocka_unit_test(test_visibility),
		cmocka_unit_test(test_dossier_order),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
