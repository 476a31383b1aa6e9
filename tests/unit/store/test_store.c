/* test_store.c — the store over a fresh database (a temporary SQLite file,
 * or a PostgreSQL database in the _pg variant: test_db.h): migrations, bound
 * queries, error mapping, transactions, per-thread connections, and two
 * stores on one database as two nodes would have. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "store/store.h"
#include "test_db.h"

struct fixture {
	struct test_db db;
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[256] = "";
	if (test_db_make(&f->db, "store") != 0 || store_open(f->db.url, &f->st, err, sizeof err) != OMB_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	test_db_remove(&f->db);
	free(f);
	return 0;
}

static struct store *migrated(void **state)
{
	struct fixture *f = *state;
	int applied = 0;
	assert_int_equal(store_migrate(f->st, &applied), OMB_OK);
	return f->st;
}

static int64_t insert_org(struct store *st, const char *code)
{
	int64_t id = 0;
	int rc = store_exec(st, STORE_Q_ORG_INSERT,
			    SV_ARGS(SV_TEXT(code), SV_TEXT("company"), SV_TEXT("한빛은행"), SV_TEXT("Hanbit"),
				    SV_INT(1), SV_INT(1000)),
			    store_row_first_int, &id);
	assert_int_equal(rc, 1);
	assert_true(id > 0);
	return id;
}

static int count_orgs_with_code(struct store *st, const char *code)
{
	int rc = store_exec(st, STORE_Q_ORG_BY_CODE, SV_ARGS(SV_TEXT(code)), NULL, NULL);
	assert_true(rc >= 0);
	return rc;
}

static void open_rejects_bad_targets(void **state)
{
	struct store *st = NULL;
	char err[256] = "";
	assert_int_equal(store_open("mysql://db/ombud", &st, err, sizeof err), OMB_EINVAL);
	assert_non_null(strstr(err, "sqlite"));
	assert_non_null(strstr(err, "postgresql"));
	err[0] = '\0';
	assert_int_equal(store_open("/nonexistent-dir/ombud/x.db", &st, err, sizeof err), OMB_ESTORE);
	assert_non_null(strstr(err, "/nonexistent-dir/ombud/x.db"));
	/* a server that is not there fails at open, not on the first request */
	err[0] = '\0';
	assert_int_equal(store_open("postgresql://ombud@/x?host=/nonexistent-dir&connect_timeout=2", &st, err,
				    sizeof err),
			 OMB_EAGAIN);
	assert_non_null(strstr(err, "PostgreSQL"));
	assert_null(st);
	assert_string_equal(store_url_file("sqlite:/a/b.db"), "/a/b.db");
	assert_string_equal(store_url_file("b.db"), "b.db");
	assert_null(store_url_file("postgresql://h/db"));
}

