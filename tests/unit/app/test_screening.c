/* test_screening.c — the engine in the server through app/screening.h: the
 * check and the event ingest, blocks the engine sets recorded by the sweep
 * with their evidence, operator blocks and lifts, the allowlist, appeals with
 * their one-time code, restarts from the snapshot or from the store, the
 * SIM-box release, and the evidence document. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "app/accounts.h"
#include "app/outbox.h"
#include "app/screening.h"
#include "app_fixture.h"
#include "base/buf.h"
#include "base/clock.h"

/* On the confirmed-fraud list of the registry file, as the police/KISA list
 * is loaded in production (screen.registry_file). */
#define FRAUD         "010-9999-0001"
#define FRAUD_E164    "+821099990001"
#define FRAUD_ALLOWED "010-9999-0002"
/* Three consumers reported it (screen.reports_file): with fraud-like
 * behaviour that is a block that persists (a corroborated report). */
#define REPORTED      "010-5555-0060"
#define CALLEE        "010-7000-0001"
#define BLOCK_MINUTES 1440 /* screen.block_minutes by default */

/* Authorisation is api/'s: the module reads the staff code of who acts. */
static const struct principal screener = {.role = ROLE_SCREENER, .staff_id = 1, .staff_code = "KA-0001",
					  .org_kind = ORG_CARRIER};

/* The files of the test's engine, beside the database. */
static struct {
	char snapshot[600], registry[600], reports[600];
} files;

static struct app_fixture *fixture(void **state)
{
	return *state;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The fixture's app, then the engine as `ombud serve` opens it (main.c):
 * after app_open, which never loads it. Its [screen] keys are read by
 * screening_open only, so they are set just before it. */
static int screening_setup(void **state)
{
	if (app_fixture_setup(state) != 0)
		return -1;
	struct app_fixture *f = *state;
	snprintf(files.registry, sizeof files.registry, "%s/registry.csv", f->db.dir);
	snprintf(files.reports, sizeof files.reports, "%s/reports.csv", f->db.dir);
	/* SQLite: the default <db>.screen; a PostgreSQL node must name its own */
	if (test_db_postgres())
		snprintf(files.snapshot, sizeof files.snapshot, "%s/engine.screen", f->db.dir);
	else
		snprintf(files.snapshot, sizeof files.snapshot, "%s.screen", f->db.url);
	write_file(files.registry, "number,holder,kind,trunk,daily_cap,valid_from,valid_to\n"
				   "01099990001,KNPA,confirmed_fraud,,,,\n"
				   "01099990002,KNPA,confirmed_fraud,,,,\n");
	char reports[256];
	long long at = (long long)(clock_now_ms() - CLOCK_MS_PER_HOUR);
	snprintf(reports, sizeof reports,
		 "ts_ms,number,reason,reporter,callee\n%lld,01055550060,fraud,r1,\n%lld,01055550060,fraud,r2,\n"
		 "%lld,01055550060,fraud,r3,\n", at, at, at);
	write_file(files.reports, reports);
	struct config_error cerr;
	char err[256] = "";
	const char *keys[][2] = {
		{"screen.registry_file", files.registry},
		{"screen.reports_file", files.reports},
		{"screen.snapshot", test_db_postgres() ? files.snapshot : ""},
		{"screen.max_callers", "10000"},      /* small tables: a fast start and snapshot */
		{"screen.partials_interval_s", "0"},  /* one node */
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (config_set(&f->cfg, keys[i][0], keys[i][1], CONFIG_FLAG, &cerr) != OMB_OK) {
			snprintf(err, sizeof err, "%s: %s", keys[i][0], cerr.reason);
			break;
		}
	if (!*err && screening_open(&f->app, err, sizeof err) == OMB_OK)
		return 0;
	fprintf(stderr, "setup: %s\n", err);
	unlink(files.registry);
	unlink(files.reports);
	app_fixture_teardown(state);
	return -1;
}

static int screening_teardown(void **state)
{
	struct app_fixture *f = *state;
	screening_close(&f->app); /* saves the snapshot: removed with the rest */
	char path[620];
	const char *suffix[] = {"", ".unusable", ".tmp"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(path, sizeof path, "%s%s", files.snapshot, suffix[i]);
		unlink(path);
	}
	unlink(files.registry);
	unlink(files.reports);
	return app_fixture_teardown(state);
}

#define SCREENING_TEST(fn) cmocka_unit_test_setup_teardown(fn, screening_setup, screening_teardown)

/* A restart of the server: the engine is saved and freed, the app closed,
 * and both opened again on the same database and snapshot file, with
 * something done to the snapshot meanwhile (NULL: nothing). */
static void restart_with(void **state, void (*meanwhile)(void))
{
	struct app_fixture *f = fixture(state);
	char err[256] = "";
	screening_close(&f->app);
	app_close(&f->app);
	if (meanwhile)
		meanwhile();
	assert_int_equal(app_open(&f->app, &f->cfg, err, sizeof err), OMB_OK);
	if (screening_open(&f->app, err, sizeof err) != OMB_OK)
		fail_msg("screening_open: %s", err);
}

static void restart(void **state)
{
	restart_with(state, NULL);
}

/* The first integer of a query on the test's database, behind the store's
 * back: what the store holds, not what the module says it holds. */
static int64_t db_int(void **state, const char *sql)
{
	const struct test_db *db = &fixture(state)->db;
	int64_t v = -1;
	if (!*db->name) {
		sqlite3 *lite = NULL;
		sqlite3_stmt *st = NULL;
		if (sqlite3_open(db->url, &lite) == SQLITE_OK && sqlite3_prepare_v2(lite, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		else
			fprintf(stderr, "db_int: %s: %s\n", sql, sqlite3_errmsg(lite));
		sqlite3_finalize(st);
		sqlite3_close(lite);
		return v;
	}
	PGconn *pg = PQconnectdb(db->url);
	PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else
		fprintf(stderr, "db_int: %s: %s\n", sql, PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
	return v;
}

static bool has_reason(uint32_t reasons, enum screen_reason r)
{
	return (reasons & (1u << r)) != 0;
}

/* One attempt as the SIP proxy sends it, checked at the server's time now. */
static struct screen_verdict check_at(struct app *app, const char *call_id, const char *caller, const char *callee,
				      const char *origin, const char *cell, int64_t ts, int64_t now)
{
	struct screening_attempt_in in = {.call_id = call_id, .caller = caller, .callee = callee, .origin = origin,
					  .trunk = "KT-GW1", .cell = cell, .ts_ms = ts};
	struct screen_verdict v;
	struct app_error err = {0};
	memset(&v, 0xff, sizeof v);
	assert_int_equal(screening_check(app, &in, now, &v, &err), OMB_OK);
	return v;
}

static struct screen_verdict check(struct app *app, const char *call_id, const char *caller, int64_t now)
{
	return check_at(app, call_id, caller, CALLEE, "domestic", NULL, 0, now);
}

/* A batch of NDJSON events that must all be good. */
static struct screening_ingest *ingest_ok(struct app *app, const char *ndjson)
{
	static struct screening_ingest out;
	assert_int_equal(screening_ingest(app, ndjson, strlen(ndjson), &out), OMB_OK);
	if (out.bad)
		fail_msg("line %" PRIu64 ": %s", out.errors[0].line, out.errors[0].reason);
	return &out;
}

/* The blocks the store lists for number (running only unless all). */
static size_t blocks_of(struct app *app, bool all, const char *e164, int64_t now, struct screening_block *first)
{
	struct screening_block *items = NULL;
	size_t n = 0, hits = 0;
	assert_int_equal(screening_blocks(app, all, now, 0, 1000, &items, &n), OMB_OK);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].number, e164) && hits++ == 0 && first)
			*first = items[i];
	free(items);
	return hits;
}

static struct screening_number number_state(struct app *app, const char *number, int64_t now)
{
	struct screening_number st;
	struct app_error err = {0};
	assert_int_equal(screening_number(app, number, now, &st, &err), OMB_OK);
	return st;
}

/* Messages in the outbox with this ref (and channel, unless NULL), bodies
 * included; *items is the caller's to free with outbox_items_free. */
static size_t outbox_with_ref(struct app *app, const char *ref, const char *channel, struct outbox_item **items)
{
	struct outbox_item *all = NULL;
	size_t n = 0, hits = 0;
	assert_int_equal(outbox_list(app, &(struct outbox_filter){-1, 0, NULL}, 0, 1000, 1, &all, &n), OMB_OK);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i].ref, ref) && (!channel || !strcmp(all[i].channel, channel))) {
			struct outbox_item keep = all[i];
			all[i] = all[hits];
			all[hits++] = keep;
		}
	*items = all;
	for (size_t i = hits; i < n; i++)
		free(all[i].body);
	return hits;
}

