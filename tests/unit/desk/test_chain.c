/* test_chain.c — canonical encoding, tamper and re-chain detection, erasure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "base/err.h"
#include "desk/case.h"
#include "desk/chain.h"
#include "desk_fixtures.h"

#define RECEIPT "KB-2026-0000123"
#define N 6

static uint8_t pk[CHAIN_PK_BYTES], sk[CHAIN_SK_BYTES];

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	chain_keypair(pk, sk);
	return 0;
}

static struct chain_event event(uint64_t seq, const char *kind)
{
	return (struct chain_event){
		.receipt = RECEIPT, .seq = seq, .at_ms = T0 + (int64_t)seq * HOUR, .kind = kind,
		.actor_role = "agent", .actor_org = "KB", .actor_staff = "KB-A-0042",
		.level_before = 1, .level_after = 1, .cause = "", .deadline_set = "",
		.deadline_met = "", .deadline_missed = "", .reply_class = "", .detail = "",
	};
}

/* A history of N events with stored hashes, and a signed head after each. */
struct history {
	struct chain_event ev[N];
	uint8_t stored[N][CHAIN_HASH_BYTES];
	struct chain_head heads[N];
};

static void rechain(struct history *h)
{
	for (size_t i = 0; i < N; i++)
		chain_link(i ? h->stored[i - 1] : NULL, &h->ev[i], h->stored[i]);
}

static void sign_head(struct history *h, size_t seq, const uint8_t *key)
{
	h->heads[seq] = (struct chain_head){ .seq = seq, .signed_at_ms = T0 + DAY };
	memcpy(h->heads[seq].hash, h->stored[seq], CHAIN_HASH_BYTES);
	chain_head_sign(RECEIPT, &h->heads[seq], key);
}

static void build(struct history *h)
{
	static const char *const kinds[N] = { "opened", "message", "demand", "escalated", "message", "accepted" };
	for (size_t i = 0; i < N; i++)
		h->ev[i] = event(i, kinds[i]);
	rechain(h);
	for (size_t i = 0; i < N; i++)
		sign_head(h, i, sk);
}

static void encoding_follows_the_spec(void **state)
{
	(void)state;
	struct chain_event e = event(1, "opened");
	size_t len;
	uint8_t *enc = chain_encode(&e, &len);
	/* field 1: u32 length 14, "ombud-event-v1" */
	static const uint8_t head[] = { 0, 0, 0, 14, 'o', 'm', 'b', 'u', 'd', '-', 'e', 'v', 'e', 'n', 't', '-', 'v', '1',
	                                0, 0, 0, 15, 'K', 'B', '-', '2', '0', '2', '6', '-', '0', '0', '0', '0', '1', '2', '3',
	                                0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1 };
	assert_true(len > sizeof head);
	assert_memory_equal(enc, head, sizeof head);
	/* 19 fields: 4-byte prefixes plus the contents. */
	size_t text = strlen("ombud-event-v1") + strlen(RECEIPT) + strlen("opened") + strlen("agent") +
	              strlen("KB") + strlen("KB-A-0042");
	size_t ints = 8 + 8 + 1 + 1 + 8 + 4;
	assert_int_equal(len, 19 * 4 + text + ints);
	/* The commitment is the last field: 32 bytes when present. */
	free(enc);
	e.has_commitment = true;
	memset(e.commitment, 0xab, sizeof e.commitment);
	enc = chain_encode(&e, &len);
	assert_int_equal(len, 19 * 4 + text + ints + 32);
	assert_int_equal(enc[len - 33], 32);
	assert_int_equal(enc[len - 1], 0xab);
	free(enc);
}

static void every_field_changes_the_hash(void **state)
{
	(void)state;
	struct chain_event base = event(0, "message"), e;
	uint8_t h0[CHAIN_HASH_BYTES], h1[CHAIN_HASH_BYTES];
	chain_link(NULL, &base, h0);
	e = base; e.at_ms++;                         chain_link(NULL, &e, h1); assert_memory_not_equal(h0, h1, 32);
	e = base; e.actor_role = "manager";          chain_link(NULL, &e, h1); assert_memory_not_equal(h0, h1, 32);
	e = base; e.level_after = 2;                 chain_link(NULL, &e, h1); assert_memory_not_equal(h0, h1, 32);
	e = base; e.flags = CHAIN_FLAG_REPEATED;     chain_link(NULL, &e, h1); assert_memory_not_equal(h0, h1, 32);
	e = base; e.reply_class = "template";        chain_link(NULL, &e, h1); assert_memory_not_equal(h0, h1, 32);
	/* Length prefixes keep field boundaries: moving a byte across fields shows. */
	e = base; e.actor_org = "KBK"; e.actor_staff = "B-A-0042"; chain_link(NULL, &e, h1);
	assert_memory_not_equal(h0, h1, 32);
	/* The previous hash is part of the link. */
	chain_link(h0, &base, h1);
	assert_memory_not_equal(h0, h1, 32);
}

