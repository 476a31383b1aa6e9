/* outbox.h — messages to customers, staff and number holders.
 *
 * A message is stored first (outbox_enqueue, in the caller's transaction when
 * there is one) and delivered later by the delivery workers through a sender
 * chosen by configuration: "log" only logs that it delivered (never the body,
 * which may hold a one-time code); "net" sends e-mail to the SMTP relay and
 * SMS and staff messages to the HTTP gateway (deliver/deliver.h).
 *
 * Delivery never holds a write transaction during network I/O: a worker
 * claims a few due messages in one short write (status 'sending', a random
 * claim token and a lease), sends each with no transaction open, and records
 * each outcome in another short write that applies only while its claim
 * holds. A claim whose lease ran out (the process stopped mid-send) is taken
 * again, so delivery is at least once; the Message-ID and the gateway's
 * Idempotency-Key are the same on every try so the far side can drop copies.
 * A failed try is retried after outbox.backoff_s, doubling up to
 * outbox.backoff_max_s; after outbox.max_attempts tries, or at once when the
 * message itself was refused, it is dead-lettered and kept. Nothing is sent
 * that was not stored, and a stored message is never lost. */
#ifndef OMBUD_APP_OUTBOX_H
#define OMBUD_APP_OUTBOX_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define OUTBOX_BODY_MAX     8192

struct outbox_msg {
	int64_t id;
	int64_t org_id;          /* 0 = not about one organisation */
	int64_t staff_id;        /* who queued it (may read its state); 0 = the system or a customer */
	const char *channel;     /* "email", "sms" or "staff" */
	const char *recipient;   /* address, phone number or staff code */
	const char *subject;
	const char *body;
	const char *ref;         /* what it is about, e.g. a receipt number */
	int attempts;            /* tries so far, this one included */
};

/* What one try came to; never holds the body. */
struct outbox_outcome {
	char provider_ref[128];  /* the relay's or gateway's id for it, if any */
	char error[200];
};

/* A way out. send returns OMB_OK when the message left, OMB_EIO for a
 * failure worth retrying, or OMB_EINVAL when the message itself was refused
 * (dead-lettered at once); out->error says why. Called from the delivery
 * workers, so it must be thread-safe; it should give up soon once *stop is
 * true (stop may be NULL). */
struct outbox_sender {
	const char *name;
	int (*send)(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
		    struct outbox_outcome *out);
};

/* s with all but its first and last two characters hidden ("01****78"),
 * for logs and the sender's view. */
void outbox_mask(const char *s, char *out, size_t size);

/* The built-in sender of that name ("log" or "net"), or NULL. */
const struct outbox_sender *outbox_sender_named(const char *name);
/* Checks the delivery settings of cfg for its sender (the SMTP relay and the
 * gateway for "net") and readies the network library; a reason naming the
 * setting goes to errbuf. */
int outbox_setup(const struct config *cfg, char *errbuf, size_t errlen);
void outbox_teardown(void);

/* Stores a message for delivery now. Fields are validated (channel known,
 * recipient and body non-empty and bounded); *id is set when not NULL. */
int outbox_enqueue(struct app *app, const struct outbox_msg *m, int64_t *id);

/* Claims, sends and records the messages due at now through app->sender,
 * until none is due or stop becomes true (stop may be NULL); *delivered
 * counts those sent. The workers call it; tests call it directly. */
int outbox_deliver_due(struct app *app, int64_t now, const atomic_bool *stop, int *delivered);

/* How long a claim holds: a claim's few messages sent one after the other,
 * each taking the longest a try may (outbox.timeout_s), plus a minute. */
int64_t outbox_lease_ms(const struct config *cfg);

/* outbox.workers threads that deliver whatever is due, waking every
 * outbox.sweep_interval_ms or when kicked. Stopping abandons sends in flight
 * (their messages go back to the queue without using a try) and waits. */
int outbox_workers_start(struct app *app);
void outbox_workers_stop(struct app *app);
/* Wakes the workers (from the sweep: the clock may have moved). No-op when
 * none run. */
void outbox_kick(struct app *app);

/* Tries since start, by outcome, for /metrics. */
enum outbox_outcome_kind { OUTBOX_SENT, OUTBOX_RETRIED, OUTBOX_DEAD, OUTBOX_OUTCOMES };
uint64_t outbox_outcome_count(enum outbox_outcome_kind k);

/* Stored state of a message, for the sender's view of delivery. Strings are
 * copied into the struct. */
struct outbox_item {
	int64_t id;
	char channel[8];
	char recipient[128];
	char subject[200];
	char ref[64];
	char status[8];           /* queued, sending, sent, dead */
	int attempts;
	int64_t created_ms, sent_ms;
	int64_t next_ms;          /* queued: when the next try is due */
	char last_error[200];
	char provider_ref[128];
	char staff_code[32];      /* who queued it, "" for the system or a customer */
	char *body;               /* malloc'd; only filled by outbox_list(with_body) */
};

/* Which messages outbox_list returns. */
struct outbox_filter {
	int64_t org_id;           /* 0 = not about an organisation, -1 = any */
	int64_t staff_id;         /* only those this staff member queued; 0 = anyone's */
	const char *status;       /* only in this state; NULL or "" = any */
};

/* Up to limit messages matching f with id > after, oldest first.
 * Caller frees with outbox_items_free. OMB_EINVAL for an unknown status. */
int outbox_list(struct app *app, const struct outbox_filter *f, int64_t after, int limit, int with_body,
		struct outbox_item **items, size_t *n);
/* Who may see a message's delivery state: an admin of the organisation it
 * is about, and whoever queued it (a vendor's agent, too, for a client's
 * case). */
struct outbox_owner {
	int64_t org_id;           /* 0 = not about an organisation */
	int64_t staff_id;         /* 0 = the system or a customer */
};
/* One message without its body, and its owner when owner is not NULL.
 * OMB_ENOTFOUND when there is none. */
int outbox_get(struct app *app, int64_t id, struct outbox_owner *owner, struct outbox_item *out);
/* Puts a dead letter of org_id back in the queue, due now, with its tries
 * counted afresh. OMB_ENOTFOUND for no such message, OMB_ECONFLICT when it
 * is not dead. */
int outbox_requeue(struct app *app, int64_t org_id, int64_t id, int64_t now);
void outbox_items_free(struct outbox_item *items, size_t n);

#endif
