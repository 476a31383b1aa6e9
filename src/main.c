/* main.c — the ombud command line: git-style subcommands over app/ and api/.
 *
 * Every command reads the configuration the same way: defaults, then the INI
 * file of --config, then OMBUD_* environment variables, then flags (each
 * flag is a setting of base/config.c; --set section.key=value reaches any). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "app/accounts.h"
#include "app/admin.h"
#include "app/app.h"
#include "app/demo.h"
#include "app/screen_cli.h"
#include "app/screening.h"
#include "base/err.h"
#include "base/log.h"
#include "version.h"

extern char **environ;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

/* Flags every command understands, mapped onto settings. */
static const struct {
	const char *flag, *key;
} setting_flags[] = {
	{"db", "store.db"},           {"listen", "server.listen"},     {"port", "server.port"},
	{"port-file", "server.port_file"}, {"web-root", "server.web_root"}, {"threads", "server.threads"},
	{"log-level", "log.level"},   {"log-format", "log.format"},  {"tls-cert", "server.tls_cert"},
	{"tls-key", "server.tls_key"},
};
#define NSETTING_FLAGS (sizeof setting_flags / sizeof setting_flags[0])

enum { OPT_CONFIG = 1000, OPT_SET, OPT_TEST_MODE, OPT_PRINT_CONFIG, OPT_HELP, OPT_EXTRA, OPT_SETTING = 2000 };

/* Command-specific options are parsed after the common ones by the command. */
struct cli {
	struct config cfg;
	bool print_config;
	int nextra;
	struct option extra[8];
	char *extra_val[8];
};

static void print_config_error(const struct config_error *e)
{
	if (e->line)
		fprintf(stderr, "ombud: %s: %s (line %d)\n", e->key, e->reason, e->line);
	else
		fprintf(stderr, "ombud: %s: %s\n", e->key, e->reason);
}

static const char *config_path(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	return getenv("OMBUD_CONFIG");
}

static void build_options(struct cli *cli, struct option *opts)
{
	size_t n = 0;
	opts[n++] = (struct option){"config", required_argument, NULL, OPT_CONFIG};
	opts[n++] = (struct option){"set", required_argument, NULL, OPT_SET};
	opts[n++] = (struct option){"test-mode", no_argument, NULL, OPT_TEST_MODE};
	opts[n++] = (struct option){"print-config", no_argument, NULL, OPT_PRINT_CONFIG};
	opts[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
	for (size_t i = 0; i < NSETTING_FLAGS; i++)
		opts[n++] = (struct option){setting_flags[i].flag, required_argument, NULL, OPT_SETTING + (int)i};
	for (int i = 0; i < cli->nextra; i++) {
		opts[n] = cli->extra[i];
		opts[n++].val = OPT_EXTRA + i;
	}
	opts[n] = (struct option){0, 0, 0, 0};
}

static int apply_flag(struct cli *cli, int c, const char *arg, struct config_error *err)
{
	if (c >= OPT_SETTING)
		return config_set(&cli->cfg, setting_flags[c - OPT_SETTING].key, arg, CONFIG_FLAG, err);
	if (c == OPT_SET) {
		const char *eq = strchr(arg, '=');
		if (!eq) {
			snprintf(err->key, sizeof err->key, "--set");
			snprintf(err->reason, sizeof err->reason, "expected section.key=value");
			return OMB_EINVAL;
		}
		char name[96];
		snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
		return config_set(&cli->cfg, name, eq + 1, CONFIG_FLAG, err);
	}
	if (c == OPT_TEST_MODE)
		return config_set(&cli->cfg, "server.test_mode", "true", CONFIG_FLAG, err);
	if (c == OPT_PRINT_CONFIG)
		cli->print_config = true;
	else if (c >= OPT_EXTRA && c < OPT_EXTRA + 8)
		cli->extra_val[c - OPT_EXTRA] = optarg ? optarg : (char *)"";
	return OMB_OK;
}

static void usage_of(const char *name);

/* Returns 0 to go on, 1 when --help was shown, or 2 on a usage error. */
static int parse_cli(struct cli *cli, const char *cmd, int argc, char **argv)
{
	struct config_error err = {0};
	config_defaults(&cli->cfg);
	const char *path = config_path(argc, argv);
	if ((path && config_load_file(&cli->cfg, path, &err) != OMB_OK) ||
	    config_load_env(&cli->cfg, environ, &err) != OMB_OK) {
		print_config_error(&err);
		return 2;
	}
	struct option opts[32];
	build_options(cli, opts);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h' || c == OPT_HELP) {
			usage_of(cmd);
			return 1;
		}
		if (c == '?' || (c != OPT_CONFIG && apply_flag(cli, c, optarg, &err) != OMB_OK)) {
			if (c != '?')
				print_config_error(&err);
			fprintf(stderr, "see: ombud help %s\n", cmd);
			return 2;
		}
	}
	if (config_validate(&cli->cfg, &err) != OMB_OK) {
		print_config_error(&err);
		return 2;
	}
	enum log_level level = LOG_INFO;
	enum log_format format = LOG_LOGFMT;
	if (log_level_parse(cli->cfg.log_level, &level) != OMB_OK) {
		fprintf(stderr, "ombud: log.level: unknown value %s\n", cli->cfg.log_level);
		return 2;
	}
	if (log_format_parse(cli->cfg.log_format, &format) != OMB_OK) {
		fprintf(stderr, "ombud: log.format: unknown value %s\n", cli->cfg.log_format);
		return 2;
	}
	log_setup(level, format);
	return 0;
}

