/* cases.c — the desk's use cases over the store. */
#include "app/cases.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/admin.h"
#include "app/outbox.h"
#include "app/privacy.h"
#include "app/protect.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/phone.h"
#include "base/text.h"

#define SWEEP_BATCH 100
#define FIGURES_MAX_CASES 2000000

/* ---- the state columns (STORE_CASE_STATE_COLS order) ---- */

enum col_type { C_I64, C_U32, C_ENUM, C_BOOL };
static const struct {
	size_t off;
	enum col_type type;
} state_cols[STORE_CASE_STATE_NCOLS] = {
#define COL(field, type) {offsetof(struct desk_case, field), type}
	COL(dept_id, C_I64), COL(about_center, C_BOOL), COL(channel, C_ENUM), COL(level, C_ENUM),
	COL(status, C_ENUM), COL(handler_staff_id, C_I64), COL(handler_role, C_ENUM),
	COL(answer.kind, C_ENUM), COL(answer.level, C_ENUM), COL(answer.start_ms, C_I64), COL(answer.due_ms, C_I64),
	COL(final.kind, C_ENUM), COL(final.level, C_ENUM), COL(final.start_ms, C_I64), COL(final.due_ms, C_I64),
	COL(dispute_open, C_BOOL), COL(awaiting_responsible, C_BOOL), COL(answers, C_U32), COL(opened_ms, C_I64),
	COL(first_answer_due_ms, C_I64), COL(first_answer_ms, C_I64), COL(closed_ms, C_I64), COL(referred_ms, C_I64),
	COL(first_demand_ms, C_I64), COL(responsible_ms, C_I64), COL(demands, C_U32), COL(demands_open, C_U32),
	COL(demands_in_time, C_U32), COL(repeated_answers, C_U32), COL(escalations[DESK_CAUSE_DEMAND], C_U32),
	COL(escalations[DESK_CAUSE_DEADLINE], C_U32), COL(escalations[DESK_CAUSE_DISPUTE], C_U32),
	COL(escalations[DESK_CAUSE_REPEAT], C_U32), COL(escalations[DESK_CAUSE_ABOUT_CENTER], C_U32),
#undef COL
};

static int64_t state_get(const struct desk_case *c, int i)
{
	const char *p = (const char *)c + state_cols[i].off;
	switch (state_cols[i].type) {
	case C_I64: return *(const int64_t *)(const void *)p;
	case C_U32: return *(const uint32_t *)(const void *)p;
	case C_ENUM: return *(const int *)(const void *)p;
	case C_BOOL: return *(const bool *)(const void *)p;
	}
	return 0;
}

static void state_set(struct desk_case *c, int i, int64_t v)
{
	char *p = (char *)c + state_cols[i].off;
	switch (state_cols[i].type) {
	case C_I64: *(int64_t *)(void *)p = v; break;
	case C_U32: *(uint32_t *)(void *)p = (uint32_t)v; break;
	case C_ENUM: *(int *)(void *)p = (int)v; break;
	case C_BOOL: *(bool *)(void *)p = v != 0; break;
	}
}

static void state_bind(const struct desk_case *c, struct store_val *args)
{
	for (int i = 0; i < STORE_CASE_STATE_NCOLS; i++)
		args[i] = SV_INT(state_get(c, i));
}

static void state_read(const struct store_row *row, int first_col, struct desk_case *c)
{
	memset(c, 0, sizeof *c);
	for (int i = 0; i < STORE_CASE_STATE_NCOLS; i++)
		state_set(c, i, store_row_int(row, first_col + i));
}

/* The earliest running deadline, for the sweep's index; none once closed. */
static int64_t next_due(const struct desk_case *c)
{
	if (c->status != DESK_OPEN && c->status != DESK_ANSWERED)
		return 0;
	int64_t due = 0;
	const struct desk_deadline *d[] = {&c->answer, &c->final};
	for (int i = 0; i < 2; i++)
		if (d[i]->kind != DEADLINE_NONE && d[i]->due_ms != DEADLINE_NEVER && (!due || d[i]->due_ms < due))
			due = d[i]->due_ms;
	return due;
}

/* ---- the organisation's key ---- */

struct keypair {
	uint8_t pk[CHAIN_PK_BYTES], sk[CHAIN_SK_BYTES];
	int64_t id;
	bool found;
};

static int key_row(void *ctx, const struct store_row *row)
{
	struct keypair *k = ctx;
	size_t np = 0, ns = 0;
	const void *pk = store_row_blob(row, 0, &np), *sk = store_row_blob(row, 1, &ns);
	if (np == CHAIN_PK_BYTES && ns == CHAIN_SK_BYTES) {
		memcpy(k->pk, pk, np);
		memcpy(k->sk, sk, ns);
		k->id = store_row_int(row, 2);
		k->found = true;
	}
	return 1;
}

/* The organisation's current signing key, made on first use; inside the
 * caller's transaction, so two first signers agree on one key (one current
 * key per organisation is a unique index). */
static int org_key(struct app *app, int64_t org_id, struct keypair *k)
{
	k->found = false;
	int rc = store_exec(app->store, STORE_Q_ORG_KEY_GET, SV_ARGS(SV_INT(org_id)), key_row, k);
	if (rc < 0 || k->found)
		return rc < 0 ? rc : OMB_OK;
	struct keypair fresh;
	chain_keypair(fresh.pk, fresh.sk);
	rc = store_exec(app->store, STORE_Q_ORG_KEY_INSERT,
			SV_ARGS(SV_INT(org_id), SV_BLOB(fresh.pk, CHAIN_PK_BYTES), SV_BLOB(fresh.sk, CHAIN_SK_BYTES),
				SV_INT(clock_now_ms())),
			NULL, NULL);
	sodium_memzero(fresh.sk, sizeof fresh.sk);
	if (rc < 0)
		return rc;
	rc = store_exec(app->store, STORE_Q_ORG_KEY_GET, SV_ARGS(SV_INT(org_id)), key_row, k);
	return rc < 0 ? rc : k->found ? OMB_OK : OMB_ESTORE;
}

static int case_key_row(void *ctx, const struct store_row *row)
{
	struct case_key *k = ctx;
	size_t n = 0;
	const void *pk = store_row_blob(row, 1, &n);
	k->id = store_row_int(row, 0);
	memset(k->public_key, 0, sizeof k->public_key);
	if (n == CHAIN_PK_BYTES)
		memcpy(k->public_key, pk, n);
	k->created_ms = store_row_int(row, 2);
	k->retired_ms = store_row_int(row, 3);
	return 0;
}

struct key_list {
	struct case_key *items;
	size_t n;
};

static int key_list_row(void *ctx, const struct store_row *row)
{
	struct key_list *l = ctx;
	case_key_row(&l->items[l->n++], row);
	return l->n == CASE_KEYS_MAX;
}

static int org_keys(struct app *app, int64_t org_id, struct key_list *out)
{
	out->items = xcalloc(CASE_KEYS_MAX, sizeof *out->items);
	out->n = 0;
	int rc = store_exec(app->store, STORE_Q_ORG_KEYS_LIST, SV_ARGS(SV_INT(org_id)), key_list_row, out);
	if (rc < 0) {
		free(out->items);
		out->items = NULL;
	}
	return rc < 0 ? rc : OMB_OK;
}

int cases_key_rotate(struct app *app, int64_t org_id, int64_t now, struct case_key *old_key,
		     struct case_key *new_key)
{
	struct keypair k;
	int rc = org_key(app, org_id, &k);
	if (rc != OMB_OK)
		return rc;
	sodium_memzero(k.sk, sizeof k.sk);
	int64_t old_id = k.id;
	if ((rc = store_exec(app->store, STORE_Q_ORG_KEY_RETIRE, SV_ARGS(SV_INT(now), SV_INT(org_id)), NULL, NULL)) < 0 ||
	    (rc = org_key(app, org_id, &k)) != OMB_OK)
		return rc < 0 ? rc : OMB_ESTORE;
	sodium_memzero(k.sk, sizeof k.sk);
	struct key_list l;
	if ((rc = org_keys(app, org_id, &l)) != OMB_OK)
		return rc;
	memset(old_key, 0, sizeof *old_key);
	memset(new_key, 0, sizeof *new_key);
	for (size_t i = 0; i < l.n; i++) {
		if (l.items[i].id == k.id)
			*new_key = l.items[i];
		else if (l.items[i].id == old_id)
			*old_key = l.items[i];
	}
	free(l.items);
	return new_key->id ? OMB_OK : OMB_ESTORE;
}

/* ---- loading a case ---- */

struct loaded {
	int64_t id, org_id;
	uint8_t access_hash[CRED_HASH_BYTES];
	uint64_t events;
	uint8_t head[CHAIN_HASH_BYTES];
	char org_code[ORG_CODE_MAX];
	char category[32];
	int64_t category_id;
	struct desk_case state;
	bool found;
};

static int case_row(void *ctx, const struct store_row *row)
{
	struct loaded *l = ctx;
	size_t n = 0;
	l->id = store_row_int(row, 0);
	l->org_id = store_row_int(row, 1);
	const void *h = store_row_blob(row, 2, &n);
	if (n == CRED_HASH_BYTES)
		memcpy(l->access_hash, h, n);
	l->events = (uint64_t)store_row_int(row, 3);
	h = store_row_blob(row, 4, &n);
	memset(l->head, 0, sizeof l->head);
	if (n == CHAIN_HASH_BYTES)
		memcpy(l->head, h, n);
	snprintf(l->org_code, sizeof l->org_code, "%s", store_row_text(row, 5));
	snprintf(l->category, sizeof l->category, "%s", store_row_text(row, 6));
	state_read(row, 7, &l->state);
	l->category_id = store_row_int(row, 7 + STORE_CASE_STATE_NCOLS);
	l->found = true;
	return 1;
}

static int load(struct app *app, const char *receipt, struct loaded *l)
{
	memset(l, 0, sizeof *l);
	int rc = store_exec(app->store, STORE_Q_CASE_BY_RECEIPT, SV_ARGS(SV_TEXT(receipt)), case_row, l);
	return rc < 0 ? rc : l->found ? OMB_OK : OMB_ENOTFOUND;
}

static bool code_matches(struct app *app, const struct loaded *c, const char *code);

bool cases_access_ok(struct app *app, const char *receipt, const char *access_code)
{
	struct loaded l;
	if (load(app, receipt, &l) != OMB_OK)
		memset(l.access_hash, 0xff, sizeof l.access_hash); /* the same work for an unknown receipt */
	return code_matches(app, &l, access_code) && l.found;
}

