/* deadline.c — due times over calendar or business hours. */
#include "desk/deadline.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"

#define MS_PER_MIN (60LL * 1000)
#define MAX_DAYS_SCANNED 3660 /* ten years: a calendar closed longer never opens */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Day 0 (1970-01-01) was a Thursday: index 3 with Monday = 0. */
static int weekday(int64_t day)
{
	return (int)(((day % 7) + 7 + 3) % 7);
}

/* Gregorian date of a day number (H. Hinnant's civil_from_days) as YYYYMMDD. */
static int32_t civil_yyyymmdd(int64_t day)
{
	int64_t z = day + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	return (int32_t)(y * 10000 + m * 100 + d);
}

static bool valid_yyyymmdd(int32_t date)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = date / 10000, m = date / 100 % 100, d = date % 100;
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

static bool is_holiday(const struct deadline_calendar *cal, int64_t day)
{
	int32_t date = civil_yyyymmdd(day);
	for (size_t i = 0; i < cal->n_holidays; i++)
		if (cal->holidays[i] == date)
			return true;
	return false;
}

/* Open interval of a local day in ms after local midnight; false when closed. */
static bool open_span(const struct deadline_calendar *cal, int64_t day, int64_t *open, int64_t *close)
{
	const struct deadline_hours *h = &cal->week[weekday(day)];
	if (h->open_min >= h->close_min || is_holiday(cal, day))
		return false;
	*open = h->open_min * MS_PER_MIN;
	*close = h->close_min * MS_PER_MIN;
	return true;
}

void deadline_policy_default(struct deadline_policy *p)
{
	*p = (struct deadline_policy){
		.first_answer_hours = 24,
		.responsible_contact_hours = 24,
		.level_answer_hours = { 72, 72, 72, 72, 72, 72 },
		.final_answer_days = 14,
		.cal = { .business = false, .utc_offset_min = 9 * 60 },
	};
	for (int d = 0; d < 5; d++)
		p->cal.week[d] = (struct deadline_hours){ 9 * 60, 18 * 60 };
}

int deadline_policy_check(const struct deadline_policy *p, const char **reason)
{
	if (p->first_answer_hours <= 0 || p->responsible_contact_hours <= 0 || p->final_answer_days <= 0) {
		*reason = "deadline durations must be positive";
		return OMB_EINVAL;
	}
	for (int l = LADDER_L2; l <= LADDER_L4; l++) {
		if (p->level_answer_hours[l] <= 0) {
			*reason = "level_answer_hours must be positive for L2-L4";
			return OMB_EINVAL;
		}
	}
	const struct deadline_calendar *cal = &p->cal;
	if (cal->utc_offset_min < -14 * 60 || cal->utc_offset_min > 14 * 60) {
		*reason = "utc_offset_min out of range";
		return OMB_EINVAL;
	}
	bool any_open = false;
	for (int d = 0; d < 7; d++) {
		const struct deadline_hours *h = &cal->week[d];
		if (h->open_min < 0 || h->close_min > 24 * 60) {
			*reason = "opening hours must lie within one day";
			return OMB_EINVAL;
		}
		any_open |= h->open_min < h->close_min;
	}
	if (cal->business && !any_open) {
		*reason = "business hours need at least one open weekday";
		return OMB_EINVAL;
	}
	for (size_t i = 0; i < cal->n_holidays; i++) {
		if (!valid_yyyymmdd(cal->holidays[i])) {
			*reason = "holidays must be valid YYYYMMDD dates";
			return OMB_EINVAL;
		}
	}
	return 0;
}

