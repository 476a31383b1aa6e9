/* text.c — NFKC + case folding via libunistring. */
#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "base/mem.h"

static size_t collapse_space(uint8_t *s, size_t n)
{
	size_t out = 0;
	bool pending = false;
	for (size_t i = 0; i < n;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, s + i, n - i);
		if (uc_is_space(c) || c == 0x3000) {
			pending = out > 0;
		} else {
			if (pending)
				s[out++] = ' ';
			pending = false;
			memmove(s + out, s + i, (size_t)len);
			out += (size_t)len;
		}
		i += (size_t)len;
	}
	return out;
}

char *text_normalize(const char *s, size_t len, size_t *out_len)
{
	if (u8_check((const uint8_t *)s, len) != NULL)
		return NULL;
	size_t n = 0;
	uint8_t *folded = u8_casefold((const uint8_t *)s, len, NULL, UNINORM_NFKC, NULL, &n);
	if (!folded)
		return NULL;
	n = collapse_space(folded, n);
	char *out = xmalloc(n + 1);
	memcpy(out, folded, n);
	out[n] = '\0';
	free(folded);
	if (out_len)
		*out_len = n;
	return out;
}

bool text_is_clean_utf8(const char *s, size_t len)
{
	if (u8_check((const uint8_t *)s, len) != NULL)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return false;
	}
	return true;
}

size_t text_char_count(const char *s, size_t len)
{
	return u8_mbsnlen((const uint8_t *)s, len);
}
