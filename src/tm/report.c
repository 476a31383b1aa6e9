/* report.c — disclosures, do-not-call, consumer reports, cases; see report.h. */
#include "tm/report.h"

#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/text.h"

/* Sources that only claim legality without saying where the data came from,
 * compared after text_normalize with every non-letter, non-digit removed. The
 * KCC's 2016 guidance names "lawfully obtained" as not enough. */
static const char *const vague_sources[] = {
	"lawfullyobtained", "legallyobtained", "lawfullycollected", "legallycollected",
	"obtainedlawfully", "obtainedlegally", "fromalawfulsource", "fromalegalsource",
	"적법하게수집", "적법하게수집됨", "적법하게수집된정보", "적법하게수집한개인정보", "적법하게수집된개인정보",
	"적법하게취득", "적법하게취득한개인정보", "합법적으로수집", "합법적으로수집된정보", "합법적으로취득",
	"적법한경로", "적법한경로로수집", "적법한절차", "적법한절차로수집", "정당하게수집",
};

/* Letters and digits of the normalised text only. Caller frees; NULL when not UTF-8. */
static char *letters_only(const char *s, size_t len)
{
	size_t n = 0;
	char *norm = text_normalize(s, len, &n);
	if (!norm)
		return NULL;
	size_t out = 0;
	for (size_t i = 0; i < n;) {
		ucs4_t c;
		int clen = u8_mbtouc(&c, (const uint8_t *)norm + i, n - i);
		if (uc_is_alnum(c)) {
			memmove(norm + out, norm + i, (size_t)clen);
			out += (size_t)clen;
		}
		i += (size_t)clen;
	}
	norm[out] = '\0';
	return norm;
}

int tm_disclosure_check_source(const char *source, size_t len, const char **reason)
{
	if (!source || len == 0) {
		*reason = "source: say where the called person's data came from";
		return OMB_EINVAL;
	}
	if (len > TM_SOURCE_MAX || !text_is_clean_utf8(source, len)) {
		*reason = "source: UTF-8 text of at most 500 bytes";
		return OMB_EINVAL;
	}
	char *key = letters_only(source, len);
	bool vague = key[0] == '\0';
	for (size_t i = 0; !vague && i < sizeof vague_sources / sizeof vague_sources[0]; i++)
		vague = strcmp(key, vague_sources[i]) == 0;
	free(key);
	if (vague) {
		*reason = "source: \"lawfully obtained\" is not a source; name where the data came from";
		return OMB_EINVAL;
	}
	return OMB_OK;
}

void tm_match_config_default(struct tm_match_config *cfg)
{
	cfg->disclosure_window_ms = 10 * 60 * CLOCK_MS_PER_S;
	cfg->tz_offset_ms = 9 * CLOCK_MS_PER_HOUR;
}

const struct tm_disclosure *tm_disclosure_find(const struct tm_disclosure *log, size_t n, int64_t business_id,
                                               uint64_t caller_key, uint64_t callee_key, int64_t call_ms,
                                               const struct tm_match_config *cfg)
{
	const struct tm_disclosure *best = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct tm_disclosure *d = &log[i];
		if (d->business_id != business_id || d->caller_key != caller_key || d->callee_key != callee_key)
			continue;
		if (d->at_ms > call_ms || d->at_ms < call_ms - cfg->disclosure_window_ms)
			continue;
		if (!best || d->at_ms > best->at_ms)
			best = d;
	}
	return best;
}

static int64_t local_day(int64_t ms, const struct tm_match_config *cfg)
{
	int64_t t = ms + cfg->tz_offset_ms;
	return t / CLOCK_MS_PER_DAY - (t % CLOCK_MS_PER_DAY < 0);
}

unsigned tm_disclosure_count_day(const struct tm_disclosure *log, size_t n, uint64_t caller_key, int64_t at_ms,
                                 const struct tm_match_config *cfg)
{
	int64_t day = local_day(at_ms, cfg);
	unsigned count = 0;
	for (size_t i = 0; i < n; i++)
		count += log[i].caller_key == caller_key && local_day(log[i].at_ms, cfg) == day;
	return count;
}

