/* log.c — one-line structured log events. */
#include "base/log.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"

#define LINE_MAX_BYTES 4096

static enum log_level threshold = LOG_INFO;
static enum log_format line_format = LOG_LOGFMT;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

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

struct line {
	char buf[LINE_MAX_BYTES];
	size_t len;
};

static void put(struct line *l, const char *s, size_t n)
{
	size_t room = sizeof l->buf - 1 - l->len; /* keep one byte for the newline */
	if (n > room)
		n = room;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void put_str(struct line *l, const char *s)
{
	put(l, s, strlen(s));
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

static void put_value(struct line *l, const char *v, bool always_quote)
{
	bool quote = always_quote || logfmt_needs_quotes(v);
	if (quote)
		put(l, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		char esc[8];
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put(l, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			put(l, esc, (size_t)snprintf(esc, sizeof esc, "\\u%04x", *p));
		} else {
			put(l, (const char *)p, 1);
		}
	}
	if (quote)
		put(l, "\"", 1);
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
	if (num) {
		put(l, n, (size_t)snprintf(n, sizeof n, "%" PRId64, *num));
	} else {
		put_value(l, str ? str : "", line_format == LOG_JSON);
	}
}

void log_emit(enum log_level level, const struct log_kv *fields)
{
	if (level < threshold)
		return;
	struct line l = {.len = 0};
	char ts[32];
	clock_format_iso(clock_now_ms(), ts, sizeof ts);
	put_field(&l, true, "ts", ts, NULL);
	put_field(&l, false, "level", level_names[level], NULL);
	for (const struct log_kv *f = fields; f->type != LOG_KV_END; f++)
		put_field(&l, false, f->key, f->str, f->type == LOG_KV_INT ? &f->num : NULL);
	if (line_format == LOG_JSON)
		put(&l, "}", 1);
	l.buf[l.len++] = '\n';
	ssize_t w = write(STDERR_FILENO, l.buf, l.len);
	(void)w; /* nowhere left to report a failed log write */
}
