/* screening.h — the call-screening engine inside the server: its life cycle,
 * what it is fed, and what of it is kept in the store (docs/screening.md,
 * "The engine in the server").
 *
 * Owns the server's one engine (struct screening, app->screen): created by
 * screening_open from its snapshot (or fresh), fed the telemarketing
 * registry and consumer reports from the store and the optional CSV files
 * of settings [screen], merged, recorded and snapshotted by
 * screening_sweep, and saved a last time by screening_close.
 *
 * The check (screening_check) and the ingest of events answer from memory
 * and never write the store: blocks the engine sets are recorded with their
 * evidence by the sweep. Operator actions (block, lift, allowlist) and
 * appeals are one write transaction each, applied to the engine after the
 * commit. Callees who answered a voice-phishing number get a warning in the
 * outbox when its block is recorded; an appeal's one-time code goes to the
 * number through the outbox.
 *
 * Does not: parse JSON or HTTP (api/h_screen.c), decide verdicts (screen/).
 * Errors: codes from base/err.h with struct app_error naming the
 * field. Any thread may call these once screening_open returned; only
 * screening_open and screening_close change app->screen. */
#ifndef OMBUD_APP_SCREENING_H
#define OMBUD_APP_SCREENING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/accounts.h"
#include "app/app.h"
#include "app/document.h"
#include "screen/screen.h"

#define SCREENING_TEXT_MAX      1000  /* reasons and statements */
#define SCREENING_INGEST_ERRORS 100   /* bad lines reported one by one; the rest only counted */
#define SCREENING_APPEAL_TTL_MS (10 * 60 * 1000)
#define SCREENING_APPEAL_TRIES  5

/* Creates the engine: restores the snapshot (screen.snapshot, default
 * <db>.screen) when there is a usable one, then feeds it. Without
 * [screen] enabled = false it does nothing. 0 or a code with errbuf set. */
int screening_open(struct app *app, char *errbuf, size_t errlen);
/* Saves the last snapshot and frees the engine. Call after the HTTP server
 * and the sweeper stopped. */
void screening_close(struct app *app);
/* Reads screen.config again and swaps the engine's rules for it, as one
 * validated copy: checks in flight finish under the old rules. The tables'
 * sizes stay (a restart changes those). When the file does not read or
 * validate, the rules in force stay and errbuf says why (OMB_EINVAL or
 * OMB_EIO). 0 without an engine. */
int screening_reload(struct app *app, char *errbuf, size_t errlen);
/* From app_sweep: merges the aggregates when due, records new blocks with
 * their evidence (and the warnings), refreshes the registry and reports,
 * and saves the periodic snapshot. Returns the items acted on or a code. */
int screening_sweep(struct app *app, int64_t now);

/* Reason codes "a;b" (as recorded) back to their bits; unknown ones are left out. */
uint32_t screening_reasons_parse(const char *s);

/* One attempt as the SIP proxy sends it; strings borrowed. */
struct screening_attempt_in {
	const char *call_id, *caller, *callee, *origin, *trunk, *cell, *attestation;
	int64_t ts_ms;       /* 0 = now; farther than the engine's lateness from now: now */
};
/* Checks and counts the attempt (idempotent per call_id). No store access. */
int screening_check(struct app *app, const struct screening_attempt_in *in, int64_t now,
		    struct screen_verdict *out, struct app_error *err);

struct screening_bad_line {
	uint64_t line;
	char reason[96];
};
struct screening_ingest {
	uint64_t lines, attempts, ends, ends_unknown, bad;
	uint64_t verdicts[3];
	size_t n_errors;                 /* the first SCREENING_INGEST_ERRORS bad lines */
	struct screening_bad_line errors[SCREENING_INGEST_ERRORS];
};
/* A batch of NDJSON events (docs/formats.md): attempts are checked, ends
 * recorded; every bad line is counted and skipped. No store access. */
int screening_ingest(struct app *app, const char *ndjson, size_t len, struct screening_ingest *out);

struct screening_block {
	int64_t id;
	char number[PHONE_CANON_MAX];
	char reasons[256];
	int score;
	bool operator_set;
	char set_by[STAFF_CODE_MAX];
	char note[SCREENING_TEXT_MAX + 1];
	int64_t from_ms, until_ms, lifted_ms;
	char lifted_by[STAFF_CODE_MAX];
	char lift_reason[SCREENING_TEXT_MAX + 1];
};

