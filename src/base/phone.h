/* phone.h — phone numbers as people and networks write them, in one form.
 *
 * "010-1234-5678", "01012345678", "+82 10 1234 5678", "tel:+82-10-1234-5678"
 * and "sip:01012345678@host;user=phone" are one number. phone_parse() reads a
 * number written nationally for a configurable default country (Korea unless
 * set) or internationally (E.164 "+CC...", or a Korean international-call
 * prefix 001/002/005/006/00700/... followed by CC), classifies it, and gives
 * its canonical text and a compact 64-bit key for hash tables.
 *
 * Withheld callers ("", "anonymous", "private", "unavailable", ...) parse to
 * one defined value, PHONE_WITHHELD with key PHONE_KEY_WITHHELD (0); callers
 * must never count that key as one caller.
 *
 * Not done here: number portability, carrier lookup, per-country length rules
 * beyond Korea and NANP (other countries get a generic length check), vanity
 * letters ("1-800-FLOWERS"), full-width digits, '*'/'#' service codes.
 *
 * Pure functions over caller-owned memory: no allocation, no locale, no
 * global state; any thread may call them concurrently. */
#ifndef OMBUD_BASE_PHONE_H
#define OMBUD_BASE_PHONE_H

#include <stddef.h>
#include <stdint.h>

#define PHONE_CC_KOREA      82
#define PHONE_KEY_WITHHELD  0ULL
#define PHONE_MAX_INPUT     256   /* longer input is rejected */
#define PHONE_CANON_MAX     20    /* "+" + at most 15 digits + NUL, with room */

enum phone_kind {
	PHONE_WITHHELD = 0,  /* anonymous / empty: the one "unknown" value */
	PHONE_MOBILE,        /* KR 010, legacy 011/016/017/018/019 */
	PHONE_LANDLINE,      /* KR area code 02, 031-033, 041-044, 051-055, 061-064 */
	PHONE_SAFE,          /* KR 0502-0508 personal "safe" numbers */
	PHONE_PREMIUM,       /* KR 060 */
	PHONE_VOIP,          /* KR 070 */
	PHONE_FREEPHONE,     /* KR 080 */
	PHONE_SERVICE,       /* KR 15xx/16xx/18xx representative numbers (8 digits) */
	PHONE_SHORT,         /* KR short codes: 112, 119, 122, 1332, 114, ... (3-4 digits) */
	PHONE_FOREIGN,       /* any non-Korean number (+1 too, whatever default_cc is) */
	PHONE_KIND_COUNT
};

struct phone {
	enum phone_kind kind;
	uint16_t country;               /* E.164 country calling code; 0 when withheld */
	uint8_t  intl_prefix_len;       /* digits of an international-call prefix that was dialled, 0 if none */
	char     intl_prefix[6];        /* e.g. "00700", "001"; "" if none */
	char     canon[PHONE_CANON_MAX];/* canonical text: E.164 "+821012345678"; short codes as dialled
	                                   in their country ("112"); "" when withheld */
};

/* Parses len bytes of s (need not be NUL-terminated; a NUL inside is an
 * invalid character) with default_cc as the country of national-format
 * numbers: 82 reads Korean national numbers and Korean international-call
 * prefixes; 1 reads NANP 10-digit numbers (or 11 starting with 1) and 011;
 * any other assigned code is "generic": "00" is its international prefix, one
 * leading trunk '0' is dropped and 4-14 national digits are accepted.
 * A tel:/sip: "phone-context=+CC" parameter overrides default_cc for a local
 * number. default_cc must be an assigned E.164 country code.
 * Returns 0 and fills *out, or OMB_EINVAL, clears *out (which then reads as
 * withheld: check the return) and, when reason is not NULL, points *reason at
 * a static English phrase naming what is wrong ("too many digits",
 * "unknown Korean prefix 069", "letters in number", ...). */
int phone_parse(const char *s, size_t len, uint16_t default_cc, struct phone *out, const char **reason);

/* A compact, collision-free 64-bit key of a parsed number: equal numbers
 * have equal keys and different numbers different keys (the layout is in
 * phone.c); the international prefix that was dialled is not part of it.
 * PHONE_KEY_WITHHELD (0) for withheld, never 0 for a real number. */
uint64_t phone_key(const struct phone *p);

/* Writes the number for display in its country's usual style into buf:
 * Korean "010-1234-5678", "02-123-4567", "1588-1234", "112"; foreign numbers
 * as E.164 "+1 2025550100"; "" when withheld. Output of a Korean number
 * parses back (default_cc 82) to the same number. Returns the full length
 * (snprintf style: at most size-1 bytes and a NUL are written; buf may be
 * NULL when size is 0). */
int phone_format(const struct phone *p, char *buf, size_t size);

/* True for the Korean emergency short codes that must never be checked or
 * blocked: 112 (police), 119 (fire/ambulance), 122 (coast guard). Other
 * countries' numbers (911, 999, ...) are not included: the engine adds a
 * configurable list. */
int phone_is_emergency(const struct phone *p);

/* Name of a kind ("mobile", "landline", ...). Never NULL. */
const char *phone_kind_name(enum phone_kind kind);

#endif
