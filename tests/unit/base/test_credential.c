/* test_credential.c — password hashes, tokens, typed codes and keyed hashes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/credential.h"
#include "base/err.h"

static int setup(void **state)
{
	return cred_init() == OMB_OK ? 0 : -1;
}

static void password_hash_verifies_only_the_password(void **state)
{
	char a[CRED_PWHASH_MAX], b[CRED_PWHASH_MAX];
	assert_int_equal(cred_password_hash("correct horse battery", a), OMB_OK);
	assert_true(strncmp(a, "$argon2id$", 10) == 0);
	assert_true(cred_password_verify(a, "correct horse battery"));
	assert_false(cred_password_verify(a, "correct horse batterY"));
	assert_false(cred_password_verify(a, ""));
	/* A fresh salt each time: equal passwords do not give equal hashes. */
	assert_int_equal(cred_password_hash("correct horse battery", b), OMB_OK);
	assert_string_not_equal(a, b);
	assert_true(cred_password_verify(b, "correct horse battery"));
	assert_false(cred_password_verify("not a hash", "correct horse battery"));
	assert_false(cred_password_verify("", ""));
}

static bool all_in(const char *s, const char *alphabet)
{
	return s[strspn(s, alphabet)] == '\0';
}

static void token_has_prefix_selector_and_secret(void **state)
{
	char token[CRED_TOKEN_MAX], selector[16], got[16];
	cred_token_new("ombs", token, selector);
	assert_int_equal(strlen(selector), 12);
	assert_true(all_in(selector, "abcdefghijkmnpqrstuvwxyz23456789"));
	assert_int_equal(strlen(token), 4 + 1 + 12 + 1 + 43);
	assert_memory_equal(token, "ombs_", 5);
	assert_memory_equal(token + 5, selector, 12);
	assert_int_equal(token[17], '_');
	assert_true(all_in(token + 18, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"));

	assert_true(cred_token_selector(token, "ombs", got));
	assert_string_equal(got, selector);

	char other[CRED_TOKEN_MAX], other_sel[16];
	cred_token_new("ombs", other, other_sel);
	assert_string_not_equal(token, other);
	assert_string_not_equal(selector, other_sel);
}

static void malformed_tokens_have_no_selector(void **state)
{
	char token[CRED_TOKEN_MAX], selector[16], got[16], bad[CRED_TOKEN_MAX + 8];
	cred_token_new("ombs", token, selector);

	assert_false(cred_token_selector(token, "ombk", got));      /* another kind of token */
	assert_false(cred_token_selector(token, "omb", got));       /* prefix must end at '_' */
	assert_false(cred_token_selector("", "ombs", got));
	assert_false(cred_token_selector("ombs", "ombs", got));
	assert_false(cred_token_selector("ombs_", "ombs", got));

	snprintf(bad, sizeof bad, "%.*s", (int)strlen(token) - 1, token); /* secret one short */
	assert_false(cred_token_selector(bad, "ombs", got));
	snprintf(bad, sizeof bad, "%sA", token);                    /* secret one long */
	assert_false(cred_token_selector(bad, "ombs", got));

	const char *not_base32 = "0O1lIL";                          /* characters the selector never has */
	for (const char *c = not_base32; *c; c++) {
		snprintf(bad, sizeof bad, "%s", token);
		bad[9] = *c;
		assert_false(cred_token_selector(bad, "ombs", got));
	}
	snprintf(bad, sizeof bad, "%s", token);
	bad[17] = '.';                                              /* separator after the selector */
	assert_false(cred_token_selector(bad, "ombs", got));
	snprintf(bad, sizeof bad, "ombs_%.11s_%s", selector, token + 18); /* selector too short */
	assert_false(cred_token_selector(bad, "ombs", got));
}

static void codes_use_their_alphabet_and_length(void **state)
{
	char code[33], again[33];
	for (int i = 0; i < 50; i++) {
		cred_code_digits(code, 6);
		assert_int_equal(strlen(code), 6);
		assert_true(all_in(code, "0123456789"));
		cred_code_alnum(code, 32);
		assert_int_equal(strlen(code), 32);
		assert_true(all_in(code, "ABCDEFGHJKMNPQRSTUVWXYZ23456789"));
		assert_null(strpbrk(code, "0O1IL"));
	}
	cred_code_alnum(again, 32);
	assert_string_not_equal(code, again);
	cred_code_digits(code, 0);
	assert_string_equal(code, "");
}

static void keyed_hash_depends_on_key_and_input(void **state)
{
	uint8_t k1[CRED_KEY_BYTES], k2[CRED_KEY_BYTES];
	uint8_t h1[CRED_HASH_BYTES], h1b[CRED_HASH_BYTES], h2[CRED_HASH_BYTES], h3[CRED_HASH_BYTES];
	cred_random(k1, sizeof k1);
	memcpy(k2, k1, sizeof k2);
	k2[0] ^= 1;
	cred_hash(k1, "ombs_token", 10, h1);
	cred_hash(k1, "ombs_token", 10, h1b);
	cred_hash(k2, "ombs_token", 10, h2);
	cred_hash(k1, "ombs_tokeN", 10, h3);
	assert_true(cred_hash_equal(h1, h1b));
	assert_memory_equal(h1, h1b, CRED_HASH_BYTES);
	assert_false(cred_hash_equal(h1, h2));
	assert_false(cred_hash_equal(h1, h3));
	/* len is honoured: a prefix hashes differently from the whole. */
	cred_hash(k1, "ombs_token", 9, h3);
	assert_false(cred_hash_equal(h1, h3));
}

static void hash_equal_compares_every_byte(void **state)
{
	uint8_t a[CRED_HASH_BYTES], b[CRED_HASH_BYTES];
	cred_random(a, sizeof a);
	memcpy(b, a, sizeof b);
	assert_true(cred_hash_equal(a, b));
	b[0] ^= 0x80;
	assert_false(cred_hash_equal(a, b));
	b[0] ^= 0x80;
	b[CRED_HASH_BYTES - 1] ^= 1;
	assert_false(cred_hash_equal(a, b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_hash_verifies_only_the_password),
		cmocka_unit_test(token_has_prefix_selector_and_secret),
		cmocka_unit_test(malformed_tokens_have_no_selector),
		cmocka_unit_test(codes_use_their_alphabet_and_length),
		cmocka_unit_test(keyed_hash_depends_on_key_and_input),
		cmocka_unit_test(hash_equal_compares_every_byte),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
