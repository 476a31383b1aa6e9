/* app_fixture.h — an app over a fresh database (a temporary SQLite file, or
 * a PostgreSQL database for the tests' _pg variants: test_db.h), for the
 * app/ unit tests: cmocka setup/teardown that create and remove it, and
 * small readers the tests share. Include after <cmocka.h>. */
#ifndef OMBUD_TESTS_APP_FIXTURE_H
#define OMBUD_TESTS_APP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/admin.h"
#include "app/app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "test_db.h"

struct app_fixture {
	struct test_db db;
	struct config cfg;
	struct app app;
};

static inline int app_fixture_setup(void **state)
{
	struct app_fixture *f = calloc(1, sizeof *f);
	struct config_error cerr;
	char err[256] = "";
	if (test_db_make(&f->db, "app") != 0)
		return -1;
	log_setup(LOG_WARN, LOG_LOGFMT);
	config_defaults(&f->cfg);
	/* A fixed secret keeps the test from writing a secret file. */
	if (config_set(&f->cfg, "store.db", f->db.url, CONFIG_FLAG, &cerr) != OMB_OK ||
	    config_set(&f->cfg, "security.secret",
		       "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CONFIG_FLAG,
		       &cerr) != OMB_OK ||
	    app_open(&f->app, &f->cfg, err, sizeof err) != OMB_OK) {
		fprintf(stderr, "fixture: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int app_fixture_teardown(void **state)
{
	struct app_fixture *f = *state;
	app_close(&f->app);
	config_free(&f->cfg);
	test_db_remove(&f->db);
	free(f);
	return 0;
}

static inline struct app *fixture_app(void **state)
{
	return &((struct app_fixture *)*state)->app;
}

/* Rows of the organisation's audit trail with this action (of its first 100). */
static inline size_t audit_count(struct app *app, int64_t org_id, const char *action)
{
	struct audit_entry *items = NULL;
	size_t n = 0, hits = 0;
	assert_int_equal(admin_audit_list(app, org_id, 0, 100, &items, &n), OMB_OK);
	for (size_t i = 0; i < n; i++)
		hits += strcmp(items[i].action, action) == 0;
	admin_audit_free(items, n);
	return hits;
}

#define APP_TEST(fn) cmocka_unit_test_setup_teardown(fn, app_fixture_setup, app_fixture_teardown)

#endif
