/* server.c — the request life cycle on libmicrohttpd.
 *
 * First call of a request: match the route, check rate limits, credentials,
 * role, organisation, CSRF and declared body size, and answer at once when
 * any fails (the body is then never read). Following calls: collect the body
 * up to the route's limit. Last call: parse JSON, run the handler, answer.
 * Completion: metrics, access log, free. */
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api_int.h"
#include "base/clock.h"
#include "base/credential.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

#define SESSION_COOKIE "ombud_session"
/* Each connection's libmicrohttpd pool, which holds a request's headers and
 * is zeroed between requests: the default 32 KiB took 5% of a check's CPU
 * to clear. Bodies stream through it in pieces, whatever their size. */
#define CONNECTION_MEMORY (8u << 10)
/* Access lines are written in blocks at least this often: one write(2) per
 * request was a tenth of a check's CPU. */
#define ACCESS_FLUSH_MS 100

static atomic_uint_fast64_t request_seq;
static uint64_t request_seed;

/* ---- matching ---- */

static bool segment_match(const char **pat, const char **url, struct api_req *r)
{
	const char *p = *pat, *u = *url;
	const char *pend = strchrnul(p, '/'), *uend = strchrnul(u, '/');
	size_t plen = (size_t)(pend - p), ulen = (size_t)(uend - u);
	if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
		if (ulen == 0 || ulen >= API_PARAM_MAX || r->nparams == API_MAX_PARAMS)
			return false;
		memcpy(r->params[r->nparams], u, ulen);
		r->params[r->nparams++][ulen] = '\0';
	} else if (plen != ulen || memcmp(p, u, plen) != 0) {
		return false;
	}
	*pat = *pend ? pend + 1 : pend;
	*url = *uend ? uend + 1 : uend;
	return *pend == *uend; /* both go on, or both end */
}

static bool path_match(const char *pattern, const char *url, struct api_req *r)
{
	r->nparams = 0;
	const char *p = pattern + 1, *u = url + 1;
	if (url[0] != '/')
		return false;
	while (*p || *u)
		if (!segment_match(&p, &u, r))
			return false;
	return true;
}

/* Every request walks the route table: comparing the literal part of each
 * pattern first skips most routes at the cost of one memcmp. */
static const struct route *route_find(struct api_req *r, bool *path_known)
{
	bool test_mode = r->app->cfg->test_mode;
	size_t path_len = strlen(r->path);
	*path_known = false;
	for (size_t i = 0; i < api_route_count; i++) {
		const struct route *rt = &api_routes[i];
		size_t lit = r->api->literal[i];
		if ((rt->flags & ROUTE_TEST_ONLY) && !test_mode)
			continue;
		if (lit > path_len || memcmp(rt->pattern, r->path, lit) != 0 || !path_match(rt->pattern, r->path, r))
			continue;
		*path_known = true;
		if (strcmp(rt->method, r->method) == 0) {
			r->route_index = (int)i;
			return rt;
		}
	}
	return NULL;
}

/* The {org} parameter is always the first one of an organisation's routes. */
static const char *org_param(const struct api_req *r)
{
	return r->nparams > 0 && strstr(r->route->pattern, "/orgs/{org}") ? r->params[0] : NULL;
}

/* ---- responding ---- */

static void add_common_headers(struct api_req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Request-Id", r->req_id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->set_cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
	if (atomic_load(&r->api->draining))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
}

