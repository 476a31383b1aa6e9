/* cases.h — the desk's use cases: cases opened, read, answered and climbing,
 * persisted with their hash-chained, signed history.
 *
 * Each action runs in one write transaction: load the case, apply the desk
 * transition (desk/case.h) at `now`, append its events to the chain (texts
 * and personal data beside it, with salted commitments), store the new
 * state, sign the new head with the organisation's Ed25519 key, and queue the
 * notifications in the outbox. Who may act comes from the authenticated
 * principal (staff) or a proven receipt number + access code (customer),
 * never from the request body.
 *
 * Errors are codes from base/err.h; struct app_error says which field and
 * why (a static string), so api/ can answer with a field-named 4xx. */
#ifndef OMBUD_APP_CASES_H
#define OMBUD_APP_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/accounts.h"
#include "app/app.h"
#include "app/attachments.h"
#include "app/document.h"
#include "app/privacy.h"
#include "desk/case.h"
#include "desk/chain.h"
#include "desk/figures.h"
#include "desk/receipt.h"

#define CASE_TEXT_MAX    8000   /* bytes of one message */
#define CASE_SUBJECT_MAX 200
#define CASE_EVENTS_MAX  2000   /* a case's history is bounded too */

struct case_open_in {
	const char *org_code;
	const char *category;          /* category code */
	const char *name, *contact;    /* contact: an e-mail address or a phone number */
	const char *subject, *text;
	enum desk_channel channel;     /* DESK_CH_WEB for a customer */
	const struct principal *staff; /* NULL when the customer opens it */
};

struct case_receipt {
	char receipt[RECEIPT_LEN_MAX + 1];
	char access_code[RECEIPT_CODE_LEN + 1];
};

struct case_view;

/* Opens a case and numbers it; the access code is shown once (and sent to
 * the contact through the outbox). When view is not NULL it receives the
 * case as its customer sees it, read in the same transaction; the caller
 * frees it with case_view_free (on failure it is left empty). */
int cases_open(struct app *app, const struct case_open_in *in, int64_t now, struct case_receipt *out,
	       struct case_view *view, struct app_error *err);

/* True when access_code opens receipt (constant-time comparison). A wrong
 * code and an unknown receipt are the same answer. */
bool cases_access_ok(struct app *app, const char *receipt, const char *access_code);

/* A lost access code: a one-time code (6 digits, valid CASE_OTP_TTL_MS,
 * CASE_OTP_ATTEMPTS tries) goes to the case's contact through the outbox;
 * exchanging it gives a new access code and the old one stops working.
 * Asking for a code for an unknown receipt looks the same as for a real one. */
#define CASE_OTP_TTL_MS   (10 * 60 * 1000)
#define CASE_OTP_ATTEMPTS 5
int cases_otp_send(struct app *app, const char *receipt, int64_t now);
int cases_otp_exchange(struct app *app, const char *receipt, const char *code, int64_t now,
		       char access_code[RECEIPT_CODE_LEN + 1]);

enum case_action {
	CASE_ACT_MESSAGE = 1,   /* customer: a message */
	CASE_ACT_DEMAND,        /* customer: the responsible person, now */
	CASE_ACT_DISPUTE,       /* customer: disputes the answer (text optional) */
	CASE_ACT_ACCEPT,        /* customer: accepts; the case closes */
	CASE_ACT_REOPEN,        /* customer: re-opens within the window */
	CASE_ACT_REPLY,         /* staff: an answer to the customer */
	CASE_ACT_FINAL,         /* staff L3+: the final answer, with the referral options appended */
	CASE_ACT_NOTE,          /* staff: an internal note */
	CASE_ACT_ASSIGN,        /* staff: hand over to assignee */
	CASE_ACT_CLOSE,         /* staff: a direct close, always refused with the reason */
	CASE_ACT_ATTACH,        /* customer or staff: a file (app/attachments.h) */
};

struct case_action_in {
	enum case_action action;
	const char *text;            /* MESSAGE, DISPUTE, REPLY, FINAL, NOTE */
	int64_t template_id;         /* REPLY: the template the console inserted, 0 if typed */
	const char *assignee;        /* ASSIGN: staff code */
	const struct attachment *attachment; /* ATTACH: passed attachments_check */
};

