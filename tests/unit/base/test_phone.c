/* test_phone.c — phone number parsing, keys and display (base/phone). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/phone.h"

#define KR 82

struct good {
	const char     *in;
	uint16_t        dcc;
	const char     *canon;
	enum phone_kind kind;
	uint16_t        country;
	const char     *prefix; /* international-call prefix dialled, "" if none */
};

#define M PHONE_MOBILE
#define L PHONE_LANDLINE
#define S PHONE_SAFE
#define P PHONE_PREMIUM
#define V PHONE_VOIP
#define F PHONE_FREEPHONE
#define SV PHONE_SERVICE
#define SH PHONE_SHORT
#define X PHONE_FOREIGN
#define W PHONE_WITHHELD

static const struct good goods[] = {
	/* one Korean mobile number in every accepted dress */
	{ "010-1234-5678", KR, "+821012345678", M, 82, "" },
	{ "01012345678", KR, "+821012345678", M, 82, "" },
	{ "+82 10 1234 5678", KR, "+821012345678", M, 82, "" },
	{ "+82-10-1234-5678", KR, "+821012345678", M, 82, "" },
	{ "+82 (0)10 1234 5678", KR, "+821012345678", M, 82, "" },
	{ "+82(0)1012345678", KR, "+821012345678", M, 82, "" },
	{ "+82 010 1234 5678", KR, "+821012345678", M, 82, "" },
	{ "+821012345678", KR, "+821012345678", M, 82, "" },
	{ "(+82) 10-1234-5678", KR, "+821012345678", M, 82, "" },
	{ "tel:+82-10-1234-5678", KR, "+821012345678", M, 82, "" },
	{ "TEL:+82-10-1234-5678", KR, "+821012345678", M, 82, "" },
	{ "tel:+82-10-1234-5678;phone-context=ims.example.kr", KR, "+821012345678", M, 82, "" },
	{ "tel:+82-10-1234-5678;phone-context=+1", KR, "+821012345678", M, 82, "" },
	{ "tel:010-1234-5678;phone-context=+82", KR, "+821012345678", M, 82, "" },
	{ "tel:010-1234-5678;phone-context=+82", 1, "+821012345678", M, 82, "" },
	{ "sip:01012345678@host;user=phone", KR, "+821012345678", M, 82, "" },
	{ "SIP:01012345678@host", KR, "+821012345678", M, 82, "" },
	{ "sip:01012345678", KR, "+821012345678", M, 82, "" },
	{ "sip:010-1234-5678;phone-context=+82@ims.example;user=phone", 1, "+821012345678", M, 82, "" },
	{ "sips:+821012345678@x", KR, "+821012345678", M, 82, "" },
	{ "sip:+82-10-1234-5678@carrier.example;user=phone", KR, "+821012345678", M, 82, "" },
	{ "<sip:01012345678@10.0.0.1>", KR, "+821012345678", M, 82, "" },
	{ "<sip:+821012345678@10.0.0.1:5060;transport=udp>;tag=a1b2", KR, "+821012345678", M, 82, "" },
	{ "\"Name\" <sip:+821012345678@ims.example.kr;user=phone>;tag=abc", KR, "+821012345678", M, 82, "" },
	{ "\"Kim \\\"Boss\\\" <CEO>\" <tel:+82-10-1234-5678>", KR, "+821012345678", M, 82, "" },
	{ "Hong Gildong <sip:01012345678@host>", KR, "+821012345678", M, 82, "" },
	{ "<+82 10-1234-5678>", KR, "+821012345678", M, 82, "" },
	{ "010.1234.5678", KR, "+821012345678", M, 82, "" },
	{ "010 1234 5678", KR, "+821012345678", M, 82, "" },
	{ "010/1234/5678", KR, "+821012345678", M, 82, "" },
	{ "(010) 1234-5678", KR, "+821012345678", M, 82, "" },
	{ "010--1234--5678", KR, "+821012345678", M, 82, "" },
	{ "  010-1234-5678  ", KR, "+821012345678", M, 82, "" },
	{ "\t010-1234-5678\r\n", KR, "+821012345678", M, 82, "" },
	{ "+82 10-1234-5678", 1, "+821012345678", M, 82, "" },
	{ "+82 10-1234-5678", 44, "+821012345678", M, 82, "" },
	{ "0082-10-1234-5678", KR, "+821012345678", M, 82, "00" },
	{ "0082 (0)10 1234 5678", KR, "+821012345678", M, 82, "00" },
	{ "001 82 10 1234 5678", KR, "+821012345678", M, 82, "001" },
	{ "002-82-10-1234-5678", KR, "+821012345678", M, 82, "002" },
	{ "008 82 10 1234 5678", KR, "+821012345678", M, 82, "008" },
	{ "00700-82-10-1234-5678", KR, "+821012345678", M, 82, "00700" },
	{ "00365 82 10 1234 5678", KR, "+821012345678", M, 82, "00365" },
	/* documented choice: "0082" + a valid Korean number is +82, even where
	 * carrier 008 + a +2xx country would also read (here +216, 8 digits) */
	{ "008 216 1234 5678", KR, "+821612345678", M, 82, "00" },
	{ "011 82 10 1234 5678", 1, "+821012345678", M, 82, "011" },
	/* other mobiles, legacy prefixes with 7 or 8 subscriber digits */
	{ "010-9876-5432", KR, "+821098765432", M, 82, "" },
	{ "011-123-4567", KR, "+82111234567", M, 82, "" },
	{ "011-1234-5678", KR, "+821112345678", M, 82, "" },
	{ "016-1234-5678", KR, "+821612345678", M, 82, "" },
	{ "017-123-4567", KR, "+82171234567", M, 82, "" },
	{ "018-1234-5678", KR, "+821812345678", M, 82, "" },
	{ "019-123-4567", KR, "+82191234567", M, 82, "" },
	{ "+82 19 123 4567", KR, "+82191234567", M, 82, "" },
	/* landlines: Seoul 02 and every provincial area code */
	{ "02-123-4567", KR, "+8221234567", L, 82, "" },
	{ "(02) 123-4567", KR, "+8221234567", L, 82, "" },
	{ "02-1234-5678", KR, "+82212345678", L, 82, "" },
	{ "+82 2 1234 5678", KR, "+82212345678", L, 82, "" },
	{ "+82 (0)2 123 4567", KR, "+8221234567", L, 82, "" },
	{ "+82 02-123-4567", KR, "+8221234567", L, 82, "" },
	{ "031-123-4567", KR, "+82311234567", L, 82, "" },
	{ "031-1234-5678", KR, "+823112345678", L, 82, "" },
	{ "032-123-4567", KR, "+82321234567", L, 82, "" },
	{ "033-1234-5678", KR, "+823312345678", L, 82, "" },
	{ "041-123-4567", KR, "+82411234567", L, 82, "" },
	{ "042-1234-5678", KR, "+824212345678", L, 82, "" },
	{ "043-123-4567", KR, "+82431234567", L, 82, "" },
	{ "044-1234-5678", KR, "+824412345678", L, 82, "" },
	{ "051-123-4567", KR, "+82511234567", L, 82, "" },
	{ "052-1234-5678", KR, "+825212345678", L, 82, "" },
	{ "053-123-4567", KR, "+82531234567", L, 82, "" },
	{ "054-1234-5678", KR, "+825412345678", L, 82, "" },
	{ "055-123-4567", KR, "+82551234567", L, 82, "" },
	{ "061-123-4567", KR, "+82611234567", L, 82, "" },
	{ "062-1234-5678", KR, "+826212345678", L, 82, "" },
	{ "063-123-4567", KR, "+82631234567", L, 82, "" },
	{ "064-1234-5678", KR, "+826412345678", L, 82, "" },
	{ "tel:+82-51-123-4567", KR, "+82511234567", L, 82, "" },
	/* safe numbers 0502-0508 */
	{ "0502-123-4567", KR, "+825021234567", S, 82, "" },
	{ "0505-1234-5678", KR, "+8250512345678", S, 82, "" },
	{ "0508-123-4567", KR, "+825081234567", S, 82, "" },
	{ "+82 505 123 4567", KR, "+825051234567", S, 82, "" },
	/* 060, 070, 080 */
	{ "060-123-4567", KR, "+82601234567", P, 82, "" },
	{ "060-1234-5678", KR, "+826012345678", P, 82, "" },
	{ "070-1234-5678", KR, "+827012345678", V, 82, "" },
	{ "+82 70 1234 5678", KR, "+827012345678", V, 82, "" },
	{ "080-123-4567", KR, "+82801234567", F, 82, "" },
	{ "080-1234-5678", KR, "+828012345678", F, 82, "" },
	/* representative numbers 15xx/16xx/18xx */
	{ "1588-1234", KR, "+8215881234", SV, 82, "" },
	{ "15881234", KR, "+8215881234", SV, 82, "" },
	{ "1644-1234", KR, "+8216441234", SV, 82, "" },
	{ "1661-1234", KR, "+8216611234", SV, 82, "" },
	{ "1577-1000", KR, "+8215771000", SV, 82, "" },
	{ "1800-1234", KR, "+8218001234", SV, 82, "" },
	{ "+82 1588 1234", KR, "+8215881234", SV, 82, "" },
	{ "tel:1588-1234;phone-context=+82", 1, "+8215881234", SV, 82, "" },
	/* short codes: canonical text is the digits, country 82 */
	{ "112", KR, "112", SH, 82, "" },
	{ "119", KR, "119", SH, 82, "" },
	{ "122", KR, "122", SH, 82, "" },
	{ "114", KR, "114", SH, 82, "" },
	{ "182", KR, "182", SH, 82, "" },
	{ "1332", KR, "1332", SH, 82, "" },
	{ "1301", KR, "1301", SH, 82, "" },
	{ "1345", KR, "1345", SH, 82, "" },
	{ " 1 1 2 ", KR, "112", SH, 82, "" },
	{ "sip:119@ims.example", KR, "119", SH, 82, "" },
	{ "tel:112", KR, "112", SH, 82, "" },
	{ "tel:112;phone-context=+82", 1, "112", SH, 82, "" },
	/* dialled abroad through Korean international-call prefixes */
	{ "001 1 202 555 0100", KR, "+12025550100", X, 1, "001" },
	{ "00700 81 3 1234 5678", KR, "+81312345678", X, 81, "00700" },
	{ "002-86-10-1234-5678", KR, "+861012345678", X, 86, "002" },
	{ "005 44 20 7946 0958", KR, "+442079460958", X, 44, "005" },
	{ "006 63 2 123 4567", KR, "+6321234567", X, 63, "006" },
	{ "008 1 212 555 0199", KR, "+12125550199", X, 1, "008" },
	{ "00300 84 28 1234 5678", KR, "+842812345678", X, 84, "00300" },
	{ "00345 855 12 345 678", KR, "+85512345678", X, 855, "00345" },
	{ "00365 86 21 1234 5678", KR, "+862112345678", X, 86, "00365" },
	{ "00755 66 2 123 4567", KR, "+6621234567", X, 66, "00755" },
	{ "00766 1 415 555 0123", KR, "+14155550123", X, 1, "00766" },
	{ "00727 1 202 555 0100", KR, "+12025550100", X, 1, "00727" },
	{ "0033 1 23 45 67 89", KR, "+33123456789", X, 33, "00" },
	{ "0049 30 1234567", KR, "+49301234567", X, 49, "00" },
	{ "007 495 123 45 67", KR, "+74951234567", X, 7, "00" },
	/* E.164 numbers of other countries keep their country */
	{ "+1 202 555 0100", KR, "+12025550100", X, 1, "" },
	{ "+1-202-555-0100", KR, "+12025550100", X, 1, "" },
	{ "+1 (202) 555-0100", KR, "+12025550100", X, 1, "" },
	{ "tel:+1-202-555-0100", KR, "+12025550100", X, 1, "" },
	{ "+44 20 7946 0958", KR, "+442079460958", X, 44, "" },
	{ "+44 (0)20 7946 0958", KR, "+442079460958", X, 44, "" },
	{ "sip:+442079460958@gw.example", KR, "+442079460958", X, 44, "" },
	{ "+81 3-1234-5678", KR, "+81312345678", X, 81, "" },
	{ "+81 90-1234-5678", KR, "+819012345678", X, 81, "" },
	{ "+86 10 1234 5678", KR, "+861012345678", X, 86, "" },
	{ "+86 138 0013 8000", KR, "+8613800138000", X, 86, "" },
	{ "+33 1 23 45 67 89", KR, "+33123456789", X, 33, "" },
	{ "+49 30 1234567", KR, "+49301234567", X, 49, "" },
	{ "+39 06 1234 5678", KR, "+390612345678", X, 39, "" },
	{ "+7 495 123 45 67", KR, "+74951234567", X, 7, "" },
	{ "+852 2123 4567", KR, "+85221234567", X, 852, "" },
	{ "+886 2 1234 5678", KR, "+886212345678", X, 886, "" },
	{ "+84 28 1234 5678", KR, "+842812345678", X, 84, "" },
	{ "+234 803 123 4567", KR, "+2348031234567", X, 234, "" },
	{ "+380 44 123 4567", KR, "+380441234567", X, 380, "" },
	{ "+971 4 123 4567", KR, "+97141234567", X, 971, "" },
	{ "+61 2 9876 5432", KR, "+61298765432", X, 61, "" },
	{ "+55 11 91234 5678", KR, "+5511912345678", X, 55, "" },
	{ "+998 71 123 45 67", KR, "+998711234567", X, 998, "" },
	{ "+850 2 123 4567", KR, "+85021234567", X, 850, "" },
	{ "+800 1234 5678", KR, "+80012345678", X, 800, "" },
	/* NANP as the default country */
	{ "(202) 555-0100", 1, "+12025550100", X, 1, "" },
	{ "1-202-555-0100", 1, "+12025550100", X, 1, "" },
	{ "202.555.0100", 1, "+12025550100", X, 1, "" },
	{ "2025550100", 1, "+12025550100", X, 1, "" },
	{ "1 (415) 555-0123", 1, "+14155550123", X, 1, "" },
	{ "+1 202 555 0100", 1, "+12025550100", X, 1, "" },
	{ "tel:+1-415-555-0123", 1, "+14155550123", X, 1, "" },
	{ "011 44 20 7946 0958", 1, "+442079460958", X, 44, "011" },
	/* generic default countries: "00" abroad, one trunk '0' dropped */
	{ "020 7946 0958", 44, "+442079460958", X, 44, "" },
	{ "0044 20 7946 0958", 44, "+442079460958", X, 44, "00" },
	{ "06 12 34 56 78", 33, "+33612345678", X, 33, "" },
	{ "030 1234567", 49, "+49301234567", X, 49, "" },
	{ "03-1234-5678", 81, "+81312345678", X, 81, "" },
	{ "8123 4567", 65, "+6581234567", X, 65, "" },
	{ "0033 1 23 45 67 89", 49, "+33123456789", X, 33, "00" },
	{ "0082 10 1234 5678", 49, "+821012345678", M, 82, "00" },
	{ "tel:020-7946-0958;phone-context=+44", KR, "+442079460958", X, 44, "" },
	/* withheld callers */
	{ "", KR, "", W, 0, "" },
	{ "   ", KR, "", W, 0, "" },
	{ "\t\r\n", KR, "", W, 0, "" },
	{ "anonymous", KR, "", W, 0, "" },
	{ "Anonymous", KR, "", W, 0, "" },
	{ "ANONYMOUS", KR, "", W, 0, "" },
	{ "private", KR, "", W, 0, "" },
	{ "Private", KR, "", W, 0, "" },
	{ "restricted", KR, "", W, 0, "" },
	{ "unavailable", KR, "", W, 0, "" },
	{ "unknown", KR, "", W, 0, "" },
	{ "withheld", KR, "", W, 0, "" },
	{ "  Restricted  ", 1, "", W, 0, "" },
	{ "sip:anonymous@anonymous.invalid", KR, "", W, 0, "" },
	{ "tel:anonymous", KR, "", W, 0, "" },
	{ "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1", KR, "", W, 0, "" },
	{ "<sip:Anonymous@192.0.2.1;user=phone>", 1, "", W, 0, "" },
};

