/* test_events.c — the CSV and NDJSON event parsers, the list loaders,
 * the simulator and the evaluation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "base/err.h"
#include "screen/csvrows.h"
#include "screen/evaluate.h"
#include "screen/events.h"
#include "screen/lists.h"
#include "screen/screen.h"
#include "screen/sim.h"

#define HEADER "ts_ms,call_id,event,caller,callee,origin,trunk,cell,attestation,duration_ms,answered\n"

struct sink {
	int events, attempts, ends;
	int errors;
	uint64_t err_lines[16];
	char err_reasons[16][96];
	struct events_event last;
};

static int on_event(void *arg, const struct events_event *ev)
{
	struct sink *k = arg;
	k->events++;
	k->attempts += ev->kind == EVENTS_ATTEMPT;
	k->ends += ev->kind == EVENTS_END;
	k->last = *ev;
	return 0;
}

static void on_error(void *arg, uint64_t line, const char *reason)
{
	struct sink *k = arg;
	if (k->errors < 16) {
		k->err_lines[k->errors] = line;
		snprintf(k->err_reasons[k->errors], sizeof k->err_reasons[0], "%s", reason);
	}
	k->errors++;
}

/* Feeds text in pieces of `step` bytes. */
static int parse(enum events_format fmt, const char *text, size_t step, struct sink *k)
{
	memset(k, 0, sizeof *k);
	struct events_parser *p = events_parser_new(fmt, 300000, PHONE_CC_KOREA, on_event, on_error, k);
	size_t n = strlen(text);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i += step)
		rc = events_parser_feed(p, text + i, i + step < n ? step : n - i);
	if (!rc)
		rc = events_parser_finish(p);
	events_parser_free(p);
	return rc;
}

static void test_csv_good_rows_any_chunking(void **state)
{
	(void)state;
	const char *text = HEADER
		"1000,c1,attempt,010-1234-5678,+821087654321,domestic,msc-1,cell-7,,,\n"
		"2000,c2,attempt,anonymous,\"tel:+82-10-8765-4321\",international,igw,,C,,\n"
		"31000,c1,end,01012345678,01087654321,domestic,msc-1,cell-7,,25000,1\r\n"
		"32000,\"c,3\",attempt,\"sip:01012345678@x;user=phone\",1588-1234,domestic,,,,,";
	for (size_t step = 1; step <= 64; step *= 3) {
		struct sink k;
		assert_int_equal(parse(EVENTS_CSV, text, step, &k), 0);
		assert_int_equal(k.errors, 0);
		assert_int_equal(k.attempts, 3);
		assert_int_equal(k.ends, 1);
		assert_string_equal(k.last.call_id, "c,3");
		assert_int_equal(k.last.attempt.caller.kind, PHONE_MOBILE);
		assert_int_equal(k.last.attempt.callee.kind, PHONE_SERVICE);
	}
}

static void test_csv_columns_any_order(void **state)
{
	(void)state;
	const char *text = "callee,caller,call_id,event,ts_ms,origin,extra\n"
			   "01087654321,01012345678,x9,attempt,5,domestic,ignored\n";
	struct sink k;
	assert_int_equal(parse(EVENTS_CSV, text, 4096, &k), 0);
	assert_int_equal(k.attempts, 1);
	assert_int_equal(k.last.attempt.ts_ms, 5);
	assert_string_equal(k.last.trunk, ""); /* attempt.trunk points into the parser */
	assert_int_equal(k.last.attempt.origin, SCREEN_ORIGIN_DOMESTIC);
}

