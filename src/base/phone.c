/* phone.c — see phone.h.
 *
 * How a number is read:
 *   1. bounds; ASCII whitespace trimmed; nothing left means withheld;
 *   2. a name-addr ('"Name" <uri>', 'Name <uri>', '<uri>') is reduced to uri;
 *   3. tel:/sip:/sips: keep the user part up to ';' or '@'; its parameters
 *      may carry "phone-context=+CC" for a local number;
 *   4. withheld words ("anonymous", "private", ...) end there;
 *   5. one scan of the number text collects the digits, one leading '+', the
 *      separators " \t-./()" and the position of a "(0)" trunk zero;
 *   6. a decision over at most DIGITS_MAX digits: '+' is E.164; otherwise
 *      the default country's dialling rules (Korea, NANP or generic).
 * Nothing is allocated; the only tables are static and read-only. */
#include "base/phone.h"

#include <string.h>

#include "base/err.h"

enum {
	DIGITS_MAX = 24, /* a 5-digit carrier prefix and 15 E.164 digits, with room */
	E164_MAX   = 15, /* digits of an E.164 number, country code included */
	NSN_MIN    = 4,  /* shortest national number accepted for other countries */
};

/* What the scan of the number text found. */
struct digits {
	char    d[DIGITS_MAX];
	uint8_t n;
	uint8_t plus;       /* written with a leading '+' */
	int8_t  paren_zero; /* index in d of a "(0)" trunk zero, -1 if none */
};

/* ---- E.164 country calling codes ----------------------------------------
 * Assigned codes (ITU-T E.164 list), geographic and the non-geographic
 * services 800, 808, 870, 881-883, 888, 979. Spare and withdrawn codes
 * (e.g. 210, 259, 28x, 384, 422, 671, 684, 969, 990, 997, 999) are absent.
 * Sorted; the unit test checks order and that the set is prefix-free. */
static const uint16_t country_codes[] = {
	1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49,
	51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86,
	90, 91, 92, 93, 94, 95, 98,
	211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229,
	230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244,
	245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260,
	261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298, 299,
	350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374,
	375, 376, 377, 378, 379, 380, 381, 382, 383, 385, 386, 387, 389,
	420, 421, 423,
	500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593, 594,
	595, 596, 597, 598, 599,
	670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686,
	687, 688, 689, 690, 691, 692,
	800, 808, 850, 852, 853, 855, 856, 870, 880, 881, 882, 883, 886, 888,
	960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975,
	976, 977, 979, 992, 993, 994, 995, 996, 998,
};