static enum MHD_Result respond(struct api_req *r)
{
	struct MHD_Response *resp = r->raw;
	r->raw = NULL;
	if (!resp) {
		char *text = r->json_text ? r->json_text : r->json ? json_dumps(r->json, JSON_COMPACT) : NULL;
		r->json_text = NULL;
		r->resp_bytes = text ? strlen(text) : 0;
		resp = text ? MHD_create_response_from_buffer(r->resp_bytes, text, MHD_RESPMEM_MUST_FREE)
			    : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	add_common_headers(r, resp);
	if (!r->status)
		r->status = MHD_HTTP_OK;
	/* counted before the client can see the answer, so /metrics never lags it */
	metrics_observe(r->route_index, r->status, clock_mono_ns() - r->start_ns);
	enum MHD_Result ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	r->responded = true;
	return ret;
}

static enum MHD_Result fail_now(struct api_req *r, int code, const char *err_code, const char *msg)
{
	r->err_code = err_code;
	if (msg)
		snprintf(r->err_msg, sizeof r->err_msg, "%s", msg);
	api_fail(r, code);
	return respond(r);
}

static enum MHD_Result fail_status(struct api_req *r, unsigned status, const char *err_code, const char *msg)
{
	api_fail_status(r, status, err_code, msg);
	return respond(r);
}

/* ---- the checks of the first call ---- */

/* Where the credentials came from. Basic carries an API key as its password
 * (the user name is ignored) for machine clients that can only speak Basic,
 * such as Kamailio's http_client on the connections it keeps open. */
enum cred_source { CRED_BEARER, CRED_BASIC, CRED_COOKIE };

static const char *basic_password(struct api_req *r)
{
	char *pw = NULL;
	char *user = MHD_basic_auth_get_username_password(r->conn, &pw);
	snprintf(r->basic_key, sizeof r->basic_key, "%s", pw ? pw : "");
	MHD_free(user);
	MHD_free(pw);
	return r->basic_key;
}

static const char *credentials(struct api_req *r, enum cred_source *src)
{
	const char *auth = api_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth && strncmp(auth, "Bearer ", 7) == 0) {
		*src = CRED_BEARER;
		return auth + 7;
	}
	if (auth && strncmp(auth, "Basic ", 6) == 0) {
		*src = CRED_BASIC;
		return basic_password(r);
	}
	*src = CRED_COOKIE;
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
}

static bool is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* A vendor organisation serves the client companies it acts for. */
static bool serves(struct api_req *r, const char *org_code)
{
	struct org client;
	return r->route->org == ORG_SERVED && r->who.org_kind == ORG_VENDOR &&
	       accounts_org_get(r->app, org_code, &client) == OMB_OK &&
	       accounts_vendor_acts_for(r->app, r->who.org_id, r->who.staff_id, client.id, 0);
}

/* Returns 0, or an error already written to r (code, message). */
static int authorize(struct api_req *r)
{
	const struct route *rt = r->route;
	if (rt->flags & ROUTE_PUBLIC)
		return OMB_OK;
	enum cred_source src;
	const char *token = credentials(r, &src);
	if (!token) {
		snprintf(r->err_msg, sizeof r->err_msg, "this route needs a session token or API key");
		return OMB_EAUTH;
	}
	int rc = accounts_authenticate(r->app, token, r->now, &r->who);
	if (rc == OMB_EAUTH) /* counted: see rate_ok */
		ratelimit_allow(r->remote, RATE_AUTH_FAILURES, r->app->cfg->auth_failures_per_min, r->now);
	if (rc != OMB_OK)
		return rc;
	if (src == CRED_BASIC && r->who.role != ROLE_MACHINE) {
		snprintf(r->err_msg, sizeof r->err_msg, "Basic authorization carries API keys only");
		return OMB_EAUTH;
	}
	r->authed = true;
	if (!(rt->roles & ROLE_BIT(r->who.role))) {
		snprintf(r->err_msg, sizeof r->err_msg, "role %s may not use this route", role_name(r->who.role));
		return OMB_EPERM;
	}
	if (r->who.role == ROLE_MACHINE && rt->scope && !accounts_scope_ok(&r->who, rt->scope)) {
		snprintf(r->err_msg, sizeof r->err_msg, "the API key lacks scope %s", rt->scope);
		return OMB_EPERM;
	}
	const char *org = org_param(r);
	if (rt->org != ORG_ANY && org && strcmp(org, r->who.org_code) != 0 && !serves(r, org)) {
		snprintf(r->err_msg, sizeof r->err_msg, "this route serves only your own organisation%s",
			 rt->org == ORG_SERVED ? " or the clients your organisation acts for" : "");
		return OMB_EPERM;
	}
	if (src == CRED_COOKIE && !is_safe_method(r->method) && !accounts_csrf_ok(r->app, &r->who, api_header(r, "X-CSRF-Token"))) {
		r->err_code = "csrf";
		snprintf(r->err_msg, sizeof r->err_msg, "missing or wrong X-CSRF-Token");
		return OMB_EPERM;
	}
	return OMB_OK;
}

/* Per source address: logins, look-ups, and credentials the store did not
 * know (guessed keys, or a client left with a revoked one, each cost a store
 * read; past the limit an address's requests to routes that need
 * credentials wait until failures stop for a second or so). */
