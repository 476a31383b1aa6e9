/* evaluate.h — compares verdicts with labels (docs/formats.md):
 * per label, calls and the shares blocked, warned and allowed, with totals
 * for legit: and fraud:.
 *
 * Fed in chunks (labels first, then verdicts); bad rows are reported by
 * line and skipped. A call_id is matched by its 64-bit hash. No IO except
 * evaluate_print() to the FILE it is given. Single-threaded. */
#ifndef OMBUD_SCREEN_EVALUATE_H
#define OMBUD_SCREEN_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef void (*evaluate_error_fn)(void *arg, const char *file, uint64_t line, const char *reason);

struct evaluate_row {
	char label[64];
	uint64_t calls, blocked, warned, allowed;
};

struct evaluate;

/* Caller frees with evaluate_free(). */
struct evaluate *evaluate_new(evaluate_error_fn on_error, void *arg);
void evaluate_free(struct evaluate *ev);
/* Feed a labels file, then a verdicts file; final = true on the last chunk.
 * 0, or OMB_EINVAL when a header lacks a required column. */
int evaluate_labels(struct evaluate *ev, const char *data, size_t len, bool final);
int evaluate_verdicts(struct evaluate *ev, const char *data, size_t len, bool final);
/* Rows by label name, then "legit:" and "fraud:" totals. Borrowed until
 * the next call or evaluate_free(). */
size_t evaluate_rows(struct evaluate *ev, const struct evaluate_row **rows);
/* Verdicts without a label, labels without a verdict, and the same verdict
 * again for a call_id (a retransmitted attempt, counted once). */
void evaluate_unmatched(const struct evaluate *ev, uint64_t *no_label, uint64_t *no_verdict, uint64_t *repeated);
/* Prints the table. */
void evaluate_print(struct evaluate *ev, FILE *out);

#endif