/* ---- actors ---- */

static enum ladder_role ladder_role_of(enum role r)
{
	switch (r) {
	case ROLE_AGENT: return LADDER_ROLE_AGENT;
	case ROLE_SUPERVISOR: return LADDER_ROLE_SUPERVISOR;
	case ROLE_PRACTITIONER: return LADDER_ROLE_PRACTITIONER;
	case ROLE_MANAGER: return LADDER_ROLE_MANAGER;
	case ROLE_COMPLAINTS: return LADDER_ROLE_COMPLAINTS;
	case ROLE_ADMIN: return LADDER_ROLE_ADMIN;
	default: return 0;
	}
}

static enum ladder_org_kind ladder_org_of(enum org_kind k)
{
	return k == ORG_COMPANY ? LADDER_ORG_COMPANY : k == ORG_VENDOR ? LADDER_ORG_VENDOR : LADDER_ORG_OTHER;
}

/* The acting person, from the authenticated account only; for a vendor's
 * staff, the contract with the case's organisation. */
struct acting {
	struct ladder_actor who;
	const char *org_code, *staff_code;
	char dept_code[32];
	struct desk_contract contract;
};

static int text_row(void *ctx, const struct store_row *row)
{
	snprintf(ctx, 32, "%s", store_row_text(row, 0));
	return 1;
}

/* Fills who for staff acting on a case of org_id in category_id (0: the
 * organisation's desk, no one case). OMB_EPERM when the account has no desk
 * role or its organisation neither owns the case nor acts for it under a
 * contract that covers this staff member and the category. */
static int staff_acting(struct app *app, const struct principal *p, int64_t case_org_id, int64_t category_id,
			struct acting *a)
{
	memset(a, 0, sizeof *a);
	a->who.role = ladder_role_of(p->role);
	a->who.org_kind = ladder_org_of(p->org_kind);
	a->who.staff_id = p->staff_id;
	a->who.dept_id = p->dept_id;
	a->org_code = p->org_code;
	a->staff_code = p->staff_code;
	if (!a->who.role)
		return OMB_EPERM;
	if (p->org_id == case_org_id)
		a->who.rel = LADDER_REL_CASE_ORG;
	else if (p->org_kind != ORG_VENDOR)
		return OMB_EPERM;
	else if (accounts_vendor_contract(app, p->org_id, case_org_id, &a->contract) != OMB_OK)
		return OMB_ESTORE;
	else if (desk_contract_covers(&a->contract, p->staff_id, category_id))
		a->who.rel = LADDER_REL_VENDOR_FOR;
	else
		return OMB_EPERM;
	if (p->dept_id) {
		int rc = store_exec(app->store, STORE_Q_DEPT_CODE_BY_ID, SV_ARGS(SV_INT(p->dept_id)), text_row,
				    a->dept_code);
		if (rc < 0)
			return rc;
	}
	return OMB_OK;
}

static void customer_acting(struct acting *a)
{
	memset(a, 0, sizeof *a);
	a->who.role = LADDER_ROLE_CUSTOMER;
	a->org_code = a->staff_code = "";
}

/* ---- appending to the chain ---- */

/* Which event of a result carries the action's text. */
static enum desk_event_kind text_kind_of(enum case_action act)
{
	switch (act) {
	case CASE_ACT_MESSAGE:
	case CASE_ACT_REPLY: return DESK_EV_MESSAGE;
	case CASE_ACT_DISPUTE: return DESK_EV_DISPUTE;
	case CASE_ACT_FINAL: return DESK_EV_FINAL_ANSWER;
	case CASE_ACT_NOTE: return DESK_EV_NOTE;
	case CASE_ACT_ATTACH: return DESK_EV_ATTACHMENT;
	case CASE_ACT_ASSIGN: return DESK_EV_ASSIGNED; /* no text: carries the assignee as detail */
	default: return 0;
	}
}

struct append {
	struct app *app;
	struct loaded *c;
	const char *receipt;
	const struct acting *by;
	const char *text;             /* attached to the last event of text_kind by the actor */
	enum desk_event_kind text_kind;
	const char *detail;           /* extra public detail for that event (e.g. "template=3") */
	const struct chain_datum *personal; /* OPENED: the commitment's data */
	size_t n_personal;
	const uint8_t *personal_salt;
};

static int insert_event(struct append *a, const struct chain_event *ce, const char *dept,
			const uint8_t hash[CHAIN_HASH_BYTES])
{
	return store_exec(a->app->store, STORE_Q_EVENT_INSERT,
			  SV_ARGS(SV_INT(a->c->id), SV_INT((int64_t)ce->seq), SV_INT(ce->at_ms), SV_TEXT(ce->kind),
				  SV_TEXT(ce->actor_role), SV_TEXT(ce->actor_org), SV_TEXT(ce->actor_staff), SV_TEXT(dept),
				  SV_INT(ce->level_before), SV_INT(ce->level_after), SV_TEXT(ce->cause),
				  SV_TEXT(ce->deadline_set), SV_INT(ce->deadline_due_ms), SV_TEXT(ce->deadline_met),
				  SV_TEXT(ce->deadline_missed), SV_INT(ce->flags), SV_TEXT(ce->reply_class),
				  SV_TEXT(ce->detail),
				  ce->has_commitment ? SV_BLOB(ce->commitment, CHAIN_COMMIT_BYTES) : SV_NULL,
				  SV_BLOB(hash, CHAIN_HASH_BYTES)),
			  NULL, NULL);
}

static int append_one(struct append *a, const struct desk_event *ev, bool carries_text)
{
	struct chain_event ce;
	bool by_person = ev->actor_role != LADDER_ROLE_SYSTEM;
	desk_event_to_chain(ev, &ce);
	ce.receipt = a->receipt;
	ce.seq = a->c->events;
	ce.actor_org = by_person ? a->by->org_code : "";
	ce.actor_staff = by_person ? a->by->staff_code : "";
	ce.has_commitment = false;
	if (carries_text && a->detail)
		ce.detail = a->detail;
	uint8_t salt[CHAIN_SALT_BYTES];
	if (carries_text && a->text) {
		struct chain_datum d = {a->text, strlen(a->text)};
		chain_salt_new(salt);
		chain_commit(salt, &d, 1, ce.commitment);
		ce.has_commitment = true;
	} else if ((ev->kind == DESK_EV_OPENED || carries_text) && a->personal) {
		chain_commit(a->personal_salt, a->personal, a->n_personal, ce.commitment);
		ce.has_commitment = true;
	}
	uint8_t hash[CHAIN_HASH_BYTES];
	chain_link(a->c->head, &ce, hash);
	int rc = insert_event(a, &ce, by_person ? a->by->dept_code : "", hash);
	if (rc >= 0 && carries_text && a->text)
		rc = store_exec(a->app->store, STORE_Q_TEXT_INSERT,
				SV_ARGS(SV_INT(a->c->id), SV_INT((int64_t)ce.seq), SV_BLOB(salt, CHAIN_SALT_BYTES),
					SV_TEXT(a->text)),
				NULL, NULL);
	if (rc < 0)
		return rc;
	memcpy(a->c->head, hash, CHAIN_HASH_BYTES);
	a->c->events++;
	return OMB_OK;
}

/* Appends the result's events, stores the new state and signs the head. */
static int persist(struct append *a, const struct desk_result *res, int64_t now)
{
	if (a->c->events + res->n > CASE_EVENTS_MAX)
		return OMB_ELIMIT;
	/* the actor's own event, not one the system added (an escalation that
	 * follows); when the system itself acts (routing), its own */
	bool system_acts = a->by && a->by->who.role == LADDER_ROLE_SYSTEM;
	size_t text_at = res->n;
	for (size_t i = 0; a->text_kind && i < res->n; i++)
		if (res->ev[i].kind == a->text_kind && (system_acts || res->ev[i].actor_role != LADDER_ROLE_SYSTEM))
			text_at = i;
	for (size_t i = 0; i < res->n; i++) {
		int rc = append_one(a, &res->ev[i], i == text_at);
		if (rc != OMB_OK)
			return rc;
	}
	/* the erasure due time moves only when the case finishes, re-opens, or
	 * is saved finished */
	bool due_moves = desk_case_finished(&a->c->state) || desk_case_finished(&res->next);
	a->c->state = res->next;
	struct store_val args[STORE_CASE_STATE_NCOLS + 4];
	state_bind(&a->c->state, args);
	int64_t due = next_due(&a->c->state);
	args[STORE_CASE_STATE_NCOLS] = SV_INT((int64_t)a->c->events);
	args[STORE_CASE_STATE_NCOLS + 1] = SV_BLOB(a->c->head, CHAIN_HASH_BYTES);
	args[STORE_CASE_STATE_NCOLS + 2] = due ? SV_INT(due) : SV_NULL;
	args[STORE_CASE_STATE_NCOLS + 3] = SV_INT(a->c->id);
	int rc = store_exec(a->app->store, STORE_Q_CASE_UPDATE, args, STORE_CASE_STATE_NCOLS + 4, NULL, NULL);
	if (rc >= 0 && due_moves)
		rc = privacy_erase_due_set(a->app, a->c->id);
	if (rc < 0 || res->n == 0)
		return rc < 0 ? rc : OMB_OK;
	struct keypair k;
	if ((rc = org_key(a->app, a->c->org_id, &k)) != OMB_OK)
		return rc;
	struct chain_head h = {.seq = a->c->events - 1, .signed_at_ms = now};
	memcpy(h.hash, a->c->head, CHAIN_HASH_BYTES);
	chain_head_sign(a->receipt, &h, k.sk);
	sodium_memzero(k.sk, sizeof k.sk);
	rc = store_exec(a->app->store, STORE_Q_HEAD_INSERT,
			SV_ARGS(SV_INT(a->c->id), SV_INT((int64_t)h.seq), SV_BLOB(h.hash, CHAIN_HASH_BYTES),
				SV_INT(h.signed_at_ms), SV_BLOB(h.sig, CHAIN_SIG_BYTES), SV_INT(k.id)),
			NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}


/* ---- notifications ---- */

static const char *channel_for(const char *contact)
{
	return strchr(contact, '@') ? "email" : "sms";
}

static void notify(struct app *app, int64_t org_id, const char *contact, const char *receipt, const char *body)
{
	struct outbox_msg m = {.org_id = org_id, .channel = channel_for(contact), .recipient = contact,
			       .subject = receipt, .body = body, .ref = receipt};
	int rc = outbox_enqueue(app, &m, NULL);
	if (rc != OMB_OK)
		log_warn(LOG_MSG("notification not queued"), LOG_S("ref", receipt), LOG_S("error", omb_err_name(rc)));
}

/* ---- opening ---- */

struct category_row {
	int64_t id, dept_id;
	bool about_center, found;
};

static int category_row(void *ctx, const struct store_row *row)
{
	struct category_row *c = ctx;
	c->id = store_row_int(row, 0);
	c->dept_id = store_row_int(row, 1);
	c->about_center = store_row_int(row, 2) != 0;
	c->found = true;
	return 1;
}

static bool valid_contact(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 120 || !text_is_clean_utf8(s, n))
		return false;
	const char *at = strchr(s, '@');
	if (at)
		return at > s && strchr(at, '.') && !strpbrk(s, " \t\r\n,;<>");
	struct phone p;
	const char *why;
	return phone_parse(s, n, PHONE_CC_KOREA, &p, &why) == OMB_OK && p.kind != PHONE_WITHHELD &&
	       p.kind != PHONE_SHORT;
}

