/* metrics.c — request counts by route and status, latency histograms, store
 * errors and outbox delivery tries, in Prometheus text format. Counters are relaxed atomics:
 * one increment per request on the hot path, no lock. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/api_int.h"
#include "app/outbox.h"
#include "app/screen_sync.h"
#include "base/buf.h"
#include "base/mem.h"
#include "store/store.h"

/* Statuses worth their own series; anything else counts as its class. */
static const unsigned statuses[] = {200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 409, 413, 429,
				    500, 503, 0};
#define NSTATUS (sizeof statuses / sizeof statuses[0])
/* Latency bucket upper bounds in microseconds. */
static const int64_t bounds_us[] = {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
				    250000, 1000000, 2500000};
#define NBUCKET (sizeof bounds_us / sizeof bounds_us[0] + 1)

struct series {
	atomic_uint_fast64_t by_status[NSTATUS];
	atomic_uint_fast64_t buckets[NBUCKET];
	atomic_uint_fast64_t sum_us;
	atomic_uint_fast64_t count;
};

/* Index 0: static files, 1: unmatched paths, 2..: routes in table order. */
static struct series *table;
static size_t nseries;

void metrics_init(size_t nroutes)
{
	nseries = nroutes + 2;
	table = xcalloc(nseries, sizeof *table);
}

void metrics_free(void)
{
	free(table);
	table = NULL;
}

static size_t status_slot(unsigned status)
{
	for (size_t i = 0; i + 1 < NSTATUS; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void metrics_observe(int route_index, unsigned status, int64_t dur_ns)
{
	size_t i = route_index == -1 ? 0 : route_index == -2 ? 1 : (size_t)route_index + 2;
	if (!table || i >= nseries)
		return;
	struct series *s = &table[i];
	int64_t us = dur_ns / 1000;
	size_t b = 0;
	while (b < NBUCKET - 1 && us > bounds_us[b])
		b++;
	atomic_fetch_add_explicit(&s->by_status[status_slot(status)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_us, (uint_fast64_t)us, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

static const char *series_name(size_t i)
{
	return i == 0 ? "static" : i == 1 ? "unmatched" : api_routes[i - 2].pattern;
}

static const char *series_method(size_t i)
{
	return i < 2 ? "GET" : api_routes[i - 2].method;
}

static void render_requests(struct buf *b)
{
	buf_puts(b, "# HELP ombud_http_requests_total HTTP requests by route and status.\n"
		    "# TYPE ombud_http_requests_total counter\n");
	for (size_t i = 0; i < nseries; i++)
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t n = atomic_load(&table[i].by_status[s]);
			if (!n)
				continue;
			char status[8];
			snprintf(status, sizeof status, "%u", statuses[s]);
			buf_printf(b, "ombud_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n",
				   series_method(i), series_name(i), statuses[s] ? status : "other",
				   (unsigned long long)n);
		}
}

static void render_latency(struct buf *b)
{
	buf_puts(b, "# HELP ombud_http_request_duration_seconds Time from first byte to response queued.\n"
		    "# TYPE ombud_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < nseries; i++) {
		uint64_t count = atomic_load(&table[i].count), cum = 0;
		if (!count)
			continue;
		const char *m = series_method(i), *r = series_name(i);
		for (size_t k = 0; k < NBUCKET; k++) {
			cum += atomic_load(&table[i].buckets[k]);
			if (k < NBUCKET - 1)
				buf_printf(b, "ombud_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
					   m, r, (double)bounds_us[k] / 1e6, (unsigned long long)cum);
			else
				buf_printf(b, "ombud_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
					   m, r, (unsigned long long)cum);
		}
		buf_printf(b, "ombud_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n", m, r,
			   (double)atomic_load(&table[i].sum_us) / 1e6);
		buf_printf(b, "ombud_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n", m, r,
			   (unsigned long long)count);
	}
}

/* Screening across nodes (app/screen_sync.h, docs/operations.md). */
static void render_sync(struct buf *b)
{
	struct screen_sync_stats st;
	screen_sync_stats(&st);
	buf_printf(b, "# HELP ombud_screen_sync_lag_ms From a block, lift or allowlist change written on its node to applied here: the last one.\n"
		      "# TYPE ombud_screen_sync_lag_ms gauge\nombud_screen_sync_lag_ms %lld\n"
		      "# HELP ombud_screen_sync_lag_max_ms The longest such lag since start.\n"
		      "# TYPE ombud_screen_sync_lag_max_ms gauge\nombud_screen_sync_lag_max_ms %lld\n",
		   (long long)st.lag_last_ms, (long long)st.lag_max_ms);
	buf_printf(b, "# HELP ombud_screen_sync_listening 1 while the listener for other nodes' blocks is connected.\n"
		      "# TYPE ombud_screen_sync_listening gauge\nombud_screen_sync_listening %d\n", st.listening);
	struct { const char *name, *help; uint64_t v; } counters[] = {
		{"applied", "Blocks and lifts of other nodes that changed this engine.", st.applied},
		{"allowlist", "Allowlist additions and removals applied (this node's own too).", st.allow_changes},
		{"notices", "Notices of new blocks, lifts and allowlist changes heard.", st.notices},
		{"catchups", "Reads of changes (on a notice, on the poll, on reconnect).", st.catchups},
		{"reconnects", "Listeners opened again after one was lost.", st.reconnects},
		{"partials_out", "Cell and trunk partials written for the other nodes.", st.partials_out},
		{"partials_in", "Cell and trunk partials of other nodes read.", st.partials_in},
	};
	for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
		buf_printf(b, "# HELP ombud_screen_sync_%s_total %s\n# TYPE ombud_screen_sync_%s_total counter\n"
			      "ombud_screen_sync_%s_total %llu\n", counters[i].name, counters[i].help, counters[i].name,
			   counters[i].name, (unsigned long long)counters[i].v);
}

char *metrics_render(size_t *len)
{
	struct buf b;
	buf_init(&b, 4u << 20);
	render_requests(&b);
	render_latency(&b);
	buf_printf(&b, "# HELP ombud_store_errors_total Failed store operations.\n"
		       "# TYPE ombud_store_errors_total counter\nombud_store_errors_total %llu\n",
		   (unsigned long long)store_error_count());
	static const char *const outcome[] = {[OUTBOX_SENT] = "sent", [OUTBOX_RETRIED] = "retried",
					      [OUTBOX_DEAD] = "dead"};
	buf_printf(&b, "# HELP ombud_outbox_tries_total Delivery tries of outbox messages by outcome.\n"
		       "# TYPE ombud_outbox_tries_total counter\n");
	for (int k = 0; k < OUTBOX_OUTCOMES; k++)
		buf_printf(&b, "ombud_outbox_tries_total{outcome=\"%s\"} %llu\n", outcome[k],
			   (unsigned long long)outbox_outcome_count((enum outbox_outcome_kind)k));
	render_sync(&b);
	return buf_steal(&b, len);
}
