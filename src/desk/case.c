/* case.c — the case state machine: one function per action. */
#include "desk/case.h"

#include <stdlib.h>

#include "base/clock.h"
#include "base/err.h"

#define SWEEP_MAX_MISSES 8 /* two deadlines per level, four levels to climb */

static int refuse(struct desk_result *out, int code, const char *reason)
{
	out->reason = reason;
	return code;
}

/* On failure the result is the unchanged case with no events. */
static int undo(struct desk_result *out, const struct desk_case *cur, int rc)
{
	if (rc != 0) {
		out->next = *cur;
		out->n = 0;
	}
	return rc;
}

static struct desk_event *emit(struct desk_result *out, enum desk_event_kind kind,
                               enum ladder_role actor, int64_t now)
{
	if (out->n >= DESK_MAX_EVENTS)
		abort(); /* DESK_MAX_EVENTS bounds every action by construction */
	struct desk_event *e = &out->ev[out->n++];
	*e = (struct desk_event){
		.kind = kind, .at_ms = now, .actor_role = actor,
		.level_before = out->next.level, .level_after = out->next.level,
		.status_after = out->next.status,
	};
	return e;
}

static bool qualifies(const struct desk_case *c, const struct ladder_actor *who)
{
	return ladder_role_level(who->role) >= ladder_required_level(c->level);
}

/* Starts an answer deadline of `kind` at the case's level. While a demand is
 * open the running deadline is the responsible contact; on the same level a
 * new deadline never moves the due time later. */
static void set_answer_deadline(const struct desk_config *cfg, struct desk_case *c,
                                enum deadline_kind kind, int64_t start, struct desk_event *e)
{
	if (c->demands_open > 0)
		kind = DEADLINE_RESPONSIBLE_CONTACT;
	int64_t due = deadline_for(&cfg->deadlines, kind, c->level, start);
	if (c->answer.kind != DEADLINE_NONE && c->answer.level == c->level && c->answer.due_ms < due)
		due = c->answer.due_ms;
	c->answer = (struct desk_deadline){ kind, c->level, start, due };
	e->deadline_set = kind;
	e->deadline_due_ms = due;
}

static void stop_clock(struct desk_case *c)
{
	c->answer = (struct desk_deadline){ 0 };
	c->final = (struct desk_deadline){ 0 };
}

/* Raises the case to `to` (nothing if it is already there or higher). `dk` is
 * the answer deadline the new level gets, DEADLINE_NONE to keep the running
 * one; it counts from `start`. Reaching L5 refers the case out. */
static void climb(const struct desk_config *cfg, struct desk_case *c, enum ladder_level to,
                  enum desk_cause cause, enum deadline_kind dk, int64_t start,
                  enum ladder_role actor, int64_t now, struct desk_result *out)
{
	if (to <= c->level)
		return;
	enum ladder_level from = c->level;
	c->level = to;
	c->escalations[cause]++;
	c->handler_staff_id = 0;
	c->handler_role = 0;
	if (to == LADDER_L5) {
		stop_clock(c);
		c->status = DESK_REFERRED;
		c->referred_ms = now;
	} else {
		c->status = DESK_OPEN;
	}
	struct desk_event *e = emit(out, DESK_EV_ESCALATED, actor, now);
	e->level_before = from;
	e->cause = cause;
	if (to == LADDER_L5) {
		emit(out, DESK_EV_REFERRAL, actor, now);
	} else if (dk != DEADLINE_NONE) {
		set_answer_deadline(cfg, c, dk, start, e);
	} else {
		c->answer.level = to;
	}
}

/* A qualifying answer: meets the running answer deadline and settles the
 * open demands and the dispute. */
static void meet(struct desk_case *c, int64_t now, struct desk_event *e)
{
	if (c->answer.kind != DEADLINE_NONE) {
		bool in_time = now <= c->answer.due_ms;
		e->deadline_met = c->answer.kind;
		e->met_in_time = in_time;
		if (c->answer.kind == DEADLINE_RESPONSIBLE_CONTACT && in_time)
			c->demands_in_time += c->demands_open;
		c->demands_open = 0;
		c->answer = (struct desk_deadline){ 0 };
	}
	if (c->awaiting_responsible && c->level >= LADDER_L2) {
		c->awaiting_responsible = false;
		if (c->responsible_ms == 0)
			c->responsible_ms = now;
	}
	if (c->first_answer_ms == 0)
		c->first_answer_ms = now;
	c->dispute_open = false;
	if (c->status == DESK_OPEN)
		c->status = DESK_ANSWERED;
}

