/* fuzz_phone.c — libFuzzer target for base/phone.
 *
 * Every input is parsed as dialled in Korea (82) and in NANP (1). Besides
 * memory errors (ASan/UBSan), it checks the module's promises:
 *   - failure gives a reason and a cleared value;
 *   - success gives a consistent value: withheld <=> key 0 <=> canon "";
 *   - the canonical text parses back to the same number and key;
 *   - the display text parses back to the same key;
 *   - input over PHONE_MAX_INPUT is rejected.
 * Build: clang -fsanitize=fuzzer,address,undefined -I src
 *        src/base/phone.c src/base/err.c tests/fuzz/fuzz_phone.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void check_reparse(const char *text, size_t len, uint16_t dcc, const struct phone *p)
{
	struct phone q;
	const char *why = NULL;
	CHECK(phone_parse(text, len, dcc, &q, &why) == OMB_OK);
	CHECK(q.kind == p->kind);
	CHECK(q.country == p->country);
	CHECK(strcmp(q.canon, p->canon) == 0);
	CHECK(phone_key(&q) == phone_key(p));
}

static void check_one(const char *s, size_t size, uint16_t dcc)
{
	struct phone p;
	const char *why = NULL;
	int rc = phone_parse(s, size, dcc, &p, &why);

	if (rc != OMB_OK) {
		CHECK(rc == OMB_EINVAL);
		CHECK(why != NULL && why[0] != '\0');
		CHECK(p.kind == PHONE_WITHHELD && p.canon[0] == '\0');
		CHECK(phone_key(&p) == PHONE_KEY_WITHHELD);
		return;
	}
	CHECK(size <= PHONE_MAX_INPUT);
	CHECK((unsigned)p.kind < PHONE_KIND_COUNT);
	CHECK(phone_kind_name(p.kind) != NULL);
	CHECK(memchr(p.canon, '\0', sizeof p.canon) != NULL);
	CHECK(p.intl_prefix_len == strlen(p.intl_prefix));
	uint64_t key = phone_key(&p);
	if (p.kind == PHONE_WITHHELD) {
		CHECK(key == PHONE_KEY_WITHHELD && p.canon[0] == '\0' && p.country == 0);
		return;
	}
	CHECK(key != PHONE_KEY_WITHHELD && p.canon[0] != '\0' && p.country != 0);
	CHECK(!phone_is_emergency(&p) || p.kind == PHONE_SHORT);

	/* short codes are national by nature: read them back in their country */
	uint16_t back = p.kind == PHONE_SHORT ? PHONE_CC_KOREA : dcc;
	check_reparse(p.canon, strlen(p.canon), back, &p);

	char shown[64];
	int n = phone_format(&p, shown, sizeof shown);
	CHECK(n > 0 && (size_t)n < sizeof shown);
	CHECK(strlen(shown) == (size_t)n);
	check_reparse(shown, (size_t)n, p.country == PHONE_CC_KOREA ? PHONE_CC_KOREA : dcc, &p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_one((const char *)data, size, PHONE_CC_KOREA);
	check_one((const char *)data, size, 1);
	return 0;
}
