/* mem.h — allocation with one out-of-memory policy: abort.
 *
 * ombud decides OOM once: a failed allocation logs and aborts the process,
 * so no caller checks for NULL from these. Requests are bounded elsewhere
 * (body limits, result-set limits), so OOM means the machine is gone. */
#ifndef OMBUD_BASE_MEM_H
#define OMBUD_BASE_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);                 /* caller frees with free() */
void *xcalloc(size_t count, size_t n);   /* zeroed; caller frees */
void *xrealloc(void *p, size_t n);       /* returns the new block; p is invalid after */
char *xstrdup(const char *s);            /* caller frees */
char *xstrndup(const char *s, size_t n); /* at most n bytes, NUL-terminated; caller frees */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* caller frees */
/* Room for item n of an array of *cap items of size bytes: when n reaches
 * *cap, doubles it (first when 0) and returns the moved array (items is
 * invalid after), else items. An overflowing size is out of memory. */
void *xgrow(void *items, size_t n, size_t *cap, size_t size, size_t first);

#endif
