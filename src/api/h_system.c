/* h_system.c — health, metrics and the test-mode routes. */
#include <string.h>

#include "api/api_int.h"
#include "app/outbox.h"
#include "base/clock.h"
#include "base/err.h"
#include "version.h"

int h_healthz(struct api_req *r)
{
	int version = store_schema_version(r->app->store);
	if (version <= 0)
		return OMB_EAGAIN;
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:s, s:s, s:s, s:i}", "status", "ok", "version", OMBUD_VERSION,
						   "store", store_driver_name(r->app->store), "schema", version));
}

int h_metrics(struct api_req *r)
{
	size_t len;
	char *text = metrics_render(&len);
	r->raw = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; version=0.0.4");
	r->resp_bytes = len;
	r->status = MHD_HTTP_OK;
	return OMB_OK;
}

/* Moves the clock forward and runs the sweep at the new time before it
 * answers, so a test sees every consequence of the time it moved. */
int h_test_clock(struct api_req *r)
{
	int64_t advance_ms = 0;
	int rc = api_body_int(r, "advance_ms", true, 0, 400LL * CLOCK_MS_PER_DAY, &advance_ms);
	if (rc != OMB_OK)
		return rc;
	int64_t now = clock_advance_ms(advance_ms);
	int done = app_sweep(r->app, now);
	if (done < 0)
		return done;
	char iso[32];
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:I, s:s, s:I, s:i}", "now_ms", (json_int_t)now, "now",
						   clock_format_iso(now, iso, sizeof iso), "offset_ms",
						   (json_int_t)clock_offset_ms(), "swept", done));
}

int h_test_outbox(struct api_req *r)
{
	int64_t after;
	int limit;
	int rc = api_page(r, &after, &limit);
	struct outbox_item *msgs = NULL;
	size_t n = 0;
	if (rc == OMB_OK)
		rc = outbox_list(r->app, &(struct outbox_filter){-1, 0, NULL}, after, limit, 1, &msgs, &n);
	if (rc != OMB_OK)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "id",
						       (json_int_t)msgs[i].id, "channel", msgs[i].channel, "recipient",
						       msgs[i].recipient, "subject", msgs[i].subject, "body", msgs[i].body,
						       "ref", msgs[i].ref, "status", msgs[i].status, "attempts",
						       msgs[i].attempts, "last_error", msgs[i].last_error));
	int64_t last = n ? msgs[n - 1].id : 0;
	outbox_items_free(msgs, n);
	return api_reply_page(r, items, last, limit);
}