static int cc_assigned(unsigned cc)
{
	size_t lo = 0, hi = sizeof country_codes / sizeof country_codes[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (country_codes[mid] == cc)
			return 1;
		if (country_codes[mid] < cc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static unsigned cc_digits(unsigned cc)
{
	return cc < 10 ? 1 : cc < 100 ? 2 : 3;
}

/* Length (1-3) of the country code that starts d, 0 if none is assigned.
 * Codes are prefix-free, so the first match is the only one. */
static unsigned cc_split(const char *d, unsigned n, uint16_t *cc)
{
	unsigned v = 0;
	if (n == 0 || d[0] == '0')
		return 0;
	for (unsigned k = 0; k < 3 && k < n; k++) {
		v = v * 10 + (unsigned)(d[k] - '0');
		if (cc_assigned(v)) {
			*cc = (uint16_t)v;
			return k + 1;
		}
	}
	return 0;
}

/* National significant number lengths of countries whose plans are closed
 * and fixed; every other country gets NSN_MIN..(15 - code length). Besides
 * catching typos, this keeps "00727 1 202..." (an unlisted Korean carrier)
 * from being read as a +7 number. Korea and NANP have their own rules. */
static const struct { uint16_t cc; uint8_t min, max; } nsn_lengths[] = {
	{ 7, 10, 10 },   /* Russia, Kazakhstan */
	{ 33, 9, 9 },    /* France */
	{ 34, 9, 9 },    /* Spain */
	{ 81, 9, 10 },   /* Japan */
	{ 852, 8, 9 },   /* Hong Kong */
	{ 853, 8, 8 },   /* Macau */
};

static int nsn_length_ok(uint16_t cc, unsigned len)
{
	for (size_t i = 0; i < sizeof nsn_lengths / sizeof nsn_lengths[0]; i++)
		if (nsn_lengths[i].cc == cc)
			return len >= nsn_lengths[i].min && len <= nsn_lengths[i].max;
	return len >= NSN_MIN;
}

/* ---- Korean numbering plan ----------------------------------------------
 * Indexed by the first two digits of the national significant number (the
 * two digits after the trunk '0'): kind, length of the national prefix as
 * dialled ("02" 2, "010" 3, "0505" 4), allowed subscriber lengths. */
enum { SUB7 = 1, SUB8 = 2 };

struct kr_prefix {
	uint8_t kind;       /* enum phone_kind; PHONE_WITHHELD (0) = not assigned */
	uint8_t prefix_len;
	uint8_t sub_mask;
};

#define KR_MOBILE(n)   [n] = { PHONE_MOBILE, 3, SUB7 | SUB8 }
#define KR_SEOUL(n)    [n] = { PHONE_LANDLINE, 2, SUB7 | SUB8 }
#define KR_AREA(n)     [n] = { PHONE_LANDLINE, 3, SUB7 | SUB8 }
static const struct kr_prefix kr_prefixes[100] = {
	[10] = { PHONE_MOBILE, 3, SUB8 },
	KR_MOBILE(11), KR_MOBILE(16), KR_MOBILE(17), KR_MOBILE(18), KR_MOBILE(19),
	KR_SEOUL(20), KR_SEOUL(21), KR_SEOUL(22), KR_SEOUL(23), KR_SEOUL(24),
	KR_SEOUL(25), KR_SEOUL(26), KR_SEOUL(27), KR_SEOUL(28), KR_SEOUL(29),
	KR_AREA(31), KR_AREA(32), KR_AREA(33),
	KR_AREA(41), KR_AREA(42), KR_AREA(43), KR_AREA(44),
	KR_AREA(51), KR_AREA(52), KR_AREA(53), KR_AREA(54), KR_AREA(55),
	KR_AREA(61), KR_AREA(62), KR_AREA(63), KR_AREA(64),
	[50] = { PHONE_SAFE, 4, SUB7 | SUB8 },      /* 0502-0508, checked below */
	[60] = { PHONE_PREMIUM, 3, SUB7 | SUB8 },
	[70] = { PHONE_VOIP, 3, SUB8 },
	[80] = { PHONE_FREEPHONE, 3, SUB7 | SUB8 },
};
#undef KR_MOBILE
#undef KR_SEOUL
#undef KR_AREA

/* Static reasons that still name the prefix: "unknown Korean prefix 069". */
#define UNK(a, b) "unknown Korean prefix 0" #a #b
#define UNK_ROW(a) UNK(a, 0), UNK(a, 1), UNK(a, 2), UNK(a, 3), UNK(a, 4), \
	UNK(a, 5), UNK(a, 6), UNK(a, 7), UNK(a, 8), UNK(a, 9)
static const char *const kr_unknown_prefix[100] = {
	UNK_ROW(0), UNK_ROW(1), UNK_ROW(2), UNK_ROW(3), UNK_ROW(4),
	UNK_ROW(5), UNK_ROW(6), UNK_ROW(7), UNK_ROW(8), UNK_ROW(9),
};
#undef UNK_ROW
#undef UNK

static const char *const kr_wrong_length[PHONE_KIND_COUNT] = {
	[PHONE_MOBILE]    = "wrong number of digits for a Korean mobile number",
	[PHONE_LANDLINE]  = "wrong number of digits for a Korean landline number",
	[PHONE_SAFE]      = "wrong number of digits for a Korean 050x safe number",
	[PHONE_PREMIUM]   = "wrong number of digits for a Korean 060 number",
	[PHONE_VOIP]      = "wrong number of digits for a Korean 070 number",
	[PHONE_FREEPHONE] = "wrong number of digits for a Korean 080 number",
};

/* How the Korean national significant number was written. */
enum kr_origin {
	KR_TRUNK, /* nationally, after the trunk '0' */
	KR_BARE,  /* nationally, starting with '1': service or short code */
	KR_INTL,  /* after +82 (or a prefix and 82) */
};

static unsigned kr_index(const char *nsn)
{
	return (unsigned)(nsn[0] - '0') * 10 + (unsigned)(nsn[1] - '0');
}

/* 15xx/16xx/18xx representative numbers: always 8 digits, no trunk '0'. */
static int kr_is_service(const char *nsn, unsigned len)
{
	return len == 8 && nsn[0] == '1' && (nsn[1] == '5' || nsn[1] == '6' || nsn[1] == '8');
}

/* ---- results --------------------------------------------------------------- */

static void set_number(struct phone *p, enum phone_kind kind, uint16_t cc,
                       const char *nsn, unsigned len)
{
	char *w = p->canon;
	unsigned ccn = cc_digits(cc);

	*w++ = '+';
	for (unsigned i = ccn; i > 0; i--, cc /= 10)
		w[i - 1] = (char)('0' + cc % 10);
	w += ccn;
	memcpy(w, nsn, len);
	w[len] = '\0';
	p->kind = kind;
}

static void set_short(struct phone *p, const char *d, unsigned len)
{
	memcpy(p->canon, d, len);
	p->canon[len] = '\0';
	p->kind = PHONE_SHORT;
	p->country = PHONE_CC_KOREA;
}

static void set_prefix(struct phone *p, const char *d, unsigned len)
{
	memcpy(p->intl_prefix, d, len);
	p->intl_prefix[len] = '\0';
	p->intl_prefix_len = (uint8_t)len;
}

/* ---- deciding on the digits ------------------------------------------------ */

static const char *korean(const char *nsn, unsigned len, enum kr_origin origin, struct phone *p)
{
	if (origin != KR_TRUNK && len > 0 && nsn[0] == '1') {
		if (kr_is_service(nsn, len)) {
			set_number(p, PHONE_SERVICE, PHONE_CC_KOREA, nsn, len);
			return NULL;
		}
		if (origin == KR_BARE) {
			if (len != 3 && len != 4)
				return "not a Korean short code (3-4 digits) or 15xx/16xx/18xx number (8 digits)";
			set_short(p, nsn, len);
			return NULL;
		}
		if (len <= 4)
			return "Korean short codes have no international form";
	}
	if (len < 2)
		return "too few digits";
	unsigned idx = kr_index(nsn);
	const struct kr_prefix *e = &kr_prefixes[idx];
	if (e->kind == PHONE_WITHHELD)
		return kr_unknown_prefix[idx];
	if (e->kind == PHONE_SAFE && (len < 3 || nsn[2] < '2' || nsn[2] > '8'))
		return "unknown Korean 050x prefix (safe numbers are 0502-0508)";
	unsigned sub = len - (e->prefix_len - 1u); /* len >= 2, and >= 3 for SAFE */
	if (!((sub == 7 && (e->sub_mask & SUB7)) || (sub == 8 && (e->sub_mask & SUB8))))
		return kr_wrong_length[e->kind];
	set_number(p, (enum phone_kind)e->kind, PHONE_CC_KOREA, nsn, len);
	return NULL;
}

/* NANP: NPA-NXX-XXXX; area and exchange codes start with 2-9; N11 are
 * service codes, not areas. */
static const char *nanp(const char *nsn, unsigned len, struct phone *p)
{
	if (len != 10)
		return "wrong number of digits for a NANP number (10, or 11 starting with 1)";
	if (nsn[0] < '2')
		return "NANP area code cannot start with 0 or 1";
	if (nsn[1] == '1' && nsn[2] == '1')
		return "N11 is a NANP service code, not an area code";
	if (nsn[3] < '2')
		return "NANP exchange code cannot start with 0 or 1";
	set_number(p, PHONE_FOREIGN, 1, nsn, len);
	return NULL;
}

/* The national significant number of country cc. */
static const char *in_country(uint16_t cc, const char *nsn, unsigned len,
                              enum kr_origin origin, struct phone *p)
{
	p->country = cc;
	if (cc_digits(cc) + len > E164_MAX)
		return "too many digits (E.164 allows 15)";
	if (cc == PHONE_CC_KOREA)
		return korean(nsn, len, origin, p);
	if (cc == 1)
		return nanp(nsn, len, p);
	if (!nsn_length_ok(cc, len))
		return len < NSN_MIN ? "too few digits" : "wrong number of digits for the country";
	set_number(p, PHONE_FOREIGN, cc, nsn, len);
	return NULL;
}

/* Country code and national number from digit index start on. A "(0)" right
 * after the country code is a trunk zero written for national callers; after
 * 82 any leading 0 is (Korean national numbers never start with 0). */
static const char *international(const struct digits *dg, unsigned start, struct phone *p)
{
	const char *d = dg->d + start;
	unsigned n = dg->n - start;
	uint16_t cc = 0;

	if (n == 0)
		return "no digits after the international prefix";
	unsigned ccn = cc_split(d, n, &cc);
	if (ccn == 0)
		return "unknown country code";
	const char *nsn = d + ccn;
	unsigned len = n - ccn;
	if (len > 0 && ((int)(start + ccn) == dg->paren_zero ||
	                (cc == PHONE_CC_KOREA && nsn[0] == '0'))) {
		nsn++;
		len--;
	}
	return in_country(cc, nsn, len, KR_INTL, p);
}

/* Korean international-call prefixes: 001/002/005/006/008 and the 5-digit
 * 003xx/007xx carrier and discount-plan codes, of which these are the
 * well-known ones. */
static unsigned kr_known_carrier(const char *d, unsigned n)
{
	static const char five[][6] = { "00300", "00345", "00365", "00700", "00755", "00766" };

	if (n >= 3 && (d[2] == '1' || d[2] == '2' || d[2] == '5' || d[2] == '6' || d[2] == '8'))
		return 3;
	if (n >= 5)
		for (size_t i = 0; i < sizeof five / sizeof five[0]; i++)
			if (memcmp(d, five[i], 5) == 0)
				return 5;
	return 0;
}

/* Digits starting "00" dialled in Korea. Four readings, in this order:
 *  1. "00" then 82 and a valid Korean number ("0082-10-..."): the ITU form of
 *     +82 as people write it; preferred over carrier 008 followed by a +2x
 *     country, which would otherwise swallow it;
 *  2. a well-known carrier prefix (kr_known_carrier);
 *  3. "00" and a country code (a number written for callers elsewhere);
 *  4. any other 003xx/007xx carrier code.
 * The first valid reading wins; otherwise the carrier reading's reason. */
static const char *korean_international(const struct digits *dg, struct phone *p)
{
	struct phone itu = *p;
	const char *itu_why = international(dg, 2, &itu);

	if (itu_why == NULL && itu.country == PHONE_CC_KOREA) {
		*p = itu;
		set_prefix(p, dg->d, 2);
		return NULL;
	}
	unsigned carrier = kr_known_carrier(dg->d, dg->n);
	const char *why = carrier ? international(dg, carrier, p) : NULL;
	if (carrier && why == NULL) {
		set_prefix(p, dg->d, carrier);
		return NULL;
	}
	if (itu_why == NULL) {
		*p = itu;
		set_prefix(p, dg->d, 2);
		return NULL;
	}
	if (!carrier && dg->n > 5 && (dg->d[2] == '3' || dg->d[2] == '7')) {
		why = international(dg, 5, p);
		if (why == NULL)
			set_prefix(p, dg->d, 5);
		return why;
	}
	return carrier ? why : itu_why;
}

static const char *dialled_in_korea(const struct digits *dg, struct phone *p)
{
	const char *d = dg->d;
	unsigned n = dg->n;

	if (n >= 2 && d[0] == '0' && d[1] == '0')
		return korean_international(dg, p);
	if (n > E164_MAX)
		return "too many digits";
	if (n < 3)
		return "too few digits";
	p->country = PHONE_CC_KOREA;
	if (d[0] == '0')
		return korean(d + 1, n - 1, KR_TRUNK, p);
	if (d[0] == '1')
		return korean(d, n, KR_BARE, p);
	return "a Korean number starts with 0 or 1 (area code or '+' missing?)";
}

static const char *dialled_in_nanp(const struct digits *dg, struct phone *p)
{
	const char *d = dg->d;
	unsigned n = dg->n;

	if (n >= 3 && memcmp(d, "011", 3) == 0) {
		const char *why = international(dg, 3, p);
		if (why == NULL)
			set_prefix(p, d, 3);
		return why;
	}
	p->country = 1;
	if (n == 11 && d[0] == '1')
		return nanp(d + 1, 10, p);
	return nanp(d, n, p);
}

/* Any other country: "00" international prefix, one trunk '0' dropped. */
static const char *dialled_generic(const struct digits *dg, uint16_t cc, struct phone *p)
{
	const char *d = dg->d;
	unsigned n = dg->n;

	if (n >= 2 && d[0] == '0' && d[1] == '0') {
		const char *why = international(dg, 2, p);
		if (why == NULL)
			set_prefix(p, d, 2);
		return why;
	}
	if (d[0] == '0') {
		d++;
		n--;
	}
	return in_country(cc, d, n, KR_INTL, p);
}

static const char *decide(const struct digits *dg, uint16_t default_cc, struct phone *p)
{
	if (dg->plus)
		return international(dg, 0, p);
	if (default_cc == PHONE_CC_KOREA)
		return dialled_in_korea(dg, p);
	if (default_cc == 1)
		return dialled_in_nanp(dg, p);
	return dialled_generic(dg, default_cc, p);
}

/* ---- reading the bytes ----------------------------------------------------- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ieq(const char *s, const char *lower_lit, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lower_lit[i])
			return 0;
	}
	return 1;
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

static const char *scan_number(const char *s, size_t len, struct digits *dg)
{
	int open = -1; /* digit index at '(' while a parenthesis is open */
	unsigned n = 0; /* a local: stores to dg->d may alias dg->n */

	dg->plus = 0;
	dg->paren_zero = -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (n == DIGITS_MAX)
				return "too many digits";
			dg->d[n++] = c;
			continue;
		}
		switch (c) {
		case ' ': case '\t': case '-': case '.': case '/':
			break;
		case '(':
			if (open >= 0)
				return "unbalanced parentheses";
			open = (int)n;
			break;
		case ')':
			if (open < 0)
				return "unbalanced parentheses";
			if (n == (unsigned)open + 1 && dg->d[open] == '0')
				dg->paren_zero = (int8_t)open;
			open = -1;
			break;
		case '+':
			if (dg->plus)
				return "more than one '+'";
			if (n > 0)
				return "'+' after digits";
			dg->plus = 1;
			break;
		default:
			return is_alpha(c) ? "letters in number" : "unexpected character in number";
		}
	}
	if (open >= 0)
		return "unbalanced parentheses";
	if (n == 0)
		return "no digits";
	dg->n = (uint8_t)n;
	return NULL;
}