static void test_csv_bad_lines_are_numbered_and_skipped(void **state)
{
	(void)state;
	const char *text = HEADER
		"1000,c1,attempt,01012345678,01087654321,domestic,t,,,,\n"         /* 2 ok */
		"1000,c2,attempt,01012345678,01087654321,domestic\n"               /* 3 columns */
		"1000,c3,attempt,0101234567x,01087654321,domestic,t,,,,\n"         /* 4 caller */
		"1000,c4,ring,01012345678,01087654321,domestic,t,,,,\n"            /* 5 event */
		"900000,c5,attempt,01012345678,01087654321,domestic,t,,,,\n"       /* 6 ok */
		"100,c6,attempt,01012345678,01087654321,domestic,t,,,,\n"          /* 7 backwards */
		"900100,c7,end,01012345678,01087654321,domestic,t,,,-5,1\n"        /* 8 duration */
		"900100,c8,end,01012345678,01087654321,domestic,t,,,5,2\n"         /* 9 answered */
		"900100,,attempt,01012345678,01087654321,domestic,t,,,,\n"         /* 10 call_id */
		"900100,c9,attempt,01012345678,01087654321,mars,t,,,,\n"           /* 11 origin */
		"900100,c10,attempt,01012345678,,domestic,t,,,,\n"                 /* 12 callee */
		"900100,c11,attempt,01012345678,01087654321,domestic,t,,Z,,\n"     /* 13 attestation */
		"800000,c12,end,01012345678,01087654321,domestic,t,,,5000,1\n";    /* 14 ok: late end */
	struct sink k;
	assert_int_equal(parse(EVENTS_CSV, text, 7, &k), 0);
	assert_int_equal(k.events, 3);
	assert_int_equal(k.errors, 10);
	uint64_t lines[] = {3, 4, 5, 7, 8, 9, 10, 11, 12, 13};
	for (int i = 0; i < 10; i++)
		assert_int_equal(k.err_lines[i], lines[i]);
	assert_non_null(strstr(k.err_reasons[0], "column count"));
	assert_non_null(strstr(k.err_reasons[1], "caller"));
	assert_non_null(strstr(k.err_reasons[2], "unknown event"));
	assert_non_null(strstr(k.err_reasons[3], "backwards"));
}

static void test_csv_header_without_required_column(void **state)
{
	(void)state;
	struct sink k;
	assert_int_equal(parse(EVENTS_CSV, "ts_ms,call_id,event,caller\n1,a,attempt,010\n", 4096, &k), OMB_EINVAL);
	assert_int_equal(k.errors, 1);
	assert_int_equal(k.err_lines[0], 1);
	assert_non_null(strstr(k.err_reasons[0], "callee"));
}

/* csvrows splits plain lines itself and hands the rest to libcsv: on
 * random lines of commas, quotes, blanks and CRs, in random chunks, its
 * rows must be libcsv's own, line numbers included. */
struct rowlog {
	char text[8192];
	size_t len;
	uint64_t line;                 /* reference: the line being parsed */
	char field[256];
	size_t nfields;
};

static void log_append(struct rowlog *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(g->text + g->len, sizeof g->text - g->len, fmt, ap);
	va_end(ap);
	g->len += (size_t)n < sizeof g->text - g->len ? (size_t)n : 0;
}

static int log_row(void *arg, uint64_t line, const char *const *fields, const size_t *lens, size_t n,
		   const char *err)
{
	struct rowlog *g = arg;
	log_append(g, "%llu:%zu", (unsigned long long)line, n);
	for (size_t i = 0; i < n; i++)
		log_append(g, "|%.*s", (int)lens[i], fields[i]);
	log_append(g, "%s\n", err ? err : "");
	return 0;
}

static void ref_field(void *s, size_t len, void *arg)
{
	struct rowlog *g = arg;
	size_t at = strlen(g->field);
	snprintf(g->field + at, sizeof g->field - at, "|%.*s", (int)len, s ? (const char *)s : "");
	g->nfields++;
}

static void ref_row(int c, void *arg)
{
	(void)c;
	struct rowlog *g = arg;
	log_append(g, "%llu:%zu%s\n", (unsigned long long)g->line, g->nfields, g->field);
	g->field[0] = '\0';
	g->nfields = 0;
}

