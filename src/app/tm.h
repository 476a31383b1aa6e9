/* tm.h — telemarketing compliance over the store (architecture rule 9,
 * docs/tm.md): the registry of businesses and their numbers, the disclosure
 * log, the do-not-call list, consumer reports with receipt numbers, the
 * regulator's cases and decisions with escalating fines, the businesses'
 * answers, and the registry export for the screening engine.
 *
 * Every rule is tm/'s: this module loads the arrays those pure functions
 * take, calls them and stores what they decide, one write transaction per
 * action. A report is classified (tm_report_classify) when it is filed, with
 * the registry, disclosures and do-not-call entries as they stood; that
 * classification is the evidence the regulator later decides on. Disclosures
 * are stamped with ombud's clock, never the caller's, so none can be
 * back-dated; a number's validity starts when it is registered.
 *
 * Who: a telemarketer (or its dialer's API key) acts for the one business of
 * its own organisation; the regulator decides; consumers have no account and
 * follow a report by its receipt number and access code. The caller comes
 * from the principal only. Errors: codes from base/err.h, with struct
 * app_error naming the field. Any thread may call these. */
#ifndef OMBUD_APP_TM_H
#define OMBUD_APP_TM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/accounts.h"
#include "app/app.h"
#include "app/attachments.h"
#include "desk/receipt.h"
#include "tm/registry.h"
#include "tm/report.h"
#include "tm/sanction.h"

#define TM_APP_LINE_MAX 200    /* names, registration ids, contacts, trunks */

struct telemarketing_business {
	int64_t id;
	char org_code[ORG_CODE_MAX];
	char name[TM_APP_LINE_MAX + 1], registration_id[TM_APP_LINE_MAX + 1], contact[TM_APP_LINE_MAX + 1];
	int64_t active_from_ms, active_to_ms;
};

/* Registers the business of who's organisation (one per organisation:
 * OMB_EEXIST, field "org"). Active from now. */
int telemarketing_business_register(struct app *app, const struct principal *who, const char *name,
				    const char *registration_id, const char *contact, int64_t now,
				    struct telemarketing_business *out, struct app_error *err);
/* The business of organisation org_id; OMB_ENOTFOUND when none is registered. */
int telemarketing_business_get(struct app *app, int64_t org_id, struct telemarketing_business *out);

struct telemarketing_number {
	int64_t id;
	char number[PHONE_CANON_MAX];       /* E.164 */
	int64_t valid_from_ms, valid_to_ms; /* valid_to 0 = open */
	uint32_t daily_cap;                 /* 0 = none */
	char trunks[TM_APP_LINE_MAX + 1];
};
struct telemarketing_number_in {
	const char *number;
	int64_t valid_to_ms;                /* 0 = open */
	int64_t daily_cap;
	const char *trunks;                 /* may be NULL */
};
/* Registers a calling number from now on; OMB_ECONFLICT (field "number")
 * when another business holds it for an overlapping period. */
int telemarketing_number_add(struct app *app, const struct principal *who, const struct telemarketing_number_in *in,
			     int64_t now, struct telemarketing_number *out, struct app_error *err);
/* The business's numbers with id > after; *items is malloc'd, caller frees. */
int telemarketing_numbers(struct app *app, const struct principal *who, int64_t after, int limit,
			  struct telemarketing_number **items, size_t *n);

/* What logging a disclosure answers. */
struct telemarketing_disclosure {
	int64_t id;
	bool do_not_call;     /* the called number refused this business or every business: do not solicit */
};
/* Logs a disclosure before a solicitation from caller (a number registered to
 * the business now) to callee; stamped now. Returns only once the disclosure
 * is committed (one write unit: the checks, the do-not-call look-up and the
 * insert). It is logged even when do_not_call is set: the business said it,
 * and calling on would be the violation. */
int telemarketing_disclose(struct app *app, const struct principal *who, const char *caller, const char *callee,
			   const char *source, int64_t now, struct telemarketing_disclosure *out,
			   struct app_error *err);
/* A bulk upload: n disclosures in one write unit, all stamped now. A line
 * that breaks a rule is skipped with its reason in errs[i] (and out[i].id
 * 0); the others are stored and answered in out[i]. Returns 0 once the
 * stored ones are committed; a store failure stores none. */
struct telemarketing_disclosure_in {
	const char *caller, *callee, *source;
};
int telemarketing_disclose_many(struct app *app, const struct principal *who,
				const struct telemarketing_disclosure_in *in, size_t n, int64_t now,
				struct telemarketing_disclosure *out, struct app_error *errs);

/* Adds number to the do-not-call list from now: the national list when the
 * regulator adds it, the business's own list when its telemarketer does. */
int telemarketing_dnc_add(struct app *app, const struct principal *who, const char *number, int64_t now, int64_t *id,
			  struct app_error *err);

/* A report as its readers see it. */
struct telemarketing_report {
	int64_t id;
	char receipt[RECEIPT_LEN_MAX + 1];
	char caller[PHONE_CANON_MAX], callee[PHONE_CANON_MAX];
	int64_t call_ms, filed_ms;
	char reason[32];
	char *text;                          /* owned */
	int64_t business_id;                 /* 0: not registered at call time */
	char business[TM_APP_LINE_MAX + 1];
	unsigned violations;                 /* TM_V_* bits */
	bool to_screening, disclosure_found, dnc_hit;
	unsigned solicitations_that_day;
	char status[12];                     /* open, confirmed, dismissed, screening */
	unsigned sanction_order;             /* of the confirming decision, 0 otherwise */
	int64_t fine_krw;
	char *answer;                        /* owned; the business's latest answer, NULL when none */
	struct attachment_item *attachments; /* owned; the reporter's files, numbered from 1 */
	size_t n_attachments;
};
void telemarketing_reports_free(struct telemarketing_report *items, size_t n);
/* Frees the strings of one report filled by _file or _get. */
void telemarketing_report_clear(struct telemarketing_report *r);