static void migrates_once(void **state)
{
	struct fixture *f = *state;
	assert_string_equal(store_driver_name(f->st), test_db_driver());
	assert_int_equal(store_schema_version(f->st), 0);
	int applied = -1;
	assert_int_equal(store_migrate(f->st, &applied), OMB_OK);
	assert_true(applied >= 1);
	int version = store_schema_version(f->st);
	assert_int_equal(version, applied); /* versions are numbered from 1 without gaps */
	assert_int_equal(store_migrate(f->st, &applied), OMB_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(store_schema_version(f->st), version);
}

struct org_row {
	int64_t id, show_names;
	char code[16], kind[16], name[64], name_en[64];
};

static int read_org(void *ctx, const struct store_row *row)
{
	struct org_row *o = ctx;
	o->id = store_row_int(row, 0);
	snprintf(o->code, sizeof o->code, "%s", store_row_text(row, 1));
	snprintf(o->kind, sizeof o->kind, "%s", store_row_text(row, 2));
	snprintf(o->name, sizeof o->name, "%s", store_row_text(row, 3));
	snprintf(o->name_en, sizeof o->name_en, "%s", store_row_text(row, 4));
	o->show_names = store_row_int(row, 5);
	assert_false(store_row_null(row, 3));
	return 0;
}

static void insert_returning_and_select(void **state)
{
	struct store *st = migrated(state);
	int64_t hb = insert_org(st, "HB"), kb = insert_org(st, "KB");
	assert_true(kb > hb);
	struct org_row o = {0};
	assert_int_equal(store_exec(st, STORE_Q_ORG_BY_CODE, SV_ARGS(SV_TEXT("KB")), read_org, &o), 1);
	assert_int_equal(o.id, kb);
	assert_string_equal(o.code, "KB");
	assert_string_equal(o.kind, "company");
	assert_string_equal(o.name, "한빛은행");
	assert_string_equal(o.name_en, "Hanbit");
	assert_int_equal(o.show_names, 1);
	assert_int_equal(count_orgs_with_code(st, "ZZ"), 0);
	/* Bound, never spliced: a quote in a parameter is just a character. */
	assert_int_equal(count_orgs_with_code(st, "HB' OR '1'='1"), 0);
}

static int stop_with(void *ctx, const struct store_row *row)
{
	return *(int *)ctx;
}

static void callback_return_stops_rows(void **state)
{
	struct store *st = migrated(state);
	for (int i = 0; i < 3; i++) {
		char code[8];
		snprintf(code, sizeof code, "C%d", i);
		insert_org(st, code);
	}
	int go_on = 0, fail = -42, enough = 1;
	assert_int_equal(store_exec(st, STORE_Q_ORG_LIST, SV_ARGS(SV_INT(0), SV_INT(10)), stop_with, &go_on), 3);
	assert_int_equal(store_exec(st, STORE_Q_ORG_LIST, SV_ARGS(SV_INT(0), SV_INT(2)), NULL, NULL), 2);
	assert_int_equal(store_exec(st, STORE_Q_ORG_LIST, SV_ARGS(SV_INT(0), SV_INT(10)), stop_with, &fail), -42);
	assert_int_equal(store_exec(st, STORE_Q_ORG_LIST, SV_ARGS(SV_INT(0), SV_INT(10)), stop_with, &enough), 1);
	/* The statement was reset after stopping early: it runs again in full. */
	assert_int_equal(store_exec(st, STORE_Q_ORG_LIST, SV_ARGS(SV_INT(0), SV_INT(10)), NULL, NULL), 3);
}

static void constraint_violations_map_to_codes(void **state)
{
	struct store *st = migrated(state);
	insert_org(st, "HB");
	int64_t id = 0;
	assert_int_equal(store_exec(st, STORE_Q_ORG_INSERT,
				    SV_ARGS(SV_TEXT("HB"), SV_TEXT("vendor"), SV_TEXT("dup"), SV_TEXT(""), SV_INT(0),
					    SV_INT(1)),
				    store_row_first_int, &id),
			 OMB_EEXIST);
	/* A CHECK constraint (unknown kind) is invalid input, not a duplicate. */
	assert_int_equal(store_exec(st, STORE_Q_ORG_INSERT,
				    SV_ARGS(SV_TEXT("XX"), SV_TEXT("bank"), SV_TEXT("x"), SV_TEXT(""), SV_INT(0),
					    SV_INT(1)),
				    store_row_first_int, &id),
			 OMB_EINVAL);
	assert_int_equal(count_orgs_with_code(st, "XX"), 0);
	/* The statement is usable again after each failure. */
	insert_org(st, "KB");
}

static void wrong_argument_count_is_an_error(void **state)
{
	struct store *st = migrated(state);
	uint64_t before = store_error_count();
	int rc = store_exec(st, STORE_Q_ORG_BY_CODE, SV_ARGS(SV_TEXT("HB"), SV_TEXT("extra")), NULL, NULL);
	assert_int_equal(rc, OMB_ESTORE);
	assert_true(store_error_count() > before);
	before = store_error_count();
	rc = store_exec(st, STORE_Q_ORG_INSERT, SV_ARGS(SV_TEXT("HB")), NULL, NULL);
	assert_true(rc < 0);
	assert_true(store_error_count() > before);
	/* Too few is refused too, though SQLite alone would bind the rest as NULL. */
	before = store_error_count();
	assert_int_equal(store_exec(st, STORE_Q_ORG_BY_CODE, NULL, 0, NULL, NULL), OMB_ESTORE);
	assert_true(store_error_count() > before);
	assert_int_equal(count_orgs_with_code(st, "HB"), 0);
}

static void transactions_commit_and_roll_back(void **state)
{
	struct store *st = migrated(state);
	assert_int_equal(store_begin(st, true), OMB_OK);
	insert_org(st, "RB");
	assert_int_equal(count_orgs_with_code(st, "RB"), 1); /* own writes are visible inside */
	store_rollback(st);
	assert_int_equal(count_orgs_with_code(st, "RB"), 0);

	assert_int_equal(store_begin(st, true), OMB_OK);
	insert_org(st, "CM");
	assert_int_equal(store_commit(st), OMB_OK);
	assert_int_equal(count_orgs_with_code(st, "CM"), 1);

	store_rollback(st); /* no transaction open: harmless */
	assert_int_equal(count_orgs_with_code(st, "CM"), 1);
	assert_int_equal(store_commit(st), OMB_ESTORE); /* nothing to commit */
}

struct reader {
	struct store *st;
	const char *code;
	int seen;
};

static void *read_in_thread(void *arg)
{
	struct reader *r = arg;
	r->seen = store_exec(r->st, STORE_Q_ORG_BY_CODE, SV_ARGS(SV_TEXT(r->code)), NULL, NULL);
	return NULL;
}

static int seen_by_other_thread(struct store *st, const char *code)
{
	struct reader r = {st, code, -100};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, read_in_thread, &r), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	return r.seen;
}

