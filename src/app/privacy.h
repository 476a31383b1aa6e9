/* privacy.h — the Personal Information Protection Act over the store
 * (docs/privacy.md): the log of staff reads of a customer's personal data,
 * retention periods and the sweep that erases when they end, erasure on
 * request, the lists an export is made of, and consents for optional uses.
 *
 * The rules (purposes, periods, when a case may be erased) are
 * desk/privacy.h's; this module stores what they decide. Erasure overwrites
 * the personal data kept beside a case's chain (name, contact, subject, the
 * first text, message texts, attachment rows and, when no other case uses
 * them, their bytes), the salts of their commitments, the protection
 * module's keyed hash of the contact, a pending one-time code and the
 * recipient and body of the case's messages; the chain's events and
 * commitments are left as they were signed, so `verify` still passes. The
 * erasure itself is recorded beside the chain (case_erasures) and shown to
 * the customer with the case.
 *
 * Who may act is checked by the caller (api/): the customer by receipt
 * number and access code, staff by the routing table and cases_view.
 * Errors are codes from base/err.h; struct app_error names the field
 * and why (static strings). Any thread may call these. */
#ifndef OMBUD_APP_PRIVACY_H
#define OMBUD_APP_PRIVACY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/accounts.h"
#include "app/app.h"
#include "desk/privacy.h"
#include "desk/receipt.h"

#define PRIVACY_NOTE_MAX      200   /* bytes: how an admin verified an erasure request */
#define PRIVACY_EXPORT_CASES  200   /* cases in one export by contact */
#define PRIVACY_SWEEP_EVERY_MS 60000 /* the retention sweep runs at most this often */

/* ---- the read log ---- */

/* Records, in a write transaction of its own that is committed before it
 * returns, that `who` read the personal data of case `receipt` (what, why)
 * at now. Call it after the reader was found allowed and before any of the
 * data leaves: a read that cannot be logged is not answered. */
int privacy_log_read(struct app *app, const struct principal *who, const char *receipt, enum privacy_read what,
		     enum privacy_purpose why, int64_t now);

/* The same for a dossier (its id in the store), logged against its case. */
int privacy_log_dossier_read(struct app *app, const struct principal *who, int64_t dossier_id,
			     enum privacy_purpose why, int64_t now);

struct privacy_read_item {
	int64_t id, at_ms;
	char receipt[RECEIPT_LEN_MAX + 1];
	char staff_code[STAFF_CODE_MAX];
	char role[24];
	char staff_org[ORG_CODE_MAX];
	char what[16];
	char purpose[24];
};
/* The reads of one case (id > after, at most limit), oldest first. *items is
 * malloc'd; caller frees. OMB_ENOTFOUND for an unknown receipt. */
int privacy_reads_of_case(struct app *app, const char *receipt, int64_t after, int limit,
			  struct privacy_read_item **items, size_t *n);
/* The reads of an organisation's cases, or of one of them when receipt is
 * not NULL (OMB_ENOTFOUND when it is not the organisation's). */
int privacy_reads_of_org(struct app *app, int64_t org_id, const char *receipt, int64_t after, int limit,
			 struct privacy_read_item **items, size_t *n);

/* ---- retention ---- */

struct privacy_retention_item {
	char category[32];             /* "" for the organisation's default */
	int64_t days;
	int64_t updated_ms;
	char updated_by[STAFF_CODE_MAX];
};
/* The organisation's periods; *server_days is privacy.retention_days, which
 * applies where none is set. *items is malloc'd; caller frees. */
int privacy_retention_get(struct app *app, int64_t org_id, struct privacy_retention_item **items, size_t *n,
			  int64_t *server_days);

/* The admin `who` replaces the organisation's periods: default_days (0 =
 * none: the server's applies) and one period per category code. OMB_EINVAL
 * naming the field ("default_days", "categories.CODE") otherwise. */
int privacy_retention_put(struct app *app, const struct principal *who, int64_t default_days,
			  const char *const *categories, const int64_t *days, size_t n, int64_t now,
			  struct app_error *err);

/* Sets the case's stored erasure due time (the retention sweep's index;
 * 0 when open or erased) from its state and the periods in force; inside
 * the caller's transaction, after every save of the case. */
int privacy_erase_due_set(struct app *app, int64_t case_id);

/* At start: when privacy.retention_days is not the one the stored due times
 * were set with, sets them again for every finished case, in one write
 * transaction; *refreshed says whether it did. */
int privacy_erase_due_refresh(struct app *app, bool *refreshed);

/* Erases every case whose retention period ended by now, each in a write
 * transaction of its own. On PostgreSQL a case another node holds is passed
 * over (SKIP LOCKED) and left to that node or the next sweep, so each case
 * is erased once. Runs at most every PRIVACY_SWEEP_EVERY_MS of now. Returns
 * how many cases it erased, or a negative code. */
int privacy_sweep(struct app *app, int64_t now);

/* ---- erasure ---- */

struct privacy_erasure {
	bool erased;
	int64_t at_ms;
	char cause[16];                  /* privacy_erasure_cause_name */
	char staff_code[STAFF_CODE_MAX]; /* the admin's, for cause "admin" */
	char note[PRIVACY_NOTE_MAX + 1];
};

/* Erases the personal data of case `receipt` now: asked by the customer
 * (admin NULL; the caller proved the access code) or by the admin of the
 * case's organisation on a request it verified (note: how, 1-200 bytes).
 * OMB_ECONFLICT while the case is open (privacy_erase_allowed). Erasing an
 * erased case changes nothing and answers its record. */
int privacy_erase(struct app *app, const char *receipt, const struct principal *admin, const char *note,
		  int64_t now, struct privacy_erasure *out, struct app_error *err);

/* The erasure record of a case (its store id); out->erased false when none.
 * Inside or outside the caller's transaction. */
int privacy_erasure_of(struct app *app, int64_t case_id, struct privacy_erasure *out);

/* ---- export ---- */

/* The receipts of org_id's cases whose contact is `contact` (matched on the
 * protection module's keyed hash, so 010-1234-5678 and 01012345678 are one
 * customer), at most PRIVACY_EXPORT_CASES. *receipts is malloc'd; caller
 * frees. OMB_EINVAL (field "contact") for a contact that names nobody. */
int privacy_receipts_of_contact(struct app *app, int64_t org_id, const char *contact,
				char (**receipts)[RECEIPT_LEN_MAX + 1], size_t *n, struct app_error *err);

/* ---- consents ---- */

struct privacy_consent_item {
	int64_t id;
	char receipt[RECEIPT_LEN_MAX + 1];
	char purpose[16];
	bool granted;
	char wording[PRIVACY_WORDING_MAX + 1];
	int64_t at_ms;
};

/* The customer of case `receipt` grants or withdraws consent to purpose
 * ("survey", "marketing") as worded in version `wording`. Withdrawing is the
 * same call as granting. OMB_ECONFLICT once the case is erased. */
int privacy_consent_set(struct app *app, const char *receipt, const char *purpose, bool granted,
			const char *wording, int64_t now, struct app_error *err);
/* The consent history of a case, oldest first; the current consent per
 * purpose is the latest item of that purpose. *items is malloc'd; caller frees. */
int privacy_consents_of_case(struct app *app, const char *receipt, struct privacy_consent_item **items, size_t *n);
/* The organisation's cases (case id > after) whose current consent to
 * purpose is granted. */
int privacy_consents_granted(struct app *app, int64_t org_id, const char *purpose, int64_t after, int limit,
			     struct privacy_consent_item **items, size_t *n, struct app_error *err);

#endif