static void check_good(const struct good *g)
{
	struct phone p;
	const char *why = NULL;
	int rc = phone_parse(g->in, strlen(g->in), g->dcc, &p, &why);
	if (rc != 0 || strcmp(p.canon, g->canon) != 0 || p.kind != g->kind ||
	    p.country != g->country || strcmp(p.intl_prefix, g->prefix) != 0 ||
	    p.intl_prefix_len != strlen(g->prefix))
		fail_msg("'%s' (cc %u): rc %d reason %s canon '%s' kind %s country %u prefix '%s'",
		         g->in, g->dcc, rc, why ? why : "-", p.canon, phone_kind_name(p.kind),
		         p.country, p.intl_prefix);
}

static void test_accepted_forms(void **state)
{
	(void)state;
	assert_true(sizeof goods / sizeof goods[0] > 150);
	for (size_t i = 0; i < sizeof goods / sizeof goods[0]; i++)
		check_good(&goods[i]);
}

static uint64_t key_of(const char *s, uint16_t dcc)
{
	struct phone p;
	const char *why = NULL;
	if (phone_parse(s, strlen(s), dcc, &p, &why) != 0)
		fail_msg("'%s' rejected: %s", s, why);
	return phone_key(&p);
}

/* Rows with the same canonical text have the same key, rows with different
 * canonical text (or short vs full) different keys; only withheld is 0. */
