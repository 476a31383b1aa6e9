/* test_case.c — the ladder as the case transitions implement it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/err.h"
#include "desk/case.h"
#include "desk_fixtures.h"

static struct desk_config cfg;

static int setup(void **state)
{
	(void)state;
	desk_config_default(&cfg);
	return 0;
}

static const struct desk_event *find(const struct desk_result *r, enum desk_event_kind kind)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].kind == kind)
			return &r->ev[i];
	return NULL;
}

static struct desk_case opened(bool about_center)
{
	struct desk_result r;
	struct desk_category cat = { DEPT, about_center };
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_WEB, &customer, T0, &r), 0);
	return r.next;
}

/* Applies an action that must succeed and returns the new state. */
#define STEP(c, call)                                  \
	do {                                           \
		struct desk_result r_;                 \
		assert_int_equal((call), 0);           \
		(c) = r_.next;                         \
	} while (0)

static struct desk_case answered_by(struct desk_case c, const struct ladder_actor *who, int64_t at)
{
	STEP(c, desk_reply(&cfg, &c, who, &human, at, &r_));
	return c;
}

static void open_by_customer_starts_l1_with_deadlines(void **state)
{
	(void)state;
	struct desk_result r;
	struct desk_category cat = { DEPT, false };
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_WEB, &customer, T0, &r), 0);
	assert_int_equal(r.next.level, LADDER_L1);
	assert_int_equal(r.next.status, DESK_OPEN);
	assert_int_equal(r.next.answer.kind, DEADLINE_FIRST_ANSWER);
	assert_int_equal(r.next.answer.due_ms, T0 + 24 * HOUR);
	assert_int_equal(r.next.first_answer_due_ms, T0 + 24 * HOUR);
	assert_int_equal(r.next.final.kind, DEADLINE_FINAL_ANSWER);
	assert_int_equal(r.next.final.due_ms, T0 + 14 * DAY);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].kind, DESK_EV_OPENED);
	assert_int_equal(r.ev[0].level_before, LADDER_NONE);
	assert_int_equal(r.ev[0].level_after, LADDER_L1);
	assert_int_equal(r.ev[0].deadline_set, DEADLINE_FIRST_ANSWER);
	assert_int_equal(r.ev[0].channel, DESK_CH_WEB);
}

static void open_channel_and_opener_rules(void **state)
{
	(void)state;
	struct desk_result r;
	struct desk_category cat = { DEPT, false };
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_PHONE, &customer, T0, &r), OMB_EINVAL);
	assert_non_null(r.reason);
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_WEB, &agent, T0, &r), OMB_EINVAL);
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_PHONE, &admin, T0, &r), OMB_EPERM);
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_PHONE, &sys, T0, &r), OMB_EPERM);
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_VISIT, &vendor_agent, T0, &r), 0);
	assert_int_equal(r.next.channel, DESK_CH_VISIT);
	assert_int_equal(r.next.handler_staff_id, vendor_agent.staff_id);
	assert_int_equal(r.ev[0].actor_role, LADDER_ROLE_AGENT);
}

static void about_center_goes_straight_to_l4(void **state)
{
	(void)state;
	struct desk_case c = opened(true);
	assert_int_equal(c.level, LADDER_L4);
	assert_int_equal(c.escalations[DESK_CAUSE_ABOUT_CENTER], 1);
	assert_int_equal(c.answer.kind, DEADLINE_FIRST_ANSWER);
	assert_int_equal(c.answer.due_ms, T0 + 24 * HOUR);

	struct desk_result r;
	struct desk_category cat = { DEPT, true };
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_WEB, &customer, T0, &r), 0);
	const struct desk_event *e = find(&r, DESK_EV_ESCALATED);
	assert_non_null(e);
	assert_int_equal(e->level_before, LADDER_L1);
	assert_int_equal(e->level_after, LADDER_L4);
	assert_int_equal(e->cause, DESK_CAUSE_ABOUT_CENTER);
}

