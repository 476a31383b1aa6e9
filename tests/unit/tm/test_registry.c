/* test_registry.c — telemarketing registry: checks, lookup, CSV export (tm/registry). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "tm/registry.h"

#define DAY CLOCK_MS_PER_DAY
#define D2025_01_01 1735689600000LL   /* 2025-01-01T00:00:00Z */

static int64_t date(const char *iso)
{
	int64_t ms = 0;
	assert_int_equal(clock_parse_iso(iso, &ms), OMB_OK);
	return ms;
}

static void make_number(struct tm_number *n, int64_t id, const char *text, int64_t biz, int64_t from, int64_t to,
                        uint32_t cap, const char *trunks)
{
	const char *reason = NULL;
	assert_int_equal(tm_number_init(n, text, strlen(text), biz, from, to, cap, trunks, &reason), OMB_OK);
	n->id = id;
}

static void test_business_check(void **state)
{
	(void)state;
	const char *reason = NULL;
	struct tm_business b = { .id = 1, .name = "Hana Sales", .registration_id = "2016-서울강남-0001",
	                         .contact = "02-555-0100", .active_from_ms = D2025_01_01 };
	assert_int_equal(tm_business_check(&b, &reason), OMB_OK);
	b.name = "";
	assert_int_equal(tm_business_check(&b, &reason), OMB_EINVAL);
	assert_non_null(strstr(reason, "name"));
	b.name = "two\nlines";
	assert_int_equal(tm_business_check(&b, &reason), OMB_EINVAL);
	b.name = "Hana Sales";
	b.contact = NULL;
	assert_int_equal(tm_business_check(&b, &reason), OMB_EINVAL);
	assert_non_null(strstr(reason, "contact"));
	b.contact = "02-555-0100";
	b.active_to_ms = D2025_01_01;
	assert_int_equal(tm_business_check(&b, &reason), OMB_EINVAL);
}

static void test_number_init(void **state)
{
	(void)state;
	struct tm_number n;
	const char *reason = NULL;
	assert_int_equal(tm_number_init(&n, "010-1234-5678", 13, 1, D2025_01_01, 0, 500, NULL, &reason), OMB_OK);
	assert_string_equal(n.phone.canon, "+821012345678");
	assert_true(n.key != 0);
	assert_int_equal(n.daily_cap, 500);
	struct tm_number same;
	assert_int_equal(tm_number_init(&same, "+82 10 1234 5678", 16, 1, D2025_01_01, 0, 0, NULL, &reason), OMB_OK);
	assert_true(same.key == n.key);
	assert_int_equal(tm_number_init(&n, "anonymous", 9, 1, D2025_01_01, 0, 0, NULL, &reason), OMB_EINVAL);
	assert_int_equal(tm_number_init(&n, "112", 3, 1, D2025_01_01, 0, 0, NULL, &reason), OMB_EINVAL);
	assert_int_equal(tm_number_init(&n, "010-1234-5678", 13, 1, D2025_01_01, D2025_01_01, 0, NULL, &reason),
	                 OMB_EINVAL);
	assert_non_null(strstr(reason, "valid_to"));
}

static void test_lookup_validity_and_active_business(void **state)
{
	(void)state;
	struct tm_business biz[] = {
		{ .id = 1, .name = "Hana Sales", .registration_id = "R1", .contact = "c",
		  .active_from_ms = D2025_01_01, .active_to_ms = D2025_01_01 + 300 * DAY },
		{ .id = 2, .name = "Dure Call", .registration_id = "R2", .contact = "c", .active_from_ms = D2025_01_01 },
	};
	struct tm_number num[2];
	make_number(&num[0], 10, "010-1111-2222", 1, D2025_01_01 + 10 * DAY, D2025_01_01 + 100 * DAY, 0, NULL);
	make_number(&num[1], 11, "02-555-0100", 2, D2025_01_01, 0, 0, NULL);
	struct tm_registry reg = { biz, 2, num, 2 };
	const struct tm_business *b = NULL;

	assert_null(tm_registry_lookup(&reg, num[0].key, D2025_01_01 + 9 * DAY, &b));       /* before validity */
	assert_ptr_equal(tm_registry_lookup(&reg, num[0].key, D2025_01_01 + 10 * DAY, &b), &num[0]);
	assert_ptr_equal(b, &biz[0]);
	assert_null(tm_registry_lookup(&reg, num[0].key, D2025_01_01 + 100 * DAY, &b));     /* valid_to exclusive */
	assert_ptr_equal(tm_registry_lookup(&reg, num[1].key, D2025_01_01 + 1000 * DAY, &b), &num[1]);
	assert_null(tm_registry_lookup(&reg, 0, D2025_01_01 + 20 * DAY, &b));               /* withheld */

	/* a number valid but its business no longer active */
	num[0].valid_to_ms = 0;
	assert_non_null(tm_registry_lookup(&reg, num[0].key, D2025_01_01 + 299 * DAY, NULL));
	assert_null(tm_registry_lookup(&reg, num[0].key, D2025_01_01 + 300 * DAY, NULL));
	/* an unknown business never makes a number registered */
	num[1].business_id = 99;
	assert_null(tm_registry_lookup(&reg, num[1].key, D2025_01_01 + 10 * DAY, NULL));
}