static bool valid_text_field(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0;
	return (n > 0 || !required) && n <= max && (n == 0 || text_is_clean_utf8(s, n));
}

#define ERR(f, why) do { err->field = (f); err->reason = (why); return OMB_EINVAL; } while (0)

static int open_validate(const struct case_open_in *in, struct app_error *err)
{
	if (!valid_text_field(in->name, 100, true))
		ERR("name", "must be 1-100 characters of text");
	if (!in->contact || !valid_contact(in->contact))
		ERR("contact", "must be an e-mail address or a phone number");
	if (!valid_text_field(in->subject, CASE_SUBJECT_MAX, true))
		ERR("subject", "must be 1-200 bytes of text");
	if (!valid_text_field(in->text, CASE_TEXT_MAX, true))
		ERR("text", "must be 1-8000 bytes of text");
	if (!in->category || !*in->category)
		ERR("category", "is required");
	return OMB_OK;
}

/* Where a new case was stored. */
struct case_loc {
	int64_t id, org_id;
};

/* Numbers and stores the case, signs its head and queues the receipt. */
static int open_case(struct app *app, const struct case_open_in *in, const struct org *org,
		     const struct acting *by, int64_t now, struct case_receipt *out, struct case_loc *at,
		     struct app_error *err)
{
	struct category_row cat = {0};
	int rc = store_exec(app->store, STORE_Q_CATEGORY_BY_CODE, SV_ARGS(SV_INT(org->id), SV_TEXT(in->category)),
			    category_row, &cat);
	if (rc < 0)
		return rc;
	if (!cat.found)
		ERR("category", "no such category in this organisation");
	if (by->who.rel == LADDER_REL_VENDOR_FOR && !desk_contract_covers(&by->contract, by->who.staff_id, cat.id)) {
		err->reason = "the vendor's contract does not cover this category";
		return OMB_EPERM;
	}
	struct admin_desk desk;
	if ((rc = admin_desk_load(app, org->id, &desk)) != OMB_OK)
		return rc;
	struct desk_result res;
	struct desk_category dc = {cat.dept_id, cat.about_center};
	rc = desk_open(&desk.cfg, &dc, in->channel, &by->who, now, &res);
	if (rc != OMB_OK) {
		err->reason = res.reason;
		return rc;
	}
	time_t secs = (time_t)(now / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	struct receipt r = {.year = tm.tm_year + 1900};
	size_t code_len = strlen(org->code);
	if (code_len >= sizeof r.org)
		return OMB_EINVAL; /* organisation codes are at most RECEIPT_ORG_MAX (accounts.c) */
	memcpy(r.org, org->code, code_len + 1);
	int64_t serial = 0;
	rc = store_exec(app->store, STORE_Q_RECEIPT_NEXT, SV_ARGS(SV_INT(org->id), SV_INT(r.year)), store_row_first_int,
			&serial);
	if (rc < 0)
		return rc;
	r.serial = (uint32_t)serial;
	if (receipt_format(&r, out->receipt, sizeof out->receipt) != OMB_OK)
		return OMB_ELIMIT; /* the year's serials are used up */
	receipt_access_code_new(out->access_code);
	uint8_t access_hash[CRED_HASH_BYTES];
	cred_hash(app->secret, out->access_code, strlen(out->access_code), access_hash);
	struct store_val args[4 + STORE_CASE_STATE_NCOLS];
	args[0] = SV_INT(org->id);
	args[1] = SV_TEXT(out->receipt);
	args[2] = SV_BLOB(access_hash, sizeof access_hash);
	args[3] = SV_INT(cat.id);
	state_bind(&res.next, args + 4);
	struct loaded c = {.org_id = org->id, .state = res.next};
	rc = store_exec(app->store, STORE_Q_CASE_INSERT, args, 4 + STORE_CASE_STATE_NCOLS, store_row_first_int, &c.id);
	if (rc < 0)
		return rc;
	uint8_t salt[CHAIN_SALT_BYTES];
	chain_salt_new(salt);
	rc = store_exec(app->store, STORE_Q_CASE_PERSONAL_INSERT,
			SV_ARGS(SV_INT(c.id), SV_BLOB(salt, sizeof salt), SV_TEXT(in->name), SV_TEXT(in->contact),
				SV_TEXT(in->subject), SV_TEXT(in->text)),
			NULL, NULL);
	if (rc < 0)
		return rc;
	const struct chain_datum personal[] = {
		{in->name, strlen(in->name)}, {in->contact, strlen(in->contact)},
		{in->subject, strlen(in->subject)}, {in->text, strlen(in->text)},
	};
	struct append a = {app, &c, out->receipt, by, NULL, 0, NULL, personal, 4, salt};
	if ((rc = persist(&a, &res, now)) != OMB_OK)
		return rc;
	/* The access code is shown once and never stored in clear, so it is not
	 * in the message either. */
	char *body = xasprintf("[%s] 접수되었습니다. 접수번호 %s / Your case is registered: %s", org->name,
			       out->receipt, out->receipt);
	notify(app, org->id, in->contact, out->receipt, body);
	free(body);
	*at = (struct case_loc){c.id, org->id};
	return OMB_OK;
}

/* Who reads a case: staff, the customer with their access code, or ombud
 * itself (verify, the answer to an open), which has checked the reader. */
struct reader {
	const struct principal *staff;
	const char *access_code;
	bool trusted;
};

static int view_in_tx(struct app *app, const char *receipt, const struct reader *who, struct case_view *v,
		      struct app_error *err);

static int org_of(struct app *app, const char *code, struct org *org, struct app_error *err)
{
	int rc = accounts_org_get(app, code, org);
	if (rc != OMB_OK && rc != OMB_ENOTFOUND)
		return rc; /* the store failed (a 503 while it is away), not the caller */
	if (rc != OMB_OK || org->kind != ORG_COMPANY) {
		err->field = "org";
		err->reason = "no such company";
		return OMB_ENOTFOUND;
	}
	return OMB_OK;
}

/* Everything an open does runs in one write unit on the writer's connection:
 * a reader's connection would have to map the database afresh after each
 * commit (SQLite in WAL mode), which cost an open more than its own writes. */
static int open_in_tx(struct app *app, const struct case_open_in *in, int64_t now, struct case_receipt *out,
		      struct case_view *view, struct app_error *err)
{
	struct org org;
	struct acting by;
	struct case_loc at;
	int rc = org_of(app, in->org_code, &org, err);
	if (rc == OMB_OK && in->staff && (rc = staff_acting(app, in->staff, org.id, 0, &by)) != OMB_OK)
		err->reason = "this account may not open cases for this organisation";
	else if (rc == OMB_OK && !in->staff)
		customer_acting(&by);
	if (rc == OMB_OK)
		rc = open_case(app, in, &org, &by, now, out, &at, err);
	if (rc == OMB_OK)
		rc = protection_key_opened(app, at.id, at.org_id, in->contact, now);
	if (rc == OMB_OK && view)
		rc = view_in_tx(app, out->receipt, &(struct reader){NULL, NULL, true}, view, err);
	return rc;
}

int cases_open(struct app *app, const struct case_open_in *in, int64_t now, struct case_receipt *out,
	       struct case_view *view, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (view)
		memset(view, 0, sizeof *view);
	int rc = open_validate(in, err);
	if (rc == OMB_OK && (rc = store_begin(app->store, true)) == OMB_OK)
		rc = store_end(app->store, open_in_tx(app, in, now, out, view, err));
	if (rc != OMB_OK && view)
		case_view_free(view);
	return rc;
}

/* ---- acting on a case ---- */

/* Texts to compare a reply with: earlier staff answers of the case and the
 * organisation's templates. Owned strings; freed with texts_free. */
struct texts {
	struct similar_text *items;
	size_t n, cap;
};

static void texts_add(struct texts *t, const char *text, int64_t template_id)
{
	t->items = xgrow(t->items, t->n, &t->cap, sizeof *t->items, 16);
	t->items[t->n++] = (struct similar_text){xstrdup(text), template_id};
}

static void texts_free(struct texts *t)
{
	for (size_t i = 0; i < t->n; i++)
		free((char *)t->items[i].text);
	free(t->items);
}

static bool is_staff_role_name(const char *r)
{
	return strcmp(r, "customer") != 0 && strcmp(r, "system") != 0;
}

static int answer_row(void *ctx, const struct store_row *row)
{
	const char *kind = store_row_text(row, 2), *detail = store_row_text(row, 16);
	if ((strcmp(kind, "message") == 0 || strcmp(kind, "final_answer") == 0) &&
	    is_staff_role_name(store_row_text(row, 3)) && !store_row_null(row, 19)) {
		long long template_id = 0;
		sscanf(detail, "template=%lld", &template_id);
		texts_add(ctx, store_row_text(row, 19), template_id);
	}
	return 0;
}

static int template_row(void *ctx, const struct store_row *row)
{
	texts_add(ctx, store_row_text(row, 2), store_row_int(row, 0));
	return 0;
}

static int classify(struct app *app, const struct loaded *c, const struct case_action_in *in,
		    struct similar_verdict *v)
{
	struct texts earlier = {0}, templates = {0};
	int rc = store_exec(app->store, STORE_Q_EVENT_LIST, SV_ARGS(SV_INT(c->id)), answer_row, &earlier);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_TEMPLATE_TEXTS, SV_ARGS(SV_INT(c->org_id)), template_row, &templates);
	if (rc >= 0) {
		struct similar_reply reply = {in->text, in->template_id ? SIMILAR_FROM_TEMPLATE : SIMILAR_FROM_TYPED,
					      in->template_id};
		rc = similar_classify(&app->similar, &reply, earlier.items, earlier.n, templates.items, templates.n, v);
	}
	texts_free(&earlier);
	texts_free(&templates);
	return rc < 0 ? rc : OMB_OK;
}

