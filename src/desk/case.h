/* case.h — the case and what each action does to it.
 *
 * Owns the state of one case (level, status, handler, running deadlines,
 * flags and the facts the figures need) and one transition function per
 * action. Each takes the configuration, the current state, the actor where
 * there is one, and now; it checks permission and state and returns the new
 * state plus the events to append, or a negative code with a reason. The
 * caller persists the state and the events (in that order of one
 * transaction), chains the events (chain.h) and sends notifications. Nothing
 * here reads the clock, stores, or formats anything for the web.
 *
 * The rules, as docs/ladder.md explains them for newcomers:
 *   - a case opens at L1 with a first-answer deadline and a final-answer
 *     deadline; a category about the customer center opens straight at L4;
 *   - it climbs on a demand for the responsible person (to at least L2, with a
 *     responsible-contact deadline), on a missed deadline (desk_sweep), on a
 *     dispute, and on a repeated answer while a dispute is open; at L5 the
 *     clock stops and the case is referred out;
 *   - only a human answer that is not a repeat, from a role standing at or
 *     above the case's level, meets a deadline;
 *   - a case closes only by the customer's acceptance or by a final answer
 *     from L3 or above (and at least the case's level) stating the outward
 *     referral options; the customer may re-open it within a period.
 *
 * Pure and reentrant; any thread may call it. */
#ifndef OMBUD_DESK_CASE_H
#define OMBUD_DESK_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desk/chain.h"
#include "desk/deadline.h"
#include "desk/ladder.h"
#include "desk/similar.h"

/* Most events one action appends: a sweep catching up over four missed
 * deadlines appends missed + escalated four times and one referral. */
#define DESK_MAX_EVENTS 16

enum desk_status {
	DESK_OPEN = 1,  /* waiting for an answer */
	DESK_ANSWERED,  /* answered; the final-answer deadline still runs */
	DESK_CLOSED,    /* accepted, or closed by a final answer */
	DESK_REFERRED,  /* at L5: referred out, clock stopped */
};

enum desk_channel {
	DESK_CH_WEB = 1, /* opened by the customer */
	DESK_CH_PHONE,   /* the rest are entered by staff on the customer's behalf */
	DESK_CH_VISIT,
	DESK_CH_EMAIL,
};

enum desk_event_kind {
	DESK_EV_OPENED = 1,
	DESK_EV_MESSAGE,         /* from the customer, or a staff reply */
	DESK_EV_NOTE,            /* internal: the customer sees that it exists, not its text */
	DESK_EV_ASSIGNED,
	DESK_EV_DEMAND,          /* demand for the responsible person */
	DESK_EV_DEADLINE_MISSED,
	DESK_EV_ESCALATED,
	DESK_EV_DISPUTE,
	DESK_EV_ACCEPTED,
	DESK_EV_FINAL_ANSWER,
	DESK_EV_REFERRAL,        /* the case reached L5: produce the referral package */
	DESK_EV_CLOSED,
	DESK_EV_REOPENED,
	DESK_EV_ATTACHMENT,      /* a file from the customer or staff; the chain commits to its hash */
};

/* Why a case climbed. */
enum desk_cause {
	DESK_CAUSE_NONE = 0,
	DESK_CAUSE_DEMAND,
	DESK_CAUSE_DEADLINE,
	DESK_CAUSE_DISPUTE,
	DESK_CAUSE_REPEAT,
	DESK_CAUSE_ABOUT_CENTER,
	DESK_CAUSE_COUNT
};

struct desk_deadline {
	enum deadline_kind kind; /* DEADLINE_NONE: no deadline runs */
	enum ladder_level level; /* the level it was set for */
	int64_t start_ms;
	int64_t due_ms;
};

struct desk_config {
	struct deadline_policy deadlines;
	int64_t reopen_window_ms; /* how long after closing the customer may re-open */
};

/* The category a case is opened in, as the store knows it. */
struct desk_category {
	int64_t dept_id;   /* the department that owns the category */
	bool about_center; /* "about the customer center itself" */
};