static void about_center_not_closed_by_call_center(void **state)
{
	(void)state;
	struct desk_case c = opened(true);
	struct desk_result r;
	assert_int_equal(desk_close(&cfg, &c, &vendor_agent, T0 + HOUR, &r), OMB_EPERM);
	assert_non_null(strstr(r.reason, "call-center"));
	assert_int_equal(desk_close(&cfg, &c, &vendor_super, T0 + HOUR, &r), OMB_EPERM);
	assert_non_null(strstr(r.reason, "call-center"));
	/* A manager (L3) cannot give the final answer on an L4 case either. */
	assert_int_equal(desk_final_answer(&cfg, &c, &manager, &human, 2, T0 + HOUR, &r), OMB_EPERM);
	/* An agent's answer is delivered but does not meet the L4 deadline. */
	c = answered_by(c, &agent, T0 + HOUR);
	assert_int_equal(c.answer.kind, DEADLINE_FIRST_ANSWER);
	assert_int_equal(c.status, DESK_OPEN);
	assert_int_equal(desk_final_answer(&cfg, &c, &complaints, &human, 2, T0 + 2 * HOUR, &r), 0);
	assert_int_equal(r.next.status, DESK_CLOSED);
}

static void demand_climbs_to_l2_with_contact_deadline(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_demand(&cfg, &c, T0 + HOUR, &r), 0);
	assert_int_equal(r.next.level, LADDER_L2);
	assert_int_equal(r.next.answer.kind, DEADLINE_RESPONSIBLE_CONTACT);
	/* the first answer was due at T0 + 24 h: the demand does not push it later */
	assert_int_equal(r.next.answer.due_ms, T0 + 24 * HOUR);
	assert_int_equal(r.next.demands, 1);
	assert_int_equal(r.next.escalations[DESK_CAUSE_DEMAND], 1);
	assert_int_equal(r.next.handler_staff_id, 0);
	assert_int_equal(r.ev[0].kind, DESK_EV_DEMAND);
	const struct desk_event *e = find(&r, DESK_EV_ESCALATED);
	assert_non_null(e);
	assert_int_equal(e->cause, DESK_CAUSE_DEMAND);
	assert_int_equal(e->level_before, LADDER_L1);
	assert_int_equal(e->level_after, LADDER_L2);
	assert_int_equal(e->deadline_set, DEADLINE_RESPONSIBLE_CONTACT);
	assert_int_equal(e->deadline_due_ms, T0 + 24 * HOUR);
	/* an answer and a dispute later, the demand's 24 h are the running clock */
	c = answered_by(c, &agent, T0 + HOUR);
	STEP(c, desk_dispute(&cfg, &c, T0 + 2 * HOUR, &r_));
	assert_int_equal(desk_demand(&cfg, &c, T0 + 3 * HOUR, &r), 0);
	assert_int_equal(r.next.answer.due_ms, T0 + 3 * HOUR + 24 * HOUR);
}

static void demand_on_higher_case_stays_and_never_relaxes(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	c = answered_by(c, &agent, T0 + HOUR);
	STEP(c, desk_dispute(&cfg, &c, T0 + 2 * HOUR, &r_));
	STEP(c, desk_dispute(&cfg, &c, T0 + 3 * HOUR, &r_)); /* no answer in between: still climbs */
	assert_int_equal(c.level, LADDER_L3);
	int64_t due = c.answer.due_ms;
	assert_int_equal(due, T0 + 3 * HOUR + 72 * HOUR);
	struct desk_result r;
	assert_int_equal(desk_demand(&cfg, &c, T0 + 4 * HOUR, &r), 0);
	assert_int_equal(r.next.level, LADDER_L3);
	assert_null(find(&r, DESK_EV_ESCALATED));
	assert_int_equal(r.next.answer.kind, DEADLINE_RESPONSIBLE_CONTACT);
	assert_int_equal(r.next.answer.due_ms, T0 + 4 * HOUR + 24 * HOUR);
	assert_int_equal(r.ev[0].deadline_set, DEADLINE_RESPONSIBLE_CONTACT);
	/* A second demand later keeps the earlier due time. */
	c = r.next;
	assert_int_equal(desk_demand(&cfg, &c, T0 + 10 * HOUR, &r), 0);
	assert_int_equal(r.next.answer.due_ms, T0 + 4 * HOUR + 24 * HOUR);
	assert_int_equal(r.next.demands, 2);
}

