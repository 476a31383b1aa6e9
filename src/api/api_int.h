/* api_int.h — what the files of src/api/ share; nothing outside includes it. */
#ifndef OMBUD_API_INT_H
#define OMBUD_API_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "api/api.h"
#include "app/accounts.h"
#include "app/attachments.h"
#include "app/document.h"
#include "app/privacy.h"
#include "base/buf.h"

#define API_MAX_PARAMS 4
#define API_PARAM_MAX  96
#define REMOTE_MAX     64      /* an IPv6 address as text, with room to spare */

struct api_req;
typedef int (*api_handler)(struct api_req *r);

/* Which organisation a route's {org} path parameter may name. */
enum org_rule {
	ORG_ANY,        /* no {org}, or public data of any organisation */
	ORG_OWN,        /* only the caller's own organisation */
	ORG_SERVED,     /* the caller's own, or a client its vendor organisation acts for */
};

enum route_flags {
	ROUTE_PUBLIC       = 1 << 0,  /* no credentials needed */
	ROUTE_TEST_ONLY    = 1 << 1,  /* exists only with server.test_mode */
	ROUTE_RATE_LOGIN   = 1 << 2,  /* counts against security.login_per_min */
	ROUTE_RATE_LOOKUP  = 1 << 3,  /* counts against security.lookup_per_min */
	ROUTE_RAW_BODY     = 1 << 4,  /* the body is not one JSON object: the handler reads r->body */
};

struct route {
	const char *method;
	const char *pattern;      /* "/v1/orgs/{org}/staff": {name} matches one segment */
	api_handler fn;
	unsigned roles;           /* ROLE_BIT mask of who may call; ignored when public */
	enum org_rule org;
	size_t body_max;          /* bytes; 0 = no body accepted */
	unsigned flags;
	const char *scope;        /* API keys need this scope (when ROLE_MACHINE is in roles) */
	const char *summary;
};

extern const struct route api_routes[];
extern const size_t api_route_count;

/* One request, from its first byte to its completion callback. */
struct api_req {
	struct api *api;
	struct app *app;
	struct MHD_Connection *conn;
	const struct route *route;      /* NULL until matched */
	int route_index;                /* for metrics; -1 static files, -2 unmatched */
	const char *method;
	char path[512];
	char params[API_MAX_PARAMS][API_PARAM_MAX];
	int nparams;
	struct principal who;
	bool authed;
	char basic_key[CRED_TOKEN_MAX]; /* an API key sent as a Basic password */
	char req_id[33];
	char remote[REMOTE_MAX];        /* the client's address, as text */
	int64_t now;
	int64_t start_ns;
	struct buf body;
	json_t *json_body;              /* parsed body, owned */
	bool responded;
	/* response */
	unsigned status;
	json_t *json;                   /* owned; sent as the body */
	char *json_text;                /* owned; or the body already written as JSON */
	struct MHD_Response *raw;       /* or a ready response (HTML, text, files) */
	const char *err_code;           /* overrides the code's default name */
	const char *err_field;
	char err_msg[200];
	char *set_cookie;               /* owned */
	size_t resp_bytes;
};

/* forwarded.c: the client's address when the peer is a trusted proxy
 * (server.trusted_proxies, addresses or ADDRESS/BITS networks). */
#define PROXIES_MAX 16
struct proxy_net {
	struct in6_addr addr;           /* IPv4 as IPv4-mapped IPv6 */
	unsigned bits;                  /* prefix length over the 128 bits */
};
struct proxies {
	size_t n;
	struct proxy_net net[PROXIES_MAX];
};
/* Parses a ','- or space-separated list; on an entry that is not an
 * address or network (or one too many), copies it to bad and fails. */
int proxies_parse(const char *list, struct proxies *out, char *bad, size_t badlen);
/* The client: peer itself unless peer is trusted and xff (the
 * X-Forwarded-For header, may be NULL) names someone before it. */
void forwarded_client(const struct proxies *p, const char *peer, const char *xff, char out[REMOTE_MAX]);

