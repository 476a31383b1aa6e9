/* credential.c — libsodium-backed credentials. */
#include "base/credential.h"

#include <sodium.h>
#include <string.h>

#include "base/err.h"

/* Interactive limits: ~64 MiB and a few tens of milliseconds per hash here,
 * which with login rate limiting makes guessing impractical. */
#define PW_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

static const char base32[] = "abcdefghijkmnpqrstuvwxyz23456789";

int cred_init(void)
{
	return sodium_init() < 0 ? OMB_EIO : OMB_OK;
}

int cred_password_hash(const char *password, char out[CRED_PWHASH_MAX])
{
	_Static_assert(CRED_PWHASH_MAX >= crypto_pwhash_STRBYTES, "room for the encoded hash");
	if (crypto_pwhash_str_alg(out, password, strlen(password), PW_OPS, PW_MEM,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return OMB_EINVAL;
	return OMB_OK;
}

bool cred_password_verify(const char *stored, const char *password)
{
	return crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
}

void cred_password_burn(void)
{
	char dummy[CRED_PWHASH_MAX];
	(void)cred_password_hash("not a password", dummy);
}

void cred_token_new(const char *prefix, char token[CRED_TOKEN_MAX], char selector[16])
{
	uint8_t sel[12], secret[32];
	randombytes_buf(sel, sizeof sel);
	randombytes_buf(secret, sizeof secret);
	for (size_t i = 0; i < sizeof sel; i++)
		selector[i] = base32[sel[i] & 31];
	selector[sizeof sel] = '\0';
	char b64[64];
	sodium_bin2base64(b64, sizeof b64, secret, sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(token, CRED_TOKEN_MAX, "%s_%s_%s", prefix, selector, b64);
}

bool cred_token_selector(const char *token, const char *prefix, char selector[16])
{
	size_t plen = strlen(prefix);
	if (strncmp(token, prefix, plen) != 0 || token[plen] != '_')
		return false;
	const char *s = token + plen + 1;
	for (int i = 0; i < 12; i++)
		if (!s[i] || !strchr(base32, s[i]))
			return false;
	if (s[12] != '_' || strlen(s + 13) != 43)
		return false;
	memcpy(selector, s, 12);
	selector[12] = '\0';
	return true;
}

static void code_from(const char *alphabet, uint32_t n_alpha, char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(n_alpha)];
	out[n] = '\0';
}

void cred_code_digits(char *out, size_t n)
{
	code_from("0123456789", 10, out, n);
}

void cred_code_alnum(char *out, size_t n)
{
	static const char alpha[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	code_from(alpha, sizeof alpha - 1, out, n);
}

void cred_hash(const uint8_t key[CRED_KEY_BYTES], const char *s, size_t len, uint8_t out[CRED_HASH_BYTES])
{
	crypto_generichash(out, CRED_HASH_BYTES, (const unsigned char *)s, len, key, CRED_KEY_BYTES);
}

bool cred_hash_equal(const uint8_t a[CRED_HASH_BYTES], const uint8_t b[CRED_HASH_BYTES])
{
	return sodium_memcmp(a, b, CRED_HASH_BYTES) == 0;
}

void cred_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}
