/* fuzz_fields.c — libFuzzer target for the short fields people and clients
 * type: receipt numbers (desk/receipt, from URLs), opening hours
 * (desk/deadline, from an admin's settings) and ISO dates and times
 * (base/clock, from bodies, query strings and registry files). The first
 * byte picks the parser. Besides memory errors (ASan/UBSan), it checks that
 * whatever parses is written back in a form that parses to the same value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "desk/deadline.h"
#include "desk/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void receipt(const char *s)
{
	struct receipt r, again;
	if (receipt_parse(s, &r) != OMB_OK)
		return;
	char text[RECEIPT_LEN_MAX + 1];
	CHECK(receipt_format(&r, text, sizeof text) == OMB_OK);
	CHECK(receipt_parse(text, &again) == OMB_OK);
	CHECK(memcmp(&r, &again, sizeof r) == 0);
}

static void hours(const char *s)
{
	struct deadline_hours h, again;
	if (deadline_hours_parse(s, &h) != OMB_OK)
		return;
	char text[DEADLINE_HOURS_TEXT];
	deadline_hours_format(&h, text);
	CHECK(deadline_hours_parse(text, &again) == OMB_OK);
	CHECK(h.open_min == again.open_min && h.close_min == again.close_min);
}

static void iso(const char *s)
{
	int64_t ms, again;
	if (clock_parse_iso(s, &ms) != OMB_OK)
		return;
	char text[64];
	clock_format_iso(ms, text, sizeof text);
	CHECK(clock_parse_iso(text, &again) == OMB_OK);
	CHECK(ms == again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 256)
		return 0;
	char s[256];
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		receipt(s);
		break;
	case 1:
		hours(s);
		break;
	default:
		iso(s);
	}
	return 0;
}