static void intact_history_verifies(void **state)
{
	(void)state;
	struct history h;
	build(&h);
	struct chain_report rep;
	assert_int_equal(chain_verify(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, h.heads, N, pk, &rep), 0);
	assert_int_equal(rep.fault, CHAIN_INTACT);
	/* Without stored hashes, the heads alone vouch for the history. */
	assert_int_equal(chain_verify(RECEIPT, h.ev, NULL, N, h.heads, N, pk, &rep), 0);
}

static void tampered_event_is_named(void **state)
{
	(void)state;
	struct history h;
	build(&h);
	h.ev[2].kind = "note"; /* the demand rewritten in the store */
	struct chain_report rep;
	assert_int_equal(chain_verify(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, NULL, 0, pk, &rep),
	                 OMB_ECONFLICT);
	assert_int_equal(rep.fault, CHAIN_EVENT_ALTERED);
	assert_int_equal(rep.event, 2);
	assert_string_equal(chain_fault_name(rep.fault), "event_altered");
}

static void rechained_history_is_caught_by_earlier_head(void **state)
{
	(void)state;
	struct history h;
	build(&h);
	/* Heads published after events 1 and 4; then event 3 edited and everything
	 * re-chained so the stored hashes agree with the edited history. */
	struct chain_head published[] = { h.heads[4], h.heads[1] };
	h.ev[3].level_after = 3; /* the escalation rewritten to a higher level */
	rechain(&h);
	struct chain_report rep;
	assert_int_equal(chain_verify(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, NULL, 0, pk, &rep), 0);
	assert_int_equal(chain_verify(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, published, 2, pk, &rep),
	                 OMB_ECONFLICT);
	assert_int_equal(rep.fault, CHAIN_HEAD_MISMATCH);
	assert_int_equal(rep.event, 4);
	assert_int_equal(rep.head, 0);
	assert_int_equal(rep.changed_from, 2); /* head 1 still matches: the change is in 2..4 */
}

static void removed_events_are_caught(void **state)
{
	(void)state;
	struct history h;
	build(&h);
	struct chain_report rep;
	/* The last event dropped: a head signs beyond the end. */
	assert_int_equal(chain_verify(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N - 1, &h.heads[N - 1], 1, pk, &rep),
	                 OMB_ECONFLICT);
	assert_int_equal(rep.fault, CHAIN_HEAD_BEYOND_END);
	/* A middle event dropped: the sequence has a gap. */
	memmove(&h.ev[2], &h.ev[3], (N - 3) * sizeof h.ev[0]);
	assert_int_equal(chain_verify(RECEIPT, h.ev, NULL, N - 1, NULL, 0, pk, &rep), OMB_ECONFLICT);
	assert_int_equal(rep.fault, CHAIN_SEQ_GAP);
	assert_int_equal(rep.event, 2);
}

static void forged_or_moved_head_is_caught(void **state)
{
	(void)state;
	struct history h;
	build(&h);
	uint8_t pk2[CHAIN_PK_BYTES], sk2[CHAIN_SK_BYTES];
	chain_keypair(pk2, sk2);
	sign_head(&h, 3, sk2);
	struct chain_report rep;
	assert_int_equal(chain_verify(RECEIPT, h.ev, NULL, N, h.heads, N, pk, &rep), OMB_ECONFLICT);
	assert_int_equal(rep.fault, CHAIN_HEAD_FORGED);
	assert_int_equal(rep.head, 3);
	/* A genuine head of another case does not vouch for this one. */
	sign_head(&h, 3, sk);
	assert_true(chain_head_verify(RECEIPT, &h.heads[3], pk));
	assert_false(chain_head_verify("KB-2026-0000124", &h.heads[3], pk));
	h.heads[3].signed_at_ms++;
	assert_false(chain_head_verify(RECEIPT, &h.heads[3], pk));
}

static void personal_data_erasable_without_breaking_chain(void **state)
{
	(void)state;
	uint8_t salt[CHAIN_SALT_BYTES];
	chain_salt_new(salt);
	const char *name = "홍길동", *phone = "010-1234-5678";
	struct chain_datum data[] = { { name, strlen(name) }, { phone, strlen(phone) } };
	struct history h;
	build(&h);
	h.ev[0].has_commitment = true;
	chain_commit(salt, data, 2, h.ev[0].commitment);
	rechain(&h);
	for (size_t i = 0; i < N; i++)
		sign_head(&h, i, sk);
	assert_true(chain_commit_check(salt, data, 2, h.ev[0].commitment));
	/* Another phone number, or the fields split differently, do not match. */
	struct chain_datum other[] = { { name, strlen(name) }, { "010-1234-5679", 13 } };
	assert_false(chain_commit_check(salt, other, 2, h.ev[0].commitment));
	struct chain_datum joined[] = { { "홍길동010-1234-5678", strlen("홍길동010-1234-5678") } };
	assert_false(chain_commit_check(salt, joined, 1, h.ev[0].commitment));
	uint8_t salt2[CHAIN_SALT_BYTES];
	chain_salt_new(salt2);
	assert_false(chain_commit_check(salt2, data, 2, h.ev[0].commitment));
	/* Erase the data and the salt: the chain, holding only the commitment, verifies. */
	sodium_memzero(salt, sizeof salt);
	struct chain_report rep;
	assert_int_equal(chain_verify(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, h.heads, N, pk, &rep), 0);
}