struct desk_case {
	int64_t dept_id;
	bool about_center;
	enum desk_channel channel;
	enum ladder_level level;
	enum desk_status status;
	int64_t handler_staff_id;        /* 0: unassigned, the level's pool handles it */
	enum ladder_role handler_role;
	struct desk_deadline answer;     /* first answer / responsible contact / level answer */
	struct desk_deadline final;      /* the final answer */
	bool dispute_open;               /* disputed, and no qualifying answer since */
	bool awaiting_responsible;       /* demanded, and no answer from L2 or above since */
	uint32_t answers;                /* staff replies sent to the customer, of any class */
	/* Facts for the figures (figures.h); times are 0 until they happen. */
	int64_t opened_ms;
	int64_t first_answer_due_ms;
	int64_t first_answer_ms;         /* first qualifying (human, non-repeat) answer */
	int64_t closed_ms;               /* last closing; 0 while not closed */
	int64_t referred_ms;
	int64_t first_demand_ms;
	int64_t responsible_ms;          /* first answer from L2 or above after the first demand */
	uint32_t demands;
	uint32_t demands_open;           /* demands whose contact deadline still runs */
	uint32_t demands_in_time;
	uint32_t repeated_answers;
	uint32_t escalations[DESK_CAUSE_COUNT];
};

struct desk_event {
	enum desk_event_kind kind;
	int64_t at_ms;
	enum ladder_role actor_role;     /* LADDER_ROLE_SYSTEM for sweeps */
	enum ladder_level level_before;
	enum ladder_level level_after;
	enum desk_status status_after;
	enum desk_cause cause;           /* ESCALATED */
	enum deadline_kind deadline_set; /* a deadline this event started */
	int64_t deadline_due_ms;
	enum deadline_kind deadline_met; /* a deadline this event met */
	bool met_in_time;
	enum deadline_kind deadline_missed;
	int64_t missed_due_ms;
	enum similar_class reply_class;  /* MESSAGE and FINAL_ANSWER from staff or system; else 0 */
	bool repeated_answer;
	enum desk_channel channel;       /* OPENED */
	int64_t assignee_staff_id;       /* ASSIGNED */
	enum ladder_role assignee_role;
};

/* What a transition returns. On error next equals the current state, n is 0
 * and reason says why (a static string). */
struct desk_result {
	struct desk_case next;
	struct desk_event ev[DESK_MAX_EVENTS];
	size_t n;
	const char *reason;
};

/* Defaults: deadline_policy_default, re-open within 30 days. */
void desk_config_default(struct desk_config *cfg);
/* 0, or OMB_EINVAL with *reason. */
int desk_config_check(const struct desk_config *cfg, const char **reason);

/* Every transition below: cfg, cur and who are borrowed; cur may not point
 * into out. Each first applies the deadlines overdue at now (as desk_sweep
 * does, and with the same events), then checks and acts on the result, so a
 * late answer finds the case already climbed whether or not a sweep ran.
 * Returns 0 and fills out, or OMB_EPERM (the actor may not), OMB_ECONFLICT
 * (the case's state forbids it now) or OMB_EINVAL (the input breaks a rule),
 * with out->reason set. */

/* Opens a case: by the customer on the web (who->role CUSTOMER, channel WEB)
 * or by staff on the customer's behalf (channel PHONE, VISIT or EMAIL). */
int desk_open(const struct desk_config *cfg, const struct desk_category *cat,
              enum desk_channel channel, const struct ladder_actor *who, int64_t now,
              struct desk_result *out);

/* A message from the customer. Re-opens the question on an answered case. */
int desk_customer_message(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                          struct desk_result *out);

/* A reply to the customer by staff or by the system, classified beforehand by
 * similar_classify. It is always delivered; it meets the running deadline only
 * when human, not a repeat, and written by a role at or above the case's
 * level; a repeat while a dispute is open makes the case climb. */
