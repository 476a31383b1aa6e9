/* accounts.c — organisations, staff, sessions and API keys over the store. */
#include "app/accounts.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/text.h"

#define SESSION_PREFIX "ombs"
#define APIKEY_PREFIX  "ombk"

static const char *const kind_names[ORG_KIND_COUNT] = {
	"company", "vendor", "regulator", "carrier", "police", "telemarketer",
};

static const char *const role_names[ROLE_COUNT] = {
	"none", "agent", "supervisor", "practitioner", "manager", "complaints", "admin",
	"regulator", "screener", "investigator", "telemarketer", "machine",
};

/* Which staff roles each kind of organisation has (ARCHITECTURE.md). Every
 * organisation has an admin who manages its accounts. */
static const unsigned kind_roles[ORG_KIND_COUNT] = {
	[ORG_COMPANY] = ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_PRACTITIONER) | ROLE_BIT(ROLE_MANAGER) |
			ROLE_BIT(ROLE_COMPLAINTS) | ROLE_BIT(ROLE_ADMIN),
	[ORG_VENDOR] = ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN),
	[ORG_REGULATOR] = ROLE_BIT(ROLE_REGULATOR) | ROLE_BIT(ROLE_ADMIN),
	[ORG_CARRIER] = ROLE_BIT(ROLE_SCREENER) | ROLE_BIT(ROLE_ADMIN),
	[ORG_POLICE] = ROLE_BIT(ROLE_INVESTIGATOR) | ROLE_BIT(ROLE_ADMIN),
	[ORG_TELEMARKETER] = ROLE_BIT(ROLE_TELEMARKETER) | ROLE_BIT(ROLE_ADMIN),
};

/* Short role tags for staff codes: HB-AGT-0003. */
static const char *const role_tags[ROLE_COUNT] = {
	"NON", "AGT", "SUP", "PRC", "MGR", "CMP", "ADM", "REG", "SCR", "INV", "TMK", "MCH",
};

const char *org_kind_name(enum org_kind kind)
{
	return kind < ORG_KIND_COUNT ? kind_names[kind] : "unknown";
}

int org_kind_parse(const char *s, enum org_kind *out)
{
	for (int i = 0; i < ORG_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum org_kind)i;
			return OMB_OK;
		}
	return OMB_EINVAL;
}

const char *role_name(enum role role)
{
	return role < ROLE_COUNT ? role_names[role] : "unknown";
}

int role_parse(const char *s, enum role *out)
{
	for (int i = ROLE_AGENT; i < ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum role)i;
			return OMB_OK;
		}
	return OMB_EINVAL;
}

bool role_allowed_in(enum role role, enum org_kind kind)
{
	return kind < ORG_KIND_COUNT && role < ROLE_COUNT && (kind_roles[kind] & ROLE_BIT(role));
}

static bool valid_code(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return false;
	return isupper((unsigned char)s[0]);
}