static bool rate_ok(struct api_req *r)
{
	const struct config *cfg = r->app->cfg;
	if (!(r->route->flags & ROUTE_PUBLIC) &&
	    ratelimit_spent(r->remote, RATE_AUTH_FAILURES, cfg->auth_failures_per_min, r->now))
		return false;
	if (r->route->flags & ROUTE_RATE_LOGIN)
		return ratelimit_allow(r->remote, ROUTE_RATE_LOGIN, cfg->login_per_min, r->now);
	if (r->route->flags & ROUTE_RATE_LOOKUP)
		return ratelimit_allow(r->remote, ROUTE_RATE_LOOKUP, cfg->lookup_per_min, r->now);
	return true;
}

static bool declared_body_ok(struct api_req *r)
{
	const char *cl = api_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!cl)
		return true;
	char *end;
	unsigned long long n = strtoull(cl, &end, 10);
	return *end == '\0' && n <= r->route->body_max;
}

static enum MHD_Result serve_static(struct api_req *r)
{
	r->route_index = -1;
	unsigned status = MHD_HTTP_OK;
	r->raw = static_file(r->app->cfg->web_root, r->path, &status);
	if (!r->raw)
		return fail_now(r, OMB_ENOTFOUND, NULL, "no such page");
	r->status = status;
	return respond(r);
}

static enum MHD_Result first_call(struct api_req *r, const char *url)
{
	if (strlen(url) >= sizeof r->path)
		return fail_status(r, MHD_HTTP_URI_TOO_LONG, "uri_too_long", "the path is too long");
	memcpy(r->path, url, strlen(url) + 1);
	bool path_known;
	r->route = route_find(r, &path_known);
	if (!r->route) {
		bool api_path = strncmp(url, "/v1/", 4) == 0 || strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0;
		if (!path_known && !api_path && is_safe_method(r->method))
			return serve_static(r);
		if (!path_known)
			return fail_now(r, OMB_ENOTFOUND, "no_route", "no such route");
		return fail_status(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
				   "this method is not allowed on this path");
	}
	if (!rate_ok(r))
		return fail_status(r, MHD_HTTP_TOO_MANY_REQUESTS, "rate_limited",
				   "too many requests from your address; wait a minute");
	int rc = authorize(r);
	if (rc != OMB_OK) {
		api_fail(r, rc);
		return respond(r);
	}
	if (!declared_body_ok(r))
		return fail_now(r, OMB_ELIMIT, "too_large", "the body is larger than this route accepts");
	buf_init(&r->body, r->route->body_max);
	return MHD_YES;
}