static void test_keys_follow_canonical_text(void **state)
{
	(void)state;
	size_t n = sizeof goods / sizeof goods[0];
	for (size_t i = 0; i < n; i++) {
		uint64_t ki = key_of(goods[i].in, goods[i].dcc);
		assert_int_equal(ki == PHONE_KEY_WITHHELD, goods[i].kind == W);
		for (size_t j = i + 1; j < n; j++) {
			uint64_t kj = key_of(goods[j].in, goods[j].dcc);
			int same = strcmp(goods[i].canon, goods[j].canon) == 0;
			if ((ki == kj) != same)
				fail_msg("'%s' vs '%s': keys %llx %llx", goods[i].in, goods[j].in,
				         (unsigned long long)ki, (unsigned long long)kj);
		}
	}
}

static void test_distinct_numbers_distinct_keys(void **state)
{
	(void)state;
	static const struct { const char *in; uint16_t dcc; } nums[] = {
		{ "112", KR }, { "119", KR }, { "122", KR }, { "1120", KR }, { "1332", KR },
		{ "1588-1234", KR }, { "1588-1235", KR }, { "+1 321 234 5678", KR },
		{ "032-1234-5678", KR }, { "+44 3212345678", KR }, { "+39 0612345678", KR },
		{ "+39 612345678", KR }, { "010-1234-5678", KR }, { "010-1234-5679", KR },
		{ "011-123-4567", KR }, { "011-1234-5670", KR }, { "02-123-4567", KR },
		{ "02-1234-5670", KR }, { "+82 2 9876 543", KR }, { "070-1234-5678", KR },
		{ "0505-123-4567", KR }, { "+1 202 555 0100", KR }, { "+20 2025550100", KR },
		{ "+262 12345678", KR }, { "+262 012345678", KR }, { "+7 4951234567", KR },
	};
	size_t n = sizeof nums / sizeof nums[0];
	uint64_t keys[sizeof nums / sizeof nums[0]];
	for (size_t i = 0; i < n; i++) {
		keys[i] = key_of(nums[i].in, nums[i].dcc);
		assert_true(keys[i] != PHONE_KEY_WITHHELD);
		for (size_t j = 0; j < i; j++)
			if (keys[i] == keys[j])
				fail_msg("'%s' and '%s' share key %llx", nums[i].in, nums[j].in,
				         (unsigned long long)keys[i]);
	}
	/* where the writer put spaces does not matter: codes are prefix-free */
	assert_int_equal(key_of("+74 951234567", 1), key_of("+7 4951234567", KR));
	/* same digits, different country */
	assert_int_not_equal(key_of("+1 321 234 5678", KR), key_of("032-1234-5678", KR));
	/* the short code flag keeps 112 apart from any full number */
	assert_int_not_equal(key_of("112", KR) & (1ULL << 51), 0);
	assert_int_equal(key_of("+82 2 9876 543", KR) & (1ULL << 51), 0);
}