int64_t deadline_due(const struct deadline_calendar *cal, int64_t start_ms, int64_t duration_ms)
{
	if (!cal->business)
		return start_ms + duration_ms;
	int64_t offset = cal->utc_offset_min * MS_PER_MIN;
	int64_t local = start_ms + offset;
	int64_t day = floor_div(local, CLOCK_MS_PER_DAY);
	int64_t at = local - day * CLOCK_MS_PER_DAY; /* position within the first day */
	int64_t remaining = duration_ms;
	for (int i = 0; i < MAX_DAYS_SCANNED; i++, day++, at = 0) {
		int64_t open, close;
		if (!open_span(cal, day, &open, &close))
			continue;
		int64_t from = at > open ? at : open;
		if (from >= close)
			continue;
		if (remaining <= close - from)
			return day * CLOCK_MS_PER_DAY + from + remaining - offset;
		remaining -= close - from;
	}
	return DEADLINE_NEVER;
}

int64_t deadline_due_days(const struct deadline_calendar *cal, int64_t start_ms, int32_t days)
{
	if (!cal->business)
		return start_ms + days * CLOCK_MS_PER_DAY;
	int64_t offset = cal->utc_offset_min * MS_PER_MIN;
	int64_t day = floor_div(start_ms + offset, CLOCK_MS_PER_DAY);
	int32_t counted = 0;
	for (int i = 0; i < MAX_DAYS_SCANNED; i++) {
		int64_t open, close;
		day++;
		if (open_span(cal, day, &open, &close) && ++counted >= days)
			return day * CLOCK_MS_PER_DAY + close - offset;
	}
	return DEADLINE_NEVER;
}

int64_t deadline_for(const struct deadline_policy *p, enum deadline_kind kind,
                     enum ladder_level level, int64_t start_ms)
{
	int32_t hours;
	switch (kind) {
	case DEADLINE_FIRST_ANSWER:
		hours = p->first_answer_hours;
		break;
	case DEADLINE_RESPONSIBLE_CONTACT:
		hours = p->responsible_contact_hours;
		break;
	case DEADLINE_LEVEL_ANSWER:
		hours = p->level_answer_hours[ladder_required_level(level)];
		break;
	case DEADLINE_FINAL_ANSWER:
		return deadline_due_days(&p->cal, start_ms, p->final_answer_days);
	default:
		return DEADLINE_NEVER;
	}
	return deadline_due(&p->cal, start_ms, hours * CLOCK_MS_PER_HOUR);
}

int deadline_hours_parse(const char *s, struct deadline_hours *out)
{
	if (strcmp(s, "closed") == 0) {
		*out = (struct deadline_hours){0, 0};
		return 0;
	}
	static const char shape[] = "99:99-99:99";
	if (strlen(s) != sizeof shape - 1)
		return OMB_EINVAL;
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == '9' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return OMB_EINVAL;
	int oh, om, ch, cm;
	if (sscanf(s, "%2d:%2d-%2d:%2d", &oh, &om, &ch, &cm) != 4)
		return OMB_EINVAL;
	int open = oh * 60 + om, close = ch * 60 + cm;
	if (oh < 0 || oh > 23 || om < 0 || om > 59 || ch < 0 || cm < 0 || cm > 59 || close > 24 * 60 || close <= open)
		return OMB_EINVAL;
	*out = (struct deadline_hours){(int16_t)open, (int16_t)close};
	return 0;
}

void deadline_hours_format(const struct deadline_hours *h, char out[DEADLINE_HOURS_TEXT])
{
	if (h->open_min >= h->close_min)
		snprintf(out, DEADLINE_HOURS_TEXT, "closed");
	else
		snprintf(out, DEADLINE_HOURS_TEXT, "%02d:%02d-%02d:%02d", h->open_min / 60, h->open_min % 60,
			 h->close_min / 60, h->close_min % 60);
}

const char *deadline_kind_name(enum deadline_kind kind)
{
	switch (kind) {
	case DEADLINE_NONE:
		return "none";
	case DEADLINE_FIRST_ANSWER:
		return "first_answer";
	case DEADLINE_RESPONSIBLE_CONTACT:
		return "responsible_contact";
	case DEADLINE_LEVEL_ANSWER:
		return "level_answer";
	case DEADLINE_FINAL_ANSWER:
		return "final_answer";
	}
	return "unknown";
}
