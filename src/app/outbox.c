/* outbox.c — stored messages, their delivery workers and their state. */
#include "app/outbox.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/credential.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/phone.h"
#include "base/text.h"
#include "deliver/deliver.h"

/* Messages one claim takes (see outbox_lease_ms). */
#define CLAIM_BATCH 8
/* Messages one outbox_deliver_due call sends at most before it returns, so
 * a worker looks at its stop flag between batches of work. */
#define ROUND_MAX 64

/* ---- senders ---- */

/* Shows only what an operator needs to tell messages apart: the first and
 * last two characters of a recipient. */
void outbox_mask(const char *s, char *out, size_t size)
{
	size_t n = strlen(s);
	if (n <= 4)
		snprintf(out, size, "****");
	else
		snprintf(out, size, "%.2s****%s", s, s + n - 2);
}

static int send_log(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
		    struct outbox_outcome *out)
{
	char who[16];
	outbox_mask(m->recipient, who, sizeof who);
	log_info(LOG_MSG("outbox delivered"), LOG_I("id", m->id), LOG_S("channel", m->channel),
		 LOG_S("to", who), LOG_S("ref", m->ref), LOG_I("bytes", (int64_t)strlen(m->body)));
	return OMB_OK;
}

static void smtp_route(const struct config *cfg, struct deliver_smtp *r)
{
	*r = (struct deliver_smtp){cfg->smtp_url, cfg->smtp_user, cfg->smtp_password, cfg->smtp_from,
				   DELIVER_TLS_REQUIRE, (long)cfg->outbox_timeout_s};
	deliver_tls_parse(cfg->smtp_tls, &r->tls); /* checked by outbox_setup */
}

/* E-mail to the relay; SMS (to the number in E.164) and staff messages to
 * the gateway. A channel whose route is not configured fails with the name
 * of the missing setting, so its messages wait (and finally dead-letter)
 * rather than pass as sent. */
static int send_net(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
		    struct outbox_outcome *out)
{
	struct deliver_msg d = {m->id, m->channel, m->recipient, m->subject, m->body, m->ref};
	struct deliver_outcome o;
	int rc;
	if (strcmp(m->channel, "email") == 0 && !*cfg->smtp_url) {
		snprintf(out->error, sizeof out->error, "no SMTP relay configured (smtp.url)");
		return OMB_EIO;
	}
	if (strcmp(m->channel, "email") != 0 && !*cfg->gateway_url) {
		snprintf(out->error, sizeof out->error, "no gateway configured (gateway.url)");
		return OMB_EIO;
	}
	struct phone p;
	if (strcmp(m->channel, "sms") == 0) {
		if (phone_parse(m->recipient, strlen(m->recipient), (uint16_t)cfg->default_country, &p, NULL) != OMB_OK ||
		    !*p.canon) {
			snprintf(out->error, sizeof out->error, "recipient is not a phone number");
			return OMB_EINVAL;
		}
		d.to = p.canon;
	}
	if (strcmp(m->channel, "email") == 0) {
		struct deliver_smtp r;
		smtp_route(cfg, &r);
		rc = deliver_smtp(&r, &d, stop, &o);
	} else {
		struct deliver_gateway g = {cfg->gateway_url, cfg->gateway_auth_header, (long)cfg->outbox_timeout_s};
		rc = deliver_gateway(&g, &d, stop, &o);
	}
	snprintf(out->provider_ref, sizeof out->provider_ref, "%s", o.provider_ref);
	snprintf(out->error, sizeof out->error, "%s", o.error);
	return rc;
}

static const struct outbox_sender senders[] = {
	{"log", send_log},
	{"net", send_net},
};

const struct outbox_sender *outbox_sender_named(const char *name)
{
	for (size_t i = 0; i < sizeof senders / sizeof senders[0]; i++)
		if (strcmp(senders[i].name, name) == 0)
			return &senders[i];
	return NULL;
}

static int setup_error(char *errbuf, size_t errlen, const char *setting, const char *reason)
{
	snprintf(errbuf, errlen, "%s: %s", setting, reason);
	return OMB_EINVAL;
}