/* staff NULL = the customer (already proven by cases_access_ok). */
int cases_act(struct app *app, const char *receipt, const struct principal *staff,
	      const struct case_action_in *in, int64_t now, struct app_error *err);

/* What a reply would be if it were sent now, decided by the same code as
 * CASE_ACT_REPLY (classification, then the desk's transition on a copy of the
 * case) with nothing written, so the console can warn before sending. */
struct case_draft_verdict {
	struct similar_verdict v;          /* class, repeat, scores */
	enum deadline_kind deadline;       /* the answer deadline running now, or DEADLINE_NONE */
	bool meets_deadline;               /* the reply would meet it */
	bool below_level;                  /* the writer stands below the case's level */
	bool climbs;                       /* a repeat while a dispute is open: the case would climb */
	enum ladder_level level_after;     /* the case's level after the reply */
};
int cases_draft_check(struct app *app, const char *receipt, const struct principal *staff, const char *text,
		      int64_t template_id, int64_t now, struct case_draft_verdict *out, struct app_error *err);

/* One event as a reader sees it. text is NULL when there is none, or when
 * it is hidden from this reader (note texts from the customer). */
struct case_event_view {
	struct chain_event ev;       /* strings point into the view's own storage */
	char *strings;               /* owns the strings of ev and actor_dept */
	const char *actor_dept;
	char *actor_name;            /* owned; only where the organisation and the staff member allow it */
	char *text;                  /* owned */
	uint8_t hash[CHAIN_HASH_BYTES];
};

struct case_view {
	char receipt[RECEIPT_LEN_MAX + 1];
	char org_code[ORG_CODE_MAX];
	char category[32];
	int64_t org_id;
	struct desk_case state;
	char *name, *contact, *subject, *text;  /* owned; personal data */
	struct case_event_view *events;         /* owned */
	size_t n_events;
	struct chain_head head;                 /* the latest signed head */
	int64_t head_key;                       /* the id of the key that signed it */
	uint8_t public_key[CHAIN_PK_BYTES];     /* that key's public half */
	struct attachment_item *attachments;    /* the case's files, in event order */
	size_t n_attachments;
	struct privacy_erasure erasure;         /* erased: the personal data above is gone ("") */
};

/* Loads a case for a reader: staff (who may touch it), or the customer
 * proven by access_code (when staff is NULL). A wrong code and an unknown
 * receipt are both OMB_ENOTFOUND. */
int cases_view(struct app *app, const char *receipt, const struct principal *staff, const char *access_code,
	       struct case_view *out, struct app_error *err);
void case_view_free(struct case_view *v);

/* What an erased datum reads as in documents. */
#define CASES_ERASED_MARK "(삭제됨 / erased)"

/* The case as a document (download): history, answers with roles,
 * deadlines met and missed, chain head and signature. */
struct doc *cases_document(const struct case_view *v);
/* The referral package of a case referred out (L5): the case record and the
 * organisation's outward referral options with their contacts, for the
 * customer to take to an outside body. OMB_ECONFLICT before L5. Caller
 * frees *out with doc_free. */
int cases_referral_package(struct app *app, const struct case_view *v, struct doc **out);

/* Recomputes the chain and checks every signed head with the key that
 * signed it (keys rotate; admin_key_rotate); then, when the chain is
 * intact, every attachment against its event's commitment
 * (attachments_verify): a changed file or attachment row is
 * CHAIN_DATA_ALTERED naming the event. */
int cases_verify(struct app *app, const char *receipt, struct chain_report *rep, size_t *n_events,
		 size_t *n_heads);

/* Applies deadlines due at now to every case that has one; returns how many
 * cases moved, or a negative code. */
int cases_sweep(struct app *app, int64_t now);

/* The published figures of org for cases opened in [from, to), as of now. */
int cases_figures(struct app *app, const char *org_code, int64_t from, int64_t to, int64_t now,
		  struct figures *out);

