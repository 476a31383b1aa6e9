/* app.c — opening and closing the application, and the sweeper thread. */
#include "app/app.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/accounts.h"
#include "app/attachments.h"
#include "app/cases.h"
#include "app/outbox.h"
#include "app/privacy.h"
#include "app/protect.h"
#include "app/screening.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

static int secret_from_hex(const char *hex, uint8_t out[CRED_KEY_BYTES])
{
	size_t n = 0;
	if (sodium_hex2bin(out, CRED_KEY_BYTES, hex, strlen(hex), NULL, &n, NULL) != 0 || n != CRED_KEY_BYTES)
		return OMB_EINVAL;
	return OMB_OK;
}

/* The secret file holds 64 hex digits; it is created 0600 on first start so
 * that a single-machine install needs no set-up. Losing it invalidates every
 * session, API key and access code, so operations.md says to back it up. */
static int load_secret_file(const char *path, uint8_t out[CRED_KEY_BYTES], char *errbuf, size_t errlen)
{
	char hex[CRED_KEY_BYTES * 2 + 2] = "";
	FILE *f = fopen(path, "r");
	if (f) {
		size_t n = fread(hex, 1, CRED_KEY_BYTES * 2, f);
		fclose(f);
		hex[n] = '\0';
		if (secret_from_hex(hex, out) != OMB_OK) {
			snprintf(errbuf, errlen, "%s: expected 64 hex digits", path);
			return OMB_EINVAL;
		}
		return OMB_OK;
	}
	if (errno != ENOENT) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return OMB_EIO;
	}
	cred_random(out, CRED_KEY_BYTES);
	sodium_bin2hex(hex, sizeof hex, out, CRED_KEY_BYTES);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, hex, strlen(hex)) != (ssize_t)strlen(hex)) {
		snprintf(errbuf, errlen, "%s: cannot create: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return OMB_EIO;
	}
	close(fd);
	log_info(LOG_MSG("created secret file"), LOG_S("path", path));
	return OMB_OK;
}

static int load_secret(struct app *app, char *errbuf, size_t errlen)
{
	const struct config *cfg = app->cfg;
	if (*cfg->secret) {
		int rc = secret_from_hex(cfg->secret, app->secret);
		if (rc != OMB_OK)
			snprintf(errbuf, errlen, "security.secret: expected 64 hex digits");
		return rc;
	}
	if (*cfg->secret_file)
		return load_secret_file(cfg->secret_file, app->secret, errbuf, errlen);
	/* Beside a SQLite file; a database server has no "beside", and every
	 * node on it must hash with the same secret, so it is given explicitly. */
	const char *db = store_url_file(cfg->db);
	if (!db) {
		snprintf(errbuf, errlen, "security.secret_file (or security.secret) must be set with a PostgreSQL "
					 "store: every node needs the same secret");
		return OMB_EINVAL;
	}
	char *path = xasprintf("%s.secret", db);
	int rc = load_secret_file(path, app->secret, errbuf, errlen);
	free(path);
	return rc;
}

