/* fuzz_forwarded.c — libFuzzer target for api/forwarded.
 *
 * The input is a proxy list, a newline, and an X-Forwarded-For value. Besides
 * memory errors (ASan/UBSan), it checks the module's promises:
 *   - a list that parses has at most PROXIES_MAX entries, each a prefix of
 *     at most 128 bits; one that does not names a piece of itself;
 *   - the client is the peer, or an address in canonical form: parsed as
 *     its own one-entry X-Forwarded-For, it comes out the same;
 *   - a peer that is not trusted is the client, whatever the header. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void check_client(const struct proxies *p, const char *peer, const char *xff)
{
	char out[REMOTE_MAX], again[REMOTE_MAX];
	forwarded_client(p, peer, xff, out);
	CHECK(memchr(out, '\0', sizeof out));
	if (strcmp(out, peer) == 0)
		return;
	forwarded_client(p, peer, out, again); /* the peer is trusted, or out would be peer */
	CHECK(strcmp(out, again) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	char *nl = strchr(text, '\n');
	char *xff = nl ? nl + 1 : text;
	if (nl)
		*nl = '\0';
	struct proxies p;
	char bad[64] = "";
	if (proxies_parse(text, &p, bad, sizeof bad) == OMB_OK) {
		CHECK(p.n <= PROXIES_MAX);
		for (size_t i = 0; i < p.n; i++)
			CHECK(p.net[i].bits <= 128);
	} else {
		CHECK(bad[0] && (strlen(bad) == sizeof bad - 1 || strstr(text, bad)));
		p.n = 0;
	}
	check_client(&p, "127.0.0.1", xff);
	check_client(&p, "::1", xff);
	struct proxies none = {0};
	char out[REMOTE_MAX];
	forwarded_client(&none, "10.0.0.1", xff, out);
	CHECK(strcmp(out, "10.0.0.1") == 0);
	free(text);
	return 0;
}
