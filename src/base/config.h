/* config.h — ombud's settings: one table, three sources.
 *
 * Every setting is one row of the table in config.c (section, key, type,
 * default, bounds, whether it is secret, help). Values come from, in rising
 * precedence: the defaults, an INI file (inih), OMBUD_<SECTION>_<KEY>
 * environment variables, and command-line flags (--section.key=value, or the
 * short flags that main.c maps onto keys). Validation names the setting and
 * where its bad value came from. The struct is read-only once loaded. */
#ifndef OMBUD_BASE_CONFIG_H
#define OMBUD_BASE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct config {
	/* [server] */
	char *listen;             /* address to bind */
	int64_t port;             /* 0 = any free port (see port_file) */
	char *port_file;          /* if set, the bound port is written here once listening */
	int64_t threads;          /* HTTP worker threads; 0 = one per core */
	char *web_root;           /* static pages */
	bool access_log;
	bool test_mode;           /* exposes POST /v1/test/clock; never in production */
	int64_t shutdown_grace_s; /* how long in-flight requests may finish after SIGTERM */
	char *tls_cert;           /* PEM certificate chain file; set with tls_key, serve speaks HTTPS */
	char *tls_key;            /* PEM private key file; secret (its path is masked too) */
	char *trusted_proxies;    /* whose X-Forwarded-For names the client */
	/* [store] */
	char *db;                 /* SQLite file path (or sqlite:PATH) */
	/* [log] */
	char *log_level;
	char *log_format;
	/* [security] */
	char *secret;             /* key for hashing tokens and codes (hex, 64 chars); secret */
	char *secret_file;        /* or a file holding it, created on first start */
	int64_t session_ttl_s;
	int64_t key_cache_ms;     /* how long a verified API key is trusted without reading the store */
	int64_t login_per_min;    /* per client address */
	int64_t login_failures_per_min; /* per login name */
	int64_t lookup_per_min;   /* receipt-number and one-time-code lookups per source */
	int64_t auth_failures_per_min; /* unknown tokens and keys per source */
	/* [locale] */
	int64_t default_country;  /* E.164 country code for national-format numbers */
	/* [desk] */
	int64_t first_answer_hours;
	int64_t responsible_contact_hours;
	int64_t level_answer_hours;      /* L2-L4 */
	int64_t final_answer_days;
	bool business_hours;             /* count open hours (Mon-Fri 09-18 KST) instead of calendar hours */
	char *holidays;                  /* comma-separated YYYY-MM-DD, with business_hours */
	int64_t reopen_days;
	int64_t repeat_threshold_pct;    /* similarity at or above which an answer is a repeat */
	/* [outbox] */
	char *outbox_sender;      /* "log" or "net" */
	int64_t sweep_interval_ms;
	int64_t outbox_workers;       /* delivery threads */
	int64_t outbox_max_attempts;  /* tries before the dead letter */
	int64_t outbox_backoff_s;     /* first wait after a failure; doubles */
	int64_t outbox_backoff_max_s;
	int64_t outbox_timeout_s;     /* one try */
	/* [smtp] e-mail with outbox.sender = net */
	char *smtp_url;
	char *smtp_user;
	char *smtp_password;          /* secret */
	char *smtp_tls;               /* require, try or off */
	char *smtp_from;
	/* [gateway] SMS and staff messages with outbox.sender = net */
	char *gateway_url;
	char *gateway_auth_header;    /* "Name: value"; secret */
	/* [attachments] */
	int64_t attachments_max_bytes;        /* one file */
	int64_t attachments_case_quota_bytes; /* all files of a case */
	int64_t attachments_report_quota_bytes; /* all files of a telemarketing report */
	/* [privacy] */
	int64_t privacy_retention_days;       /* after closing, where the organisation set none */
	/* [screen] */
	bool screen_enabled;             /* run the call-screening engine in `serve` */
	char *screen_snapshot;           /* engine snapshot file; "" = <db>.screen */
	int64_t screen_snapshot_interval_s;
	int64_t screen_block_minutes;    /* how long an automatic block lasts */
	char *screen_emergency;          /* extra emergency numbers, ';'-separated */
	char *screen_registry_file;      /* registry CSV (docs/formats.md), e.g. the confirmed-fraud list */
	char *screen_reports_file;       /* consumer reports CSV (docs/formats.md) */
	char *screen_config;             /* engine rule settings file: "name = value" lines */
	int64_t screen_shards;
	int64_t screen_max_callers;
	int64_t screen_feed_interval_s;  /* how often the registry and reports are re-read from the store */
	char *screen_node;               /* this node's name among nodes on one database; "" = host:port */
	int64_t screen_sync_poll_ms;     /* catch-up read of other nodes' blocks when no notice came */
	int64_t screen_partials_interval_s; /* how often cell/trunk partials are exchanged between nodes; 0 = never */
};

/* Where a value came from, for error messages. */
enum config_source { CONFIG_DEFAULT, CONFIG_FILE, CONFIG_ENV, CONFIG_FLAG };

struct config_error {
	char key[64];             /* "server.port" */
	char reason[160];
	enum config_source source;
	int line;                 /* file line, when source is CONFIG_FILE */
};

/* Fills cfg with defaults. Strings are owned by cfg; free with config_free. */
void config_defaults(struct config *cfg);
/* Reads an INI file. Returns 0, OMB_EIO (unreadable) or OMB_EINVAL with *err set. */
int config_load_file(struct config *cfg, const char *path, struct config_error *err);
/* The same from an open stream (read to its end, not closed). */
int config_load_stream(struct config *cfg, FILE *f, struct config_error *err);
/* Applies OMBUD_* variables from envp (NULL-terminated "K=V" strings). */
int config_load_env(struct config *cfg, char *const *envp, struct config_error *err);
/* Sets "section.key" to a textual value from source. */
int config_set(struct config *cfg, const char *name, const char *value, enum config_source source,
	       struct config_error *err);
/* Checks cross-field rules after all sources are in. */
int config_validate(const struct config *cfg, struct config_error *err);
/* Writes every setting as INI, secrets masked as "********" when set. */
void config_print(const struct config *cfg, FILE *out);
/* The value of setting name ("store.db") as it may be shown: a secret as
 * "********" when set, a password inside a URL or connection string
 * (user:PASSWORD@, password=PASSWORD) masked the same way. Writes into buf
 * (truncated to size) and returns it; "" for an unknown name. */
const char *config_shown(const struct config *cfg, const char *name, char *buf, size_t size);
/* Writes the settings table (name, default, help) for `ombud help serve`. */
void config_print_help(FILE *out);
void config_free(struct config *cfg);

#endif
