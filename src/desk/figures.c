/* figures.c — published figures over per-case summaries. */
#include "desk/figures.h"

#include <stdlib.h>

#include "base/err.h"
#include "base/mem.h"

void figures_case_from(const struct desk_case *c, struct figures_case *out)
{
	*out = (struct figures_case){
		.opened_ms = c->opened_ms,
		.first_answer_due_ms = c->first_answer_due_ms,
		.first_answer_ms = c->first_answer_ms,
		.closed_ms = c->status == DESK_CLOSED ? c->closed_ms : 0,
		.first_demand_ms = c->first_demand_ms,
		.responsible_ms = c->responsible_ms,
		.demands = c->demands,
		.demands_in_time = c->demands_in_time,
		.demands_open = c->demands_open,
		.demand_due_ms = c->demands_open ? c->answer.due_ms : 0,
		.repeated_answers = c->repeated_answers,
		.referred_out = c->referred_ms != 0,
		.about_center = c->about_center,
	};
	for (int i = 0; i < DESK_CAUSE_COUNT; i++)
		out->escalations[i] = c->escalations[i];
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Sorts v[0..n) in place and fills the spread. */
static struct figures_spread spread(int64_t *v, uint32_t n)
{
	struct figures_spread s = { .n = n };
	if (n == 0)
		return s;
	qsort(v, n, sizeof *v, cmp_i64);
	s.median_ms = n % 2 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
	uint32_t rank = (uint32_t)((9ULL * n + 9) / 10); /* ceil(0.9 n), 1-based */
	s.p90_ms = v[rank - 1];
	return s;
}

static void count_closing(struct figures *f, const struct figures_case *c)
{
	if (c->closed_ms == 0) {
		f->not_closed++;
		return;
	}
	int64_t took = c->closed_ms - c->opened_ms;
	if (took <= 4 * FIGURES_WEEK_MS)
		f->closed_4w++;
	else if (took <= 8 * FIGURES_WEEK_MS)
		f->closed_4_8w++;
	else
		f->closed_over_8w++;
}

static void count_demands(struct figures *f, const struct figures_case *c, int64_t now)
{
	f->demands += c->demands;
	f->demands_in_time += c->demands_in_time;
	bool running = c->demands_open > 0 && c->demand_due_ms >= now;
	f->demands_decided += c->demands - (running ? c->demands_open : 0);
}

int figures_compute(const struct figures_case *cases, size_t n, int64_t from_ms, int64_t to_ms,
                    int64_t now_ms, struct figures *out)
{
	*out = (struct figures){ 0 };
	if (from_ms >= to_ms)
		return OMB_EINVAL;
	int64_t *first = xmalloc((n ? n : 1) * sizeof *first);
	int64_t *resp = xmalloc((n ? n : 1) * sizeof *resp);
	uint32_t n_first = 0, n_resp = 0;
	for (size_t i = 0; i < n; i++) {
		const struct figures_case *c = &cases[i];
		if (c->opened_ms < from_ms || c->opened_ms >= to_ms)
			continue;
		out->opened++;
		if (c->first_answer_ms) {
			out->answered++;
			first[n_first++] = c->first_answer_ms - c->opened_ms;
			out->first_in_time += c->first_answer_ms <= c->first_answer_due_ms;
		}
		out->first_decided += c->first_answer_ms || c->first_answer_due_ms < now_ms;
		count_closing(out, c);
		count_demands(out, c, now_ms);
		if (c->first_demand_ms && c->responsible_ms)
			resp[n_resp++] = c->responsible_ms - c->first_demand_ms;
		out->repeated_answers += c->repeated_answers;
		for (int k = DESK_CAUSE_NONE + 1; k < DESK_CAUSE_COUNT; k++)
			out->escalations[k] += c->escalations[k];
		out->referred_out += c->referred_out;
		out->about_center += c->about_center;
	}
	out->to_first_answer = spread(first, n_first);
	out->to_responsible = spread(resp, n_resp);
	free(first);
	free(resp);
	return 0;
}

double figures_pct(uint32_t num, uint32_t den)
{
	return den == 0 ? -1.0 : 100.0 * (double)num / (double)den;
}