static void close_case(struct desk_case *c, int64_t now, enum ladder_role actor,
                       struct desk_result *out)
{
	stop_clock(c);
	c->status = DESK_CLOSED;
	c->closed_ms = now;
	c->demands_open = 0; /* never met in time */
	c->awaiting_responsible = false;
	c->dispute_open = false;
	emit(out, DESK_EV_CLOSED, actor, now);
}

/* Misses every running deadline due before now, earliest first; each miss
 * climbs one level and the next deadline counts from the missed due time, so
 * the outcome does not depend on how often the sweep runs. */
static void catch_up(const struct desk_config *cfg, struct desk_case *c, int64_t now,
                     struct desk_result *out)
{
	for (int i = 0; i < SWEEP_MAX_MISSES; i++) {
		if (desk_case_finished(c))
			return;
		struct desk_deadline *d = NULL;
		if (c->answer.kind != DEADLINE_NONE && c->answer.due_ms < now)
			d = &c->answer;
		if (c->final.kind != DEADLINE_NONE && c->final.due_ms < now &&
		    (!d || c->final.due_ms < d->due_ms))
			d = &c->final;
		if (!d)
			return;
		struct desk_deadline missed = *d;
		*d = (struct desk_deadline){ 0 };
		if (missed.kind == DEADLINE_RESPONSIBLE_CONTACT)
			c->demands_open = 0;
		struct desk_event *e = emit(out, DESK_EV_DEADLINE_MISSED, LADDER_ROLE_SYSTEM, missed.due_ms);
		e->deadline_missed = missed.kind;
		e->missed_due_ms = missed.due_ms;
		climb(cfg, c, ladder_next(c->level), DESK_CAUSE_DEADLINE, DEADLINE_LEVEL_ANSWER,
		      missed.due_ms, LADDER_ROLE_SYSTEM, missed.due_ms, out);
	}
}

/* Copies cur into out and applies the deadlines overdue at now; the action
 * then works on the returned copy. */
static struct desk_case *begin(const struct desk_config *cfg, struct desk_result *out,
                               const struct desk_case *cur, int64_t now)
{
	out->next = *cur;
	out->n = 0;
	out->reason = NULL;
	catch_up(cfg, &out->next, now, out);
	return &out->next;
}

/* Staff who may touch this case, and may write to the customer. */
static int check_writer(const struct desk_case *c, const struct ladder_actor *who,
                        struct desk_result *out)
{
	const char *why;
	if (ladder_check_staff(who, c->dept_id, &why) != 0)
		return refuse(out, OMB_EPERM, why);
	if (who->role == LADDER_ROLE_ADMIN)
		return refuse(out, OMB_EPERM, "admins administer; answers come from handlers");
	return 0;
}

void desk_config_default(struct desk_config *cfg)
{
	deadline_policy_default(&cfg->deadlines);
	cfg->reopen_window_ms = 30 * CLOCK_MS_PER_DAY;
}

int desk_config_check(const struct desk_config *cfg, const char **reason)
{
	if (cfg->reopen_window_ms < 0) {
		*reason = "reopen_window_ms must not be negative";
		return OMB_EINVAL;
	}
	return deadline_policy_check(&cfg->deadlines, reason);
}

static int check_opener(const struct desk_category *cat, enum desk_channel channel,
                        const struct ladder_actor *who, struct desk_result *out)
{
	if (who->role == LADDER_ROLE_CUSTOMER) {
		if (channel != DESK_CH_WEB)
			return refuse(out, OMB_EINVAL, "customers open cases on the web");
		return 0;
	}
	const char *why;
	if (ladder_check_staff(who, cat->dept_id, &why) != 0)
		return refuse(out, OMB_EPERM, why);
	if (who->role == LADDER_ROLE_ADMIN)
		return refuse(out, OMB_EPERM, "admins do not open cases");
	if (channel != DESK_CH_PHONE && channel != DESK_CH_VISIT && channel != DESK_CH_EMAIL)
		return refuse(out, OMB_EINVAL, "staff record the channel: phone, visit or email");
	return 0;
}