int outbox_setup(const struct config *cfg, char *errbuf, size_t errlen)
{
	enum deliver_tls tls;
	if (!outbox_sender_named(cfg->outbox_sender))
		return setup_error(errbuf, errlen, "outbox.sender", "expected log or net");
	if (deliver_tls_parse(cfg->smtp_tls, &tls) != OMB_OK)
		return setup_error(errbuf, errlen, "smtp.tls", "expected require, try or off");
	if (*cfg->smtp_url && strncmp(cfg->smtp_url, "smtp://", 7) && strncmp(cfg->smtp_url, "smtps://", 8))
		return setup_error(errbuf, errlen, "smtp.url", "expected smtp://host:port or smtps://host:port");
	if (*cfg->smtp_url && !deliver_address_ok(cfg->smtp_from))
		return setup_error(errbuf, errlen, "smtp.from", "a plain address such as noreply@example.kr is needed with smtp.url");
	if (*cfg->gateway_url && strncmp(cfg->gateway_url, "http://", 7) && strncmp(cfg->gateway_url, "https://", 8))
		return setup_error(errbuf, errlen, "gateway.url", "expected http:// or https://");
	if (*cfg->gateway_auth_header && !deliver_header_ok(cfg->gateway_auth_header))
		return setup_error(errbuf, errlen, "gateway.auth_header", "expected \"Name: value\"");
	if (cfg->outbox_backoff_max_s < cfg->outbox_backoff_s)
		return setup_error(errbuf, errlen, "outbox.backoff_max_s", "must not be below outbox.backoff_s");
	if (strcmp(cfg->outbox_sender, "net") == 0 && !*cfg->smtp_url && !*cfg->gateway_url)
		return setup_error(errbuf, errlen, "outbox.sender", "net needs smtp.url or gateway.url");
	if (deliver_init() != OMB_OK)
		return setup_error(errbuf, errlen, "outbox.sender", "libcurl failed to initialise");
	return OMB_OK;
}

void outbox_teardown(void)
{
	deliver_cleanup();
}

/* ---- storing ---- */

static bool bounded(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0;
	return (n > 0 || !required) && n <= max && (n == 0 || text_is_clean_utf8(s, n));
}

int outbox_enqueue(struct app *app, const struct outbox_msg *m, int64_t *id)
{
	if (!m->channel || (strcmp(m->channel, "email") && strcmp(m->channel, "sms") && strcmp(m->channel, "staff")))
		return OMB_EINVAL;
	if (!bounded(m->recipient, 120, true) || !bounded(m->body, OUTBOX_BODY_MAX, true) ||
	    !bounded(m->subject, 190, false) || !bounded(m->ref, 60, false))
		return OMB_EINVAL;
	int64_t now = clock_now_ms(), new_id = 0;
	int rc = store_exec(app->store, STORE_Q_OUTBOX_INSERT,
			    SV_ARGS(m->org_id ? SV_INT(m->org_id) : SV_NULL, m->staff_id ? SV_INT(m->staff_id) : SV_NULL,
				    SV_TEXT(m->channel), SV_TEXT(m->recipient), SV_TEXT(m->subject ? m->subject : ""),
				    SV_TEXT(m->body), SV_TEXT(m->ref ? m->ref : ""), SV_INT(now), SV_INT(now)),
			    store_row_first_int, &new_id);
	if (rc < 0)
		return rc;
	if (id)
		*id = new_id;
	return OMB_OK;
}

/* ---- claim, send, record ---- */

static _Atomic uint64_t outcomes[OUTBOX_OUTCOMES];

uint64_t outbox_outcome_count(enum outbox_outcome_kind k)
{
	return atomic_load_explicit(&outcomes[k], memory_order_relaxed);
}

static void count(enum outbox_outcome_kind k)
{
	atomic_fetch_add_explicit(&outcomes[k], 1, memory_order_relaxed);
}

struct claimed {
	struct outbox_msg msgs[CLAIM_BATCH];
	char *strings[CLAIM_BATCH];   /* one allocation per message holding its texts */
	size_t n;
};

