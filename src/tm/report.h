/* report.h — disclosures, the do-not-call list, consumer reports, and the
 * grouping of reports into regulator cases.
 *
 * Owns: checking a disclosure (the data source told to the called person
 * before a solicitation) and a consumer report; matching a report against the
 * registry, the disclosure log and the do-not-call list to name the business
 * and the prima facie violations; grouping reports by business into regulator
 * cases; which business may see and answer what; and which reports, about
 * numbers no business registered, go to the screening engine (to_screening).
 *
 * Does not: store, hand out receipt numbers (the app makes them), or decide:
 * a prima facie violation is evidence for the regulator, who decides
 * (tm/sanction.h). All arrays belong to the caller; no global state; every
 * function may be called from any thread on data it does not share. */
#ifndef OMBUD_TM_REPORT_H
#define OMBUD_TM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/phone.h"
#include "tm/registry.h"

#define TM_SOURCE_MAX 500   /* bytes of a disclosed data source */
#define TM_TEXT_MAX   4000  /* bytes of a report's or an answer's free text */

/* One entry of a business's disclosure log: before soliciting callee from
 * caller it told the callee where their personal data came from. */
struct tm_disclosure {
	int64_t id;
	int64_t business_id;
	uint64_t caller_key;     /* phone_key of the calling number */
	uint64_t callee_key;     /* phone_key of the called number */
	int64_t at_ms;
	const char *source;      /* borrowed */
};

/* Checks a disclosed source: present, clean UTF-8, at most TM_SOURCE_MAX
 * bytes, and specific: a bare "lawfully obtained" (or its Korean forms) does
 * not say where the data came from (KCC guidance, 2016). 0 or OMB_EINVAL. */
int tm_disclosure_check_source(const char *source, size_t len, const char **reason);

/* Matching knobs; tm_match_config_default fills the defaults. */
struct tm_match_config {
	int64_t disclosure_window_ms;  /* a disclosure counts if logged at most this long before the call (10 min) */
	int64_t tz_offset_ms;          /* days for daily caps are local days: KST, +9 h */
};
void tm_match_config_default(struct tm_match_config *cfg);

/* The latest disclosure by business_id for caller -> callee logged in
 * [call_ms - window, call_ms], or NULL. */
const struct tm_disclosure *tm_disclosure_find(const struct tm_disclosure *log, size_t n, int64_t business_id,
                                               uint64_t caller_key, uint64_t callee_key, int64_t call_ms,
                                               const struct tm_match_config *cfg);

/* Solicitations (disclosures) logged from caller_key on the local day of at_ms. */
unsigned tm_disclosure_count_day(const struct tm_disclosure *log, size_t n, uint64_t caller_key, int64_t at_ms,
                                 const struct tm_match_config *cfg);

/* A number that must not be solicited, by every business (business_id 0,
 * the national list) or by one business (the called person refused it). */
struct tm_dnc_entry {
	uint64_t callee_key;
	int64_t business_id;     /* 0 = every business */
	int64_t from_ms;
	int64_t to_ms;           /* exclusive; 0 = open-ended */
};

/* The entry forbidding business_id to call callee_key at at_ms, or NULL. */
const struct tm_dnc_entry *tm_dnc_find(const struct tm_dnc_entry *list, size_t n, uint64_t callee_key,
                                       int64_t business_id, int64_t at_ms);

enum tm_report_reason {
	TM_REPORT_NO_SOURCE = 0,     /* "no_source_disclosed" */
	TM_REPORT_AFTER_REFUSAL,     /* "called_after_refusal" */
	TM_REPORT_ABUSIVE,           /* "abusive" */
	TM_REPORT_FRAUD,             /* "suspected_fraud" */
	TM_REPORT_REASON_COUNT
};
const char *tm_report_reason_name(enum tm_report_reason r); /* never NULL */
int tm_report_reason_parse(const char *name, enum tm_report_reason *out); /* 0 or OMB_EINVAL */