/* ---- the check ---- */

static void check_gives_a_verdict_counted_once_per_call(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screen_verdict v = check(app, "c-1", "010-5555-0003", now);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_int_equal(v.score, 0);
	assert_int_equal(v.reasons, 0);
	assert_int_equal(v.repeated, 0);
	/* a retransmitted INVITE: the same answer, not counted again */
	struct screen_verdict again = check(app, "c-1", "010-5555-0003", now + 500);
	assert_int_equal(again.verdict, v.verdict);
	assert_int_equal(again.score, v.score);
	assert_int_equal(again.reasons, v.reasons);
	assert_int_equal(again.repeated, 1);
	struct screening_number st = number_state(app, "010-5555-0003", now);
	assert_true(st.known);
	assert_string_equal(st.number, "+821055550003");
	assert_int_equal(st.ev.attempts, 1);
	check(app, "c-2", "010-5555-0003", now + 1000);
	assert_int_equal(number_state(app, "010-5555-0003", now).ev.attempts, 2);

	/* a list's verdict: blocked whatever the behaviour */
	v = check(app, "c-3", FRAUD, now);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_int_equal(v.score, 100);
	assert_true(has_reason(v.reasons, SR_CONFIRMED_FRAUD));
}

static void spoofed_number_is_blocked_and_left_untouched(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screen_verdict v = check_at(app, "s-1", "010-5555-0002", CALLEE, "international", NULL, 0, now);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(has_reason(v.reasons, SR_SPOOFED_DOMESTIC));
	/* the presented number is an innocent subscriber's */
	struct screening_number st = number_state(app, "010-5555-0002", now);
	assert_false(st.known);
	assert_false(st.has_block);
}

static void emergency_callee_is_allowed(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	const char *emergency[] = {"112", "119", "122"};
	for (size_t i = 0; i < 3; i++) {
		char cid[16];
		snprintf(cid, sizeof cid, "e-%zu", i);
		struct screen_verdict v = check_at(app, cid, FRAUD, emergency[i], "domestic", NULL, 0, now);
		assert_int_equal(v.verdict, SCREEN_ALLOW);
		assert_true(has_reason(v.reasons, SR_EMERGENCY));
		assert_false(has_reason(v.reasons, SR_CONFIRMED_FRAUD)); /* never checked */
	}
}