static int claimed_row(void *ctx, const struct store_row *row)
{
	struct claimed *d = ctx;
	const char *f[5];
	size_t len[5], total = 0;
	for (int i = 0; i < 5; i++) {
		f[i] = store_row_text(row, i + 1);
		len[i] = strlen(f[i]) + 1;
		total += len[i];
	}
	char *p = d->strings[d->n] = xmalloc(total);
	const char **dst[5];
	struct outbox_msg *m = &d->msgs[d->n];
	dst[0] = &m->channel, dst[1] = &m->recipient, dst[2] = &m->subject, dst[3] = &m->body, dst[4] = &m->ref;
	for (int i = 0; i < 5; i++) {
		memcpy(p, f[i], len[i]);
		*dst[i] = p;
		p += len[i];
	}
	m->id = store_row_int(row, 0);
	m->attempts = (int)store_row_int(row, 6);
	m->org_id = store_row_int(row, 7);
	m->staff_id = store_row_int(row, 8);
	d->n++;
	return 0;
}

/* backoff_s after the first failure, doubling, capped at backoff_max_s. */
static int64_t backoff_ms(const struct config *cfg, int attempts)
{
	int shift = attempts > 1 ? attempts - 1 : 0;
	int64_t s = cfg->outbox_backoff_s;
	for (int i = 0; i < shift && s < cfg->outbox_backoff_max_s; i++)
		s *= 2;
	return (s < cfg->outbox_backoff_max_s ? s : cfg->outbox_backoff_max_s) * 1000;
}

/* Records how the try of a claimed message went; a claim that lapsed and was
 * taken by another worker meanwhile is left to that worker. */
static void record(struct app *app, const struct outbox_msg *m, int64_t claim, int64_t now, int rc,
		   const struct outbox_outcome *o, const atomic_bool *stop, int *delivered)
{
	const struct config *cfg = app->cfg;
	int changed;
	if (rc == OMB_OK) {
		changed = store_exec(app->store, STORE_Q_OUTBOX_SENT,
				     SV_ARGS(SV_INT(now), SV_TEXT(o->provider_ref), SV_INT(m->id), SV_INT(claim)),
				     NULL, NULL);
		if (changed > 0) {
			(*delivered)++;
			count(OUTBOX_SENT);
		}
	} else if (stop && atomic_load(stop)) {
		changed = store_exec(app->store, STORE_Q_OUTBOX_RELEASE, SV_ARGS(SV_INT(now), SV_INT(m->id), SV_INT(claim)),
				     NULL, NULL);
	} else {
		bool dead_now = rc == OMB_EINVAL;
		log_warn(LOG_MSG("outbox delivery failed"), LOG_I("id", m->id), LOG_S("channel", m->channel),
			 LOG_I("attempt", m->attempts), LOG_S("error", o->error), LOG_I("final", dead_now));
		changed = store_exec(app->store, STORE_Q_OUTBOX_RETRY,
				     SV_ARGS(SV_INT(dead_now ? 0 : cfg->outbox_max_attempts),
					     SV_INT(now + backoff_ms(cfg, m->attempts)), SV_TEXT(o->error), SV_INT(m->id),
					     SV_INT(claim)),
				     NULL, NULL);
		if (changed > 0)
			count(dead_now || m->attempts >= cfg->outbox_max_attempts ? OUTBOX_DEAD : OUTBOX_RETRIED);
	}
	if (changed == 0)
		log_warn(LOG_MSG("outbox claim lapsed before its outcome was recorded"), LOG_I("id", m->id));
	else if (changed < 0)
		log_error(LOG_MSG("outbox outcome not recorded"), LOG_I("id", m->id), LOG_S("error", omb_err_name(changed)));
}

int64_t outbox_lease_ms(const struct config *cfg)
{
	return (CLAIM_BATCH * cfg->outbox_timeout_s + 60) * 1000;
}

static int64_t claim_token(void)
{
	uint64_t t = 0;
	while (t == 0) {
		cred_random((uint8_t *)&t, sizeof t);
		t >>= 1; /* a positive int64 */
	}
	return (int64_t)t;
}

