/* attachments.c — content checks (libmagic), hashing and storage of files on
 * cases and telemarketing reports. */
#include "app/attachments.h"

#include <ctype.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/text.h"

#define ON_CASE   (1u << ATTACH_TO_CASE)
#define ON_REPORT (1u << ATTACH_TO_REPORT)

/* The allowed types: what libmagic calls them, what is stored and served,
 * the extensions a name may have for each, and where each may go. */
static const struct kind {
	const char *magic;       /* MAGIC_MIME_TYPE */
	const char *mime;
	const char *ext[4];
	unsigned uses;
} kinds[] = {
	{"application/pdf", "application/pdf", {"pdf"}, ON_CASE | ON_REPORT},
	{"image/png", "image/png", {"png"}, ON_CASE | ON_REPORT},
	{"image/jpeg", "image/jpeg", {"jpg", "jpeg", "jpe"}, ON_CASE | ON_REPORT},
	{"text/plain", "text/plain; charset=utf-8", {"txt", "text"}, ON_CASE | ON_REPORT},
	/* a recording of the call, as a phone or a call recorder saves it */
	{"audio/x-wav", "audio/wav", {"wav"}, ON_REPORT},
	{"audio/mpeg", "audio/mpeg", {"mp3"}, ON_REPORT},
	{"audio/ogg", "audio/ogg", {"ogg", "oga", "opus"}, ON_REPORT},
	{"audio/x-m4a", "audio/mp4", {"m4a"}, ON_REPORT},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* One libmagic handle for the process: it is not thread-safe, and a lookup
 * reads only the start of a file, so a lock costs little. */
static magic_t cookie;
static pthread_mutex_t cookie_lock = PTHREAD_MUTEX_INITIALIZER;

int attachments_setup(char *errbuf, size_t errlen)
{
	pthread_mutex_lock(&cookie_lock);
	int rc = OMB_OK;
	if (!cookie) {
		cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | MAGIC_ERROR);
		if (!cookie || magic_load(cookie, NULL) != 0) {
			snprintf(errbuf, errlen, "libmagic: cannot load its database: %s",
				 cookie ? magic_error(cookie) : "out of memory");
			if (cookie)
				magic_close(cookie);
			cookie = NULL;
			rc = OMB_EIO;
		}
	}
	pthread_mutex_unlock(&cookie_lock);
	return rc;
}

static const struct kind *kind_of_content(const void *data, size_t size)
{
	char found[64] = "";
	pthread_mutex_lock(&cookie_lock);
	const char *t = cookie ? magic_buffer(cookie, data, size) : NULL;
	if (t)
		snprintf(found, sizeof found, "%s", t);
	pthread_mutex_unlock(&cookie_lock);
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(found, kinds[i].magic) == 0)
			return &kinds[i];
	return NULL;
}

/* The extension after the name's last dot, lower-cased, or "" for none. */
static void extension(const char *name, char *out, size_t size)
{
	const char *dot = strrchr(name, '.');
	size_t i = 0;
	if (dot && dot != name)
		for (dot++; *dot && i + 1 < size; dot++)
			out[i++] = (char)tolower((unsigned char)*dot);
	out[i] = '\0';
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= ATTACHMENT_NAME_MAX && text_is_clean_utf8(name, n) && !strpbrk(name, "/\\\t\r\n");
}

#define REFUSE(f, why) do { *field = (f); *reason = (why); return OMB_EINVAL; } while (0)

/* What a refusal says the allowed types are, per use. */
static const char *const not_allowed[] = {
	[ATTACH_TO_CASE] = "the content is not a PDF, PNG, JPEG or plain-text file",
	[ATTACH_TO_REPORT] = "the content is not a PDF, PNG, JPEG, plain-text, WAV, MP3, Ogg or M4A file",
};
static const char *const bad_extension[] = {
	[ATTACH_TO_CASE] = "the extension must be .pdf, .png, .jpg, .jpeg or .txt (or none)",
	[ATTACH_TO_REPORT] = "the extension must be .pdf, .png, .jpg, .jpeg, .txt, .wav, .mp3, .ogg or .m4a (or none)",
};

