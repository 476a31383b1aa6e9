/* chain.c — canonical encoding, SHA-256 chain, commitments, signed heads. */
#include "desk/chain.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

#define EVENT_FIELDS 19
#define HEAD_FIELDS 5

/* A field before encoding; integers are serialised into num first. */
struct field {
	const uint8_t *p;
	size_t len;
	uint8_t num[8];
};

static void put_be(uint8_t *out, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++)
		out[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

static void text_field(struct field *f, const char *s)
{
	f->p = (const uint8_t *)s;
	f->len = strlen(s);
}

static void bytes_field(struct field *f, const uint8_t *p, size_t len)
{
	f->p = p;
	f->len = len;
}

static void uint_field(struct field *f, uint64_t v, size_t width)
{
	put_be(f->num, v, width);
	f->p = f->num;
	f->len = width;
}

/* Writes u32 length || bytes for each field into one new buffer. */
static uint8_t *encode_fields(const struct field *f, size_t n, size_t *len)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += 4 + f[i].len;
	uint8_t *buf = xmalloc(total ? total : 1);
	uint8_t *w = buf;
	for (size_t i = 0; i < n; i++) {
		put_be(w, (uint64_t)f[i].len, 4);
		if (f[i].len)
			memcpy(w + 4, f[i].p, f[i].len);
		w += 4 + f[i].len;
	}
	*len = total;
	return buf;
}

uint8_t *chain_encode(const struct chain_event *e, size_t *len)
{
	struct field f[EVENT_FIELDS];
	text_field(&f[0], "ombud-event-v1");
	text_field(&f[1], e->receipt);
	uint_field(&f[2], e->seq, 8);
	uint_field(&f[3], (uint64_t)e->at_ms, 8);
	text_field(&f[4], e->kind);
	text_field(&f[5], e->actor_role);
	text_field(&f[6], e->actor_org);
	text_field(&f[7], e->actor_staff);
	uint_field(&f[8], e->level_before, 1);
	uint_field(&f[9], e->level_after, 1);
	text_field(&f[10], e->cause);
	text_field(&f[11], e->deadline_set);
	uint_field(&f[12], (uint64_t)e->deadline_due_ms, 8);
	text_field(&f[13], e->deadline_met);
	text_field(&f[14], e->deadline_missed);
	uint_field(&f[15], e->flags, 4);
	text_field(&f[16], e->reply_class);
	text_field(&f[17], e->detail);
	bytes_field(&f[18], e->commitment, e->has_commitment ? CHAIN_COMMIT_BYTES : 0);
	return encode_fields(f, EVENT_FIELDS, len);
}

void chain_link(const uint8_t prev[CHAIN_HASH_BYTES], const struct chain_event *e,
                uint8_t out[CHAIN_HASH_BYTES])
{
	static const uint8_t genesis[CHAIN_HASH_BYTES];
	size_t len;
	uint8_t *enc = chain_encode(e, &len);
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev ? prev : genesis, CHAIN_HASH_BYTES);
	crypto_hash_sha256_update(&st, enc, len);
	crypto_hash_sha256_final(&st, out);
	free(enc);
}

void chain_salt_new(uint8_t salt[CHAIN_SALT_BYTES])
{
	randombytes_buf(salt, CHAIN_SALT_BYTES);
}

void chain_commit(const uint8_t salt[CHAIN_SALT_BYTES], const struct chain_datum *data, size_t n,
                  uint8_t out[CHAIN_COMMIT_BYTES])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, salt, CHAIN_SALT_BYTES, CHAIN_COMMIT_BYTES);
	for (size_t i = 0; i < n; i++) {
		uint8_t len[4];
		put_be(len, (uint64_t)data[i].len, 4);
		crypto_generichash_update(&st, len, sizeof len);
		crypto_generichash_update(&st, data[i].data, data[i].len);
	}
	crypto_generichash_final(&st, out, CHAIN_COMMIT_BYTES);
}

bool chain_commit_check(const uint8_t salt[CHAIN_SALT_BYTES], const struct chain_datum *data,
                        size_t n, const uint8_t commitment[CHAIN_COMMIT_BYTES])
{
	uint8_t mine[CHAIN_COMMIT_BYTES];
	chain_commit(salt, data, n, mine);
	return sodium_memcmp(mine, commitment, CHAIN_COMMIT_BYTES) == 0;
}

void chain_keypair(uint8_t pk[CHAIN_PK_BYTES], uint8_t sk[CHAIN_SK_BYTES])
{
	crypto_sign_keypair(pk, sk);
}

static uint8_t *head_message(const char *receipt, const struct chain_head *h, size_t *len)
{
	struct field f[HEAD_FIELDS];
	text_field(&f[0], "ombud-head-v1");
	text_field(&f[1], receipt);
	uint_field(&f[2], h->seq, 8);
	bytes_field(&f[3], h->hash, CHAIN_HASH_BYTES);
	uint_field(&f[4], (uint64_t)h->signed_at_ms, 8);
	return encode_fields(f, HEAD_FIELDS, len);
}