static void demand_cannot_be_hidden_or_pushed_down(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	c = answered_by(c, &agent, T0 + HOUR);
	assert_int_equal(c.status, DESK_ANSWERED);
	STEP(c, desk_demand(&cfg, &c, T0 + 2 * HOUR, &r_));
	assert_int_equal(c.status, DESK_OPEN);
	assert_true(desk_event_text_public(DESK_EV_DEMAND));
	assert_true(desk_event_text_public(DESK_EV_ESCALATED));
	assert_false(desk_event_text_public(DESK_EV_NOTE));
	struct desk_result r;
	assert_int_equal(desk_assign(&cfg, &c, &vendor_super, &vendor_agent, T0 + 3 * HOUR, &r),
	                 OMB_ECONFLICT);
	assert_int_equal(desk_assign(&cfg, &c, &manager, &agent, T0 + 3 * HOUR, &r), OMB_ECONFLICT);
	assert_int_equal(desk_assign(&cfg, &c, &manager, &practitioner, T0 + 3 * HOUR, &r), 0);
	assert_int_equal(r.next.handler_staff_id, practitioner.staff_id);
	assert_int_equal(r.ev[0].assignee_role, LADDER_ROLE_PRACTITIONER);
	assert_int_equal(desk_assign(&cfg, &c, &manager, &other_dept_practitioner, T0 + 3 * HOUR, &r),
	                 OMB_EINVAL);
	assert_int_equal(desk_assign(&cfg, &c, &manager, &admin, T0 + 3 * HOUR, &r), OMB_ECONFLICT);
}

/* The system routes (agent protection) under the same checks on the
 * assignee; handing to the queue clears the handler and moves no deadline. */
static void system_routing_and_the_queue(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	STEP(c, desk_demand(&cfg, &c, T0 + HOUR, &r_));
	int64_t due = c.answer.due_ms;
	struct desk_result r;
	assert_int_equal(desk_assign(&cfg, &c, &sys, &agent, T0 + 2 * HOUR, &r), OMB_ECONFLICT);
	assert_int_equal(desk_assign(&cfg, &c, &sys, &practitioner, T0 + 2 * HOUR, &r), 0);
	assert_int_equal(r.next.handler_staff_id, practitioner.staff_id);
	assert_int_equal(r.ev[0].actor_role, LADDER_ROLE_SYSTEM);
	assert_int_equal(r.next.answer.due_ms, due);
	c = r.next;
	assert_int_equal(desk_assign(&cfg, &c, &practitioner, NULL, T0 + 3 * HOUR, &r), 0);
	assert_int_equal(r.next.handler_staff_id, 0);
	assert_int_equal(r.next.level, LADDER_L2);
	assert_int_equal(r.next.answer.due_ms, due);
	assert_int_equal(r.ev[0].kind, DESK_EV_ASSIGNED);
	/* a customer is neither a staff member nor the system */
	assert_int_equal(desk_assign(&cfg, &c, &customer, &practitioner, T0 + 3 * HOUR, &r), OMB_EPERM);
}

static void demand_met_in_time_only_by_responsible_person(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	STEP(c, desk_demand(&cfg, &c, T0 + HOUR, &r_));
	struct desk_result r;
	/* The agent's answer is delivered but the contact deadline keeps running. */
	assert_int_equal(desk_reply(&cfg, &c, &agent, &human, T0 + 2 * HOUR, &r), 0);
	assert_int_equal(r.ev[0].deadline_met, DEADLINE_NONE);
	assert_int_equal(r.next.answer.kind, DEADLINE_RESPONSIBLE_CONTACT);
	assert_int_equal(r.next.first_answer_ms, 0);
	c = r.next;
	assert_int_equal(desk_reply(&cfg, &c, &practitioner, &human, T0 + 5 * HOUR, &r), 0);
	assert_int_equal(r.ev[0].deadline_met, DEADLINE_RESPONSIBLE_CONTACT);
	assert_true(r.ev[0].met_in_time);
	assert_int_equal(r.next.answer.kind, DEADLINE_NONE);
	assert_int_equal(r.next.status, DESK_ANSWERED);
	assert_int_equal(r.next.demands_in_time, 1);
	assert_int_equal(r.next.responsible_ms, T0 + 5 * HOUR);
	assert_int_equal(r.next.first_answer_ms, T0 + 5 * HOUR);
}

