/* document.h — one model for every record ombud hands to people: receipts,
 * case downloads, complaint dossiers, evidence packets, referral packages.
 *
 * A document is a title and ordered sections; a section has labelled fields
 * and at most one table. Builders copy every string in, so callers pass
 * borrowed text. It renders to a printable, self-contained HTML page here and
 * to JSON in api/ (api/document_json.c), so both forms always hold the same
 * content. Each field and column has a machine key (for JSON) and a label
 * (for people; Korean first, English after a " / "). */
#ifndef OMBUD_APP_DOCUMENT_H
#define OMBUD_APP_DOCUMENT_H

#include <stddef.h>

#include "base/buf.h"

#define DOC_MAX_SECTIONS 32
#define DOC_MAX_FIELDS   48
#define DOC_MAX_COLS     12
#define DOC_MAX_ROWS     5000

struct doc_field {
	char *key, *label, *value;
};

struct doc_table {
	size_t ncols, nrows, cap;
	char *col_keys[DOC_MAX_COLS];
	char *col_labels[DOC_MAX_COLS];
	char **cells;                /* nrows * ncols */
};

struct doc_section {
	char *key, *title;
	size_t nfields;
	struct doc_field fields[DOC_MAX_FIELDS];
	struct doc_table *table;     /* NULL when none */
};

struct doc {
	char *kind;                  /* "receipt", "case", "dossier", "evidence", "referral" */
	char *title;
	size_t nsections;
	struct doc_section *sections[DOC_MAX_SECTIONS];
	int overflow;                /* a limit was hit; renderers say so rather than truncate silently */
};

/* Caller frees with doc_free. */
struct doc *doc_new(const char *kind, const char *title);
void doc_free(struct doc *d);
/* Returns the new section (owned by d), or NULL past DOC_MAX_SECTIONS. */
struct doc_section *doc_section(struct doc *d, const char *key, const char *title);
/* Adds a field; value NULL is written as empty. Ignored (and d->overflow set
 * through the section's doc) past DOC_MAX_FIELDS. */
void doc_field(struct doc *d, struct doc_section *s, const char *key, const char *label, const char *value);
/* Gives the section a table with ncols columns; keys and labels are copied. */
struct doc_table *doc_table(struct doc *d, struct doc_section *s, size_t ncols, const char *const *keys,
			    const char *const *labels);
/* Appends a row of ncols cells (copied; NULL written as empty). */
void doc_row(struct doc *d, struct doc_table *t, const char *const *cells);

/* Appends the whole page to out: <!doctype html> ... with inline CSS for
 * screen and print, every text escaped. Returns 0 or OMB_ELIMIT. */
int doc_render_html(const struct doc *d, struct buf *out);

#endif