/* A queue item for the console. */
struct case_queue_item {
	char receipt[RECEIPT_LEN_MAX + 1];
	char subject[CASE_SUBJECT_MAX + 1];
	enum ladder_level level;
	enum desk_status status;
	enum deadline_kind answer_kind;
	int64_t answer_due_ms, final_due_ms;
	bool about_center;
	bool mine;                 /* handed to the caller by name */
	uint32_t deadlines_missed; /* climbs for a missed deadline so far */
};
/* Open cases of org the caller may handle, ordered by the nearest deadline.
 * *items is malloc'd; caller frees. */
int cases_queue(struct app *app, const char *org_code, const struct principal *staff, int limit,
		struct case_queue_item **items, size_t *n);

/* A signed head as published, with the id of the key that signed it. */
struct case_head_item {
	char receipt[RECEIPT_LEN_MAX + 1];
	struct chain_head head;
	int64_t key;
};
/* One of an organisation's signing keys: every key it ever had is kept, the
 * current one has retired_ms 0. */
#define CASE_KEYS_MAX 100
struct case_key {
	int64_t id;
	uint8_t public_key[CHAIN_PK_BYTES];
	int64_t created_ms, retired_ms;
};
/* The day's last signed head of each case of org (day = [day_ms, +24 h)),
 * and every public key of the organisation, oldest first (*keys malloc'd). */
int cases_heads_of_day(struct app *app, const char *org_code, int64_t day_ms, struct case_head_item **items,
		       size_t *n, struct case_key **keys, size_t *n_keys);
/* Inside the caller's write transaction (admin_key_rotate): retires the
 * current key (made first if there was none) and makes the next one. */
int cases_key_rotate(struct app *app, int64_t org_id, int64_t now, struct case_key *old_key,
		     struct case_key *new_key);

/* Categories, templates and referral options of an organisation. */
struct case_category {
	int64_t id;
	char code[32], name[128], name_en[128], dept[32];
	bool about_center;
};
int cases_category_add(struct app *app, int64_t org_id, const char *code, const char *name, const char *name_en,
		       const char *dept_code, bool about_center, struct app_error *err);
int cases_categories(struct app *app, int64_t org_id, struct case_category **items, size_t *n);
struct case_template {
	int64_t id;
	char title[128];
	char *body;    /* owned */
};
/* The organisation's answer templates (at most 200); free with cases_templates_free. */
int cases_templates(struct app *app, int64_t org_id, struct case_template **items, size_t *n);
void cases_templates_free(struct case_template *items, size_t n);
int cases_template_add(struct app *app, int64_t org_id, const char *title, const char *body, int64_t *id,
		       struct app_error *err);
int cases_referral_add(struct app *app, int64_t org_id, const char *name, const char *contact, int64_t *id,
		       struct app_error *err);
/* Retires a template in use: agents no longer get it, replies are still
 * compared with it. *out receives it (free out->body); OMB_ENOTFOUND when
 * org_id has no such template in use. */
int cases_template_retire(struct app *app, int64_t org_id, int64_t id, int64_t now, struct case_template *out);

struct case_referral {
	int64_t id;
	char name[128];
	char contact[208];
};

/* The organisation's outward referral options in use (at most 50); caller frees *items. */
int cases_referrals(struct app *app, int64_t org_id, struct case_referral **items, size_t *n);
/* Retires an option: no longer listed nor added to final answers.
 * OMB_ENOTFOUND when org_id has no such option in use. */
int cases_referral_retire(struct app *app, int64_t org_id, int64_t id, int64_t now, struct case_referral *out);

/* Inside the caller's write transaction (app/protect.c ends a contact and
 * hands the case over in one): hands the case from staff `from` to the
 * active staff member to_staff_code, or to the queue of its level when that
 * is NULL, as CASE_ACT_ASSIGN would (desk_assign: never below the case's
 * level), appending and signing the event. The deadlines are untouched. */
int cases_handover(struct app *app, const char *receipt, const struct principal *from, const char *to_staff_code,
		   int64_t now, struct app_error *err);

/* The same, done by the system rather than a person (agent protection routes
 * a repeatedly abusive customer's cases to a senior handler): the event's
 * actor is "system". Inside the caller's write transaction. */
int cases_route(struct app *app, const char *receipt, const char *to_staff_code, int64_t now, struct app_error *err);

#endif