static void check_names_the_bad_field(void **state)
{
	struct app *app = fixture_app(state);
	char long_id[66], long_cell[128];
	memset(long_id, 'i', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	memset(long_cell, 'c', sizeof long_cell - 1);
	long_cell[sizeof long_cell - 1] = '\0';
	struct {
		struct screening_attempt_in in;
		const char *field;
	} bad[] = {
		{{.call_id = "x", .caller = "010-1", .callee = CALLEE}, "caller"},
		{{.call_id = "x", .caller = "010-5555-0004", .callee = CALLEE, .origin = "moon"}, "origin"},
		{{.call_id = "", .caller = "010-5555-0004", .callee = CALLEE}, "call_id"},
		{{.call_id = NULL, .caller = "010-5555-0004", .callee = CALLEE}, "call_id"},
		{{.call_id = long_id, .caller = "010-5555-0004", .callee = CALLEE}, "call_id"},
		{{.call_id = "x", .caller = "010-5555-0004", .callee = NULL}, "callee"},
		{{.call_id = "x", .caller = "010-5555-0004", .callee = "abc"}, "callee"},
		{{.call_id = "x", .caller = "010-5555-0004", .callee = CALLEE, .attestation = "D"}, "attestation"},
		{{.call_id = "x", .caller = "010-5555-0004", .callee = CALLEE, .cell = long_cell}, "cell"},
		{{.call_id = "x", .caller = "010-5555-0004", .callee = CALLEE, .trunk = long_cell}, "trunk"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct screen_verdict v;
		struct app_error err = {0};
		assert_int_equal(screening_check(app, &bad[i].in, clock_now_ms(), &v, &err), OMB_EINVAL);
		assert_non_null(err.field);
		assert_string_equal(err.field, bad[i].field);
		assert_non_null(err.reason);
	}
	/* none of them was counted */
	assert_false(number_state(app, "010-5555-0004", clock_now_ms()).known);
}

/* ---- events ---- */

static void ingest_counts_bad_lines_and_takes_the_rest(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	char batch[2048];
	snprintf(batch, sizeof batch,
		 "{\"ts_ms\": %" PRId64 ", \"call_id\": \"nd-1\", \"event\": \"attempt\", \"caller\": \"010-5555-0010\", "
		 "\"callee\": \"010-7000-0010\", \"origin\": \"domestic\", \"trunk\": \"SKT-1\", \"cell\": \"C-77\"}\n"
		 "{\"ts_ms\": %" PRId64 ", \"call_id\": \"nd-2\", \"event\": \"attempt\", \"caller\": \n"
		 "{\"ts_ms\": %" PRId64 ", \"call_id\": \"nd-1\", \"event\": \"end\", \"caller\": \"010-5555-0010\", "
		 "\"callee\": \"010-7000-0010\", \"origin\": \"domestic\", \"trunk\": \"SKT-1\", \"duration_ms\": 42000, "
		 "\"answered\": 1}\n"
		 "{\"ts_ms\": %" PRId64 ", \"call_id\": \"nd-3\", \"event\": \"hangup\", \"caller\": \"010-5555-0010\", "
		 "\"callee\": \"010-7000-0011\", \"origin\": \"domestic\", \"trunk\": \"SKT-1\"}\n"
		 "{\"ts_ms\": %" PRId64 ", \"call_id\": \"nd-9\", \"event\": \"end\", \"caller\": \"010-5555-0011\", "
		 "\"callee\": \"010-7000-0012\", \"origin\": \"domestic\", \"trunk\": \"SKT-1\", \"duration_ms\": 0, "
		 "\"answered\": 0}\n"
		 "{\"ts_ms\": %" PRId64 ", \"call_id\": \"nd-4\", \"event\": \"attempt\", \"caller\": \"" FRAUD "\", "
		 "\"callee\": \"010-7000-0013\", \"origin\": \"domestic\", \"trunk\": \"SKT-1\"}\n",
		 now, now, now + 42000, now, now + 42000, now + 43000);
	struct screening_ingest out;
	assert_int_equal(screening_ingest(app, batch, strlen(batch), &out), OMB_OK);
	assert_int_equal(out.lines, 6);
	assert_int_equal(out.attempts, 2);
	assert_int_equal(out.ends, 2);
	assert_int_equal(out.ends_unknown, 1); /* nd-9: its attempt was never seen */
	assert_int_equal(out.bad, 2);
	assert_int_equal(out.verdicts[SCREEN_ALLOW], 1);
	assert_int_equal(out.verdicts[SCREEN_WARN], 0);
	assert_int_equal(out.verdicts[SCREEN_BLOCK], 1);
	assert_int_equal(out.n_errors, 2);
	assert_int_equal(out.errors[0].line, 2);
	assert_true(out.errors[0].reason[0] != '\0');
	assert_int_equal(out.errors[1].line, 4);
	assert_string_equal(out.errors[1].reason, "unknown event (attempt or end)");
	/* the good lines around the bad ones were all taken */
	struct screening_number st = number_state(app, "010-5555-0010", now);
	assert_int_equal(st.ev.attempts, 1);
	assert_int_equal(st.ev.ends, 1);
	assert_int_equal(st.ev.answered, 1);
	assert_true(number_state(app, FRAUD, now).known);
}

static void ingest_reports_the_first_bad_lines_and_counts_the_rest(void **state)
{
	struct app *app = fixture_app(state);
	size_t n = SCREENING_INGEST_ERRORS + 20;
	struct buf b;
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "{\"ts_ms\": 1, \"call_id\": \"b-%zu\", \"event\": \"attempt\", \"caller\": \"010-1\", "
			       "\"callee\": \"" CALLEE "\", \"origin\": \"domestic\", \"trunk\": \"\"}\n", i);
	struct screening_ingest out;
	assert_int_equal(screening_ingest(app, b.data, b.len, &out), OMB_OK);
	assert_int_equal(out.lines, n);
	assert_int_equal(out.bad, n);
	assert_int_equal(out.attempts, 0);
	assert_int_equal(out.n_errors, SCREENING_INGEST_ERRORS);
	assert_int_equal(out.errors[SCREENING_INGEST_ERRORS - 1].line, SCREENING_INGEST_ERRORS);
	buf_free(&b);
}

/* ---- blocks the engine sets ---- */

static void engine_block_is_recorded_by_the_sweep_with_its_evidence(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screen_verdict v = check(app, "f-1", FRAUD, now);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	char end[512];
	snprintf(end, sizeof end,
		 "{\"ts_ms\": %" PRId64 ", \"call_id\": \"f-1\", \"event\": \"end\", \"caller\": \"" FRAUD "\", "
		 "\"callee\": \"" CALLEE "\", \"origin\": \"domestic\", \"trunk\": \"KT-GW1\", \"duration_ms\": 90000, "
		 "\"answered\": 1}\n", now + 90000);
	ingest_ok(app, end);
	/* the check wrote nothing: the engine holds the block, the store not yet */
	assert_int_equal(blocks_of(app, true, FRAUD_E164, now, NULL), 0);
	struct screening_number st = number_state(app, FRAUD, now);
	assert_true(st.watched);
	assert_true(st.ev.blocked);
	assert_false(st.has_block);

	assert_int_equal(screening_sweep(app, now + 1000), 1);
	struct screening_block b;
	assert_int_equal(blocks_of(app, false, FRAUD_E164, now, &b), 1);
	assert_true(b.id > 0);
	assert_non_null(strstr(b.reasons, "confirmed_fraud"));
	assert_int_equal(b.score, 100);
	assert_false(b.operator_set);
	assert_string_equal(b.set_by, "");
	assert_int_equal(b.from_ms, now);
	assert_int_equal(b.until_ms, now + BLOCK_MINUTES * 60000LL);
	assert_int_equal(b.lifted_ms, 0);
	st = number_state(app, FRAUD, now);
	assert_true(st.has_block);
	assert_int_equal(st.block.id, b.id);

	/* its evidence, with the callee who answered and the rule timeline */
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM screen_evidence WHERE block_id = %" PRId64, b.id);
	assert_int_equal(db_int(state, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM screen_evidence_items i JOIN screen_evidence e ON e.id = "
		 "i.evidence_id WHERE e.block_id = %" PRId64 " AND i.kind = 'answered' AND i.value = '+821070000001'", b.id);
	assert_int_equal(db_int(state, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM screen_evidence_timeline t JOIN screen_evidence e ON e.id = "
		 "t.evidence_id WHERE e.block_id = %" PRId64 " AND t.verdict = 'block' AND t.reasons LIKE "
		 "'%%confirmed_fraud%%'", b.id);
	assert_int_equal(db_int(state, sql), 1);
	/* a voice-phishing block: whoever answered it is warned, once */
	char ref[40];
	snprintf(ref, sizeof ref, "screen-block-%" PRId64, b.id);
	struct outbox_item *items;
	size_t n = outbox_with_ref(app, ref, "sms", &items);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].recipient, "+821070000001");
	assert_non_null(strstr(items[0].body, "112"));
	outbox_items_free(items, n);

	/* recorded once: the next sweeps find nothing new */
	assert_int_equal(screening_sweep(app, now + 2000), 0);
	assert_int_equal(blocks_of(app, true, FRAUD_E164, now, NULL), 1);
	struct screening_block *after = NULL;
	assert_int_equal(screening_blocks(app, true, now, b.id, 10, &after, &n), OMB_OK);
	assert_int_equal(n, 0); /* paging: nothing after it */
	free(after);
}

/* ---- operator actions ---- */

static void operator_block_then_lift(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screening_block b;
	struct app_error err = {0};
	assert_int_equal(screening_block_number(app, &screener, "010-5555-0020", "경찰 요청 / police request", 30, false,
						now, &b, &err), OMB_OK);
	assert_string_equal(b.number, "+821055550020");
	assert_string_equal(b.reasons, "operator_block");
	assert_int_equal(b.score, 100);
	assert_true(b.operator_set);
	assert_string_equal(b.set_by, "KA-0001");
	assert_string_equal(b.note, "경찰 요청 / police request");
	assert_int_equal(b.from_ms, now);
	assert_int_equal(b.until_ms, now + 30 * 60000);
	struct screen_verdict v = check(app, "o-1", "010-5555-0020", now + 1000);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(has_reason(v.reasons, SR_OPERATOR_BLOCK));
	/* the sweep does not record it a second time as the engine's */
	assert_int_equal(screening_sweep(app, now + 2000), 0);
	assert_int_equal(blocks_of(app, true, "+821055550020", now, NULL), 1);

	assert_int_equal(screening_lift(app, &screener, "010-5", "x", now + 3000, &err), OMB_EINVAL);
	assert_string_equal(err.field, "number");
	assert_int_equal(screening_lift(app, &screener, "010-5555-0020", "번호 주인 확인 / holder verified", now + 3000, &err),
			 OMB_OK);
	v = check(app, "o-2", "010-5555-0020", now + 4000);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_int_equal(blocks_of(app, false, "+821055550020", now + 4000, NULL), 0);
	assert_int_equal(blocks_of(app, true, "+821055550020", now + 4000, &b), 1);
	assert_int_equal(b.lifted_ms, now + 3000);
	assert_string_equal(b.lifted_by, "KA-0001");
	assert_string_equal(b.lift_reason, "번호 주인 확인 / holder verified");
	assert_false(number_state(app, "010-5555-0020", now + 4000).has_block);
	/* the evidence as it stood, at the block and at the lift */
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM screen_evidence WHERE block_id = %" PRId64, b.id);
	assert_int_equal(db_int(state, sql), 2);
	err = (struct app_error){0};
	assert_int_equal(screening_lift(app, &screener, "010-5555-0020", "twice", now + 5000, &err), OMB_ENOTFOUND);
	assert_string_equal(err.field, "number");
	assert_int_equal(screening_lift(app, &screener, "010-5555-0021", "never", now + 5000, &err), OMB_ENOTFOUND);

	/* 0 minutes: the configured length */
	assert_int_equal(screening_block_number(app, &screener, "010-5555-0022", NULL, 0, false, now, &b, &err), OMB_OK);
	assert_int_equal(b.until_ms, now + BLOCK_MINUTES * 60000LL);
	assert_string_equal(b.note, "");
	assert_int_equal(screening_block_number(app, &screener, "010-5", NULL, 0, false, now, &b, &err), OMB_EINVAL);
	assert_string_equal(err.field, "number");
}

/* Reported by three consumers and calling like a fraudster: a block of
 * the engine's that persists. */
static void reported_number_calls(struct app *app, int64_t from, int calls, struct screening_ingest *out)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < calls; i++) {
		int64_t ts = from + i * 2000;
		buf_printf(&b, "{\"ts_ms\": %" PRId64 ", \"call_id\": \"r-%d\", \"event\": \"attempt\", \"caller\": \""
			       REPORTED "\", \"callee\": \"010-72%02d-%04d\", \"origin\": \"domestic\", \"trunk\": \"KT-GW1\"}\n"
			       "{\"ts_ms\": %" PRId64 ", \"call_id\": \"r-%d\", \"event\": \"end\", \"caller\": \"" REPORTED
			       "\", \"callee\": \"010-72%02d-%04d\", \"origin\": \"domestic\", \"trunk\": \"KT-GW1\", "
			       "\"duration_ms\": 0, \"answered\": 0}\n",
			   ts, i, i, i * 37 % 10000, ts + 1000, i, i, i * 37 % 10000);
	}
	assert_int_equal(screening_ingest(app, b.data, b.len, out), OMB_OK);
	assert_int_equal(out->bad, 0);
	buf_free(&b);
}