int desk_open(const struct desk_config *cfg, const struct desk_category *cat,
              enum desk_channel channel, const struct ladder_actor *who, int64_t now,
              struct desk_result *out)
{
	const struct desk_case blank = { 0 };
	struct desk_case *c = begin(cfg, out, &blank, now);
	int rc = check_opener(cat, channel, who, out);
	if (rc != 0)
		return undo(out, &blank, rc);
	c->dept_id = cat->dept_id;
	c->about_center = cat->about_center;
	c->channel = channel;
	c->level = LADDER_L1;
	c->status = DESK_OPEN;
	c->opened_ms = now;
	if (who->role != LADDER_ROLE_CUSTOMER) {
		c->handler_staff_id = who->staff_id;
		c->handler_role = who->role;
	}
	c->final = (struct desk_deadline){ DEADLINE_FINAL_ANSWER, LADDER_L1, now,
	                                   deadline_for(&cfg->deadlines, DEADLINE_FINAL_ANSWER,
	                                                LADDER_L1, now) };
	struct desk_event *e = emit(out, DESK_EV_OPENED, who->role, now);
	e->level_before = LADDER_NONE;
	e->channel = channel;
	set_answer_deadline(cfg, c, DEADLINE_FIRST_ANSWER, now, e);
	c->first_answer_due_ms = c->answer.due_ms;
	if (cat->about_center)
		climb(cfg, c, LADDER_L4, DESK_CAUSE_ABOUT_CENTER, DEADLINE_NONE, now,
		      LADDER_ROLE_SYSTEM, now, out);
	return 0;
}

int desk_customer_message(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                          struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	if (c->status == DESK_CLOSED)
		return undo(out, cur, refuse(out, OMB_ECONFLICT, "the case is closed; re-open it first"));
	if (c->status == DESK_ANSWERED)
		c->status = DESK_OPEN;
	emit(out, DESK_EV_MESSAGE, LADDER_ROLE_CUSTOMER, now);
	return 0;
}

int desk_attach(const struct desk_config *cfg, const struct desk_case *cur, const struct ladder_actor *who,
		int64_t now, struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	const char *why;
	if (who && ladder_check_staff(who, c->dept_id, &why) != 0)
		return undo(out, cur, refuse(out, OMB_EPERM, why));
	if (c->status == DESK_CLOSED)
		return undo(out, cur, refuse(out, OMB_ECONFLICT, "the case is closed; re-open it first"));
	emit(out, DESK_EV_ATTACHMENT, who ? who->role : LADDER_ROLE_CUSTOMER, now);
	return 0;
}

static int check_reply(const struct desk_case *c, const struct ladder_actor *who,
                       const struct similar_verdict *v, struct desk_result *out)
{
	if (c->status == DESK_CLOSED)
		return refuse(out, OMB_ECONFLICT, "the case is closed");
	if (who->role == LADDER_ROLE_SYSTEM) {
		if (v->cls != SIMILAR_AUTOMATIC)
			return refuse(out, OMB_EINVAL, "replies by the system are automatic");
		return 0;
	}
	int rc = check_writer(c, who, out);
	if (rc != 0)
		return rc;
	if (v->cls == SIMILAR_AUTOMATIC)
		return refuse(out, OMB_EINVAL, "a staff reply cannot be automatic");
	return 0;
}

int desk_reply(const struct desk_config *cfg, const struct desk_case *cur,
               const struct ladder_actor *who, const struct similar_verdict *v, int64_t now,
               struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	int rc = check_reply(c, who, v, out);
	if (rc != 0)
		return undo(out, cur, rc);
	bool repeat = v->repeat && v->cls != SIMILAR_AUTOMATIC;
	c->answers++;
	c->repeated_answers += repeat;
	bool counts = v->cls == SIMILAR_HUMAN && !repeat && qualifies(c, who);
	bool climbs = repeat && c->dispute_open;
	struct desk_event *e = emit(out, DESK_EV_MESSAGE, who->role, now);
	e->reply_class = v->cls;
	e->repeated_answer = repeat;
	if (counts)
		meet(c, now, e);
	e->status_after = c->status;
	if (climbs)
		climb(cfg, c, ladder_next(c->level), DESK_CAUSE_REPEAT, DEADLINE_LEVEL_ANSWER, now,
		      LADDER_ROLE_SYSTEM, now, out);
	return 0;
}

