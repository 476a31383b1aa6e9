/* text.h — Unicode text normalisation (libunistring) and small string helpers.
 *
 * Comparing what people wrote (repeated answers, search) needs one form of
 * every text: NFKC folds full-width and compatibility characters, case folding
 * removes case, and runs of white space become one space. */
#ifndef OMBUD_BASE_TEXT_H
#define OMBUD_BASE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Returns a new NUL-terminated string: s (len bytes of UTF-8) in NFKC, case
 * folded, white space collapsed to single spaces and trimmed; sets *out_len
 * if not NULL. Returns NULL when s is not valid UTF-8. Caller frees. */
char *text_normalize(const char *s, size_t len, size_t *out_len);

/* True when s (len bytes) is valid UTF-8 with no NUL and no control characters
 * other than tab, CR and LF. */
bool text_is_clean_utf8(const char *s, size_t len);

/* Number of Unicode characters in valid UTF-8 s. */
size_t text_char_count(const char *s, size_t len);

#endif
