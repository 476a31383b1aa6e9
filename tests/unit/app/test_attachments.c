/* test_attachments.c — what attachments_check takes and refuses: the type
 * comes from the content, a name may not contradict it, sizes are bounded,
 * and the hash is the content's SHA-256. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "app/attachments.h"
#include "app_fixture.h"

static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
				    0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde};
static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
static const char text[] = "결제일 2026-11-25\r\n금액\t12,300원\n";

static int check(struct app *app, const char *name, const void *data, size_t size, const char **field)
{
	struct attachment a;
	const char *reason = NULL;
	int rc = attachments_check(app->cfg, name, data, size, &a, field, &reason);
	if (rc != OMB_OK)
		assert_non_null(reason);
	return rc;
}

static void types_come_from_the_content(void **state)
{
	struct app *app = fixture_app(state);
	struct attachment a;
	const char *field, *reason;
	assert_int_equal(attachments_check(app->cfg, "명세서.PDF", pdf, sizeof pdf - 1, &a, &field, &reason), OMB_OK);
	assert_string_equal(a.mime, "application/pdf");
	uint8_t want[32];
	crypto_hash_sha256(want, (const unsigned char *)pdf, sizeof pdf - 1);
	assert_memory_equal(a.sha256, want, 32);
	assert_int_equal(attachments_check(app->cfg, "scan.png", png, sizeof png, &a, &field, &reason), OMB_OK);
	assert_string_equal(a.mime, "image/png");
	assert_int_equal(attachments_check(app->cfg, "photo.jpeg", jpeg, sizeof jpeg, &a, &field, &reason), OMB_OK);
	assert_string_equal(a.mime, "image/jpeg");
	assert_int_equal(attachments_check(app->cfg, "memo", text, sizeof text - 1, &a, &field, &reason), OMB_OK);
	assert_string_equal(a.mime, "text/plain; charset=utf-8");
}

static void lies_and_strangers_are_refused(void **state)
{
	struct app *app = fixture_app(state);
	const char *field = NULL;
	static const char html[] = "<!DOCTYPE html><html><body><script>x()</script></body></html>\n";
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00";
	static const char latin1[] = "caf\xe9 cr\xe8me\n";
	static const char controls[] = "a\x01" "b\x1b[31mred\n";
	assert_int_equal(check(app, "statement.pdf", png, sizeof png, &field), OMB_EINVAL);
	assert_string_equal(field, "name");
	assert_int_equal(check(app, "image.jpg", pdf, sizeof pdf - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "name");
	assert_int_equal(check(app, "notes.txt", pdf, sizeof pdf - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "name");
	assert_int_equal(check(app, "run.exe", pdf, sizeof pdf - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "name");
	assert_int_equal(check(app, "statement.pdf", elf, sizeof elf - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "content");
	assert_int_equal(check(app, "page.txt", html, sizeof html - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "content");
	assert_int_equal(check(app, "memo.txt", latin1, sizeof latin1 - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "content");
	assert_int_equal(check(app, "memo.txt", controls, sizeof controls - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "content");
	assert_int_equal(check(app, "a/b.pdf", pdf, sizeof pdf - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "name");
	assert_int_equal(check(app, "", pdf, sizeof pdf - 1, &field), OMB_EINVAL);
	assert_int_equal(check(app, NULL, pdf, sizeof pdf - 1, &field), OMB_EINVAL);
	assert_int_equal(check(app, "empty.txt", "", 0, &field), OMB_EINVAL);
	assert_string_equal(field, "content");
}

static void size_is_bounded(void **state)
{
	struct app *app = fixture_app(state);
	struct config *cfg = (struct config *)app->cfg;
	const char *field = NULL;
	cfg->attachments_max_bytes = (int64_t)sizeof text - 1;
	assert_int_equal(check(app, "memo.txt", text, sizeof text - 1, &field), OMB_OK);
	cfg->attachments_max_bytes--;
	assert_int_equal(check(app, "memo.txt", text, sizeof text - 1, &field), OMB_ELIMIT);
	assert_string_equal(field, "content");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(types_come_from_the_content),
		APP_TEST(lies_and_strangers_are_refused),
		APP_TEST(size_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