int desk_note(const struct desk_config *cfg, const struct desk_case *cur,
              const struct ladder_actor *who, int64_t now, struct desk_result *out)
{
	begin(cfg, out, cur, now);
	const char *why;
	if (ladder_check_staff(who, cur->dept_id, &why) != 0)
		return undo(out, cur, refuse(out, OMB_EPERM, why));
	emit(out, DESK_EV_NOTE, who->role, now);
	return 0;
}

static int check_assign(const struct desk_case *c, const struct ladder_actor *who,
                        const struct ladder_actor *assignee, struct desk_result *out)
{
	const char *why;
	if (who->role != LADDER_ROLE_SYSTEM && ladder_check_staff(who, c->dept_id, &why) != 0)
		return refuse(out, OMB_EPERM, why);
	if (c->status == DESK_CLOSED)
		return refuse(out, OMB_ECONFLICT, "the case is closed");
	if (!assignee)
		return 0;
	if (ladder_check_staff(assignee, c->dept_id, &why) != 0)
		return refuse(out, OMB_EINVAL, "the assignee may not handle this case");
	if (!qualifies(c, assignee))
		return refuse(out, OMB_ECONFLICT, "the assignee stands below the case's level");
	return 0;
}

int desk_assign(const struct desk_config *cfg, const struct desk_case *cur,
                const struct ladder_actor *who, const struct ladder_actor *assignee, int64_t now,
                struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	int rc = check_assign(c, who, assignee, out);
	if (rc != 0)
		return undo(out, cur, rc);
	c->handler_staff_id = assignee ? assignee->staff_id : 0;
	c->handler_role = assignee ? assignee->role : 0;
	struct desk_event *e = emit(out, DESK_EV_ASSIGNED, who->role, now);
	e->assignee_staff_id = c->handler_staff_id;
	e->assignee_role = c->handler_role;
	return 0;
}

int desk_demand(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	if (c->status == DESK_CLOSED)
		return undo(out, cur, refuse(out, OMB_ECONFLICT, "the case is closed; re-open it first"));
	c->demands++;
	if (c->first_demand_ms == 0)
		c->first_demand_ms = now;
	c->awaiting_responsible = true;
	if (c->status == DESK_ANSWERED)
		c->status = DESK_OPEN;
	struct desk_event *e = emit(out, DESK_EV_DEMAND, LADDER_ROLE_CUSTOMER, now);
	if (c->level == LADDER_L5)
		return 0; /* referred out: recorded, no internal clock to start */
	c->demands_open++;
	int64_t running_due = c->answer.kind != DEADLINE_NONE ? c->answer.due_ms : 0;
	if (c->level < LADDER_L2) {
		climb(cfg, c, LADDER_L2, DESK_CAUSE_DEMAND, DEADLINE_RESPONSIBLE_CONTACT, now,
		      LADDER_ROLE_CUSTOMER, now, out);
		e = &out->ev[out->n - 1]; /* the climb's event carries the deadline */
	} else {
		set_answer_deadline(cfg, c, DEADLINE_RESPONSIBLE_CONTACT, now, e);
	}
	/* asking for the responsible person never gives the center more time,
	 * whatever the level the demand raised the case to */
	if (running_due && running_due < c->answer.due_ms)
		c->answer.due_ms = e->deadline_due_ms = running_due;
	return 0;
}

int desk_dispute(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                 struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	if (c->status == DESK_CLOSED)
		return undo(out, cur, refuse(out, OMB_ECONFLICT, "the case is closed; re-open it first"));
	if (c->answers == 0)
		return undo(out, cur, refuse(out, OMB_ECONFLICT, "there is no answer to dispute yet"));
	c->dispute_open = true;
	if (c->status == DESK_ANSWERED)
		c->status = DESK_OPEN;
	emit(out, DESK_EV_DISPUTE, LADDER_ROLE_CUSTOMER, now);
	climb(cfg, c, ladder_next(c->level), DESK_CAUSE_DISPUTE, DEADLINE_LEVEL_ANSWER, now,
	      LADDER_ROLE_CUSTOMER, now, out);
	return 0;
}