static void other_threads_see_only_committed_rows(void **state)
{
	struct store *st = migrated(state);
	insert_org(st, "HB");
	assert_int_equal(seen_by_other_thread(st, "HB"), 1);
	assert_int_equal(store_begin(st, true), OMB_OK);
	insert_org(st, "KB");
	assert_int_equal(seen_by_other_thread(st, "KB"), 0); /* its own connection: no dirty reads */
	assert_int_equal(store_commit(st), OMB_OK);
	assert_int_equal(seen_by_other_thread(st, "KB"), 1);
}

struct session_row {
	uint8_t token[32], csrf[32];
	size_t token_len, csrf_len;
	int64_t expires, dept;
};

static int read_session(void *ctx, const struct store_row *row)
{
	struct session_row *s = ctx;
	const void *p = store_row_blob(row, 0, &s->token_len);
	if (p && s->token_len <= sizeof s->token)
		memcpy(s->token, p, s->token_len);
	p = store_row_blob(row, 1, &s->csrf_len);
	if (p && s->csrf_len <= sizeof s->csrf)
		memcpy(s->csrf, p, s->csrf_len);
	s->expires = store_row_int(row, 2);
	s->dept = store_row_int(row, 6);
	return 0;
}

static int insert_staff(struct store *st, int64_t org, struct store_val dept, const char *login, int64_t *id)
{
	return store_exec(st, STORE_Q_STAFF_INSERT,
			  SV_ARGS(SV_INT(org), dept, SV_TEXT(login), SV_TEXT("$argon2id$x"), SV_TEXT("agent"),
				  SV_TEXT(login), SV_TEXT(""), SV_INT(0), SV_INT(1)),
			  store_row_first_int, id);
}

static void null_and_blob_round_trip(void **state)
{
	struct store *st = migrated(state);
	int64_t org = insert_org(st, "HB"), staff = 0;
	/* dept_id has a foreign key: NULL is accepted, a dangling id is not. */
	assert_int_equal(insert_staff(st, org, SV_INT(999), "kim", &staff), OMB_EINVAL);
	assert_int_equal(insert_staff(st, org, SV_NULL, "kim", &staff), 1);

	uint8_t token[32];
	for (size_t i = 0; i < sizeof token; i++)
		token[i] = (uint8_t)(i * 37); /* includes a 0 byte */
	assert_int_equal(store_exec(st, STORE_Q_SESSION_INSERT,
				    SV_ARGS(SV_TEXT("sel"), SV_BLOB(token, sizeof token), SV_BLOB(NULL, 0),
					    SV_INT(staff), SV_INT(1), SV_INT(5000)),
				    NULL, NULL),
			 1); /* rows changed */
	struct session_row s = {0};
	s.dept = -1;
	assert_int_equal(store_exec(st, STORE_Q_SESSION_PRINCIPAL, SV_ARGS(SV_TEXT("sel")), read_session, &s), 1);
	assert_int_equal(s.token_len, sizeof token);
	assert_memory_equal(s.token, token, sizeof token);
	assert_int_equal(s.csrf_len, 0);
	assert_int_equal(s.expires, 5000);
	assert_int_equal(s.dept, 0); /* coalesce of the NULL dept */

	assert_int_equal(store_exec(st, STORE_Q_SESSION_DELETE, SV_ARGS(SV_TEXT("sel")), NULL, NULL), 1);
	assert_int_equal(store_exec(st, STORE_Q_SESSION_DELETE, SV_ARGS(SV_TEXT("sel")), NULL, NULL), 0);
}

