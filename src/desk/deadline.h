/* deadline.h — when a deadline falls due.
 *
 * Owns the deadline kinds, an organisation's deadline policy (durations per
 * kind and level) and the working calendar (calendar hours, or business hours
 * per weekday in a fixed UTC offset with a holiday list). It does not decide
 * which deadline runs on a case (case.c) and never reads the clock: every
 * function takes times as milliseconds since the Unix epoch (UTC).
 *
 * Pure and reentrant; any thread may call it. */
#ifndef OMBUD_DESK_DEADLINE_H
#define OMBUD_DESK_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desk/ladder.h"

#define DEADLINE_NEVER INT64_MAX /* due time when the calendar never opens */

enum deadline_kind {
	DEADLINE_NONE = 0,
	DEADLINE_FIRST_ANSWER,        /* the first answer after opening or re-opening */
	DEADLINE_RESPONSIBLE_CONTACT, /* contact by the responsible person after a demand */
	DEADLINE_LEVEL_ANSWER,        /* an answer from the level the case climbed to */
	DEADLINE_FINAL_ANSWER,        /* the final answer that may close the case */
};

/* Opening hours of one weekday in local minutes after midnight.
 * open_min >= close_min means closed all day. */
struct deadline_hours {
	int16_t open_min;
	int16_t close_min;
};

struct deadline_calendar {
	bool business;                /* false: calendar hours, the fields below are unused */
	int32_t utc_offset_min;       /* local time = UTC + offset; Asia/Seoul +540, no DST */
	struct deadline_hours week[7]; /* index 0 = Monday ... 6 = Sunday */
	const int32_t *holidays;      /* local dates as YYYYMMDD, any order; borrowed, caller owns */
	size_t n_holidays;
};

/* Durations per organisation. Hours count calendar hours, or open hours of a
 * business calendar; the final answer counts days, or business days. */
struct deadline_policy {
	int32_t first_answer_hours;        /* default 24 */
	int32_t responsible_contact_hours; /* default 24 */
	int32_t level_answer_hours[6];     /* per level, used for L2-L4; default 72 */
	int32_t final_answer_days;         /* default 14 */
	struct deadline_calendar cal;
};

/* Fills the defaults: 24 h / 24 h / 72 h per later level / 14 days, calendar
 * hours, UTC+9, Monday-Friday 09:00-18:00 ready for when `business` is set. */
void deadline_policy_default(struct deadline_policy *p);

/* Validates a policy: positive durations, offsets within +-14 h, opening hours
 * within a day, at least one open weekday when business hours are on, holidays
 * that are real dates. Returns 0 or OMB_EINVAL with *reason naming the field. */
int deadline_policy_check(const struct deadline_policy *p, const char **reason);

/* Due time of `duration_ms` counted from start_ms: plain addition in calendar
 * mode; in business mode only open hours of non-holiday days count, so a
 * deadline started outside opening hours begins at the next opening.
 * Returns DEADLINE_NEVER if the calendar has no open time in ten years. */
int64_t deadline_due(const struct deadline_calendar *cal, int64_t start_ms, int64_t duration_ms);

/* Due time `days` days after start_ms: calendar mode adds days * 24 h; business
 * mode returns the closing time of the days-th open day after start's day. */
int64_t deadline_due_days(const struct deadline_calendar *cal, int64_t start_ms, int32_t days);

/* Due time of a deadline of `kind` started at start_ms on a case at `level`,
 * under policy p. DEADLINE_NONE yields DEADLINE_NEVER. */
int64_t deadline_for(const struct deadline_policy *p, enum deadline_kind kind,
                     enum ladder_level level, int64_t start_ms);

/* One weekday's hours as text: "HH:MM-HH:MM" (24:00 allowed as a close) or
 * "closed". Parse returns 0 or OMB_EINVAL for anything else, or a close not
 * after the open; format writes at most DEADLINE_HOURS_TEXT bytes with the NUL. */
#define DEADLINE_HOURS_TEXT 24
int deadline_hours_parse(const char *s, struct deadline_hours *out);
void deadline_hours_format(const struct deadline_hours *h, char out[DEADLINE_HOURS_TEXT]);

/* Stable lower-case name ("first_answer", ...); never NULL. */
const char *deadline_kind_name(enum deadline_kind kind);

#endif