/* A setting refused once the program opens (OMB_EINVAL) is a bad setting
 * like those parse_cli() refuses: exit status 2; any other failure 1. */
static int exit_status(int rc)
{
	return rc == OMB_OK ? 0 : rc == OMB_EINVAL ? 2 : 1;
}

/* 0, or the exit status. */
static int open_app(struct app *app, const struct config *cfg)
{
	char err[256] = "";
	int rc = app_open(app, cfg, err, sizeof err);
	if (rc != OMB_OK)
		fprintf(stderr, "ombud: %s\n", err[0] ? err : omb_err_name(rc));
	return exit_status(rc);
}

/* store.db as it may be printed: a password in a PostgreSQL URL masked. */
static const char *db_shown(const struct cli *cli, char *buf, size_t size)
{
	return config_shown(&cli->cfg, "store.db", buf, size);
}

/* ---- serve ---- */

static int write_port_file(const char *path, uint16_t port)
{
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return OMB_EIO;
	fprintf(f, "%u\n", port);
	/* rename makes the file appear whole: a reader never sees half a number */
	return fclose(f) == 0 && rename(tmp, path) == 0 ? OMB_OK : OMB_EIO;
}

/* The signals serve waits for: SIGTERM and SIGINT stop it, SIGHUP reloads
 * the screening rules. */
static void serve_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static void reload_rules(struct app *app)
{
	char err[256] = "";
	if (screening_reload(app, err, sizeof err) == OMB_OK)
		log_info(LOG_MSG("screen rules reloaded"), LOG_S("config", app->cfg->screen_config));
	else
		log_warn(LOG_MSG("screen rules not reloaded; the rules in force stay"), LOG_S("reason", err));
}

/* Until SIGTERM or SIGINT, which it returns; reloads on SIGHUP. */
static int serve_until_stopped(struct app *app)
{
	sigset_t set;
	serve_signals(&set);
	for (;;) {
		int sig = 0;
		sigwait(&set, &sig);
		if (sig != SIGHUP)
			return sig;
		reload_rules(app);
	}
}

static int cmd_serve(int argc, char **argv)
{
	struct cli cli = {0};
	int rc = parse_cli(&cli, "serve", argc, argv);
	if (rc || cli.print_config) {
		if (!rc)
			config_print(&cli.cfg, stdout);
		config_free(&cli.cfg);
		return rc == 1 ? 0 : rc;
	}
	/* Signals are taken by sigwait in this thread only: block them before
	 * any thread starts so every thread inherits the mask. */
	sigset_t set;
	serve_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct app app;
	struct api *api = NULL;
	uint16_t port = 0;
	char err[256] = "";
	if ((rc = open_app(&app, &cli.cfg)) != 0) {
		config_free(&cli.cfg);
		return rc;
	}
	/* the engine only in serve: other commands share app_open and must not
	 * load it, nor overwrite the running server's snapshot */
	rc = screening_open(&app, err, sizeof err);
	if (rc == OMB_OK)
		rc = api_start(&app, &api, &port, err, sizeof err);
	if (rc == OMB_OK && *cli.cfg.port_file && write_port_file(cli.cfg.port_file, port) != OMB_OK) {
		snprintf(err, sizeof err, "cannot write %s", cli.cfg.port_file);
		api_stop(api, 0);
		rc = OMB_EIO;
	}
	if (rc == OMB_OK && app_sweeper_start(&app) == OMB_OK) {
		int sig = serve_until_stopped(&app);
		log_info(LOG_MSG("shutting down"), LOG_S("signal", sig == SIGTERM ? "TERM" : "INT"));
		api_stop(api, cli.cfg.shutdown_grace_s * 1000);
	} else if (rc != OMB_OK) {
		fprintf(stderr, "ombud: %s\n", err);
	}
	app_close(&app);
	config_free(&cli.cfg);
	return exit_status(rc);
}