const struct tm_dnc_entry *tm_dnc_find(const struct tm_dnc_entry *list, size_t n, uint64_t callee_key,
                                       int64_t business_id, int64_t at_ms)
{
	for (size_t i = 0; i < n; i++) {
		const struct tm_dnc_entry *e = &list[i];
		if (e->callee_key != callee_key || (e->business_id != 0 && e->business_id != business_id))
			continue;
		if (at_ms >= e->from_ms && (e->to_ms == 0 || at_ms < e->to_ms))
			return e;
	}
	return NULL;
}

static const char *const reason_names[TM_REPORT_REASON_COUNT] = {
	[TM_REPORT_NO_SOURCE] = "no_source_disclosed",
	[TM_REPORT_AFTER_REFUSAL] = "called_after_refusal",
	[TM_REPORT_ABUSIVE] = "abusive",
	[TM_REPORT_FRAUD] = "suspected_fraud",
};

const char *tm_report_reason_name(enum tm_report_reason r)
{
	return (unsigned)r < TM_REPORT_REASON_COUNT ? reason_names[r] : "unknown";
}

int tm_report_reason_parse(const char *name, enum tm_report_reason *out)
{
	for (int i = 0; i < TM_REPORT_REASON_COUNT; i++) {
		if (strcmp(name, reason_names[i]) == 0) {
			*out = (enum tm_report_reason)i;
			return OMB_OK;
		}
	}
	return OMB_EINVAL;
}

static int parse_party(const char *s, size_t len, char *canon, uint64_t *key, const char *withheld,
                       const char **why)
{
	struct phone p;
	int rc = phone_parse(s, len, PHONE_CC_KOREA, &p, why);
	if (rc != OMB_OK)
		return rc;
	if (phone_key(&p) == PHONE_KEY_WITHHELD) {
		*why = withheld;
		return OMB_EINVAL;
	}
	memcpy(canon, p.canon, PHONE_CANON_MAX);
	*key = phone_key(&p);
	return OMB_OK;
}

int tm_report_init(struct tm_report *r, const char *caller, size_t caller_len, const char *callee,
                   size_t callee_len, int64_t call_ms, int64_t filed_ms, enum tm_report_reason reason,
                   const char *text, const char **why)
{
	memset(r, 0, sizeof *r);
	int rc = parse_party(caller, caller_len, r->caller, &r->caller_key,
	                     "caller: a withheld number cannot be matched to anyone", why);
	if (rc == OMB_OK)
		rc = parse_party(callee, callee_len, r->callee, &r->callee_key, "callee: the called number is required", why);
	if (rc != OMB_OK)
		return rc;
	if (call_ms > filed_ms) {
		*why = "call_time: after the report was filed";
		return OMB_EINVAL;
	}
	if ((unsigned)reason >= TM_REPORT_REASON_COUNT) {
		*why = "reason: no_source_disclosed, called_after_refusal, abusive or suspected_fraud";
		return OMB_EINVAL;
	}
	if (text && (strlen(text) > TM_TEXT_MAX || !text_is_clean_utf8(text, strlen(text)))) {
		*why = "text: UTF-8 text of at most 4000 bytes";
		return OMB_EINVAL;
	}
	r->call_ms = call_ms;
	r->filed_ms = filed_ms;
	r->reason = reason;
	r->text = text;
	return OMB_OK;
}

const char *tm_violation_name(enum tm_violation v)
{
	switch (v) {
	case TM_V_NO_DISCLOSURE: return "no_disclosure";
	case TM_V_DO_NOT_CALL: return "do_not_call";
	case TM_V_OVER_DAILY_CAP: return "over_daily_cap";
	}
	return "unknown";
}

