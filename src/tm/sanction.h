/* sanction.h — the regulator's decision on a case and the fine it carries.
 *
 * Owns: the fine schedule (data: amounts per order and a look-back period),
 * the order of a new sanction from the business's earlier sanctions, and the
 * decision that confirms or dismisses a case. One decision that confirms a
 * case is one sanction, however many reports the case holds.
 *
 * The default schedule follows the Enforcement Decree of the Act on Promotion
 * of Information and Communications Network Utilization and Information
 * Protection, etc. (정보통신망법 시행령), attached table 9, criteria for
 * administrative fines (과태료의 부과기준): 7,500,000 KRW for the 1st,
 * 15,000,000 for the 2nd, 30,000,000 KRW for the 3rd and later violation;
 * general rule 1.가: the raised amounts apply when the earlier fine was
 * imposed within 3 years before the new violation was detected; rule 1.나:
 * the new order is the one after the highest order imposed in that period.
 * docs/tm.md gives the sources and what was and was not verified.
 *
 * Does not: store, know roles (the app lets only the regulator decide), or
 * collect fines. No global state; any thread. */
#ifndef OMBUD_TM_SANCTION_H
#define OMBUD_TM_SANCTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tm/report.h"

#define TM_SCHEDULE_MAX_STEPS   10
#define TM_LOOKBACK_MAX_MONTHS  120

struct tm_fine_schedule {
	int64_t amounts_krw[TM_SCHEDULE_MAX_STEPS]; /* [k] is the fine of order k+1; the last step repeats */
	size_t n_steps;
	unsigned lookback_months;   /* earlier sanctions count when imposed within this many months */
	int64_t tz_offset_ms;       /* the look-back is counted in local calendar dates: KST, +9 h */
};

/* 7.5M / 15M / 30M KRW, 36 months, KST. */
void tm_fine_schedule_default(struct tm_fine_schedule *s);

/* 0, or OMB_EINVAL with *reason: 1..TM_SCHEDULE_MAX_STEPS positive amounts,
 * look-back 1..TM_LOOKBACK_MAX_MONTHS. */
int tm_fine_schedule_check(const struct tm_fine_schedule *s, const char **reason);

/* A sanction: one confirming decision on one business. */
struct tm_sanction {
	int64_t id;
	int64_t business_id;
	int64_t detected_ms;      /* when the sanctioned violation came to light */
	int64_t decided_ms;       /* when the fine was imposed */
	unsigned order;           /* 1st, 2nd, ... as counted by tm_fine_for */
	int64_t fine_krw;
	size_t n_reports;         /* reports the decision covered */
};

struct tm_fine {
	unsigned order;
	int64_t amount_krw;
	const struct tm_sanction *previous;  /* the earlier sanction the order follows; NULL for a 1st */
};

/* The fine for a new violation of business_id detected at detected_ms, given
 * the business's earlier sanctions (others' are ignored). An earlier sanction
 * counts when it was imposed on or before detected_ms and its local date plus
 * lookback_months is on or after the local date of detected_ms. The order is
 * one more than the highest order among those that count (1 when none):
 * a sanction outside the look-back period makes the next one a 1st again. */
void tm_fine_for(const struct tm_fine_schedule *s, int64_t business_id, int64_t detected_ms,
                 const struct tm_sanction *earlier, size_t n_earlier, struct tm_fine *out);

enum tm_outcome {
	TM_CONFIRM = 0,   /* violations confirmed: one sanction */
	TM_DISMISS        /* no sanction */
};

struct tm_decision {
	int64_t business_id;
	enum tm_outcome outcome;
	const char *reason;       /* borrowed from the caller */
	int64_t regulator_id;
	int64_t decided_ms;
	size_t n_reports;
	bool sanctioned;          /* true exactly when outcome == TM_CONFIRM */
	struct tm_sanction sanction;  /* valid when sanctioned; id is left 0 for the store */
};

/* Decides case c. A reason is required either way (clean UTF-8, at most
 * TM_TEXT_MAX bytes); decided_ms must not precede c->detected_ms; a case
 * without reports cannot be decided. Confirming makes one sanction whose fine
 * is tm_fine_for(s, c->business_id, c->detected_ms, earlier). 0 or OMB_EINVAL
 * with *why. */
int tm_case_decide(const struct tm_case *c, enum tm_outcome outcome, const char *reason, int64_t regulator_id,
                   int64_t decided_ms, const struct tm_fine_schedule *s,
                   const struct tm_sanction *earlier, size_t n_earlier,
                   struct tm_decision *out, const char **why);

#endif
