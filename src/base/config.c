/* config.c — the settings table and its three sources. */
#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"

enum setting_type { T_STR, T_INT, T_BOOL };

struct setting {
	const char *section, *key;
	enum setting_type type;
	size_t offset;
	const char *def;
	int64_t min, max;   /* T_INT bounds */
	bool secret;
	const char *help;
};

#define S(sec, k, field, d, h)       {sec, k, T_STR, offsetof(struct config, field), d, 0, 0, false, h}
#define SECRET(sec, k, field, d, h)  {sec, k, T_STR, offsetof(struct config, field), d, 0, 0, true, h}
#define I(sec, k, field, d, lo, hi, h) {sec, k, T_INT, offsetof(struct config, field), d, lo, hi, false, h}
#define B(sec, k, field, d, h)       {sec, k, T_BOOL, offsetof(struct config, field), d, 0, 0, false, h}

static const struct setting settings[] = {
	S("server", "listen", listen, "127.0.0.1", "address to bind"),
	I("server", "port", port, "8080", 0, 65535, "TCP port; 0 picks a free one"),
	S("server", "port_file", port_file, "", "write the bound port to this file once listening"),
	I("server", "threads", threads, "0", 0, 256, "HTTP worker threads; 0 = one per core"),
	S("server", "web_root", web_root, "web", "folder of the static web pages"),
	B("server", "access_log", access_log, "true", "one log line per request"),
	B("server", "test_mode", test_mode, "false", "expose POST /v1/test/clock (tests only)"),
	I("server", "shutdown_grace_s", shutdown_grace_s, "8", 0, 300,
	  "seconds in-flight requests get to finish after SIGTERM"),
	S("server", "trusted_proxies", trusted_proxies, "",
	  "reverse proxies whose X-Forwarded-For names the client: addresses or ADDRESS/BITS, ','-separated"),
	S("server", "tls_cert", tls_cert, "", "PEM certificate (chain) file; with tls_key, serve speaks HTTPS only"),
	SECRET("server", "tls_key", tls_key, "", "PEM private key file of tls_cert (read once at start)"),
	S("store", "db", db, "ombud.db", "SQLite database file, or a postgresql:// URL"),
	S("log", "level", log_level, "info", "debug, info, warn or error"),
	S("log", "format", log_format, "logfmt", "logfmt or json"),
	SECRET("security", "secret", secret, "", "64 hex digits keying token and code hashes"),
	S("security", "secret_file", secret_file, "", "file holding the secret; created if missing"),
	I("security", "session_ttl_s", session_ttl_s, "43200", 60, 2592000, "session lifetime in seconds"),
	I("security", "key_cache_ms", key_cache_ms, "2000", 0, 60000,
	  "how long a verified API key is trusted without reading the store (a revoked key works this long at most); 0 = always read"),
	I("security", "login_per_min", login_per_min, "60", 1, 1000000000,
	  "logins and logouts per client address per minute (a call center behind one NAT shares it)"),
	I("security", "login_failures_per_min", login_failures_per_min, "5", 1, 1000000000,
	  "wrong passwords per login name per minute, from any address; past it the login waits"),
	I("security", "auth_failures_per_min", auth_failures_per_min, "60", 1, 1000000000,
	  "unknown session tokens or API keys per source address per minute"),
	I("security", "lookup_per_min", lookup_per_min, "30", 1, 1000000000,
	  "case look-ups by receipt number or one-time code per source per minute"),
	I("locale", "default_country", default_country, "82", 1, 999,
	  "country calling code for national-format phone numbers"),
	I("desk", "first_answer_hours", first_answer_hours, "24", 1, 8760, "deadline of the first answer"),
	I("desk", "responsible_contact_hours", responsible_contact_hours, "24", 1, 8760,
	  "deadline of the responsible person's contact after a demand"),
	I("desk", "level_answer_hours", level_answer_hours, "72", 1, 8760, "deadline of each later level (L2-L4)"),
	I("desk", "final_answer_days", final_answer_days, "14", 1, 365, "deadline of the final answer"),
	B("desk", "business_hours", business_hours, "false",
	  "count open hours, Mon-Fri 09:00-18:00 Asia/Seoul, instead of calendar hours"),
	S("desk", "holidays", holidays, "", "closed days with business_hours: YYYY-MM-DD,YYYY-MM-DD,..."),
	I("desk", "reopen_days", reopen_days, "30", 0, 3650, "how long a customer may re-open a closed case"),
	I("desk", "repeat_threshold_pct", repeat_threshold_pct, "50", 1, 100,
	  "character n-gram similarity (percent) at or above which an answer is a repeat"),
	S("outbox", "sender", outbox_sender, "log",
	  "how messages leave: log (only logged) or net (e-mail by SMTP, SMS and staff by the gateway)"),
	I("outbox", "sweep_interval_ms", sweep_interval_ms, "1000", 10, 3600000,
	  "how often due work (deliveries, deadlines) runs"),
	I("outbox", "workers", outbox_workers, "2", 1, 16, "delivery threads, each sending one message at a time"),
	I("outbox", "max_attempts", outbox_max_attempts, "8", 1, 100,
	  "tries before a message is dead-lettered"),
	I("outbox", "backoff_s", outbox_backoff_s, "30", 1, 86400, "wait after the first failed try; doubles each time"),
	I("outbox", "backoff_max_s", outbox_backoff_max_s, "3600", 1, 604800, "longest wait between tries"),
	I("outbox", "timeout_s", outbox_timeout_s, "30", 1, 600, "longest one try may take"),
	S("smtp", "url", smtp_url, "", "the relay for e-mail: smtp://host:587 or smtps://host:465"),
	S("smtp", "user", smtp_user, "", "SMTP AUTH user; empty = no AUTH"),
	SECRET("smtp", "password", smtp_password, "", "SMTP AUTH password"),
	S("smtp", "tls", smtp_tls, "require", "STARTTLS on smtp://: require, try or off"),
	S("smtp", "from", smtp_from, "", "sender address of every e-mail, e.g. noreply@example.kr"),
	S("gateway", "url", gateway_url, "", "the HTTP gateway for SMS and staff messages (POST, JSON)"),
	SECRET("gateway", "auth_header", gateway_auth_header, "",
	       "header sent to the gateway, e.g. \"Authorization: Bearer ...\"; empty = none"),
	I("attachments", "max_bytes", attachments_max_bytes, "5242880", 1, 10485760,
	  "largest file on a case or a telemarketing report (the upload routes take at most 10 MiB)"),
	I("attachments", "case_quota_bytes", attachments_case_quota_bytes, "20971520", 1, 1099511627776LL,
	  "all files of one case together"),
	I("attachments", "report_quota_bytes", attachments_report_quota_bytes, "20971520", 1, 1099511627776LL,
	  "all files of one telemarketing report together"),
	I("privacy", "retention_days", privacy_retention_days, "1095", 1, 3650,
	  "days a closed case's personal data is kept when its organisation set no period (docs/privacy.md)"),
	B("screen", "enabled", screen_enabled, "true", "run the call-screening engine in serve"),
	S("screen", "snapshot", screen_snapshot, "", "engine snapshot file; empty = <db>.screen"),
	I("screen", "snapshot_interval_s", screen_snapshot_interval_s, "300", 1, 86400,
	  "how often the engine's state is saved (and always at shutdown)"),
	I("screen", "block_minutes", screen_block_minutes, "1440", 1, 525600, "how long an automatic block lasts"),
	S("screen", "emergency", screen_emergency, "",
	  "emergency numbers besides 112/119/122, ';'-separated, never checked or blocked"),
	S("screen", "registry_file", screen_registry_file, "",
	  "registry CSV loaded at start (docs/formats.md), e.g. the confirmed-fraud list"),
	S("screen", "reports_file", screen_reports_file, "",
	  "consumer reports CSV loaded at a start without a snapshot (docs/formats.md)"),
	S("screen", "config", screen_config, "", "engine rule settings file: name = value lines (docs/screening.md)"),
	I("screen", "shards", screen_shards, "8", 1, 64, "engine shards (one lock each)"),
	I("screen", "max_callers", screen_max_callers, "2000000", 16, 4000000000LL,
	  "callers the engine tracks (80 bytes each)"),
	I("screen", "feed_interval_s", screen_feed_interval_s, "60", 1, 86400,
	  "how often the telemarketing registry and reports are re-read from the store"),
	S("screen", "node", screen_node, "",
	  "this node's name among nodes sharing one database; empty = host name and server.port"),
	I("screen", "sync_poll_ms", screen_sync_poll_ms, "5000", 100, 3600000,
	  "read other nodes' blocks and lifts this often even without a notice (SQLite: the only way)"),
	I("screen", "partials_interval_s", screen_partials_interval_s, "10", 0, 3600,
	  "how often per-cell and per-trunk partials are exchanged with the other nodes; 0 = never (one node)"),
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

static const char *source_names[] = {"default", "file", "environment", "flag"};

static const struct setting *find(const char *section, const char *key)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].section, section) == 0 && strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

