/* test_deliver.c — the e-mail as it goes on the wire (headers, RFC 2047
 * subject, base64 body), which addresses and gateway headers pass, and how
 * failures are told apart when nothing listens. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "deliver/deliver.h"

static const struct deliver_smtp route = {"smtp://127.0.0.1:1", "", "", "noreply@ombud.test", DELIVER_TLS_OFF, 5};

/* The value of header name in text (unfolded, CRLFs of folding removed). */
static char *header(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = text; p && *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
		if (strncmp(p, "\r\n", 2) == 0)
			break; /* end of headers */
		if (strncmp(p, name, n) == 0 && p[n] == ':') {
			char *out = calloc(1, strlen(p));
			const char *q = p + n + 2;
			for (size_t o = 0; *q && !(q[0] == '\r' && q[1] == '\n' && q[2] != ' '); q++)
				if (*q != '\r' && *q != '\n')
					out[o++] = *q;
			return out;
		}
	}
	return NULL;
}

static char *decode_words(const char *v)
{
	/* "=?UTF-8?B?...?= =?UTF-8?B?...?=" */
	char *out = calloc(1, 1024);
	size_t len = 0;
	for (const char *p = strstr(v, "=?UTF-8?B?"); p; p = strstr(p, "=?UTF-8?B?")) {
		p += 10;
		const char *end = strstr(p, "?=");
		size_t got = 0;
		assert_int_equal(sodium_base642bin((unsigned char *)out + len, 1024 - len, p, (size_t)(end - p), NULL, &got,
						   NULL, sodium_base64_VARIANT_ORIGINAL),
				 0);
		len += got;
		p = end + 2;
	}
	return out;
}

static void mail_text_is_mime_utf8(void **state)
{
	/* a subject long enough to fold, with Korean characters that must not split */
	const char *subject = "[한빛은행] 접수번호 HB-2026-0000001 민원에 대한 답변이 등록되었습니다 — 확인해 주세요";
	const char *body = "안녕하세요.\n인증번호는 482913 입니다.\n.\nA line that starts with a dot, and a long one: "
			   "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123";
	struct deliver_msg m = {42, "email", "kim.minwon@example.kr", subject, body, "HB-2026-0000001"};
	char *text = deliver_mail_text(&route, &m, 1795918025000);
	char *v;
	assert_string_equal(v = header(text, "Date"), "Sun, 29 Nov 2026 02:07:05 +0000");
	free(v);
	assert_string_equal(v = header(text, "From"), "noreply@ombud.test");
	free(v);
	assert_string_equal(v = header(text, "To"), "kim.minwon@example.kr");
	free(v);
	assert_string_equal(v = header(text, "Message-ID"), "<ombud.42@ombud.test>");
	free(v);
	assert_string_equal(v = header(text, "X-Ombud-Ref"), "HB-2026-0000001");
	free(v);
	assert_string_equal(v = header(text, "Content-Transfer-Encoding"), "base64");
	free(v);
	char *words = header(text, "Subject");
	char *decoded = decode_words(words);
	assert_string_equal(decoded, subject);
	free(words);
	free(decoded);
	/* no line longer than 76 characters (RFC 2047 for lines with encoded
	 * words; base64 lines are 76), every line ends in CRLF */
	size_t line = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			assert_true(p > text && p[-1] == '\r');
			line = 0;
		} else {
			assert_true(++line <= 77); /* 76 and the CR */
		}
	}
	/* the body is the base64 of the text, byte for byte */
	const char *b64 = strstr(text, "\r\n\r\n") + 4;
	char *joined = calloc(1, strlen(b64) + 1);
	for (size_t i = 0, o = 0; b64[i]; i++)
		if (b64[i] != '\r' && b64[i] != '\n')
			joined[o++] = b64[i];
	unsigned char back[1024];
	size_t got = 0;
	assert_int_equal(sodium_base642bin(back, sizeof back, joined, strlen(joined), NULL, &got, NULL,
					   sodium_base64_VARIANT_ORIGINAL),
			 0);
	assert_int_equal(got, strlen(body));
	assert_memory_equal(back, body, got);
	free(joined);
	free(text);
}

static void no_subject_no_ref_header_for_non_ascii(void **state)
{
	struct deliver_msg m = {7, "email", "a@b.kr", "", "x", "접수"};
	char *text = deliver_mail_text(&route, &m, 0);
	assert_null(strstr(text, "Subject:"));
	assert_null(strstr(text, "X-Ombud-Ref:"));
	free(text);
}

static void addresses_and_headers(void **state)
{
	const char *good[] = {"kim@example.kr", "a.b+tag@sub.example.co.kr", "x@y"};
	const char *bad[] = {"", "kim", "@example.kr", "kim@", "kim@@example.kr", "a@b@c", "kim @example.kr",
			     "kim@example.kr\r\nRCPT TO:<x@y>", "<kim@example.kr>", "\"kim\"@example.kr", "김@example.kr",
			     "kim@example.kr>"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(deliver_address_ok(good[i]));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(deliver_address_ok(bad[i]));
	assert_true(deliver_header_ok("Authorization: Bearer abc.def"));
	assert_true(deliver_header_ok("X-Api-Key: 123"));
	assert_false(deliver_header_ok("Authorization Bearer abc"));
	assert_false(deliver_header_ok("Authorization:"));
	assert_false(deliver_header_ok("Authorization: a\r\nX-Evil: 1"));
	assert_false(deliver_header_ok("Bad Name: x"));
	assert_false(deliver_header_ok(": x"));
	enum deliver_tls tls;
	assert_int_equal(deliver_tls_parse("require", &tls), OMB_OK);
	assert_int_equal(tls, DELIVER_TLS_REQUIRE);
	assert_int_equal(deliver_tls_parse("off", &tls), OMB_OK);
	assert_int_equal(tls, DELIVER_TLS_OFF);
	assert_int_equal(deliver_tls_parse("yes", &tls), OMB_EINVAL);
}

/* Nothing listens on port 1: a failure worth retrying, with the reason.
 * A bad address is refused for good before any connection. */
static void failures_are_classified(void **state)
{
	struct deliver_outcome o;
	struct deliver_msg m = {1, "email", "kim@example.kr", "s", "b", ""};
	assert_int_equal(deliver_smtp(&route, &m, NULL, &o), OMB_EIO);
	assert_non_null(strstr(o.error, "SMTP: "));
	m.to = "not an address";
	assert_int_equal(deliver_smtp(&route, &m, NULL, &o), OMB_EINVAL);
	assert_string_equal(o.error, "recipient is not a plain e-mail address");
	struct deliver_gateway g = {"http://127.0.0.1:1/send", "", 5};
	struct deliver_msg s = {2, "sms", "+821012345678", "", "b", ""};
	assert_int_equal(deliver_gateway(&g, &s, NULL, &o), OMB_EIO);
	assert_non_null(strstr(o.error, "HTTP: "));
}

int main(void)
{
	if (sodium_init() < 0 || deliver_init() != OMB_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mail_text_is_mime_utf8),
		cmocka_unit_test(no_subject_no_ref_header_for_non_ascii),
		cmocka_unit_test(addresses_and_headers),
		cmocka_unit_test(failures_are_classified),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	deliver_cleanup();
	return rc;
}