int attachments_check(const struct config *cfg, enum attachment_use use, const char *name, const void *data,
		      size_t size, struct attachment *out, const char **field, const char **reason)
{
	memset(out, 0, sizeof *out);
	*field = *reason = NULL;
	if (!name || !name_ok(name))
		REFUSE("name", "must be 1-200 bytes of text without slashes or control characters");
	if (size == 0)
		REFUSE("content", "the file is empty");
	if ((int64_t)size > cfg->attachments_max_bytes) {
		*field = "content";
		*reason = "the file is larger than attachments.max_bytes";
		return OMB_ELIMIT;
	}
	const struct kind *k = kind_of_content(data, size);
	if (!k || !(k->uses & (1u << use)))
		REFUSE("content", not_allowed[use]);
	if (strncmp(k->mime, "text/", 5) == 0 && !text_is_clean_utf8(data, size))
		REFUSE("content", "a text file must be UTF-8 without control characters");
	char ext[16];
	extension(name, ext, sizeof ext);
	bool named_right = !*ext;
	for (size_t i = 0; i < NKINDS && !named_right; i++)
		for (size_t j = 0; j < 4 && kinds[i].ext[j] && (kinds[i].uses & (1u << use)); j++)
			if (strcmp(ext, kinds[i].ext[j]) == 0) {
				if (&kinds[i] != k)
					REFUSE("name", "the name's extension says another type than the content is");
				named_right = true;
			}
	if (!named_right)
		REFUSE("name", bad_extension[use]);
	crypto_hash_sha256(out->sha256, data, size);
	out->name = name;
	out->mime = k->mime;
	out->data = data;
	out->size = size;
	return OMB_OK;
}

void attachments_commit_data(const struct attachment *a, char size_buf[24], struct chain_datum d[4])
{
	snprintf(size_buf, 24, "%zu", a->size);
	d[0] = (struct chain_datum){a->sha256, ATTACHMENT_HASH_BYTES};
	d[1] = (struct chain_datum){a->name, strlen(a->name)};
	d[2] = (struct chain_datum){a->mime, strlen(a->mime)};
	d[3] = (struct chain_datum){size_buf, strlen(size_buf)};
}

int attachments_quota_check(struct app *app, int64_t case_id, size_t adding, const char **reason)
{
	int64_t total = 0;
	int rc = store_exec(app->store, STORE_Q_ATTACHMENT_TOTAL, SV_ARGS(SV_INT(case_id)), store_row_first_int, &total);
	if (rc < 0)
		return rc;
	if (total + (int64_t)adding > app->cfg->attachments_case_quota_bytes) {
		*reason = "the case's files would pass attachments.case_quota_bytes";
		return OMB_ELIMIT;
	}
	return OMB_OK;
}

/* The content, once per SHA-256 whoever attached it. */
static int blob_put(struct app *app, const struct attachment *a)
{
	return store_exec(app->store, STORE_Q_BLOB_PUT,
			  SV_ARGS(SV_BLOB(a->sha256, ATTACHMENT_HASH_BYTES), SV_INT((int64_t)a->size), SV_TEXT(a->mime),
				  SV_BLOB(a->data, a->size), SV_INT(clock_now_ms())),
			  NULL, NULL);
}

int attachments_record(struct app *app, int64_t case_id, uint64_t seq, const uint8_t salt[CHAIN_SALT_BYTES],
		       const struct attachment *a)
{
	int rc = blob_put(app, a);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_ATTACHMENT_INSERT,
				SV_ARGS(SV_INT(case_id), SV_INT((int64_t)seq), SV_BLOB(salt, CHAIN_SALT_BYTES),
					SV_BLOB(a->sha256, ATTACHMENT_HASH_BYTES), SV_TEXT(a->name), SV_TEXT(a->mime),
					SV_INT((int64_t)a->size)),
				NULL, NULL);
	return rc < 0 ? rc : OMB_OK;
}