struct bad {
	const char *in;
	size_t      len; /* 0: strlen(in) */
	uint16_t    dcc;
};

static const struct bad bads[] = {
	/* letters */
	{ "abc", 0, KR },
	{ "010-1234-567a", 0, KR },
	{ "010-CALL-NOW", 0, KR },
	{ "1-800-FLOWERS", 0, 1 },
	{ "sip:alice@example.com", 0, KR },
	{ "mailto:010-1234-5678", 0, KR },
	{ "anonymously", 0, KR },
	/* too few / too many digits */
	{ "0", 0, KR },
	{ "01", 0, KR },
	{ "12", 0, KR },
	{ "010-123", 0, KR },
	{ "010-123-4567", 0, KR },
	{ "010-1234-56789", 0, KR },
	{ "02-12-3456", 0, KR },
	{ "02-12345-67890", 0, KR },
	{ "031-12-3456", 0, KR },
	{ "070-123-4567", 0, KR },
	{ "0505-12-3456", 0, KR },
	{ "1588-123", 0, KR },
	{ "1588-12345", 0, KR },
	{ "12345", 0, KR },
	{ "1234-5678", 0, KR },
	{ "01234567890123456", 0, KR },
	{ "01234567890123456789012345", 0, KR },
	{ "+8210123456789012", 0, KR },
	{ "+82 10 1234 5678 9", 0, KR },
	{ "+1 202 555 010", 0, KR },
	{ "+7 495 123 456", 0, KR },
	{ "+33 1 23 45 67 8", 0, KR },
	{ "+44 123", 0, KR },
	/* unknown prefixes and codes */
	{ "069-123-4567", 0, KR },
	{ "099-123-4567", 0, KR },
	{ "015-123-4567", 0, KR },
	{ "012-345-6789", 0, KR },
	{ "0501-123-4567", 0, KR },
	{ "0509-123-4567", 0, KR },
	{ "056-123-4567", 0, KR },
	{ "09-1234-5678", 0, KR },
	{ "+82 69 123 4567", 0, KR },
	{ "+82 112", 0, KR },
	{ "+82 0", 0, KR },
	{ "+999 123 456 789", 0, KR },
	{ "+99", 0, KR },
	{ "+0 123 456 789", 0, KR },
	{ "+210 1234 5678", 0, KR },
	{ "001 999 1234 5678", 0, KR },
	{ "00 0 1234 5678", 0, KR },
	{ "0082", 0, KR },
	{ "001", 0, KR },
	{ "00700", 0, KR },
	{ "2123-4567", 0, KR },
	{ "821012345678", 0, KR },
	/* NANP rules */
	{ "+1 102 555 0100", 0, KR },
	{ "+1 202 155 0100", 0, KR },
	{ "+1 911 555 0100", 0, KR },
	{ "555-0100", 0, 1 },
	{ "202-555-01000", 0, 1 },
	{ "2-202-555-0100", 0, 1 },
	/* generic */
	{ "012", 0, 44 },
	{ "0044 20", 0, 44 },
	/* punctuation and structure */
	{ "++82 10 1234 5678", 0, KR },
	{ "+82 + 10", 0, KR },
	{ "010+1234+5678", 0, KR },
	{ "+", 0, KR },
	{ "---", 0, KR },
	{ "()", 0, KR },
	{ "(010", 0, KR },
	{ "010)1234-5678", 0, KR },
	{ "((02)) 123-4567", 0, KR },
	{ "010-1234-5678;ext=1", 0, KR },
	{ "010*1234", 0, KR },
	{ "#31#010-1234-5678", 0, KR },
	{ "010_1234_5678", 0, KR },
	{ "010,1234,5678", 0, KR },
	{ "\xef\xbc\x90\xef\xbc\x91\xef\xbc\x90", 0, KR },
	{ "010\0-1234-5678", 14, KR },
	{ "010-1234-5678\0", 14, KR },
	/* URIs and display forms */
	{ "tel:", 0, KR },
	{ "tel:;phone-context=+82", 0, KR },
	{ "tel:+", 0, KR },
	{ "sip:@host", 0, KR },
	{ "sips:", 0, KR },
	{ "sip:+82-10-1234-5678:pw@host", 0, KR },
	{ "tel:010-1234-5678@host", 0, KR },
	{ "\"Name\" sip:01012345678@host", 0, KR },
	{ "\"unterminated <sip:01012345678@host>", 0, KR },
	{ "<sip:01012345678@host", 0, KR },
	{ "<>", 0, KR },
	{ "\"Name\" <>", 0, KR },
	/* default country must be assigned */
	{ "010-1234-5678", 0, 0 },
	{ "010-1234-5678", 0, 999 },
	{ "+82 10 1234 5678", 0, 28 },
};