static void missed_deadline_climbs_by_sweep(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_sweep(&cfg, &c, T0 + 24 * HOUR, &r), 0);
	assert_int_equal(r.n, 0); /* due exactly now is still in time */
	assert_int_equal(desk_sweep(&cfg, &c, T0 + 24 * HOUR + 1, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[0].kind, DESK_EV_DEADLINE_MISSED);
	assert_int_equal(r.ev[0].deadline_missed, DEADLINE_FIRST_ANSWER);
	assert_int_equal(r.ev[0].at_ms, T0 + 24 * HOUR);
	assert_int_equal(r.ev[1].kind, DESK_EV_ESCALATED);
	assert_int_equal(r.ev[1].cause, DESK_CAUSE_DEADLINE);
	assert_int_equal(r.next.level, LADDER_L2);
	assert_int_equal(r.next.answer.kind, DEADLINE_LEVEL_ANSWER);
	assert_int_equal(r.next.answer.due_ms, T0 + 24 * HOUR + 72 * HOUR);
	assert_int_equal(r.next.escalations[DESK_CAUSE_DEADLINE], 1);
}

static void sweep_catches_up_to_referral(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_sweep(&cfg, &c, T0 + 60 * DAY, &r), 0);
	/* L1 -24h-> L2 -72h-> L3 -72h-> L4 -72h-> L5; the 14-day final deadline
	 * falls after the L5 referral (day 10) and is never missed. */
	assert_int_equal(r.next.level, LADDER_L5);
	assert_int_equal(r.next.status, DESK_REFERRED);
	assert_int_equal(r.next.escalations[DESK_CAUSE_DEADLINE], 4);
	assert_int_equal(r.next.answer.kind, DEADLINE_NONE);
	assert_int_equal(r.next.final.kind, DEADLINE_NONE);
	assert_int_equal(r.next.referred_ms, T0 + (24 + 3 * 72) * HOUR);
	assert_int_equal(r.n, 9);
	assert_int_equal(r.ev[8].kind, DESK_EV_REFERRAL);
	assert_int_equal(r.ev[7].level_after, LADDER_L5);
	c = r.next;
	assert_int_equal(desk_sweep(&cfg, &c, T0 + 90 * DAY, &r), 0);
	assert_int_equal(r.n, 0);
}

static void final_deadline_miss_climbs_answered_case(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	c = answered_by(c, &agent, T0 + HOUR);
	struct desk_result r;
	assert_int_equal(desk_sweep(&cfg, &c, T0 + 14 * DAY + 1, &r), 0);
	assert_int_equal(r.ev[0].deadline_missed, DEADLINE_FINAL_ANSWER);
	assert_int_equal(r.next.level, LADDER_L2);
	assert_int_equal(r.next.status, DESK_OPEN);
	assert_int_equal(r.next.final.kind, DEADLINE_NONE);
	assert_int_equal(r.next.answer.kind, DEADLINE_LEVEL_ANSWER);
}

static void late_answer_finds_case_climbed(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_reply(&cfg, &c, &agent, &human, T0 + 25 * HOUR, &r), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.ev[0].kind, DESK_EV_DEADLINE_MISSED);
	assert_int_equal(r.ev[1].kind, DESK_EV_ESCALATED);
	assert_int_equal(r.ev[2].kind, DESK_EV_MESSAGE);
	assert_int_equal(r.ev[2].deadline_met, DEADLINE_NONE);
	assert_int_equal(r.next.level, LADDER_L2);
	assert_int_equal(r.next.answer.kind, DEADLINE_LEVEL_ANSWER);
}