static void test_one_number_one_business_at_a_time(void **state)
{
	(void)state;
	struct tm_business biz[] = {
		{ .id = 1, .name = "A", .registration_id = "R1", .contact = "c" },
		{ .id = 2, .name = "B", .registration_id = "R2", .contact = "c" },
	};
	struct tm_number num[1];
	make_number(&num[0], 10, "010-1111-2222", 1, D2025_01_01, D2025_01_01 + 100 * DAY, 0, NULL);
	struct tm_registry reg = { biz, 2, num, 1 };
	const char *reason = NULL;
	struct tm_number cand;
	make_number(&cand, 0, "010-1111-2222", 2, D2025_01_01 + 50 * DAY, 0, 0, NULL);
	assert_int_equal(tm_registry_check_number(&reg, &cand, &reason), OMB_ECONFLICT);
	cand.valid_from_ms = D2025_01_01 + 100 * DAY;     /* right after: no overlap */
	assert_int_equal(tm_registry_check_number(&reg, &cand, &reason), OMB_OK);
	cand.valid_from_ms = D2025_01_01 - 10 * DAY;      /* open-ended before */
	cand.valid_to_ms = D2025_01_01 + 1;
	assert_int_equal(tm_registry_check_number(&reg, &cand, &reason), OMB_ECONFLICT);
	cand.business_id = 3;
	assert_int_equal(tm_registry_check_number(&reg, &cand, &reason), OMB_ENOTFOUND);
	/* updating the same entry does not conflict with itself */
	assert_int_equal(tm_registry_check_number(&reg, &num[0], &reason), OMB_OK);
}

/* ---- CSV export, read back with libcsv ---- */

struct rows {
	char cell[8][8][80];
	int row, col;
};

static void on_field(void *s, size_t len, void *data)
{
	struct rows *r = data;
	assert_true(len < 80 && r->col < 8 && r->row < 8);
	memcpy(r->cell[r->row][r->col], s, len);
	r->cell[r->row][r->col][len] = '\0';
	r->col++;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct rows *r = data;
	assert_int_equal(r->col, 7);
	r->row++;
	r->col = 0;
}

static int parse_csv(const char *text, struct rows *r)
{
	struct csv_parser p;
	memset(r, 0, sizeof *r);
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&p, text, strlen(text), on_field, on_row, r), strlen(text));
	assert_int_equal(csv_fini(&p, on_field, on_row, r), 0);
	csv_free(&p);
	return r->row;
}

static void test_export_csv(void **state)
{
	(void)state;
	struct tm_business biz[] = {
		{ .id = 1, .name = "Kim \"Best\" Sales, Inc.", .registration_id = "R1", .contact = "c",
		  .active_from_ms = date("2025-01-01") },
		{ .id = 2, .name = "Closing Co", .registration_id = "R2", .contact = "c",
		  .active_from_ms = date("2025-01-01"), .active_to_ms = date("2025-06-01T12:00:00Z") },
	};
	struct tm_number num[4];
	make_number(&num[0], 10, "010-1111-2222", 1, date("2025-03-01T09:30:00Z"), 0, 500, "kt-gw1;lgu-gw2");
	make_number(&num[1], 11, "02-555-0100", 2, date("2025-02-01"), date("2025-12-31"), 0, NULL);
	make_number(&num[2], 12, "070-1234-5678", 2, date("2025-07-01"), 0, 0, NULL);  /* after the business closed */
	make_number(&num[3], 13, "010-9999-0000", 99, date("2025-01-01"), 0, 0, NULL); /* unknown business */
	struct tm_registry reg = { biz, 2, num, 4 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(tm_registry_export_csv(&reg, f), OMB_OK);
	fclose(f);
	assert_non_null(strstr(buf, "\"Kim \"\"Best\"\" Sales, Inc.\""));   /* RFC 4180 quoting */

	struct rows r;
	assert_int_equal(parse_csv(buf, &r), 3);
	const char *header[] = { "number", "holder", "kind", "trunk", "daily_cap", "valid_from", "valid_to" };
	for (int c = 0; c < 7; c++)
		assert_string_equal(r.cell[0][c], header[c]);
	assert_string_equal(r.cell[1][0], "+821011112222");
	assert_string_equal(r.cell[1][1], "Kim \"Best\" Sales, Inc.");
	assert_string_equal(r.cell[1][2], "telemarketer");
	assert_string_equal(r.cell[1][3], "kt-gw1;lgu-gw2");
	assert_string_equal(r.cell[1][4], "500");
	assert_string_equal(r.cell[1][5], "2025-03-02");   /* mid-day start: next full day */
	assert_string_equal(r.cell[1][6], "");             /* open-ended */
	assert_string_equal(r.cell[2][0], "+8225550100");
	assert_string_equal(r.cell[2][3], "");
	assert_string_equal(r.cell[2][4], "");
	assert_string_equal(r.cell[2][5], "2025-02-01");
	assert_string_equal(r.cell[2][6], "2025-05-31");   /* cut to the business's end: its last whole day */
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_business_check),
		cmocka_unit_test(test_number_init),
		cmocka_unit_test(test_lookup_validity_and_active_business),
		cmocka_unit_test(test_one_number_one_business_at_a_time),
		cmocka_unit_test(test_export_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