static int is_withheld_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"anonymous", "private", "restricted", "unavailable", "unknown", "withheld",
	};
	if (n < 7 || n > 11 || !is_alpha(s[0]))
		return 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == n && ieq(s, words[i], n))
			return 1;
	return 0;
}

/* '"Name" <uri>', 'Name <uri>' and '<uri>' become uri; anything after '>'
 * (header parameters such as ";tag=") is not part of the number. */
static const char *unwrap_name_addr(const char **s, size_t *n)
{
	const char *p = *s, *end = *s + *n;

	if (*p == '"') {
		p++;
		while (p < end && *p != '"')
			p += (*p == '\\' && p + 1 < end) ? 2 : 1;
		if (p >= end)
			return "unterminated quoted display name";
		p++;
		while (p < end && is_space(*p))
			p++;
		if (p == end || *p != '<')
			return "display name without <URI>";
	} else {
		p = memchr(p, '<', *n);
		if (p == NULL)
			return NULL;
	}
	const char *close = memchr(p + 1, '>', (size_t)(end - p - 1));
	if (close == NULL)
		return "unterminated <URI>";
	*s = p + 1;
	*n = (size_t)(close - p - 1);
	trim(s, n);
	return *n == 0 ? "empty <URI>" : NULL;
}

/* Length of a leading "tel:", "sip:" or "sips:" (any case), else 0. */
static size_t uri_scheme(const char *s, size_t n, int *is_sip)
{
	*is_sip = 1;
	if (n >= 5 && ieq(s, "sips:", 5))
		return 5;
	if (n >= 4 && ieq(s, "sip:", 4))
		return 4;
	*is_sip = 0;
	if (n >= 4 && ieq(s, "tel:", 4))
		return 4;
	return 0;
}