/* "2026-01-01,2026-02-16" -> {20260101, 20260216}. */
static int parse_holidays(const char *list, int32_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	for (const char *p = list; *p;) {
		int y, m, d, used = 0;
		if (sscanf(p, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
			return OMB_EINVAL;
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = y * 10000 + m * 100 + d;
		p += used;
		if (*p == ',')
			p++;
		else if (*p)
			return OMB_EINVAL;
	}
	return OMB_OK;
}

static int desk_setup(struct app *app, char *errbuf, size_t errlen)
{
	const struct config *cfg = app->cfg;
	struct desk_config *d = &app->desk;
	desk_config_default(d);
	d->deadlines.first_answer_hours = (int32_t)cfg->first_answer_hours;
	d->deadlines.responsible_contact_hours = (int32_t)cfg->responsible_contact_hours;
	for (int level = LADDER_L2; level <= LADDER_L4; level++)
		d->deadlines.level_answer_hours[level] = (int32_t)cfg->level_answer_hours;
	d->deadlines.final_answer_days = (int32_t)cfg->final_answer_days;
	d->deadlines.cal.business = cfg->business_hours;
	d->reopen_window_ms = cfg->reopen_days * CLOCK_MS_PER_DAY;
	size_t n = 0;
	if (parse_holidays(cfg->holidays, &app->holidays, &n) != OMB_OK) {
		snprintf(errbuf, errlen, "desk.holidays: expected YYYY-MM-DD,YYYY-MM-DD,...");
		return OMB_EINVAL;
	}
	d->deadlines.cal.holidays = app->holidays;
	d->deadlines.cal.n_holidays = n;
	similar_config_default(&app->similar);
	app->similar.threshold = (double)cfg->repeat_threshold_pct / 100.0;
	const char *why = NULL;
	if (desk_config_check(d, &why) != OMB_OK || similar_config_check(&app->similar, &why) != OMB_OK) {
		snprintf(errbuf, errlen, "desk: %s", why ? why : "invalid settings");
		return OMB_EINVAL;
	}
	return OMB_OK;
}

int app_open(struct app *app, const struct config *cfg, char *errbuf, size_t errlen)
{
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	pthread_mutex_init(&app->sweep_lock, NULL);
	int rc = cred_init();
	if (rc != OMB_OK) {
		snprintf(errbuf, errlen, "libsodium failed to initialise");
		return rc;
	}
	if ((rc = desk_setup(app, errbuf, errlen)) != OMB_OK)
		return rc;
	if ((rc = outbox_setup(cfg, errbuf, errlen)) != OMB_OK || (rc = attachments_setup(errbuf, errlen)) != OMB_OK)
		return rc;
	app->sender = outbox_sender_named(cfg->outbox_sender);
	if ((rc = store_open(cfg->db, &app->store, errbuf, errlen)) != OMB_OK)
		return rc;
	int applied = 0;
	if ((rc = store_migrate(app->store, &applied)) != OMB_OK) {
		snprintf(errbuf, errlen, "migrations failed: %s", omb_err_name(rc));
		app_close(app);
		return rc;
	}
	if ((rc = load_secret(app, errbuf, errlen)) != OMB_OK) {
		app_close(app);
		return rc;
	}
	size_t keyed = 0;
	if ((rc = protection_backfill(app, &keyed)) != OMB_OK) {
		snprintf(errbuf, errlen, "keying cases for the senior routing failed: %s", omb_err_name(rc));
		app_close(app);
		return rc;
	}
	if (keyed)
		log_info(LOG_MSG("cases keyed for the senior routing"), LOG_I("cases", (int64_t)keyed));
	bool refreshed = false;
	if ((rc = privacy_erase_due_refresh(app, &refreshed)) != OMB_OK) {
		snprintf(errbuf, errlen, "setting the cases' erasure due times failed: %s", omb_err_name(rc));
		app_close(app);
		return rc;
	}
	if (refreshed)
		log_info(LOG_MSG("erasure due times set for the retention period in force"),
			 LOG_I("retention_days", app->cfg->privacy_retention_days));
	app->keys = accounts_key_cache_new();
	return OMB_OK;
}

void app_close(struct app *app)
{
	app_sweeper_stop(app);
	screening_close(app);
	if (app->sender)
		outbox_teardown();
	accounts_key_cache_free(app->keys);
	app->keys = NULL;
	store_close(app->store);
	app->store = NULL;
	sodium_memzero(app->secret, sizeof app->secret);
	free(app->holidays);
	app->holidays = NULL;
	pthread_mutex_destroy(&app->sweep_lock);
}

int app_sweep(struct app *app, int64_t now)
{
	pthread_mutex_lock(&app->sweep_lock);
	int done = 0, rc = cases_sweep(app, now);
	if (rc >= 0) {
		done = rc;
		rc = OMB_OK;
		outbox_kick(app);
	}
	if (rc == OMB_OK)
		rc = accounts_purge_sessions(app, now);
	if (rc == OMB_OK && (rc = privacy_sweep(app, now)) >= 0) {
		done += rc;
		rc = OMB_OK;
	}
	if (rc == OMB_OK && (rc = screening_sweep(app, now)) >= 0) {
		done += rc;
		rc = OMB_OK;
	}
	if (rc == OMB_OK)
		rc = store_maintain(app->store);
	pthread_mutex_unlock(&app->sweep_lock);
	return rc < 0 ? rc : done;
}

static void *sweeper_main(void *arg)
{
	struct app *app = arg;
	int64_t interval = app->cfg->sweep_interval_ms;
	while (!atomic_load(&app->sweeper_stop)) {
		int rc = app_sweep(app, clock_now_ms());
		if (rc < 0)
			log_warn(LOG_MSG("sweep failed"), LOG_S("error", omb_err_name(rc)));
		struct timespec ts = {interval / 1000, (interval % 1000) * 1000000};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int app_sweeper_start(struct app *app)
{
	atomic_store(&app->sweeper_stop, false);
	if (outbox_workers_start(app) != OMB_OK)
		return OMB_EIO;
	if (pthread_create(&app->sweeper, NULL, sweeper_main, app) != 0) {
		outbox_workers_stop(app);
		return OMB_EIO;
	}
	app->sweeper_running = true;
	return OMB_OK;
}

void app_sweeper_stop(struct app *app)
{
	if (!app->sweeper_running)
		return;
	atomic_store(&app->sweeper_stop, true);
	pthread_join(app->sweeper, NULL);
	app->sweeper_running = false;
	outbox_workers_stop(app);
}