/* Server-wide state shared by the files of api/. */
struct api {
	struct app *app;
	struct MHD_Daemon *daemon;
	size_t *literal;                /* per route: length of its pattern before the first '{' */
	atomic_int in_flight;           /* requests begun and not completed */
	atomic_bool draining;
	bool tls;                       /* HTTPS: session cookies are Secure */
	char *tls_cert, *tls_key;       /* PEM, owned; the key is wiped when freed */
	int listen_fd;                  /* owned; -1 when closed */
	pthread_t acceptor;
	bool accepting;                 /* the acceptor thread runs */
	struct proxies proxies;         /* server.trusted_proxies */
};

/* listener.c: the listening socket and the thread that hands its
 * connections to the daemon. api_listen binds and listens on ss and says
 * the port (0 or OMB_EIO with errno); api_accept_start starts the thread
 * once api->daemon exists; api_accept_stop refuses new connections from
 * its return on, and closes the socket (also when never started). */
int api_listen(struct api *api, const struct sockaddr_storage *ss, uint16_t *port);
int api_accept_start(struct api *api);
void api_accept_stop(struct api *api);

/* errors.c: turns a code into status + JSON error body on r. */
void api_fail(struct api_req *r, int code);
/* An error whose status is not its code's usual one (405, 429). A handler
 * that sets one returns OMB_OK: the reply is made. */
void api_fail_status(struct api_req *r, unsigned status, const char *err_code, const char *msg);
/* Sets a field error: 400, code "invalid", the field and a reason. Returns OMB_EINVAL. */
int api_invalid(struct api_req *r, const char *field, const char *reason);
unsigned api_status_of(int code);

/* json.c: reading request bodies with field-named errors. Each returns 0,
 * or OMB_EINVAL having set the error on r. Strings are borrowed from the
 * body and must be valid UTF-8 with no control characters. */
int api_body_str(struct api_req *r, const char *key, bool required, size_t max, const char **out);
int api_body_int(struct api_req *r, const char *key, bool required, int64_t min, int64_t max, int64_t *out);
int api_body_bool(struct api_req *r, const char *key, bool *out);
/* Query-string pagination: ?after=ID&limit=N. */
int api_page(struct api_req *r, int64_t *after, int *limit);
/* A use case's failure: a field error (OMB_EINVAL with a field) becomes
 * 400 naming the field; any other code keeps its status, with the reason as
 * message. Returns rc (OMB_EINVAL for a field error). */
int api_fail_use_case(struct api_req *r, int rc, const char *field, const char *reason);
/* Path parameter i as a positive id; OMB_ENOTFOUND for anything else. */
int api_path_id(struct api_req *r, int i, int64_t *id);
/* An ISO 8601 time, or null for 0 and "never". New reference. */
json_t *api_iso_or_null(int64_t ms);
/* Sets status and takes over json. */
int api_reply(struct api_req *r, unsigned status, json_t *json);
/* Sets status and takes over text, a JSON document the handler wrote
 * itself (a hot path's small fixed shape, saving the build and the dump). */
int api_reply_text(struct api_req *r, unsigned status, char *text);
/* {"items": items, "next_after": last id or null} */
int api_reply_page(struct api_req *r, json_t *items, int64_t last_id, int limit);
const char *api_header(struct api_req *r, const char *name);

/* document_json.c: a document as JSON (new reference), or the answer to a
 * download: JSON, or the printable HTML page when html is true. */
json_t *api_document_json(const struct doc *d);
int api_reply_document(struct api_req *r, const struct doc *d, bool html);

/* file_reply.c: the answer is f's bytes (takes over f->data), typed as
 * checked at upload, as a download never sniffed or run by a browser. */
int api_reply_file(struct api_req *r, struct attachment_file *f);

/* metrics.c */
void metrics_init(size_t nroutes);
void metrics_observe(int route_index, unsigned status, int64_t dur_ns);
char *metrics_render(size_t *len);   /* Prometheus text; caller frees */
void metrics_free(void);

