/* test_outbox.c — enqueue validation, delivery, retries with back-off, the
 * dead letter, and per-organisation listing. */
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

static int send_fail(const struct outbox_msg *m, char *err, size_t errlen)
{
	failures++;
	snprintf(err, errlen, "smtp down");
	return OMB_EIO;
}

static const struct outbox_sender failing = {"failing", send_fail};

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
	assert_int_equal(outbox_list(app, -1, 0, 10, 0, &items, &n), OMB_OK);
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
	assert_int_equal(outbox_list(app, -1, 0, 10, 0, &items, &n), OMB_OK);
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
	assert_int_equal(outbox_deliver_due(app, now - 60000, &delivered), OMB_OK);
	assert_int_equal(delivered, 0); /* not due before it was stored */
	assert_int_equal(outbox_deliver_due(app, now, &delivered), OMB_OK);
	assert_int_equal(delivered, 1);
	struct outbox_item it = only_item(app);
	assert_string_equal(it.status, "sent");
	assert_int_equal(it.attempts, 1);
	assert_int_equal(it.sent_ms, now);
	assert_string_equal(it.last_error, "");
	assert_int_equal(outbox_deliver_due(app, now + 3600000, &delivered), OMB_OK);
	assert_int_equal(delivered, 0); /* sent once only */
}

static void failures_back_off_then_dead_letter(void **state)
{
	struct app *app = fixture_app(state);
	app->sender = &failing;
	failures = 0;
	struct outbox_msg m = msg(0, "010-1234-5678", "hello");
	assert_int_equal(outbox_enqueue(app, &m, NULL), OMB_OK);
	int delivered = -1;
	int64_t now = soon();

	assert_int_equal(outbox_deliver_due(app, now, &delivered), OMB_OK);
	assert_int_equal(delivered, 0);
	assert_int_equal(failures, 1);
	struct outbox_item it = only_item(app);
	assert_string_equal(it.status, "queued");
	assert_int_equal(it.attempts, 1);
	assert_string_equal(it.last_error, "smtp down");

	/* Not due again at the same time, nor before the 30 s back-off ends. */
	assert_int_equal(outbox_deliver_due(app, now, &delivered), OMB_OK);
	assert_int_equal(outbox_deliver_due(app, now + 29999, &delivered), OMB_OK);
	assert_int_equal(failures, 1);
	now += 30000;
	assert_int_equal(outbox_deliver_due(app, now, &delivered), OMB_OK);
	assert_int_equal(failures, 2);
	/* The second back-off is longer. */
	assert_int_equal(outbox_deliver_due(app, now + 30000, &delivered), OMB_OK);
	assert_int_equal(failures, 2);

	for (int i = 2; i < OUTBOX_MAX_ATTEMPTS; i++) {
		now += 2 * CLOCK_MS_PER_HOUR; /* past any back-off */
		assert_int_equal(outbox_deliver_due(app, now, &delivered), OMB_OK);
		assert_int_equal(failures, i + 1);
		it = only_item(app);
		assert_int_equal(it.attempts, i + 1);
		assert_string_equal(it.status, i + 1 < OUTBOX_MAX_ATTEMPTS ? "queued" : "dead");
	}
	/* A dead letter is kept but never tried again. */
	assert_int_equal(outbox_deliver_due(app, now + 30 * CLOCK_MS_PER_DAY, &delivered), OMB_OK);
	assert_int_equal(failures, OUTBOX_MAX_ATTEMPTS);
	assert_string_equal(only_item(app).status, "dead");
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
	assert_int_equal(outbox_list(app, a, 0, 10, 1, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, ida);
	assert_string_equal(items[0].body, "for A");
	assert_string_equal(items[0].recipient, "010-1111-1111");
	outbox_items_free(items, n);

	assert_int_equal(outbox_list(app, b, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, idb);
	assert_null(items[0].body); /* only with_body fills it */
	outbox_items_free(items, n);

	assert_int_equal(outbox_list(app, 0, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, idn);
	outbox_items_free(items, n);

	assert_int_equal(outbox_list(app, -1, 0, 10, 0, &items, &n), OMB_OK);
	assert_int_equal(n, 3);
	outbox_items_free(items, n);
	assert_int_equal(outbox_list(app, -1, ida, 1, 0, &items, &n), OMB_OK); /* paging */
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
		APP_TEST(list_is_per_organisation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
