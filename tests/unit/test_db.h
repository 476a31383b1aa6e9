/* test_db.h — the database of a store-backed unit test: a fresh SQLite file
 * in a temporary folder, or, for the test's PostgreSQL variant (meson sets
 * OMBUD_TEST_STORE=postgres), a fresh database on the throw-away cluster
 * that tests/pg_cluster.py starts and names in OMBUD_TEST_PG. */
#ifndef OMBUD_TESTS_TEST_DB_H
#define OMBUD_TESTS_TEST_DB_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct test_db {
	char dir[64];     /* temporary folder: the SQLite file, the secret */
	char url[512];    /* what store_open and store.db take */
	char name[64];    /* the PostgreSQL database, "" for SQLite */
};

static inline bool test_db_postgres(void)
{
	const char *s = getenv("OMBUD_TEST_STORE");
	return s && strcmp(s, "postgres") == 0;
}

/* The driver name the test's store reports. */
static inline const char *test_db_driver(void)
{
	return test_db_postgres() ? "postgres" : "sqlite";
}

/* A URL of the cluster's with its database replaced by name. */
static inline void test_db_url_of(const char *base, const char *name, char *out, size_t len)
{
	const char *q = strchr(base, '?'), *end = q ? q : base + strlen(base);
	const char *slash = end;
	while (slash > base && slash[-1] != '/')
		slash--;
	snprintf(out, len, "%.*s%s%s", (int)(slash - base), base, name, q ? q : "");
}

static inline int test_db_admin(const char *sql)
{
	PGconn *pg = PQconnectdb(getenv("OMBUD_TEST_PG"));
	PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
	int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "test_db: %s: %s\n", sql, PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
	return ok ? 0 : -1;
}

/* 0, or -1 when the database cannot be made. Without a cluster the PostgreSQL
 * variant is skipped (exit 77), except under CI=true, where a skip fails. */
static inline int test_db_make(struct test_db *db, const char *tag)
{
	memset(db, 0, sizeof *db);
	snprintf(db->dir, sizeof db->dir, "/tmp/ombud-test-%s-XXXXXX", tag);
	if (!mkdtemp(db->dir))
		return -1;
	if (!test_db_postgres()) {
		snprintf(db->url, sizeof db->url, "%s/test.db", db->dir);
		return 0;
	}
	const char *base = getenv("OMBUD_TEST_PG");
	if (!base || !*base) {
		const char *ci = getenv("CI");
		fprintf(stderr, "test_db: no PostgreSQL cluster (run under tests/pg_cluster.py run --)\n");
		exit(ci && strcmp(ci, "true") == 0 ? 1 : 77);
	}
	static unsigned counter;
	snprintf(db->name, sizeof db->name, "ombud_unit_%s_%d_%u", tag, (int)getpid(), counter++);
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db->name);
	if (test_db_admin(sql) != 0)
		return -1;
	test_db_url_of(base, db->name, db->url, sizeof db->url);
	return 0;
}

/* Runs one statement on the test's database behind the store's back (as
 * another node or an operator would): 0, or -1 with the reason on stderr. */
static inline int test_db_exec(const struct test_db *db, const char *sql)
{
	if (!*db->name) {
		sqlite3 *lite = NULL;
		int rc = sqlite3_open(db->url, &lite) == SQLITE_OK ? sqlite3_exec(lite, sql, NULL, NULL, NULL) : SQLITE_ERROR;
		if (rc != SQLITE_OK)
			fprintf(stderr, "test_db: %s: %s\n", sql, sqlite3_errmsg(lite));
		sqlite3_close(lite);
		return rc == SQLITE_OK ? 0 : -1;
	}
	PGconn *pg = PQconnectdb(db->url);
	PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
	int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "test_db: %s: %s\n", sql, PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
	return ok ? 0 : -1;
}

/* Removes the folder and its files, and the PostgreSQL database. Call after
 * the store is closed. */
static inline void test_db_remove(struct test_db *db)
{
	if (*db->name) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db->name);
		test_db_admin(sql);
	}
	const char *files[] = {"test.db", "test.db-wal", "test.db-shm", "test.db.secret", "secret"};
	char p[128];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", db->dir, files[i]);
		unlink(p);
	}
	rmdir(db->dir);
}

#endif
