/* similar.h — what a reply is: human, template or automatic, and whether it
 * repeats an earlier answer.
 *
 * The server, not the writer, decides. Texts are compared by character
 * n-grams (bigrams and trigrams of letters and digits after NFKC, case folding
 * and dropping spaces and punctuation), because word shingles fail on Korean,
 * where particles attach to words: "고객님의 요청은" and "고객님 요청이" share
 * most character n-grams but no words. Similarity is the Jaccard index of the
 * two sets of hashed n-grams (XXH3). This module does not know cases or
 * deadlines; case.c decides what a verdict means for the ladder.
 *
 * Pure and reentrant; any thread may call it. */
#ifndef OMBUD_DESK_SIMILAR_H
#define OMBUD_DESK_SIMILAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIMILAR_DEFAULT_THRESHOLD 0.5 /* repeats measured >= 0.62, new answers <= 0.34 */

enum similar_class {
	SIMILAR_HUMAN = 1,  /* written by a person, not close to any template */
	SIMILAR_TEMPLATE,   /* inserted from a template, or close to one */
	SIMILAR_AUTOMATIC,  /* produced by the system (auto-responder) */
};

/* How the reply reached the server, as the route knows it (not as the writer
 * claims it): typed in the console, inserted from a template, or generated. */
enum similar_origin {
	SIMILAR_FROM_TYPED = 1,
	SIMILAR_FROM_TEMPLATE,
	SIMILAR_FROM_SYSTEM,
};

struct similar_config {
	double threshold; /* scores at or above it are "nearly the same"; (0, 1] */
};

/* A set of hashed n-grams, sorted and unique. In-memory only: hashes are not
 * stable across builds, so never persist a print. */
struct similar_print {
	uint64_t *grams; /* owned; free with similar_print_free */
	size_t n;
};

/* A text to compare against: an earlier answer of the case (template_id is the
 * template it came from, 0 if none) or one of the organisation's templates. */
struct similar_text {
	const char *text; /* UTF-8, NUL-terminated; borrowed */
	int64_t template_id;
};

struct similar_reply {
	const char *text; /* UTF-8, NUL-terminated; borrowed */
	enum similar_origin origin;
	int64_t template_id; /* the template the console inserted, 0 if none */
};

struct similar_verdict {
	enum similar_class cls;
	bool repeat;           /* nearly the same as an earlier answer, or the same template again */
	int64_t template_id;   /* template used or matched; 0 if none */
	double answer_score;   /* best score against earlier answers; 0 if none */
	size_t answer_index;   /* index of that answer (valid when answer_score > 0) */
	double template_score; /* best score against templates; 0 if none */
};

/* config defaults: threshold SIMILAR_DEFAULT_THRESHOLD. */
void similar_config_default(struct similar_config *cfg);

/* 0, or OMB_EINVAL with *reason when the threshold is outside (0, 1]. */
int similar_config_check(const struct similar_config *cfg, const char **reason);

/* Builds the print of `len` bytes of UTF-8 text. Returns 0, or OMB_EINVAL if
 * the text is not valid UTF-8 (*p is then empty). Caller frees with
 * similar_print_free. */
int similar_print_make(struct similar_print *p, const char *text, size_t len);
void similar_print_free(struct similar_print *p);

/* Jaccard index of two prints in [0, 1]; 0 when either is empty. */
double similar_score(const struct similar_print *a, const struct similar_print *b);

/* Convenience: similarity of two NUL-terminated UTF-8 texts; invalid UTF-8
 * scores 0. */
double similar_text_score(const char *a, const char *b);

/* Classifies `reply` against the case's earlier answers and the
 * organisation's templates:
 *   - origin SYSTEM: automatic, never a repeat (no handler wrote it);
 *   - an inserted template, or a text scoring >= threshold against a template:
 *     template;
 *   - otherwise human;
 *   - repeat: scores >= threshold against an earlier answer, or uses a
 *     template an earlier answer already used.
 * Returns 0, or OMB_EINVAL when the reply text is not valid UTF-8. */
int similar_classify(const struct similar_config *cfg, const struct similar_reply *reply,
                     const struct similar_text *earlier, size_t n_earlier,
                     const struct similar_text *templates, size_t n_templates,
                     struct similar_verdict *out);

/* Stable lower-case name ("human", "template", "automatic"); never NULL. */
const char *similar_class_name(enum similar_class cls);

#endif