static void lift_holds_automatic_blocks_back_as_warnings(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screening_ingest out;
	reported_number_calls(app, now - 60000, 25, &out);
	assert_true(out.verdicts[SCREEN_BLOCK] > 0);
	assert_int_equal(screening_sweep(app, now), 1);
	struct screening_block b;
	assert_int_equal(blocks_of(app, false, "+821055550060", now, &b), 1);
	/* with the reasons that set it, not those of the calls it then stopped ("blocked") */
	assert_non_null(strstr(b.reasons, "reported"));
	assert_non_null(strstr(b.reasons, "low_answer"));
	assert_null(strstr(b.reasons, "blocked"));
	assert_in_range(b.score, 80, 100);
	assert_false(b.operator_set);
	struct app_error err = {0};
	assert_int_equal(screening_lift(app, &screener, REPORTED, "holder verified", now + 1000, &err), OMB_OK);
	/* the same behaviour now warns, and no new block is set or recorded */
	struct screen_verdict v = check_at(app, "r-after", REPORTED, "010-7300-0001", "domestic", NULL, 0, now + 2000);
	assert_int_equal(v.verdict, SCREEN_WARN);
	assert_true(has_reason(v.reasons, SR_LIFT_GRACE));
	assert_true(has_reason(v.reasons, SR_REPORTED));
	assert_int_equal(screening_sweep(app, now + 3000), 0);
	assert_int_equal(blocks_of(app, false, "+821055550060", now + 3000, NULL), 0);
	assert_false(number_state(app, REPORTED, now + 3000).has_block);
}