/* ---- migrate, demo, user add ---- */

static int finish(struct cli *cli, int rc)
{
	config_free(&cli->cfg);
	return rc;
}

static int cmd_migrate(int argc, char **argv)
{
	struct cli cli = {0};
	int rc = parse_cli(&cli, "migrate", argc, argv);
	if (rc)
		return finish(&cli, rc == 1 ? 0 : rc);
	struct app app;
	if ((rc = open_app(&app, &cli.cfg)) != 0)
		return finish(&cli, rc);
	char db[4200];
	printf("%s: schema version %d\n", db_shown(&cli, db, sizeof db), store_schema_version(app.store));
	app_close(&app);
	return finish(&cli, 0);
}

static int cmd_demo(int argc, char **argv)
{
	struct cli cli = {0};
	int rc = parse_cli(&cli, "demo", argc, argv);
	if (rc)
		return finish(&cli, rc == 1 ? 0 : rc);
	struct app app;
	if ((rc = open_app(&app, &cli.cfg)) != 0)
		return finish(&cli, rc);
	int seeded = demo_seed(&app, stdout);
	char db[4200];
	if (seeded < 0)
		fprintf(stderr, "ombud: demo data failed: %s\n", omb_err_name(seeded));
	else if (seeded == 0)
		printf("Demo data is already in %s; its passwords were printed when it was made.\n"
		       "Remove that file to start again.\n", db_shown(&cli, db, sizeof db));
	app_close(&app);
	return finish(&cli, seeded < 0);
}

enum { U_ORG, U_ORG_KIND, U_ORG_NAME, U_LOGIN, U_ROLE, U_DEPT, U_NAME, U_PASSWORD_STDIN };

static int read_password(char *buf, size_t size)
{
	if (!fgets(buf, (int)size, stdin))
		return OMB_EINVAL;
	buf[strcspn(buf, "\r\n")] = '\0';
	return OMB_OK;
}

/* Creates the organisation when it does not exist yet (the first admin of a
 * new install), then the account. */
static int user_add(struct app *app, char **v)
{
	struct org org;
	const char *field = NULL;
	int64_t id;
	if (accounts_org_get(app, v[U_ORG], &org) == OMB_ENOTFOUND) {
		struct org_new o = {v[U_ORG], v[U_ORG_NAME] ? v[U_ORG_NAME] : v[U_ORG], "", ORG_COMPANY, false};
		if (v[U_ORG_KIND] && org_kind_parse(v[U_ORG_KIND], &o.kind) != OMB_OK) {
			fprintf(stderr, "ombud: --org-kind: one of company, vendor, regulator, carrier, police, telemarketer\n");
			return 2;
		}
		if (accounts_org_create(app, &o, &id, &field) != OMB_OK) {
			fprintf(stderr, "ombud: cannot create organisation: %s is not acceptable\n", field);
			return 1;
		}
	}
	char password[258] = "", code[STAFF_CODE_MAX];
	bool generated = !v[U_PASSWORD_STDIN];
	if (generated)
		cred_code_alnum(password, 20);
	else if (read_password(password, sizeof password) != OMB_OK) {
		fprintf(stderr, "ombud: no password on standard input\n");
		return 2;
	}
	struct staff_new s = {v[U_ORG], v[U_LOGIN], password, ROLE_ADMIN, v[U_DEPT], v[U_NAME], false, NULL};
	if (v[U_ROLE] && role_parse(v[U_ROLE], &s.role) != OMB_OK) {
		fprintf(stderr, "ombud: --role: unknown role %s\n", v[U_ROLE]);
		return 2;
	}
	int rc = accounts_staff_create(app, &s, &id, code, &field);
	if (rc != OMB_OK) {
		fprintf(stderr, "ombud: cannot create account: %s: %s\n", field ? field : "store", omb_err_name(rc));
		return 1;
	}
	printf("created %s (%s, %s)\n", v[U_LOGIN], role_name(s.role), code);
	if (generated)
		printf("password (shown once): %s\n", password);
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		usage_of("user");
		return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
	}
	static const char *names[] = {"org", "org-kind", "org-name", "login", "role", "dept", "name", "password-stdin"};
	struct cli cli = {.nextra = 8};
	for (int i = 0; i < 8; i++)
		cli.extra[i] = (struct option){names[i], i == U_PASSWORD_STDIN ? no_argument : required_argument, NULL, 0};
	int rc = parse_cli(&cli, "user", argc - 1, argv + 1);
	if (rc)
		return finish(&cli, rc == 1 ? 0 : rc);
	if (!cli.extra_val[U_ORG] || !cli.extra_val[U_LOGIN]) {
		fprintf(stderr, "ombud: user add needs --org and --login\n");
		return finish(&cli, 2);
	}
	struct app app;
	if ((rc = open_app(&app, &cli.cfg)) != 0)
		return finish(&cli, rc);
	rc = user_add(&app, cli.extra_val);
	app_close(&app);
	return finish(&cli, rc);
}

