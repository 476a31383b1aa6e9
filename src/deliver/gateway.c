/* gateway.c — one SMS or messenger message to the HTTP gateway.
 *
 * POST to the gateway's URL with the JSON body of docs/operations.md, the
 * configured authorisation header and an Idempotency-Key that is the same on
 * every try of one message, so a gateway can drop the copy a retry after a
 * lost answer sends. Any 2xx means taken; its JSON "id", if any, is kept. */
#include "deliver/deliver_int.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"

#define ANSWER_MAX 4096

bool deliver_header_ok(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || colon[1] != ' ' || !colon[2])
		return false;
	for (const char *p = s; p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
	for (const unsigned char *p = (const unsigned char *)colon; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			return false;
	return true;
}

/* Keeps the first ANSWER_MAX bytes of the answer; the rest is read and dropped. */
static size_t on_answer(char *p, size_t size, size_t nitems, void *ctx)
{
	struct buf *b = ctx;
	if (!b->overflow)
		buf_append(b, p, size * nitems);
	return size * nitems;
}

static void keep_provider_id(const struct buf *answer, struct deliver_outcome *out)
{
	json_t *j = answer->len && !answer->overflow ? json_loadb(answer->data, answer->len, 0, NULL) : NULL;
	json_t *id = json_object_get(j, "id");
	if (json_is_string(id))
		snprintf(out->provider_ref, sizeof out->provider_ref, "%s", json_string_value(id));
	else if (json_is_integer(id))
		snprintf(out->provider_ref, sizeof out->provider_ref, "%lld", (long long)json_integer_value(id));
	json_decref(j);
}

/* 408 (timeout) and 429 (slow down) pass; any other 4xx is about the request. */
static int classify(long status)
{
	if (status >= 200 && status < 300)
		return OMB_OK;
	if (status >= 400 && status < 500 && status != 408 && status != 429)
		return OMB_EINVAL;
	return OMB_EIO;
}

int deliver_gateway(const struct deliver_gateway *route, const struct deliver_msg *m, const atomic_bool *stop,
		    struct deliver_outcome *out)
{
	memset(out, 0, sizeof *out);
	char key[40];
	snprintf(key, sizeof key, "ombud-%lld", (long long)m->id);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", key, "channel", m->channel, "to", m->to,
			      "subject", m->subject, "text", m->body, "ref", m->ref);
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	CURL *h = curl_easy_init();
	if (!body || !h) {
		free(body);
		curl_easy_cleanup(h);
		snprintf(out->error, sizeof out->error, "libcurl: no handle");
		return OMB_EIO;
	}
	char idem[64], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(idem, sizeof idem, "Idempotency-Key: %s", key);
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
	hdr = curl_slist_append(hdr, idem);
	hdr = curl_slist_append(hdr, "Expect:"); /* no 100-continue round trip */
	if (*route->auth_header)
		hdr = curl_slist_append(hdr, route->auth_header);
	struct buf answer;
	buf_init(&answer, ANSWER_MAX);
	curl_easy_setopt(h, CURLOPT_URL, route->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_answer);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "ombud");
	deliver_common_options(h, route->timeout_s, stop, errbuf);
	CURLcode c = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	int rc;
	if (c != CURLE_OK) {
		deliver_describe(out, c, errbuf, stop, "HTTP", 0);
		rc = OMB_EIO;
	} else if ((rc = classify(status)) == OMB_OK) {
		keep_provider_id(&answer, out);
	} else {
		/* only the status: the answer may echo the number or the text */
		snprintf(out->error, sizeof out->error, "gateway answered HTTP %ld", status);
	}
	buf_free(&answer);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(body);
	return rc;
}
