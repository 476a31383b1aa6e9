/* attachments.h — files on cases and on telemarketing reports: checked by
 * their content, kept by hash.
 *
 * A file is taken only when its content is one of the types allowed where
 * it goes, as libmagic reads it (a case: PDF, PNG, JPEG, UTF-8 plain text; a
 * telemarketing report also takes a recording: WAV, MP3, Ogg, M4A), it is
 * within attachments.max_bytes, and its name, when the name has an
 * extension, names that same type: a name never decides the type, and a name
 * that lies about it is refused. The content is kept once per SHA-256
 * (libsodium) in the store, whoever attached it. On a case the attachment
 * itself is an event of the case's chain (cases_act with CASE_ACT_ATTACH,
 * customer or staff) whose salted commitment covers, in this order, the
 * 32-byte SHA-256, the name, the type and the size in decimal; they are kept
 * beside the chain with the salt. A case holds at most
 * attachments.case_quota_bytes of files. A report's files are numbered from
 * 1 (app/tm.c); a report holds at most attachments.report_quota_bytes. */
#ifndef OMBUD_APP_ATTACHMENTS_H
#define OMBUD_APP_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "desk/chain.h"

#define ATTACHMENT_HASH_BYTES 32
#define ATTACHMENT_NAME_MAX   200   /* bytes */

/* A file that passed attachments_check; data and name are borrowed from the
 * caller's input, mime is static. */
struct attachment {
	uint8_t sha256[ATTACHMENT_HASH_BYTES];
	const char *name;
	const char *mime;        /* "application/pdf", "image/png", "image/jpeg", "text/plain; charset=utf-8" */
	const void *data;
	size_t size;
};

/* Loads libmagic's database once per process; a reason goes to errbuf. */
int attachments_setup(char *errbuf, size_t errlen);

/* Where a file goes: which types it may have. */
enum attachment_use { ATTACH_TO_CASE, ATTACH_TO_REPORT };

/* Checks name and content for use. OMB_EINVAL with *field ("name" or
 * "content") and a static *reason; OMB_ELIMIT when larger than
 * attachments.max_bytes. */
int attachments_check(const struct config *cfg, enum attachment_use use, const char *name, const void *data,
		      size_t size, struct attachment *out, const char **field, const char **reason);

/* The data an attachment event commits to: d[0..4) point into a and size_buf. */
void attachments_commit_data(const struct attachment *a, char size_buf[24], struct chain_datum d[4]);

/* Inside the case's write transaction (app/cases.c): OMB_ELIMIT with *reason
 * when the case's files would pass the quota. */
int attachments_quota_check(struct app *app, int64_t case_id, size_t adding, const char **reason);
/* Inside the same transaction, after the event seq was appended: the blob
 * (once per hash) and the attachment row with the commitment's salt. */
int attachments_record(struct app *app, int64_t case_id, uint64_t seq, const uint8_t salt[CHAIN_SALT_BYTES],
		       const struct attachment *a);

/* Rechecks the files of a case (its store id) inside the caller's
 * transaction: for each attachment row, its hash, name, type and size under
 * its salt against the commitment of event seq (events[0..n), as stored),
 * and the stored content's SHA-256 and size against the row. Returns OMB_OK,
 * OMB_ECONFLICT with *bad_seq the first attachment event whose row or
 * content no longer matches, or a store error. A row that is gone (erased)
 * has nothing to check. */
int attachments_verify(struct app *app, int64_t case_id, const struct chain_event *events, size_t n,
		       uint64_t *bad_seq);

/* A case's or a report's attachments, as a reader sees them. */
struct attachment_item {
	uint64_t seq;                /* the attachment event; on a report, the file's number */
	char sha256[2 * ATTACHMENT_HASH_BYTES + 1]; /* hex */
	char name[ATTACHMENT_NAME_MAX + 1];
	char mime[32];
	int64_t size;
};
/* The attachments of a case (its store id), in event order; the caller has
 * checked the reader may see the case, and may hold a transaction. Caller
 * frees *items. */
int attachments_of_case(struct app *app, int64_t case_id, struct attachment_item **items, size_t *n);

/* One file's bytes. */
struct attachment_file {
	struct attachment_item item;
	void *data;                  /* malloc'd, item.size bytes */
};
/* OMB_ENOTFOUND when the case has no attachment event seq. Caller frees
 * out->data. */
int attachments_get(struct app *app, const char *receipt, uint64_t seq, struct attachment_file *out);

/* Inside the caller's write transaction, with the report's row locked: the
 * blob (once per hash) and the report's next file. OMB_ELIMIT with *reason
 * when the report's files would pass attachments.report_quota_bytes. out
 * gets the file as readers see it (its seq is the file's number). */
int attachments_report_add(struct app *app, int64_t report_id, const struct attachment *a, int64_t now,
			   struct attachment_item *out, const char **reason);
/* A report's files (its store id), in order; seq is each one's number.
 * Caller frees *items. */
int attachments_of_report(struct app *app, int64_t report_id, struct attachment_item **items, size_t *n);
/* File n of a report; OMB_ENOTFOUND when there is none. Caller frees
 * out->data. */
int attachments_report_get(struct app *app, int64_t report_id, uint64_t n, struct attachment_file *out);

#endif