struct referrals {
	struct buf text;
	size_t n;
};

static int referral_row(void *ctx, const struct store_row *row)
{
	struct referrals *r = ctx;
	buf_printf(&r->text, "\n- %s: %s", store_row_text(row, 1), store_row_text(row, 2));
	r->n++;
	return 0;
}

/* The final answer states the outward referral options: they are appended
 * from the organisation's list, so no writer can leave them out. */
static int final_text(struct app *app, int64_t org_id, const char *text, char **out, size_t *n_options)
{
	struct referrals r = {.n = 0};
	buf_init(&r.text, CASE_TEXT_MAX + 4096);
	buf_printf(&r.text, "%s\n\n외부 구제 절차 / Outward referral options:", text);
	int rc = store_exec(app->store, STORE_Q_REFERRAL_LIST, SV_ARGS(SV_INT(org_id)), referral_row, &r);
	*n_options = r.n;
	*out = buf_steal(&r.text, NULL);
	return rc < 0 ? rc : OMB_OK;
}

struct staff_row {
	struct ladder_actor who;
	int64_t org_id;
	bool found;
};

static int staff_row(void *ctx, const struct store_row *row)
{
	struct staff_row *s = ctx;
	enum role r = ROLE_NONE;
	enum org_kind k = ORG_COMPANY;
	role_parse(store_row_text(row, 1), &r);
	org_kind_parse(store_row_text(row, 4), &k);
	s->who = (struct ladder_actor){ladder_role_of(r), ladder_org_of(k), LADDER_REL_NONE, store_row_int(row, 0),
				       store_row_int(row, 2)};
	s->org_id = store_row_int(row, 3);
	s->found = true;
	return 1;
}

static int assignee_of(struct app *app, const struct loaded *c, const char *code, struct ladder_actor *out)
{
	struct staff_row s = {0};
	int rc = store_exec(app->store, STORE_Q_STAFF_BY_CODE, SV_ARGS(SV_TEXT(code)), staff_row, &s);
	if (rc < 0)
		return rc;
	if (!s.found)
		return OMB_ENOTFOUND;
	*out = s.who;
	if (s.org_id == c->org_id)
		out->rel = LADDER_REL_CASE_ORG;
	else if (out->org_kind == LADDER_ORG_VENDOR &&
		 accounts_vendor_acts_for(app, s.org_id, s.who.staff_id, c->org_id, c->category_id))
		out->rel = LADDER_REL_VENDOR_FOR;
	return OMB_OK;
}

static bool needs_text(enum case_action a)
{
	return a == CASE_ACT_MESSAGE || a == CASE_ACT_REPLY || a == CASE_ACT_FINAL || a == CASE_ACT_NOTE;
}

static bool is_customer_action(enum case_action a)
{
	return a >= CASE_ACT_MESSAGE && a <= CASE_ACT_REOPEN;
}

/* Runs the desk transition of the action; fills text/detail for persist. */
static int transition(struct app *app, struct loaded *c, const struct acting *by, const struct case_action_in *in,
		      int64_t now, struct desk_result *res, struct append *a, char **owned_text, struct app_error *err)
{
	struct admin_desk desk;
	int rc = admin_desk_load(app, c->org_id, &desk);
	if (rc != OMB_OK)
		return rc;
	const struct desk_config *cfg = &desk.cfg;
	struct similar_verdict v;
	switch (in->action) {
	case CASE_ACT_MESSAGE: return desk_customer_message(cfg, &c->state, now, res);
	case CASE_ACT_DEMAND: return desk_demand(cfg, &c->state, now, res);
	case CASE_ACT_DISPUTE: return desk_dispute(cfg, &c->state, now, res);
	case CASE_ACT_ACCEPT: return desk_accept(cfg, &c->state, now, res);
	case CASE_ACT_REOPEN: return desk_reopen(cfg, &c->state, now, res);
	case CASE_ACT_NOTE: return desk_note(cfg, &c->state, &by->who, now, res);
	case CASE_ACT_CLOSE: return desk_close(cfg, &c->state, &by->who, now, res);
	case CASE_ACT_REPLY:
		if ((rc = classify(app, c, in, &v)) != OMB_OK)
			return rc;
		if (in->template_id)
			a->detail = *owned_text = xasprintf("template=%lld", (long long)in->template_id);
		return desk_reply(cfg, &c->state, &by->who, &v, now, res);
	case CASE_ACT_FINAL: {
		size_t n_options = 0;
		if ((rc = classify(app, c, in, &v)) != OMB_OK || (rc = final_text(app, c->org_id, in->text, owned_text,
										 &n_options)) != OMB_OK)
			return rc;
		a->text = *owned_text;
		return desk_final_answer(cfg, &c->state, &by->who, &v, n_options, now, res);
	}
	case CASE_ACT_ATTACH:
		if ((rc = attachments_quota_check(app, c->id, in->attachment->size, &err->reason)) != OMB_OK)
			return rc;
		a->detail = in->attachment->mime;
		return desk_attach(cfg, &c->state, by->who.role == LADDER_ROLE_CUSTOMER ? NULL : &by->who, now, res);
	case CASE_ACT_ASSIGN: {
		struct ladder_actor to;
		if (!in->assignee || (rc = assignee_of(app, c, in->assignee, &to)) == OMB_ENOTFOUND) {
			err->field = "assignee";
			err->reason = "no such active staff member";
			return OMB_EINVAL;
		}
		if (rc != OMB_OK)
			return rc;
		a->detail = *owned_text = xasprintf("assignee=%s", in->assignee);
		return desk_assign(cfg, &c->state, &by->who, &to, now, res);
	}
	}
	return OMB_EINVAL;
}

static int personal_contact(void *ctx, const struct store_row *row)
{
	snprintf(ctx, 128, "%s", store_row_text(row, 2));
	return 1;
}

static int act_in_tx(struct app *app, const char *receipt, const struct principal *staff,
		     const struct case_action_in *in, int64_t now, struct app_error *err)
{
	struct loaded c;
	int rc = load(app, receipt, &c);
	if (rc != OMB_OK)
		return rc;
	struct acting by;
	if (staff && (rc = staff_acting(app, staff, c.org_id, c.category_id, &by)) != OMB_OK) {
		err->reason = "this account may not act on this organisation's cases";
		return rc;
	}
	if (!staff)
		customer_acting(&by);
	struct privacy_erasure erased;
	if ((rc = privacy_erasure_of(app, c.id, &erased)) != OMB_OK)
		return rc;
	if (erased.erased) {
		err->reason = "the case's personal data was erased; it takes no more actions";
		return OMB_ECONFLICT;
	}
	struct desk_result res;
	memset(&res, 0, sizeof res);
	char *owned = NULL;
	struct append a = {app, &c, receipt, &by, in->text, text_kind_of(in->action), NULL, NULL, 0, NULL};
	struct chain_datum file[4]; /* ATTACH: what its event commits to */
	char file_size[24];
	uint8_t file_salt[CHAIN_SALT_BYTES];
	if (in->action == CASE_ACT_ATTACH) {
		attachments_commit_data(in->attachment, file_size, file);
		chain_salt_new(file_salt);
		a.personal = file, a.n_personal = 4, a.personal_salt = file_salt;
	}
	rc = transition(app, &c, &by, in, now, &res, &a, &owned, err);
	if (rc != OMB_OK && !err->reason)
		err->reason = res.reason;
	if (rc == OMB_OK)
		rc = persist(&a, &res, now);
	if (rc == OMB_OK && in->action == CASE_ACT_ATTACH)
		rc = attachments_record(app, c.id, c.events - 1, file_salt, in->attachment);
	if (rc == OMB_OK && (in->action == CASE_ACT_REPLY || in->action == CASE_ACT_FINAL)) {
		char contact[128] = "";
		store_exec(app->store, STORE_Q_CASE_PERSONAL_GET, SV_ARGS(SV_INT(c.id)), personal_contact, contact);
		char *body = xasprintf("접수번호 %s 에 새 답변이 있습니다 / There is a new answer on case %s", receipt,
				       receipt);
		notify(app, c.org_id, contact, receipt, body);
		free(body);
	}
	free(owned);
	return rc;
}

int cases_act(struct app *app, const char *receipt, const struct principal *staff,
	      const struct case_action_in *in, int64_t now, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (in->action == CASE_ACT_ATTACH && !in->attachment)
		ERR("content", "no file");
	if (in->action != CASE_ACT_ATTACH && !staff != is_customer_action(in->action)) {
		err->reason = staff ? "only the customer does this" : "only staff do this";
		return OMB_EPERM;
	}
	if (needs_text(in->action) && !valid_text_field(in->text, CASE_TEXT_MAX, true))
		ERR("text", "must be 1-8000 bytes of text");
	if (in->action == CASE_ACT_DISPUTE && !valid_text_field(in->text, CASE_TEXT_MAX, false))
		ERR("text", "must be at most 8000 bytes of text");
	int rc = store_begin(app->store, true);
	if (rc != OMB_OK)
		return rc;
	return store_end(app->store, act_in_tx(app, receipt, staff, in, now, err));
}

/* ---- a draft, checked without sending ---- */

