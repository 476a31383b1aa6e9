/* privacy.h — the rules of the Personal Information Protection Act as ombud
 * applies them to a case (docs/privacy.md): why staff may read a customer's
 * personal data, how long it is kept after the case closes, when a customer
 * may have it erased, and which optional uses a customer consents to.
 *
 * Owns the vocabularies (read purposes, kinds of read, erasure causes,
 * consent purposes) with their stable names, the bounds of a retention
 * period and the computation of when a case's personal data falls due for
 * erasure. It does not store, log or erase anything (app/privacy.c).
 *
 * Pure and reentrant; any thread may call it. */
#ifndef OMBUD_DESK_PRIVACY_H
#define OMBUD_DESK_PRIVACY_H

#include <stdbool.h>
#include <stdint.h>

#include "desk/case.h"

/* Why a member of staff reads a case's personal data. */
enum privacy_purpose {
	PRIVACY_P_HANDLING = 1,     /* answering or handling the case */
	PRIVACY_P_QUALITY_REVIEW,   /* a supervisor or manager reviews how it was handled */
	PRIVACY_P_COMPLAINT_REVIEW, /* the complaints office reviews it */
	PRIVACY_P_DOSSIER,          /* an agent's criminal-complaint dossier */
	PRIVACY_P_CUSTOMER_REQUEST, /* the customer asked (export, erasure) */
	PRIVACY_P_LEGAL_REQUEST,    /* a court, regulator or investigator asked */
	PRIVACY_P_AUDIT,            /* internal audit or compliance */
	PRIVACY_P_COUNT
};

/* What was read. */
enum privacy_read {
	PRIVACY_READ_VIEW = 1,   /* the case as JSON (a read, or the answer to an action) */
	PRIVACY_READ_DOWNLOAD,   /* the case record as a document */
	PRIVACY_READ_ATTACHMENT, /* a file of the case */
	PRIVACY_READ_DOSSIER,    /* a dossier on the case's contact */
	PRIVACY_READ_EXPORT,     /* everything held about the customer */
	PRIVACY_READ_INCIDENT,   /* the customer's words an agent flagged (protection) */
	PRIVACY_READ_COUNT
};

/* Who or what erased a case's personal data. */
enum privacy_erasure_cause {
	PRIVACY_ERASED_REQUEST = 1, /* the customer, with the case's access code */
	PRIVACY_ERASED_ADMIN,       /* the organisation's admin, on a request it verified */
	PRIVACY_ERASED_RETENTION,   /* the retention period ended */
};

/* Optional uses a customer may consent to. */
enum privacy_consent {
	PRIVACY_C_SURVEY = 1,    /* a satisfaction survey after the case */
	PRIVACY_C_MARKETING,     /* marketing messages */
	PRIVACY_C_COUNT
};

#define PRIVACY_RETENTION_DAYS_MIN 1
#define PRIVACY_RETENTION_DAYS_MAX 3650  /* ten years */
#define PRIVACY_WORDING_MAX        32    /* bytes of a consent wording version */

/* Stable names ("handling", "view", "retention", "survey"); "unknown" for a
 * value out of range. */
const char *privacy_purpose_name(enum privacy_purpose p);
const char *privacy_read_name(enum privacy_read r);
const char *privacy_erasure_cause_name(enum privacy_erasure_cause c);
const char *privacy_consent_name(enum privacy_consent c);

/* Name to value: 0, or OMB_EINVAL for a name not in the list. */
int privacy_purpose_parse(const char *s, enum privacy_purpose *out);
int privacy_consent_parse(const char *s, enum privacy_consent *out);

/* The purpose recorded when the reader states none. */
enum privacy_purpose privacy_default_purpose(enum privacy_read what);

/* A retention period in days lies in [MIN, MAX]. */
bool privacy_retention_days_ok(int64_t days);

/* The period that applies to a case: its category's when set (> 0), else its
 * organisation's when set, else the server's default. */
int64_t privacy_retention_days(int64_t server_days, int64_t org_days, int64_t category_days);

/* When the case's personal data falls due for erasure: `days` after it
 * closed (accepted or given its final answer) or was referred out; 0 while
 * it is open or answered (a re-opened case starts again at its next close). */
int64_t privacy_erase_due_ms(const struct desk_case *c, int64_t days);

/* Whether the customer (or the admin for them) may have the case erased now:
 * once it is closed or referred out. An open case still has to reach the
 * customer at its contact, and its deadlines still run. 0, or OMB_ECONFLICT
 * with a static *why. */
int privacy_erase_allowed(const struct desk_case *c, const char **why);

/* A consent wording version: 1-32 bytes of letters, digits, '.', '-', '_'. */
bool privacy_wording_ok(const char *s);

#endif