/* The country of a "phone-context=+CC" parameter in ";a=b;c=d" text, or 0.
 * Contexts that are a domain or more than a country code are ignored. */
static uint16_t context_country(const char *s, size_t n)
{
	static const char key[] = "phone-context=+";
	const size_t klen = sizeof key - 1;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != ';' || n - i - 1 < klen || !ieq(s + i + 1, key, klen))
			continue;
		unsigned v = 0, digits = 0;
		for (size_t j = i + 1 + klen; j < n && s[j] != ';'; j++) {
			if (s[j] < '0' || s[j] > '9' || ++digits > 3)
				return 0;
			v = v * 10 + (unsigned)(s[j] - '0');
		}
		return digits > 0 && cc_assigned(v) ? (uint16_t)v : 0;
	}
	return 0;
}

static const char *parse(const char *s, size_t len, uint16_t default_cc, struct phone *p)
{
	if (len > PHONE_MAX_INPUT)
		return "input longer than 256 bytes";
	if (s == NULL && len > 0)
		return "no input";
	if (default_cc != PHONE_CC_KOREA && default_cc != 1 && !cc_assigned(default_cc))
		return "default country code is not an assigned E.164 code";
	trim(&s, &len);
	if (len == 0)
		return NULL; /* withheld: *p is already cleared */

	const char *why = unwrap_name_addr(&s, &len);
	if (why != NULL)
		return why;
	int is_sip;
	size_t scheme = uri_scheme(s, len, &is_sip);
	size_t tok = len;
	if (scheme > 0) {
		s += scheme;
		len -= scheme;
		for (tok = 0; tok < len && s[tok] != ';' && !(is_sip && s[tok] == '@'); tok++)
			;
		if (tok == 0)
			return "no number in URI";
		const char *at = is_sip ? memchr(s + tok, '@', len - tok) : NULL;
		uint16_t ctx = context_country(s + tok, (size_t)((at ? at : s + len) - (s + tok)));
		if (ctx != 0)
			default_cc = ctx;
	}
	if (is_withheld_word(s, tok))
		return NULL;

	struct digits dg;
	why = scan_number(s, tok, &dg);
	return why != NULL ? why : decide(&dg, default_cc, p);
}

