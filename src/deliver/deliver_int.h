/* deliver_int.h — what the files of src/deliver/ share. */
#ifndef OMBUD_DELIVER_INT_H
#define OMBUD_DELIVER_INT_H

#include <curl/curl.h>

#include "deliver/deliver.h"

/* Timeouts, no signals (threads), no redirects, and abandoning the transfer
 * once *stop is true. errbuf has CURL_ERROR_SIZE bytes. */
void deliver_common_options(CURL *h, long timeout_s, const atomic_bool *stop, char *errbuf);
/* Fills out->error from a failed transfer: what was tried, curl's reason
 * and the last reply code (proto "SMTP" or "HTTP"). */
void deliver_describe(struct deliver_outcome *out, CURLcode c, const char *errbuf, const atomic_bool *stop,
		      const char *proto, long reply);
int64_t deliver_now_ms(void);

#endif