static void test_rejected_inputs(void **state)
{
	(void)state;
	assert_true(sizeof bads / sizeof bads[0] > 80);
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		const struct bad *b = &bads[i];
		size_t len = b->len ? b->len : strlen(b->in);
		struct phone p;
		memset(&p, 0xa5, sizeof p);
		const char *why = NULL;
		int rc = phone_parse(b->in, len, b->dcc, &p, &why);
		if (rc != OMB_EINVAL || why == NULL || why[0] == '\0')
			fail_msg("'%s' (cc %u) accepted as '%s' (%s)", b->in, b->dcc, p.canon,
			         phone_kind_name(p.kind));
		/* a failed parse leaves a cleared, withheld-looking value */
		assert_int_equal(p.kind, PHONE_WITHHELD);
		assert_string_equal(p.canon, "");
		assert_int_equal(phone_key(&p), PHONE_KEY_WITHHELD);
	}
}

static const char *reason_for(const char *s, uint16_t dcc)
{
	struct phone p;
	const char *why = NULL;
	assert_int_equal(phone_parse(s, strlen(s), dcc, &p, &why), OMB_EINVAL);
	return why;
}

static void test_reasons_name_the_problem(void **state)
{
	(void)state;
	assert_string_equal(reason_for("069-123-4567", KR), "unknown Korean prefix 069");
	assert_string_equal(reason_for("099-123-4567", KR), "unknown Korean prefix 099");
	assert_string_equal(reason_for("+82 15 123 4567", KR), "unknown Korean prefix 015");
	assert_string_equal(reason_for("010-CALL-NOW", KR), "letters in number");
	assert_string_equal(reason_for("+999 123 456 789", KR), "unknown country code");
	assert_string_equal(reason_for("++82", KR), "more than one '+'");
	assert_string_equal(reason_for("tel:", KR), "no number in URI");
	assert_string_equal(reason_for("01234567890123456", KR), "too many digits");
	assert_string_equal(reason_for("010-123-4567", KR),
	                    "wrong number of digits for a Korean mobile number");
	assert_string_equal(reason_for("+82 112", KR), "Korean short codes have no international form");
	assert_string_equal(reason_for("+1 911 555 0100", KR),
	                    "N11 is a NANP service code, not an area code");

	char big[PHONE_MAX_INPUT + 2];
	memset(big, ' ', sizeof big);
	memcpy(big, "010-1234-5678", 13);
	struct phone p;
	const char *why = NULL;
	assert_int_equal(phone_parse(big, sizeof big, KR, &p, &why), OMB_EINVAL);
	assert_string_equal(why, "input longer than 256 bytes");
	/* exactly the limit is still read */
	assert_int_equal(phone_parse(big, PHONE_MAX_INPUT, KR, &p, &why), 0);
	assert_string_equal(p.canon, "+821012345678");
}