static void allowlist_overrides_lists_and_blocks(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	assert_int_equal(check(app, "a-1", FRAUD_ALLOWED, now).verdict, SCREEN_BLOCK);
	struct screening_allow a;
	struct app_error err = {0};
	assert_int_equal(screening_allowlist_add(app, &screener, FRAUD_ALLOWED, "list error", now, &a, &err), OMB_OK);
	assert_true(a.id > 0);
	assert_string_equal(a.number, "+821099990002");
	assert_string_equal(a.reason, "list error");
	assert_string_equal(a.added_by, "KA-0001");
	assert_int_equal(a.added_ms, now);
	struct screen_verdict v = check(app, "a-2", FRAUD_ALLOWED, now + 1000);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_int_equal(v.score, 0);
	assert_true(has_reason(v.reasons, SR_ALLOWLISTED));
	assert_true(number_state(app, FRAUD_ALLOWED, now).allowlisted);
	assert_false(number_state(app, FRAUD, now).allowlisted);

	/* over an operator's block too */
	struct screening_block b;
	assert_int_equal(screening_block_number(app, &screener, "010-5555-0070", "x", 0, false, now, &b, &err), OMB_OK);
	assert_int_equal(check(app, "a-3", "010-5555-0070", now + 1000).verdict, SCREEN_BLOCK);
	assert_int_equal(screening_allowlist_add(app, &screener, "010-5555-0070", "our own line", now, &a, &err), OMB_OK);
	assert_int_equal(check(app, "a-4", "010-5555-0070", now + 2000).verdict, SCREEN_ALLOW);

	struct screening_allow *items = NULL;
	size_t n = 0;
	assert_int_equal(screening_allowlist(app, 0, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].number, "+821099990002");
	assert_string_equal(items[1].number, "+821055550070");
	assert_string_equal(items[1].reason, "our own line");
	int64_t first = items[0].id;
	free(items);
	assert_int_equal(screening_allowlist(app, first, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	free(items);
	assert_int_equal(screening_allowlist_add(app, &screener, "", "x", now, &a, &err), OMB_EINVAL);
	assert_string_equal(err.field, "number");
}

/* The snapshot as it was when copy_snapshot ran, put back. */
static char old_snapshot[640];

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void put_back_old_snapshot(void)
{
	copy_file(old_snapshot, files.snapshot);
	unlink(old_snapshot);
}

/* A removed entry stops overriding at once, leaves the list, keeps its row
 * and its history with who and why, and stays removed when the engine
 * comes back from a snapshot taken while it was on the list; the number
 * can be added again. */
static void allowlist_entry_removed(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screening_allow a, gone;
	struct app_error err = {0};
	assert_int_equal(screening_allowlist_add(app, &screener, FRAUD_ALLOWED, "list error", now, &a, &err), OMB_OK);
	restart(state); /* a snapshot with the entry in it */
	app = fixture_app(state);
	snprintf(old_snapshot, sizeof old_snapshot, "%s.old", files.snapshot);
	copy_file(files.snapshot, old_snapshot);

	assert_int_equal(screening_allowlist_remove(app, &screener, "+82 10-9999-0002", "police list confirmed", now + 1000,
						    &gone, &err), OMB_OK);
	assert_int_equal(gone.id, a.id);
	assert_string_equal(gone.number, "+821099990002");
	assert_string_equal(gone.reason, "list error");
	assert_int_equal(gone.removed_ms, now + 1000);
	assert_string_equal(gone.removed_by, "KA-0001");
	assert_string_equal(gone.remove_reason, "police list confirmed");
	assert_int_equal(check(app, "r-1", FRAUD_ALLOWED, now + 2000).verdict, SCREEN_BLOCK);
	assert_false(number_state(app, FRAUD_ALLOWED, now + 2000).allowlisted);
	struct screening_allow *items = NULL;
	size_t n = 9;
	assert_int_equal(screening_allowlist(app, 0, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 0);
	free(items);
	assert_int_equal(db_int(state, "SELECT count(*) FROM screen_allow_changes WHERE action = 'remove' AND "
				       "by_staff = 'KA-0001' AND reason = 'police list confirmed'"), 1);

	err = (struct app_error){0};
	assert_int_equal(screening_allowlist_remove(app, &screener, FRAUD_ALLOWED, "twice", now + 3000, &gone, &err),
			 OMB_ENOTFOUND);
	assert_string_equal(err.field, "number");
	assert_int_equal(screening_allowlist_remove(app, &screener, "not a number", "x", now, &gone, &err), OMB_EINVAL);

	restart_with(state, put_back_old_snapshot);
	app = fixture_app(state);
	assert_int_equal(check(app, "r-2", FRAUD_ALLOWED, now + 4000).verdict, SCREEN_BLOCK);
	assert_int_equal(screening_allowlist_add(app, &screener, FRAUD_ALLOWED, "back", now + 5000, &a, &err), OMB_OK);
	assert_int_equal(check(app, "r-3", FRAUD_ALLOWED, now + 6000).verdict, SCREEN_ALLOW);
	assert_int_equal(screening_allowlist(app, 0, 10, &items, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].reason, "back");
	assert_int_equal(items[0].removed_ms, 0);
	free(items);
	assert_int_equal(db_int(state, "SELECT count(*) FROM screen_allow_changes"), 3);
}

/* The registry file as the fixture wrote it, with extra rows after it. */
static void write_registry(const char *extra)
{
	char text[512];
	snprintf(text, sizeof text, "number,holder,kind,trunk,daily_cap,valid_from,valid_to\n"
				    "01099990001,KNPA,confirmed_fraud,,,,\n01099990002,KNPA,confirmed_fraud,,,,\n%s", extra);
	write_file(files.registry, text);
}

static void drop_listed_number(void)
{
	write_registry("");
}

/* screen.registry_file is read again at every feed and at start: a number
 * taken off the police list stops being confirmed fraud, on the next feed
 * or on a start from a snapshot that still had it. */
static void registry_refresh_retires_what_the_file_dropped(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms(), feed = 61 * 1000;
	write_registry("01099990005,KNPA,confirmed_fraud,,,,\n01099990006,KNPA,confirmed_fraud,,,,\n");
	assert_int_equal(check(app, "rf-1", "010-9999-0005", now).verdict, SCREEN_ALLOW); /* until the next feed */
	assert_true(screening_sweep(app, now + feed) >= 0);
	assert_int_equal(check(app, "rf-2", "010-9999-0005", now + feed).verdict, SCREEN_BLOCK);
	write_registry("01099990005,KNPA,confirmed_fraud,,,,\n");
	assert_true(screening_sweep(app, now + 2 * feed) >= 0);
	struct screen_verdict v = check(app, "rf-3", "010-9999-0006", now + 2 * feed);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_false(has_reason(v.reasons, SR_CONFIRMED_FRAUD));

	write_registry("01099990007,KNPA,confirmed_fraud,,,,\n");
	assert_true(screening_sweep(app, now + 3 * feed) >= 0);
	restart_with(state, drop_listed_number); /* its snapshot holds 0007 as confirmed fraud */
	app = fixture_app(state);
	v = check(app, "rf-4", "010-9999-0007", now + 4 * feed);
	assert_int_equal(v.verdict, SCREEN_ALLOW);
	assert_false(has_reason(v.reasons, SR_CONFIRMED_FRAUD));
	assert_int_equal(check(app, "rf-5", FRAUD, now + 4 * feed).verdict, SCREEN_BLOCK);
}

/* ---- appeals ---- */

/* The one-time code of appeal id, as the number's holder reads it in the sms. */
static void appeal_code(struct app *app, int64_t id, char code[7])
{
	char ref[32];
	snprintf(ref, sizeof ref, "appeal-%" PRId64, id);
	struct outbox_item *items;
	size_t n = outbox_with_ref(app, ref, "sms", &items);
	assert_int_equal(n, 1);
	const char *at = strstr(items[0].body, "one-time code ");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "one-time code %6[0-9]", code), 1);
	assert_int_equal(strlen(code), 6);
	outbox_items_free(items, n);
}

static const char *wrong_code(const char *code)
{
	return strcmp(code, "000000") ? "000000" : "111111";
}

/* A screener of a carrier and a regulator, who are told of confirmed appeals. */
static void add_staff(struct app *app, const char *org, enum org_kind kind, const char *login, enum role role,
		      char code[STAFF_CODE_MAX])
{
	const char *field = NULL;
	int64_t id = 0;
	struct org_new o = {.code = org, .name = org, .name_en = "", .kind = kind};
	int rc = accounts_org_create(app, &o, &id, &field);
	assert_true(rc == OMB_OK || rc == OMB_EEXIST);
	/* an already hashed password keeps the test from hashing one */
	struct staff_new s = {.org_code = org, .login = login, .role = role, .pw_hash = "$argon2id$v=19$unused"};
	assert_int_equal(accounts_staff_create(app, &s, &id, code, &field), OMB_OK);
}

static void appeal_with_one_time_code_then_lifted(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	char scr[STAFF_CODE_MAX], reg[STAFF_CODE_MAX];
	add_staff(app, "KA", ORG_CARRIER, "k.scr", ROLE_SCREENER, scr);
	add_staff(app, "RA", ORG_REGULATOR, "r.reg", ROLE_REGULATOR, reg);
	int64_t id = 0;
	struct app_error err = {0};
	assert_int_equal(screening_appeal_open(app, "010-5555-0031", now, &id, &err), OMB_ECONFLICT);
	assert_string_equal(err.field, "number");
	struct screening_block b;
	assert_int_equal(screening_block_number(app, &screener, "010-5555-0030", "police", 0, false, now, &b, &err),
			 OMB_OK);
	assert_int_equal(screening_appeal_open(app, "010-5555-0030", now, &id, &err), OMB_OK);
	assert_true(id > 0);
	char code[7];
	appeal_code(app, id, code);
	struct outbox_item *items;
	char ref[32];
	snprintf(ref, sizeof ref, "appeal-%" PRId64, id);
	size_t n = outbox_with_ref(app, ref, "sms", &items);
	assert_string_equal(items[0].recipient, "+821055550030");
	outbox_items_free(items, n);

	/* unconfirmed: not listed, not to be decided */
	struct screening_appeal *list = NULL;
	assert_int_equal(screening_appeals(app, "", 0, 10, &list, &n), OMB_OK);
	assert_int_equal(n, 0);
	free(list);
	struct screening_appeal a;
	assert_int_equal(screening_appeal_decide(app, &screener, id, true, "x", now, &a, &err), OMB_ENOTFOUND);

	err = (struct app_error){0};
	assert_int_equal(screening_appeal_confirm(app, id, wrong_code(code), "제 번호입니다", now + 1000, &a, &err),
			 OMB_ENOTFOUND);
	assert_string_equal(err.field, "one_time_code");
	assert_int_equal(screening_appeal_confirm(app, id + 1000, code, "no such appeal", now + 1000, &a, &err),
			 OMB_ENOTFOUND);
	assert_int_equal(screening_appeal_confirm(app, id, code, "제 가게 번호입니다 / my shop's number", now + 2000, &a, &err),
			 OMB_OK);
	assert_int_equal(a.id, id);
	assert_string_equal(a.status, "open");
	assert_string_equal(a.number, "+821055550030");
	assert_string_equal(a.statement, "제 가게 번호입니다 / my shop's number");
	assert_int_equal(a.block_id, b.id);
	assert_true(a.evidence_id > 0);
	assert_int_equal(a.created_ms, now);
	assert_int_equal(a.confirmed_ms, now + 2000);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM screen_evidence WHERE id = %" PRId64 " AND block_id = %" PRId64,
		 a.evidence_id, b.id);
	assert_int_equal(db_int(state, sql), 1);
	/* used once */
	assert_int_equal(screening_appeal_confirm(app, id, code, "again", now + 3000, &a, &err), OMB_ENOTFOUND);
	assert_int_equal(screening_appeals(app, "open", 0, 10, &list, &n), OMB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id);
	assert_int_equal(list[0].evidence_id, a.evidence_id);
	free(list);
	/* the screener and the regulator are told */
	n = outbox_with_ref(app, ref, "staff", &items);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].recipient, scr);
	assert_string_equal(items[1].recipient, reg);
	outbox_items_free(items, n);

	assert_int_equal(screening_appeal_decide(app, &screener, id, true, "소상공인 번호 확인", now + 4000, &a, &err), OMB_OK);
	assert_string_equal(a.status, "lifted");
	assert_string_equal(a.decided_by, "KA-0001");
	assert_string_equal(a.decision_reason, "소상공인 번호 확인");
	assert_int_equal(a.decided_ms, now + 4000);
	assert_false(number_state(app, "010-5555-0030", now + 5000).has_block);
	assert_int_equal(check(app, "ap-1", "010-5555-0030", now + 5000).verdict, SCREEN_ALLOW);
	assert_int_equal(blocks_of(app, true, "+821055550030", now, &b), 1);
	assert_int_equal(b.lifted_ms, now + 4000);
	assert_string_equal(b.lifted_by, "KA-0001");
	err = (struct app_error){0};
	assert_int_equal(screening_appeal_decide(app, &screener, id, false, "x", now + 6000, &a, &err), OMB_ECONFLICT);
	assert_int_equal(screening_appeals(app, "lifted", 0, 10, &list, &n), OMB_OK);
	assert_int_equal(n, 1);
	free(list);
	/* the holder got the code, then the decision */
	n = outbox_with_ref(app, ref, "sms", &items);
	assert_int_equal(n, 2);
	outbox_items_free(items, n);
}

