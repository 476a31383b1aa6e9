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

static int check_for(struct app *app, enum attachment_use use, const char *name, const void *data, size_t size,
		     const char **field, struct attachment *a)
{
	const char *reason = NULL;
	int rc = attachments_check(app->cfg, use, name, data, size, a, field, &reason);
	if (rc != OMB_OK)
		assert_non_null(reason);
	return rc;
}

static int check(struct app *app, const char *name, const void *data, size_t size, const char **field)
{
	struct attachment a;
	return check_for(app, ATTACH_TO_CASE, name, data, size, field, &a);
}

static void types_come_from_the_content(void **state)
{
	struct app *app = fixture_app(state);
	struct attachment a;
	const char *field, *reason;
	assert_int_equal(attachments_check(app->cfg, ATTACH_TO_CASE, "명세서.PDF", pdf, sizeof pdf - 1, &a, &field, &reason),
			 OMB_OK);
	assert_string_equal(a.mime, "application/pdf");
	uint8_t want[32];
	crypto_hash_sha256(want, (const unsigned char *)pdf, sizeof pdf - 1);
	assert_memory_equal(a.sha256, want, 32);
	assert_int_equal(attachments_check(app->cfg, ATTACH_TO_CASE, "scan.png", png, sizeof png, &a, &field, &reason),
			 OMB_OK);
	assert_string_equal(a.mime, "image/png");
	assert_int_equal(attachments_check(app->cfg, ATTACH_TO_CASE, "photo.jpeg", jpeg, sizeof jpeg, &a, &field, &reason),
			 OMB_OK);
	assert_string_equal(a.mime, "image/jpeg");
	assert_int_equal(attachments_check(app->cfg, ATTACH_TO_CASE, "memo", text, sizeof text - 1, &a, &field, &reason),
			 OMB_OK);
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

/* Recordings, as libmagic knows them by their first bytes. */
static const unsigned char wav[] = {'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 16, 0, 0,
				    0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0, 'd', 'a', 't', 'a',
				    0, 0, 0, 0};
static const unsigned char mp3[] = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0};
static const unsigned char ogg[] = {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0, 0, 0, 1, 30, 1, 'v', 'o', 'r', 'b', 'i', 's', 0, 0, 0, 0, 0, 0, 0, 0};
static const unsigned char m4a[] = {0, 0, 0, 32, 'f', 't', 'y', 'p', 'M', '4', 'A', ' ', 0, 0, 0, 0, 'M', '4', 'A',
				    ' ', 'm', 'p', '4', '2', 'i', 's', 'o', 'm', 0, 0, 0, 0, 0, 0, 0, 0};

static void recordings_go_on_reports_only(void **state)
{
	struct app *app = fixture_app(state);
	struct attachment a;
	const char *field = NULL;
	static const struct {
		const char *name;
		const unsigned char *data;
		size_t size;
		const char *mime;
	} rec[] = {{"call.wav", wav, sizeof wav, "audio/wav"},
		   {"call.MP3", mp3, sizeof mp3, "audio/mpeg"},
		   {"call.ogg", ogg, sizeof ogg, "audio/ogg"},
		   {"call", m4a, sizeof m4a, "audio/mp4"}};
	for (size_t i = 0; i < sizeof rec / sizeof rec[0]; i++) {
		assert_int_equal(check_for(app, ATTACH_TO_REPORT, rec[i].name, rec[i].data, rec[i].size, &field, &a),
				 OMB_OK);
		assert_string_equal(a.mime, rec[i].mime);
		assert_int_equal(check_for(app, ATTACH_TO_CASE, rec[i].name, rec[i].data, rec[i].size, &field, &a),
				 OMB_EINVAL);
		assert_string_equal(field, "content");
	}
	/* what a case takes, a report takes; a name still may not lie */
	assert_int_equal(check_for(app, ATTACH_TO_REPORT, "screen.png", png, sizeof png, &field, &a), OMB_OK);
	assert_int_equal(check_for(app, ATTACH_TO_REPORT, "call.mp3", wav, sizeof wav, &field, &a), OMB_EINVAL);
	assert_string_equal(field, "name");
	assert_int_equal(check_for(app, ATTACH_TO_REPORT, "call.wav", pdf, sizeof pdf - 1, &field, &a), OMB_EINVAL);
	assert_string_equal(field, "name");
	assert_int_equal(check_for(app, ATTACH_TO_REPORT, "call.flac", wav, sizeof wav, &field, &a), OMB_EINVAL);
	assert_string_equal(field, "name");
	/* a case refuses a recording's extension on another type as a lie about the type */
	assert_int_equal(check(app, "call.wav", pdf, sizeof pdf - 1, &field), OMB_EINVAL);
	assert_string_equal(field, "name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(types_come_from_the_content),
		APP_TEST(lies_and_strangers_are_refused),
		APP_TEST(size_is_bounded),
		APP_TEST(recordings_go_on_reports_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
