/* smtp.c — one e-mail to an SMTP relay through libcurl. */
#include "deliver/deliver.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "deliver/deliver_int.h"

int deliver_tls_parse(const char *s, enum deliver_tls *out)
{
	static const char *names[] = {[DELIVER_TLS_REQUIRE] = "require", [DELIVER_TLS_TRY] = "try",
				      [DELIVER_TLS_OFF] = "off"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum deliver_tls)i;
			return OMB_OK;
		}
	return OMB_EINVAL;
}

/* A plain ASCII addr-spec: one '@' with something either side, nothing that
 * could end the SMTP command or a header (spaces, controls, <>, quotes). */
bool deliver_address_ok(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 3 || n > 254 || !at || at == s || at == s + n - 1 || strchr(at + 1, '@'))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>()[],;:\\\"", *p))
			return false;
	return true;
}

/* Base64 of n bytes of p in lines of at most 76 characters, each ended by CRLF. */
static void put_base64_lines(struct buf *b, const char *p, size_t n)
{
	for (size_t off = 0; off < n; off += 57) {
		size_t chunk = n - off < 57 ? n - off : 57;
		char line[80];
		sodium_bin2base64(line, sizeof line, (const unsigned char *)p + off, chunk,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s\r\n", line);
	}
}

/* Length of the longest prefix of s, at most max bytes, that ends on a
 * character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* The subject as RFC 2047 encoded words (UTF-8, base64), one per line, so
 * that no word is longer than 75 characters, no line than 76, and no
 * character is split: 39 bytes make 52 base64 characters, 64 with the word's
 * markers, 73 after "Subject: ". */
static void put_subject(struct buf *b, const char *subject)
{
	buf_printf(b, "Subject:");
	size_t len = strlen(subject);
	for (size_t off = 0; off < len;) {
		size_t n = utf8_cut(subject + off, len - off, 39);
		char word[64];
		sodium_bin2base64(word, sizeof word, (const unsigned char *)subject + off, n,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s=?UTF-8?B?%s?=", off ? "\r\n " : " ", word);
		off += n;
	}
	buf_printf(b, "\r\n");
}

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

char *deliver_mail_text(const struct deliver_smtp *route, const struct deliver_msg *m, int64_t now_ms)
{
	struct buf b;
	buf_init(&b, 64 * 1024); /* bodies are a few KiB (the outbox bounds them); base64 adds a third */
	char date[64];
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *domain = strchr(route->from, '@');
	buf_printf(&b, "Date: %s\r\nFrom: %s\r\nTo: %s\r\n", date, route->from, m->to);
	if (*m->subject)
		put_subject(&b, m->subject);
	buf_printf(&b, "Message-ID: <ombud.%lld%s>\r\n", (long long)m->id, domain ? domain : "@localhost");
	if (*m->ref && printable_ascii(m->ref))
		buf_printf(&b, "X-Ombud-Ref: %s\r\n", m->ref);
	buf_printf(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		       "Content-Transfer-Encoding: base64\r\n\r\n");
	put_base64_lines(&b, m->body, strlen(m->body));
	return buf_steal(&b, NULL);
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_upload(char *dst, size_t size, size_t nitems, void *ctx)
{
	struct upload *u = ctx;
	size_t n = size * nitems < u->left ? size * nitems : u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* A recipient the relay refused with a 5xx reply will be refused again. */
static bool refused_for_good(long reply, const char *curl_error)
{
	return reply >= 500 && reply < 600 && strstr(curl_error, "RCPT") != NULL;
}

int deliver_smtp(const struct deliver_smtp *route, const struct deliver_msg *m, const atomic_bool *stop,
		 struct deliver_outcome *out)
{
	memset(out, 0, sizeof *out);
	if (!deliver_address_ok(m->to)) {
		snprintf(out->error, sizeof out->error, "recipient is not a plain e-mail address");
		return OMB_EINVAL;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(out->error, sizeof out->error, "libcurl: no handle");
		return OMB_EIO;
	}
	char *text = deliver_mail_text(route, m, deliver_now_ms());
	struct upload up = {text, strlen(text)};
	char from[300], to[300], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(from, sizeof from, "<%s>", route->from);
	snprintf(to, sizeof to, "<%s>", m->to);
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	static const long use_ssl[] = {[DELIVER_TLS_REQUIRE] = CURLUSESSL_ALL, [DELIVER_TLS_TRY] = CURLUSESSL_TRY,
				       [DELIVER_TLS_OFF] = CURLUSESSL_NONE};
	curl_easy_setopt(h, CURLOPT_URL, route->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, use_ssl[route->tls]);
	if (*route->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, route->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, route->password);
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.left);
	deliver_common_options(h, route->timeout_s, stop, errbuf);
	CURLcode c = curl_easy_perform(h);
	long reply = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
	int rc = OMB_OK;
	if (c == CURLE_OK) {
		snprintf(out->provider_ref, sizeof out->provider_ref, "ombud.%lld%s", (long long)m->id,
			 strchr(route->from, '@'));
	} else {
		deliver_describe(out, c, errbuf, stop, "SMTP", reply);
		rc = refused_for_good(reply, errbuf) ? OMB_EINVAL : OMB_EIO;
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	free(text);
	return rc;
}
