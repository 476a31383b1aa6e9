/* forwarded.c — the client's address behind trusted reverse proxies.
 *
 * Each proxy appends the address it got the request from to
 * X-Forwarded-For. A client can write anything there before the first
 * proxy sees the request, so the header is read from the right: an address
 * that is a trusted proxy passed the request on, and the first one that is
 * not is the client. An entry that is not an address stops the walk at the
 * last proxy: the request is then counted against that proxy. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/err.h"

/* text (IPv4, IPv6, or IPv6 in brackets) to an IPv6 address, IPv4 mapped */
static bool parse_addr(const char *s, size_t n, struct in6_addr *out)
{
	char text[INET6_ADDRSTRLEN + 2];
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof text)
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	struct in_addr v4;
	if (inet_pton(AF_INET, text, &v4) == 1) {
		memset(out, 0, sizeof *out);
		out->s6_addr[10] = out->s6_addr[11] = 0xff;
		memcpy(&out->s6_addr[12], &v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, text, out) == 1;
}

static bool is_v4(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

static void format_addr(const struct in6_addr *a, char out[REMOTE_MAX])
{
	if (is_v4(a))
		inet_ntop(AF_INET, &a->s6_addr[12], out, REMOTE_MAX);
	else
		inet_ntop(AF_INET6, a, out, REMOTE_MAX);
}

/* IPv4 and IPv6 are apart, as in nginx: ::/0 does not take in 10.0.0.1. */
static bool in_net(const struct proxy_net *net, const struct in6_addr *a)
{
	if (is_v4(&net->addr) != is_v4(a))
		return false;
	unsigned bits = net->bits, i = 0;
	for (; bits >= 8; bits -= 8, i++)
		if (net->addr.s6_addr[i] != a->s6_addr[i])
			return false;
	uint8_t mask = (uint8_t)(0xff00u >> bits);
	return bits == 0 || (net->addr.s6_addr[i] & mask) == (a->s6_addr[i] & mask);
}

static bool trusted(const struct proxies *p, const struct in6_addr *a)
{
	for (size_t i = 0; i < p->n; i++)
		if (in_net(&p->net[i], a))
			return true;
	return false;
}

/* one entry of the list: ADDRESS or ADDRESS/BITS */
static bool parse_net(const char *s, size_t n, struct proxy_net *out)
{
	const char *slash = memchr(s, '/', n);
	size_t addr_len = slash ? (size_t)(slash - s) : n;
	if (!parse_addr(s, addr_len, &out->addr))
		return false;
	unsigned max = is_v4(&out->addr) ? 32 : 128;
	out->bits = 128;
	if (slash) {
		size_t digits = n - addr_len - 1;
		if (digits == 0 || digits > 3 || strspn(slash + 1, "0123456789") < digits)
			return false;
		unsigned bits = (unsigned)strtoul(slash + 1, NULL, 10);
		if (bits > max)
			return false;
		out->bits = bits + (128 - max);
	}
	return true;
}

int proxies_parse(const char *list, struct proxies *out, char *bad, size_t badlen)
{
	out->n = 0;
	for (const char *p = list; *p;) {
		p += strspn(p, " ,");
		size_t n = strcspn(p, " ,");
		if (n == 0)
			break;
		if (out->n == PROXIES_MAX || !parse_net(p, n, &out->net[out->n])) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return OMB_EINVAL;
		}
		out->n++;
		p += n;
	}
	return OMB_OK;
}

void forwarded_client(const struct proxies *p, const char *peer, const char *xff, char out[REMOTE_MAX])
{
	struct in6_addr hop;
	snprintf(out, REMOTE_MAX, "%s", peer);
	if (p->n == 0 || !xff || !parse_addr(peer, strlen(peer), &hop) || !trusted(p, &hop))
		return;
	for (size_t end = strlen(xff); end > 0;) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		const char *s = xff + start;
		size_t n = end - start;
		end = start > 0 ? start - 1 : 0;
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!parse_addr(s, n, &hop))
			return; /* out still names the last proxy */
		format_addr(&hop, out);
		if (!trusted(p, &hop))
			return;
	}
}