/* A consumer's report. Anyone may file one, without an account. */
struct tm_report {
	int64_t id;
	const char *receipt;               /* given by the app; borrowed */
	char caller[PHONE_CANON_MAX];      /* E.164 */
	uint64_t caller_key;
	char callee[PHONE_CANON_MAX];
	uint64_t callee_key;
	int64_t call_ms;                   /* when the call happened, as reported */
	int64_t filed_ms;
	enum tm_report_reason reason;
	const char *reporter;              /* opaque hash of who reported, may be NULL; borrowed */
	const char *text;                  /* what happened, may be NULL; borrowed */
};

/* Fills *r from what the consumer typed. OMB_EINVAL with *why for an
 * unparsable or withheld calling or called number, a call after filed_ms, a
 * reason out of range, or text that is not clean UTF-8 or longer than
 * TM_TEXT_MAX. receipt, reporter and text are borrowed. */
int tm_report_init(struct tm_report *r, const char *caller, size_t caller_len, const char *callee,
                   size_t callee_len, int64_t call_ms, int64_t filed_ms, enum tm_report_reason reason,
                   const char *text, const char **why);

enum tm_violation {
	TM_V_NO_DISCLOSURE  = 1u << 0,  /* no disclosure logged before the solicitation */
	TM_V_DO_NOT_CALL    = 1u << 1,  /* the called number was on the do-not-call list */
	TM_V_OVER_DAILY_CAP = 1u << 2,  /* more solicitations that day than the number's cap */
};
#define TM_VIOLATION_BITS 3
const char *tm_violation_name(enum tm_violation v); /* "no_disclosure", ...; never NULL */

struct tm_classification {
	const struct tm_business *business;     /* NULL: number not registered at call time */
	const struct tm_number *number;
	const struct tm_disclosure *disclosure; /* the disclosure found, or NULL */
	const struct tm_dnc_entry *dnc;         /* the do-not-call entry hit, or NULL */
	unsigned solicitations_that_day;        /* disclosures logged from the number that local day */
	unsigned violations;                    /* TM_V_* bits; 0 when business is NULL */
	bool to_screening;                      /* unregistered: feeds the engine as a consumer report */
};

/* Matches one report. A registered number (tm_registry_lookup at call_ms)
 * names the business; then a missing disclosure, a do-not-call hit and a
 * daily cap exceeded are prima facie violations, whatever reason the consumer
 * gave. A number not registered at call time has no business to sanction: it
 * goes to the screening engine instead (the do-not-call hit is still noted). */
void tm_report_classify(const struct tm_report *r, const struct tm_registry *reg,
                        const struct tm_disclosure *log, size_t n_log,
                        const struct tm_dnc_entry *dnc, size_t n_dnc,
                        const struct tm_match_config *cfg, struct tm_classification *out);

/* A regulator case: the undecided reports about one business with the
 * evidence of each (cls[] parallel to the reports array). */
struct tm_case {
	int64_t business_id;
	size_t *reports;          /* indexes into the reports array, by call time */
	size_t n_reports;
	size_t n_prima_facie;     /* reports with at least one violation */
	unsigned violations;      /* union of their TM_V_* bits */
	int64_t detected_ms;      /* the earliest filing: when the violation came to light */
	int64_t last_filed_ms;
};

/* Groups the reports that name a business into one case per business, in
 * business id order. The caller passes only undecided reports. Sets *cases
 * (caller frees with tm_cases_free) and *n_cases. */
void tm_cases_group(const struct tm_report *reports, const struct tm_classification *cls, size_t n,
                    struct tm_case **cases, size_t *n_cases);
void tm_cases_free(struct tm_case *cases, size_t n_cases);

/* A business sees and answers only what is about itself: its reports and
 * sanctions. Checks an answer by business `answering` to a record about
 * business `subject`: OMB_EPERM when they differ, OMB_EINVAL when text is
 * empty, not clean UTF-8 or longer than TM_TEXT_MAX. */
int tm_answer_check(int64_t answering, int64_t subject, const char *text, size_t len, const char **reason);

#endif
