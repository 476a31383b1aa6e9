/* figures.h — an organisation's public figures for a period.
 *
 * Owns the per-case summary the figures are computed from (no personal data:
 * times, counts and flags only) and the computation itself. It does not load
 * cases (store/) or publish anything (api/).
 *
 * The cohort is the cases opened in [from, to), seen as of `now`: every
 * figure describes those cases, so a case counts once however long it runs.
 * A first answer or a demand still within its deadline at `now` is not yet
 * decided and stays out of the "within deadline" bases.
 *
 * Pure and reentrant; any thread may call it. */
#ifndef OMBUD_DESK_FIGURES_H
#define OMBUD_DESK_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desk/case.h"

#define FIGURES_WEEK_MS (7LL * 24 * 3600 * 1000)

struct figures_case {
	int64_t opened_ms;
	int64_t first_answer_due_ms;
	int64_t first_answer_ms;   /* 0: no qualifying answer yet */
	int64_t closed_ms;         /* 0: not closed */
	int64_t first_demand_ms;   /* 0: no demand */
	int64_t responsible_ms;    /* 0: the responsible person has not answered */
	uint32_t demands;
	uint32_t demands_in_time;
	uint32_t demands_open;     /* demands whose contact deadline was running */
	int64_t demand_due_ms;     /* that deadline's due time */
	uint32_t repeated_answers;
	uint32_t escalations[DESK_CAUSE_COUNT];
	bool referred_out;
	bool about_center;
};

/* Median and 90th percentile (nearest rank) of n durations. */
struct figures_spread {
	uint32_t n;
	int64_t median_ms; /* mean of the two middle values when n is even; 0 when n == 0 */
	int64_t p90_ms;    /* 0 when n == 0 */
};

struct figures {
	uint32_t opened;
	uint32_t answered;            /* have a qualifying first answer */
	uint32_t first_in_time;       /* first answer by its deadline ... */
	uint32_t first_decided;       /* ... of those answered or past the deadline */
	uint32_t closed_4w;           /* closed within 4 weeks of opening */
	uint32_t closed_4_8w;         /* after 4 and within 8 weeks */
	uint32_t closed_over_8w;
	uint32_t not_closed;
	uint32_t demands;             /* demands for the responsible person */
	uint32_t demands_in_time;     /* met by their contact deadline ... */
	uint32_t demands_decided;     /* ... of those met or past their deadline */
	struct figures_spread to_first_answer;
	struct figures_spread to_responsible; /* first demand to the responsible person's answer */
	uint32_t repeated_answers;
	uint32_t escalations[DESK_CAUSE_COUNT]; /* by cause; [DESK_CAUSE_NONE] stays 0 */
	uint32_t referred_out;
	uint32_t about_center;
};

/* The summary of one case for the figures. */
void figures_case_from(const struct desk_case *c, struct figures_case *out);

/* Computes the figures of the cases in cases[0..n) opened in [from_ms, to_ms)
 * as of now_ms (others are ignored). Returns 0, or OMB_EINVAL when from_ms >=
 * to_ms. */
int figures_compute(const struct figures_case *cases, size_t n, int64_t from_ms, int64_t to_ms,
                    int64_t now_ms, struct figures *out);

/* 100 * num / den, or -1 when den is 0 (no base: publish as "none"). */
double figures_pct(uint32_t num, uint32_t den);

#endif