/* Group commit: writers from many threads share commits, a failed unit is
 * undone alone, and every unit acknowledged is in the database. */
#define WRITERS 8
#define UNITS   150

struct writer_arg {
	struct store *st;
	int id;
	int kept, refused;
};

static void *write_units(void *arg)
{
	struct writer_arg *w = arg;
	for (int i = 0; i < UNITS; i++) {
		char code[16];
		/* every 10th unit inserts a code another unit of this thread already took */
		snprintf(code, sizeof code, "W%dX%d", w->id, i % 10 == 9 ? i - 1 : i);
		if (store_begin(w->st, true) != OMB_OK)
			continue;
		int64_t id = 0;
		int rc = store_exec(w->st, STORE_Q_ORG_INSERT,
				    SV_ARGS(SV_TEXT(code), SV_TEXT("company"), SV_TEXT("n"), SV_TEXT(""), SV_INT(0),
					    SV_INT(1)),
				    store_row_first_int, &id);
		if (rc < 0) {
			store_rollback(w->st);
			w->refused++;
		} else if (store_commit(w->st) == OMB_OK) {
			w->kept++;
		}
	}
	return NULL;
}

static void concurrent_units_commit_together(void **state)
{
	struct store *st = migrated(state);
	pthread_t t[WRITERS];
	struct writer_arg w[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer_arg){st, i, 0, 0};
		pthread_create(&t[i], NULL, write_units, &w[i]);
	}
	int kept = 0;
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].refused, UNITS / 10);
		kept += w[i].kept;
	}
	assert_int_equal(kept, WRITERS * (UNITS - UNITS / 10));
	assert_int_equal(store_exec(st, STORE_Q_ORG_LIST, SV_ARGS(SV_INT(0), SV_INT(100000)), NULL, NULL), kept);
}

/* '?N' parameters out of order, repeated, and 64-bit values where a
 * server would guess a 32-bit type from the context (?1 < 0). */
static void numbered_parameters_and_wide_integers(void **state)
{
	struct store *st = migrated(state);
	int64_t key = INT64_MIN + 5, id = 0; /* phone keys use all 64 bits */
	assert_int_equal(store_exec(st, STORE_Q_SCREEN_ALLOW_PUT,
				    SV_ARGS(SV_TEXT("+821012345678"), SV_INT(key), SV_TEXT("bank"), SV_TEXT("op"),
					    SV_INT(1)),
				    store_row_first_int, &id),
			 1);
	assert_int_equal(store_exec(st, STORE_Q_SCREEN_ALLOW_HAS, SV_ARGS(SV_INT(key)), NULL, NULL), 1);
	assert_int_equal(store_exec(st, STORE_Q_SCREEN_ALLOW_HAS, SV_ARGS(SV_INT(key + 1)), NULL, NULL), 0);
	int64_t msg = 0;
	assert_int_equal(store_exec(st, STORE_Q_OUTBOX_INSERT,
				    SV_ARGS(SV_NULL, SV_NULL, SV_TEXT("email"), SV_TEXT("a@b.kr"), SV_TEXT(""), SV_TEXT("b"),
					    SV_TEXT("r"), SV_INT(0), SV_INT(0)),
				    store_row_first_int, &msg),
			 1);
	/* ?1 twice, then ?2 and ?3; first with -1 (every organisation), then with an id past 32 bits */
	assert_int_equal(store_exec(st, STORE_Q_OUTBOX_LIST,
				    SV_ARGS(SV_INT(-1), SV_INT(0), SV_INT(10), SV_INT(0), SV_TEXT("")), NULL, NULL),
			 1);
	assert_int_equal(store_exec(st, STORE_Q_OUTBOX_LIST,
				    SV_ARGS(SV_INT(1LL << 40), SV_INT(0), SV_INT(10), SV_INT(0), SV_TEXT("")), NULL, NULL),
			 0);
	assert_int_equal(store_exec(st, STORE_Q_OUTBOX_LIST,
				    SV_ARGS(SV_INT(0), SV_INT(msg - 1), SV_INT(10), SV_INT(0), SV_TEXT("queued")), NULL, NULL),
			 1);
}

/* Two stores on one database are two nodes. A QLOCK read inside a write
 * transaction holds its row: the second node's read waits for the first
 * node's commit and sees its result, never the value before it. */