/* ---- org add: an organisation and its first admin, from nothing ---- */

enum { O_CODE, O_KIND, O_NAME, O_NAME_EN, O_ADMIN, O_PASSWORD_STDIN, O_COUNT };

static int org_add(struct app *app, char **v)
{
	struct org_new o = {v[O_CODE], v[O_NAME], v[O_NAME_EN], ORG_COMPANY, false};
	if (v[O_KIND] && org_kind_parse(v[O_KIND], &o.kind) != OMB_OK) {
		fprintf(stderr, "ombud: --kind: one of company, vendor, regulator, carrier, police, telemarketer\n");
		return 2;
	}
	struct app_error err;
	int64_t id;
	int rc = admin_org_create(app, NULL, &o, &id, &err);
	if (rc != OMB_OK) {
		fprintf(stderr, "ombud: cannot create organisation: %s %s\n", err.field ? err.field : "store",
			err.reason ? err.reason : omb_err_name(rc));
		return 1;
	}
	printf("created organisation %s (%s)\n", o.code, org_kind_name(o.kind));
	if (!v[O_ADMIN])
		return 0;
	char password[258] = "", code[STAFF_CODE_MAX];
	bool generated = !v[O_PASSWORD_STDIN];
	if (generated)
		cred_code_alnum(password, 20);
	else if (read_password(password, sizeof password) != OMB_OK) {
		fprintf(stderr, "ombud: no password on standard input\n");
		return 2;
	}
	struct staff_new s = {.org_code = o.code, .login = v[O_ADMIN], .password = password, .role = ROLE_ADMIN};
	if ((rc = admin_staff_create(app, NULL, &s, &id, code, &err)) != OMB_OK) {
		fprintf(stderr, "ombud: cannot create the admin: %s %s\n", err.field ? err.field : "store",
			err.reason ? err.reason : omb_err_name(rc));
		return 1;
	}
	printf("created %s (admin, %s)\n", s.login, code);
	if (generated)
		printf("password (shown once): %s\n", password);
	return 0;
}

static int cmd_org(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		usage_of("org");
		return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
	}
	static const char *names[O_COUNT] = {"code", "kind", "name", "name-en", "admin", "password-stdin"};
	struct cli cli = {.nextra = O_COUNT};
	for (int i = 0; i < O_COUNT; i++)
		cli.extra[i] = (struct option){names[i], i == O_PASSWORD_STDIN ? no_argument : required_argument, NULL, 0};
	int rc = parse_cli(&cli, "org", argc - 1, argv + 1);
	if (rc)
		return finish(&cli, rc == 1 ? 0 : rc);
	if (!cli.extra_val[O_CODE] || !cli.extra_val[O_NAME]) {
		fprintf(stderr, "ombud: org add needs --code and --name\n");
		return finish(&cli, 2);
	}
	struct app app;
	if ((rc = open_app(&app, &cli.cfg)) != 0)
		return finish(&cli, rc);
	rc = org_add(&app, cli.extra_val);
	app_close(&app);
	return finish(&cli, rc);
}