void tm_report_classify(const struct tm_report *r, const struct tm_registry *reg,
                        const struct tm_disclosure *log, size_t n_log,
                        const struct tm_dnc_entry *dnc, size_t n_dnc,
                        const struct tm_match_config *cfg, struct tm_classification *out)
{
	memset(out, 0, sizeof *out);
	out->number = tm_registry_lookup(reg, r->caller_key, r->call_ms, &out->business);
	if (!out->number) {
		out->business = NULL;
		out->dnc = tm_dnc_find(dnc, n_dnc, r->callee_key, 0, r->call_ms);
		out->to_screening = true;
		return;
	}
	int64_t biz = out->business->id;
	out->disclosure = tm_disclosure_find(log, n_log, biz, r->caller_key, r->callee_key, r->call_ms, cfg);
	out->dnc = tm_dnc_find(dnc, n_dnc, r->callee_key, biz, r->call_ms);
	out->solicitations_that_day = tm_disclosure_count_day(log, n_log, r->caller_key, r->call_ms, cfg);
	if (!out->disclosure)
		out->violations |= TM_V_NO_DISCLOSURE;
	if (out->dnc)
		out->violations |= TM_V_DO_NOT_CALL;
	if (out->number->daily_cap && out->solicitations_that_day > out->number->daily_cap)
		out->violations |= TM_V_OVER_DAILY_CAP;
}

/* ---- cases -------------------------------------------------------------- */

struct case_item {
	int64_t business_id;
	int64_t call_ms;
	size_t index;
};

static int cmp_items(const void *a, const void *b)
{
	const struct case_item *x = a, *y = b;
	if (x->business_id != y->business_id)
		return (x->business_id > y->business_id) - (x->business_id < y->business_id);
	if (x->call_ms != y->call_ms)
		return (x->call_ms > y->call_ms) - (x->call_ms < y->call_ms);
	return (x->index > y->index) - (x->index < y->index);
}

static void case_add(struct tm_case *c, const struct tm_report *r, const struct tm_classification *cls,
                     size_t index)
{
	if (c->n_reports == 0 || r->filed_ms < c->detected_ms)
		c->detected_ms = r->filed_ms;
	if (r->filed_ms > c->last_filed_ms)
		c->last_filed_ms = r->filed_ms;
	c->reports[c->n_reports++] = index;
	c->violations |= cls->violations;
	c->n_prima_facie += cls->violations != 0;
}

void tm_cases_group(const struct tm_report *reports, const struct tm_classification *cls, size_t n,
                    struct tm_case **cases, size_t *n_cases)
{
	struct case_item *items = xcalloc(n ? n : 1, sizeof *items);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (cls[i].business)
			items[m++] = (struct case_item){ cls[i].business->id, reports[i].call_ms, i };
	}
	qsort(items, m, sizeof *items, cmp_items);
	struct tm_case *out = xcalloc(m ? m : 1, sizeof *out);
	size_t k = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i;
		while (j < m && items[j].business_id == items[i].business_id)
			j++;
		struct tm_case *c = &out[k++];
		c->business_id = items[i].business_id;
		c->reports = xcalloc(j - i, sizeof *c->reports);
		for (size_t t = i; t < j; t++)
			case_add(c, &reports[items[t].index], &cls[items[t].index], items[t].index);
		i = j;
	}
	free(items);
	*cases = out;
	*n_cases = k;
}

void tm_cases_free(struct tm_case *cases, size_t n_cases)
{
	for (size_t i = 0; i < n_cases; i++)
		free(cases[i].reports);
	free(cases);
}

int tm_answer_check(int64_t answering, int64_t subject, const char *text, size_t len, const char **reason)
{
	if (answering != subject) {
		*reason = "a business answers only reports and sanctions about itself";
		return OMB_EPERM;
	}
	if (!text || len == 0 || len > TM_TEXT_MAX || !text_is_clean_utf8(text, len)) {
		*reason = "text: UTF-8 text of 1 to 4000 bytes";
		return OMB_EINVAL;
	}
	return OMB_OK;
}