static void appeal_code_has_five_tries_and_ten_minutes(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screening_block b;
	struct app_error err = {0};
	assert_int_equal(screening_block_number(app, &screener, "010-5555-0032", "x", 0, false, now, &b, &err), OMB_OK);
	int64_t id = 0;
	assert_int_equal(screening_appeal_open(app, "010-5555-0032", now, &id, &err), OMB_OK);
	char code[7];
	appeal_code(app, id, code);
	struct screening_appeal a;
	/* each wrong code is counted, though the call fails */
	for (int i = 0; i < SCREENING_APPEAL_TRIES; i++)
		assert_int_equal(screening_appeal_confirm(app, id, wrong_code(code), "", now + 1000, &a, &err),
				 OMB_ENOTFOUND);
	assert_int_equal(screening_appeal_confirm(app, id, code, "", now + 2000, &a, &err), OMB_ENOTFOUND);

	assert_int_equal(screening_appeal_open(app, "010-5555-0032", now, &id, &err), OMB_OK);
	appeal_code(app, id, code);
	assert_int_equal(screening_appeal_confirm(app, id, code, "", now + SCREENING_APPEAL_TTL_MS, &a, &err),
			 OMB_ENOTFOUND);
	assert_int_equal(screening_appeal_confirm(app, id, code, "late but in time", now + SCREENING_APPEAL_TTL_MS - 1, &a,
						  &err), OMB_OK);
	assert_string_equal(a.status, "open");
	/* rejected: the block stays */
	assert_int_equal(screening_appeal_decide(app, &screener, id, false, "통화 기록 확인", now + 3000, &a, &err), OMB_OK);
	assert_string_equal(a.status, "rejected");
	assert_true(number_state(app, "010-5555-0032", now + 4000).has_block);
	assert_int_equal(check(app, "ap-2", "010-5555-0032", now + 4000).verdict, SCREEN_BLOCK);
}

/* A block the sweep has not recorded yet is appealable all the same. */
static void appeal_of_a_block_not_yet_recorded(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	assert_int_equal(check(app, "ap-3", FRAUD, now).verdict, SCREEN_BLOCK);
	int64_t id = 0;
	struct app_error err = {0};
	assert_int_equal(screening_appeal_open(app, FRAUD, now, &id, &err), OMB_OK);
	char code[7];
	appeal_code(app, id, code);
	struct screening_appeal a;
	assert_int_equal(screening_appeal_confirm(app, id, code, "", now + 1000, &a, &err), OMB_OK);
	assert_int_equal(a.block_id, 0);
	assert_true(a.evidence_id > 0);
}

/* ---- restarts ---- */

static void damage_snapshot(void)
{
	FILE *f = fopen(files.snapshot, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	assert_true(size > 64);
	assert_int_equal(fseek(f, size / 2, SEEK_SET), 0);
	int byte = fgetc(f);
	assert_int_equal(fseek(f, size / 2, SEEK_SET), 0);
	fputc(byte ^ 0x40, f);
	assert_int_equal(fclose(f), 0);
}

static void lose_snapshot(void)
{
	assert_int_equal(unlink(files.snapshot), 0);
}

static void restart_keeps_blocks_and_state(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screening_block b;
	struct app_error err = {0};
	assert_int_equal(screening_block_number(app, &screener, "010-5555-0050", "police", 0, false, now, &b, &err), OMB_OK);
	assert_int_equal(check(app, "keep-1", "010-5555-0051", now).verdict, SCREEN_ALLOW);
	struct screening_allow a;
	assert_int_equal(screening_allowlist_add(app, &screener, FRAUD_ALLOWED, "list error", now, &a, &err), OMB_OK);

	restart(state);
	app = fixture_app(state);
	assert_true(exists(files.snapshot));
	/* the engine's memory of the call came back with it */
	assert_int_equal(check(app, "keep-1", "010-5555-0051", now + 1000).repeated, 1);
	assert_int_equal(number_state(app, "010-5555-0051", now).ev.attempts, 1);
	struct screen_verdict v = check(app, "keep-2", "010-5555-0050", now + 1000);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(has_reason(v.reasons, SR_OPERATOR_BLOCK));
	struct screening_number st = number_state(app, "010-5555-0050", now + 1000);
	assert_true(st.has_block);
	assert_int_equal(st.block.id, b.id);
	assert_true(st.ev.operator_block);
	assert_int_equal(screening_sweep(app, now + 2000), 0);

	/* a damaged snapshot (one byte changed) is set aside, not half-read;
	 * the recorded block is set again from the store, the allowlist too */
	restart_with(state, damage_snapshot);
	app = fixture_app(state);
	char aside[620];
	snprintf(aside, sizeof aside, "%s.unusable", files.snapshot);
	assert_true(exists(aside));
	assert_false(exists(files.snapshot)); /* until the next save */
	assert_int_equal(check(app, "keep-3", "010-5555-0050", now + 3000).verdict, SCREEN_BLOCK);
	assert_false(number_state(app, "010-5555-0051", now + 3000).known);
	assert_int_equal(check(app, "keep-4", FRAUD_ALLOWED, now + 3000).verdict, SCREEN_ALLOW);
	assert_int_equal(screening_sweep(app, now + 4000), 0);
	assert_int_equal(blocks_of(app, true, "+821055550050", now, NULL), 1);

	/* the snapshot of that engine restores: still one block, not a second
	 * one recorded as the engine's */
	restart(state);
	app = fixture_app(state);
	assert_int_equal(check(app, "keep-5", "010-5555-0050", now + 5000).verdict, SCREEN_BLOCK);
	assert_int_equal(screening_sweep(app, now + 6000), 0);
	assert_int_equal(blocks_of(app, true, "+821055550050", now, NULL), 1);

	/* a lost snapshot: the same */
	restart_with(state, lose_snapshot);
	app = fixture_app(state);
	assert_int_equal(check(app, "keep-6", "010-5555-0050", now + 7000).verdict, SCREEN_BLOCK);
	assert_true(number_state(app, "010-5555-0050", now + 7000).has_block);
	assert_int_equal(blocks_of(app, true, "+821055550050", now, NULL), 1);
}

/* ---- the SIM-box release ---- */

/* A call attempted at ts and unanswered 20 s later, as the proxy reports
 * it; now is the server's clock. */
static struct screen_verdict failed_call(struct app *app, const char *caller, const char *callee, const char *cell,
					 int64_t ts, int64_t now)
{
	static int seq;
	char cid[24], end[512];
	snprintf(cid, sizeof cid, "sb-%d", seq++);
	struct screen_verdict v = check_at(app, cid, caller, callee, "domestic", cell, ts, now);
	snprintf(end, sizeof end,
		 "{\"ts_ms\": %" PRId64 ", \"call_id\": \"%s\", \"event\": \"end\", \"caller\": \"%s\", \"callee\": "
		 "\"%s\", \"origin\": \"domestic\", \"trunk\": \"KT-GW1\", \"cell\": \"%s\", \"duration_ms\": 0, "
		 "\"answered\": 0}\n", ts + 20000, cid, caller, callee, cell);
	ingest_ok(app, end);
	return v;
}

/* A line settled in a box's cell and blocked there for it (docs/screening.md,
 * "SIM boxes"): the black-box ScreenSimBoxRelease world, with the sweeps
 * where the server's clock moves. Returns the server's clock. */
static int64_t simbox_line_blocked(struct app *app, const char *line, int64_t now)
{
	failed_call(app, line, "010-6000-0001", "BOX-CELL", now, now); /* before the box shows */
	failed_call(app, line, "010-6000-0002", "BOX-CELL", now + 60000, now);
	now += 120000;
	screening_sweep(app, now);
	for (int round = 0; round < 6; round++) { /* 24 new SIMs a round, two failed calls in three at most */
		for (int sim = 0; sim < 24; sim++) {
			char caller[16], callee[16];
			snprintf(caller, sizeof caller, "010-7%03d-%04d", round / 3, sim);
			snprintf(callee, sizeof callee, "010-6100-%04d", round * 100 + sim);
			failed_call(app, caller, callee, "BOX-CELL", now + sim * 10000, now);
		}
		now += 24 * 10000;
		screening_sweep(app, now);
	}
	struct screen_verdict v = failed_call(app, line, "010-6000-0003", "BOX-CELL", now, now);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(has_reason(v.reasons, SR_SIMBOX_CELL));
	now += 60000;
	assert_int_equal(screening_sweep(app, now), 1);
	return now;
}

static void simbox_block_released_when_the_line_moves(void **state)
{
	struct app *app = fixture_app(state);
	const char *line = "010-5555-0707", *e164 = "+821055550707";
	int64_t now = simbox_line_blocked(app, line, clock_now_ms());
	struct screening_block b;
	assert_int_equal(blocks_of(app, false, e164, now, &b), 1);
	assert_non_null(strstr(b.reasons, "simbox_cell"));
	/* a box on a border uses two cells */
	struct screen_verdict v = failed_call(app, line, "010-6000-0004", "CELL-2", now, now);
	assert_int_equal(v.verdict, SCREEN_BLOCK);
	assert_true(has_reason(v.reasons, SR_BLOCKED));
	/* a third: a handset on the move, the engine ends the block */
	v = failed_call(app, line, "010-6000-0005", "CELL-3", now + 60000, now);
	assert_int_not_equal(v.verdict, SCREEN_BLOCK);
	assert_false(has_reason(v.reasons, SR_SIMBOX_CELL)); /* a roaming line is no suspect */
	now += 120000;
	assert_int_equal(screening_sweep(app, now), 1); /* the release, recorded */
	assert_int_equal(blocks_of(app, false, e164, now, NULL), 0);
	assert_int_equal(blocks_of(app, true, e164, now, &b), 1);
	assert_int_equal(b.lifted_ms, now - 120000 + 60000);
	assert_string_equal(b.lifted_by, "engine");
	assert_non_null(strstr(b.lift_reason, "third cell"));
	assert_false(number_state(app, line, now).has_block);
	/* recorded once */
	assert_int_equal(screening_sweep(app, now + 1000), 0);

	/* an operator blocks the line afterwards: no later sweep, not even the
	 * first after a restart, takes that for the engine's release */
	struct app_error err = {0};
	assert_int_equal(screening_block_number(app, &screener, line, "police", 0, false, now + 2000, &b, &err), OMB_OK);
	assert_int_equal(screening_sweep(app, now + 3000), 0);
	restart(state);
	app = fixture_app(state);
	assert_true(screening_sweep(app, now + 4000) >= 0); /* goes over the releases the restored engine holds */
	assert_int_equal(blocks_of(app, false, e164, now + 4000, &b), 1);
	assert_true(b.operator_set);
	assert_int_equal(b.lifted_ms, 0);
	assert_true(number_state(app, line, now + 4000).has_block);
	assert_int_equal(check(app, "sb-after", line, now + 5000).verdict, SCREEN_BLOCK);
}

/* An operator blocks the line after it moved but before the sweep that
 * records the engine's release: the sweep ends the SIM-box block's row
 * and leaves the operator's running. */
static void release_and_an_operator_block_in_one_sweep(void **state)
{
	struct app *app = fixture_app(state);
	const char *line = "010-5555-0909", *e164 = "+821055550909";
	int64_t now = simbox_line_blocked(app, line, clock_now_ms());
	failed_call(app, line, "010-6000-0004", "CELL-2", now, now);
	assert_int_not_equal(failed_call(app, line, "010-6000-0005", "CELL-3", now + 60000, now).verdict,
			     SCREEN_BLOCK);
	struct screening_block b;
	struct app_error err = {0};
	assert_int_equal(screening_block_number(app, &screener, line, "police", 0, false, now + 90000, &b, &err),
			 OMB_OK);
	int64_t operator_block = b.id;
	assert_true(screening_sweep(app, now + 120000) >= 1);
	size_t n = 0;
	struct screening_block *items = NULL;
	assert_int_equal(screening_blocks(app, true, now + 120000, 0, 1000, &items, &n), OMB_OK);
	int running = 0, released = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(items[i].number, e164) != 0)
			continue;
		if (items[i].id == operator_block) {
			assert_int_equal(items[i].lifted_ms, 0);
			running++;
		} else {
			assert_int_equal(items[i].lifted_ms, now + 60000);
			assert_string_equal(items[i].lifted_by, "engine");
			released++;
		}
	}
	free(items);
	assert_int_equal(running, 1);
	assert_int_equal(released, 1);
	assert_int_equal(check(app, "sb-op", line, now + 130000).verdict, SCREEN_BLOCK);
}

