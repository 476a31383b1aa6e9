/* fuzz_events.c — libFuzzer target for the CSV and NDJSON event parsers.
 * The first byte picks the format and where the input is cut in two
 * feeds, so that line and quote state carried between feeds is fuzzed too.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I src \
 *     tests/fuzz/fuzz_events.c src/screen/{events,csvrows}.c src/base/{phone,mem,err}.c \
 *     -lcsv -ljansson -o fuzz_events && ./fuzz_events tests/fuzz/corpus/events */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "screen/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_event(void *arg, const struct events_event *ev)
{
	/* touch what a consumer reads */
	size_t *n = arg;
	*n += strlen(ev->call_id) + strlen(ev->trunk) + strlen(ev->cell);
	return 0;
}

static void on_error(void *arg, uint64_t line, const char *reason)
{
	size_t *n = arg;
	*n += (size_t)line + strlen(reason);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum events_format fmt = data[0] & 1 ? EVENTS_NDJSON : EVENTS_CSV;
	size_t cut = size > 1 ? (data[0] >> 1) % size : 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	if (cut > len)
		cut = len;
	size_t sink = 0;
	struct events_parser *p = events_parser_new(fmt, 300000, 82, on_event, on_error, &sink);
	if (events_parser_feed(p, text, cut) == 0 && events_parser_feed(p, text + cut, len - cut) == 0)
		events_parser_finish(p);
	events_parser_free(p);
	return 0;
}