static void set_error(struct config_error *err, const char *section, const char *key,
		      enum config_source source, int line, const char *reason)
{
	if (!err)
		return;
	snprintf(err->key, sizeof err->key, "%s.%s", section, key);
	snprintf(err->reason, sizeof err->reason, "%s (from %s)", reason, source_names[source]);
	err->source = source;
	err->line = line;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "off"))
		*out = false;
	else
		return OMB_EINVAL;
	return OMB_OK;
}

static int assign(struct config *cfg, const struct setting *s, const char *value, const char **reason)
{
	void *field = (char *)cfg + s->offset;
	switch (s->type) {
	case T_STR:
		if (strlen(value) > 4096) {
			*reason = "longer than 4096 bytes";
			return OMB_EINVAL;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return OMB_OK;
	case T_INT: {
		char *end;
		errno = 0;
		long long n = strtoll(value, &end, 10);
		if (errno || end == value || *end != '\0') {
			*reason = "not an integer";
			return OMB_EINVAL;
		}
		if (n < s->min || n > s->max) {
			*reason = "out of range";
			return OMB_EINVAL;
		}
		*(int64_t *)field = n;
		return OMB_OK;
	}
	case T_BOOL:
		if (parse_bool(value, (bool *)field) != OMB_OK) {
			*reason = "not a boolean (true/false)";
			return OMB_EINVAL;
		}
		return OMB_OK;
	}
	return OMB_EINVAL;
}

static int set_one(struct config *cfg, const char *section, const char *key, const char *value,
		   enum config_source source, int line, struct config_error *err)
{
	const struct setting *s = find(section, key);
	if (!s) {
		set_error(err, section, key, source, line, "unknown setting");
		return OMB_EINVAL;
	}
	const char *reason = NULL;
	if (assign(cfg, s, value, &reason) != OMB_OK) {
		set_error(err, section, key, source, line, reason);
		return OMB_EINVAL;
	}
	return OMB_OK;
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *reason;
		int rc = assign(cfg, &settings[i], settings[i].def, &reason);
		(void)rc; /* the defaults are valid by construction; test_config checks it */
	}
}

