/* protect.h — agent protection over the store (architecture rule 8,
 * docs/protection.md): incidents flagged on a case's contact and reviewed by
 * a manager, warnings to the customer, ending the contact with a hand-over
 * of the case, breaks, counselling requests, criminal-complaint dossiers and
 * the published figures.
 *
 * Every rule is desk/protect.h's; this module loads the records those pure
 * functions need, calls them, and stores what they decide, one write
 * transaction per action. The case itself is never touched except through
 * app/cases.h (the hand-over), so its deadlines keep running.
 *
 * Organisations: an incident belongs to the agent's employer (a vendor's
 * agent's incident is the vendor's), which reviews it, gives breaks and keeps
 * the dossiers; the case belongs to the company. "The agent's manager" is any
 * manager (company) or supervisor (vendor) of the employer: the org chart has
 * no finer line. Who the caller is comes from the principal only.
 *
 * Errors: codes from base/err.h; struct app_error names the field and
 * why (static strings). Any thread may call these. */
#ifndef OMBUD_APP_PROTECT_H
#define OMBUD_APP_PROTECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/accounts.h"
#include "app/app.h"
#include "app/document.h"
#include "desk/protect.h"
#include "desk/receipt.h"

/* An incident as its readers see it. */
struct protection_incident {
	int64_t id;
	int64_t contact_id;
	char receipt[RECEIPT_LEN_MAX + 1];
	char agent_code[STAFF_CODE_MAX];
	char reviewer_code[STAFF_CODE_MAX];   /* "" while pending */
	enum protect_kind kind;
	enum protect_status status;
	int64_t at_ms, reviewed_ms;
	char *text;                           /* owned */
	char *recording_ref;                  /* owned; "" when none */
};
void protection_incidents_free(struct protection_incident *items, size_t n);
/* Frees the strings of one incident that a call filled (not the struct). */
void protection_incident_clear(struct protection_incident *v);

struct protection_flag_in {
	const char *kind;             /* protect_kind_name */
	const char *text;             /* what was said or done, verbatim */
	int64_t at_ms;                /* when; 0 = now */
	const char *recording_ref;    /* optional */
};

/* The agent `who` flags an incident on the case `receipt` of organisation
 * org_code (the case's): on the agent's open contact with that customer, or a
 * new one. Refused (OMB_EINVAL, field "kind" or "text") when it is only a
 * demand for the responsible person or a dispute. *out is filled; the
 * caller frees its strings with protection_incident_clear (so for
 * protection_review's *out). */
int protection_flag(struct app *app, const struct principal *who, const char *org_code, const char *receipt,
		    const struct protection_flag_in *in, int64_t now, struct protection_incident *out,
		    struct app_error *err);

/* A manager or supervisor of the agent's employer confirms or rejects a
 * pending incident. OMB_ENOTFOUND for another organisation's incident. */
int protection_review(struct app *app, const struct principal *who, int64_t incident_id, bool confirm, int64_t now,
		      struct protection_incident *out, struct app_error *err);

/* The employer's incidents with id > after (status < 0: any); agents see only
 * their own. *items is malloc'd; free with protection_incidents_free. */
int protection_incidents(struct app *app, const struct principal *who, int status, int64_t after, int limit,
			 struct protection_incident **items, size_t *n);

/* Where the agent's open contact stands after a warning or on ending. */
struct protection_contact_state {
	int64_t contact_id;
	int64_t incident_id;          /* the incident the warning was tied to */
	unsigned warnings_given, warnings_required;
	bool may_end;
};

/* Sends the customer of the case the warning text of the case's organisation
 * (Korean and English, through the outbox to the case's contact), tied to
 * the latest counting incident on the agent's open contact. OMB_ECONFLICT
 * when the contact has no counting incident. */
int protection_warn(struct app *app, const struct principal *who, const char *org_code, const char *receipt,
		    int64_t now, struct protection_contact_state *out, struct app_error *err);

/* The result of ending a contact. */
struct protection_contact_end {
	int64_t contact_id;
	char handover_code[STAFF_CODE_MAX];   /* who has the case now; "": the queue of handover_level */
	int handover_level;
	int64_t ended_ms;
};

/* The agent ends the open contact when protect_end_contact allows it, and the
 * case goes to another available handler at the same or a higher level
 * (fewest open cases first) through cases_handover, in the same transaction;
 * with nobody else available, to the queue of its level. Its deadlines run
 * on. The warnings required are the agent's employer's setting. OMB_ECONFLICT
 * with the reason when warnings are still due (the contact stays open). */