static void repeat_after_dispute_climbs(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	c = answered_by(c, &agent, T0 + HOUR);
	struct desk_result r;
	assert_int_equal(desk_dispute(&cfg, &c, T0 + 2 * HOUR, &r), 0);
	assert_int_equal(r.next.level, LADDER_L2);
	assert_int_equal(r.next.escalations[DESK_CAUSE_DISPUTE], 1);
	assert_true(r.next.dispute_open);
	c = r.next;
	assert_int_equal(desk_reply(&cfg, &c, &practitioner, &human_repeat, T0 + 3 * HOUR, &r), 0);
	assert_int_equal(r.ev[0].kind, DESK_EV_MESSAGE);
	assert_true(r.ev[0].repeated_answer);
	assert_int_equal(r.ev[0].deadline_met, DEADLINE_NONE);
	const struct desk_event *e = find(&r, DESK_EV_ESCALATED);
	assert_non_null(e);
	assert_int_equal(e->cause, DESK_CAUSE_REPEAT);
	assert_int_equal(r.next.level, LADDER_L3);
	assert_int_equal(r.next.repeated_answers, 1);
	assert_int_equal(r.next.answer.kind, DEADLINE_LEVEL_ANSWER);
	c = r.next;
	/* A new human answer from the manager settles the dispute ... */
	assert_int_equal(desk_reply(&cfg, &c, &manager, &human, T0 + 4 * HOUR, &r), 0);
	assert_int_equal(r.ev[0].deadline_met, DEADLINE_LEVEL_ANSWER);
	assert_false(r.next.dispute_open);
	c = r.next;
	/* ... after which a repeat is flagged but no longer climbs. */
	assert_int_equal(desk_reply(&cfg, &c, &manager, &human_repeat, T0 + 5 * HOUR, &r), 0);
	assert_true(r.ev[0].repeated_answer);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next.level, LADDER_L3);
	assert_int_equal(r.next.repeated_answers, 2);
}

static void repeat_without_dispute_meets_nothing(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_reply(&cfg, &c, &agent, &human_repeat, T0 + HOUR, &r), 0);
	assert_int_equal(r.n, 1);
	assert_true(r.ev[0].repeated_answer);
	assert_int_equal(r.next.level, LADDER_L1);
	assert_int_equal(r.next.answer.kind, DEADLINE_FIRST_ANSWER);
	assert_int_equal(r.next.status, DESK_OPEN);
}

static void template_and_automatic_leave_clock_running(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_reply(&cfg, &c, &agent, &templ, T0 + HOUR, &r), 0);
	assert_int_equal(r.ev[0].reply_class, SIMILAR_TEMPLATE);
	assert_int_equal(r.next.answer.kind, DEADLINE_FIRST_ANSWER);
	assert_int_equal(r.next.first_answer_ms, 0);
	assert_int_equal(desk_reply(&cfg, &c, &sys, &automatic, T0 + HOUR, &r), 0);
	assert_int_equal(r.ev[0].reply_class, SIMILAR_AUTOMATIC);
	assert_int_equal(r.ev[0].actor_role, LADDER_ROLE_SYSTEM);
	assert_int_equal(r.next.answer.kind, DEADLINE_FIRST_ANSWER);
	assert_int_equal(r.next.status, DESK_OPEN);
	/* The writer cannot choose the class. */
	assert_int_equal(desk_reply(&cfg, &c, &sys, &human, T0 + HOUR, &r), OMB_EINVAL);
	assert_int_equal(desk_reply(&cfg, &c, &agent, &automatic, T0 + HOUR, &r), OMB_EINVAL);
	/* An automatic reply after a dispute is no handler's repeat. */
	c = answered_by(c, &agent, T0 + HOUR);
	STEP(c, desk_dispute(&cfg, &c, T0 + 2 * HOUR, &r_));
	struct similar_verdict auto_rep = { .cls = SIMILAR_AUTOMATIC, .repeat = true };
	assert_int_equal(desk_reply(&cfg, &c, &sys, &auto_rep, T0 + 3 * HOUR, &r), 0);
	assert_false(r.ev[0].repeated_answer);
	assert_int_equal(r.next.level, LADDER_L2);
}

static void dispute_needs_an_answer_and_l4_dispute_refers_out(void **state)
{
	(void)state;
	struct desk_case c = opened(true);
	struct desk_result r;
	assert_int_equal(desk_dispute(&cfg, &c, T0 + HOUR, &r), OMB_ECONFLICT);
	assert_int_equal(r.n, 0);
	c = answered_by(c, &complaints, T0 + HOUR);
	assert_int_equal(desk_dispute(&cfg, &c, T0 + 2 * HOUR, &r), 0);
	assert_int_equal(r.next.level, LADDER_L5);
	assert_int_equal(r.next.status, DESK_REFERRED);
	assert_non_null(find(&r, DESK_EV_REFERRAL));
	assert_int_equal(r.next.answer.kind, DEADLINE_NONE);
	assert_int_equal(r.next.final.kind, DEADLINE_NONE);
	/* At L5 a demand is still recorded, with no clock to start. */
	c = r.next;
	assert_int_equal(desk_demand(&cfg, &c, T0 + 3 * HOUR, &r), 0);
	assert_int_equal(r.ev[0].kind, DESK_EV_DEMAND);
	assert_int_equal(r.next.demands, 1);
	assert_int_equal(r.next.answer.kind, DEADLINE_NONE);
}