struct check_ctx {
	const struct chain_event *events;
	size_t n;
	bool bad;
	uint64_t bad_seq;
};

/* One row of STORE_Q_ATTACHMENT_CHECK: stops at the first mismatch. */
static int check_row(void *ctx, const struct store_row *row)
{
	struct check_ctx *c = ctx;
	size_t salt_len = 0, hash_len = 0, data_len = 0;
	int64_t seq = store_row_int(row, 0), size = store_row_int(row, 5);
	const uint8_t *salt = store_row_blob(row, 1, &salt_len), *hash = store_row_blob(row, 2, &hash_len);
	const void *data = store_row_blob(row, 6, &data_len);
	struct attachment a = {.name = store_row_text(row, 3), .mime = store_row_text(row, 4), .size = (size_t)size};
	uint8_t content_hash[ATTACHMENT_HASH_BYTES];
	bool ok = seq >= 0 && (size_t)seq < c->n && c->events[seq].has_commitment && salt_len == CHAIN_SALT_BYTES &&
		  hash_len == ATTACHMENT_HASH_BYTES && size >= 0 && !store_row_null(row, 6) &&
		  data_len == (size_t)size;
	if (ok) {
		char size_buf[24];
		struct chain_datum d[4];
		memcpy(a.sha256, hash, ATTACHMENT_HASH_BYTES);
		attachments_commit_data(&a, size_buf, d);
		crypto_hash_sha256(content_hash, data, data_len);
		ok = chain_commit_check(salt, d, 4, c->events[seq].commitment) &&
		     sodium_memcmp(content_hash, hash, ATTACHMENT_HASH_BYTES) == 0;
	}
	if (ok)
		return 0;
	c->bad = true;
	c->bad_seq = (uint64_t)seq;
	return 1;
}

int attachments_verify(struct app *app, int64_t case_id, const struct chain_event *events, size_t n,
		       uint64_t *bad_seq)
{
	struct check_ctx c = {events, n, false, 0};
	int rc = store_exec(app->store, STORE_Q_ATTACHMENT_CHECK, SV_ARGS(SV_INT(case_id)), check_row, &c);
	if (rc < 0)
		return rc;
	*bad_seq = c.bad_seq;
	return c.bad ? OMB_ECONFLICT : OMB_OK;
}

static void item_from(struct attachment_item *it, const struct store_row *row, int seq_col, int hash_col,
		      int name_col, int mime_col)
{
	size_t n = 0;
	const uint8_t *h = store_row_blob(row, hash_col, &n);
	if (seq_col >= 0)
		it->seq = (uint64_t)store_row_int(row, seq_col);
	if (n == ATTACHMENT_HASH_BYTES)
		sodium_bin2hex(it->sha256, sizeof it->sha256, h, n);
	snprintf(it->name, sizeof it->name, "%s", store_row_text(row, name_col));
	snprintf(it->mime, sizeof it->mime, "%s", store_row_text(row, mime_col));
}

struct list_ctx {
	struct attachment_item *items;
	size_t n, cap;
};

static int list_row(void *ctx, const struct store_row *row)
{
	struct list_ctx *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	struct attachment_item *it = &l->items[l->n++];
	memset(it, 0, sizeof *it);
	item_from(it, row, 0, 1, 2, 3);
	it->size = store_row_int(row, 4);
	return 0;
}

/* q: ATTACHMENT_LIST or REPORT_ATTACHMENT_LIST of the holder id. */
static int list_of(struct app *app, enum store_query q, int64_t id, struct attachment_item **items, size_t *n)
{
	struct list_ctx l = {NULL, 0, 0};
	int rc = store_exec(app->store, q, SV_ARGS(SV_INT(id)), list_row, &l);
	if (rc < 0) {
		free(l.items);
		return rc;
	}
	*items = l.items;
	*n = l.n;
	return OMB_OK;
}

