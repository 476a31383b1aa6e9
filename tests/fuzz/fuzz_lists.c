/* fuzz_lists.c — the registry, consumer-report and FTC complaint parsers
 * (CSV). The first byte picks the format and where the input is cut in two
 * feeds; every row is loaded or reported with its line and a reason, and
 * what loads is then read by a check of a listed number. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "screen/lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_error(void *arg, uint64_t line, const char *reason)
{
	if (line == 0 || !reason || !*reason)
		abort();
	++*(uint64_t *)arg;
}

static struct screen_engine *small_engine(void)
{
	struct screen_config c;
	screen_config_defaults(&c);
	c.shards = 1;
	c.max_callers = 64;
	c.pending_calls = 64;
	c.incoming_log2 = 10;
	struct screen_engine *e = screen_create(&c, NULL);
	if (!e)
		abort();
	return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const enum lists_kind kinds[] = {LISTS_REGISTRY, LISTS_REPORTS, LISTS_FTC};
	enum lists_kind kind = kinds[data[0] % 3];
	const char *text = (const char *)data + 1;
	size_t len = size - 1, cut = (data[0] / 3) % (len + 1);
	struct screen_engine *e = small_engine();
	uint64_t reported = 0;
	struct lists_loader *l = lists_loader_new(kind, e, kind == LISTS_FTC ? 1 : 82, on_error, &reported);
	if (lists_loader_feed(l, text, cut) == 0 && lists_loader_feed(l, text + cut, len - cut) == 0)
		lists_loader_finish(l);
	struct lists_counts n;
	lists_loader_counts(l, &n);
	lists_loader_free(l);
	if (n.loaded + n.bad != n.rows || n.bad > reported)
		abort(); /* every row is counted once, and every bad one was reported */
	struct screen_attempt a = {.ts_ms = 1772409600000LL, .call_id = "fuzz", .call_id_len = 4,
				   .origin = SCREEN_ORIGIN_DOMESTIC, .trunk = "msc-01", .cell = "cell-1"};
	phone_parse("01012345678", 11, PHONE_CC_KOREA, &a.caller, NULL);
	phone_parse("01099998888", 11, PHONE_CC_KOREA, &a.callee, NULL);
	struct screen_verdict v;
	screen_check(e, &a, &v);
	screen_destroy(e);
	return 0;
}