static void accept_closes_and_stops_clock(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	c = answered_by(c, &agent, T0 + HOUR);
	struct desk_result r;
	assert_int_equal(desk_accept(&cfg, &c, T0 + 2 * HOUR, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[0].kind, DESK_EV_ACCEPTED);
	assert_int_equal(r.ev[1].kind, DESK_EV_CLOSED);
	assert_int_equal(r.next.status, DESK_CLOSED);
	assert_int_equal(r.next.closed_ms, T0 + 2 * HOUR);
	assert_int_equal(r.next.final.kind, DEADLINE_NONE);
	c = r.next;
	assert_int_equal(desk_sweep(&cfg, &c, T0 + 60 * DAY, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(desk_accept(&cfg, &c, T0 + 3 * HOUR, &r), OMB_ECONFLICT);
	assert_int_equal(desk_reply(&cfg, &c, &agent, &human, T0 + 3 * HOUR, &r), OMB_ECONFLICT);
	assert_int_equal(desk_demand(&cfg, &c, T0 + 3 * HOUR, &r), OMB_ECONFLICT);
}

static void staff_cannot_close_directly(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	const struct ladder_actor *all[] = { &agent, &vendor_super, &practitioner, &manager, &complaints, &admin };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		struct desk_result r;
		assert_int_equal(desk_close(&cfg, &c, all[i], T0 + HOUR, &r), OMB_EPERM);
		assert_int_equal(r.n, 0);
		assert_int_equal(r.next.status, DESK_OPEN);
	}
}

static void final_answer_rules(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_final_answer(&cfg, &c, &practitioner, &human, 2, T0 + HOUR, &r), OMB_EPERM);
	assert_int_equal(desk_final_answer(&cfg, &c, &agent, &human, 2, T0 + HOUR, &r), OMB_EPERM);
	assert_int_equal(desk_final_answer(&cfg, &c, &manager, &human, 0, T0 + HOUR, &r), OMB_EINVAL);
	assert_non_null(strstr(r.reason, "referral"));
	assert_int_equal(desk_final_answer(&cfg, &c, &manager, &templ, 2, T0 + HOUR, &r), OMB_EINVAL);
	assert_int_equal(desk_final_answer(&cfg, &c, &manager, &human_repeat, 2, T0 + HOUR, &r), OMB_EINVAL);
	assert_int_equal(desk_final_answer(&cfg, &c, &manager, &human, 2, T0 + HOUR, &r), 0);
	assert_int_equal(r.ev[0].kind, DESK_EV_FINAL_ANSWER);
	assert_int_equal(r.ev[0].deadline_met, DEADLINE_FIRST_ANSWER);
	assert_int_equal(r.ev[1].kind, DESK_EV_CLOSED);
	assert_int_equal(r.next.status, DESK_CLOSED);
	assert_int_equal(r.next.first_answer_ms, T0 + HOUR);
}

static void reopen_within_window_only(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_reopen(&cfg, &c, T0 + HOUR, &r), OMB_ECONFLICT);
	STEP(c, desk_accept(&cfg, &c, T0 + HOUR, &r_));
	assert_int_equal(desk_reopen(&cfg, &c, T0 + HOUR + 30 * DAY + 1, &r), OMB_ECONFLICT);
	assert_non_null(strstr(r.reason, "period"));
	assert_int_equal(desk_reopen(&cfg, &c, T0 + HOUR + 30 * DAY, &r), 0);
	assert_int_equal(r.ev[0].kind, DESK_EV_REOPENED);
	assert_int_equal(r.next.status, DESK_OPEN);
	assert_int_equal(r.next.closed_ms, 0);
	assert_int_equal(r.next.answer.kind, DEADLINE_FIRST_ANSWER);
	assert_int_equal(r.next.answer.due_ms, T0 + HOUR + 30 * DAY + 24 * HOUR);
	assert_int_equal(r.next.final.due_ms, T0 + HOUR + 30 * DAY + 14 * DAY);
	cfg.reopen_window_ms = 7 * DAY;
	assert_int_equal(desk_reopen(&cfg, &c, T0 + HOUR + 8 * DAY, &r), OMB_ECONFLICT);
	desk_config_default(&cfg);
}