static void case_events_chain_end_to_end(void **state)
{
	(void)state;
	struct desk_config cfg;
	desk_config_default(&cfg);
	struct desk_result r;
	struct desk_category cat = { DEPT, false };
	struct chain_event ev[DESK_MAX_EVENTS * 2];
	uint8_t stored[DESK_MAX_EVENTS * 2][CHAIN_HASH_BYTES];
	size_t n = 0;
	assert_int_equal(desk_open(&cfg, &cat, DESK_CH_WEB, &customer, T0, &r), 0);
	for (int step = 0; step < 2; step++) {
		for (size_t i = 0; i < r.n; i++, n++) {
			ev[n] = event(n, "");
			desk_event_to_chain(&r.ev[i], &ev[n]);
			chain_link(n ? stored[n - 1] : NULL, &ev[n], stored[n]);
		}
		struct desk_case c = r.next;
		if (step == 0)
			assert_int_equal(desk_demand(&cfg, &c, T0 + HOUR, &r), 0);
	}
	assert_int_equal(n, 3);
	struct chain_head head = { .seq = n - 1, .signed_at_ms = T0 + HOUR };
	memcpy(head.hash, stored[n - 1], CHAIN_HASH_BYTES);
	chain_head_sign(RECEIPT, &head, sk);
	struct chain_report rep;
	assert_int_equal(chain_verify(RECEIPT, ev, (const uint8_t(*)[32])stored, n, &head, 1, pk, &rep), 0);
	ev[2].cause = "deadline"; /* claim the climb was the handler's lateness, not the demand */
	assert_int_equal(chain_verify(RECEIPT, ev, (const uint8_t(*)[32])stored, n, &head, 1, pk, &rep), OMB_ECONFLICT);
	assert_int_equal(rep.event, 2);
}

static void rotated_keys_each_verify_their_own_heads(void **state)
{
	(void)state;
	struct history h;
	build(&h);
	uint8_t pk2[CHAIN_PK_BYTES], sk2[CHAIN_SK_BYTES];
	chain_keypair(pk2, sk2);
	uint8_t pks[N][CHAIN_PK_BYTES];
	for (size_t i = 0; i < N; i++) {
		bool rotated = i >= N / 2; /* the second half is signed after a rotation */
		if (rotated)
			sign_head(&h, i, sk2);
		memcpy(pks[i], rotated ? pk2 : pk, CHAIN_PK_BYTES);
	}
	struct chain_report rep;
	assert_int_equal(chain_verify_keyed(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, h.heads, N,
					    (const uint8_t(*)[32])pks, &rep), 0);
	/* One key for all heads no longer does: the first head signed by the new key is named. */
	assert_int_equal(chain_verify(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, h.heads, N, pk, &rep),
			 OMB_ECONFLICT);
	assert_int_equal(rep.fault, CHAIN_HEAD_FORGED);
	assert_int_equal(rep.head, N / 2);
	/* A head claimed by the wrong key fails. */
	memcpy(pks[0], pk2, CHAIN_PK_BYTES);
	assert_int_equal(chain_verify_keyed(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, h.heads, N,
					    (const uint8_t(*)[32])pks, &rep), OMB_ECONFLICT);
	assert_int_equal(rep.fault, CHAIN_HEAD_FORGED);
	assert_int_equal(rep.head, 0);
	/* Tampering still shows with the right keys. */
	memcpy(pks[0], pk, CHAIN_PK_BYTES);
	h.ev[1].at_ms++;
	assert_int_equal(chain_verify_keyed(RECEIPT, h.ev, (const uint8_t(*)[32])h.stored, N, h.heads, N,
					    (const uint8_t(*)[32])pks, &rep), OMB_ECONFLICT);
	assert_int_equal(rep.fault, CHAIN_EVENT_ALTERED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encoding_follows_the_spec),
		cmocka_unit_test(every_field_changes_the_hash),
		cmocka_unit_test(intact_history_verifies),
		cmocka_unit_test(tampered_event_is_named),
		cmocka_unit_test(rechained_history_is_caught_by_earlier_head),
		cmocka_unit_test(removed_events_are_caught),
		cmocka_unit_test(forged_or_moved_head_is_caught),
		cmocka_unit_test(personal_data_erasable_without_breaking_chain),
		cmocka_unit_test(case_events_chain_end_to_end),
		cmocka_unit_test(rotated_keys_each_verify_their_own_heads),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