int phone_parse(const char *s, size_t len, uint16_t default_cc, struct phone *out, const char **reason)
{
	if (out == NULL) {
		if (reason != NULL)
			*reason = "no output";
		return OMB_EINVAL;
	}
	memset(out, 0, sizeof *out);
	const char *why = parse(s, len, default_cc, out);
	if (why != NULL) {
		memset(out, 0, sizeof *out);
		if (reason != NULL)
			*reason = why;
		return OMB_EINVAL;
	}
	return OMB_OK;
}

/* ---- key ------------------------------------------------------------------
 *   bits 63-62  0
 *   bits 61-52  country calling code, 1-999 (never 0, so no real key is 0)
 *   bit  51     1 for a short code ("112" is not "+82112")
 *   bits 50-47  digit count of the national significant number, 1-14
 *               (keeps "+39 06..." apart from "+39 6...")
 *   bits 46-0   decimal value of those digits, < 10^14 < 2^47
 * Canonical text determines these fields and they determine it back, so the
 * key is collision-free over valid numbers.
 *
 * The screening engine computes two keys per call, so the digits are read
 * eight at a time (SWAR) rather than one by one: canon is PHONE_CANON_MAX
 * bytes and the digits start at most 4 bytes in, so two 8-byte loads stay
 * inside it; whatever follows the first non-digit is masked off. */
