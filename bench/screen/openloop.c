/* openloop.c — checks sent on a fixed schedule, whatever the answers do: the
 * open-loop latency row of bench/screen/http_check.sh.
 *
 * Request i is due at start + i / RATE. Each goes out on an idle keep-alive
 * HTTP/1.1 connection as soon as it is due; when none is idle it waits for
 * one, and its latency is still measured from the time it was due, so a
 * server that falls behind shows it in the percentiles instead of slowing
 * the load (the "coordinated omission" of closed-loop tools such as wrk).
 * Every request is a new call: a fresh call_id and a caller drawn from 1M
 * numbers. Debian 12 has no tool for this: wrk2 is not packaged, h2load
 * --rps posts one body for every request (one call_id would only measure
 * the retransmit path), httperf reports no percentiles.
 *
 * usage: openloop HOST PORT PATH AUTHORIZATION RATE SECONDS CONNS
 * Prints one line: aimed and achieved rate, answers, errors, and the
 * latency percentiles in microseconds (every sample kept and sorted). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WARMUP_S 1 /* answers to requests due in the first second are not counted */

struct conn {
	int fd;
	int64_t due_ns;   /* of the request in flight; 0 = idle */
	char in[4096];
	size_t len;
};

static struct {
	const char *host, *path, *auth;
	int port;
	double rate;
	int64_t start_ns, end_ns;
	uint64_t sent;             /* requests sent so far; request i is due at due_of(i) */
	int64_t *lat_us;
	size_t nlat, caplat;
	uint64_t ok, bad, errors;
	uint64_t rng;
} g;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t next_rand(void)
{
	g.rng ^= g.rng << 13;
	g.rng ^= g.rng >> 7;
	g.rng ^= g.rng << 17;
	return g.rng;
}

static int64_t due_of(uint64_t i)
{
	return g.start_ns + (int64_t)((double)i * 1e9 / g.rate);
}

static int conn_open(struct conn *c, int ep)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g.port)};
	if (inet_pton(AF_INET, g.host, &sa.sin_addr) != 1)
		return -1;
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		return -1;
	c->due_ns = 0;
	c->len = 0;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* Small requests on an idle socket: one write(2) takes them whole. */
static int conn_send(struct conn *c, int64_t due_ns)
{
	char body[160], req[1024];
	int blen = snprintf(body, sizeof body,
			    "{\"call_id\":\"ol%d-%llu\",\"caller\":\"010%08u\",\"callee\":\"010%08u\","
			    "\"origin\":\"domestic\",\"trunk\":\"GW1\"}",
			    (int)getpid(), (unsigned long long)g.sent, (unsigned)(next_rand() % 1000000),
			    (unsigned)(next_rand() % 100000000));
	int n = snprintf(req, sizeof req,
			 "POST %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %d\r\n\r\n%s",
			 g.path, g.host, g.port, g.auth, blen, body);
	c->due_ns = due_ns;
	return write(c->fd, req, (size_t)n) == n ? 0 : -1;
}

static void record(int64_t due_ns, int64_t at_ns, bool ok)
{
	if (due_ns < g.start_ns + WARMUP_S * 1000000000LL || due_ns >= g.end_ns)
		return;
	ok ? g.ok++ : g.bad++;
	if (g.nlat == g.caplat) {
		g.caplat = g.caplat ? 2 * g.caplat : 1 << 16;
		g.lat_us = realloc(g.lat_us, g.caplat * sizeof *g.lat_us);
		if (!g.lat_us)
			abort();
	}
	g.lat_us[g.nlat++] = (at_ns - due_ns) / 1000;
}

/* Whole answers in c->in: status line, headers up to the blank line,
 * Content-Length bytes of body. Returns 1 when one was consumed. */
static int take_answer(struct conn *c, int64_t at_ns)
{
	c->in[c->len < sizeof c->in ? c->len : sizeof c->in - 1] = '\0';
	char *eoh = strstr(c->in, "\r\n\r\n");
	if (!eoh)
		return 0;
	char *cl = strcasestr(c->in, "\r\ncontent-length:");
	size_t body = cl && cl < eoh ? strtoul(cl + 17, NULL, 10) : 0;
	size_t total = (size_t)(eoh + 4 - c->in) + body;
	if (c->len < total)
		return 0;
	int status = c->len > 12 ? atoi(c->in + 9) : 0;
	record(c->due_ns, at_ns, status >= 200 && status < 300);
	memmove(c->in, c->in + total, c->len - total);
	c->len -= total;
	c->due_ns = 0;
	return 1;
}

