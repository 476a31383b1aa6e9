/* log.c — one-line structured log events. */
#include "base/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"

#define LINE_MAX_BYTES 4096

static enum log_level threshold = LOG_INFO;
static enum log_format line_format = LOG_LOGFMT;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

/* Held lines wait in a block, in the order they were made, until it is
 * full, the flusher's timer fires, another line is written or the hold
 * stops. Lines join the block under `lock`; a block is written under
 * `write_lock` after it has been swapped with the spare one, so a thread
 * making a line never waits for a write to stderr (a pipe to a busy
 * journal can take milliseconds) unless both blocks are full. Writes take
 * write_lock first and then lock, and swap under both, so the log keeps
 * the order lines were made in. */
#define HOLD_BYTES (64u << 10)

static struct {
	pthread_mutex_t lock;       /* the filling block, running, stop */
	pthread_mutex_t write_lock; /* the spare block and stderr */
	pthread_cond_t wake;        /* the flusher's timer; signalled to stop it */
	pthread_t flusher;
	bool running;
	bool stop;
	int64_t flush_ms;
	char *fill, *spare;         /* point into blocks */
	size_t len;                 /* bytes in fill */
	char blocks[2][HOLD_BYTES];
} hold = {.lock = PTHREAD_MUTEX_INITIALIZER, .write_lock = PTHREAD_MUTEX_INITIALIZER,
	  .fill = hold.blocks[0], .spare = hold.blocks[1]};

void log_setup(enum log_level min, enum log_format format)
{
	threshold = min;
	line_format = format;
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = LOG_DEBUG; i <= LOG_ERROR; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return OMB_OK;
		}
	}
	return OMB_EINVAL;
}

int log_format_parse(const char *s, enum log_format *out)
{
	if (strcmp(s, "logfmt") == 0)
		*out = LOG_LOGFMT;
	else if (strcmp(s, "json") == 0)
		*out = LOG_JSON;
	else
		return OMB_EINVAL;
	return OMB_OK;
}

bool log_enabled(enum log_level level)
{
	return level >= threshold;
}

/* A line is built field by field; a field that no longer fits is dropped
 * whole and the line ends with truncated=1, so every line stays one valid
 * logfmt or JSON record, never cut inside a value, escape or character. */
struct line {
	char buf[LINE_MAX_BYTES];
	size_t len;
	size_t cap;      /* bytes this line may use */
};

#define TAIL_RESERVE 24  /* room kept for ',"truncated":true}' and the newline */

/* All or nothing: false (and nothing written) when n bytes do not fit. */
static bool put(struct line *l, const char *s, size_t n)
{
	if (n > l->cap - l->len)
		return false;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	return true;
}

static bool put_str(struct line *l, const char *s)
{
	return put(l, s, strlen(s));
}

/* logfmt quotes a value that has spaces, quotes, '=' or control bytes; JSON
 * always quotes. Both escape '"', '\\' and control bytes the same way. */
static bool logfmt_needs_quotes(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '=' || *p == '\\')
			return true;
	return *v == '\0';
}

static bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

/* The longest part of the n plain bytes at p that fits in room, cut before
 * a UTF-8 continuation byte so that no character is split. */
static size_t fitting(const unsigned char *p, size_t n, size_t room)
{
	if (n <= room)
		return n;
	while (room > 0 && (p[room] & 0xc0) == 0x80)
		room--;
	return room;
}

/* Writes the value, cutting it (at a whole character or escape) when it
 * would not fit, and always closing its quote. Runs of plain bytes are
 * copied whole; only escapes go byte by byte. */
static void put_value(struct line *l, const char *v, bool always_quote)
{
	bool quote = always_quote || logfmt_needs_quotes(v);
	if (quote)
		put(l, "\"", 1);
	l->cap -= quote;  /* room for the closing quote */
	for (const unsigned char *p = (const unsigned char *)v; *p;) {
		size_t run = 0;
		while (plain_byte(p[run]))
			run++;
		if (run) {
			size_t n = fitting(p, run, l->cap - l->len);
			put(l, (const char *)p, n);
			if (n < run)
				break;
			p += run;
			continue;
		}
		char esc[8];
		bool ok;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			ok = put(l, esc, 2);
		} else {
			ok = put(l, esc, (size_t)snprintf(esc, sizeof esc, "\\u%04x", *p));
		}
		if (!ok)
			break;
		p++;
	}
	l->cap += quote;
	if (quote)
		put(l, "\"", 1);
}