_Static_assert(PHONE_CANON_MAX >= 4 + 16, "phone_key reads 16 bytes after the country code");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "phone_key reads digits little-endian");

static uint64_t load8(const char *s)
{
	uint64_t w;
	memcpy(&w, s, sizeof w);
	return w;
}

/* Count of leading ASCII digits among the 8 bytes of w (first byte lowest). */
static unsigned digits_lead(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7f7f7f7f7f7f7f7fULL;
	/* a byte of t is non-zero exactly when that byte is not '0'..'9': high
	 * nibble other than 3, or low nibble of 10 or more (+6 carries to bit 4) */
	uint64_t t = ((w & 0xf0f0f0f0f0f0f0f0ULL) ^ 0x30 * ones) |
		     (((w & 0x0f0f0f0f0f0f0f0fULL) + 6 * ones) & 0x1010101010101010ULL);
	uint64_t nondigit = (((t & low7) + low7) | t) & ~low7; /* bit 7 of each non-zero byte */
	return nondigit ? (unsigned)__builtin_ctzll(nondigit) / 8 : 8;
}

/* Decimal value of the first k (0-8) digit bytes of w. */
static uint64_t digits_value(uint64_t w, unsigned k)
{
	if (k == 0)
		return 0;
	/* digits to the top bytes, zeros (leading zero digits) below them */
	uint64_t v = (w & 0x0f0f0f0f0f0f0f0fULL) << (8 * (8 - k));
	v = (v * 10 + (v >> 8)) & 0x00ff00ff00ff00ffULL;
	v = (v * 100 + (v >> 16)) & 0x0000ffff0000ffffULL;
	return (v * 10000 + (v >> 32)) & 0xffffffffULL;
}

