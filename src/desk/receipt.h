/* receipt.h — receipt numbers people can read out on the phone, and access codes.
 *
 * A receipt number is ORG-YYYY-NNNNNNN: the organisation's code (2-8 letters
 * or digits, starting with a letter), the year, and a 7-digit serial that the
 * store counts gaplessly per organisation and year (this module does not
 * count). The access code is random, from an alphabet without look-alikes
 * (no 0/O, 1/I/L), so it survives being spelled over the phone.
 *
 * Pure apart from receipt_access_code_new (randomness; needs sodium_init).
 * Any thread may call it. */
#ifndef OMBUD_DESK_RECEIPT_H
#define OMBUD_DESK_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#define RECEIPT_ORG_MAX    8
#define RECEIPT_SERIAL_MAX 9999999u
#define RECEIPT_LEN_MAX    (RECEIPT_ORG_MAX + 1 + 4 + 1 + 7) /* without the NUL */
#define RECEIPT_CODE_LEN   10                                 /* 31 symbols: ~49.5 bits */

struct receipt {
	char org[RECEIPT_ORG_MAX + 1]; /* upper case */
	int year;                      /* 2000-9999 */
	uint32_t serial;               /* 1-RECEIPT_SERIAL_MAX */
};

/* Writes "ORG-YYYY-NNNNNNN" into buf (size >= RECEIPT_LEN_MAX + 1). Returns 0,
 * or OMB_EINVAL when a part is out of range (buf is then ""). */
int receipt_format(const struct receipt *r, char *buf, size_t size);

/* Parses a receipt number, accepting lower-case letters and surrounding
 * white space. Returns 0 and fills *r, or OMB_EINVAL. */
int receipt_parse(const char *s, struct receipt *r);

/* Writes a fresh access code of RECEIPT_CODE_LEN characters plus NUL. Store
 * only its hash; compare with sodium_memcmp. */
void receipt_access_code_new(char out[RECEIPT_CODE_LEN + 1]);

#endif
