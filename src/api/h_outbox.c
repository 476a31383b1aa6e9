/* h_outbox.c — the delivery state of an organisation's messages, for whoever
 * queued them and for its admins. */
#include <string.h>

#include "api/api_int.h"
#include "app/outbox.h"
#include "base/err.h"

/* Admins see every message about their organisation; other staff the ones
 * they queued themselves (a warning they sent, say), whichever organisation
 * the case belongs to (a vendor's agent acts for a client). */
static struct outbox_filter visible(const struct principal *who, const char *status)
{
	if (who->role == ROLE_ADMIN)
		return (struct outbox_filter){who->org_id, 0, status};
	return (struct outbox_filter){-1, who->staff_id, status};
}

static bool may_see(const struct principal *who, const struct outbox_owner *o)
{
	return who->role == ROLE_ADMIN ? o->org_id == who->org_id : o->staff_id == who->staff_id;
}

static json_t *item_json(const struct app *app, const struct outbox_item *m)
{
	char to[16];
	outbox_mask(m->recipient, to, sizeof to);
	bool waiting = strcmp(m->status, "queued") == 0;
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:o, s:o, s:o, s:s, s:s?, s:s?, s:I, s:I}",
			 "id", (json_int_t)m->id, "channel", m->channel, "to", to, "subject", m->subject, "ref", m->ref,
			 "status", m->status, "attempts", m->attempts, "max_attempts",
			 (json_int_t)app->cfg->outbox_max_attempts, "created", api_iso_or_null(m->created_ms), "sent",
			 api_iso_or_null(m->sent_ms), "next_attempt", api_iso_or_null(waiting ? m->next_ms : 0),
			 "last_error", m->last_error, "provider_ref", *m->provider_ref ? m->provider_ref : NULL,
			 "queued_by", *m->staff_code ? m->staff_code : NULL, "created_ms", (json_int_t)m->created_ms,
			 "sent_ms", (json_int_t)m->sent_ms);
}

int h_outbox_list(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	const char *status = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "status");
	struct outbox_filter f = visible(&r->who, status);
	struct outbox_item *msgs = NULL;
	size_t n = 0;
	if (rc == OMB_OK && (rc = outbox_list(r->app, &f, after, limit, 0, &msgs, &n)) == OMB_EINVAL)
		return api_invalid(r, "status", "must be queued, sending, sent or dead");
	if (rc != OMB_OK)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, item_json(r->app, &msgs[i]));
	int64_t last = n ? msgs[n - 1].id : 0;
	outbox_items_free(msgs, n);
	return api_reply_page(r, items, last, limit);
}

int h_outbox_get(struct api_req *r)
{
	int64_t id;
	struct outbox_owner owner;
	struct outbox_item m;
	int rc = api_path_id(r, 1, &id);
	if (rc == OMB_OK)
		rc = outbox_get(r->app, id, &owner, &m);
	if (rc == OMB_OK && !may_see(&r->who, &owner))
		rc = OMB_ENOTFOUND; /* someone else's message: as if there were none */
	if (rc != OMB_OK)
		return rc;
	return api_reply(r, MHD_HTTP_OK, item_json(r->app, &m));
}

int h_outbox_retry(struct api_req *r)
{
	int64_t id;
	struct outbox_item m;
	int rc = api_path_id(r, 1, &id);
	if (rc == OMB_OK)
		rc = outbox_requeue(r->app, r->who.org_id, id, r->now);
	if (rc == OMB_ECONFLICT)
		return api_fail_use_case(r, rc, NULL, "only a dead letter can be tried again");
	if (rc == OMB_OK)
		rc = outbox_get(r->app, id, NULL, &m);
	if (rc != OMB_OK)
		return rc;
	return api_reply(r, MHD_HTTP_OK, item_json(r->app, &m));
}
