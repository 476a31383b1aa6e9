/* app.h — the process's one application object and its life cycle.
 *
 * struct app gathers what every use case needs: the configuration, the store,
 * the secret that keys token hashes, and the background sweeper. It is made
 * once by main.c and passed explicitly to app_* functions and to api/; there
 * is no global. Use cases live in the other app/ modules (accounts, outbox,
 * document, demo, sweep). */
#ifndef OMBUD_APP_APP_H
#define OMBUD_APP_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/config.h"
#include "base/credential.h"
#include "desk/case.h"
#include "desk/similar.h"
#include "store/store.h"

/* Why a use case refused its input, for the caller to show (api/ names the
 * field in its 400 body). */
struct app_error {
	const char *field;   /* NULL when no single field is at fault */
	const char *reason;  /* static English phrase */
};

struct key_cache;
struct outbox_sender;
struct outbox_workers;
struct screening;

struct app {
	const struct config *cfg;        /* borrowed; outlives the app */
	struct store *store;             /* owned */
	uint8_t secret[CRED_KEY_BYTES];  /* keys every stored token and code hash */
	const struct outbox_sender *sender; /* how the outbox delivers (outbox.sender) */
	struct outbox_workers *outbox_workers; /* owned; the delivery threads of `serve`, else NULL */
	struct desk_config desk;         /* deadlines and re-opening, from [desk] */
	struct similar_config similar;   /* what counts as a repeated answer */
	int32_t *holidays;               /* owned; desk.deadlines.cal points into it */
	pthread_mutex_t sweep_lock;      /* one sweep at a time */
	pthread_t sweeper;
	atomic_bool sweeper_stop;
	bool sweeper_running;
	struct screening *screen;        /* owned; the screening engine of `serve` (app/screening.h), else NULL */
	struct key_cache *keys;          /* owned; recently verified API keys (app/accounts.c) */
	int64_t privacy_swept_ms;        /* when the retention sweep last ran (app/privacy.c); under sweep_lock */
};

/* Opens the store, applies migrations and loads (or creates) the secret.
 * Returns 0 or a negative code with a reason in errbuf. */
int app_open(struct app *app, const struct config *cfg, char *errbuf, size_t errlen);
void app_close(struct app *app);

/* Runs everything due at time now (the desk's deadlines, expiries, the
 * screening engine's sweep) and wakes the outbox's delivery workers, which
 * send on their own threads so that no sweep waits on the network. Returns
 * how many items it acted on, or a negative code. Any thread; sweeps never
 * overlap. */
int app_sweep(struct app *app, int64_t now);

/* A thread that calls app_sweep every cfg->sweep_interval_ms, and the
 * outbox's delivery workers (app/outbox.h). */
int app_sweeper_start(struct app *app);
void app_sweeper_stop(struct app *app);

#endif