struct telemarketing_report_in {
	const char *caller, *callee;
	int64_t call_ms;
	const char *reason;                  /* tm_report_reason_name */
	const char *text;                    /* may be NULL */
};
#define TM_REPORT_PREFIX "RPT"
/* Files a consumer's report: numbers it RPT-YYYY-NNNNNNN, makes its access
 * code (shown once, stored as a keyed hash) and classifies it. Free *out's
 * strings with telemarketing_report_clear. */
int telemarketing_report_file(struct app *app, const struct telemarketing_report_in *in, int64_t now,
			      struct telemarketing_report *out, char access_code[RECEIPT_CODE_LEN + 1],
			      struct app_error *err);
/* The report for its receipt and access code; a wrong code and an unknown
 * receipt are both OMB_ENOTFOUND. */
int telemarketing_report_get(struct app *app, const char *receipt, const char *access_code,
			     struct telemarketing_report *out);
/* Reports naming who's business, id > after. Free with telemarketing_reports_free. */
int telemarketing_reports_of_business(struct app *app, const struct principal *who, int64_t after, int limit,
				      struct telemarketing_report **items, size_t *n);

/* The undecided reports of business_id, as the regulator reads them before
 * deciding its case. Free with telemarketing_reports_free. */
int telemarketing_reports_of_case(struct app *app, int64_t business_id, struct telemarketing_report **items,
				  size_t *n);

/* The reporter attaches evidence (a screenshot, a recording, a PDF) that
 * passed attachments_check for ATTACH_TO_REPORT to their report, while it is
 * undecided: OMB_ENOTFOUND for a wrong receipt or access code, OMB_ECONFLICT
 * once the regulator decided it, OMB_ELIMIT past
 * attachments.report_quota_bytes. *out is the file as readers see it. */
int telemarketing_report_attach(struct app *app, const char *receipt, const char *access_code,
				const struct attachment *a, int64_t now, struct attachment_item *out,
				struct app_error *err);

/* Who reads a report's files: whoever reads the report. The reporter by
 * its access code; a telemarketer of the reported business; the regulator,
 * through the case of the business the report names. */
struct telemarketing_report_reader {
	const char *access_code;           /* the reporter; NULL for staff */
	const struct principal *who;       /* staff: a telemarketer or the regulator */
	int64_t business_id;               /* the regulator: the case's business */
};
/* File n of report receipt for rd; OMB_ENOTFOUND when rd may not read the
 * report or it has no such file (the same answer, so a stranger learns
 * nothing). Caller frees out->data. */
int telemarketing_report_attachment(struct app *app, const char *receipt, uint64_t n,
				    const struct telemarketing_report_reader *rd, struct attachment_file *out);

/* The business answers a report (receipt) or a sanction (sanction_id, when
 * receipt is NULL) about itself (tm_answer_check: OMB_EPERM otherwise). */
int telemarketing_answer(struct app *app, const struct principal *who, const char *receipt, int64_t sanction_id,
			 const char *text, int64_t now, int64_t *id, struct app_error *err);

/* A regulator case: a business's undecided reports (tm_cases_group) and the
 * fine a confirmation would carry now (tm_fine_for). */
struct telemarketing_case {
	int64_t business_id;
	char business[TM_APP_LINE_MAX + 1];
	char org_code[ORG_CODE_MAX];
	size_t n_reports, n_prima_facie;
	unsigned violations;
	int64_t detected_ms, last_filed_ms;
	struct tm_fine fine_if_confirmed;    /* .previous is not kept */
};
/* *items is malloc'd; caller frees. */
int telemarketing_cases(struct app *app, struct telemarketing_case **items, size_t *n);

struct telemarketing_decision {
	int64_t id;
	int64_t business_id;
	bool confirmed;
	size_t n_reports;
	int64_t detected_ms, decided_ms;
	int64_t sanction_id;                 /* 0 when dismissed */
	unsigned order;
	int64_t fine_krw;
	char regulator_code[STAFF_CODE_MAX];
};
/* The regulator decides the case of business_id ("confirm" or "dismiss",
 * with a reason): one decision covering every undecided report; a
 * confirmation is one sanction (tm_case_decide). OMB_ENOTFOUND when the
 * business has no undecided report. */
int telemarketing_decide(struct app *app, const struct principal *who, int64_t business_id, const char *outcome,
			 const char *reason, int64_t now, struct telemarketing_decision *out,
			 struct app_error *err);

struct telemarketing_sanction {
	int64_t id, business_id;
	char business[TM_APP_LINE_MAX + 1];
	unsigned order;
	int64_t fine_krw;
	char reason[TM_TEXT_MAX + 1];
	char regulator_code[STAFF_CODE_MAX];
	int64_t detected_ms, decided_ms;
	size_t n_reports, n_answers;
};
/* Sanctions of business_id (0 = every business), id > after. *items is malloc'd. */
int telemarketing_sanctions(struct app *app, int64_t business_id, int64_t after, int limit,
			    struct telemarketing_sanction **items, size_t *n);

/* The registry in the screening engine's format (tm_registry_export_csv).
 * *csv is malloc'd; caller frees. */
int telemarketing_registry_csv(struct app *app, char **csv, size_t *len);

#endif