struct node_arg {
	struct store *st;
	int64_t appeal;
	int64_t attempts_seen;
};

static int read_attempts(void *ctx, const struct store_row *row)
{
	*(int64_t *)ctx = store_row_int(row, 14);
	return 1;
}

static void *second_node(void *arg)
{
	struct node_arg *n = arg;
	n->attempts_seen = -1;
	if (store_begin(n->st, true) != OMB_OK)
		return NULL;
	store_exec(n->st, STORE_Q_SCREEN_APPEAL_GET, SV_ARGS(SV_INT(n->appeal)), read_attempts, &n->attempts_seen);
	store_exec(n->st, STORE_Q_SCREEN_APPEAL_ATTEMPT, SV_ARGS(SV_INT(n->appeal)), NULL, NULL);
	store_commit(n->st);
	return NULL;
}

static void nodes_take_turns_on_locked_rows(void **state)
{
	struct fixture *f = *state;
	struct store *st = migrated(state), *other = NULL;
	char err[256] = "";
	assert_int_equal(store_open(f->db.url, &other, err, sizeof err), OMB_OK);
	int64_t appeal = 0;
	assert_int_equal(store_exec(st, STORE_Q_SCREEN_APPEAL_INSERT,
				    SV_ARGS(SV_TEXT("+821012345678"), SV_INT(7), SV_BLOB("h", 1), SV_INT(1), SV_NULL,
					    SV_INT(1)),
				    store_row_first_int, &appeal),
			 1);
	assert_int_equal(store_begin(st, true), OMB_OK);
	int64_t seen = -1;
	assert_int_equal(store_exec(st, STORE_Q_SCREEN_APPEAL_GET, SV_ARGS(SV_INT(appeal)), read_attempts, &seen), 1);
	assert_int_equal(seen, 0);
	assert_int_equal(store_exec(st, STORE_Q_SCREEN_APPEAL_ATTEMPT, SV_ARGS(SV_INT(appeal)), NULL, NULL), 1);
	struct node_arg n = {other, appeal, -1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, second_node, &n), 0);
	usleep(200 * 1000); /* the other node is at its read by now (if it is later, it reads 1 all the same) */
	assert_int_equal(store_commit(st), OMB_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(n.attempts_seen, 1);
	assert_int_equal(store_exec(st, STORE_Q_SCREEN_APPEAL_GET, SV_ARGS(SV_INT(appeal)), read_attempts, &seen), 1);
	assert_int_equal(seen, 2); /* both counted: neither update was lost */
	store_close(other);
}

/* Two nodes claim due outbox messages at once: each gets its own, none
 * twice. The first node's claim is not yet committed when the second claims;
 * on PostgreSQL the second passes over the rows it holds and takes the next
 * ones (waiting for them instead would find them claimed and take nothing);
 * SQLite's second writer waits for the first and then takes the next ones. */
#define CLAIM_NOW 5000
struct claim_arg {
	struct store *st;
	int64_t ids[4];
	size_t n;
};

static int claimed_id(void *ctx, const struct store_row *row)
{
	struct claim_arg *c = ctx;
	if (c->n < sizeof c->ids / sizeof c->ids[0])
		c->ids[c->n++] = store_row_int(row, 0);
	return 0;
}

static int claim_two(struct store *st, int64_t token, struct claim_arg *into)
{
	return store_exec(st, STORE_Q_OUTBOX_CLAIM,
			  SV_ARGS(SV_INT(token), SV_INT(CLAIM_NOW + 60000), SV_INT(CLAIM_NOW), SV_INT(5), SV_INT(2)),
			  claimed_id, into);
}

static void *second_claimer(void *arg)
{
	struct claim_arg *c = arg;
	if (store_begin(c->st, true) != OMB_OK)
		return NULL;
	if (claim_two(c->st, 2, c) < 0)
		store_rollback(c->st);
	else
		store_commit(c->st);
	return NULL;
}