static int draft_in_tx(struct app *app, const char *receipt, const struct principal *staff,
		       const struct case_action_in *in, int64_t now, struct case_draft_verdict *out,
		       struct app_error *err)
{
	struct loaded c;
	struct acting by;
	int rc = load(app, receipt, &c);
	if (rc != OMB_OK)
		return rc;
	if ((rc = staff_acting(app, staff, c.org_id, c.category_id, &by)) != OMB_OK) {
		err->reason = "this account may not act on this organisation's cases";
		return rc;
	}
	if ((rc = classify(app, &c, in, &out->v)) != OMB_OK)
		return rc;
	struct desk_result res, due;
	struct admin_desk desk;
	if ((rc = admin_desk_load(app, c.org_id, &desk)) != OMB_OK)
		return rc;
	if ((rc = desk_reply(&desk.cfg, &c.state, &by.who, &out->v, now, &res)) != OMB_OK) {
		err->reason = res.reason;
		return rc;
	}
	/* the reply first applies the deadlines overdue at now: judge it
	 * against the case as it will find it, not as the last sweep left it */
	if ((rc = desk_sweep(&desk.cfg, &c.state, now, &due)) != OMB_OK)
		return rc;
	out->deadline = due.next.answer.kind;
	out->below_level = ladder_role_level(by.who.role) < ladder_required_level(due.next.level);
	out->level_after = res.next.level;
	for (size_t i = 0; i < res.n; i++) {
		const struct desk_event *e = &res.ev[i];
		if (e->kind == DESK_EV_MESSAGE && e->deadline_met != DEADLINE_NONE) {
			out->meets_deadline = true;
			out->deadline = e->deadline_met;
		}
		if (e->kind == DESK_EV_ESCALATED && e->cause == DESK_CAUSE_REPEAT)
			out->climbs = true;
	}
	return OMB_OK;
}

int cases_draft_check(struct app *app, const char *receipt, const struct principal *staff, const char *text,
		      int64_t template_id, int64_t now, struct case_draft_verdict *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	if (!valid_text_field(text, CASE_TEXT_MAX, true))
		ERR("text", "must be 1-8000 bytes of text");
	struct case_action_in in = {.action = CASE_ACT_REPLY, .text = text, .template_id = template_id};
	int rc = store_begin(app->store, false);
	if (rc != OMB_OK)
		return rc;
	rc = draft_in_tx(app, receipt, staff, &in, now, out, err);
	store_rollback(app->store); /* a read: nothing to keep */
	return rc;
}

/* ---- reading ---- */

struct events_ctx {
	struct case_view *v;
	bool customer;
	size_t cap;
};

/* Copies a row's strings into one allocation that ev points into. */
static void event_strings(struct case_event_view *e, const struct store_row *row)
{
	static const int cols[] = {2, 3, 4, 5, 6, 9, 10, 12, 13, 15, 16};
	size_t total = 0, len[11];
	for (int i = 0; i < 11; i++)
		total += (len[i] = strlen(store_row_text(row, cols[i])) + 1);
	char *p = e->strings = xmalloc(total);
	const char **dst[11] = {&e->ev.kind, &e->ev.actor_role, &e->ev.actor_org, &e->ev.actor_staff, &e->actor_dept,
				&e->ev.cause, &e->ev.deadline_set, &e->ev.deadline_met, &e->ev.deadline_missed,
				&e->ev.reply_class, &e->ev.detail};
	for (int i = 0; i < 11; i++) {
		memcpy(p, store_row_text(row, cols[i]), len[i]);
		*dst[i] = p;
		p += len[i];
	}
}

static int event_row(void *ctx, const struct store_row *row)
{
	struct events_ctx *x = ctx;
	struct case_view *v = x->v;
	v->events = xgrow(v->events, v->n_events, &x->cap, sizeof *v->events, 32);
	struct case_event_view *e = &v->events[v->n_events++];
	memset(e, 0, sizeof *e);
	event_strings(e, row);
	e->ev.receipt = v->receipt;
	e->ev.seq = (uint64_t)store_row_int(row, 0);
	e->ev.at_ms = store_row_int(row, 1);
	e->ev.level_before = (uint8_t)store_row_int(row, 7);
	e->ev.level_after = (uint8_t)store_row_int(row, 8);
	e->ev.deadline_due_ms = store_row_int(row, 11);
	e->ev.flags = (uint32_t)store_row_int(row, 14);
	size_t n = 0;
	const void *b = store_row_blob(row, 17, &n);
	if ((e->ev.has_commitment = n == CHAIN_COMMIT_BYTES))
		memcpy(e->ev.commitment, b, n);
	b = store_row_blob(row, 18, &n);
	if (n == CHAIN_HASH_BYTES)
		memcpy(e->hash, b, n);
	bool hidden = x->customer && strcmp(e->ev.kind, "note") == 0;
	if (!store_row_null(row, 19) && !hidden)
		e->text = xstrdup(store_row_text(row, 19));
	return 0;
}

static int personal_row(void *ctx, const struct store_row *row)
{
	struct case_view *v = ctx;
	v->name = xstrdup(store_row_text(row, 1));
	v->contact = xstrdup(store_row_text(row, 2));
	v->subject = xstrdup(store_row_text(row, 3));
	v->text = xstrdup(store_row_text(row, 4));
	return 1;
}

/* Heads with the id of the key that signed each, and (HEAD_LIST) its public
 * key, zero when the key is missing or another organisation's. */
struct heads {
	struct chain_head *items;
	int64_t *keys;
	uint8_t (*pks)[CHAIN_PK_BYTES];
	size_t n, cap;
	bool with_pk;
};

static void heads_free(struct heads *h)
{
	free(h->items);
	free(h->keys);
	free(h->pks);
}

static int head_row(void *ctx, const struct store_row *row)
{
	struct heads *h = ctx;
	size_t cap = h->cap; /* the three arrays grow alike from the same capacity */
	h->keys = xgrow(h->keys, h->n, &cap, sizeof *h->keys, 16);
	cap = h->cap;
	h->pks = xgrow(h->pks, h->n, &cap, sizeof *h->pks, 16);
	h->items = xgrow(h->items, h->n, &h->cap, sizeof *h->items, 16);
	h->keys[h->n] = store_row_int(row, 4);
	memset(h->pks[h->n], 0, CHAIN_PK_BYTES);
	size_t n = 0;
	const void *pk = h->with_pk ? store_row_blob(row, 5, &n) : NULL;
	if (n == CHAIN_PK_BYTES)
		memcpy(h->pks[h->n], pk, n);
	struct chain_head *x = &h->items[h->n++];
	x->seq = (uint64_t)store_row_int(row, 0);
	const void *b = store_row_blob(row, 1, &n);
	memset(x->hash, 0, sizeof x->hash);
	if (n == CHAIN_HASH_BYTES)
		memcpy(x->hash, b, n);
	x->signed_at_ms = store_row_int(row, 2);
	b = store_row_blob(row, 3, &n);
	memset(x->sig, 0, sizeof x->sig);
	if (n == CHAIN_SIG_BYTES)
		memcpy(x->sig, b, n);
	return 0;
}

static bool code_matches(struct app *app, const struct loaded *c, const char *code)
{
	uint8_t want[CRED_HASH_BYTES];
	cred_hash(app->secret, code ? code : "", code ? strlen(code) : 0, want);
	return cred_hash_equal(c->access_hash, want);
}

static int name_row(void *ctx, const struct store_row *row)
{
	const char *name = store_row_text(row, 0);
	if (*name)
		*(char **)ctx = xstrdup(name);
	return 1;
}

/* Personal names are shown only where both the organisation and the staff
 * member allow it (agents are harassed by name); otherwise the staff code. */
static int staff_names(struct app *app, struct case_view *v)
{
	for (size_t i = 0; i < v->n_events; i++) {
		struct case_event_view *e = &v->events[i];
		if (!*e->ev.actor_staff)
			continue;
		for (size_t j = 0; j < i && !e->actor_name; j++)
			if (v->events[j].actor_name && !strcmp(v->events[j].ev.actor_staff, e->ev.actor_staff))
				e->actor_name = xstrdup(v->events[j].actor_name);
		if (!e->actor_name && store_exec(app->store, STORE_Q_STAFF_PUBLIC_NAME, SV_ARGS(SV_TEXT(e->ev.actor_staff)),
						 name_row, &e->actor_name) < 0)
			return OMB_ESTORE;
	}
	return OMB_OK;
}

static int view_in_tx(struct app *app, const char *receipt, const struct reader *who, struct case_view *v,
		      struct app_error *err)
{
	struct loaded c;
	int rc = load(app, receipt, &c);
	if (rc != OMB_OK)
		return rc;
	const struct principal *staff = who->staff;
	if (!staff && !who->trusted && !code_matches(app, &c, who->access_code))
		return OMB_ENOTFOUND;
	struct acting by;
	if (staff) {
		const char *why = NULL;
		if ((rc = staff_acting(app, staff, c.org_id, c.category_id, &by)) == OMB_OK)
			rc = ladder_check_staff(&by.who, c.state.dept_id, &why);
		if (rc != OMB_OK) {
			err->reason = why ? why : "this account may not read this organisation's cases";
			return OMB_EPERM;
		}
	}
	snprintf(v->receipt, sizeof v->receipt, "%s", receipt);
	snprintf(v->org_code, sizeof v->org_code, "%s", c.org_code);
	snprintf(v->category, sizeof v->category, "%s", c.category);
	v->org_id = c.org_id;
	v->state = c.state;
	struct events_ctx x = {v, staff == NULL, 0};
	struct heads h = {0};
	struct key_list keys = {0};
	if ((rc = store_exec(app->store, STORE_Q_CASE_PERSONAL_GET, SV_ARGS(SV_INT(c.id)), personal_row, v)) >= 0 &&
	    (rc = store_exec(app->store, STORE_Q_EVENT_LIST, SV_ARGS(SV_INT(c.id)), event_row, &x)) >= 0 &&
	    (rc = staff_names(app, v)) == OMB_OK &&
	    (rc = store_exec(app->store, STORE_Q_HEAD_LAST, SV_ARGS(SV_INT(c.id)), head_row, &h)) >= 0 &&
	    (rc = attachments_of_case(app, c.id, &v->attachments, &v->n_attachments)) == OMB_OK &&
	    (rc = privacy_erasure_of(app, c.id, &v->erasure)) == OMB_OK &&
	    (rc = org_keys(app, c.org_id, &keys)) == OMB_OK && h.n) {
		v->head = h.items[h.n - 1];
		v->head_key = h.keys[h.n - 1];
		for (size_t i = 0; i < keys.n; i++)
			if (keys.items[i].id == v->head_key)
				memcpy(v->public_key, keys.items[i].public_key, CHAIN_PK_BYTES);
	}
	free(keys.items);
	heads_free(&h);
	return rc < 0 ? rc : OMB_OK;
}

int cases_view(struct app *app, const char *receipt, const struct principal *staff, const char *access_code,
	       struct case_view *out, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	int rc = store_begin(app->store, false);
	if (rc != OMB_OK)
		return rc;
	struct reader who = {staff, access_code, false};
	rc = view_in_tx(app, receipt, &who, out, err);
	store_rollback(app->store); /* a read: nothing to keep */
	if (rc != OMB_OK)
		case_view_free(out);
	return rc;
}