int attachments_of_case(struct app *app, int64_t case_id, struct attachment_item **items, size_t *n)
{
	return list_of(app, STORE_Q_ATTACHMENT_LIST, case_id, items, n);
}

int attachments_of_report(struct app *app, int64_t report_id, struct attachment_item **items, size_t *n)
{
	return list_of(app, STORE_Q_REPORT_ATTACHMENT_LIST, report_id, items, n);
}

static int file_row(void *ctx, const struct store_row *row)
{
	struct attachment_file *f = ctx;
	size_t n = 0;
	const void *data = store_row_blob(row, 3, &n);
	item_from(&f->item, row, -1, 2, 0, 1);
	f->item.size = (int64_t)n;
	f->data = xmalloc(n ? n : 1);
	memcpy(f->data, data, n);
	return 1;
}

/* q: ATTACHMENT_GET or REPORT_ATTACHMENT_GET with its two arguments. */
static int fetch(struct app *app, enum store_query q, const struct store_val *args, size_t nargs, uint64_t seq,
		 struct attachment_file *out)
{
	memset(out, 0, sizeof *out);
	out->item.seq = seq;
	int rc = store_exec(app->store, q, args, nargs, file_row, out);
	if (rc < 0)
		return rc;
	return out->data ? OMB_OK : OMB_ENOTFOUND;
}

int attachments_get(struct app *app, const char *receipt, uint64_t seq, struct attachment_file *out)
{
	return fetch(app, STORE_Q_ATTACHMENT_GET, SV_ARGS(SV_TEXT(receipt), SV_INT((int64_t)seq)), seq, out);
}

int attachments_report_get(struct app *app, int64_t report_id, uint64_t n, struct attachment_file *out)
{
	return fetch(app, STORE_Q_REPORT_ATTACHMENT_GET, SV_ARGS(SV_INT(report_id), SV_INT((int64_t)n)), n, out);
}

struct next_ctx {
	int64_t n, total;
};

static int next_row(void *ctx, const struct store_row *row)
{
	struct next_ctx *x = ctx;
	x->n = store_row_int(row, 0);
	x->total = store_row_int(row, 1);
	return 1;
}

int attachments_report_add(struct app *app, int64_t report_id, const struct attachment *a, int64_t now,
			   struct attachment_item *out, const char **reason)
{
	struct next_ctx x = {0, 0};
	int rc = store_exec(app->store, STORE_Q_REPORT_ATTACHMENT_NEXT, SV_ARGS(SV_INT(report_id)), next_row, &x);
	if (rc < 0)
		return rc;
	if (x.total + (int64_t)a->size > app->cfg->attachments_report_quota_bytes) {
		*reason = "the report's files would pass attachments.report_quota_bytes";
		return OMB_ELIMIT;
	}
	rc = blob_put(app, a);
	if (rc >= 0)
		rc = store_exec(app->store, STORE_Q_REPORT_ATTACHMENT_INSERT,
				SV_ARGS(SV_INT(report_id), SV_INT(x.n), SV_BLOB(a->sha256, ATTACHMENT_HASH_BYTES),
					SV_TEXT(a->name), SV_TEXT(a->mime), SV_INT((int64_t)a->size), SV_INT(now)),
				NULL, NULL);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof *out);
	out->seq = (uint64_t)x.n;
	sodium_bin2hex(out->sha256, sizeof out->sha256, a->sha256, ATTACHMENT_HASH_BYTES);
	snprintf(out->name, sizeof out->name, "%s", a->name);
	snprintf(out->mime, sizeof out->mime, "%s", a->mime);
	out->size = (int64_t)a->size;
	return OMB_OK;
}