static void nodes_never_claim_one_message_twice(void **state)
{
	struct fixture *f = *state;
	struct store *st = migrated(state), *other = NULL;
	char err[256] = "";
	assert_int_equal(store_open(f->db.url, &other, err, sizeof err), OMB_OK);
	int64_t msgs[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_exec(st, STORE_Q_OUTBOX_INSERT,
					    SV_ARGS(SV_NULL, SV_NULL, SV_TEXT("email"), SV_TEXT("a@b.kr"), SV_TEXT(""),
						    SV_TEXT("b"), SV_TEXT("r"), SV_INT(i), SV_INT(0)),
					    store_row_first_int, &msgs[i]),
				 1);
	struct claim_arg mine = {st, {0}, 0}, theirs = {other, {0}, 0};
	assert_int_equal(store_begin(st, true), OMB_OK);
	assert_int_equal(claim_two(st, 1, &mine), 2);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, second_claimer, &theirs), 0);
	usleep(200 * 1000); /* the other node is at its claim by now (if it is later, it takes the same) */
	assert_int_equal(store_commit(st), OMB_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(mine.n, 2);
	assert_int_equal(mine.ids[0], msgs[0]);
	assert_int_equal(mine.ids[1], msgs[1]);
	assert_int_equal(theirs.n, 2);
	int64_t lo = theirs.ids[0] < theirs.ids[1] ? theirs.ids[0] : theirs.ids[1];
	int64_t hi = theirs.ids[0] < theirs.ids[1] ? theirs.ids[1] : theirs.ids[0];
	assert_int_equal(lo, msgs[2]);
	assert_int_equal(hi, msgs[3]);
	/* all four are out now: a third claim finds nothing */
	struct claim_arg none = {st, {0}, 0};
	assert_int_equal(claim_two(st, 3, &none), 0);
	store_close(other);
}

/* PostgreSQL: sessions killed under the store (a restart, a failover) are
 * replaced on the next call, which then succeeds, read or write. */
static void lost_sessions_are_replaced(void **state)
{
	struct fixture *f = *state;
	struct store *st = migrated(state);
	insert_org(st, "HB");
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s' AND pid <> pg_backend_pid()",
		 f->db.name);
	PGconn *pg = PQconnectdb(getenv("OMBUD_TEST_PG"));
	PGresult *res = PQexec(pg, sql);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_true(PQntuples(res) >= 1);
	PQclear(res);
	PQfinish(pg);
	assert_int_equal(count_orgs_with_code(st, "HB"), 1);
	insert_org(st, "KB");
	assert_true(store_schema_version(st) >= 1);
}

static void pg_run(const char *url, const char *sql)
{
	PGconn *pg = PQconnectdb(url);
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);
	assert_true(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
	PQclear(res);
	PQfinish(pg);
}

/* A listener hears what is sent on its channel after the commit (PostgreSQL)
 * or only times out (SQLite); a listener whose session is killed says so. */
static void listener_hears_notices(void **state)
{
	struct fixture *f = *state;
	struct store *st = migrated(state);
	struct store_listener *l = NULL;
	assert_int_equal(store_listener_open(st, "unit_chan", "unit listener", &l), OMB_OK);
	assert_int_equal(store_listener_wait(l, 50), 0);
	if (!test_db_postgres()) {
		store_listener_close(l);
		return;
	}
	pg_run(f->db.url, "BEGIN; NOTIFY unit_chan, 'a'; NOTIFY other_chan; COMMIT");
	int heard = 0;
	for (int i = 0; i < 50 && !heard; i++)
		heard = store_listener_wait(l, 100);
	assert_int_equal(heard, 1);
	assert_int_equal(store_listener_wait(l, 50), 0);
	pg_run(f->db.url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'unit listener'");
	int rc = 0;
	for (int i = 0; i < 50 && rc == 0; i++)
		rc = store_listener_wait(l, 100);
	assert_int_equal(rc, OMB_EAGAIN);
	store_listener_close(l);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_rejects_bad_targets),
		T(migrates_once),
		T(insert_returning_and_select),
		T(callback_return_stops_rows),
		T(constraint_violations_map_to_codes),
		T(wrong_argument_count_is_an_error),
		T(transactions_commit_and_roll_back),
		T(other_threads_see_only_committed_rows),
		T(null_and_blob_round_trip),
		T(concurrent_units_commit_together),
		T(numbered_parameters_and_wide_integers),
		T(listener_hears_notices),
		T(nodes_take_turns_on_locked_rows),
		T(nodes_never_claim_one_message_twice),
		T(lost_sessions_are_replaced),
	};
	/* the last one is about a server's sessions: PostgreSQL's variant only */
	size_t n = sizeof tests / sizeof tests[0] - (test_db_postgres() ? 0 : 1);
	return _cmocka_run_group_tests("store", tests, n, NULL, NULL);
}