/* A SIM-box block rebuilt from the store (the snapshot lost) is still the
 * engine's own: it ends when the line moves, as on a node that learnt it
 * from another (screen_sync.c). */
static void simbox_block_from_the_store_still_ends_when_the_line_moves(void **state)
{
	struct app *app = fixture_app(state);
	const char *line = "010-5555-0808", *e164 = "+821055550808";
	int64_t now = simbox_line_blocked(app, line, clock_now_ms());
	restart_with(state, lose_snapshot);
	app = fixture_app(state);
	struct screening_block b;
	assert_int_equal(blocks_of(app, false, e164, now, &b), 1);
	assert_false(b.operator_set);
	/* the restarted engine has forgotten the box's cell: the third cell it
	 * sees the line in ends the block */
	assert_int_equal(failed_call(app, line, "010-6000-0004", "CELL-2", now, now).verdict, SCREEN_BLOCK);
	assert_int_equal(failed_call(app, line, "010-6000-0005", "CELL-3", now + 30000, now).verdict, SCREEN_BLOCK);
	struct screen_verdict v = failed_call(app, line, "010-6000-0006", "CELL-4", now + 60000, now);
	assert_int_not_equal(v.verdict, SCREEN_BLOCK);
	now += 120000;
	assert_int_equal(screening_sweep(app, now), 1);
	assert_int_equal(blocks_of(app, false, e164, now, NULL), 0);
	assert_int_equal(blocks_of(app, true, e164, now, &b), 1);
	assert_string_equal(b.lifted_by, "engine");
}

/* ---- reasons and the evidence document ---- */

static void reasons_parse_round_trip(void **state)
{
	(void)state;
	char text[512];
	uint32_t all = (1u << SR_COUNT) - 1;
	screen_reasons_format(all, text, sizeof text);
	assert_int_equal(screening_reasons_parse(text), all);
	for (int i = 0; i < SR_COUNT; i++) {
		screen_reasons_format(1u << i, text, sizeof text);
		assert_string_equal(text, screen_reason_name((enum screen_reason)i));
		assert_int_equal(screening_reasons_parse(text), 1u << i);
	}
	uint32_t some = (1u << SR_CONFIRMED_FRAUD) | (1u << SR_SIMBOX_CELL) | (1u << SR_LIFT_GRACE);
	screen_reasons_format(some, text, sizeof text);
	assert_string_equal(text, "confirmed_fraud;simbox_cell;lift_grace");
	assert_int_equal(screening_reasons_parse(text), some);
	/* unknown codes, prefixes and empty items are left out */
	assert_int_equal(screening_reasons_parse("confirmed_fraud;nonsense;;operator_block;"),
			 (1u << SR_CONFIRMED_FRAUD) | (1u << SR_OPERATOR_BLOCK));
	assert_int_equal(screening_reasons_parse("confirmed;fraud;operator_blocked"), 0);
	assert_int_equal(screening_reasons_parse(""), 0);
}