static void test_csvrows_match_libcsv(void **state)
{
	(void)state;
	static const char alphabet[] = "ab,,,,\"  \t\r\n\n\n";
	uint64_t seed = 7;
	for (int doc = 0; doc < 3000; doc++) {
		char text[160];
		size_t len = 0;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		size_t want = (size_t)(seed >> 33) % (sizeof text);
		while (len < want) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			/* mostly plain text, so that plain lines follow quoted ones */
			unsigned pick = (unsigned)(seed >> 33) % 40;
			text[len++] = pick < sizeof alphabet - 1 ? alphabet[pick] : (pick & 1 ? ',' : 'x');
		}
		struct rowlog *ref = calloc(1, sizeof *ref), *got = calloc(1, sizeof *got);
		struct csv_parser p;
		assert_int_equal(csv_init(&p, 0), 0);
		for (size_t at = 0; at < len;) {
			const char *nl = memchr(text + at, '\n', len - at);
			size_t n = nl ? (size_t)(nl - text - at) + 1 : len - at;
			ref->line++;
			csv_parse(&p, text + at, n, ref_field, ref_row, ref);
			at += n;
		}
		csv_fini(&p, ref_field, ref_row, ref);
		csv_free(&p);
		struct csvrows *r = csvrows_new(log_row, got);
		for (size_t at = 0; at < len;) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t n = 1 + (size_t)(seed >> 33) % 9;
			n = n < len - at ? n : len - at;
			csvrows_feed(r, text + at, n);
			at += n;
		}
		csvrows_finish(r);
		csvrows_free(r);
		if (strcmp(ref->text, got->text) != 0)
			fail_msg("document %d %.*s\nlibcsv:\n%s\ncsvrows:\n%s", doc, (int)len, text, ref->text,
				 got->text);
		free(ref);
		free(got);
	}
}

static void test_ndjson(void **state)
{
	(void)state;
	const char *text =
		"{\"ts_ms\":1000,\"call_id\":\"j1\",\"event\":\"attempt\",\"caller\":\"01012345678\","
		"\"callee\":\"01087654321\",\"origin\":\"domestic\",\"trunk\":\"t\"}\n"
		"{\"ts_ms\":\"31000\",\"call_id\":\"j1\",\"event\":\"end\",\"caller\":\"01012345678\","
		"\"callee\":\"01087654321\",\"origin\":\"domestic\",\"duration_ms\":25000,\"answered\":1}\n"
		"not json\n"
		"[1,2]\n"
		"{\"ts_ms\":1.5,\"call_id\":\"j2\",\"event\":\"attempt\",\"caller\":\"0\",\"callee\":\"0\",\"origin\":\"domestic\"}\n"
		"{\"call_id\":\"j3\"}\n"
		"\n"
		"{\"ts_ms\":2000,\"call_id\":\"j4\",\"event\":\"attempt\",\"caller\":\"\",\"callee\":\"112\",\"origin\":\"domestic\"}";
	struct sink k;
	assert_int_equal(parse(EVENTS_NDJSON, text, 5, &k), 0);
	assert_int_equal(k.attempts, 2);
	assert_int_equal(k.ends, 1);
	assert_int_equal(k.errors, 4);
	assert_int_equal(k.err_lines[0], 3);
	assert_int_equal(k.err_lines[3], 6);
	assert_int_equal(k.last.attempt.caller.kind, PHONE_WITHHELD);
}

/* ---- lists ---- */

struct errs { int n; uint64_t lines[64]; };

static void list_error(void *arg, uint64_t line, const char *reason)
{
	(void)reason;
	struct errs *e = arg;
	if (e->n < 64)
		e->lines[e->n] = line;
	e->n++;
}

static int load(struct screen_engine *eng, enum lists_kind kind, uint16_t cc, const char *text, struct errs *e,
		struct lists_counts *c)
{
	memset(e, 0, sizeof *e);
	struct lists_loader *l = lists_loader_new(kind, eng, cc, list_error, e);
	int rc = lists_loader_feed(l, text, strlen(text));
	if (!rc)
		rc = lists_loader_finish(l);
	lists_loader_counts(l, c);
	lists_loader_free(l);
	return rc;
}