int desk_accept(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	if (c->status == DESK_CLOSED)
		return undo(out, cur, refuse(out, OMB_ECONFLICT, "the case is already closed"));
	emit(out, DESK_EV_ACCEPTED, LADDER_ROLE_CUSTOMER, now);
	close_case(c, now, LADDER_ROLE_CUSTOMER, out);
	return 0;
}

static int check_final(const struct desk_case *c, const struct ladder_actor *who,
                       const struct similar_verdict *v, size_t n_options, struct desk_result *out)
{
	if (c->status == DESK_CLOSED)
		return refuse(out, OMB_ECONFLICT, "the case is already closed");
	int rc = check_writer(c, who, out);
	if (rc != 0)
		return rc;
	enum ladder_level need = ladder_required_level(c->level);
	if (need < LADDER_L3)
		need = LADDER_L3;
	if (ladder_role_level(who->role) < need)
		return refuse(out, OMB_EPERM, need == LADDER_L3
		                                  ? "a final answer comes from the responsible manager or above"
		                                  : "a final answer at this level comes from head-office complaints");
	if (n_options == 0)
		return refuse(out, OMB_EINVAL, "a final answer must state the outward referral options");
	if (v->cls != SIMILAR_HUMAN || v->repeat)
		return refuse(out, OMB_EINVAL, "a final answer must be a new human answer, not a template or repeat");
	return 0;
}

int desk_final_answer(const struct desk_config *cfg, const struct desk_case *cur,
                      const struct ladder_actor *who, const struct similar_verdict *v,
                      size_t n_referral_options, int64_t now, struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	int rc = check_final(c, who, v, n_referral_options, out);
	if (rc != 0)
		return undo(out, cur, rc);
	struct desk_deadline final = c->final;
	c->answers++;
	struct desk_event *e = emit(out, DESK_EV_FINAL_ANSWER, who->role, now);
	e->reply_class = v->cls;
	meet(c, now, e);
	if (e->deadline_met == DEADLINE_NONE && final.kind != DEADLINE_NONE) {
		e->deadline_met = final.kind;
		e->met_in_time = now <= final.due_ms;
	}
	close_case(c, now, who->role, out);
	e->status_after = c->status;
	return 0;
}

int desk_close(const struct desk_config *cfg, const struct desk_case *cur,
               const struct ladder_actor *who, int64_t now, struct desk_result *out)
{
	begin(cfg, out, cur, now);
	if (cur->about_center && ladder_is_call_center(who->role))
		return undo(out, cur, refuse(out, OMB_EPERM,
		            "a complaint about the customer center is never closed by call-center roles"));
	return undo(out, cur, refuse(out, OMB_EPERM,
	            "a case closes only by the customer's acceptance or a final answer "
	            "with referral options from L3 or above"));
}

int desk_reopen(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                struct desk_result *out)
{
	struct desk_case *c = begin(cfg, out, cur, now);
	if (c->status != DESK_CLOSED)
		return undo(out, cur, refuse(out, OMB_ECONFLICT, "the case is not closed"));
	if (now - c->closed_ms > cfg->reopen_window_ms)
		return undo(out, cur, refuse(out, OMB_ECONFLICT, "the re-open period has passed"));
	c->closed_ms = 0;
	c->status = c->level == LADDER_L5 ? DESK_REFERRED : DESK_OPEN;
	struct desk_event *e = emit(out, DESK_EV_REOPENED, LADDER_ROLE_CUSTOMER, now);
	if (c->level == LADDER_L5)
		return 0;
	c->final = (struct desk_deadline){ DEADLINE_FINAL_ANSWER, c->level, now,
	                                   deadline_for(&cfg->deadlines, DEADLINE_FINAL_ANSWER,
	                                                c->level, now) };
	set_answer_deadline(cfg, c,
	                    c->level == LADDER_L1 ? DEADLINE_FIRST_ANSWER : DEADLINE_LEVEL_ANSWER,
	                    now, e);
	return 0;
}