static const struct doc_section *section(const struct doc *d, const char *key)
{
	for (size_t i = 0; i < d->nsections; i++)
		if (!strcmp(d->sections[i]->key, key))
			return d->sections[i];
	return NULL;
}

static const char *field(const struct doc_section *s, const char *key)
{
	assert_non_null(s);
	for (size_t i = 0; i < s->nfields; i++)
		if (!strcmp(s->fields[i].key, key))
			return s->fields[i].value;
	fail_msg("no field %s in section %s", key, s->key);
	return NULL;
}

static const char *cell(const struct doc_section *s, size_t row, size_t col)
{
	assert_non_null(s->table);
	assert_true(row < s->table->nrows && col < s->table->ncols);
	return s->table->cells[row * s->table->ncols + col];
}

static void evidence_document_of_a_watched_number(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	const char *v = "010-5555-0040";
	/* volume and fan-out: warned, never blocked on behaviour alone */
	struct buf ends;
	buf_init(&ends, 1 << 20);
	for (int i = 0; i < 25; i++) {
		char cid[16], callee[16];
		snprintf(cid, sizeof cid, "ev-%d", i);
		snprintf(callee, sizeof callee, "010-7100-%04d", i);
		check_at(app, cid, v, callee, "domestic", NULL, now, now);
		buf_printf(&ends, "{\"ts_ms\": %" PRId64 ", \"call_id\": \"%s\", \"event\": \"end\", \"caller\": \"%s\", "
				  "\"callee\": \"%s\", \"origin\": \"domestic\", \"trunk\": \"KT-GW1\", \"duration_ms\": %d, "
				  "\"answered\": %d}\n", now + 1000, cid, v, callee, i < 2 ? 90000 : 0, i < 2);
	}
	assert_true(number_state(app, v, now).watched);
	struct screening_ingest *in = ingest_ok(app, ends.data);
	assert_int_equal(in->ends, 25);
	assert_int_equal(in->ends_unknown, 0);
	buf_free(&ends);
	struct screening_block b;
	struct app_error err = {0};
	assert_int_equal(screening_block_number(app, &screener, v, "voice phishing", 0, true, now + 2000, &b, &err), OMB_OK);
	/* the two who answered are warned */
	char ref[40];
	snprintf(ref, sizeof ref, "screen-block-%" PRId64, b.id);
	struct outbox_item *items;
	size_t n = outbox_with_ref(app, ref, "sms", &items);
	assert_int_equal(n, 2);
	assert_true((!strcmp(items[0].recipient, "+821071000000") && !strcmp(items[1].recipient, "+821071000001")) ||
		    (!strcmp(items[0].recipient, "+821071000001") && !strcmp(items[1].recipient, "+821071000000")));
	outbox_items_free(items, n);

	struct doc *d = NULL;
	assert_int_equal(screening_evidence_document(app, v, now + 3000, &d, &err), OMB_OK);
	assert_string_equal(d->kind, "evidence");
	const struct doc_section *s = section(d, "number");
	assert_string_equal(field(s, "number"), "+821055550040");
	assert_string_equal(field(s, "source"), "live engine state");
	assert_string_equal(field(s, "attempts"), "25");
	assert_string_equal(field(s, "blocked"), "yes");
	assert_string_equal(field(s, "operator_block"), "yes");
	assert_string_equal(field(s, "origins"), "domestic");
	s = section(d, "block");
	assert_string_equal(field(s, "set_by"), "KA-0001");
	assert_string_equal(field(s, "note"), "voice phishing");
	assert_string_equal(field(s, "reasons"), "operator_block");
	s = section(d, "victims");
	assert_int_equal(s->table->nrows, 2);
	s = section(d, "places");
	assert_int_equal(s->table->nrows, 1);
	assert_string_equal(cell(s, 0, 0), "trunk");
	assert_string_equal(cell(s, 0, 1), "KT-GW1");
	s = section(d, "timeline");
	size_t rows = s->table->nrows;
	assert_true(rows >= 2);
	bool warned = false;
	for (size_t i = 0; i < rows; i++)
		warned |= !strcmp(cell(s, i, 1), "warn");
	assert_true(warned);
	assert_string_equal(cell(s, rows - 1, 1), "block");
	assert_string_equal(cell(s, rows - 1, 3), "operator_block");
	struct buf html;
	buf_init(&html, 4 << 20);
	assert_int_equal(doc_render_html(d, &html), OMB_OK);
	assert_true(strncmp(html.data, "<!doctype html>", 15) == 0);
	assert_non_null(strstr(html.data, "+821055550040"));
	buf_free(&html);
	doc_free(d);

	d = NULL;
	err = (struct app_error){0};
	assert_int_equal(screening_evidence_document(app, "010-5555-0099", now, &d, &err), OMB_ENOTFOUND);
	assert_string_equal(err.field, "number");
	assert_null(d);
	assert_int_equal(screening_evidence_document(app, "010-5", now, &d, &err), OMB_EINVAL);
	assert_string_equal(err.field, "number");
}

/* A number the engine no longer watches: the last evidence recorded, its
 * timeline read back from the reason codes stored. */
static void evidence_document_from_the_store(void **state)
{
	struct app *app = fixture_app(state);
	int64_t now = clock_now_ms();
	struct screening_block b;
	struct app_error err = {0};
	assert_int_equal(screening_block_number(app, &screener, "010-5555-0041", "police", 0, false, now, &b, &err), OMB_OK);
	assert_int_equal(screening_lift(app, &screener, "010-5555-0041", "holder verified", now + 1000, &err), OMB_OK);
	restart_with(state, lose_snapshot);
	app = fixture_app(state);
	assert_false(number_state(app, "010-5555-0041", now + 2000).watched);
	struct doc *d = NULL;
	assert_int_equal(screening_evidence_document(app, "010-5555-0041", now + 2000, &d, &err), OMB_OK);
	const struct doc_section *s = section(d, "number");
	assert_string_equal(field(s, "source"), "recorded");
	assert_string_equal(field(s, "number"), "+821055550041");
	assert_string_equal(field(s, "operator_block"), "yes");
	assert_null(section(d, "block")); /* lifted: no block runs */
	s = section(d, "timeline");
	assert_true(s->table->nrows >= 1);
	assert_string_equal(cell(s, 0, 1), "block");
	assert_string_equal(cell(s, 0, 2), "100");
	assert_string_equal(cell(s, 0, 3), "operator_block");
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SCREENING_TEST(check_gives_a_verdict_counted_once_per_call),
		SCREENING_TEST(spoofed_number_is_blocked_and_left_untouched),
		SCREENING_TEST(emergency_callee_is_allowed),
		SCREENING_TEST(check_names_the_bad_field),
		SCREENING_TEST(ingest_counts_bad_lines_and_takes_the_rest),
		SCREENING_TEST(ingest_reports_the_first_bad_lines_and_counts_the_rest),
		SCREENING_TEST(engine_block_is_recorded_by_the_sweep_with_its_evidence),
		SCREENING_TEST(operator_block_then_lift),
		SCREENING_TEST(lift_holds_automatic_blocks_back_as_warnings),
		SCREENING_TEST(allowlist_overrides_lists_and_blocks),
		SCREENING_TEST(allowlist_entry_removed),
		SCREENING_TEST(registry_refresh_retires_what_the_file_dropped),
		SCREENING_TEST(appeal_with_one_time_code_then_lifted),
		SCREENING_TEST(appeal_code_has_five_tries_and_ten_minutes),
		SCREENING_TEST(appeal_of_a_block_not_yet_recorded),
		SCREENING_TEST(restart_keeps_blocks_and_state),
		SCREENING_TEST(simbox_block_released_when_the_line_moves),
		SCREENING_TEST(simbox_block_from_the_store_still_ends_when_the_line_moves),
		SCREENING_TEST(release_and_an_operator_block_in_one_sweep),
		cmocka_unit_test(reasons_parse_round_trip),
		SCREENING_TEST(evidence_document_of_a_watched_number),
		SCREENING_TEST(evidence_document_from_the_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