/* What is known of a number now. */
struct screening_number {
	char number[PHONE_CANON_MAX];
	bool known;                      /* the engine has a behaviour record or evidence */
	bool watched;                    /* evidence is kept (warned or blocked) */
	struct screen_evidence ev;
	bool allowlisted;
	bool has_block;                  /* a recorded block is running */
	struct screening_block block;
};
int screening_number(struct app *app, const char *number, int64_t now, struct screening_number *out,
		     struct app_error *err);

/* The evidence packet of a number: live from the engine when it keeps
 * evidence, else the last recorded. Caller frees *out with doc_free. */
int screening_evidence_document(struct app *app, const char *number, int64_t now, struct doc **out,
				struct app_error *err);

/* Recorded blocks, running ones only unless all; id > after. *items is
 * malloc'd; caller frees. */
int screening_blocks(struct app *app, bool all, int64_t now, int64_t after, int limit,
		     struct screening_block **items, size_t *n);
/* An operator blocks number for minutes (0 = the configured length).
 * voice_phishing: the callees who answered it are warned. */
int screening_block_number(struct app *app, const struct principal *who, const char *number, const char *note,
			   int64_t minutes, bool voice_phishing, int64_t now, struct screening_block *out,
			   struct app_error *err);
/* Ends a running block (OMB_ENOTFOUND when none runs); automatic blocks
 * are then held back for the engine's lift grace. */
int screening_lift(struct app *app, const struct principal *who, const char *number, const char *reason,
		   int64_t now, struct app_error *err);

struct screening_allow {
	int64_t id;
	char number[PHONE_CANON_MAX];
	char reason[SCREENING_TEXT_MAX + 1];
	char added_by[STAFF_CODE_MAX];
	int64_t added_ms;
	int64_t removed_ms;              /* 0: on the list */
	char removed_by[STAFF_CODE_MAX];
	char remove_reason[SCREENING_TEXT_MAX + 1];
};
/* Adds number (again, if it was removed), in the store and the engine; the
 * other nodes read it from the allowlist's history. */
int screening_allowlist_add(struct app *app, const struct principal *who, const char *number, const char *reason,
			    int64_t now, struct screening_allow *out, struct app_error *err);
/* Takes number off the allowlist: OMB_ENOTFOUND (err names "number") when
 * it is not on it. The entry stays in the store, removed, with who and why. */
int screening_allowlist_remove(struct app *app, const struct principal *who, const char *number, const char *reason,
			       int64_t now, struct screening_allow *out, struct app_error *err);
/* *items is malloc'd; caller frees. */
int screening_allowlist(struct app *app, int64_t after, int limit, struct screening_allow **items, size_t *n);

struct screening_appeal {
	int64_t id;
	char number[PHONE_CANON_MAX];
	char status[12];                 /* unconfirmed, open, lifted, rejected */
	char statement[SCREENING_TEXT_MAX + 1];
	int64_t block_id, evidence_id;
	int64_t created_ms, confirmed_ms, decided_ms;
	char decided_by[STAFF_CODE_MAX];
	char decision_reason[SCREENING_TEXT_MAX + 1];
};
/* A number holder appeals a running block: a one-time code goes to the
 * number (sms). OMB_ECONFLICT (field "number") when no block runs. */
int screening_appeal_open(struct app *app, const char *number, int64_t now, int64_t *id,
			  struct app_error *err);
/* The holder proves the number with the code; the appeal opens with the
 * evidence as it stands, and screeners and regulators are told. A wrong,
 * used or expired code, and an unknown appeal, are all OMB_ENOTFOUND. */
int screening_appeal_confirm(struct app *app, int64_t id, const char *code, const char *statement, int64_t now,
			     struct screening_appeal *out, struct app_error *err);
/* Confirmed appeals (status "" = every status); *items is malloc'd. */
int screening_appeals(struct app *app, const char *status, int64_t after, int limit,
		      struct screening_appeal **items, size_t *n);
/* A screener decides an open appeal: lift ends the block. The holder is told. */
int screening_appeal_decide(struct app *app, const struct principal *who, int64_t id, bool lift, const char *reason,
			    int64_t now, struct screening_appeal *out, struct app_error *err);

#endif
