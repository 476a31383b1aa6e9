/* credential.h — passwords, random tokens and their stored forms (libsodium).
 *
 * Passwords are hashed with Argon2id and nothing else uses Argon2id. Every
 * other secret a person or machine holds — session tokens, API keys, access
 * codes, one-time codes — is random, shown once, and stored only as a keyed
 * BLAKE2b hash under the server's secret key, compared in constant time. */
#ifndef OMBUD_BASE_CREDENTIAL_H
#define OMBUD_BASE_CREDENTIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRED_KEY_BYTES   32
#define CRED_HASH_BYTES  32
#define CRED_PWHASH_MAX  128   /* room for an Argon2id encoded string */
#define CRED_TOKEN_MAX   96

/* Must be called once before any other function here (wraps sodium_init). */
int cred_init(void);

/* Argon2id hash of password into out (NUL-terminated). 0 or OMB_EINVAL. */
int cred_password_hash(const char *password, char out[CRED_PWHASH_MAX]);
bool cred_password_verify(const char *stored, const char *password);
/* Hashes a dummy password so a failed login on an unknown account takes
 * as long as one on a known account. */
void cred_password_burn(void);

/* A token "<prefix>_<selector>_<secret>": selector is 12 base32 characters
 * that name the record (stored in clear, used to look it up), secret is 32
 * random bytes in URL-safe base64. Writes NUL-terminated strings. */
void cred_token_new(const char *prefix, char token[CRED_TOKEN_MAX], char selector[16]);
/* Extracts the selector of a token made by cred_token_new with this prefix;
 * false when the token is malformed. */
bool cred_token_selector(const char *token, const char *prefix, char selector[16]);

/* A code people can type: n digits (one-time codes) or n characters of an
 * unambiguous alphabet (access codes: no 0/O/1/I/L). */
void cred_code_digits(char *out, size_t n);
void cred_code_alnum(char *out, size_t n);

/* Keyed BLAKE2b-256 of s under key. */
void cred_hash(const uint8_t key[CRED_KEY_BYTES], const char *s, size_t len, uint8_t out[CRED_HASH_BYTES]);
bool cred_hash_equal(const uint8_t a[CRED_HASH_BYTES], const uint8_t b[CRED_HASH_BYTES]);
/* Random bytes from the OS generator. */
void cred_random(void *buf, size_t n);

#endif
