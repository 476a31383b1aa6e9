/* accounts.h — organisations, departments, staff, sessions and API keys:
 * who someone is (authentication) and what their role is.
 *
 * What each role may do on each route is declared in api/routes.c; this
 * module only establishes the principal. Passwords are Argon2id; session
 * tokens and API keys are random and stored as keyed hashes (base/credential.h).
 * Lists are bounded: at most ACCOUNTS_PAGE_MAX items per call. */
#ifndef OMBUD_APP_ACCOUNTS_H
#define OMBUD_APP_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "desk/contract.h"

#define ACCOUNTS_PAGE_MAX 100
#define ORG_CODE_MAX      16
#define STAFF_CODE_MAX    32

enum org_kind { ORG_COMPANY, ORG_VENDOR, ORG_REGULATOR, ORG_CARRIER, ORG_POLICE, ORG_TELEMARKETER, ORG_KIND_COUNT };

/* Roles, ARCHITECTURE.md "Who uses it". ROLE_MACHINE is an API key. */
enum role {
	ROLE_NONE = 0,
	ROLE_AGENT, ROLE_SUPERVISOR, ROLE_PRACTITIONER, ROLE_MANAGER, ROLE_COMPLAINTS, ROLE_ADMIN,
	ROLE_REGULATOR, ROLE_SCREENER, ROLE_INVESTIGATOR, ROLE_TELEMARKETER, ROLE_MACHINE,
	ROLE_COUNT
};
#define ROLE_BIT(r) (1u << (r))

const char *org_kind_name(enum org_kind kind);
int org_kind_parse(const char *s, enum org_kind *out);
const char *role_name(enum role role);
int role_parse(const char *s, enum role *out);
/* Whether an organisation of this kind may have staff with this role. */
bool role_allowed_in(enum role role, enum org_kind kind);

struct org {
	int64_t id;
	char code[ORG_CODE_MAX];
	enum org_kind kind;
	char name[128];
	char name_en[128];
	bool show_names;
};

/* Who is calling: a staff member through a session, or a machine client
 * through an API key (role ROLE_MACHINE, staff_id 0, scopes set). */
struct principal {
	enum role role;
	int64_t staff_id;
	char staff_code[STAFF_CODE_MAX];
	int64_t dept_id;
	int64_t org_id;
	char org_code[ORG_CODE_MAX];
	enum org_kind org_kind;
	bool via_session;
	uint8_t csrf_hash[CRED_HASH_BYTES];  /* sessions: for checking X-CSRF-Token */
	char scopes[256];                    /* API keys: space-separated */
};

struct org_new {
	const char *code, *name, *name_en;
	enum org_kind kind;
	bool show_names;
};
/* *field names the offending field on OMB_EINVAL / OMB_EEXIST. */
int accounts_org_create(struct app *app, const struct org_new *in, int64_t *id, const char **field);
int accounts_org_get(struct app *app, const char *code, struct org *out);
/* Up to limit orgs with id > after; *items is malloc'd, caller frees. */
int accounts_org_list(struct app *app, int64_t after, int limit, struct org **items, size_t *n);
int accounts_vendor_add_client(struct app *app, int64_t vendor_id, int64_t client_id);
/* Whether the organisation lets its staff's personal names be shown at all
 * (each staff member must allow it too). */
int accounts_org_set_show_names(struct app *app, int64_t org_id, bool show);
/* The contract of a vendor with a client company; out->exists is false when
 * there is none. */
int accounts_vendor_contract(struct app *app, int64_t vendor_id, int64_t client_id, struct desk_contract *out);
/* The one check of a vendor's rights: whether staff member staff_id of
 * vendor_id may act for client_id on cases of category_id (0: the client's
 * desk as a whole: queue, templates), under their contract
 * (desk_contract_covers). The dispatcher (ORG_SERVED routes), the desk
 * (app/cases.c) and hand-overs ask it; false when the store fails. */
bool accounts_vendor_acts_for(struct app *app, int64_t vendor_id, int64_t staff_id, int64_t client_id,
			      int64_t category_id);
/* The codes of the companies a vendor acts for, in code order, at most max
 * (the console's choice of desk). */
#define ACCOUNTS_CLIENTS_MAX 32
int accounts_vendor_clients(struct app *app, int64_t vendor_id, char codes[][ORG_CODE_MAX], size_t max, size_t *n);

struct dept {
	int64_t id;
	char code[32];
	char name[128], name_en[128];
	char contact_line[64];
	char manager_title[128];
};
struct dept_new {
	const char *code, *name, *name_en, *contact_line, *manager_title;
};
int accounts_dept_create(struct app *app, int64_t org_id, const struct dept_new *in, int64_t *id,
			 const char **field);
int accounts_dept_list(struct app *app, int64_t org_id, int64_t after, int limit, struct dept **items,
		       size_t *n);

struct staff_new {
	const char *org_code;
	const char *login;
	const char *password;       /* at least 10 characters */
	enum role role;
	const char *dept_code;      /* optional */
	const char *display_name;   /* optional */
	bool show_name;
	const char *pw_hash;        /* optional: password already hashed (then password is not read) */
};
struct staff {
	int64_t id;
	char login[64];
	enum role role;
	char staff_code[STAFF_CODE_MAX];
	char display_name[128];
	bool show_name, active;
	char dept_code[32];
	int64_t left_ms;            /* 0 while they work here */
};
/* Creates a staff account; staff_code (out, may be NULL) is the stable public code. */
int accounts_staff_create(struct app *app, const struct staff_new *in, int64_t *id,
			  char staff_code[STAFF_CODE_MAX], const char **field);
int accounts_staff_list(struct app *app, int64_t org_id, int64_t after, int limit, struct staff **items,
			size_t *n);
/* One staff member of org_id by staff code; OMB_ENOTFOUND for none. */
int accounts_staff_get(struct app *app, int64_t org_id, const char *code, struct staff *out);

/* A new session for login/password. token (shown once) goes to the client,
 * csrf to the page. Wrong login and wrong password are one error (OMB_EAUTH)
 * and take the same time. */
int accounts_login(struct app *app, const char *login, const char *password, int64_t now,
		   char token[CRED_TOKEN_MAX], char csrf[CRED_TOKEN_MAX], struct principal *who);
int accounts_logout(struct app *app, const char *token);
/* Resolves a session token or API key to a principal. OMB_EAUTH if unknown,
 * expired, revoked or inactive. An API key verified in the last
 * cfg->key_cache_ms is answered from app->keys without reading the store. */
int accounts_authenticate(struct app *app, const char *token, int64_t now, struct principal *out);
/* The cache of verified API keys that app_open makes and app_close frees. */
struct key_cache *accounts_key_cache_new(void);
void accounts_key_cache_free(struct key_cache *c);
/* Forgets every cached key, so a key revoked in the store fails on its very
 * next use on this node (staff leaving: app/admin.c). NULL is a no-op. */
void accounts_key_cache_flush(struct key_cache *c);
/* True when csrf matches the session's token, in constant time. */
bool accounts_csrf_ok(struct app *app, const struct principal *who, const char *csrf);

/* A new API key for a machine client of org, limited to scopes (space-separated
 * route scopes). The key is shown once. */
int accounts_apikey_create(struct app *app, int64_t org_id, int64_t created_by, const char *name,
			   const char *scopes, char token[CRED_TOKEN_MAX], const char **field);
/* True when the key's scopes contain scope. */
bool accounts_scope_ok(const struct principal *who, const char *scope);

int accounts_purge_sessions(struct app *app, int64_t now);

#endif