void case_view_free(struct case_view *v)
{
	for (size_t i = 0; i < v->n_events; i++) {
		free(v->events[i].strings);
		free(v->events[i].text);
		free(v->events[i].actor_name);
	}
	free(v->events);
	free(v->name);
	free(v->contact);
	free(v->subject);
	free(v->text);
	free(v->attachments);
	memset(v, 0, sizeof *v);
}

/* ---- verifying ---- */

/* The history's events as chain_verify takes them; borrowed from v. */
static struct chain_event *view_chain(const struct case_view *v)
{
	struct chain_event *evs = xcalloc(v->n_events ? v->n_events : 1, sizeof *evs);
	for (size_t i = 0; i < v->n_events; i++)
		evs[i] = v->events[i].ev;
	return evs;
}

int cases_verify(struct app *app, const char *receipt, struct chain_report *rep, size_t *n_events, size_t *n_heads)
{
	struct app_error err;
	struct case_view v;
	int rc = store_begin(app->store, false);
	if (rc != OMB_OK)
		return rc;
	memset(&v, 0, sizeof v);
	struct reader ombud = {NULL, NULL, true};
	rc = view_in_tx(app, receipt, &ombud, &v, &err);
	struct heads h = {.with_pk = true};
	struct loaded c;
	struct chain_event *evs = NULL;
	uint64_t bad_file = 0;
	int files = OMB_OK;
	if (rc == OMB_OK && (rc = load(app, receipt, &c)) == OMB_OK)
		rc = store_exec(app->store, STORE_Q_HEAD_LIST, SV_ARGS(SV_INT(c.id), SV_INT(c.org_id)), head_row, &h) < 0
			     ? OMB_ESTORE
			     : OMB_OK;
	if (rc == OMB_OK) {
		evs = view_chain(&v);
		files = attachments_verify(app, c.id, evs, v.n_events, &bad_file);
		rc = files == OMB_ECONFLICT ? OMB_OK : files;
	}
	store_rollback(app->store);
	if (rc == OMB_OK) {
		uint8_t (*stored)[CHAIN_HASH_BYTES] = xcalloc(v.n_events ? v.n_events : 1, CHAIN_HASH_BYTES);
		for (size_t i = 0; i < v.n_events; i++)
			memcpy(stored[i], v.events[i].hash, CHAIN_HASH_BYTES);
		chain_verify_keyed(receipt, evs, (const uint8_t(*)[CHAIN_HASH_BYTES])stored, v.n_events, h.items, h.n,
				   (const uint8_t(*)[CHAIN_PK_BYTES])h.pks, rep);
		/* the chain's own faults first: a file can only be judged against an intact event */
		if (rep->fault == CHAIN_INTACT && files == OMB_ECONFLICT)
			*rep = (struct chain_report){.fault = CHAIN_DATA_ALTERED, .event = bad_file};
		*n_events = v.n_events;
		*n_heads = h.n;
		free(stored);
	}
	free(evs);
	heads_free(&h);
	case_view_free(&v);
	return rc;
}

/* ---- the sweep ---- */

struct due_list {
	char receipts[SWEEP_BATCH][RECEIPT_LEN_MAX + 1];
	size_t n;
};

static int due_row(void *ctx, const struct store_row *row)
{
	struct due_list *d = ctx;
	snprintf(d->receipts[d->n++], RECEIPT_LEN_MAX + 1, "%s", store_row_text(row, 0));
	return 0;
}

static int sweep_one(struct app *app, const char *receipt, int64_t now)
{
	struct loaded c;
	int rc = load(app, receipt, &c);
	if (rc != OMB_OK)
		return rc;
	struct admin_desk desk;
	if ((rc = admin_desk_load(app, c.org_id, &desk)) != OMB_OK)
		return rc;
	struct desk_result res;
	if ((rc = desk_sweep(&desk.cfg, &c.state, now, &res)) != OMB_OK)
		return rc;
	struct acting system;
	customer_acting(&system); /* sweep events are the system's: no organisation, no staff code */
	struct append a = {app, &c, receipt, &system, NULL, 0, NULL, NULL, 0, NULL};
	return persist(&a, &res, now);
}

/* Each case in its own transaction, so one bad case cannot hold up others,
 * and two sweepers (the timer and the test clock) never act twice: the
 * transition re-reads the case under the write lock and finds nothing due.
 * A case that fails (its history full, say) stays due and is logged; the
 * cases behind it still move. */
int cases_sweep(struct app *app, int64_t now)
{
	int moved = 0;
	for (int round = 0; round < 100; round++) {
		struct due_list d = {.n = 0};
		int rc = store_exec(app->store, STORE_Q_CASES_DUE, SV_ARGS(SV_INT(now), SV_INT(SWEEP_BATCH)), due_row, &d);
		if (rc < 0)
			return rc;
		size_t failed = 0;
		for (size_t i = 0; i < d.n; i++) {
			if ((rc = store_begin(app->store, true)) != OMB_OK)
				return rc;
			if ((rc = store_end(app->store, sweep_one(app, d.receipts[i], now))) != OMB_OK) {
				log_warn(LOG_MSG("case not swept"), LOG_S("receipt", d.receipts[i]),
					 LOG_S("error", omb_err_name(rc)));
				failed++;
				continue;
			}
			moved++;
		}
		if (d.n < SWEEP_BATCH || failed == d.n)
			break; /* a batch of failures only would come back the same */
	}
	return moved;
}

/* ---- figures, queue, heads ---- */

struct fig_ctx {
	struct figures_case *items;
	size_t n, cap;
};

static int fig_row(void *ctx, const struct store_row *row)
{
	struct fig_ctx *f = ctx;
	if (f->n == FIGURES_MAX_CASES)
		return OMB_ELIMIT;
	f->items = xgrow(f->items, f->n, &f->cap, sizeof *f->items, 256);
	struct desk_case c;
	state_read(row, 0, &c);
	figures_case_from(&c, &f->items[f->n++]);
	return 0;
}

int cases_figures(struct app *app, const char *org_code, int64_t from, int64_t to, int64_t now,
		  struct figures *out)
{
	struct org org;
	int rc = accounts_org_get(app, org_code, &org);
	if (rc != OMB_OK)
		return rc;
	struct fig_ctx f = {0};
	rc = store_exec(app->store, STORE_Q_CASES_FOR_FIGURES, SV_ARGS(SV_INT(org.id), SV_INT(from), SV_INT(to)), fig_row,
			&f);
	if (rc >= 0)
		rc = figures_compute(f.items, f.n, from, to, now, out);
	free(f.items);
	return rc < 0 ? rc : OMB_OK;
}

struct queue_ctx {
	struct case_queue_item *items;
	size_t n, max;
	const struct acting *by;
};

static int queue_row(void *ctx, const struct store_row *row)
{
	struct queue_ctx *q = ctx;
	const char *why;
	if (ladder_check_staff(&q->by->who, store_row_int(row, 9), &why) != OMB_OK)
		return 0; /* another department's case */
	if (q->by->who.rel == LADDER_REL_VENDOR_FOR &&
	    !desk_contract_covers(&q->by->contract, q->by->who.staff_id, store_row_int(row, 11)))
		return 0; /* a category the vendor's contract leaves out */
	struct case_queue_item *it = &q->items[q->n++];
	snprintf(it->receipt, sizeof it->receipt, "%s", store_row_text(row, 0));
	snprintf(it->subject, sizeof it->subject, "%s", store_row_text(row, 1));
	it->level = (enum ladder_level)store_row_int(row, 2);
	it->status = (enum desk_status)store_row_int(row, 3);
	it->answer_kind = (enum deadline_kind)store_row_int(row, 4);
	it->answer_due_ms = store_row_int(row, 5);
	it->final_due_ms = store_row_int(row, 6);
	it->about_center = store_row_int(row, 8) != 0;
	it->mine = store_row_int(row, 7) == q->by->who.staff_id;
	it->deadlines_missed = (uint32_t)store_row_int(row, 10);
	return q->n == q->max;
}

/* Each rung sees its own level and, for managers and the complaints
 * office, what climbed past the rungs below them; everyone sees the cases
 * handed to them (a senior handler gets a lower level's case by routing). */
int cases_queue(struct app *app, const char *org_code, const struct principal *staff, int limit,
		struct case_queue_item **items, size_t *n)
{
	struct org org;
	int rc = accounts_org_get(app, org_code, &org);
	if (rc != OMB_OK)
		return rc;
	struct acting by;
	if ((rc = staff_acting(app, staff, org.id, 0, &by)) != OMB_OK)
		return rc;
	enum ladder_level lo = ladder_role_level(by.who.role), hi = lo;
	if (by.who.role == LADDER_ROLE_ADMIN || by.who.role == LADDER_ROLE_COMPLAINTS)
		lo = LADDER_L1, hi = LADDER_L5;
	if (limit <= 0 || limit > 100)
		limit = 100;
	struct queue_ctx q = {xcalloc((size_t)limit, sizeof *q.items), 0, (size_t)limit, &by};
	rc = store_exec(app->store, STORE_Q_CASES_QUEUE, SV_ARGS(SV_INT(org.id), SV_INT(lo), SV_INT(hi), SV_INT(by.who.staff_id),
					SV_INT(10000)),
			queue_row, &q);
	if (rc < 0) {
		free(q.items);
		return rc;
	}
	*items = q.items;
	*n = q.n;
	return OMB_OK;
}

struct heads_ctx {
	struct case_head_item *items;
	size_t n, cap;
};

static int day_head_row(void *ctx, const struct store_row *row)
{
	struct heads_ctx *h = ctx;
	h->items = xgrow(h->items, h->n, &h->cap, sizeof *h->items, 64);
	struct case_head_item *it = &h->items[h->n++];
	memset(it, 0, sizeof *it);
	snprintf(it->receipt, sizeof it->receipt, "%s", store_row_text(row, 0));
	it->head.seq = (uint64_t)store_row_int(row, 1);
	size_t n = 0;
	const void *b = store_row_blob(row, 2, &n);
	if (n == CHAIN_HASH_BYTES)
		memcpy(it->head.hash, b, n);
	it->head.signed_at_ms = store_row_int(row, 3);
	b = store_row_blob(row, 4, &n);
	if (n == CHAIN_SIG_BYTES)
		memcpy(it->head.sig, b, n);
	it->key = store_row_int(row, 5);
	return 0;
}