uint64_t phone_key(const struct phone *p)
{
	static const uint64_t pow10[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};
	if (p == NULL || p->kind == PHONE_WITHHELD || p->kind >= PHONE_KIND_COUNT)
		return PHONE_KEY_WITHHELD;

	const int is_short = p->kind == PHONE_SHORT;
	const char *c = p->canon + (is_short ? 0 : 1 + cc_digits(p->country));
	uint64_t w0 = load8(c);
	unsigned n = digits_lead(w0);
	uint64_t v = digits_value(w0, n);
	if (n == 8) {
		uint64_t w1 = load8(c + 8);
		unsigned n1 = digits_lead(w1);
		if (n1 > 6)
			n1 = 6; /* at most 14 digits */
		v = v * pow10[n1] + digits_value(w1, n1);
		n += n1;
	}
	return (uint64_t)(p->country & 0x3ffu) << 52 | (uint64_t)is_short << 51 |
	       (uint64_t)n << 47 | v;
}

/* ---- display --------------------------------------------------------------- */

/* Korean national form with dashes: prefix-middle-last4 ("010-1234-5678",
 * "02-123-4567", "0505-123-4567"); service numbers "1588-1234". Returns 0
 * when the canonical text is not a Korean number as phone_parse writes it. */
static size_t format_korean(const struct phone *p, char *out)
{
	const char *nsn = p->canon + 3;
	size_t len = strlen(nsn);
	char nat[12];
	size_t natlen = 0, plen = 0;

	if (len < 8 || len > 11 || strspn(nsn, "0123456789") != len)
		return 0;
	if (p->kind != PHONE_SERVICE) {
		nat[natlen++] = '0';
		plen = kr_prefixes[kr_index(nsn)].prefix_len;
		if (plen == 0)
			return 0;
	}
	memcpy(nat + natlen, nsn, len);
	natlen += len;

	size_t w = 0, mid = natlen - plen - 4;
	if (plen > 0) {
		memcpy(out, nat, plen);
		w = plen;
		out[w++] = '-';
	}
	memcpy(out + w, nat + plen, mid);
	w += mid;
	out[w++] = '-';
	memcpy(out + w, nat + natlen - 4, 4);
	return w + 4;
}

