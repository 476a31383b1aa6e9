/* outbox.h — messages to customers, staff and number holders.
 *
 * A message is stored first (outbox_enqueue, in the caller's transaction when
 * there is one) and delivered later by the sweep through a sender chosen by
 * configuration, with retries and back-off; after OUTBOX_MAX_ATTEMPTS failed
 * tries it is dead-lettered. Nothing is sent that was not stored, and a
 * stored message is never lost. The "log" sender only logs that it
 * delivered (never the body, which may hold a one-time code). */
#ifndef OMBUD_APP_OUTBOX_H
#define OMBUD_APP_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define OUTBOX_MAX_ATTEMPTS 8
#define OUTBOX_BODY_MAX     8192

struct outbox_msg {
	int64_t id;
	int64_t org_id;          /* 0 = not about one organisation */
	const char *channel;     /* "email", "sms" or "staff" */
	const char *recipient;   /* address, phone number or staff code */
	const char *subject;
	const char *body;
	const char *ref;         /* what it is about, e.g. a receipt number */
	int attempts;
};

/* A way out. send returns 0 when the message left, or a negative code with a
 * reason in err (the message is retried). Called from the sweep thread only. */
struct outbox_sender {
	const char *name;
	int (*send)(const struct outbox_msg *m, char *err, size_t errlen);
};

/* The built-in sender of that name ("log"), or NULL. */
const struct outbox_sender *outbox_sender_named(const char *name);

/* Stores a message for delivery now. Fields are validated (channel known,
 * recipient and body non-empty and bounded); *id is set when not NULL. */
int outbox_enqueue(struct app *app, const struct outbox_msg *m, int64_t *id);
/* Delivers due messages (a bounded batch) through app->sender; *delivered
 * counts those sent. */
int outbox_deliver_due(struct app *app, int64_t now, int *delivered);

/* Stored state of a message, for the sender's view of delivery. Strings are
 * copied into the struct. */
struct outbox_item {
	int64_t id;
	char channel[8];
	char recipient[128];
	char subject[200];
	char ref[64];
	char status[8];           /* queued, sent, dead */
	int attempts;
	int64_t created_ms, sent_ms;
	char last_error[200];
	char *body;               /* malloc'd; only filled by outbox_list(with_body) */
};
/* Up to limit messages of org_id (0 = not about an organisation, -1 = all)
 * with id > after.
 * Caller frees with outbox_items_free. */
int outbox_list(struct app *app, int64_t org_id, int64_t after, int limit, int with_body,
		struct outbox_item **items, size_t *n);
void outbox_items_free(struct outbox_item *items, size_t n);

#endif
