/* outbox.c — stored messages and their delivery. */
#include "app/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/text.h"

#define BATCH 64

/* Shows only what an operator needs to tell messages apart: the first and
 * last two characters of a recipient. */
static void mask(const char *s, char *out, size_t size)
{
	size_t n = strlen(s);
	if (n <= 4)
		snprintf(out, size, "****");
	else
		snprintf(out, size, "%.2s****%s", s, s + n - 2);
}

static int send_log(const struct outbox_msg *m, char *err, size_t errlen)
{
	char who[16];
	mask(m->recipient, who, sizeof who);
	log_info(LOG_MSG("outbox delivered"), LOG_I("id", m->id), LOG_S("channel", m->channel),
		 LOG_S("to", who), LOG_S("ref", m->ref), LOG_I("bytes", (int64_t)strlen(m->body)));
	return OMB_OK;
}

static const struct outbox_sender senders[] = {
	{"log", send_log},
};

const struct outbox_sender *outbox_sender_named(const char *name)
{
	for (size_t i = 0; i < sizeof senders / sizeof senders[0]; i++)
		if (strcmp(senders[i].name, name) == 0)
			return &senders[i];
	return NULL;
}

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
			    SV_ARGS(m->org_id ? SV_INT(m->org_id) : SV_NULL, SV_TEXT(m->channel),
				    SV_TEXT(m->recipient), SV_TEXT(m->subject ? m->subject : ""), SV_TEXT(m->body),
				    SV_TEXT(m->ref ? m->ref : ""), SV_INT(now), SV_INT(now)),
			    store_row_first_int, &new_id);
	if (rc < 0)
		return rc;
	if (id)
		*id = new_id;
	return OMB_OK;
}

struct due {
	struct outbox_msg msgs[BATCH];
	char *strings[BATCH];     /* one allocation per message holding its texts */
	size_t n;
};

static int due_row(void *ctx, const struct store_row *row)
{
	struct due *d = ctx;
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
	d->n++;
	return 0;
}

/* 30 s, 1 min, 2 min, ... capped at one hour. */
static int64_t backoff_ms(int attempts)
{
	int64_t ms = 30000LL << (attempts < 7 ? attempts : 7);
	return ms > 3600000 ? 3600000 : ms;
}

static void deliver_one(struct app *app, const struct outbox_sender *s, const struct outbox_msg *m, int64_t now,
			int *delivered)
{
	char err[200] = "";
	if (s->send(m, err, sizeof err) == OMB_OK) {
		store_exec(app->store, STORE_Q_OUTBOX_SENT, SV_ARGS(SV_INT(now), SV_INT(m->id)), NULL, NULL);
		(*delivered)++;
		return;
	}
	log_warn(LOG_MSG("outbox delivery failed"), LOG_I("id", m->id), LOG_I("attempt", m->attempts + 1),
		 LOG_S("error", err));
	store_exec(app->store, STORE_Q_OUTBOX_RETRY,
		   SV_ARGS(SV_INT(OUTBOX_MAX_ATTEMPTS), SV_INT(now + backoff_ms(m->attempts)), SV_TEXT(err),
			   SV_INT(m->id)),
		   NULL, NULL);
}

int outbox_deliver_due(struct app *app, int64_t now, int *delivered)
{
	const struct outbox_sender *s = app->sender;
	*delivered = 0;
	struct due d = {.n = 0};
	int rc = store_exec(app->store, STORE_Q_OUTBOX_DUE, SV_ARGS(SV_INT(now), SV_INT(BATCH)), due_row, &d);
	for (size_t i = 0; i < d.n; i++) {
		if (rc >= 0)
			deliver_one(app, s, &d.msgs[i], now, delivered);
		free(d.strings[i]);
	}
	return rc < 0 ? rc : OMB_OK;
}

struct list_ctx {
	struct outbox_item *items;
	size_t n, max;
	int with_body;
};

static int list_row(void *ctx, const struct store_row *row)
{
	struct list_ctx *l = ctx;
	struct outbox_item *it = &l->items[l->n++];
	it->id = store_row_int(row, 0);
	snprintf(it->channel, sizeof it->channel, "%s", store_row_text(row, 1));
	snprintf(it->recipient, sizeof it->recipient, "%s", store_row_text(row, 2));
	snprintf(it->subject, sizeof it->subject, "%s", store_row_text(row, 3));
	it->body = l->with_body ? xstrdup(store_row_text(row, 4)) : NULL;
	snprintf(it->ref, sizeof it->ref, "%s", store_row_text(row, 5));
	snprintf(it->status, sizeof it->status, "%s", store_row_text(row, 6));
	it->attempts = (int)store_row_int(row, 7);
	it->created_ms = store_row_int(row, 8);
	it->sent_ms = store_row_int(row, 9);
	snprintf(it->last_error, sizeof it->last_error, "%s", store_row_text(row, 10));
	return l->n == l->max;
}

int outbox_list(struct app *app, int64_t org_id, int64_t after, int limit, int with_body,
		struct outbox_item **items, size_t *n)
{
	if (limit <= 0 || limit > 100)
		limit = 100;
	struct list_ctx l = {xcalloc((size_t)limit, sizeof *l.items), 0, (size_t)limit, with_body};
	int rc = store_exec(app->store, STORE_Q_OUTBOX_LIST, SV_ARGS(SV_INT(org_id), SV_INT(after), SV_INT(limit)),
			    list_row, &l);
	if (rc < 0) {
		outbox_items_free(l.items, l.n);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

void outbox_items_free(struct outbox_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i].body);
	free(items);
}