/* ---- backup, restore ---- */

static void backup_report(const struct cli *cli, const char *to, int rc)
{
	char db[4200];
	bool server = !store_url_file(cli->cfg.db);
	if (rc == OMB_OK && server)
		printf("%s: backed up to %s with pg_dump (custom format); restore it into a new database with\n"
		       "  pg_restore --no-owner --dbname=NEWDB %s\n(keep the secret file with it: see docs/operations.md)\n",
		       db_shown(cli, db, sizeof db), to, to);
	else if (rc == OMB_OK)
		printf("%s: backed up to %s (keep the secret file with it: see docs/operations.md)\n",
		       db_shown(cli, db, sizeof db), to);
	else if (rc == OMB_EEXIST)
		fprintf(stderr, "ombud: backup to %s failed: the file exists\n", to);
	else if (server)
		fprintf(stderr, "ombud: backup to %s failed: on PostgreSQL ombud runs pg_dump, which must be on PATH\n"
				"(Debian: postgresql-client, the server's version or newer) and able to reach the database;\n"
				"or run pg_dump --format=custom yourself (docs/operations.md, \"Running on PostgreSQL\")\n",
			to);
	else
		fprintf(stderr, "ombud: backup to %s failed: %s\n", to, omb_err_name(rc));
}

static int cmd_backup(int argc, char **argv)
{
	struct cli cli = {.nextra = 1};
	cli.extra[0] = (struct option){"to", required_argument, NULL, 0};
	int rc = parse_cli(&cli, "backup", argc, argv);
	if (rc)
		return finish(&cli, rc == 1 ? 0 : rc);
	if (!cli.extra_val[0]) {
		fprintf(stderr, "ombud: backup needs --to FILE\n");
		return finish(&cli, 2);
	}
	struct app app;
	if ((rc = open_app(&app, &cli.cfg)) != 0)
		return finish(&cli, rc);
	rc = store_backup(app.store, cli.extra_val[0]);
	backup_report(&cli, cli.extra_val[0], rc);
	app_close(&app);
	return finish(&cli, rc == OMB_OK ? 0 : 1);
}

/* Restores by taking an online backup of the backup file into the (stopped)
 * server's database path, which must not exist: nothing is overwritten. */
static int cmd_restore(int argc, char **argv)
{
	struct cli cli = {.nextra = 1};
	cli.extra[0] = (struct option){"from", required_argument, NULL, 0};
	int rc = parse_cli(&cli, "restore", argc, argv);
	if (rc)
		return finish(&cli, rc == 1 ? 0 : rc);
	if (!cli.extra_val[0]) {
		fprintf(stderr, "ombud: restore needs --from FILE\n");
		return finish(&cli, 2);
	}
	const char *target = store_url_file(cli.cfg.db);
	if (!target) {
		fprintf(stderr, "ombud: restore writes a SQLite file; restore a PostgreSQL backup (made by ombud backup,\n"
				"which runs pg_dump) into a new, empty database with: pg_restore --no-owner --dbname=NEWDB FILE\n"
				"then start ombud with --db set to it (docs/operations.md, \"Running on PostgreSQL\")\n");
		return finish(&cli, 2);
	}
	if (access(target, F_OK) == 0) {
		fprintf(stderr, "ombud: %s exists; restore writes only a new database (move the old one away first)\n",
			target);
		return finish(&cli, 1);
	}
	struct store *src = NULL;
	char err[256] = "";
	if (access(cli.extra_val[0], R_OK) != 0 || store_open(cli.extra_val[0], &src, err, sizeof err) != OMB_OK) {
		fprintf(stderr, "ombud: cannot read %s %s\n", cli.extra_val[0], err);
		return finish(&cli, 1);
	}
	rc = store_backup(src, target);
	store_close(src);
	if (rc == OMB_OK)
		printf("%s: restored from %s\n", target, cli.extra_val[0]);
	else
		fprintf(stderr, "ombud: restore failed: %s\n", omb_err_name(rc));
	return finish(&cli, rc == OMB_OK ? 0 : 1);
}

/* ---- routes, version, help ---- */

static void usage_of(const char *name);