static void permissions_follow_role_org_and_department(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	struct ladder_actor vendor_practitioner = practitioner;
	vendor_practitioner.org_kind = LADDER_ORG_VENDOR;
	vendor_practitioner.rel = LADDER_REL_VENDOR_FOR;
	assert_int_equal(desk_reply(&cfg, &c, &vendor_practitioner, &human, T0 + HOUR, &r), OMB_EPERM);
	struct ladder_actor stranger = agent;
	stranger.rel = LADDER_REL_NONE;
	assert_int_equal(desk_reply(&cfg, &c, &stranger, &human, T0 + HOUR, &r), OMB_EPERM);
	struct ladder_actor company_as_vendor = agent;
	company_as_vendor.rel = LADDER_REL_VENDOR_FOR;
	assert_int_equal(desk_reply(&cfg, &c, &company_as_vendor, &human, T0 + HOUR, &r), OMB_EPERM);
	assert_int_equal(desk_reply(&cfg, &c, &other_dept_practitioner, &human, T0 + HOUR, &r), OMB_EPERM);
	assert_int_equal(desk_reply(&cfg, &c, &admin, &human, T0 + HOUR, &r), OMB_EPERM);
	assert_int_equal(desk_reply(&cfg, &c, &customer, &human, T0 + HOUR, &r), OMB_EPERM);
	assert_int_equal(desk_note(&cfg, &c, &admin, T0 + HOUR, &r), 0);
	assert_int_equal(r.ev[0].kind, DESK_EV_NOTE);
	assert_int_equal(desk_note(&cfg, &c, &customer, T0 + HOUR, &r), OMB_EPERM);
	assert_int_equal(desk_reply(&cfg, &c, &vendor_agent, &human, T0 + HOUR, &r), 0);
	assert_int_equal(r.ev[0].deadline_met, DEADLINE_FIRST_ANSWER);
}

static void attachment_changes_no_state_and_not_on_closed(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	assert_int_equal(desk_attach(&cfg, &c, NULL, T0 + HOUR, &r), 0);     /* the customer */
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].kind, DESK_EV_ATTACHMENT);
	assert_int_equal(r.ev[0].actor_role, LADDER_ROLE_CUSTOMER);
	assert_int_equal(r.ev[0].deadline_met, DEADLINE_NONE);             /* a file is no answer */
	assert_memory_equal(&r.next, &c, sizeof c);
	assert_int_equal(desk_attach(&cfg, &c, &agent, T0 + HOUR, &r), 0);
	assert_int_equal(r.ev[0].actor_role, LADDER_ROLE_AGENT);
	assert_memory_equal(&r.next, &c, sizeof c);
	assert_int_equal(desk_attach(&cfg, &c, &other_dept_practitioner, T0 + HOUR, &r), OMB_EPERM);
	/* late: the missed deadline is applied first, as by every action */
	assert_int_equal(desk_attach(&cfg, &c, NULL, T0 + 30 * HOUR, &r), 0);
	assert_int_equal(r.ev[r.n - 1].kind, DESK_EV_ATTACHMENT);
	assert_true(r.n > 1);
	struct desk_case closed = c;
	closed.status = DESK_CLOSED;
	assert_int_equal(desk_attach(&cfg, &closed, NULL, T0 + HOUR, &r), OMB_ECONFLICT);
	assert_int_equal(r.n, 0);
	assert_string_equal(desk_event_kind_name(DESK_EV_ATTACHMENT), "attachment");
}

static void refusal_leaves_state_and_events_untouched(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	struct desk_result r;
	/* Late and refused: the catch-up it would have done is not returned. */
	assert_int_equal(desk_reply(&cfg, &c, &admin, &human, T0 + 30 * HOUR, &r), OMB_EPERM);
	assert_int_equal(r.n, 0);
	assert_memory_equal(&r.next, &c, sizeof c);
}