/* Sends every request now due, on idle connections, oldest first; those
 * left wait for a connection and keep their due time. */
static void send_due(struct conn *cs, int nconn, int64_t t)
{
	for (int i = 0; i < nconn; i++) {
		int64_t due = due_of(g.sent);
		if (due > t || due >= g.end_ns)
			return;
		if (cs[i].due_ns || cs[i].fd < 0)
			continue;
		if (conn_send(&cs[i], due) != 0) {
			g.errors++; /* the connection is gone: its read says so and reopens it */
			cs[i].due_ns = 0;
			continue;
		}
		g.sent++;
	}
}

static void on_readable(struct conn *c, int ep, int64_t t)
{
	ssize_t n = read(c->fd, c->in + c->len, sizeof c->in - 1 - c->len);
	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return;
		if (c->due_ns)
			record(c->due_ns, t, false);
		g.errors++;
		close(c->fd);
		if (conn_open(c, ep) != 0)
			c->fd = -1;
		return;
	}
	c->len += (size_t)n;
	while (take_answer(c, t))
		;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t pct(double p)
{
	if (!g.nlat)
		return 0;
	size_t i = (size_t)(p / 100.0 * (double)g.nlat);
	return g.lat_us[i < g.nlat ? i : g.nlat - 1];
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: openloop HOST PORT PATH AUTHORIZATION RATE SECONDS CONNS\n");
		return 2;
	}
	g.host = argv[1];
	g.port = atoi(argv[2]);
	g.path = argv[3];
	g.auth = argv[4];
	g.rate = atof(argv[5]);
	int seconds = atoi(argv[6]), nconn = atoi(argv[7]);
	if (g.rate <= 0 || seconds <= WARMUP_S || nconn <= 0) {
		fprintf(stderr, "openloop: RATE > 0, SECONDS > %d and CONNS > 0\n", WARMUP_S);
		return 2;
	}
	g.rng = (uint64_t)now_ns() | 1;
	struct conn *cs = calloc((size_t)nconn, sizeof *cs);
	int ep = epoll_create1(0);
	for (int i = 0; i < nconn; i++)
		if (conn_open(&cs[i], ep) != 0) {
			perror("openloop: connect");
			return 1;
		}
	g.start_ns = now_ns();
	g.end_ns = g.start_ns + (int64_t)seconds * 1000000000;
	int64_t drain_until = g.end_ns + 2000000000LL; /* answers still due after the last send */
	struct epoll_event evs[256];
	for (;;) {
		int64_t t = now_ns();
		if (t >= drain_until)
			break;
		send_due(cs, nconn, t);
		int64_t next = due_of(g.sent) - t;
		if (next < 0)
			next = 1000000; /* due, but no connection idle: wait for an answer */
		struct timespec to = {next / 1000000000, next % 1000000000};
		int n = epoll_pwait2(ep, evs, 256, t < g.end_ns ? &to : &(struct timespec){0, 10000000}, NULL);
		t = now_ns();
		for (int i = 0; i < n; i++)
			on_readable(evs[i].data.ptr, ep, t);
		if (t >= g.end_ns && due_of(g.sent) >= g.end_ns) { /* all sent: wait for the answers */
			bool idle = true;
			for (int i = 0; i < nconn; i++)
				idle &= cs[i].due_ns == 0;
			if (idle)
				break;
		}
	}
	uint64_t unanswered = 0, due = 0;
	while (due_of(due) < g.end_ns)
		due++;
	for (int i = 0; i < nconn; i++)
		unanswered += cs[i].due_ns != 0;
	qsort(g.lat_us, g.nlat, sizeof *g.lat_us, cmp_i64);
	double measured_s = seconds - WARMUP_S;
	printf("aimed=%.0f achieved=%.0f ok=%llu non2xx=%llu errors=%llu p50_us=%lld p99_us=%lld p999_us=%lld "
	       "max_us=%lld\n",
	       g.rate, (double)(g.ok + g.bad) / measured_s, (unsigned long long)g.ok, (unsigned long long)g.bad,
	       (unsigned long long)(g.errors + unanswered + (due - g.sent)), (long long)pct(50), (long long)pct(99),
	       (long long)pct(99.9), (long long)(g.nlat ? g.lat_us[g.nlat - 1] : 0));
	return 0;
}