static bool is_help_flag(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* For a command without options: -1 to go on, else the exit status after
 * printing its usage (--help) or refusing an argument. */
static int bare_command(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return -1;
	if (is_help_flag(argv[1])) {
		usage_of(name);
		return 0;
	}
	fprintf(stderr, "ombud: %s takes no argument %s (see: ombud help %s)\n", name, argv[1], name);
	return 2;
}

static int cmd_routes(int argc, char **argv)
{
	int rc = bare_command("routes", argc, argv);
	if (rc >= 0)
		return rc;
	api_routes_print(stdout);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	int rc = bare_command("version", argc, argv);
	if (rc >= 0)
		return rc;
	printf("ombud %s\n", OMBUD_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{"serve", cmd_serve, "serve [--db FILE] [--listen ADDR] [--port N] [--port-file FILE] [--web-root DIR]\n"
	 "            [--threads N] [--tls-cert PEM --tls-key PEM] [--test-mode] [--print-config] [--config FILE]\n"
	 "            [--set section.key=value]",
	 "run the HTTP server (HTTPS with a certificate and key) until SIGTERM or SIGINT; SIGHUP reloads\n"
	 "            the screening rules"},
	{"migrate", cmd_migrate, "migrate [--db FILE]", "apply database migrations and print the schema version"},
	{"user", cmd_user, "user add --org CODE --login LOGIN [--role ROLE] [--org-kind KIND] [--org-name NAME]\n"
	 "            [--dept CODE] [--name NAME] [--password-stdin] [--db FILE]",
	 "create a staff account (and its organisation if new); without --password-stdin a password is generated and printed once"},
	{"org", cmd_org, "org add --code CODE --name NAME [--name-en NAME] [--kind KIND] [--admin LOGIN [--password-stdin]]\n"
	 "            [--db FILE]",
	 "create an organisation (recorded in its audit trail) and, with --admin, its first admin; without\n"
	 "            --password-stdin the admin's password is generated and printed once"},
	{"demo", cmd_demo, "demo [--db FILE]", "fill an empty database with the demo organisations and accounts"},
	{"screen", app_screen_cli, "screen replay|simulate|evaluate|bench [OPTIONS] (ombud screen help)",
	 "the call-screening engine on files: replay events, simulate a world, evaluate verdicts, benchmark"},
	{"backup", cmd_backup, "backup --to FILE [--db FILE]",
	 "a consistent copy of the database, taken while the server runs"},
	{"restore", cmd_restore, "restore --from FILE --db FILE",
	 "a new database from a backup (the server stopped; the target must not exist)"},
	{"routes", cmd_routes, "routes", "print the routing table as JSON (method, path, roles, limits)"},
	{"version", cmd_version, "version", "print the version"},
	{"help", cmd_help, "help [COMMAND]", "show help for ombud or one command"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage_of(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		printf("usage: ombud %s\n\n%s\n", commands[i].usage, commands[i].summary);
		if (!strcmp(name, "serve") || !strcmp(name, "migrate") || !strcmp(name, "user") || !strcmp(name, "demo") ||
		    !strcmp(name, "org") || !strcmp(name, "backup") || !strcmp(name, "restore")) {
			printf("\nSettings (flag --section.key via --set, file [section] key, or env OMBUD_SECTION_KEY):\n");
			config_print_help(stdout);
		}
		return;
	}
}

static int cmd_help(int argc, char **argv)
{
	if (argc >= 2) {
		const char *name = is_help_flag(argv[1]) ? "help" : argv[1]; /* ombud help --help */
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (strcmp(commands[i].name, name) == 0) {
				usage_of(name);
				return 0;
			}
		fprintf(stderr, "ombud: no command %s\n", name);
		return 2;
	}
	printf("ombud %s — accountable customer centers, telemarketing compliance, call screening\n\n"
	       "usage: ombud COMMAND [OPTIONS]\n\ncommands:\n", OMBUD_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-9s %s\n", commands[i].name, commands[i].summary);
	printf("\n'ombud help COMMAND' or 'ombud COMMAND --help' for one command.\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(argc, argv);
		return 2; /* a usage error, though the help was printed */
	}
	if (is_help_flag(argv[1]))
		return cmd_help(1, argv);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "ombud: unknown command %s (see: ombud help)\n", argv[1]);
	return 2;
}
