/* registry.c — telemarketing businesses and numbers; see registry.h. */
#include "tm/registry.h"

#include <inttypes.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/text.h"
#include "tm/csv_int.h"

static int check_text_field(const char *s, const char *missing, const char *bad, const char **reason)
{
	size_t len = s ? strlen(s) : 0;
	if (len == 0) {
		*reason = missing;
		return OMB_EINVAL;
	}
	if (len > TM_NAME_MAX || !text_is_clean_utf8(s, len) || strpbrk(s, "\r\n")) {
		*reason = bad;
		return OMB_EINVAL;
	}
	return OMB_OK;
}

int tm_business_check(const struct tm_business *b, const char **reason)
{
	int rc = check_text_field(b->name, "name: required", "name: one line of at most 200 bytes", reason);
	if (rc == OMB_OK)
		rc = check_text_field(b->registration_id, "registration_id: required",
		                      "registration_id: one line of at most 200 bytes", reason);
	if (rc == OMB_OK)
		rc = check_text_field(b->contact, "contact: required", "contact: one line of at most 200 bytes", reason);
	if (rc == OMB_OK && b->active_to_ms != 0 && b->active_to_ms <= b->active_from_ms) {
		*reason = "active_to: must be after active_from";
		rc = OMB_EINVAL;
	}
	return rc;
}

int tm_number_init(struct tm_number *n, const char *number, size_t len, int64_t business_id,
                   int64_t valid_from_ms, int64_t valid_to_ms, uint32_t daily_cap,
                   const char *trunks, const char **reason)
{
	memset(n, 0, sizeof *n);
	int rc = phone_parse(number, len, PHONE_CC_KOREA, &n->phone, reason);
	if (rc != OMB_OK)
		return rc;
	if (n->phone.kind == PHONE_WITHHELD || n->phone.kind == PHONE_SHORT || phone_is_emergency(&n->phone)) {
		*reason = "number: a withheld number or short code cannot be registered";
		return OMB_EINVAL;
	}
	if (valid_to_ms != 0 && valid_to_ms <= valid_from_ms) {
		*reason = "valid_to: must be after valid_from";
		return OMB_EINVAL;
	}
	if (trunks && (strpbrk(trunks, "\r\n") || !text_is_clean_utf8(trunks, strlen(trunks)))) {
		*reason = "trunk: one line of ';'-separated trunk names";
		return OMB_EINVAL;
	}
	n->key = phone_key(&n->phone);
	n->business_id = business_id;
	n->valid_from_ms = valid_from_ms;
	n->valid_to_ms = valid_to_ms;
	n->daily_cap = daily_cap;
	n->trunks = trunks;
	return OMB_OK;
}

/* Half-open periods [from, to) with to == 0 meaning open-ended. */
static bool periods_overlap(int64_t a_from, int64_t a_to, int64_t b_from, int64_t b_to)
{
	bool a_before_b_ends = b_to == 0 || a_from < b_to;
	bool b_before_a_ends = a_to == 0 || b_from < a_to;
	return a_before_b_ends && b_before_a_ends;
}

static bool in_period(int64_t t, int64_t from, int64_t to)
{
	return t >= from && (to == 0 || t < to);
}

const struct tm_business *tm_registry_business(const struct tm_registry *r, int64_t business_id)
{
	for (size_t i = 0; i < r->n_businesses; i++)
		if (r->businesses[i].id == business_id)
			return &r->businesses[i];
	return NULL;
}

bool tm_business_active(const struct tm_business *b, int64_t at_ms)
{
	return in_period(at_ms, b->active_from_ms, b->active_to_ms);
}

int tm_registry_check_number(const struct tm_registry *r, const struct tm_number *n, const char **reason)
{
	if (!tm_registry_business(r, n->business_id)) {
		*reason = "business: no such business";
		return OMB_ENOTFOUND;
	}
	for (size_t i = 0; i < r->n_numbers; i++) {
		const struct tm_number *o = &r->numbers[i];
		if (o->key == n->key && o->id != n->id &&
		    periods_overlap(o->valid_from_ms, o->valid_to_ms, n->valid_from_ms, n->valid_to_ms)) {
			*reason = "number: already registered for an overlapping period";
			return OMB_ECONFLICT;
		}
	}
	return OMB_OK;
}

const struct tm_number *tm_registry_lookup(const struct tm_registry *r, uint64_t key, int64_t at_ms,
                                           const struct tm_business **business)
{
	if (key == PHONE_KEY_WITHHELD)
		return NULL;
	for (size_t i = 0; i < r->n_numbers; i++) {
		const struct tm_number *n = &r->numbers[i];
		if (n->key != key || !in_period(at_ms, n->valid_from_ms, n->valid_to_ms))
			continue;
		const struct tm_business *b = tm_registry_business(r, n->business_id);
		if (!b || !tm_business_active(b, at_ms))
			continue;
		if (business)
			*business = b;
		return n;
	}
	return NULL;
}

/* ---- CSV export --------------------------------------------------------- */

static int64_t floor_day(int64_t ms)
{
	int64_t d = ms / CLOCK_MS_PER_DAY;
	if (ms % CLOCK_MS_PER_DAY < 0)
		d--;
	return d * CLOCK_MS_PER_DAY;
}

static int64_t ceil_day(int64_t ms)
{
	int64_t f = floor_day(ms);
	return f == ms ? f : f + CLOCK_MS_PER_DAY;
}

/* "YYYY-MM-DD" of a midnight-aligned UTC time. */
static void format_date(int64_t ms, char *buf, size_t size)
{
	char iso[32];
	clock_format_iso(ms, iso, sizeof iso);
	snprintf(buf, size, "%.10s", iso);
}

static void export_number(FILE *out, const struct tm_number *n, const struct tm_business *b)
{
	int64_t from = n->valid_from_ms > b->active_from_ms ? n->valid_from_ms : b->active_from_ms;
	int64_t to = n->valid_to_ms;
	if (b->active_to_ms != 0 && (to == 0 || b->active_to_ms < to))
		to = b->active_to_ms;
	from = ceil_day(from);
	if (to != 0) {
		to = floor_day(to);
		if (to <= from)
			return;
	}
	char cap[16] = "", from_s[16], to_s[16] = "";
	if (n->daily_cap)
		snprintf(cap, sizeof cap, "%" PRIu32, n->daily_cap);
	format_date(from, from_s, sizeof from_s);
	if (to != 0)
		format_date(to - CLOCK_MS_PER_DAY, to_s, sizeof to_s); /* the last whole day, as the loader reads it */
	tm_csv_field(out, n->phone.canon, false);
	tm_csv_field(out, b->name, false);
	tm_csv_field(out, "telemarketer", false);
	tm_csv_field(out, n->trunks, false);
	tm_csv_field(out, cap, false);
	tm_csv_field(out, from_s, false);
	tm_csv_field(out, to_s, true);
}

int tm_registry_export_csv(const struct tm_registry *r, FILE *out)
{
	fputs("number,holder,kind,trunk,daily_cap,valid_from,valid_to\r\n", out);
	for (size_t i = 0; i < r->n_numbers; i++) {
		const struct tm_business *b = tm_registry_business(r, r->numbers[i].business_id);
		if (b)
			export_number(out, &r->numbers[i], b);
	}
	return fflush(out) == 0 && !ferror(out) ? OMB_OK : OMB_EIO;
}