void chain_head_sign(const char *receipt, struct chain_head *h, const uint8_t sk[CHAIN_SK_BYTES])
{
	size_t len;
	uint8_t *msg = head_message(receipt, h, &len);
	crypto_sign_detached(h->sig, NULL, msg, len, sk);
	free(msg);
}

bool chain_head_verify(const char *receipt, const struct chain_head *h,
                       const uint8_t pk[CHAIN_PK_BYTES])
{
	size_t len;
	uint8_t *msg = head_message(receipt, h, &len);
	bool ok = crypto_sign_verify_detached(h->sig, msg, len, pk) == 0;
	free(msg);
	return ok;
}

static int fault(struct chain_report *rep, enum chain_fault what, uint64_t event, size_t head)
{
	rep->fault = what;
	rep->event = event;
	rep->head = head;
	return OMB_ECONFLICT;
}

/* Checks the heads against the recomputed hashes. Among mismatching heads the
 * one with the lowest seq is reported, bounded below by the highest matching
 * head before it. */
static int check_heads(const char *receipt, const uint8_t (*hashes)[CHAIN_HASH_BYTES], size_t n,
                       const struct chain_head *heads, size_t n_heads,
                       const uint8_t (*pks)[CHAIN_PK_BYTES], size_t pk_step, struct chain_report *rep)
{
	size_t bad = n_heads;
	for (size_t j = 0; j < n_heads; j++) {
		const struct chain_head *h = &heads[j];
		if (!chain_head_verify(receipt, h, pks[j * pk_step]))
			return fault(rep, CHAIN_HEAD_FORGED, h->seq, j);
		if (h->seq >= n)
			return fault(rep, CHAIN_HEAD_BEYOND_END, h->seq, j);
		bool same = sodium_memcmp(hashes[h->seq], h->hash, CHAIN_HASH_BYTES) == 0;
		if (!same && (bad == n_heads || h->seq < heads[bad].seq))
			bad = j;
	}
	if (bad == n_heads)
		return 0;
	uint64_t from = 0;
	for (size_t j = 0; j < n_heads; j++) {
		bool same = sodium_memcmp(hashes[heads[j].seq], heads[j].hash, CHAIN_HASH_BYTES) == 0;
		if (same && heads[j].seq < heads[bad].seq && heads[j].seq + 1 > from)
			from = heads[j].seq + 1;
	}
	rep->changed_from = from;
	return fault(rep, CHAIN_HEAD_MISMATCH, heads[bad].seq, bad);
}

/* pk_step 0: one key for every head; 1: a key per head. */
static int verify(const char *receipt, const struct chain_event *events,
                  const uint8_t (*stored)[CHAIN_HASH_BYTES], size_t n,
                  const struct chain_head *heads, size_t n_heads,
                  const uint8_t (*pks)[CHAIN_PK_BYTES], size_t pk_step, struct chain_report *rep)
{
	*rep = (struct chain_report){ .fault = CHAIN_INTACT };
	uint8_t (*hashes)[CHAIN_HASH_BYTES] = xmalloc((n ? n : 1) * sizeof *hashes);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (events[i].seq != i) {
			rc = fault(rep, CHAIN_SEQ_GAP, i, 0);
			break;
		}
		chain_link(i ? hashes[i - 1] : NULL, &events[i], hashes[i]);
		if (stored && sodium_memcmp(hashes[i], stored[i], CHAIN_HASH_BYTES) != 0)
			rc = fault(rep, CHAIN_EVENT_ALTERED, i, 0);
	}
	if (rc == 0)
		rc = check_heads(receipt, (const uint8_t(*)[CHAIN_HASH_BYTES])hashes, n, heads, n_heads, pks, pk_step,
				 rep);
	free(hashes);
	return rc;
}

int chain_verify(const char *receipt, const struct chain_event *events,
                 const uint8_t (*stored)[CHAIN_HASH_BYTES], size_t n,
                 const struct chain_head *heads, size_t n_heads,
                 const uint8_t pk[CHAIN_PK_BYTES], struct chain_report *rep)
{
	return verify(receipt, events, stored, n, heads, n_heads, (const uint8_t(*)[CHAIN_PK_BYTES])pk, 0, rep);
}

int chain_verify_keyed(const char *receipt, const struct chain_event *events,
                       const uint8_t (*stored)[CHAIN_HASH_BYTES], size_t n,
                       const struct chain_head *heads, size_t n_heads,
                       const uint8_t (*pks)[CHAIN_PK_BYTES], struct chain_report *rep)
{
	return verify(receipt, events, stored, n, heads, n_heads, pks, 1, rep);
}

const char *chain_fault_name(enum chain_fault f)
{
	switch (f) {
	case CHAIN_INTACT:
		return "intact";
	case CHAIN_SEQ_GAP:
		return "seq_gap";
	case CHAIN_EVENT_ALTERED:
		return "event_altered";
	case CHAIN_HEAD_FORGED:
		return "head_forged";
	case CHAIN_HEAD_BEYOND_END:
		return "head_beyond_end";
	case CHAIN_HEAD_MISMATCH:
		return "head_mismatch";
	case CHAIN_DATA_ALTERED:
		return "data_altered";
	}
	return "unknown";
}
