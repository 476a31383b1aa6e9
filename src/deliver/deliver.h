/* deliver.h — sending one message over the network: e-mail to an SMTP relay
 * (libcurl) and SMS or messenger messages to an HTTP gateway (libcurl and a
 * JSON body, documented in docs/operations.md).
 *
 * This layer knows protocols, not the outbox: it takes one message and its
 * route, tries once, and says whether the message left, may be tried again,
 * or was refused for good. Storing, claiming and retrying are app/outbox.c's.
 * Depends on base/ only. Each call makes its own connection, so any thread
 * may call it; deliver_init must have run first. */
#ifndef OMBUD_DELIVER_DELIVER_H
#define OMBUD_DELIVER_DELIVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct deliver_msg {
	int64_t id;              /* the outbox id: the Message-ID and the gateway's idempotency key come from it */
	const char *channel;     /* "email", "sms" or "staff" */
	const char *to;          /* address, E.164 number or staff code */
	const char *subject;     /* may be "" */
	const char *body;        /* UTF-8 text */
	const char *ref;         /* what it is about, e.g. a receipt number; may be "" */
};

/* What one try came to. Never holds the body. */
struct deliver_outcome {
	char provider_ref[128];  /* the id the relay or gateway knows it by, when there is one */
	char error[200];         /* why it failed */
};

enum deliver_tls { DELIVER_TLS_REQUIRE, DELIVER_TLS_TRY, DELIVER_TLS_OFF };

struct deliver_smtp {
	const char *url;         /* smtp://host:port or smtps://host:port */
	const char *user;        /* "" = no AUTH */
	const char *password;
	const char *from;        /* envelope sender and From: address */
	enum deliver_tls tls;    /* STARTTLS on smtp:// (smtps:// is TLS from the start) */
	long timeout_s;
};

struct deliver_gateway {
	const char *url;         /* http:// or https:// */
	const char *auth_header; /* "Name: value" sent with every request; "" = none */
	long timeout_s;
};

/* Once per process, before any thread sends (curl_global_init). */
int deliver_init(void);
void deliver_cleanup(void);

/* A plain ASCII addr-spec (local@domain, nothing that could end an SMTP
 * command or a header). Internationalised addresses are not supported. */
bool deliver_address_ok(const char *s);
/* "Name: value" with a token for a name and no control characters. */
bool deliver_header_ok(const char *s);
/* "require", "try" or "off"; OMB_EINVAL for anything else. */
int deliver_tls_parse(const char *s, enum deliver_tls *out);

/* One try. Returns OMB_OK when the relay or gateway took the message,
 * OMB_EIO for a failure worth retrying (connection, timeout, 4xx SMTP reply,
 * HTTP 408, 429 or 5xx, or stop set meanwhile: then error says so), and
 * OMB_EINVAL when the message itself was refused (bad address, SMTP 5xx for
 * the recipient or the data, any other HTTP 4xx) and must not be retried.
 * stop may be NULL; when it becomes true the transfer is abandoned. */
int deliver_smtp(const struct deliver_smtp *route, const struct deliver_msg *m, const atomic_bool *stop,
		 struct deliver_outcome *out);
int deliver_gateway(const struct deliver_gateway *route, const struct deliver_msg *m, const atomic_bool *stop,
		    struct deliver_outcome *out);

/* The e-mail exactly as deliver_smtp sends it (headers and base64 body,
 * CRLF line ends) at time now_ms, for tests. Caller frees. */
char *deliver_mail_text(const struct deliver_smtp *route, const struct deliver_msg *m, int64_t now_ms);

#endif