static struct screen_engine *small_engine(void)
{
	struct screen_config cfg;
	screen_config_defaults(&cfg);
	cfg.max_callers = 1024;
	cfg.pending_calls = 1024;
	cfg.incoming_log2 = 12;
	return screen_create(&cfg, NULL);
}

static void test_registry_rows(void **state)
{
	(void)state;
	struct screen_engine *eng = small_engine();
	const char *text = "number,holder,kind,trunk,daily_cap,valid_from,valid_to\n"
			   "15881234,Bank,institution,bank-gw;bank-gw-b,,,\n"
			   "0212345678,TM,telemarketer,tm-gw,500,2025-01-01,2027-12-31\n"
			   "01066667777,Police list,confirmed_fraud,,,,\n"
			   "01012,Bad,callcenter,,,,\n"
			   "0212345679,X,pirate,,,,\n"
			   "0212345670,X,callcenter,,-4,,\n"
			   "0212345671,X,callcenter,,,2026-13-01,\n"
			   "0212345672,X,callcenter,,,2027-01-01,2026-01-01\n"
			   "0212345673,X,callcenter\n";
	struct errs e;
	struct lists_counts c;
	assert_int_equal(load(eng, LISTS_REGISTRY, PHONE_CC_KOREA, text, &e, &c), 0);
	assert_int_equal(c.loaded, 3);
	assert_int_equal(c.bad, 6);
	uint64_t want[] = {5, 6, 7, 8, 9, 10};
	for (int i = 0; i < 6; i++)
		assert_int_equal(e.lines[i], want[i]);
	screen_destroy(eng);
}

static void test_reports_rows(void **state)
{
	(void)state;
	struct screen_engine *eng = small_engine();
	const char *text = "ts_ms,number,reason,reporter,callee\n"
			   "1000,07012345678,spam,r1,01011112222\n"
			   "1000,07012345678,spam,,\n"
			   "x,07012345678,spam,,\n"
			   "1000,,spam,,\n"
			   "1000,07012345678,spam,r2,bad\n";
	struct errs e;
	struct lists_counts c;
	assert_int_equal(load(eng, LISTS_REPORTS, PHONE_CC_KOREA, text, &e, &c), 0);
	assert_int_equal(c.loaded, 2);
	assert_int_equal(c.bad, 3);
	assert_int_equal(e.lines[0], 4);
	assert_int_equal(e.lines[2], 6);
	screen_destroy(eng);
}

static void test_ftc_rows(void **state)
{
	(void)state;
	struct screen_engine *eng = small_engine();
	const char *text = "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,"
			   "Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\r\n"
			   "4703352559,2021-07-07 00:01:15,2021-07-06 11:48:00,,California,510,No Subject Provided,\r\n"
			   "70611454600144,2021-07-07 00:01:49,2021-07-06 11:45:00,,California,510,No Subject Provided,\r\n"
			   ",2021-07-07 00:02:00,,,,,Other,Y\r\n"
			   "12178398804,2021-07-07 00:01:41,2021-07-06 18:17:00,Clinton,Illinois,217,"
			   "\"Warranties  & protection plans, extended\",Y\r\n"
			   "5205269536,yesterday,,,,,Other,Y\r\n";
	struct errs e;
	struct lists_counts c;
	assert_int_equal(load(eng, LISTS_FTC, 1, text, &e, &c), 0);
	assert_int_equal(c.loaded, 2);
	assert_int_equal(c.bad, 3);
	assert_int_equal(e.lines[0], 3);
	assert_int_equal(e.lines[1], 4);
	assert_int_equal(e.lines[2], 6);
	screen_destroy(eng);
}

/* ---- simulator and evaluation ---- */

static char *slurp(FILE *f, size_t *len)
{
	fflush(f);
	long n = ftell(f);
	char *buf = malloc((size_t)n + 1);
	rewind(f);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	return buf;
}