static int parse_body(struct api_req *r)
{
	if (r->body.len == 0 || (r->route->flags & ROUTE_RAW_BODY))
		return OMB_OK;
	json_error_t jerr;
	r->json_body = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	r->err_code = "bad_json";
	if (!r->json_body) {
		snprintf(r->err_msg, sizeof r->err_msg, "malformed JSON at line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		return OMB_EINVAL;
	}
	if (!json_is_object(r->json_body)) {
		snprintf(r->err_msg, sizeof r->err_msg, "the body must be a JSON object");
		return OMB_EINVAL;
	}
	r->err_code = NULL;
	return OMB_OK;
}

static enum MHD_Result last_call(struct api_req *r)
{
	if (r->body.overflow)
		return fail_now(r, OMB_ELIMIT, "too_large", "the body is larger than this route accepts");
	int rc = parse_body(r);
	if (rc == OMB_OK)
		rc = r->route->fn(r);
	if (rc != OMB_OK)
		api_fail(r, rc);
	return respond(r);
}

/* ---- libmicrohttpd callbacks ---- */

static void request_id(struct api_req *r)
{
	const char *given = api_header(r, "X-Request-Id");
	size_t n = given ? strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") : 0;
	if (given && n > 0 && n < sizeof r->req_id && given[n] == '\0') {
		memcpy(r->req_id, given, n + 1);
		return;
	}
	uint64_t seq = atomic_fetch_add(&request_seq, 1);
	uint64_t id = request_seed ^ (seq * 0x9E3779B97F4A7C15ULL);
	for (int i = 15; i >= 0; i--, id >>= 4) /* 16 hex digits, without printf on every request */
		r->req_id[i] = "0123456789abcdef"[id & 15];
	r->req_id[16] = '\0';
}

/* The client's address, formatted once per connection: a keep-alive client
 * such as the SIP proxy sends many requests on one. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code != MHD_CONNECTION_NOTIFY_STARTED) {
		free(*socket_context);
		*socket_context = NULL;
		return;
	}
	char *remote = xmalloc(REMOTE_MAX);
	snprintf(remote, REMOTE_MAX, "unknown");
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, remote, REMOTE_MAX);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, remote, REMOTE_MAX);
	*socket_context = remote;
}

static void remote_addr(struct api_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	const char *peer = ci && ci->socket_context ? ci->socket_context : "unknown";
	const char *xff = r->api->proxies.n ? api_header(r, "X-Forwarded-For") : NULL; /* the check's path reads none */
	forwarded_client(&r->api->proxies, peer, xff, r->remote);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct api *api = cls;
	struct api_req *r = *con_cls;
	if (!r) {
		r = xcalloc(1, sizeof *r);
		*con_cls = r;
		atomic_fetch_add(&api->in_flight, 1);
		r->api = api;
		r->app = api->app;
		r->conn = conn;
		r->method = method;
		r->route_index = -2;
		r->now = clock_now_ms();
		r->start_ns = clock_mono_ns();
		request_id(r);
		remote_addr(r);
		return first_call(r, url);
	}
	if (r->responded) {
		*upload_size = 0; /* answered early: the rest of the body is dropped */
		return MHD_YES;
	}
	if (*upload_size) {
		buf_append(&r->body, upload_data, *upload_size); /* overflow is sticky, answered below */
		*upload_size = 0;
		return MHD_YES;
	}
	return last_call(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct api *api = cls;
	struct api_req *r = *con_cls;
	if (!r)
		return;
	int64_t dur_ns = clock_mono_ns() - r->start_ns;
	if (api->app->cfg->access_log)
		log_info_held(LOG_MSG("access"), LOG_S("req", r->req_id), LOG_S("remote", r->remote),
			      LOG_S("method", r->method), LOG_S("path", r->path),
			      LOG_S("route", r->route ? r->route->pattern : ""), LOG_I("status", r->status),
			      LOG_I("bytes", (int64_t)r->resp_bytes), LOG_I("us", dur_ns / 1000),
			      LOG_S("who", r->authed ? r->who.staff_code[0] ? r->who.staff_code : r->who.org_code : ""),
			      LOG_I("done", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK));
	buf_free(&r->body);
	json_decref(r->json_body);
	json_decref(r->json);
	free(r->json_text);
	if (r->raw)
		MHD_destroy_response(r->raw);
	free(r->set_cookie);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&api->in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warn(LOG_MSG("http"), LOG_S("detail", msg));
}

/* ---- start and stop ---- */

static int bind_address(const char *listen, uint16_t port, struct sockaddr_storage *ss, unsigned *flags)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, listen, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return OMB_OK;
	}
	if (inet_pton(AF_INET6, listen, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*flags |= MHD_USE_IPv6;
		return OMB_OK;
	}
	return OMB_EINVAL;
}

/* A whole PEM file as a string, at most 1 MiB, read into one allocation so
 * no copy of a key is left behind by a realloc. */
static char *read_pem(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || st.st_size > (1 << 20)) {
		fclose(f);
		return NULL;
	}
	size_t size = (size_t)st.st_size;
	char *pem = xmalloc(size + 1);
	bool ok = fread(pem, 1, size, f) == size;
	fclose(f);
	pem[ok ? size : 0] = '\0';
	if (!ok) {
		sodium_memzero(pem, size);
		free(pem);
		return NULL;
	}
	return pem;
}

static void free_key(char *key)
{
	if (key)
		sodium_memzero(key, strlen(key));
	free(key);
}

/* Reads server.tls_cert and server.tls_key when set. The reason names the
 * setting and the file, never the key's content. */
static int tls_load(struct api *api, const struct config *cfg, char *errbuf, size_t errlen)
{
	if (!*cfg->tls_cert)
		return OMB_OK;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(errbuf, errlen, "server.tls_cert: this libmicrohttpd was built without TLS");
		return OMB_EINVAL;
	}
	api->tls_cert = read_pem(cfg->tls_cert);
	api->tls_key = api->tls_cert ? read_pem(cfg->tls_key) : NULL;
	if (!api->tls_key) {
		snprintf(errbuf, errlen, "%s: cannot read %s (a PEM file of at most 1 MiB)",
			 api->tls_cert ? "server.tls_key" : "server.tls_cert", api->tls_cert ? cfg->tls_key : cfg->tls_cert);
		return OMB_EIO;
	}
	api->tls = true;
	return OMB_OK;
}