int desk_sweep(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
               struct desk_result *out)
{
	begin(cfg, out, cur, now);
	return 0;
}

bool desk_case_finished(const struct desk_case *c)
{
	return c->status == DESK_CLOSED || c->status == DESK_REFERRED;
}

bool desk_event_text_public(enum desk_event_kind kind)
{
	return kind != DESK_EV_NOTE;
}

static const char *deadline_or_empty(enum deadline_kind k)
{
	return k == DEADLINE_NONE ? "" : deadline_kind_name(k);
}

void desk_event_to_chain(const struct desk_event *ev, struct chain_event *ce)
{
	ce->at_ms = ev->at_ms;
	ce->kind = desk_event_kind_name(ev->kind);
	ce->actor_role = ladder_role_name(ev->actor_role);
	ce->level_before = (uint8_t)ev->level_before;
	ce->level_after = (uint8_t)ev->level_after;
	ce->cause = ev->cause == DESK_CAUSE_NONE ? "" : desk_cause_name(ev->cause);
	ce->deadline_set = deadline_or_empty(ev->deadline_set);
	ce->deadline_due_ms = ev->deadline_set == DEADLINE_NONE ? 0 : ev->deadline_due_ms;
	ce->deadline_met = deadline_or_empty(ev->deadline_met);
	ce->deadline_missed = deadline_or_empty(ev->deadline_missed);
	ce->flags = (ev->repeated_answer ? CHAIN_FLAG_REPEATED : 0) |
	            (ev->deadline_met != DEADLINE_NONE && ev->met_in_time ? CHAIN_FLAG_IN_TIME : 0);
	ce->reply_class = ev->reply_class ? similar_class_name(ev->reply_class) : "";
	ce->detail = ev->kind == DESK_EV_OPENED ? desk_channel_name(ev->channel) : "";
}

const char *desk_event_kind_name(enum desk_event_kind kind)
{
	static const char *const names[] = {
		[DESK_EV_OPENED] = "opened",           [DESK_EV_MESSAGE] = "message",
		[DESK_EV_NOTE] = "note",               [DESK_EV_ASSIGNED] = "assigned",
		[DESK_EV_DEMAND] = "demand",           [DESK_EV_DEADLINE_MISSED] = "deadline_missed",
		[DESK_EV_ESCALATED] = "escalated",     [DESK_EV_DISPUTE] = "dispute",
		[DESK_EV_ACCEPTED] = "accepted",       [DESK_EV_FINAL_ANSWER] = "final_answer",
		[DESK_EV_REFERRAL] = "referral",       [DESK_EV_CLOSED] = "closed",
		[DESK_EV_REOPENED] = "reopened",       [DESK_EV_ATTACHMENT] = "attachment",
	};
	if ((unsigned)kind >= sizeof names / sizeof names[0] || !names[kind])
		return "unknown";
	return names[kind];
}

const char *desk_cause_name(enum desk_cause cause)
{
	static const char *const names[] = {
		[DESK_CAUSE_NONE] = "none",         [DESK_CAUSE_DEMAND] = "demand",
		[DESK_CAUSE_DEADLINE] = "deadline", [DESK_CAUSE_DISPUTE] = "dispute",
		[DESK_CAUSE_REPEAT] = "repeat",     [DESK_CAUSE_ABOUT_CENTER] = "about_center",
	};
	if ((unsigned)cause >= DESK_CAUSE_COUNT)
		return "unknown";
	return names[cause];
}

const char *desk_status_name(enum desk_status status)
{
	static const char *const names[] = {
		[DESK_OPEN] = "open", [DESK_ANSWERED] = "answered",
		[DESK_CLOSED] = "closed", [DESK_REFERRED] = "referred",
	};
	if ((unsigned)status >= sizeof names / sizeof names[0] || !names[status])
		return "unknown";
	return names[status];
}

const char *desk_channel_name(enum desk_channel channel)
{
	static const char *const names[] = {
		[DESK_CH_WEB] = "web", [DESK_CH_PHONE] = "phone",
		[DESK_CH_VISIT] = "visit", [DESK_CH_EMAIL] = "email",
	};
	if ((unsigned)channel >= sizeof names / sizeof names[0] || !names[channel])
		return "unknown";
	return names[channel];
}