static void test_not_nul_terminated_and_null_args(void **state)
{
	(void)state;
	/* only len bytes are read: the rest of the buffer is another number */
	const char buf[] = "010-1234-56789999";
	struct phone p;
	assert_int_equal(phone_parse(buf, 13, KR, &p, NULL), 0);
	assert_string_equal(p.canon, "+821012345678");
	assert_int_equal(phone_parse(NULL, 0, KR, &p, NULL), 0);
	assert_int_equal(p.kind, PHONE_WITHHELD);
	const char *why = NULL;
	assert_int_equal(phone_parse(NULL, 3, KR, &p, &why), OMB_EINVAL);
	assert_non_null(why);
	assert_int_equal(phone_parse("112", 3, KR, NULL, &why), OMB_EINVAL);
	assert_int_equal(phone_key(NULL), PHONE_KEY_WITHHELD);
}

static void test_format(void **state)
{
	(void)state;
	static const struct { const char *in; uint16_t dcc; const char *out; } rows[] = {
		{ "01012345678", KR, "010-1234-5678" },
		{ "+82 10 1234 5678", 1, "010-1234-5678" },
		{ "0111234567", KR, "011-123-4567" },
		{ "01612345678", KR, "016-1234-5678" },
		{ "021234567", KR, "02-123-4567" },
		{ "0212345678", KR, "02-1234-5678" },
		{ "0311234567", KR, "031-123-4567" },
		{ "03112345678", KR, "031-1234-5678" },
		{ "0641234567", KR, "064-123-4567" },
		{ "05051234567", KR, "0505-123-4567" },
		{ "050512345678", KR, "0505-1234-5678" },
		{ "0601234567", KR, "060-123-4567" },
		{ "07012345678", KR, "070-1234-5678" },
		{ "0801234567", KR, "080-123-4567" },
		{ "15881234", KR, "1588-1234" },
		{ "+82 1644 1234", KR, "1644-1234" },
		{ "112", KR, "112" },
		{ "1332", KR, "1332" },
		{ "+1 202 555 0100", KR, "+1 2025550100" },
		{ "(202) 555-0100", 1, "+1 2025550100" },
		{ "+44 20 7946 0958", KR, "+44 2079460958" },
		{ "+852 2123 4567", KR, "+852 21234567" },
		{ "anonymous", KR, "" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct phone p, q;
		char buf[40];
		assert_int_equal(phone_parse(rows[i].in, strlen(rows[i].in), rows[i].dcc, &p, NULL), 0);
		int n = phone_format(&p, buf, sizeof buf);
		assert_string_equal(buf, rows[i].out);
		assert_int_equal(n, (int)strlen(rows[i].out));
		/* display text reads back as the same number */
		assert_int_equal(phone_parse(buf, (size_t)n, KR, &q, NULL), 0);
		assert_int_equal(phone_key(&q), phone_key(&p));
	}
}

static void test_format_truncates_like_snprintf(void **state)
{
	(void)state;
	struct phone p;
	char buf[6];
	assert_int_equal(phone_parse("010-1234-5678", 13, KR, &p, NULL), 0);
	memset(buf, 'x', sizeof buf);
	assert_int_equal(phone_format(&p, buf, sizeof buf), 13);
	assert_string_equal(buf, "010-1");
	assert_int_equal(phone_format(&p, NULL, 0), 13);
	assert_int_equal(phone_format(NULL, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

/* Structs not made by phone_parse must not make format or key misbehave. */
static void test_hand_made_structs_are_safe(void **state)
{
	(void)state;
	struct phone p;
	char buf[64];
	memset(&p, 0xff, sizeof p);
	p.kind = PHONE_MOBILE;
	p.country = PHONE_CC_KOREA;
	assert_true(phone_key(&p) != PHONE_KEY_WITHHELD);
	assert_true(phone_format(&p, buf, sizeof buf) == 0); /* no NUL in canon */
	strcpy(p.canon, "+82ab");
	assert_true(phone_format(&p, buf, sizeof buf) > 0);
	strcpy(p.canon, "+8");
	assert_true(phone_format(&p, buf, sizeof buf) >= 0);
	p.kind = PHONE_SERVICE;
	strcpy(p.canon, "+821234567890123456");
	assert_true(phone_format(&p, buf, sizeof buf) > 0);
	p.kind = (enum phone_kind)77;
	assert_int_equal(phone_key(&p), PHONE_KEY_WITHHELD);
	assert_int_equal(phone_format(&p, buf, sizeof buf), 0);
}

static void test_emergency(void **state)
{
	(void)state;
	static const char *const yes[] = { "112", "119", "122", "sip:112@ims", "1 1 9" };
	static const char *const no[] = { "114", "1332", "1120", "1588-1234", "010-1234-5678",
	                                  "+1 202 555 0100", "anonymous", "02-112-1190" };
	struct phone p;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		assert_int_equal(phone_parse(yes[i], strlen(yes[i]), KR, &p, NULL), 0);
		assert_true(phone_is_emergency(&p));
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		assert_int_equal(phone_parse(no[i], strlen(no[i]), KR, &p, NULL), 0);
		assert_false(phone_is_emergency(&p));
	}
	assert_false(phone_is_emergency(NULL));
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(phone_kind_name(PHONE_WITHHELD), "withheld");
	assert_string_equal(phone_kind_name(PHONE_MOBILE), "mobile");
	assert_string_equal(phone_kind_name(PHONE_LANDLINE), "landline");
	assert_string_equal(phone_kind_name(PHONE_SAFE), "safe");
	assert_string_equal(phone_kind_name(PHONE_PREMIUM), "premium");
	assert_string_equal(phone_kind_name(PHONE_VOIP), "voip");
	assert_string_equal(phone_kind_name(PHONE_FREEPHONE), "freephone");
	assert_string_equal(phone_kind_name(PHONE_SERVICE), "service");
	assert_string_equal(phone_kind_name(PHONE_SHORT), "short");
	assert_string_equal(phone_kind_name(PHONE_FOREIGN), "foreign");
	assert_string_equal(phone_kind_name(PHONE_KIND_COUNT), "invalid");
	assert_string_equal(phone_kind_name((enum phone_kind)-1), "invalid");
}

/* The embedded country-code table: a sample of assigned codes of every
 * length and zone must each be found as itself (which fails if the table is
 * unsorted or a shorter code shadows a longer one), and spare codes must not. */
static void test_country_code_table(void **state)
{
	(void)state;
	static const uint16_t assigned[] = {
		7, 20, 27, 30, 36, 39, 40, 49, 51, 58, 60, 66, 81, 84, 86, 90, 95, 98,
		211, 212, 218, 220, 229, 230, 249, 250, 258, 260, 269, 290, 291, 297, 299,
		350, 359, 370, 379, 380, 383, 385, 389, 420, 421, 423, 500, 509, 590, 599,
		670, 672, 683, 685, 692, 800, 808, 850, 852, 853, 855, 856, 870, 880, 883,
		886, 888, 960, 968, 970, 977, 979, 992, 998,
	};
	static const uint16_t spare[] = {
		210, 214, 259, 280, 289, 292, 384, 422, 424, 671, 684, 693, 801, 830, 851,
		857, 884, 889, 890, 969, 978, 990, 997, 999,
	};
	char buf[32];
	struct phone p;
	for (size_t i = 0; i < sizeof assigned / sizeof assigned[0]; i++) {
		/* 10 national digits fit every length rule but Hong Kong's and Macau's */
		const char *nsn = assigned[i] == 852 || assigned[i] == 853 ? "23456789" : "2345678901";
		int n = snprintf(buf, sizeof buf, "+%u %s", assigned[i], nsn);
		const char *why = NULL;
		if (phone_parse(buf, (size_t)n, KR, &p, &why) != 0 || p.country != assigned[i])
			fail_msg("%s: %s country %u", buf, why ? why : "ok", p.country);
	}
	for (size_t i = 0; i < sizeof spare / sizeof spare[0]; i++) {
		int n = snprintf(buf, sizeof buf, "+%u 23456789", spare[i]);
		assert_int_equal(phone_parse(buf, (size_t)n, KR, &p, NULL), OMB_EINVAL);
	}
}

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Writes a random valid Korean mobile number in a random written form. */
static int random_mobile(char *buf, size_t size, char *canon)
{
	static const char *const legacy[] = { "11", "16", "17", "18", "19" };
	const char *pre = "10";
	unsigned sub_len = 8;
	if (rnd() % 4 == 0) {
		pre = legacy[rnd() % 5];
		sub_len = 7 + (unsigned)(rnd() % 2);
	}
	char sub[9];
	for (unsigned i = 0; i < sub_len; i++)
		sub[i] = (char)('0' + rnd() % 10);
	sub[sub_len] = '\0';
	unsigned mid = sub_len - 4;
	snprintf(canon, PHONE_CANON_MAX, "+82%s%s", pre, sub);
	switch (rnd() % 8) {
	case 0: return snprintf(buf, size, "0%s-%.*s-%s", pre, (int)mid, sub, sub + mid);
	case 1: return snprintf(buf, size, "0%s%s", pre, sub);
	case 2: return snprintf(buf, size, "+82 %s %.*s %s", pre, (int)mid, sub, sub + mid);
	case 3: return snprintf(buf, size, "tel:+82-%s-%.*s-%s", pre, (int)mid, sub, sub + mid);
	case 4: return snprintf(buf, size, "sip:0%s%s@ims.example;user=phone", pre, sub);
	case 5: return snprintf(buf, size, "0082 %s %s", pre, sub);
	case 6: return snprintf(buf, size, "00700 82 (0)%s %s", pre, sub);
	default: return snprintf(buf, size, "\"X\" <sips:+82%s%s@h>", pre, sub);
	}
}

static void test_property_mobile_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 100000; i++) {
		char in[64], canon[PHONE_CANON_MAX], shown[32];
		int n = random_mobile(in, sizeof in, canon);
		struct phone p, q;
		const char *why = NULL;
		if (phone_parse(in, (size_t)n, KR, &p, &why) != 0)
			fail_msg("'%s' rejected: %s", in, why);
		if (strcmp(p.canon, canon) != 0 || p.kind != PHONE_MOBILE)
			fail_msg("'%s' -> '%s' %s", in, p.canon, phone_kind_name(p.kind));
		int m = phone_format(&p, shown, sizeof shown);
		if (phone_parse(shown, (size_t)m, KR, &q, &why) != 0)
			fail_msg("'%s' (from '%s') rejected: %s", shown, in, why);
		if (q.kind != p.kind || q.country != p.country || strcmp(q.canon, p.canon) != 0 ||
		    phone_key(&q) != phone_key(&p))
			fail_msg("'%s' -> '%s' -> '%s'", in, shown, q.canon);
	}
}

/* Random numbers of every Korean kind and some foreign ones: two numbers
 * share a key exactly when they share canonical text. */
struct kc { uint64_t key; char canon[PHONE_CANON_MAX]; };

static int kc_cmp(const void *a, const void *b)
{
	const struct kc *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

static void test_property_keys_collision_free(void **state)
{
	(void)state;
	static const char *const patterns[] = {
		"010########", "011#######", "02#######", "02########", "031########",
		"0505#######", "070########", "1588####", "1##", "1###", "+1 2##2######",
		"+44 ##########", "+39 0#######", "+39 #######", "+262 ########", "+26 2########",
		"+82 2########", "+7 9#########",
	};
	enum { N = 200000 };
	struct kc *all = calloc(N, sizeof *all);
	assert_non_null(all);
	size_t have = 0;
	for (int i = 0; i < N; i++) {
		const char *pat = patterns[rnd() % (sizeof patterns / sizeof patterns[0])];
		char in[32];
		size_t k = 0;
		for (; pat[k]; k++)
			in[k] = pat[k] == '#' ? (char)('0' + rnd() % 10) : pat[k];
		struct phone p;
		if (phone_parse(in, k, KR, &p, NULL) != 0)
			continue; /* e.g. +26 is not assigned, NANP exchange 1xx */
		all[have].key = phone_key(&p);
		assert_true(all[have].key != PHONE_KEY_WITHHELD);
		memcpy(all[have].canon, p.canon, sizeof p.canon);
		have++;
	}
	assert_true(have > N / 2);
	qsort(all, have, sizeof *all, kc_cmp);
	for (size_t i = 1; i < have; i++)
		if (all[i].key == all[i - 1].key && strcmp(all[i].canon, all[i - 1].canon) != 0)
			fail_msg("'%s' and '%s' share a key", all[i].canon, all[i - 1].canon);
	free(all);
}

/* The key's fields (phone.c) read back from canonical text of every digit
 * count, whatever bytes follow the terminating NUL: the digits are read
 * eight at a time, so counts around 8 and the 14-digit cap matter. */
static void test_key_fields_every_length(void **state)
{
	(void)state;
	static const char digits[] = "9876543210123456";
	for (unsigned cc_len = 1; cc_len <= 3; cc_len++) {
		uint16_t cc = cc_len == 1 ? 7 : cc_len == 2 ? 44 : 262;
		for (unsigned k = 1; k <= 15; k++) { /* 15: one past the 14-digit cap */
			for (int junk = 0; junk < 3; junk++) {
				struct phone p;
				memset(&p, junk == 0 ? 0 : junk == 1 ? '5' : 0xff, sizeof p);
				p.kind = PHONE_FOREIGN;
				p.country = cc;
				int len = snprintf(p.canon, sizeof p.canon, "+%u%.*s", cc, (int)k, digits);
				assert_true(len < (int)sizeof p.canon);
				unsigned n = k < 14 ? k : 14;
				uint64_t v = 0;
				for (unsigned i = 0; i < n; i++)
					v = v * 10 + (uint64_t)(digits[i] - '0');
				uint64_t key = phone_key(&p);
				assert_int_equal(key >> 52, cc);
				assert_int_equal((key >> 51) & 1, 0);
				assert_int_equal((key >> 47) & 0xf, n);
				assert_int_equal(key & ((1ULL << 47) - 1), v);
			}
		}
	}
	struct phone sc;
	memset(&sc, '1', sizeof sc);
	sc.kind = PHONE_SHORT;
	sc.country = PHONE_CC_KOREA;
	snprintf(sc.canon, sizeof sc.canon, "112");
	uint64_t key = phone_key(&sc);
	assert_int_equal((key >> 51) & 1, 1);
	assert_int_equal((key >> 47) & 0xf, 3);
	assert_int_equal(key & ((1ULL << 47) - 1), 112);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted_forms),
		cmocka_unit_test(test_keys_follow_canonical_text),
		cmocka_unit_test(test_distinct_numbers_distinct_keys),
		cmocka_unit_test(test_rejected_inputs),
		cmocka_unit_test(test_reasons_name_the_problem),
		cmocka_unit_test(test_not_nul_terminated_and_null_args),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates_like_snprintf),
		cmocka_unit_test(test_hand_made_structs_are_safe),
		cmocka_unit_test(test_emergency),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_country_code_table),
		cmocka_unit_test(test_property_mobile_round_trip),
		cmocka_unit_test(test_property_keys_collision_free),
		cmocka_unit_test(test_key_fields_every_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
