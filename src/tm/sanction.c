/* sanction.c — fine schedule, order of a sanction, decisions; see sanction.h. */
#include "tm/sanction.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/text.h"

void tm_fine_schedule_default(struct tm_fine_schedule *s)
{
	memset(s, 0, sizeof *s);
	s->amounts_krw[0] = 7500000;
	s->amounts_krw[1] = 15000000;
	s->amounts_krw[2] = 30000000;
	s->n_steps = 3;
	s->lookback_months = 36;
	s->tz_offset_ms = 9 * CLOCK_MS_PER_HOUR;
}

int tm_fine_schedule_check(const struct tm_fine_schedule *s, const char **reason)
{
	if (s->n_steps < 1 || s->n_steps > TM_SCHEDULE_MAX_STEPS) {
		*reason = "amounts: 1 to 10 steps";
		return OMB_EINVAL;
	}
	for (size_t i = 0; i < s->n_steps; i++) {
		if (s->amounts_krw[i] <= 0) {
			*reason = "amounts: every step must be a positive number of KRW";
			return OMB_EINVAL;
		}
	}
	if (s->lookback_months < 1 || s->lookback_months > TM_LOOKBACK_MAX_MONTHS) {
		*reason = "lookback_months: 1 to 120";
		return OMB_EINVAL;
	}
	return OMB_OK;
}

/* ---- local calendar dates (proleptic Gregorian, days since 1970-01-01) ---- */

struct civil {
	int64_t y;
	unsigned m, d;
};

/* Howard Hinnant's days_from_civil / civil_from_days. */
static int64_t days_from_civil(struct civil c)
{
	int64_t y = c.y - (c.m <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (c.m + (c.m > 2 ? -3 : 9)) + 2) / 5 + c.d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static struct civil civil_from_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	struct civil c;
	c.d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	c.m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	c.y = yoe + era * 400 + (c.m <= 2);
	return c;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : len[m - 1];
}

static int64_t local_day(int64_t ms, int64_t tz_offset_ms)
{
	int64_t t = ms + tz_offset_ms;
	return t / CLOCK_MS_PER_DAY - (t % CLOCK_MS_PER_DAY < 0);
}

/* The local date `months` after the date of day; the 29th-31st become the
 * month's last day when the target month is shorter. */
static int64_t add_months(int64_t day, unsigned months)
{
	struct civil c = civil_from_days(day);
	int64_t idx = c.y * 12 + (c.m - 1) + months;
	struct civil t = { .y = idx / 12, .m = (unsigned)(idx % 12) + 1, .d = c.d };
	unsigned last = days_in_month(t.y, t.m);
	if (t.d > last)
		t.d = last;
	return days_from_civil(t);
}

static bool counts_for(const struct tm_fine_schedule *s, const struct tm_sanction *e, int64_t detected_ms)
{
	if (e->decided_ms > detected_ms)
		return false;
	int64_t imposed = local_day(e->decided_ms, s->tz_offset_ms);
	return add_months(imposed, s->lookback_months) >= local_day(detected_ms, s->tz_offset_ms);
}

void tm_fine_for(const struct tm_fine_schedule *s, int64_t business_id, int64_t detected_ms,
                 const struct tm_sanction *earlier, size_t n_earlier, struct tm_fine *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n_earlier; i++) {
		const struct tm_sanction *e = &earlier[i];
		if (e->business_id != business_id || !counts_for(s, e, detected_ms))
			continue;
		if (!out->previous || e->order > out->previous->order)
			out->previous = e;
	}
	out->order = out->previous ? out->previous->order + 1 : 1;
	size_t step = out->order <= s->n_steps ? out->order - 1 : s->n_steps - 1;
	out->amount_krw = s->amounts_krw[step];
}

int tm_case_decide(const struct tm_case *c, enum tm_outcome outcome, const char *reason, int64_t regulator_id,
                   int64_t decided_ms, const struct tm_fine_schedule *s,
                   const struct tm_sanction *earlier, size_t n_earlier,
                   struct tm_decision *out, const char **why)
{
	size_t len = reason ? strlen(reason) : 0;
	if (len == 0 || len > TM_TEXT_MAX || !text_is_clean_utf8(reason, len)) {
		*why = "reason: required, UTF-8 text of at most 4000 bytes";
		return OMB_EINVAL;
	}
	if (outcome != TM_CONFIRM && outcome != TM_DISMISS) {
		*why = "outcome: confirm or dismiss";
		return OMB_EINVAL;
	}
	if (c->n_reports == 0) {
		*why = "case: no reports to decide on";
		return OMB_EINVAL;
	}
	if (decided_ms < c->detected_ms) {
		*why = "decided_at: before the case's first report";
		return OMB_EINVAL;
	}
	memset(out, 0, sizeof *out);
	out->business_id = c->business_id;
	out->outcome = outcome;
	out->reason = reason;
	out->regulator_id = regulator_id;
	out->decided_ms = decided_ms;
	out->n_reports = c->n_reports;
	if (outcome == TM_DISMISS)
		return OMB_OK;
	struct tm_fine fine;
	tm_fine_for(s, c->business_id, c->detected_ms, earlier, n_earlier, &fine);
	out->sanctioned = true;
	out->sanction = (struct tm_sanction){
		.business_id = c->business_id,
		.detected_ms = c->detected_ms,
		.decided_ms = decided_ms,
		.order = fine.order,
		.fine_krw = fine.amount_krw,
		.n_reports = c->n_reports,
	};
	return OMB_OK;
}