/* ratelimit.c: a token bucket per source and class. The source is a
 * client's address, or a login name for RATE_LOGIN_FAILURES. A class is a
 * ROUTE_RATE_* flag or a RATE_* below. ratelimit_allow takes a token when
 * there is one; ratelimit_spent says the bucket is empty, taking nothing. */
#define RATE_AUTH_FAILURES  (1u << 16) /* credentials the store did not know, per address */
#define RATE_LOGIN_FAILURES (1u << 17) /* wrong passwords, per login name */
bool ratelimit_allow(const char *source, unsigned cls, int64_t limit_per_min, int64_t now_ms);
bool ratelimit_spent(const char *source, unsigned cls, int64_t limit_per_min, int64_t now_ms);

/* static.c: a file under web_root, or NULL (404). */
struct MHD_Response *static_file(const char *web_root, const char *path, unsigned *status);

/* JSON of what several handler files show. */
struct case_key;
json_t *api_key_json(const struct case_key *k);       /* h_cases.c */
json_t *api_staff_json(const struct staff *s);        /* h_accounts.c */
json_t *api_dept_json(const struct dept *d);          /* h_accounts.c */

/* Handlers, by file. */
int h_healthz(struct api_req *r);
int h_metrics(struct api_req *r);
int h_test_clock(struct api_req *r);
int h_test_outbox(struct api_req *r);
int h_login(struct api_req *r);
int h_logout(struct api_req *r);
int h_me(struct api_req *r);
int h_orgs_list(struct api_req *r);
int h_org_get(struct api_req *r);
int h_depts_list(struct api_req *r);
int h_dept_create(struct api_req *r);
int h_staff_list(struct api_req *r);
int h_staff_create(struct api_req *r);
int h_apikey_create(struct api_req *r);
int h_org_settings(struct api_req *r);
int h_case_open(struct api_req *r);
int h_case_get(struct api_req *r);
int h_case_message(struct api_req *r);
int h_case_demand(struct api_req *r);
int h_case_dispute(struct api_req *r);
int h_case_accept(struct api_req *r);
int h_case_reopen(struct api_req *r);
int h_case_download(struct api_req *r);
int h_case_verify(struct api_req *r);
int h_case_otp(struct api_req *r);
int h_case_referral(struct api_req *r);
int h_case_access_code(struct api_req *r);
int h_staff_case_get(struct api_req *r);
int h_staff_case_download(struct api_req *r);
int h_staff_case_verify(struct api_req *r);
int h_staff_reply(struct api_req *r);
int h_staff_final(struct api_req *r);
int h_staff_note(struct api_req *r);
int h_staff_assign(struct api_req *r);
int h_staff_close(struct api_req *r);
int h_case_attach(struct api_req *r);
int h_case_attachment(struct api_req *r);
int h_staff_attach(struct api_req *r);
int h_staff_attachment(struct api_req *r);
int h_staff_draft_check(struct api_req *r);
int h_queue(struct api_req *r);
int h_heads(struct api_req *r);
/* h_admin.c */
int h_audit_list(struct api_req *r);
int h_dept_update(struct api_req *r);
int h_category_update(struct api_req *r);
int h_staff_update(struct api_req *r);
int h_staff_leave(struct api_req *r);
int h_desk_settings_get(struct api_req *r);
int h_desk_settings_put(struct api_req *r);
int h_contracts_list(struct api_req *r);
int h_contract_put(struct api_req *r);
int h_contract_end(struct api_req *r);
int h_key_rotate(struct api_req *r);
int h_figures(struct api_req *r);
int h_categories(struct api_req *r);
int h_category_add(struct api_req *r);
int h_template_add(struct api_req *r);
int h_templates(struct api_req *r);
int h_referral_add(struct api_req *r);
int h_referrals(struct api_req *r);
int h_template_retire(struct api_req *r);
int h_referral_retire(struct api_req *r);
/* h_outbox.c: delivery state */
int h_outbox_list(struct api_req *r);
int h_outbox_get(struct api_req *r);
int h_outbox_retry(struct api_req *r);
/* h_tm.c: telemarketing registry, disclosures, reports, decisions */
int h_tm_business_register(struct api_req *r);
int h_tm_business_get(struct api_req *r);
int h_tm_number_add(struct api_req *r);
int h_tm_numbers(struct api_req *r);
int h_tm_disclose(struct api_req *r);
int h_tm_disclose_bulk(struct api_req *r);
int h_tm_dnc_add(struct api_req *r);
int h_tm_business_reports(struct api_req *r);
int h_tm_report_answer(struct api_req *r);
int h_tm_business_sanctions(struct api_req *r);
int h_tm_sanction_answer(struct api_req *r);
int h_tm_report_file(struct api_req *r);
int h_tm_report_get(struct api_req *r);
int h_tm_report_attach(struct api_req *r);
int h_tm_report_attachment(struct api_req *r);
int h_tm_business_report_attachment(struct api_req *r);
int h_tm_case_reports(struct api_req *r);
int h_tm_case_report_attachment(struct api_req *r);
int h_tm_cases(struct api_req *r);
int h_tm_decide(struct api_req *r);
int h_tm_sanctions(struct api_req *r);
int h_tm_registry_csv(struct api_req *r);
/* h_protect.c: agent protection */
int h_incident_flag(struct api_req *r);
int h_incidents_list(struct api_req *r);
int h_incident_review(struct api_req *r);
int h_contact_warn(struct api_req *r);
int h_contact_end(struct api_req *r);
int h_break_add(struct api_req *r);
int h_counselling_add(struct api_req *r);
int h_counselling_list(struct api_req *r);
int h_dossier_create(struct api_req *r);
int h_dossiers_list(struct api_req *r);
int h_dossier_get(struct api_req *r);
int h_protect_figures(struct api_req *r);
int h_protect_settings_get(struct api_req *r);
int h_protect_settings_put(struct api_req *r);
/* h_screen.c: call screening (check, events, numbers, evidence, blocks, allowlist, appeals) */
int h_screen_check(struct api_req *r);
int h_screen_events(struct api_req *r);
int h_screen_number(struct api_req *r);
int h_screen_evidence(struct api_req *r);
int h_screen_blocks(struct api_req *r);
int h_screen_block(struct api_req *r);
int h_screen_lift(struct api_req *r);
int h_screen_allow_add(struct api_req *r);
int h_screen_allow_remove(struct api_req *r);
int h_screen_allow_list(struct api_req *r);
int h_screen_appeal_open(struct api_req *r);
int h_screen_appeal_confirm(struct api_req *r);
int h_screen_appeals(struct api_req *r);
int h_screen_appeal_decide(struct api_req *r);
/* h_cases.c: a case as its reader sees it, files included (new reference). */
struct case_view;
json_t *api_case_json(const struct case_view *v);
/* h_privacy.c: the purpose a staff reader states (?purpose= or X-Purpose;
 * the read's default when absent; 400 naming "purpose" when not in the
 * list), and the read logged with it, committed before any data leaves. */
int api_read_purpose(struct api_req *r, enum privacy_read what, enum privacy_purpose *out);
/* The same check alone, for a staff reader (NULL: a customer, nothing to
 * check), made before anything is read. */
int api_purpose_check(struct api_req *r, const struct principal *staff, enum privacy_read what);
int api_log_read(struct api_req *r, const char *receipt, enum privacy_read what);
int api_log_dossier_read(struct api_req *r, int64_t dossier_id);
json_t *api_erasure_json(const struct privacy_erasure *e);
/* h_privacy.c: the read log, retention, erasure, export, consents */
int h_case_reads(struct api_req *r);
int h_org_reads(struct api_req *r);
int h_retention_get(struct api_req *r);
int h_retention_put(struct api_req *r);
int h_case_erase(struct api_req *r);
int h_staff_erase(struct api_req *r);
int h_case_consents(struct api_req *r);
int h_case_consent_set(struct api_req *r);
int h_staff_case_consents(struct api_req *r);
int h_org_consents(struct api_req *r);
int h_case_export(struct api_req *r);
int h_org_export(struct api_req *r);

#endif
