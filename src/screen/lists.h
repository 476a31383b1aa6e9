/* lists.h — loads the registry, consumer reports and FTC Do-Not-Call
 * complaints (CSV) into an engine.
 *
 * Fed in chunks like events.h; every unusable row is reported with its
 * line number and reason and skipped, the rest is loaded. Formats:
 * docs/formats.md (registry, reports) and the FTC daily complaint
 * file (Company_Phone_Number, Created_Date, ..., Subject, ...), whose
 * numbers are national for default_cc (1 = US) and whose rows carry no
 * reporter, so each weighs as an anonymous report. No IO; one loader per
 * thread; the engine may be used by other threads meanwhile. */
#ifndef OMBUD_SCREEN_LISTS_H
#define OMBUD_SCREEN_LISTS_H

#include <stddef.h>
#include <stdint.h>

#include "screen/screen.h"

enum lists_kind { LISTS_REGISTRY, LISTS_REPORTS, LISTS_FTC };

typedef void (*lists_error_fn)(void *arg, uint64_t line, const char *reason);

struct lists_loader;
struct lists_counts { uint64_t rows, loaded, bad; };

/* Caller frees with lists_loader_free(); e is borrowed. */
struct lists_loader *lists_loader_new(enum lists_kind kind, struct screen_engine *e, uint16_t default_cc,
				      lists_error_fn on_error, void *arg);
/* 0, or OMB_EINVAL when the header lacks a required column (nothing loads). */
int lists_loader_feed(struct lists_loader *l, const char *data, size_t len);
int lists_loader_finish(struct lists_loader *l);
void lists_loader_counts(const struct lists_loader *l, struct lists_counts *out);
void lists_loader_free(struct lists_loader *l);

#endif
