/* chain.h — the tamper-evident case history.
 *
 * Owns the canonical encoding of one history event (docs/chain.md), the hash
 * chain over it (SHA-256 of the previous hash and the encoding), the salted
 * commitment that stands in the chain for personal data kept beside it, the
 * Ed25519 signature of chain heads, and verification of a whole history
 * against its stored hashes and any number of signed heads. It does not store
 * anything, choose keys, or know what the events mean (case.c).
 *
 * Canonical encoding of an event (all integers big-endian):
 *   encoding := field*            (in exactly the order below)
 *   field    := u32 length || length bytes
 *    1 tag              "ombud-event-v1"
 *    2 receipt          UTF-8, e.g. "KB-2026-0000123"
 *    3 seq              u64, position in the case history, from 0
 *    4 at_ms            i64 (two's complement), ms since the Unix epoch
 *    5 kind             UTF-8 event kind name ("opened", "message", ...)
 *    6 actor_role       UTF-8 role name ("customer", "agent", ...)
 *    7 actor_org        UTF-8 organisation code, "" for customer and system
 *    8 actor_staff      UTF-8 stable staff code, "" for customer and system
 *    9 level_before     u8, 0 = none, 1-5 = L1-L5
 *   10 level_after      u8
 *   11 cause            UTF-8 escalation cause name, "" if none
 *   12 deadline_set     UTF-8 deadline kind started by the event, "" if none
 *   13 deadline_due_ms  i64, due time of that deadline, 0 if none
 *   14 deadline_met     UTF-8 deadline kind the event met, "" if none
 *   15 deadline_missed  UTF-8 deadline kind the event records as missed, "" if none
 *   16 flags            u32: bit 0 repeated answer, bit 1 deadline met in time
 *   17 reply_class      UTF-8 "human" / "template" / "automatic", "" if not a reply
 *   18 detail           UTF-8 other public facts (channel, assignee code...), "" if none
 *   19 commitment       0 bytes, or 32 bytes of the personal-data commitment
 * hash(-1)  := 32 zero bytes
 * hash(i)   := SHA-256(hash(i-1) || encoding(event i))
 * commitment := BLAKE2b-256 keyed with a 32-byte random salt over the personal
 *               data fields, each as u32 length || bytes
 * head message := field* of: "ombud-head-v1", receipt, u64 seq, 32-byte hash,
 *                 i64 signed_at_ms; signature := Ed25519 over the head message
 *
 * Pure apart from chain_salt_new and chain_keypair (randomness). Any thread
 * may call it once sodium_init() has succeeded (main.c does that). */
#ifndef OMBUD_DESK_CHAIN_H
#define OMBUD_DESK_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHAIN_HASH_BYTES   32
#define CHAIN_SALT_BYTES   32
#define CHAIN_COMMIT_BYTES 32
#define CHAIN_PK_BYTES     32
#define CHAIN_SK_BYTES     64
#define CHAIN_SIG_BYTES    64

#define CHAIN_FLAG_REPEATED 0x1u /* the reply repeats an earlier answer */
#define CHAIN_FLAG_IN_TIME  0x2u /* the deadline in deadline_met was met before due */

/* One event as stored. Strings are borrowed, UTF-8, NUL-terminated, never
 * NULL (use ""). */
struct chain_event {
	const char *receipt;
	uint64_t seq;
	int64_t at_ms;
	const char *kind;
	const char *actor_role;
	const char *actor_org;
	const char *actor_staff;
	uint8_t level_before;
	uint8_t level_after;
	const char *cause;
	const char *deadline_set;
	int64_t deadline_due_ms;
	const char *deadline_met;
	const char *deadline_missed;
	uint32_t flags;
	const char *reply_class;
	const char *detail;
	bool has_commitment;
	uint8_t commitment[CHAIN_COMMIT_BYTES];
};

/* One piece of personal data (name, contact, subject, text...). Borrowed. */
struct chain_datum {
	const void *data;
	size_t len;
};

/* A signed chain head: the hash after event `seq` of the case `receipt`. */
struct chain_head {
	uint64_t seq;
	uint8_t hash[CHAIN_HASH_BYTES];
	int64_t signed_at_ms;
	uint8_t sig[CHAIN_SIG_BYTES];
};