static bool valid_login(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

static bool valid_text(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return !required;
	return n <= max && text_is_clean_utf8(s, n) && !strpbrk(s, "\r\n");
}

#define FAIL(f) do { *field = (f); return OMB_EINVAL; } while (0)

/* ---- organisations ---- */

static void row_org(const struct store_row *row, struct org *o)
{
	o->id = store_row_int(row, 0);
	snprintf(o->code, sizeof o->code, "%s", store_row_text(row, 1));
	org_kind_parse(store_row_text(row, 2), &o->kind);
	snprintf(o->name, sizeof o->name, "%s", store_row_text(row, 3));
	snprintf(o->name_en, sizeof o->name_en, "%s", store_row_text(row, 4));
	o->show_names = store_row_int(row, 5) != 0;
}

static int one_org(void *ctx, const struct store_row *row)
{
	row_org(row, ctx);
	return 1;
}

int accounts_org_create(struct app *app, const struct org_new *in, int64_t *id, const char **field)
{
	if (!in->code || !valid_code(in->code, 2, 8)) /* 8: it heads receipt numbers */
		FAIL("code");
	if (!valid_text(in->name, 120, true))
		FAIL("name");
	if (!valid_text(in->name_en, 120, false))
		FAIL("name_en");
	if (in->kind >= ORG_KIND_COUNT)
		FAIL("kind");
	int rc = store_exec(app->store, STORE_Q_ORG_INSERT,
			    SV_ARGS(SV_TEXT(in->code), SV_TEXT(kind_names[in->kind]), SV_TEXT(in->name),
				    SV_TEXT(in->name_en ? in->name_en : ""), SV_INT(in->show_names),
				    SV_INT(clock_now_ms())),
			    store_row_first_int, id);
	if (rc == OMB_EEXIST)
		*field = "code";
	return rc < 0 ? rc : OMB_OK;
}

int accounts_org_get(struct app *app, const char *code, struct org *out)
{
	int rc = store_exec(app->store, STORE_Q_ORG_BY_CODE, SV_ARGS(SV_TEXT(code)), one_org, out);
	return rc < 0 ? rc : rc == 0 ? OMB_ENOTFOUND : OMB_OK;
}

/* A bounded page of rows collected into a malloc'd array of fixed-size items. */
struct page {
	void *items;
	size_t n, size, max;
	void (*fill)(const struct store_row *row, void *item);
};

static int page_row(void *ctx, const struct store_row *row)
{
	struct page *p = ctx;
	if (p->n == p->max)
		return 0;
	p->fill(row, (char *)p->items + p->n * p->size);
	p->n++;
	return 0;
}

static int page_query(struct app *app, enum store_query q, const struct store_val *args, size_t nargs,
		      size_t size, void (*fill)(const struct store_row *, void *), void **items, size_t *n)
{
	size_t max = (size_t)args[nargs - 1].i;
	struct page p = {xcalloc(max ? max : 1, size), 0, size, max, fill};
	int rc = store_exec(app->store, q, args, nargs, page_row, &p);
	if (rc < 0) {
		free(p.items);
		return rc;
	}
	*items = p.items;
	*n = p.n;
	return OMB_OK;
}

static int clamp_limit(int limit)
{
	return limit <= 0 || limit > ACCOUNTS_PAGE_MAX ? ACCOUNTS_PAGE_MAX : limit;
}

static void fill_org(const struct store_row *row, void *item)
{
	row_org(row, item);
}

int accounts_org_list(struct app *app, int64_t after, int limit, struct org **items, size_t *n)
{
	return page_query(app, STORE_Q_ORG_LIST, SV_ARGS(SV_INT(after), SV_INT(clamp_limit(limit))),
			  sizeof **items, fill_org, (void **)items, n);
}

int accounts_vendor_add_client(struct app *app, int64_t vendor_id, int64_t client_id)
{
	int rc = store_exec(app->store, STORE_Q_VENDOR_CLIENT_INSERT,
			    SV_ARGS(SV_INT(vendor_id), SV_INT(client_id), SV_INT(clock_now_ms())), NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

int accounts_org_set_show_names(struct app *app, int64_t org_id, bool show)
{
	int rc = store_exec(app->store, STORE_Q_ORG_SET_SHOW_NAMES, SV_ARGS(SV_INT(show), SV_INT(org_id)), NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

static int contract_row(void *ctx, const struct store_row *row)
{
	struct desk_contract *c = ctx;
	c->exists = true;
	c->all_categories = store_row_int(row, 0) != 0;
	c->all_agents = store_row_int(row, 1) != 0;
	return 1;
}

static int contract_category_row(void *ctx, const struct store_row *row)
{
	struct desk_contract *c = ctx;
	c->categories[c->n_categories++] = store_row_int(row, 0);
	return c->n_categories == CONTRACT_CATEGORIES_MAX;
}

static int contract_agent_row(void *ctx, const struct store_row *row)
{
	struct desk_contract *c = ctx;
	c->agents[c->n_agents++] = store_row_int(row, 0);
	return c->n_agents == CONTRACT_AGENTS_MAX;
}

int accounts_vendor_contract(struct app *app, int64_t vendor_id, int64_t client_id, struct desk_contract *out)
{
	memset(out, 0, sizeof *out);
	int rc = store_exec(app->store, STORE_Q_CONTRACT_GET, SV_ARGS(SV_INT(vendor_id), SV_INT(client_id)),
			    contract_row, out);
	if (rc >= 0 && out->exists && !out->all_categories)
		rc = store_exec(app->store, STORE_Q_CONTRACT_CATEGORIES, SV_ARGS(SV_INT(vendor_id), SV_INT(client_id)),
				contract_category_row, out);
	if (rc >= 0 && out->exists && !out->all_agents)
		rc = store_exec(app->store, STORE_Q_CONTRACT_AGENTS, SV_ARGS(SV_INT(vendor_id), SV_INT(client_id)),
				contract_agent_row, out);
	return rc < 0 ? rc : OMB_OK;
}

bool accounts_vendor_acts_for(struct app *app, int64_t vendor_id, int64_t staff_id, int64_t client_id,
			      int64_t category_id)
{
	struct desk_contract c;
	return accounts_vendor_contract(app, vendor_id, client_id, &c) == OMB_OK &&
	       desk_contract_covers(&c, staff_id, category_id);
}

struct clients {
	char (*codes)[ORG_CODE_MAX];
	size_t n, max;
};

static int client_row(void *ctx, const struct store_row *row)
{
	struct clients *c = ctx;
	snprintf(c->codes[c->n++], ORG_CODE_MAX, "%s", store_row_text(row, 0));
	return c->n == c->max;
}

int accounts_vendor_clients(struct app *app, int64_t vendor_id, char codes[][ORG_CODE_MAX], size_t max, size_t *n)
{
	struct clients c = {codes, 0, max};
	*n = 0;
	if (max == 0)
		return OMB_OK;
	int rc = store_exec(app->store, STORE_Q_VENDOR_CLIENTS, SV_ARGS(SV_INT(vendor_id)), client_row, &c);
	*n = c.n;
	return rc < 0 ? rc : OMB_OK;
}

/* ---- departments ---- */

int accounts_dept_create(struct app *app, int64_t org_id, const struct dept_new *in, int64_t *id,
			 const char **field)
{
	if (!in->code || !valid_code(in->code, 2, 24))
		FAIL("code");
	if (!valid_text(in->name, 120, true))
		FAIL("name");
	if (!valid_text(in->name_en, 120, false))
		FAIL("name_en");
	if (!valid_text(in->contact_line, 40, false))
		FAIL("contact_line");
	if (!valid_text(in->manager_title, 120, false))
		FAIL("manager_title");
	int rc = store_exec(app->store, STORE_Q_DEPT_INSERT,
			    SV_ARGS(SV_INT(org_id), SV_TEXT(in->code), SV_TEXT(in->name),
				    SV_TEXT(in->name_en ? in->name_en : ""),
				    SV_TEXT(in->contact_line ? in->contact_line : ""),
				    SV_TEXT(in->manager_title ? in->manager_title : ""), SV_INT(clock_now_ms())),
			    store_row_first_int, id);
	if (rc == OMB_EEXIST)
		*field = "code";
	return rc < 0 ? rc : OMB_OK;
}

static void fill_dept(const struct store_row *row, void *item)
{
	struct dept *d = item;
	d->id = store_row_int(row, 0);
	snprintf(d->code, sizeof d->code, "%s", store_row_text(row, 1));
	snprintf(d->name, sizeof d->name, "%s", store_row_text(row, 2));
	snprintf(d->name_en, sizeof d->name_en, "%s", store_row_text(row, 3));
	snprintf(d->contact_line, sizeof d->contact_line, "%s", store_row_text(row, 4));
	snprintf(d->manager_title, sizeof d->manager_title, "%s", store_row_text(row, 5));
}

int accounts_dept_list(struct app *app, int64_t org_id, int64_t after, int limit, struct dept **items,
		       size_t *n)
{
	return page_query(app, STORE_Q_DEPT_LIST, SV_ARGS(SV_INT(org_id), SV_INT(after), SV_INT(clamp_limit(limit))),
			  sizeof **items, fill_dept, (void **)items, n);
}

/* ---- staff ---- */

static int staff_validate(const struct staff_new *in, const char **field)
{
	if (!in->login || !valid_login(in->login))
		FAIL("login");
	size_t pw = in->password ? strlen(in->password) : 0;
	if (!in->pw_hash && (pw < 10 || pw > 256))
		FAIL("password");
	if (!valid_text(in->display_name, 120, false))
		FAIL("display_name");
	return OMB_OK;
}

/* Staff codes are ORG-ROLE-NNNN, numbered per organisation; a race between
 * two creators is settled by the unique index and a retry. */
static int staff_insert(struct app *app, const struct org *org, int64_t dept_id, const struct staff_new *in,
			const char *pw_hash, int64_t *id, char code[STAFF_CODE_MAX])
{
	for (int attempt = 0; attempt < 5; attempt++) {
		int64_t count = 0;
		int rc = store_exec(app->store, STORE_Q_STAFF_COUNT_IN_ORG, SV_ARGS(SV_INT(org->id)),
				    store_row_first_int, &count);
		if (rc < 0)
			return rc;
		snprintf(code, STAFF_CODE_MAX, "%s-%s-%04d", org->code, role_tags[in->role],
			 (int)(count + 1 + attempt));
		rc = store_exec(app->store, STORE_Q_STAFF_INSERT,
				SV_ARGS(SV_INT(org->id), dept_id ? SV_INT(dept_id) : SV_NULL, SV_TEXT(in->login),
					SV_TEXT(pw_hash), SV_TEXT(role_names[in->role]), SV_TEXT(code),
					SV_TEXT(in->display_name ? in->display_name : ""), SV_INT(in->show_name),
					SV_INT(clock_now_ms())),
				store_row_first_int, id);
		if (rc != OMB_EEXIST)
			return rc < 0 ? rc : OMB_OK;
		int64_t taken = 0;
		if (store_exec(app->store, STORE_Q_STAFF_LOGIN, SV_ARGS(SV_TEXT(in->login)), store_row_first_int,
			       &taken) > 0)
			return OMB_EEXIST; /* the login, not the code, is taken */
	}
	return OMB_EAGAIN;
}

int accounts_staff_create(struct app *app, const struct staff_new *in, int64_t *id,
			  char staff_code[STAFF_CODE_MAX], const char **field)
{
	int rc = staff_validate(in, field);
	if (rc != OMB_OK)
		return rc;
	struct org org;
	if (!in->org_code || accounts_org_get(app, in->org_code, &org) != OMB_OK) {
		*field = "org";
		return OMB_ENOTFOUND;
	}
	if (!role_allowed_in(in->role, org.kind))
		FAIL("role");
	int64_t dept_id = 0;
	if (in->dept_code && *in->dept_code &&
	    store_exec(app->store, STORE_Q_DEPT_BY_CODE, SV_ARGS(SV_INT(org.id), SV_TEXT(in->dept_code)),
		       store_row_first_int, &dept_id) <= 0)
		FAIL("dept");
	char pw_hash[CRED_PWHASH_MAX];
	if (in->pw_hash)
		snprintf(pw_hash, sizeof pw_hash, "%s", in->pw_hash);
	else if (cred_password_hash(in->password, pw_hash) != OMB_OK)
		FAIL("password");
	char code[STAFF_CODE_MAX];
	rc = staff_insert(app, &org, dept_id, in, pw_hash, id, code);
	if (rc == OMB_EEXIST)
		*field = "login";
	if (rc == OMB_OK && staff_code)
		memcpy(staff_code, code, STAFF_CODE_MAX);
	return rc;
}

static void fill_staff(const struct store_row *row, void *item)
{
	struct staff *s = item;
	s->id = store_row_int(row, 0);
	snprintf(s->login, sizeof s->login, "%s", store_row_text(row, 1));
	role_parse(store_row_text(row, 2), &s->role);
	snprintf(s->staff_code, sizeof s->staff_code, "%s", store_row_text(row, 3));
	snprintf(s->display_name, sizeof s->display_name, "%s", store_row_text(row, 4));
	s->show_name = store_row_int(row, 5) != 0;
	s->active = store_row_int(row, 6) != 0;
	snprintf(s->dept_code, sizeof s->dept_code, "%s", store_row_text(row, 7));
	s->left_ms = store_row_int(row, 8);
}

static int staff_row(void *ctx, const struct store_row *row)
{
	fill_staff(row, ctx);
	return 1;
}

int accounts_staff_get(struct app *app, int64_t org_id, const char *code, struct staff *out)
{
	memset(out, 0, sizeof *out);
	int rc = store_exec(app->store, STORE_Q_STAFF_GET, SV_ARGS(SV_INT(org_id), SV_TEXT(code ? code : "")),
			    staff_row, out);
	return rc < 0 ? rc : rc == 0 ? OMB_ENOTFOUND : OMB_OK;
}

int accounts_staff_list(struct app *app, int64_t org_id, int64_t after, int limit, struct staff **items,
			size_t *n)
{
	return page_query(app, STORE_Q_STAFF_LIST, SV_ARGS(SV_INT(org_id), SV_INT(after), SV_INT(clamp_limit(limit))),
			  sizeof **items, fill_staff, (void **)items, n);
}

/* ---- sessions ---- */

struct login_row {
	int64_t id;
	char pw_hash[CRED_PWHASH_MAX];
	bool active;
};

static int login_cb(void *ctx, const struct store_row *row)
{
	struct login_row *l = ctx;
	l->id = store_row_int(row, 0);
	snprintf(l->pw_hash, sizeof l->pw_hash, "%s", store_row_text(row, 1));
	l->active = store_row_int(row, 2) != 0;
	return 1;
}

int accounts_login(struct app *app, const char *login, const char *password, int64_t now,
		   char token[CRED_TOKEN_MAX], char csrf[CRED_TOKEN_MAX], struct principal *who)
{
	struct login_row l = {0};
	int rc = store_exec(app->store, STORE_Q_STAFF_LOGIN, SV_ARGS(SV_TEXT(login)), login_cb, &l);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		cred_password_burn();
		return OMB_EAUTH;
	}
	if (!cred_password_verify(l.pw_hash, password) || !l.active)
		return OMB_EAUTH;
	char selector[16], csrf_sel[16];
	uint8_t token_hash[CRED_HASH_BYTES], csrf_hash[CRED_HASH_BYTES];
	cred_token_new(SESSION_PREFIX, token, selector);
	cred_token_new("csrf", csrf, csrf_sel);
	cred_hash(app->secret, token, strlen(token), token_hash);
	cred_hash(app->secret, csrf, strlen(csrf), csrf_hash);
	rc = store_exec(app->store, STORE_Q_SESSION_INSERT,
			SV_ARGS(SV_TEXT(selector), SV_BLOB(token_hash, sizeof token_hash),
				SV_BLOB(csrf_hash, sizeof csrf_hash), SV_INT(l.id), SV_INT(now),
				SV_INT(now + app->cfg->session_ttl_s * 1000)),
			NULL, NULL);
	if (rc < 0)
		return rc;
	return accounts_authenticate(app, token, now, who);
}

int accounts_logout(struct app *app, const char *token)
{
	char selector[16];
	if (!cred_token_selector(token, SESSION_PREFIX, selector))
		return OMB_EAUTH;
	int rc = store_exec(app->store, STORE_Q_SESSION_DELETE, SV_ARGS(SV_TEXT(selector)), NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

struct auth_ctx {
	const uint8_t *want;        /* hash of the presented token */
	int64_t now;
	struct principal *out;
	int rc;
};

static bool blob_matches(const struct store_row *row, int col, const uint8_t *want)
{
	size_t len = 0;
	const void *have = store_row_blob(row, col, &len);
	return len == CRED_HASH_BYTES && cred_hash_equal(have, want);
}

static void set_org(struct principal *p, const struct store_row *row, int col)
{
	p->org_id = store_row_int(row, col);
	snprintf(p->org_code, sizeof p->org_code, "%s", store_row_text(row, col + 1));
	org_kind_parse(store_row_text(row, col + 2), &p->org_kind);
}

static int session_cb(void *ctx, const struct store_row *row)
{
	struct auth_ctx *a = ctx;
	struct principal *p = a->out;
	if (!blob_matches(row, 0, a->want) || store_row_int(row, 2) <= a->now || !store_row_int(row, 7))
		return 1; /* rc stays OMB_EAUTH */
	size_t len = 0;
	memcpy(p->csrf_hash, store_row_blob(row, 1, &len), CRED_HASH_BYTES);
	p->staff_id = store_row_int(row, 3);
	role_parse(store_row_text(row, 4), &p->role);
	snprintf(p->staff_code, sizeof p->staff_code, "%s", store_row_text(row, 5));
	p->dept_id = store_row_int(row, 6);
	set_org(p, row, 8);
	p->via_session = true;
	a->rc = OMB_OK;
	return 1;
}

static int apikey_cb(void *ctx, const struct store_row *row)
{
	struct auth_ctx *a = ctx;
	struct principal *p = a->out;
	if (!blob_matches(row, 0, a->want) || store_row_int(row, 2))
		return 1;
	snprintf(p->scopes, sizeof p->scopes, "%s", store_row_text(row, 1));
	set_org(p, row, 3);
	p->role = ROLE_MACHINE;
	a->rc = OMB_OK;
	return 1;
}

/* Machine clients (a SIP proxy checking every call) present the same API key
 * thousands of times a second; reading it from the store each time cost more
 * than the check. A slot holds the key's keyed hash, never the key, and the
 * principal, for cfg->key_cache_ms. Direct-mapped by the hash: a collision
 * only evicts. */
#define KEY_CACHE_SLOTS 64

struct key_slot {
	uint8_t hash[CRED_HASH_BYTES];
	int64_t until_ms;          /* 0 = empty */
	struct principal who;
};

struct key_cache {
	pthread_mutex_t lock;
	uint64_t generation;       /* moves on each flush */
	struct key_slot slot[KEY_CACHE_SLOTS];
};

struct key_cache *accounts_key_cache_new(void)
{
	struct key_cache *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void accounts_key_cache_free(struct key_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	sodium_memzero(c, sizeof *c);
	free(c);
}

void accounts_key_cache_flush(struct key_cache *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < KEY_CACHE_SLOTS; i++)
		c->slot[i].until_ms = 0;
	c->generation++;
	pthread_mutex_unlock(&c->lock);
}

static uint64_t key_generation(struct key_cache *c)
{
	pthread_mutex_lock(&c->lock);
	uint64_t g = c->generation;
	pthread_mutex_unlock(&c->lock);
	return g;
}

static struct key_slot *key_slot_of(struct key_cache *c, const uint8_t *hash)
{
	return &c->slot[hash[0] % KEY_CACHE_SLOTS];
}

static bool key_cached(struct key_cache *c, const uint8_t *hash, int64_t now, struct principal *out)
{
	pthread_mutex_lock(&c->lock);
	struct key_slot *s = key_slot_of(c, hash);
	bool hit = s->until_ms > now && cred_hash_equal(s->hash, hash);
	if (hit)
		*out = s->who;
	pthread_mutex_unlock(&c->lock);
	return hit;
}

/* Keeps who for the key until until_ms; who == NULL forgets the key (it
 * failed in the store: revoked). A key read from the store before a flush
 * (generation moved since) is not kept: the flush may be its revocation. */
static void key_remember(struct key_cache *c, const uint8_t *hash, int64_t until_ms, const struct principal *who,
			 uint64_t generation)
{
	pthread_mutex_lock(&c->lock);
	struct key_slot *s = key_slot_of(c, hash);
	if (who && generation == c->generation) {
		memcpy(s->hash, hash, CRED_HASH_BYTES);
		s->until_ms = until_ms;
		s->who = *who;
	} else if (cred_hash_equal(s->hash, hash)) {
		s->until_ms = 0;
	}
	pthread_mutex_unlock(&c->lock);
}

int accounts_authenticate(struct app *app, const char *token, int64_t now, struct principal *out)
{
	char selector[16];
	uint8_t hash[CRED_HASH_BYTES];
	memset(out, 0, sizeof *out);
	bool session = cred_token_selector(token, SESSION_PREFIX, selector);
	if (!session && !cred_token_selector(token, APIKEY_PREFIX, selector))
		return OMB_EAUTH;
	cred_hash(app->secret, token, strlen(token), hash);
	bool cacheable = !session && app->keys && app->cfg->key_cache_ms > 0;
	if (cacheable && key_cached(app->keys, hash, now, out))
		return OMB_OK;
	uint64_t generation = cacheable ? key_generation(app->keys) : 0;
	struct auth_ctx a = {hash, now, out, OMB_EAUTH};
	int rc = store_exec(app->store, session ? STORE_Q_SESSION_PRINCIPAL : STORE_Q_APIKEY_PRINCIPAL,
			    SV_ARGS(SV_TEXT(selector)), session ? session_cb : apikey_cb, &a);
	if (rc < 0)
		return rc;
	if (cacheable)
		key_remember(app->keys, hash, now + app->cfg->key_cache_ms, a.rc == OMB_OK ? out : NULL, generation);
	return a.rc;
}

bool accounts_csrf_ok(struct app *app, const struct principal *who, const char *csrf)
{
	if (!csrf || !who->via_session)
		return false;
	uint8_t hash[CRED_HASH_BYTES];
	cred_hash(app->secret, csrf, strlen(csrf), hash);
	return cred_hash_equal(hash, who->csrf_hash);
}

/* ---- API keys ---- */

static bool valid_scopes(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 250)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !strchr("._ ", s[i]))
			return false;
	return true;
}

int accounts_apikey_create(struct app *app, int64_t org_id, int64_t created_by, const char *name,
			   const char *scopes, char token[CRED_TOKEN_MAX], const char **field)
{
	if (!valid_text(name, 120, true))
		FAIL("name");
	if (!scopes || !valid_scopes(scopes))
		FAIL("scopes");
	char selector[16];
	uint8_t hash[CRED_HASH_BYTES];
	cred_token_new(APIKEY_PREFIX, token, selector);
	cred_hash(app->secret, token, strlen(token), hash);
	int rc = store_exec(app->store, STORE_Q_APIKEY_INSERT,
			    SV_ARGS(SV_TEXT(selector), SV_BLOB(hash, sizeof hash), SV_INT(org_id), SV_TEXT(name),
				    SV_TEXT(scopes), created_by ? SV_INT(created_by) : SV_NULL,
				    SV_INT(clock_now_ms())),
			    NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

bool accounts_scope_ok(const struct principal *who, const char *scope)
{
	size_t n = strlen(scope);
	if (n == 0)
		return false; /* strstr would match "" at the same place forever */
	for (const char *s = who->scopes; (s = strstr(s, scope)) != NULL; s += n) {
		bool starts = s == who->scopes || s[-1] == ' ';
		bool ends = s[n] == '\0' || s[n] == ' ';
		if (starts && ends)
			return true;
	}
	return false;
}

int accounts_purge_sessions(struct app *app, int64_t now)
{
	int rc = store_exec(app->store, STORE_Q_SESSION_PURGE, SV_ARGS(SV_INT(now)), NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}