struct file_ctx {
	struct config *cfg;
	struct config_error *err;
	FILE *f;
	int line;   /* lines read so far: inih calls back right after reading an entry's line */
	int rc;
};

/* Debian's inih is built without line numbers in callbacks, so the reader
 * counts them. */
static char *read_line(char *str, int num, void *stream)
{
	struct file_ctx *ctx = stream;
	char *s = fgets(str, num, ctx->f);
	if (s && strchr(s, '\n'))
		ctx->line++;
	return s;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct file_ctx *ctx = user;
	if (ctx->rc != OMB_OK)
		return 0;
	ctx->rc = set_one(ctx->cfg, section, name, value, CONFIG_FILE, ctx->line, ctx->err);
	return ctx->rc == OMB_OK;
}

int config_load_stream(struct config *cfg, FILE *f, struct config_error *err)
{
	struct file_ctx ctx = {cfg, err, f, 0, OMB_OK};
	int line = ini_parse_stream(read_line, &ctx, on_ini, &ctx);
	if (ctx.rc != OMB_OK)
		return ctx.rc;
	if (line != 0) {
		set_error(err, "config", "file", CONFIG_FILE, line, "syntax error");
		return OMB_EINVAL;
	}
	return OMB_OK;
}

int config_load_file(struct config *cfg, const char *path, struct config_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		set_error(err, "config", "file", CONFIG_FILE, 0, strerror(errno));
		return OMB_EIO;
	}
	int rc = config_load_stream(cfg, f, err);
	fclose(f);
	return rc;
}

/* OMBUD_SERVER_PORT=9000 -> server.port. Keys contain '_', sections do not,
 * so the first '_' after the prefix ends the section. */
int config_load_env(struct config *cfg, char *const *envp, struct config_error *err)
{
	for (; envp && *envp; envp++) {
		const char *e = *envp;
		if (strncmp(e, "OMBUD_", 6) != 0)
			continue;
		const char *eq = strchr(e, '='), *us = strchr(e + 6, '_');
		if (!eq || !us || us > eq)
			continue;
		char section[32] = "", key[64] = "";
		size_t slen = (size_t)(us - (e + 6)), klen = (size_t)(eq - us - 1);
		if (slen >= sizeof section || klen >= sizeof key)
			continue;
		for (size_t i = 0; i < slen; i++)
			section[i] = (char)tolower((unsigned char)e[6 + i]);
		for (size_t i = 0; i < klen; i++)
			key[i] = (char)tolower((unsigned char)us[1 + i]);
		if (!find(section, key))
			continue; /* OMBUD_* variables of other tools (e.g. OMBUD_BIN in tests) */
		int rc = set_one(cfg, section, key, eq + 1, CONFIG_ENV, 0, err);
		if (rc != OMB_OK)
			return rc;
	}
	return OMB_OK;
}