int cases_heads_of_day(struct app *app, const char *org_code, int64_t day_ms, struct case_head_item **items,
		       size_t *n, struct case_key **keys, size_t *n_keys)
{
	struct org org;
	int rc = accounts_org_get(app, org_code, &org);
	if (rc != OMB_OK)
		return rc;
	struct keypair k;
	struct heads_ctx h = {0};
	struct key_list l = {0};
	if ((rc = store_begin(app->store, true)) != OMB_OK)
		return rc;
	rc = org_key(app, org.id, &k); /* an organisation with no case yet publishes its first key */
	sodium_memzero(k.sk, sizeof k.sk);
	if (rc == OMB_OK)
		rc = store_exec(app->store, STORE_Q_HEADS_OF_DAY,
				SV_ARGS(SV_INT(org.id), SV_INT(day_ms), SV_INT(day_ms + CLOCK_MS_PER_DAY), SV_INT(100000)),
				day_head_row, &h);
	if (rc >= 0)
		rc = org_keys(app, org.id, &l);
	rc = store_end(app->store, rc < 0 ? rc : OMB_OK);
	if (rc != OMB_OK) {
		free(h.items);
		free(l.items);
		return rc;
	}
	*items = h.items;
	*n = h.n;
	*keys = l.items;
	*n_keys = l.n;
	return OMB_OK;
}

/* ---- categories, templates, referral options ---- */

int cases_category_add(struct app *app, int64_t org_id, const char *code, const char *name, const char *name_en,
		       const char *dept_code, bool about_center, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (!code || strlen(code) < 2 || strlen(code) > 30 || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(code))
		ERR("code", "must be 2-30 upper-case letters, digits or _");
	if (!valid_text_field(name, 120, true))
		ERR("name", "must be 1-120 bytes of text");
	if (!valid_text_field(name_en, 120, false))
		ERR("name_en", "must be at most 120 bytes of text");
	int64_t dept_id = 0;
	int rc = store_exec(app->store, STORE_Q_DEPT_BY_CODE, SV_ARGS(SV_INT(org_id), SV_TEXT(dept_code ? dept_code : "")),
			    store_row_first_int, &dept_id);
	if (rc < 0)
		return rc;
	if (!dept_id)
		ERR("dept", "no such department in this organisation");
	int64_t id;
	rc = store_exec(app->store, STORE_Q_CATEGORY_INSERT,
			SV_ARGS(SV_INT(org_id), SV_INT(dept_id), SV_TEXT(code), SV_TEXT(name), SV_TEXT(name_en ? name_en : ""),
				SV_INT(about_center), SV_INT(clock_now_ms())),
			store_row_first_int, &id);
	if (rc == OMB_EEXIST) {
		err->field = "code";
		err->reason = "already taken";
	}
	return rc < 0 ? rc : OMB_OK;
}

struct cat_ctx {
	struct case_category *items;
	size_t n, cap;
};

static int cat_row(void *ctx, const struct store_row *row)
{
	struct cat_ctx *c = ctx;
	c->items = xgrow(c->items, c->n, &c->cap, sizeof *c->items, 16);
	struct case_category *it = &c->items[c->n++];
	it->id = store_row_int(row, 0);
	snprintf(it->code, sizeof it->code, "%s", store_row_text(row, 1));
	snprintf(it->name, sizeof it->name, "%s", store_row_text(row, 2));
	snprintf(it->name_en, sizeof it->name_en, "%s", store_row_text(row, 3));
	it->about_center = store_row_int(row, 4) != 0;
	snprintf(it->dept, sizeof it->dept, "%s", store_row_text(row, 5));
	return 0;
}

int cases_categories(struct app *app, int64_t org_id, struct case_category **items, size_t *n)
{
	struct cat_ctx c = {0};
	int rc = store_exec(app->store, STORE_Q_CATEGORY_LIST, SV_ARGS(SV_INT(org_id)), cat_row, &c);
	if (rc < 0) {
		free(c.items);
		return rc;
	}
	*items = c.items;
	*n = c.n;
	return OMB_OK;
}

struct template_list {
	struct case_template *items;
	size_t n, cap;
};

static int template_item_row(void *ctx, const struct store_row *row)
{
	struct template_list *l = ctx;
	l->items = xgrow(l->items, l->n, &l->cap, sizeof *l->items, 16);
	struct case_template *t = &l->items[l->n++];
	t->id = store_row_int(row, 0);
	snprintf(t->title, sizeof t->title, "%s", store_row_text(row, 1));
	t->body = xstrdup(store_row_text(row, 2));
	return 0;
}

int cases_templates(struct app *app, int64_t org_id, struct case_template **items, size_t *n)
{
	struct template_list l = {0};
	int rc = store_exec(app->store, STORE_Q_TEMPLATE_LIST, SV_ARGS(SV_INT(org_id)), template_item_row, &l);
	if (rc < 0) {
		cases_templates_free(l.items, l.n);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

void cases_templates_free(struct case_template *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i].body);
	free(items);
}

int cases_template_add(struct app *app, int64_t org_id, const char *title, const char *body, int64_t *id,
		       struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (!valid_text_field(title, 120, true))
		ERR("title", "must be 1-120 bytes of text");
	if (!valid_text_field(body, CASE_TEXT_MAX, true))
		ERR("body", "must be 1-8000 bytes of text");
	int rc = store_exec(app->store, STORE_Q_TEMPLATE_INSERT,
			    SV_ARGS(SV_INT(org_id), SV_TEXT(title), SV_TEXT(body), SV_INT(clock_now_ms())),
			    store_row_first_int, id);
	return rc < 0 ? rc : OMB_OK;
}

int cases_referral_add(struct app *app, int64_t org_id, const char *name, const char *contact, int64_t *id,
		       struct app_error *err)
{
	memset(err, 0, sizeof *err);
	if (!valid_text_field(name, 120, true))
		ERR("name", "must be 1-120 bytes of text");
	if (!valid_text_field(contact, 200, true))
		ERR("contact", "must be 1-200 bytes of text");
	int rc = store_exec(app->store, STORE_Q_REFERRAL_INSERT,
			    SV_ARGS(SV_INT(org_id), SV_TEXT(name), SV_TEXT(contact), SV_INT(clock_now_ms())),
			    store_row_first_int, id);
	return rc < 0 ? rc : OMB_OK;
}

int cases_template_retire(struct app *app, int64_t org_id, int64_t id, int64_t now, struct case_template *out)
{
	struct template_list l = {0};
	int rc = store_exec(app->store, STORE_Q_TEMPLATE_RETIRE, SV_ARGS(SV_INT(org_id), SV_INT(id), SV_INT(now)),
			    template_item_row, &l);
	if (rc < 0 || l.n != 1) {
		cases_templates_free(l.items, l.n);
		return rc < 0 ? rc : OMB_ENOTFOUND;
	}
	*out = l.items[0];
	free(l.items); /* its one item's body now belongs to out */
	return OMB_OK;
}

struct referral_list {
	struct case_referral *items;
	size_t n;
};

static int referral_item_row(void *ctx, const struct store_row *row)
{
	struct referral_list *l = ctx;
	l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
	struct case_referral *o = &l->items[l->n++];
	o->id = store_row_int(row, 0);
	snprintf(o->name, sizeof o->name, "%s", store_row_text(row, 1));
	snprintf(o->contact, sizeof o->contact, "%s", store_row_text(row, 2));
	return 0;
}