/* A number's digits, without printf's format parsing on every access line. */
static size_t format_int(char out[24], int64_t v)
{
	char rev[20];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t n = 0, len = 0;
	do {
		rev[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = rev[--n];
	return len;
}

static void put_field(struct line *l, bool first, const char *key, const char *str, const int64_t *num)
{
	char n[24];
	if (line_format == LOG_JSON) {
		put_str(l, first ? "{\"" : ",\"");
		put_str(l, key);
		put_str(l, "\":");
	} else {
		if (!first)
			put(l, " ", 1);
		put_str(l, key);
		put(l, "=", 1);
	}
	if (num)
		put(l, n, format_int(n, *num));
	else
		put_value(l, str ? str : "", line_format == LOG_JSON);
}

/* Once its key, separators and a number fit, a field always goes in (its
 * value cut to fit); a field whose key does not fit is dropped whole. */
static bool add_field(struct line *l, bool first, const char *key, const char *str, const int64_t *num)
{
	if (strlen(key) + 24 > l->cap - l->len)
		return false;
	put_field(l, first, key, str, num);
	return true;
}

/* Every byte, unless stderr fails: a block may take more than one write. */
static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere left to report a failed log write */
		p += w;
		n -= (size_t)w;
	}
}

/* Under write_lock: takes the filling block and writes it. */
static void write_held(void)
{
	pthread_mutex_lock(&hold.lock);
	char *out = hold.fill;
	size_t n = hold.len;
	hold.fill = hold.spare;
	hold.spare = out;
	hold.len = 0;
	pthread_mutex_unlock(&hold.lock);
	write_all(out, n);
}

/* A held line joins the block while the flusher runs (a full block is
 * written first); any other line is written after the held ones made
 * before it. */
static void deliver(const struct line *l, bool held)
{
	pthread_mutex_lock(&hold.lock);
	while (held && hold.running && l->len > HOLD_BYTES - hold.len) {
		pthread_mutex_unlock(&hold.lock);
		pthread_mutex_lock(&hold.write_lock);
		write_held();
		pthread_mutex_unlock(&hold.write_lock);
		pthread_mutex_lock(&hold.lock);
	}
	if (held && hold.running) {
		memcpy(hold.fill + hold.len, l->buf, l->len);
		hold.len += l->len;
		pthread_mutex_unlock(&hold.lock);
		return;
	}
	pthread_mutex_unlock(&hold.lock);
	pthread_mutex_lock(&hold.write_lock);
	write_held();
	write_all(l->buf, l->len);
	pthread_mutex_unlock(&hold.write_lock);
}

static void build(struct line *l, enum log_level level, const struct log_kv *fields)
{
	l->len = 0;
	l->cap = sizeof l->buf - TAIL_RESERVE;
	char ts[32];
	clock_format_iso(clock_now_ms(), ts, sizeof ts);
	add_field(l, true, "ts", ts, NULL);
	add_field(l, false, "level", level_names[level], NULL);
	bool dropped = false;
	for (const struct log_kv *f = fields; f->type != LOG_KV_END; f++)
		dropped |= !add_field(l, false, f->key, f->str, f->type == LOG_KV_INT ? &f->num : NULL);
	l->cap = sizeof l->buf;
	if (dropped)
		put_str(l, line_format == LOG_JSON ? ",\"truncated\":true" : " truncated=1");
	if (line_format == LOG_JSON)
		put(l, "}", 1);
	put(l, "\n", 1);
}

static void emit(enum log_level level, const struct log_kv *fields, bool held)
{
	if (level < threshold)
		return;
	struct line l;
	build(&l, level, fields);
	deliver(&l, held);
}

void log_emit(enum log_level level, const struct log_kv *fields)
{
	emit(level, fields, false);
}

void log_emit_held(enum log_level level, const struct log_kv *fields)
{
	emit(level, fields, true);
}

static void *flusher_main(void *arg)
{
	(void)arg;
	bool stop = false;
	while (!stop) {
		pthread_mutex_lock(&hold.lock);
		if (!hold.stop) {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			int64_t ns = until.tv_nsec + hold.flush_ms % 1000 * 1000000;
			until.tv_sec += (time_t)(hold.flush_ms / 1000 + ns / 1000000000);
			until.tv_nsec = (long)(ns % 1000000000);
			pthread_cond_timedwait(&hold.wake, &hold.lock, &until);
		}
		stop = hold.stop;
		pthread_mutex_unlock(&hold.lock);
		pthread_mutex_lock(&hold.write_lock);
		write_held(); /* the last round writes what was held before the stop */
		pthread_mutex_unlock(&hold.write_lock);
	}
	return NULL;
}

int log_hold_start(int64_t flush_ms)
{
	if (hold.running)
		return OMB_EINVAL;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&hold.wake, &attr);
	pthread_condattr_destroy(&attr);
	hold.flush_ms = flush_ms;
	hold.stop = false;
	if (pthread_create(&hold.flusher, NULL, flusher_main, NULL) != 0) {
		pthread_cond_destroy(&hold.wake);
		return OMB_EIO;
	}
	pthread_mutex_lock(&hold.lock);
	hold.running = true;
	pthread_mutex_unlock(&hold.lock);
	return OMB_OK;
}

void log_hold_stop(void)
{
	if (!hold.running)
		return;
	pthread_mutex_lock(&hold.lock);
	hold.stop = true;
	hold.running = false; /* lines from now on are written at once */
	pthread_cond_signal(&hold.wake);
	pthread_mutex_unlock(&hold.lock);
	pthread_join(hold.flusher, NULL); /* its last round writes what was held */
	pthread_cond_destroy(&hold.wake);
}