/* One claim of up to CLAIM_BATCH due messages, each sent and recorded. */
static int deliver_batch(struct app *app, int64_t now, const atomic_bool *stop, size_t *claimed_n,
			 int *delivered)
{
	const struct config *cfg = app->cfg;
	int64_t claim = claim_token();
	struct claimed d = {.n = 0};
	int rc = store_exec(app->store, STORE_Q_OUTBOX_CLAIM,
			    SV_ARGS(SV_INT(claim), SV_INT(now + outbox_lease_ms(cfg)), SV_INT(now), SV_INT(cfg->outbox_max_attempts),
				    SV_INT(CLAIM_BATCH)),
			    claimed_row, &d);
	if (rc < 0) {
		/* rows read but the claim not committed: another worker may take
		 * them, so sending them here could send them twice */
		for (size_t i = 0; i < d.n; i++)
			free(d.strings[i]);
		*claimed_n = 0;
		return rc;
	}
	/* outcomes are stamped at now plus the time the sends took, so a batch
	 * delivered at a test clock's time stays on that clock */
	int64_t started = clock_now_ms();
	struct outbox_outcome o[CLAIM_BATCH];
	int sent[CLAIM_BATCH];
	for (size_t i = 0; i < d.n; i++) {
		memset(&o[i], 0, sizeof o[i]);
		sent[i] = stop && atomic_load(stop) ? OMB_EIO : app->sender->send(cfg, &d.msgs[i], stop, &o[i]);
	}
	/* One write for the batch's outcomes, not one each: every write makes
	 * the store's readers drop their cached pages. Should it fail, the
	 * claims lapse and the messages go again, under the same idempotency
	 * keys (delivery is at least once). */
	int64_t at = now + (clock_now_ms() - started);
	if (d.n && store_begin(app->store, true) == OMB_OK) {
		for (size_t i = 0; i < d.n; i++)
			record(app, &d.msgs[i], claim, at, sent[i], &o[i], stop, delivered);
		if (store_commit(app->store) != OMB_OK)
			log_error(LOG_MSG("outbox outcomes not recorded"), LOG_I("messages", (int64_t)d.n));
	}
	for (size_t i = 0; i < d.n; i++)
		free(d.strings[i]);
	*claimed_n = d.n;
	return OMB_OK;
}

int outbox_deliver_due(struct app *app, int64_t now, const atomic_bool *stop, int *delivered)
{
	*delivered = 0;
	int rc = store_exec(app->store, STORE_Q_OUTBOX_EXHAUSTED, SV_ARGS(SV_INT(now), SV_INT(app->cfg->outbox_max_attempts)),
			    NULL, NULL);
	for (int i = 0; i < rc; i++)
		count(OUTBOX_DEAD);
	size_t n = CLAIM_BATCH;
	for (int round = 0; rc >= 0 && n == CLAIM_BATCH && round < ROUND_MAX / CLAIM_BATCH; round++) {
		if (stop && atomic_load(stop))
			break;
		rc = deliver_batch(app, now, stop, &n, delivered);
	}
	return rc < 0 ? rc : OMB_OK;
}

/* ---- workers ---- */

struct outbox_workers {
	pthread_mutex_t lock;
	pthread_cond_t wake;          /* on CLOCK_MONOTONIC */
	bool kicked;
	atomic_bool stop;
	size_t n;
	pthread_t threads[16];
};

static void wait_for_work(struct outbox_workers *w, int64_t interval_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += interval_ms / 1000;
	until.tv_nsec += (interval_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&w->lock);
	while (!w->kicked && !atomic_load(&w->stop))
		if (pthread_cond_timedwait(&w->wake, &w->lock, &until) != 0)
			break;
	w->kicked = false;
	pthread_mutex_unlock(&w->lock);
}

static void *worker_main(void *arg)
{
	struct app *app = arg;
	struct outbox_workers *w = app->outbox_workers;
	while (!atomic_load(&w->stop)) {
		int delivered = 0;
		int rc = outbox_deliver_due(app, clock_now_ms(), &w->stop, &delivered);
		if (rc != OMB_OK)
			log_warn(LOG_MSG("outbox delivery round failed"), LOG_S("error", omb_err_name(rc)));
		/* a full round means more may be due: go on without waiting */
		if (rc != OMB_OK || delivered < ROUND_MAX)
			wait_for_work(w, app->cfg->sweep_interval_ms);
	}
	return NULL;
}

int outbox_workers_start(struct app *app)
{
	struct outbox_workers *w = xcalloc(1, sizeof *w);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&w->lock, NULL);
	atomic_init(&w->stop, false);
	app->outbox_workers = w;
	size_t want = (size_t)app->cfg->outbox_workers;
	for (; w->n < want && w->n < sizeof w->threads / sizeof w->threads[0]; w->n++)
		if (pthread_create(&w->threads[w->n], NULL, worker_main, app) != 0)
			break;
	if (w->n == 0) {
		outbox_workers_stop(app);
		return OMB_EIO;
	}
	return OMB_OK;
}