int cases_referrals(struct app *app, int64_t org_id, struct case_referral **items, size_t *n)
{
	struct referral_list l = {0};
	int rc = store_exec(app->store, STORE_Q_REFERRAL_LIST, SV_ARGS(SV_INT(org_id)), referral_item_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

int cases_referral_retire(struct app *app, int64_t org_id, int64_t id, int64_t now, struct case_referral *out)
{
	struct referral_list l = {0};
	int rc = store_exec(app->store, STORE_Q_REFERRAL_RETIRE, SV_ARGS(SV_INT(org_id), SV_INT(id), SV_INT(now)),
			    referral_item_row, &l);
	if (rc >= 0 && l.n == 1)
		*out = l.items[0];
	free(l.items);
	return rc < 0 ? rc : l.n == 1 ? OMB_OK : OMB_ENOTFOUND;
}

/* ---- the download ---- */

static void hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static void iso(int64_t ms, char out[32])
{
	if (ms <= 0 || ms == DEADLINE_NEVER)
		snprintf(out, 32, "-");
	else
		clock_format_iso(ms, out, 32);
}

static void doc_history(struct doc *d, const struct case_view *v)
{
	struct doc_section *s = doc_section(d, "history", "처리 이력 / History");
	static const char *keys[] = {"seq", "at", "event", "by", "level", "deadline", "flags", "text"};
	static const char *labels[] = {"#", "시각 / Time", "사건 / Event", "작성자 / By", "단계 / Level",
				       "기한 / Deadline", "표시 / Flags", "내용 / Text"};
	struct doc_table *t = doc_table(d, s, 8, keys, labels);
	for (size_t i = 0; i < v->n_events; i++) {
		const struct chain_event *e = &v->events[i].ev;
		char seq[24], at[32], by[160], level[16], deadline[96], due[32];
		snprintf(seq, sizeof seq, "%llu", (unsigned long long)e->seq);
		iso(e->at_ms, at);
		snprintf(by, sizeof by, "%s%s%s%s%s%s%s", e->actor_role, *e->actor_org ? " " : "", e->actor_org,
			 *v->events[i].actor_dept ? "/" : "", v->events[i].actor_dept, *e->actor_staff ? " " : "",
			 e->actor_staff);
		snprintf(level, sizeof level, "L%u→L%u", e->level_before, e->level_after);
		iso(e->deadline_due_ms, due);
		if (*e->deadline_missed)
			snprintf(deadline, sizeof deadline, "missed %s", e->deadline_missed);
		else if (*e->deadline_met)
			snprintf(deadline, sizeof deadline, "met %s%s", e->deadline_met,
				 e->flags & CHAIN_FLAG_IN_TIME ? " in time" : " late");
		else if (*e->deadline_set)
			snprintf(deadline, sizeof deadline, "%s due %s", e->deadline_set, due);
		else
			deadline[0] = '\0';
		const char *text = v->events[i].text                          ? v->events[i].text
				   : v->erasure.erased && e->has_commitment ? CASES_ERASED_MARK
				   : strcmp(e->kind, "note") == 0            ? "(internal note)"
									     : "";
		const char *cells[] = {seq, at, e->kind, by, level, deadline,
				       e->flags & CHAIN_FLAG_REPEATED ? "repeated_answer" : "", text};
		doc_row(d, t, cells);
	}
}

static struct doc *case_doc(const struct case_view *v, const char *kind, const char *title_ko_en);

struct doc *cases_document(const struct case_view *v)
{
	return case_doc(v, "case", "민원 기록 / Case record");
}

struct referral_table {
	struct doc *d;
	struct doc_table *t;
};

static int referral_doc_row(void *ctx, const struct store_row *row)
{
	struct referral_table *rt = ctx;
	const char *cells[] = {store_row_text(row, 1), store_row_text(row, 2)};
	doc_row(rt->d, rt->t, cells);
	return 0;
}

int cases_referral_package(struct app *app, const struct case_view *v, struct doc **out)
{
	if (v->state.level != LADDER_L5)
		return OMB_ECONFLICT;
	struct doc *d = case_doc(v, "referral", "외부 구제 안내 / Referral package");
	struct doc_section *s = doc_section(d, "referral", "외부 구제 기관 / Where to take this case");
	static const char *keys[] = {"name", "contact"}, *labels[] = {"기관 / Body", "연락처 / Contact"};
	struct referral_table rt = {d, doc_table(d, s, 2, keys, labels)};
	int rc = store_exec(app->store, STORE_Q_REFERRAL_LIST, SV_ARGS(SV_INT(v->org_id)), referral_doc_row, &rt);
	if (rc < 0) {
		doc_free(d);
		return rc;
	}
	*out = d;
	return OMB_OK;
}

static struct doc *case_doc(const struct case_view *v, const char *kind, const char *title_ko_en)
{
	char title[128], buf[160];
	snprintf(title, sizeof title, "%s %s", title_ko_en, v->receipt);
	struct doc *d = doc_new(kind, title);
	struct doc_section *s = doc_section(d, "case", "사건 / Case");
	doc_field(d, s, "receipt", "접수번호 / Receipt number", v->receipt);
	doc_field(d, s, "org", "기관 / Organisation", v->org_code);
	doc_field(d, s, "category", "분류 / Category", v->category);
	doc_field(d, s, "subject", "제목 / Subject", v->erasure.erased ? CASES_ERASED_MARK : v->subject);
	if (v->erasure.erased) {
		iso(v->erasure.at_ms, buf);
		char line[192];
		snprintf(line, sizeof line, "%s (%s)", buf, v->erasure.cause);
		doc_field(d, s, "erased", "개인정보 삭제 / Personal data erased", line);
	}
	doc_field(d, s, "level", "단계 / Level", ladder_level_name(v->state.level));
	doc_field(d, s, "status", "상태 / Status", desk_status_name(v->state.status));
	iso(v->state.opened_ms, buf);
	doc_field(d, s, "opened", "접수 / Opened", buf);
	iso(v->state.answer.kind ? v->state.answer.due_ms : 0, buf);
	doc_field(d, s, "answer_due", "답변 기한 / Answer due", buf);
	iso(v->state.final.kind ? v->state.final.due_ms : 0, buf);
	doc_field(d, s, "final_due", "최종 답변 기한 / Final answer due", buf);
	doc_history(d, v);
	struct doc_section *c = doc_section(d, "chain", "위변조 확인 / Integrity");
	char h[2 * CHAIN_SIG_BYTES + 1];
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v->head.seq);
	doc_field(d, c, "head_seq", "마지막 사건 / Last event", buf);
	hex(v->head.hash, CHAIN_HASH_BYTES, h);
	doc_field(d, c, "head_hash", "체인 헤드 / Chain head (SHA-256)", h);
	iso(v->head.signed_at_ms, buf);
	doc_field(d, c, "signed_at", "서명 시각 / Signed at", buf);
	hex(v->head.sig, CHAIN_SIG_BYTES, h);
	doc_field(d, c, "signature", "서명 / Signature (Ed25519)", h);
	hex(v->public_key, CHAIN_PK_BYTES, h);
	doc_field(d, c, "public_key", "기관 공개키 / Organisation's public key", h);
	return d;
}

/* ---- lost access codes ---- */

static int otp_send_in_tx(struct app *app, const char *receipt, int64_t now)
{
	struct loaded c;
	int rc = load(app, receipt, &c);
	if (rc == OMB_ENOTFOUND)
		return OMB_OK; /* nothing to send, and nothing to tell */
	if (rc != OMB_OK)
		return rc;
	char code[7], contact[128] = "";
	uint8_t hash[CRED_HASH_BYTES];
	cred_code_digits(code, 6);
	cred_hash(app->secret, code, strlen(code), hash);
	rc = store_exec(app->store, STORE_Q_CASE_PERSONAL_GET, SV_ARGS(SV_INT(c.id)), personal_contact, contact);
	if (rc >= 0 && !*contact)
		return OMB_OK; /* erased: nobody to send it to */
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_OTP_PUT,
				SV_ARGS(SV_INT(c.id), SV_BLOB(hash, sizeof hash), SV_INT(now + CASE_OTP_TTL_MS)), NULL, NULL);
	if (rc < 0)
		return rc;
	char *body = xasprintf("[%s] 인증번호 %s (10분간 유효) / One-time code %s for case %s, valid 10 minutes",
			       c.org_code, code, code, receipt);
	notify(app, c.org_id, contact, receipt, body);
	free(body);
	return OMB_OK;
}

int cases_otp_send(struct app *app, const char *receipt, int64_t now)
{
	int rc = store_begin(app->store, true);
	return rc != OMB_OK ? rc : store_end(app->store, otp_send_in_tx(app, receipt, now));
}

struct otp_row {
	uint8_t hash[CRED_HASH_BYTES];
	int64_t expires_ms, attempts;
	bool found;
};

static int otp_row(void *ctx, const struct store_row *row)
{
	struct otp_row *o = ctx;
	size_t n = 0;
	const void *h = store_row_blob(row, 0, &n);
	if (n == CRED_HASH_BYTES)
		memcpy(o->hash, h, n);
	o->expires_ms = store_row_int(row, 1);
	o->attempts = store_row_int(row, 2);
	o->found = n == CRED_HASH_BYTES;
	return 1;
}

static int otp_exchange_in_tx(struct app *app, const char *receipt, const char *code, int64_t now,
			      char access_code[RECEIPT_CODE_LEN + 1])
{
	struct loaded c;
	struct otp_row o = {.found = false};
	int rc = load(app, receipt, &c);
	if (rc == OMB_OK)
		rc = store_exec(app->store, STORE_Q_OTP_GET, SV_ARGS(SV_INT(c.id)), otp_row, &o);
	if (rc < 0)
		return rc;
	if (!o.found || o.expires_ms <= now || o.attempts >= CASE_OTP_ATTEMPTS)
		return OMB_ENOTFOUND;
	uint8_t want[CRED_HASH_BYTES];
	cred_hash(app->secret, code, strlen(code), want);
	if (!cred_hash_equal(o.hash, want)) {
		rc = store_exec(app->store, STORE_Q_OTP_ATTEMPT, SV_ARGS(SV_INT(c.id)), NULL, NULL);
		return rc < 0 ? rc : OMB_EAUTH; /* the attempt is counted: commit it */
	}
	receipt_access_code_new(access_code);
	cred_hash(app->secret, access_code, strlen(access_code), want);
	rc = store_exec(app->store, STORE_Q_CASE_ACCESS_SET, SV_ARGS(SV_BLOB(want, sizeof want), SV_INT(c.id)), NULL, NULL);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_OTP_DELETE, SV_ARGS(SV_INT(c.id)), NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

int cases_otp_exchange(struct app *app, const char *receipt, const char *code, int64_t now,
		       char access_code[RECEIPT_CODE_LEN + 1])
{
	int rc = store_begin(app->store, true);
	if (rc != OMB_OK)
		return rc;
	rc = otp_exchange_in_tx(app, receipt, code, now, access_code);
	/* a wrong code still commits its counted attempt */
	int end = store_end(app->store, rc == OMB_EAUTH ? OMB_OK : rc);
	return end != OMB_OK ? end : rc == OMB_EAUTH ? OMB_ENOTFOUND : OMB_OK;
}

/* ---- hand-over inside another use case's transaction ---- */

/* desk_assign by `by` to to_staff_code, or to the queue when NULL. */
static int assign_in_tx(struct app *app, struct loaded *c, const char *receipt, const struct acting *by,
			const char *to_staff_code, int64_t now, struct app_error *err)
{
	struct ladder_actor to;
	int rc = to_staff_code ? assignee_of(app, c, to_staff_code, &to) : OMB_OK;
	if (rc != OMB_OK)
		return rc;
	struct desk_result res;
	memset(&res, 0, sizeof res);
	struct admin_desk desk;
	if ((rc = admin_desk_load(app, c->org_id, &desk)) != OMB_OK)
		return rc;
	if ((rc = desk_assign(&desk.cfg, &c->state, &by->who, to_staff_code ? &to : NULL, now, &res)) != OMB_OK) {
		err->reason = res.reason;
		return rc;
	}
	/* the hand-over names its assignee, as one made by the assign action does */
	char *detail = to_staff_code ? xasprintf("assignee=%s", to_staff_code) : NULL;
	struct append a = {app, c, receipt, by, NULL, DESK_EV_ASSIGNED, detail, NULL, 0, NULL};
	rc = persist(&a, &res, now);
	free(detail);
	return rc;
}

int cases_handover(struct app *app, const char *receipt, const struct principal *from, const char *to_staff_code,
		   int64_t now, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	struct loaded c;
	struct acting by;
	int rc = load(app, receipt, &c);
	if (rc == OMB_OK && (rc = staff_acting(app, from, c.org_id, c.category_id, &by)) != OMB_OK)
		err->reason = "this account may not act on this organisation's cases";
	return rc != OMB_OK ? rc : assign_in_tx(app, &c, receipt, &by, to_staff_code, now, err);
}

int cases_route(struct app *app, const char *receipt, const char *to_staff_code, int64_t now, struct app_error *err)
{
	memset(err, 0, sizeof *err);
	struct loaded c;
	struct acting by = {.who.role = LADDER_ROLE_SYSTEM, .org_code = "", .staff_code = ""};
	int rc = load(app, receipt, &c);
	return rc != OMB_OK ? rc : assign_in_tx(app, &c, receipt, &by, to_staff_code, now, err);
}
