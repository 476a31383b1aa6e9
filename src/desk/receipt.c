/* receipt.c — receipt numbers and access codes. */
#include "desk/receipt.h"

#include <ctype.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; /* 31 symbols */

static bool org_ok(const char *org, size_t len)
{
	if (len < 2 || len > RECEIPT_ORG_MAX || !isupper((unsigned char)org[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isupper((unsigned char)org[i]) && !isdigit((unsigned char)org[i]))
			return false;
	return true;
}

int receipt_format(const struct receipt *r, char *buf, size_t size)
{
	if (size > 0)
		buf[0] = '\0';
	if (!org_ok(r->org, strnlen(r->org, sizeof r->org)) || r->year < 2000 || r->year > 9999 ||
	    r->serial < 1 || r->serial > RECEIPT_SERIAL_MAX || size < RECEIPT_LEN_MAX + 1)
		return OMB_EINVAL;
	snprintf(buf, size, "%s-%04d-%07u", r->org, r->year, (unsigned)r->serial);
	return 0;
}

/* Reads exactly `width` digits at *p into *v and advances *p. */
static bool read_digits(const char **p, int width, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < width; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return false;
		*v = *v * 10 + (uint32_t)(**p - '0');
	}
	return true;
}

int receipt_parse(const char *s, struct receipt *r)
{
	*r = (struct receipt){ 0 };
	while (isspace((unsigned char)*s))
		s++;
	size_t len = strcspn(s, "-");
	if (len > RECEIPT_ORG_MAX || s[len] != '-')
		return OMB_EINVAL;
	for (size_t i = 0; i < len; i++)
		r->org[i] = (char)toupper((unsigned char)s[i]);
	const char *p = s + len + 1;
	uint32_t year, serial;
	if (!org_ok(r->org, len) || !read_digits(&p, 4, &year) || *p++ != '-' ||
	    !read_digits(&p, 7, &serial))
		return OMB_EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0' || year < 2000 || serial < 1)
		return OMB_EINVAL;
	r->year = (int)year;
	r->serial = serial;
	return 0;
}

void receipt_access_code_new(char out[RECEIPT_CODE_LEN + 1])
{
	for (int i = 0; i < RECEIPT_CODE_LEN; i++)
		out[i] = code_alphabet[randombytes_uniform(sizeof code_alphabet - 1)];
	out[RECEIPT_CODE_LEN] = '\0';
}