static void customer_message_reopens_question(void **state)
{
	(void)state;
	struct desk_case c = opened(false);
	c = answered_by(c, &agent, T0 + HOUR);
	struct desk_result r;
	assert_int_equal(desk_customer_message(&cfg, &c, T0 + 2 * HOUR, &r), 0);
	assert_int_equal(r.ev[0].kind, DESK_EV_MESSAGE);
	assert_int_equal(r.ev[0].actor_role, LADDER_ROLE_CUSTOMER);
	assert_int_equal(r.next.status, DESK_OPEN);
	STEP(c, desk_accept(&cfg, &c, T0 + 3 * HOUR, &r_));
	assert_int_equal(desk_customer_message(&cfg, &c, T0 + 4 * HOUR, &r), OMB_ECONFLICT);
}

static void business_hours_drive_case_deadlines(void **state)
{
	(void)state;
	cfg.deadlines.cal.business = true;
	/* Opened Monday 10:00 KST: 24 open hours at 9 a day end Wednesday 16:00 KST. */
	struct desk_case c = opened(false);
	assert_int_equal(c.answer.due_ms, T0 + 2 * DAY + 6 * HOUR);
	desk_config_default(&cfg);
}

static void events_map_to_chain_fields(void **state)
{
	(void)state;
	struct desk_result r;
	struct desk_category cat = { DEPT, false };
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_PHONE, &agent, T0, &r), 0);
	struct chain_event ce = { 0 };
	desk_event_to_chain(&r.ev[0], &ce);
	assert_string_equal(ce.kind, "opened");
	assert_string_equal(ce.actor_role, "agent");
	assert_string_equal(ce.detail, "phone");
	assert_string_equal(ce.deadline_set, "first_answer");
	assert_int_equal(ce.deadline_due_ms, T0 + 24 * HOUR);
	assert_int_equal(ce.level_before, 0);
	assert_int_equal(ce.level_after, 1);
	assert_string_equal(ce.cause, "");
	struct desk_case c = r.next;
	assert_int_equal(desk_reply(&cfg, &c, &agent, &human, T0 + HOUR, &r), 0);
	desk_event_to_chain(&r.ev[0], &ce);
	assert_string_equal(ce.reply_class, "human");
	assert_string_equal(ce.deadline_met, "first_answer");
	assert_int_equal(ce.flags, CHAIN_FLAG_IN_TIME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_by_customer_starts_l1_with_deadlines),
		cmocka_unit_test(open_channel_and_opener_rules),
		cmocka_unit_test(about_center_goes_straight_to_l4),
		cmocka_unit_test(about_center_not_closed_by_call_center),
		cmocka_unit_test(demand_climbs_to_l2_with_contact_deadline),
		cmocka_unit_test(demand_on_higher_case_stays_and_never_relaxes),
		cmocka_unit_test(demand_cannot_be_hidden_or_pushed_down),
		cmocka_unit_test(system_routing_and_the_queue),
		cmocka_unit_test(demand_met_in_time_only_by_responsible_person),
		cmocka_unit_test(missed_deadline_climbs_by_sweep),
		cmocka_unit_test(sweep_catches_up_to_referral),
		cmocka_unit_test(final_deadline_miss_climbs_answered_case),
		cmocka_unit_test(late_answer_finds_case_climbed),
		cmocka_unit_test(repeat_after_dispute_climbs),
		cmocka_unit_test(repeat_without_dispute_meets_nothing),
		cmocka_unit_test(template_and_automatic_leave_clock_running),
		cmocka_unit_test(dispute_needs_an_answer_and_l4_dispute_refers_out),
		cmocka_unit_test(accept_closes_and_stops_clock),
		cmocka_unit_test(staff_cannot_close_directly),
		cmocka_unit_test(final_answer_rules),
		cmocka_unit_test(reopen_within_window_only),
		cmocka_unit_test(permissions_follow_role_org_and_department),
		cmocka_unit_test(refusal_leaves_state_and_events_untouched),
		cmocka_unit_test(customer_message_reopens_question),
		cmocka_unit_test(business_hours_drive_case_deadlines),
		cmocka_unit_test(events_map_to_chain_fields),
		cmocka_unit_test(attachment_changes_no_state_and_not_on_closed),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
