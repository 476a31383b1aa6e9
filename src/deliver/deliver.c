/* deliver.c — what SMTP and the gateway share: libcurl's set-up and errors. */
#include "deliver/deliver_int.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"

int deliver_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? OMB_OK : OMB_EIO;
}

void deliver_cleanup(void)
{
	curl_global_cleanup();
}

int64_t deliver_now_ms(void)
{
	return clock_now_ms();
}

/* libcurl calls this at least once a second during a transfer. */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	const atomic_bool *stop = ctx;
	return stop && atomic_load(stop);
}

void deliver_common_options(CURL *h, long timeout_s, const atomic_bool *stop, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout_s < 10 ? timeout_s : 10L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)stop);
}

void deliver_describe(struct deliver_outcome *out, CURLcode c, const char *errbuf, const atomic_bool *stop,
		      const char *proto, long reply)
{
	if (c == CURLE_ABORTED_BY_CALLBACK && stop && atomic_load(stop)) {
		snprintf(out->error, sizeof out->error, "stopped while sending (shutdown)");
		return;
	}
	const char *why = *errbuf ? errbuf : curl_easy_strerror(c);
	if (reply)
		snprintf(out->error, sizeof out->error, "%s: %s (reply %ld)", proto, why, reply);
	else
		snprintf(out->error, sizeof out->error, "%s: %s", proto, why);
}