int protection_end_contact(struct app *app, const struct principal *who, const char *org_code,
			   const char *receipt, int64_t now, struct protection_contact_end *out,
			   struct app_error *err);

/* A manager or supervisor gives an agent of their organisation a break. */
int protection_break(struct app *app, const struct principal *who, const char *agent_code, int64_t minutes,
		     int64_t incident_id, int64_t now, int64_t *id, struct app_error *err);

/* Counselling requests: the agent asks; the agent and their manager read. */
struct protection_counselling {
	int64_t id;
	char agent_code[STAFF_CODE_MAX];
	char text[1001];
	int64_t at_ms;
};
#define PROTECTION_COUNSELLING_TEXT_MAX 1000
int protection_counselling_add(struct app *app, const struct principal *who, const char *text, int64_t now,
			       int64_t *id, struct app_error *err);
/* *items is malloc'd; caller frees. */
int protection_counselling_list(struct app *app, const struct principal *who, int64_t after, int limit,
				struct protection_counselling **items, size_t *n);

/* The agent asks for a criminal-complaint dossier of their own, non-rejected
 * incidents on the case `receipt`; *id names it. */
int protection_dossier_create(struct app *app, const struct principal *who, const char *receipt, int64_t now,
			      int64_t *id, struct app_error *err);
/* The organisation's dossiers the caller may fetch (their own; a manager or
 * supervisor: all), id > after. *items is malloc'd; caller frees. */
struct protection_dossier_item {
	int64_t id;
	char agent_code[STAFF_CODE_MAX];
	char receipt[RECEIPT_LEN_MAX + 1];
	int64_t created_ms;
};
int protection_dossiers(struct app *app, const struct principal *who, int64_t after, int limit,
			struct protection_dossier_item **items, size_t *n);
/* The dossier as a document, for the agent who asked or their manager
 * (protect_dossier_may_fetch); OMB_EPERM for anyone else of the
 * organisation, OMB_ENOTFOUND outside it. Caller frees with doc_free. */
int protection_dossier_get(struct app *app, const struct principal *who, int64_t id, struct doc **out,
			   struct app_error *err);

/* ---- per-organisation settings and the senior routing ---- */

#define PROTECTION_SENIORS_MAX 100

/* An organisation's protection settings: its row, or the defaults
 * (protect_config_default) when it has none. cfg's strings point into the
 * arrays below (NULL where the default applies). */
struct protection_settings {
	struct protect_config cfg;
	char warning_ko[PROTECT_WARNING_MAX + 1];
	char warning_en[PROTECT_WARNING_MAX + 1];
	char support_contact[PROTECT_SUPPORT_MAX + 1];
	char seniors[PROTECTION_SENIORS_MAX][STAFF_CODE_MAX]; /* staff codes of the senior handlers */
	size_t n_seniors;
};
/* Runs inside or outside a transaction. */
int protection_settings_get(struct app *app, int64_t org_id, struct protection_settings *out);

/* The admin of `who`'s organisation replaces its settings (checked by
 * protect_config_check; strings borrowed, NULL for the defaults) and its
 * senior handlers: staff codes of active handlers (agent to complaints
 * officer) of the organisation. OMB_EINVAL with the field otherwise. */
int protection_settings_put(struct app *app, const struct principal *who, const struct protect_config *cfg,
			    const char *const *seniors, size_t n_seniors, int64_t now, struct app_error *err);

/* Inside cases_open's write unit: stores the customer key of the new case
 * (protect_customer_key of its contact) and, when that customer has the
 * organisation's number of confirmed incidents in its period, routes their
 * open cases (this one included) to a senior handler (cases_route). A
 * confirmation (protection_review) routes them the same way. Routing never
 * refuses a case: only a failing store fails the open. */
int protection_key_opened(struct app *app, int64_t case_id, int64_t org_id, const char *contact, int64_t now);

/* At start-up: keys the cases that have none yet (opened before the keys
 * existed). *filled counts them. */
int protection_backfill(struct app *app, size_t *filled);

/* The organisation's published protection figures for [from, to). */
int protection_figures(struct app *app, const char *org_code, int64_t from, int64_t to, struct protect_figures *out);

#endif