void outbox_workers_stop(struct app *app)
{
	struct outbox_workers *w = app->outbox_workers;
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	atomic_store(&w->stop, true);
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
	app->outbox_workers = NULL;
}

void outbox_kick(struct app *app)
{
	struct outbox_workers *w = app->outbox_workers;
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->kicked = true;
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

/* ---- state ---- */

struct list_ctx {
	struct outbox_item *items;
	size_t n, max;
	int with_body;
	struct outbox_owner owner;    /* outbox_get */
};

static void copy(char *dst, size_t size, const struct store_row *row, int col)
{
	snprintf(dst, size, "%s", store_row_text(row, col));
}

static int list_row(void *ctx, const struct store_row *row)
{
	struct list_ctx *l = ctx;
	struct outbox_item *it = &l->items[l->n++];
	it->id = store_row_int(row, 0);
	copy(it->channel, sizeof it->channel, row, 1);
	copy(it->recipient, sizeof it->recipient, row, 2);
	copy(it->subject, sizeof it->subject, row, 3);
	it->body = l->with_body ? xstrdup(store_row_text(row, 4)) : NULL;
	copy(it->ref, sizeof it->ref, row, 5);
	copy(it->status, sizeof it->status, row, 6);
	it->attempts = (int)store_row_int(row, 7);
	it->created_ms = store_row_int(row, 8);
	it->sent_ms = store_row_int(row, 9);
	copy(it->last_error, sizeof it->last_error, row, 10);
	it->next_ms = store_row_int(row, 11);
	copy(it->provider_ref, sizeof it->provider_ref, row, 12);
	copy(it->staff_code, sizeof it->staff_code, row, 13);
	return l->n == l->max;
}

static bool known_status(const char *s)
{
	return !strcmp(s, "queued") || !strcmp(s, "sending") || !strcmp(s, "sent") || !strcmp(s, "dead");
}

int outbox_list(struct app *app, const struct outbox_filter *f, int64_t after, int limit, int with_body,
		struct outbox_item **items, size_t *n)
{
	const char *status = f->status ? f->status : "";
	if (*status && !known_status(status))
		return OMB_EINVAL;
	if (limit <= 0 || limit > 100)
		limit = 100;
	struct list_ctx l = {xcalloc((size_t)limit, sizeof *l.items), 0, (size_t)limit, with_body, {0, 0}};
	int rc = store_exec(app->store, STORE_Q_OUTBOX_LIST,
			    SV_ARGS(SV_INT(f->org_id), SV_INT(after), SV_INT(limit), SV_INT(f->staff_id), SV_TEXT(status)),
			    list_row, &l);
	if (rc < 0) {
		outbox_items_free(l.items, l.n);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

static int get_row(void *ctx, const struct store_row *row)
{
	struct list_ctx *l = ctx;
	l->owner = (struct outbox_owner){store_row_int(row, 15), store_row_int(row, 14)};
	return list_row(ctx, row);
}

int outbox_get(struct app *app, int64_t id, struct outbox_owner *owner, struct outbox_item *out)
{
	struct list_ctx l = {out, 0, 1, 0, {0, 0}};
	memset(out, 0, sizeof *out);
	int rc = store_exec(app->store, STORE_Q_OUTBOX_GET, SV_ARGS(SV_INT(id)), get_row, &l);
	if (rc < 0)
		return rc;
	if (owner)
		*owner = l.owner;
	return l.n ? OMB_OK : OMB_ENOTFOUND;
}

int outbox_requeue(struct app *app, int64_t org_id, int64_t id, int64_t now)
{
	int rc = store_exec(app->store, STORE_Q_OUTBOX_REQUEUE, SV_ARGS(SV_INT(now), SV_INT(id), SV_INT(org_id)), NULL,
			    NULL);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		outbox_kick(app);
		return OMB_OK;
	}
	struct outbox_item it;
	struct outbox_owner owner;
	rc = outbox_get(app, id, &owner, &it);
	if (rc == OMB_OK && owner.org_id != org_id)
		rc = OMB_ENOTFOUND;
	return rc == OMB_OK ? OMB_ECONFLICT : rc;
}

void outbox_items_free(struct outbox_item *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++)
		free(items[i].body);
	free(items);
}