int phone_format(const struct phone *p, char *buf, size_t size)
{
	char tmp[PHONE_CANON_MAX + 8];
	size_t n = 0;

	if (p != NULL && p->kind != PHONE_WITHHELD && p->kind < PHONE_KIND_COUNT &&
	    memchr(p->canon, '\0', sizeof p->canon) != NULL) {
		size_t clen = strlen(p->canon);
		if (p->kind != PHONE_SHORT && p->country == PHONE_CC_KOREA &&
		    clen > 3 && memcmp(p->canon, "+82", 3) == 0)
			n = format_korean(p, tmp);
		if (n == 0 && p->kind != PHONE_SHORT && p->canon[0] == '+') {
			size_t head = 1 + cc_digits(p->country);
			if (head < clen) {
				memcpy(tmp, p->canon, head);
				tmp[head] = ' ';
				memcpy(tmp + head + 1, p->canon + head, clen - head);
				n = clen + 1;
			}
		}
		if (n == 0) {
			memcpy(tmp, p->canon, clen);
			n = clen;
		}
	}
	if (size > 0) {
		size_t k = n < size - 1 ? n : size - 1;
		memcpy(buf, tmp, k);
		buf[k] = '\0';
	}
	return (int)n;
}

int phone_is_emergency(const struct phone *p)
{
	if (p == NULL || p->kind != PHONE_SHORT || p->country != PHONE_CC_KOREA)
		return 0;
	const char *c = p->canon;
	return c[0] == '1' && c[1] != '\0' && c[2] != '\0' && c[3] == '\0' &&
	       (memcmp(c, "112", 3) == 0 || memcmp(c, "119", 3) == 0 || memcmp(c, "122", 3) == 0);
}

const char *phone_kind_name(enum phone_kind kind)
{
	static const char *const names[PHONE_KIND_COUNT] = {
		[PHONE_WITHHELD]  = "withheld",
		[PHONE_MOBILE]    = "mobile",
		[PHONE_LANDLINE]  = "landline",
		[PHONE_SAFE]      = "safe",
		[PHONE_PREMIUM]   = "premium",
		[PHONE_VOIP]      = "voip",
		[PHONE_FREEPHONE] = "freephone",
		[PHONE_SERVICE]   = "service",
		[PHONE_SHORT]     = "short",
		[PHONE_FOREIGN]   = "foreign",
	};
	return (unsigned)kind < PHONE_KIND_COUNT ? names[kind] : "invalid";
}
