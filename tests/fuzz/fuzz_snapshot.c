/* fuzz_snapshot.c — the engine snapshot's records: any bytes behind a valid
 * header and settings are either refused with a reason or restore an
 * engine that then checks and ends a call, merges, shows its blocks and
 * writes a snapshot that reads back. The header and the settings (whose text
 * has its own target) are written here, with small tables so that no input
 * asks for gigabytes, and the checksum is summed as the writer sums it: the
 * input is what lies between them. The corpus holds the shards of real
 * snapshots of such an engine: `ombud screen replay --config F --snapshot S`
 * with F holding the settings below, over a few thousand events of the
 * default world (in six cells; 03 with registry and reports), cut after
 * the header's config_len bytes of text and before the sum. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "screen/screen_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The settings of the corpus's engine. */
static const char settings[] = "shards = 1\nmax_callers = 64\nmax_watched = 16\npending_calls = 64\n"
			       "incoming_log2 = 10\n";

/* Header and settings text, written once. */
static char *prefix(size_t *len)
{
	static char *p;
	static size_t n;
	if (!p) {
		struct screen_config c;
		screen_config_defaults(&c);
		FILE *in = fmemopen((void *)settings, strlen(settings), "r");
		if (!in || screen_config_read(&c, in, NULL, NULL) != 0)
			abort();
		fclose(in);
		char *text = NULL;
		size_t text_len = 0;
		FILE *out = open_memstream(&text, &text_len);
		if (!out)
			abort();
		screen_config_write(&c, out);
		fclose(out);
		struct snap_header h = snap_header_of(c.shards, (uint32_t)text_len);
		n = sizeof h + text_len;
		p = malloc(n);
		if (!p)
			abort();
		memcpy(p, &h, sizeof h);
		memcpy(p + sizeof h, text, text_len);
		free(text);
	}
	*len = n;
	return p;
}

static struct screen_attempt attempt(const char *caller, const char *call_id, int64_t ts_ms)
{
	struct screen_attempt a = {.ts_ms = ts_ms, .call_id = call_id, .call_id_len = strlen(call_id),
				   .origin = SCREEN_ORIGIN_DOMESTIC, .trunk = "msc-01", .cell = "cell-0001"};
	phone_parse(caller, strlen(caller), PHONE_CC_KOREA, &a.caller, NULL);
	phone_parse("01099998888", 11, PHONE_CC_KOREA, &a.callee, NULL);
	return a;
}

static bool ended_within(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

/* Whatever the file held, the evidence handed out keeps within its arrays. */
static int check_block(const struct screen_evidence *ev, void *arg)
{
	(void)arg;
	if (!ended_within(ev->number, sizeof ev->number) || ev->n_answered > SCREEN_EV_CALLEES ||
	    ev->n_cells > SCREEN_EV_PLACES || ev->n_trunks > SCREEN_EV_PLACES || ev->n_timeline > SCREEN_EV_TIMELINE)
		abort();
	for (unsigned i = 0; i < ev->n_answered; i++)
		if (!ended_within(ev->answered_callees[i], sizeof ev->answered_callees[i]))
			abort();
	for (unsigned i = 0; i < ev->n_cells; i++)
		if (!ended_within(ev->cells[i], sizeof ev->cells[i]))
			abort();
	return 0;
}

/* What a server does with a restored engine, at the time of its records. */
static void exercise(struct screen_engine *e)
{
	int64_t now = 1772409600000LL;
	struct screen_attempt a = attempt("01012345678", "fuzz-1", now);
	struct screen_verdict v;
	screen_merge(e, now);
	screen_check(e, &a, &v);
	struct screen_end end = {.ts_ms = now + 30000, .call_id = a.call_id, .call_id_len = a.call_id_len,
				 .caller = a.caller, .callee = a.callee, .answered = 1, .duration_ms = 20000,
				 .trunk = a.trunk, .cell = a.cell};
	screen_ingest_end(e, &end);
	screen_merge(e, now + 60000);
	struct screen_stats st;
	screen_stats(e, &st);
	size_t blocks = screen_blocks_each(e, now, check_block, NULL);
	size_t releases = screen_releases_each(e, 0, check_block, NULL);
	if (blocks > st.watched || releases > st.watched)
		abort(); /* blocks and releases are watched numbers */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t plen;
	const char *p = prefix(&plen);
	size_t n = plen + size;
	char *file = malloc(n + SNAP_SUM_SIZE);
	if (!file)
		abort();
	memcpy(file, p, plen);
	if (size)
		memcpy(file + plen, data, size);
	uint64_t sum = XXH3_64bits(file, n);
	memcpy(file + n, &sum, sizeof sum);
	FILE *f = fmemopen(file, n + SNAP_SUM_SIZE, "rb");
	if (!f)
		abort();
	struct screen_engine *e;
	const char *why = NULL;
	int rc = screen_snapshot_read(f, &e, &why);
	fclose(f);
	free(file);
	if (rc != 0) {
		if (e || !why || !*why)
			abort(); /* a refusal leaves no engine and says why */
		return 0;
	}
	exercise(e);
	FILE *t = tmpfile();
	struct screen_engine *back;
	if (!t || screen_snapshot_write(e, t) != 0 || fseek(t, 0, SEEK_SET) != 0 ||
	    screen_snapshot_read(t, &back, &why) != 0)
		abort(); /* what it writes, it reads */
	fclose(t);
	screen_destroy(back);
	screen_destroy(e);
	return 0;
}