int config_set(struct config *cfg, const char *name, const char *value, enum config_source source,
	       struct config_error *err)
{
	const char *dot = strchr(name, '.');
	char section[32];
	if (!dot || (size_t)(dot - name) >= sizeof section) {
		set_error(err, name, "", source, 0, "expected section.key");
		return OMB_EINVAL;
	}
	memcpy(section, name, (size_t)(dot - name));
	section[dot - name] = '\0';
	return set_one(cfg, section, dot + 1, value, source, 0, err);
}

int config_validate(const struct config *cfg, struct config_error *err)
{
	if (*cfg->secret) {
		size_t n = strlen(cfg->secret);
		bool hex = n == 64;
		for (size_t i = 0; hex && i < n; i++)
			hex = isxdigit((unsigned char)cfg->secret[i]);
		if (!hex) {
			set_error(err, "security", "secret", CONFIG_DEFAULT, 0, "must be 64 hex digits");
			return OMB_EINVAL;
		}
	}
	if (!*cfg->db) {
		set_error(err, "store", "db", CONFIG_DEFAULT, 0, "must not be empty");
		return OMB_EINVAL;
	}
	if (!*cfg->tls_cert != !*cfg->tls_key) {
		set_error(err, "server", *cfg->tls_cert ? "tls_key" : "tls_cert", CONFIG_DEFAULT, 0,
			  "server.tls_cert and server.tls_key go together");
		return OMB_EINVAL;
	}
	return OMB_OK;
}

#define MASK "********"

/* Copies v to out with every password in it replaced by MASK: the user
 * info's (scheme://user:PASSWORD@host) and any password=VALUE, as a URL
 * query parameter (ends at '&') or a libpq keyword (ends at a space; a
 * quoted value at its closing quote). */
static void mask_passwords(const char *v, char *out, size_t size)
{
	struct buf b;
	buf_init(&b, 2 * 4096 + 64); /* a setting is at most 4096 bytes; masks add a little */
	const char *scheme = strstr(v, "://");
	const char *host_end = scheme ? scheme + 3 + strcspn(scheme + 3, "/?") : NULL;
	const char *at = NULL;
	for (const char *p = scheme ? scheme + 3 : NULL; p && p < host_end; p++)
		if (*p == '@')
			at = p;
	const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
	for (const char *p = v; *p;) {
		if (p == colon) {
			buf_puts(&b, ":" MASK);
			p = at;
		} else if (strncmp(p, "password=", 9) == 0 && (p == v || strchr(" ?&", p[-1]))) {
			buf_puts(&b, "password=" MASK);
			p += 9;
			if (*p == '\'') {
				for (p++; *p && *p != '\''; p += p[0] == '\\' && p[1] ? 2 : 1)
					;
				p += *p == '\'';
			} else {
				p += strcspn(p, " &");
			}
		} else {
			buf_append(&b, p++, 1);
		}
	}
	snprintf(out, size, "%.*s", (int)b.len, b.data ? b.data : "");
	buf_free(&b);
}

static const char *shown(const struct config *cfg, const struct setting *s, char *buf, size_t size)
{
	const void *field = (const char *)cfg + s->offset;
	const char *str = s->type == T_STR ? *(char *const *)field : NULL;
	if (s->type == T_INT)
		snprintf(buf, size, "%lld", (long long)*(const int64_t *)field);
	else if (s->type == T_BOOL)
		snprintf(buf, size, "%s", *(const bool *)field ? "true" : "false");
	else if (s->secret && *str)
		snprintf(buf, size, MASK);
	else
		mask_passwords(str, buf, size);
	return buf;
}

const char *config_shown(const struct config *cfg, const char *name, char *buf, size_t size)
{
	const char *dot = strchr(name, '.');
	char section[32];
	const struct setting *s = NULL;
	if (dot && (size_t)(dot - name) < sizeof section) {
		snprintf(section, sizeof section, "%.*s", (int)(dot - name), name);
		s = find(section, dot + 1);
	}
	if (!s) {
		snprintf(buf, size, "%s", "");
		return buf;
	}
	return shown(cfg, s, buf, size);
}

void config_print(const struct config *cfg, FILE *out)
{
	const char *section = "";
	char value[4200];
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];
		if (strcmp(section, s->section) != 0) {
			fprintf(out, "%s[%s]\n", i ? "\n" : "", s->section);
			section = s->section;
		}
		fprintf(out, "%s = %s\n", s->key, shown(cfg, s, value, sizeof value));
	}
}

void config_print_help(FILE *out)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];
		char name[64];
		snprintf(name, sizeof name, "%s.%s", s->section, s->key);
		fprintf(out, "  %-28s %s (default: %s)\n", name, s->help, *s->def ? s->def : "\"\"");
	}
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (settings[i].type == T_STR)
			free(*(char **)((char *)cfg + settings[i].offset));
	memset(cfg, 0, sizeof *cfg);
}