static void api_free(struct api *api)
{
	api_accept_stop(api);
	free(api->literal);
	free(api->tls_cert);
	free_key(api->tls_key);
	free(api);
}

int api_start(struct app *app, struct api **out, uint16_t *port, char *errbuf, size_t errlen)
{
	const struct config *cfg = app->cfg;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	struct sockaddr_storage ss;
	if (bind_address(cfg->listen, (uint16_t)cfg->port, &ss, &flags) != OMB_OK) {
		snprintf(errbuf, errlen, "server.listen: not an IP address: %s", cfg->listen);
		return OMB_EINVAL;
	}
	struct api *api = xcalloc(1, sizeof *api);
	api->listen_fd = -1;
	char bad[64];
	if (proxies_parse(cfg->trusted_proxies, &api->proxies, bad, sizeof bad) != OMB_OK) {
		snprintf(errbuf, errlen, "server.trusted_proxies: not an address or ADDRESS/BITS (at most %d): %s",
			 PROXIES_MAX, bad);
		api_free(api);
		return OMB_EINVAL;
	}
	int rc = tls_load(api, cfg, errbuf, errlen);
	if (rc != OMB_OK) {
		api_free(api);
		return rc;
	}
	if (api_listen(api, &ss, port) != OMB_OK) {
		snprintf(errbuf, errlen, "cannot listen on %s:%lld: %s", cfg->listen, (long long)cfg->port, strerror(errno));
		api_free(api);
		return OMB_EIO;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = (unsigned)(cfg->threads ? cfg->threads : cores > 0 ? cores : 1);
	cred_random(&request_seed, sizeof request_seed);
	metrics_init(api_route_count);
	api->app = app;
	api->literal = xcalloc(api_route_count, sizeof *api->literal);
	for (size_t i = 0; i < api_route_count; i++)
		api->literal[i] = strcspn(api_routes[i].pattern, "{");
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_KEY, 0, api->tls_key},
		{MHD_OPTION_HTTPS_MEM_CERT, 0, api->tls_cert},
		{MHD_OPTION_END, 0, NULL},
	};
	api->daemon = MHD_start_daemon(flags | MHD_USE_NO_LISTEN_SOCKET | (api->tls ? MHD_USE_TLS : 0), 0, NULL, NULL,
				       on_request, api, MHD_OPTION_ARRAY, api->tls ? tls_opts : &tls_opts[2],
				       MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				       MHD_OPTION_THREAD_POOL_SIZE, threads,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				       MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
				       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
				       MHD_OPTION_NOTIFY_COMPLETED, on_completed, api,
				       MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
				       MHD_OPTION_END);
	if (!api->daemon || api_accept_start(api) != OMB_OK) {
		snprintf(errbuf, errlen, "cannot serve on %s:%lld%s: %s", cfg->listen, (long long)cfg->port,
			 api->tls ? " with server.tls_cert and server.tls_key (do they match?)" : "", strerror(errno));
		api_accept_stop(api); /* before the daemon it hands connections to goes */
		if (api->daemon)
			MHD_stop_daemon(api->daemon);
		api_free(api);
		metrics_free();
		return OMB_EIO;
	}
	if (cfg->access_log)
		log_hold_start(ACCESS_FLUSH_MS); /* when it cannot, each line is written at once */
	*out = api;
	log_info(LOG_MSG("listening"), LOG_S("addr", cfg->listen), LOG_I("port", *port), LOG_I("threads", threads),
		 LOG_S("scheme", api->tls ? "https" : "http"), LOG_S("store", store_driver_name(app->store)),
		 LOG_I("test_mode", cfg->test_mode));
	return OMB_OK;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

void api_stop(struct api *api, int64_t grace_ms)
{
	atomic_store(&api->draining, true);
	api_accept_stop(api);
	int64_t deadline = clock_mono_ns() + grace_ms * 1000000;
	/* A request whose bytes arrived just before the listener stopped may
	 * not have reached on_request yet: wait for two quiet checks in a row. */
	for (int quiet = 0; quiet < 2 && clock_mono_ns() < deadline;) {
		quiet = atomic_load(&api->in_flight) == 0 ? quiet + 1 : 0;
		sleep_ms(50);
	}
	int left = atomic_load(&api->in_flight);
	MHD_stop_daemon(api->daemon);
	log_info(LOG_MSG("stopped"), LOG_I("unfinished", left));
	log_hold_stop();
	metrics_free();
	api_free(api);
}