enum chain_fault {
	CHAIN_INTACT = 0,
	CHAIN_SEQ_GAP,         /* events[i].seq != i: an event is missing or out of order */
	CHAIN_EVENT_ALTERED,   /* event i no longer hashes to its stored hash */
	CHAIN_HEAD_FORGED,     /* heads[head]'s signature does not verify */
	CHAIN_HEAD_BEYOND_END, /* heads[head] signs an event the history no longer has */
	CHAIN_HEAD_MISMATCH,   /* history differs from what heads[head] signed: edited and re-chained */
	CHAIN_DATA_ALTERED,    /* what is kept beside event i no longer matches its commitment: never set
				* by chain_verify, which does not see that data; set by its caller */
};

struct chain_report {
	enum chain_fault fault;
	uint64_t event;        /* SEQ_GAP, EVENT_ALTERED, DATA_ALTERED: the event index; HEAD_*: the head's seq */
	size_t head;           /* HEAD_*: index into the heads array */
	uint64_t changed_from; /* HEAD_MISMATCH: the change lies in events changed_from..event */
};

/* Canonical encoding of e (see above). Returns a new buffer of *len bytes;
 * caller frees with free(). */
uint8_t *chain_encode(const struct chain_event *e, size_t *len);

/* out := SHA-256(prev || encoding(e)); prev NULL means the 32 zero bytes that
 * precede the first event. out may not alias prev. */
void chain_link(const uint8_t prev[CHAIN_HASH_BYTES], const struct chain_event *e,
                uint8_t out[CHAIN_HASH_BYTES]);

/* Fills salt with fresh random bytes. Keep the salt beside the personal data
 * and erase both together. */
void chain_salt_new(uint8_t salt[CHAIN_SALT_BYTES]);

/* out := salted commitment to data[0..n). */
void chain_commit(const uint8_t salt[CHAIN_SALT_BYTES], const struct chain_datum *data, size_t n,
                  uint8_t out[CHAIN_COMMIT_BYTES]);

/* True when data[0..n) under salt matches commitment (constant-time compare). */
bool chain_commit_check(const uint8_t salt[CHAIN_SALT_BYTES], const struct chain_datum *data,
                        size_t n, const uint8_t commitment[CHAIN_COMMIT_BYTES]);

/* New Ed25519 key pair for an organisation. */
void chain_keypair(uint8_t pk[CHAIN_PK_BYTES], uint8_t sk[CHAIN_SK_BYTES]);

/* Signs h (seq, hash, signed_at_ms already set) for case `receipt`: fills h->sig. */
void chain_head_sign(const char *receipt, struct chain_head *h, const uint8_t sk[CHAIN_SK_BYTES]);

/* True when h->sig is the organisation's signature of h for `receipt`. */
bool chain_head_verify(const char *receipt, const struct chain_head *h,
                       const uint8_t pk[CHAIN_PK_BYTES]);

/* Verifies the history events[0..n) of case `receipt`:
 *   1. events[i].seq == i, and, when stored is not NULL, each recomputed hash
 *      equals stored[i] (the hash the store kept): names the first altered event;
 *   2. every head in heads[0..n_heads) carries the organisation's signature,
 *      lies within the history, and equals the recomputed hash at its seq; a
 *      history edited and wholly re-chained passes step 1 but fails here, and
 *      the report bounds the change between the last matching head and it.
 * Returns 0 when intact, OMB_ECONFLICT with *rep describing the first fault.
 * rep is always filled. */
int chain_verify(const char *receipt, const struct chain_event *events,
                 const uint8_t (*stored)[CHAIN_HASH_BYTES], size_t n,
                 const struct chain_head *heads, size_t n_heads,
                 const uint8_t pk[CHAIN_PK_BYTES], struct chain_report *rep);

/* The same, with each head checked against its own key: pks[j] is the
 * public key of the organisation's key that signed heads[j] (keys rotate;
 * every head keeps the key it was signed with). */
int chain_verify_keyed(const char *receipt, const struct chain_event *events,
                       const uint8_t (*stored)[CHAIN_HASH_BYTES], size_t n,
                       const struct chain_head *heads, size_t n_heads,
                       const uint8_t (*pks)[CHAIN_PK_BYTES], struct chain_report *rep);

/* Stable name of a fault ("intact", "event_altered", ...); never NULL. */
const char *chain_fault_name(enum chain_fault fault);

#endif
