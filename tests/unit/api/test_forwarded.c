/* test_forwarded.c — the client behind trusted proxies, and the list of
 * them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "api/api_int.h"
#include "base/err.h"

static struct proxies parsed(const char *list)
{
	struct proxies p;
	char bad[64];
	assert_int_equal(proxies_parse(list, &p, bad, sizeof bad), OMB_OK);
	return p;
}

static const char *client(const struct proxies *p, const char *peer, const char *xff)
{
	static char out[REMOTE_MAX];
	forwarded_client(p, peer, xff, out);
	return out;
}

static void the_list_takes_addresses_and_networks(void **state)
{
	(void)state;
	struct proxies p = parsed(" 127.0.0.1, 10.0.0.0/8 ::1,fd00::/8 ");
	assert_int_equal(p.n, 4);
	assert_int_equal(p.net[1].bits, 96 + 8);
	assert_int_equal(parsed("").n, 0);
	const char *wrong[] = {"10.0.0.300", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/8x", "proxy.local",
			       "1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,"
			       "1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,1.2.3.4,9.9.9.9"};
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		struct proxies q;
		char bad[64];
		assert_int_equal(proxies_parse(wrong[i], &q, bad, sizeof bad), OMB_EINVAL);
		assert_non_null(strstr(wrong[i], bad));
	}
	char bad[64];
	struct proxies q;
	proxies_parse("127.0.0.1, 10.0.0.0/33", &q, bad, sizeof bad);
	assert_string_equal(bad, "10.0.0.0/33");
}

static void only_a_trusted_peer_names_the_client(void **state)
{
	(void)state;
	struct proxies none = parsed("");
	struct proxies local = parsed("127.0.0.1");
	assert_string_equal(client(&none, "127.0.0.1", "203.0.113.7"), "127.0.0.1");
	assert_string_equal(client(&local, "198.51.100.1", "203.0.113.7"), "198.51.100.1");
	assert_string_equal(client(&local, "127.0.0.1", NULL), "127.0.0.1");
	assert_string_equal(client(&local, "127.0.0.1", "203.0.113.7"), "203.0.113.7");
}

static void the_header_is_read_from_the_right(void **state)
{
	(void)state;
	struct proxies p = parsed("127.0.0.1, 10.0.0.0/8");
	/* what the client wrote itself (the first entries) is not believed */
	assert_string_equal(client(&p, "127.0.0.1", "1.1.1.1, 203.0.113.7"), "203.0.113.7");
	/* a chain of trusted proxies is walked through */
	assert_string_equal(client(&p, "127.0.0.1", "1.1.1.1,203.0.113.7 , 10.1.2.3,10.9.9.9"), "203.0.113.7");
	/* all proxies: the first one is the client */
	assert_string_equal(client(&p, "127.0.0.1", "10.1.2.3"), "10.1.2.3");
	/* garbage stops the walk at the last proxy */
	assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7, unknown, 10.1.2.3"), "10.1.2.3");
	assert_string_equal(client(&p, "127.0.0.1", "unknown"), "127.0.0.1");
	assert_string_equal(client(&p, "127.0.0.1", ""), "127.0.0.1");
	assert_string_equal(client(&p, "127.0.0.1", "203.0.113.7,"), "127.0.0.1");
}

static void addresses_come_out_in_one_form(void **state)
{
	(void)state;
	struct proxies p = parsed("::1, 127.0.0.1");
	assert_string_equal(client(&p, "::1", "[2001:DB8::0:1]"), "2001:db8::1");
	assert_string_equal(client(&p, "127.0.0.1", "::ffff:203.0.113.7"), "203.0.113.7");
	assert_string_equal(client(&p, "127.0.0.1", "\t203.0.113.7\t"), "203.0.113.7");
	/* an IPv6 network does not take IPv4 addresses in by accident */
	struct proxies v6 = parsed("::/1");
	assert_string_equal(client(&v6, "127.0.0.1", "203.0.113.7"), "127.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_list_takes_addresses_and_networks),
		cmocka_unit_test(only_a_trusted_peer_names_the_client),
		cmocka_unit_test(the_header_is_read_from_the_right),
		cmocka_unit_test(addresses_come_out_in_one_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