int desk_reply(const struct desk_config *cfg, const struct desk_case *cur,
               const struct ladder_actor *who, const struct similar_verdict *v, int64_t now,
               struct desk_result *out);

/* An internal note by any staff member; allowed in every status. */
int desk_note(const struct desk_config *cfg, const struct desk_case *cur,
              const struct ladder_actor *who, int64_t now, struct desk_result *out);

/* Hands the case to `assignee`, who must be able to touch the case and stand
 * at or above its level, so no assignment can push a case back down.
 * assignee NULL hands it to the queue of its level (no handler), as a climb
 * does. `who` is a staff member who may touch the case, or the system
 * (LADDER_ROLE_SYSTEM: agent protection's routing, never an account). */
int desk_assign(const struct desk_config *cfg, const struct desk_case *cur,
                const struct ladder_actor *who, const struct ladder_actor *assignee, int64_t now,
                struct desk_result *out);

/* The customer demands the responsible person. Never refused on a case that is
 * not closed: the case climbs to at least L2 and the responsible person must
 * make contact within the responsible-contact deadline. */
int desk_demand(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                struct desk_result *out);

/* The customer disputes an answer: the case climbs one level. */
int desk_dispute(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                 struct desk_result *out);

/* The customer accepts: the case closes. */
int desk_accept(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                struct desk_result *out);

/* A final answer stating n_referral_options outward referral options (>= 1),
 * by a role at L3 or above and at or above the case's level (L4 at L5),
 * classified human and not a repeat. Closes the case. */
int desk_final_answer(const struct desk_config *cfg, const struct desk_case *cur,
                      const struct ladder_actor *who, const struct similar_verdict *v,
                      size_t n_referral_options, int64_t now, struct desk_result *out);

/* A staff member tries to close the case directly: always OMB_EPERM, with the
 * reason to show (closing needs acceptance or a final answer; a complaint about
 * the customer center is never closed by call-center roles). */
int desk_close(const struct desk_config *cfg, const struct desk_case *cur,
               const struct ladder_actor *who, int64_t now, struct desk_result *out);

/* The customer re-opens a closed case within cfg->reopen_window_ms of its
 * closing. The level stays; a new answer and final deadline start. */
int desk_reopen(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
                struct desk_result *out);

/* A file added to the case by the customer (who NULL) or by staff who may
 * touch it. It changes no level, status or deadline (a file is not an
 * answer) and is refused on a closed case. */
int desk_attach(const struct desk_config *cfg, const struct desk_case *cur, const struct ladder_actor *who,
		int64_t now, struct desk_result *out);

/* Applies the server's clock: every running deadline due before now is
 * missed, earliest first, and each miss climbs the case one level, the next
 * deadline counting from the missed due time (an answer exactly at the due
 * time is in time). Missed events carry the due time as at_ms. Returns 0,
 * with n == 0 when nothing was due. */
int desk_sweep(const struct desk_config *cfg, const struct desk_case *cur, int64_t now,
               struct desk_result *out);

/* True when the case is closed or referred out: no deadline runs, and its
 * retention period counts from then. */
bool desk_case_finished(const struct desk_case *c);

/* True when the customer may read the event's text (false for notes only: the
 * customer still sees that a note was written). */
bool desk_event_text_public(enum desk_event_kind kind);

/* Fills the fields of *ce that come from ev: kind, at_ms, actor_role, levels,
 * cause, deadlines, flags, reply class and detail (the channel of OPENED).
 * The caller sets receipt, seq, actor_org, actor_staff and the commitment.
 * Strings are static. */
void desk_event_to_chain(const struct desk_event *ev, struct chain_event *ce);

/* Stable lower-case names for logs, JSON and the chain; never NULL. */
const char *desk_event_kind_name(enum desk_event_kind kind);
const char *desk_cause_name(enum desk_cause cause);
const char *desk_status_name(enum desk_status status);
const char *desk_channel_name(enum desk_channel channel);

#endif