static void test_sim_is_deterministic_and_parses(void **state)
{
	(void)state;
	struct sim_params p;
	sim_defaults(&p);
	p.minutes = 20;
	p.scale = 0.05;
	char *text[2];
	size_t len[2];
	for (int run = 0; run < 2; run++) {
		struct sim_files f = {tmpfile(), tmpfile(), tmpfile(), tmpfile()};
		struct sim_summary sum;
		assert_int_equal(sim_run(&p, &f, &sum), 0);
		assert_true(sum.calls > 1000);
		text[run] = slurp(f.events, &len[run]);
		fclose(f.events);
		fclose(f.registry);
		fclose(f.reports);
		fclose(f.labels);
	}
	assert_int_equal(len[0], len[1]);
	assert_memory_equal(text[0], text[1], len[0]);
	struct sink k;
	assert_int_equal(parse(EVENTS_CSV, text[0], 65536, &k), 0);
	assert_int_equal(k.errors, 0);
	assert_int_equal(k.attempts, k.ends);
	free(text[0]);
	free(text[1]);
	p.minutes = 5;
	struct sim_files none = {0};
	struct sim_summary sum;
	assert_int_equal(sim_run(&p, &none, &sum), OMB_EINVAL);
}

static void eval_error(void *arg, const char *file, uint64_t line, const char *reason)
{
	(void)file;
	(void)line;
	(void)reason;
	++*(int *)arg;
}

static void test_evaluate_table(void **state)
{
	(void)state;
	int errors = 0;
	struct evaluate *ev = evaluate_new(eval_error, &errors);
	const char *labels = "call_id,label\nc1,legit:ordinary\nc2,legit:ordinary\nc3,fraud:simbox\n"
			     "c4,fraud:simbox\nc5,bogus\n";
	const char *verdicts = "call_id,ts_ms,caller,verdict,score,reasons\n"
			       "c1,1,+8210,allow,0,\nc2,1,+8210,warn,45,volume_unregistered\n"
			       "c3,1,+8210,block,90,simbox_cell\nc4,1,+8210,allow,0,\nc9,1,x,block,1,\nc3,1,x,maybe,1,\n"
			       "c3,2,+8210,block,90,blocked\nc4,2,+8210,block,90,simbox_cell\n";
	assert_int_equal(evaluate_labels(ev, labels, strlen(labels), true), 0);
	assert_int_equal(evaluate_verdicts(ev, verdicts, strlen(verdicts), true), 0);
	/* the bogus label, the unknown verdict, and c4 answered differently */
	assert_int_equal(errors, 3);
	const struct evaluate_row *rows;
	size_t n = evaluate_rows(ev, &rows);
	assert_int_equal(n, 4);
	assert_string_equal(rows[1].label, "legit:ordinary");
	assert_int_equal(rows[1].calls, 2);
	assert_int_equal(rows[1].warned, 1);
	assert_string_equal(rows[0].label, "fraud:simbox");
	assert_int_equal(rows[0].blocked, 1);
	assert_int_equal(rows[0].allowed, 1);
	assert_string_equal(rows[2].label, "legit:");
	assert_string_equal(rows[3].label, "fraud:");
	assert_int_equal(rows[3].calls, 2);
	uint64_t no_label, no_verdict, repeated;
	evaluate_unmatched(ev, &no_label, &no_verdict, &repeated);
	assert_int_equal(no_label, 1);
	assert_int_equal(no_verdict, 0);
	assert_int_equal(repeated, 1); /* c3's retransmission: counted once, above */
	evaluate_free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_good_rows_any_chunking),
		cmocka_unit_test(test_csv_columns_any_order),
		cmocka_unit_test(test_csv_bad_lines_are_numbered_and_skipped),
		cmocka_unit_test(test_csv_header_without_required_column),
		cmocka_unit_test(test_csvrows_match_libcsv),
		cmocka_unit_test(test_ndjson),
		cmocka_unit_test(test_registry_rows),
		cmocka_unit_test(test_reports_rows),
		cmocka_unit_test(test_ftc_rows),
		cmocka_unit_test(test_sim_is_deterministic_and_parses),
		cmocka_unit_test(test_evaluate_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
