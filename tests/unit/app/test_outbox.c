/* test_outbox.c — enqueue validation, delivery, retries with back-off, the
 * dead letter, claims (no write transaction during a send, lapsed claims,
 * stopping mid-send), and per-organisation listing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "app/accounts.h"
#include "app/outbox.h"
#include "app_fixture.h"
#include "base/clock.h"

static int failures;

static int send_fail(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
		     struct outbox_outcome *out)
{
	failures++;
	snprintf(out->error, sizeof out->error, "smtp down");
	return OMB_EIO;
}

static const struct outbox_sender failing = {"failing", send_fail};

static struct outbox_filter all = {-1, 0, NULL};

static struct outbox_msg msg(int64_t org_id, const char *recipient, const char *body)
{
	return (struct outbox_msg){.org_id = org_id, .channel = "sms", .recipient = recipient,
				   .subject = "", .body = body, .ref = "HB-20260302-0001"};
}

/* The one stored message of this test (org -1 lists all). */
static struct outbox_item only_item(struct app *app)
{
	struct outbox_item *items = NULL;
	size_t n = 0;
	assert_int_equal(outbox_list(app, &all, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	struct outbox_item it = items[0];
	outbox_items_free(items, n);
	return it;
}

/* Enqueue stamps messages with the real clock, so deliveries look a little ahead. */
static int64_t soon(void)
{
	return clock_now_ms() + 1000;
}

static void enqueue_validates(void **state)
{
	struct app *app = fixture_app(state);
	static char big[OUTBOX_BODY_MAX + 2], long_subject[192], long_ref[62];
	memset(big, 'b', sizeof big - 1);
	memset(long_subject, 's', sizeof long_subject - 1);
	memset(long_ref, 'r', sizeof long_ref - 1);
	struct outbox_msg bad[] = {
		{.channel = NULL, .recipient = "010-1234-5678", .body = "x"},
		{.channel = "fax", .recipient = "010-1234-5678", .body = "x"},
		{.channel = "sms", .recipient = "", .body = "x"},
		{.channel = "sms", .recipient = NULL, .body = "x"},
		{.channel = "sms", .recipient = "bad \xc3\x28", .body = "x"},
		{.channel = "sms", .recipient = "010-1234-5678", .body = ""},
		{.channel = "sms", .recipient = "010-1234-5678", .body = big},
		{.channel = "email", .recipient = "a@b.kr", .body = "x", .subject = long_subject},
		{.channel = "email", .recipient = "a@b.kr", .body = "x", .ref = long_ref},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(outbox_enqueue(app, &bad[i], NULL), OMB_EINVAL);

	struct outbox_item *items = NULL;
	size_t n = 1;
	assert_int_equal(outbox_list(app, &all, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 0); /* nothing stored */
	outbox_items_free(items, n);

	int64_t id = 0;
	big[OUTBOX_BODY_MAX] = '\0'; /* exactly the limit is fine */
	struct outbox_msg ok = msg(0, "010-1234-5678", big);
	assert_int_equal(outbox_enqueue(app, &ok, &id), OMB_OK);
	assert_true(id > 0);
	struct outbox_item it = only_item(app);
	assert_int_equal(it.id, id);
	assert_string_equal(it.status, "queued");
	assert_int_equal(it.attempts, 0);
	assert_string_equal(it.channel, "sms");
	assert_string_equal(it.ref, "HB-20260302-0001");
}

static void log_sender_marks_sent(void **state)
{
	struct app *app = fixture_app(state);
	struct outbox_msg m = msg(0, "010-1234-5678", "인증번호 123456");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int delivered = -1;
	int64_t now = soon();
	assert_int_equal(outbox_deliver_due(app, now - 60000, NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 0); /* not due before it was stored */
	assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 1);
	struct outbox_item it = only_item(app);
	assert_string_equal(it.status, "sent");
	assert_int_equal(it.attempts, 1);
	assert_in_range(it.sent_ms, now, now + 1000); /* now + the time the send took */
	assert_string_equal(it.last_error, "");
	assert_int_equal(outbox_deliver_due(app, now + 3600000, NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 0); /* sent once only */
}

#define MAX_ATTEMPTS 8 /* outbox.max_attempts by default */

static void failures_back_off_then_dead_letter(void **state)
{
	struct app *app = fixture_app(state);
	app->sender = &failing;
	failures = 0;
	struct outbox_msg m = msg(0, "010-1234-5678", "hello");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int delivered = -1;
	int64_t now = soon();

	assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 0);
	assert_int_equal(failures, 1);
	struct outbox_item it = only_item(app);
	assert_string_equal(it.status, "queued");
	assert_int_equal(it.attempts, 1);
	assert_string_equal(it.last_error, "smtp down");

	/* Not due again at the same time, nor before the 30 s back-off ends. */
	assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
	assert_int_equal(outbox_deliver_due(app, now + 29999, NULL, &delivered), OMB_OK);
	assert_int_equal(failures, 1);
	now += 30000;
	assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
	assert_int_equal(failures, 2);
	/* The second back-off is longer. */
	assert_int_equal(outbox_deliver_due(app, now + 30000, NULL, &delivered), OMB_OK);
	assert_int_equal(failures, 2);

	for (int i = 2; i < MAX_ATTEMPTS; i++) {
		now += 2 * CLOCK_MS_PER_HOUR; /* past any back-off */
		assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
		assert_int_equal(failures, i + 1);
		it = only_item(app);
		assert_int_equal(it.attempts, i + 1);
		assert_string_equal(it.status, i + 1 < MAX_ATTEMPTS ? "queued" : "dead");
	}
	/* A dead letter is kept but never tried again. */
	assert_int_equal(outbox_deliver_due(app, now + 30 * CLOCK_MS_PER_DAY, NULL, &delivered), OMB_OK);
	assert_int_equal(failures, MAX_ATTEMPTS);
	assert_string_equal(only_item(app).status, "dead");
}

/* ---- claims ---- */

static struct app *current;
static char seen_status[8];
static int write_during_send = -99;

/* While a message is being sent, it reads as 'sending' and this thread holds
 * no write transaction: it can begin one of its own. */
static int send_checking(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
			 struct outbox_outcome *out)
{
	struct outbox_item it;
	assert_int_equal(outbox_get(current, m->id, NULL, &it), OMB_OK);
	snprintf(seen_status, sizeof seen_status, "%s", it.status);
	write_during_send = store_begin(current->store, true);
	if (write_during_send == OMB_OK)
		store_rollback(current->store);
	snprintf(out->provider_ref, sizeof out->provider_ref, "relay-%lld", (long long)m->id);
	return OMB_OK;
}

static const struct outbox_sender checking = {"checking", send_checking};

static void no_write_transaction_during_a_send(void **state)
{
	struct app *app = current = fixture_app(state);
	app->sender = &checking;
	struct outbox_msg m = msg(0, "010-1234-5678", "hello");
	int64_t id = 0;
	assert_int_equal(outbox_enqueue(app, &m, &id), OMB_OK);
	int delivered = 0;
	assert_int_equal(outbox_deliver_due(app, soon(), NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 1);
	assert_string_equal(seen_status, "sending");
	assert_int_equal(write_during_send, OMB_OK);
	struct outbox_item it = only_item(app);
	assert_string_equal(it.status, "sent");
	assert_string_equal(it.provider_ref, "relay-1");
}

static int send_refused(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
			struct outbox_outcome *out)
{
	failures++;
	snprintf(out->error, sizeof out->error, "SMTP: RCPT failed: 550 (reply 550)");
	return OMB_EINVAL;
}

static void refused_message_is_dead_at_once(void **state)
{
	struct app *app = fixture_app(state);
	app->sender = &(struct outbox_sender){"refused", send_refused};
	failures = 0;
	struct outbox_msg m = msg(0, "010-1234-5678", "hello");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int delivered = 0;
	int64_t now = soon();
	assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
	assert_int_equal(outbox_deliver_due(app, now + CLOCK_MS_PER_DAY, NULL, &delivered), OMB_OK);
	assert_int_equal(failures, 1);
	struct outbox_item it = only_item(app);
	assert_string_equal(it.status, "dead");
	assert_int_equal(it.attempts, 1);
	assert_string_equal(it.last_error, "SMTP: RCPT failed: 550 (reply 550)");
}

static int64_t lapse_at;
static int inner_sends;

static int send_ok(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
		   struct outbox_outcome *out)
{
	inner_sends++;
	return OMB_OK;
}

/* The first try hangs past its lease; meanwhile another deliverer takes the
 * message again and sends it. The first try's failure, recorded late, must
 * not undo that. */
static int send_slow_then_fail(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
			       struct outbox_outcome *out)
{
	const struct outbox_sender *self = current->sender;
	current->sender = &(struct outbox_sender){"ok", send_ok};
	int delivered = 0;
	assert_int_equal(outbox_deliver_due(current, lapse_at, NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 1);
	current->sender = self;
	snprintf(out->error, sizeof out->error, "timed out");
	return OMB_EIO;
}

static void lapsed_claim_is_taken_again_and_late_outcome_ignored(void **state)
{
	struct app *app = current = fixture_app(state);
	app->sender = &(struct outbox_sender){"slow", send_slow_then_fail};
	inner_sends = 0;
	struct outbox_msg m = msg(0, "010-1234-5678", "hello");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int64_t now = soon();
	int delivered = 0;
	lapse_at = now + outbox_lease_ms(app->cfg);
	assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
	assert_int_equal(inner_sends, 1);
	struct outbox_item it = only_item(app);
	assert_string_equal(it.status, "sent");
	assert_int_equal(it.attempts, 2);
	assert_string_equal(it.last_error, "");
}

static int blocked_sends;

static int send_blocked(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
			struct outbox_outcome *out)
{
	/* a second deliverer, before the lease ends, finds nothing due */
	int delivered = -1;
	blocked_sends++;
	assert_int_equal(outbox_deliver_due(current, lapse_at - 1, NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 0);
	assert_int_equal(blocked_sends, 1);
	return OMB_OK;
}

static void claimed_message_is_not_sent_twice(void **state)
{
	struct app *app = current = fixture_app(state);
	app->sender = &(struct outbox_sender){"blocked", send_blocked};
	blocked_sends = 0;
	struct outbox_msg m = msg(0, "010-1234-5678", "hello");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int64_t now = soon();
	lapse_at = now + outbox_lease_ms(app->cfg);
	int delivered = 0;
	assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 1);
	assert_int_equal(blocked_sends, 1);
}

static atomic_bool stopping;

static int send_interrupted(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
			    struct outbox_outcome *out)
{
	atomic_store(&stopping, true); /* the server is stopping while this one is on the wire */
	snprintf(out->error, sizeof out->error, "stopped while sending (shutdown)");
	return OMB_EIO;
}

static void stopping_mid_send_gives_the_try_back(void **state)
{
	struct app *app = fixture_app(state);
	app->sender = &(struct outbox_sender){"interrupted", send_interrupted};
	atomic_store(&stopping, false);
	struct outbox_msg m = msg(0, "010-1234-5678", "one");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	m.body = "two";
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int delivered = 0;
	int64_t now = soon();
	assert_int_equal(outbox_deliver_due(app, now, &stopping, &delivered), OMB_OK);
	struct outbox_item *items = NULL;
	size_t n = 0;
	assert_int_equal(outbox_list(app, &all, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(items[i].status, "queued"); /* due again at once, no try used */
		assert_int_equal(items[i].attempts, 0);
		assert_true(items[i].next_ms <= now + 1000);
	}
	outbox_items_free(items, n);
}

/* Hangs past its lease on the last try; the next round finds no try left. */
static int send_lapse_last(const struct config *cfg, const struct outbox_msg *m, const atomic_bool *stop,
			   struct outbox_outcome *out)
{
	int delivered = -1;
	assert_int_equal(outbox_deliver_due(current, lapse_at, NULL, &delivered), OMB_OK);
	assert_int_equal(delivered, 0);
	snprintf(out->error, sizeof out->error, "timed out");
	return OMB_EIO;
}

static void lapsed_last_try_is_dead_lettered(void **state)
{
	struct app *app = current = fixture_app(state);
	struct config *cfg = (struct config *)app->cfg;
	cfg->outbox_max_attempts = 1;
	app->sender = &(struct outbox_sender){"dies", send_lapse_last};
	struct outbox_msg m = msg(0, "010-1234-5678", "hello");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int64_t now = soon();
	/* claim it, and "die" inside the send: the inner round finds the claim
	 * lapsed with no try left */
	lapse_at = now + outbox_lease_ms(cfg);
	int delivered = 0;
	assert_int_equal(outbox_deliver_due(app, now, NULL, &delivered), OMB_OK);
	struct outbox_item it = only_item(app);
	assert_string_equal(it.status, "dead");
	assert_int_equal(it.attempts, 1);
	assert_non_null(strstr(it.last_error, "claim lapsed"));
}

static void backoff_follows_settings(void **state)
{
	struct app *app = fixture_app(state);
	struct config *cfg = (struct config *)app->cfg;
	cfg->outbox_backoff_s = 5;
	cfg->outbox_backoff_max_s = 12;
	app->sender = &failing;
	failures = 0;
	struct outbox_msg m = msg(0, "010-1234-5678", "hello");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int delivered = 0;
	int64_t at = soon();
	assert_int_equal(outbox_deliver_due(app, at, NULL, &delivered), OMB_OK);
	assert_int_equal(failures, 1);
	/* waits 5 s, then 10 s, then 12 s (the cap) and 12 s again */
	int64_t waits[] = {5000, 10000, 12000, 12000};
	for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
		int64_t next = only_item(app).next_ms;
		assert_in_range(next - at, waits[i], waits[i] + 1000); /* + the time the try took */
		assert_int_equal(outbox_deliver_due(app, next - 1, NULL, &delivered), OMB_OK);
		assert_int_equal(failures, (int)i + 1);
		assert_int_equal(outbox_deliver_due(app, next, NULL, &delivered), OMB_OK);
		assert_int_equal(failures, (int)i + 2);
		at = next;
	}
}

static void list_is_per_organisation(void **state)
{
	struct app *app = fixture_app(state);
	const char *field = NULL;
	int64_t a = 0, b = 0;
	struct org_new oa = {.code = "HB", .name = "한빛은행", .kind = ORG_COMPANY};
	struct org_new ob = {.code = "KB", .name = "국민", .kind = ORG_COMPANY};
	assert_int_equal(accounts_org_create(app, &oa, &a, &field), OMB_OK);
	assert_int_equal(accounts_org_create(app, &ob, &b, &field), OMB_OK);
	struct outbox_msg ma = msg(a, "010-1111-1111", "for A"), mb = msg(b, "010-2222-2222", "for B");
	struct outbox_msg mn = msg(0, "010-3333-3333", "for nobody");
	int64_t ida = 0, idb = 0, idn = 0;
	assert_int_equal(outbox_enqueue(app, &ma, &ida), OMB_OK);
	assert_int_equal(outbox_enqueue(app, &mb, &idb), OMB_OK);
	assert_int_equal(outbox_enqueue(app, &mn, &idn), OMB_OK);

	struct outbox_item *items = NULL;
	size_t n = 0;
	assert_int_equal(outbox_list(app, &(struct outbox_filter){a, 0, NULL}, 0, 10, 1, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, ida);
	assert_string_equal(items[0].body, "for A");
	assert_string_equal(items[0].recipient, "010-1111-1111");
	outbox_items_free(items, n);

	assert_int_equal(outbox_list(app, &(struct outbox_filter){b, 0, NULL}, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, idb);
	assert_null(items[0].body); /* only with_body fills it */
	outbox_items_free(items, n);

	assert_int_equal(outbox_list(app, &(struct outbox_filter){0, 0, NULL}, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, idn);
	outbox_items_free(items, n);

	assert_int_equal(outbox_list(app, &all, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 3);
	outbox_items_free(items, n);
	assert_int_equal(outbox_list(app, &all, ida, 1, 0, &items, &n), OMB_OK); /* paging */
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, idb);
	outbox_items_free(items, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(enqueue_validates),
		APP_TEST(log_sender_marks_sent),
		APP_TEST(failures_back_off_then_dead_letter),
		APP_TEST(no_write_transaction_during_a_send),
		APP_TEST(refused_message_is_dead_at_once),
		APP_TEST(claimed_message_is_not_sent_twice),
		APP_TEST(lapsed_claim_is_taken_again_and_late_outcome_ignored),
		APP_TEST(lapsed_last_try_is_dead_lettered),
		APP_TEST(stopping_mid_send_gives_the_try_back),
		APP_TEST(backoff_follows_settings),
		APP_TEST(list_is_per_organisation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
