/* sqlite.c — the SQLite driver: one connection per thread, WAL, cached
 * prepared statements, bound parameters only. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "store/store_int.h"

#define BUSY_TIMEOUT_MS 5000

enum tx_stmt { TX_BEGIN, TX_BEGIN_WRITE, TX_COMMIT, TX_ROLLBACK, TX_SAVEPOINT, TX_RELEASE, TX_UNDO, TX_COUNT };
static const char *const tx_sql[TX_COUNT] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK",
					     "SAVEPOINT unit", "RELEASE unit", "ROLLBACK TO unit"};

struct sqlite_conn {
	sqlite3 *db;
	sqlite3_stmt *stmts[STORE_Q_COUNT];   /* prepared on first use, kept */
	sqlite3_stmt *tx[TX_COUNT];           /* transaction control, prepared once */
};

static int map_rc(sqlite3 *db, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return OMB_OK;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return OMB_EEXIST;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		store_note_error();
		return OMB_EAGAIN;
	}
	store_note_error();
	log_error(LOG_MSG("store error"), LOG_S("query", what), LOG_S("error", sqlite3_errmsg(db)),
		  LOG_I("code", rc));
	return rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT ? OMB_EINVAL : OMB_ESTORE;
}

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		store_note_error();
		log_error(LOG_MSG("store error"), LOG_S("sql", sql), LOG_S("error", msg ? msg : ""));
		sqlite3_free(msg);
		return rc == SQLITE_BUSY ? OMB_EAGAIN : OMB_ESTORE;
	}
	return OMB_OK;
}

static int sq_connect(const char *target, void **out, char *errbuf, size_t errlen)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(target, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "cannot open %s: %s", target, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return OMB_ESTORE;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	/* WAL lets readers run beside the writer; NORMAL syncs at checkpoints,
	 * which in WAL mode never corrupts and loses at most the last commits
	 * on power loss (not on a crash of the process). */
	/* Checkpoints run from the sweeper (sq_maintain); the automatic one is
	 * only a backstop for processes without a sweeper, at 64 MiB of WAL.
	 * Each write unit is a savepoint, whose journal of pages to undo would
	 * otherwise be a temporary file created and unlinked per unit. */
	rc = exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			  "PRAGMA wal_autocheckpoint=16384;"
			  "PRAGMA mmap_size=2147418112; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
	if (rc != OMB_OK) {
		snprintf(errbuf, errlen, "cannot configure %s: %s", target, sqlite3_errmsg(db));
		sqlite3_close(db);
		return rc;
	}
	struct sqlite_conn *c = xcalloc(1, sizeof *c);
	c->db = db;
	*out = c;
	return OMB_OK;
}

static void sq_disconnect(void *conn)
{
	struct sqlite_conn *c = conn;
	for (int i = 0; i < STORE_Q_COUNT; i++)
		sqlite3_finalize(c->stmts[i]);
	for (int i = 0; i < TX_COUNT; i++)
		sqlite3_finalize(c->tx[i]);
	sqlite3_close(c->db);
	free(c);
}

static bool row_null(void *impl, int col)
{
	return sqlite3_column_type(impl, col) == SQLITE_NULL;
}

static int64_t row_int(void *impl, int col)
{
	return sqlite3_column_int64(impl, col);
}

static const char *row_text(void *impl, int col)
{
	const unsigned char *t = sqlite3_column_text(impl, col);
	return t ? (const char *)t : "";
}

static const void *row_blob(void *impl, int col, size_t *len)
{
	const void *b = sqlite3_column_blob(impl, col);
	*len = (size_t)sqlite3_column_bytes(impl, col);
	return b;
}

static int bind_all(sqlite3_stmt *s, const struct store_val *args, size_t nargs)
{
	if ((int)nargs != sqlite3_bind_parameter_count(s))
		return SQLITE_RANGE;
	for (size_t i = 0; i < nargs; i++) {
		int col = (int)i + 1, rc = SQLITE_OK;
		const struct store_val *v = &args[i];
		switch (v->type) {
		case STORE_NULL: rc = sqlite3_bind_null(s, col); break;
		case STORE_INT: rc = sqlite3_bind_int64(s, col, v->i); break;
		case STORE_TEXT: rc = sqlite3_bind_text64(s, col, v->p, v->n, SQLITE_STATIC, SQLITE_UTF8); break;
		case STORE_BLOB: rc = sqlite3_bind_blob64(s, col, v->p ? v->p : "", v->n, SQLITE_STATIC); break;
		}
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

static int sq_exec(void *conn, enum store_query q, const struct store_val *args, size_t nargs,
		   store_row_fn fn, void *ctx)
{
	struct sqlite_conn *c = conn;
	sqlite3_stmt *s = c->stmts[q];
	if (!s) {
		int rc = sqlite3_prepare_v3(c->db, store_query_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
		if (rc != SQLITE_OK)
			return map_rc(c->db, rc, store_query_name[q]);
		c->stmts[q] = s;
	}
	int rc = bind_all(s, args, nargs);
	if (rc != SQLITE_OK) {
		sqlite3_reset(s);
		return map_rc(c->db, rc, store_query_name[q]);
	}
	struct store_row row = {s, row_null, row_int, row_text, row_blob};
	int rows = 0, stop = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		rows++;
		if (fn && (stop = fn(ctx, &row)) != 0)
			break;
	}
	int result;
	if (stop)
		result = stop < 0 ? stop : rows;
	else if (rc == SQLITE_DONE)
		result = sqlite3_column_count(s) > 0 ? rows : sqlite3_changes(c->db);
	else
		result = map_rc(c->db, sqlite3_reset(s), store_query_name[q]);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return result;
}

/* Transaction control runs on every request: prepared once per connection. */
static int tx_run(struct sqlite_conn *c, enum tx_stmt t)
{
	if (!c->tx[t] && sqlite3_prepare_v3(c->db, tx_sql[t], -1, SQLITE_PREPARE_PERSISTENT, &c->tx[t], NULL) != SQLITE_OK)
		return map_rc(c->db, sqlite3_errcode(c->db), tx_sql[t]);
	int rc = sqlite3_step(c->tx[t]);
	sqlite3_reset(c->tx[t]);
	return rc == SQLITE_DONE ? OMB_OK : map_rc(c->db, rc, tx_sql[t]);
}

static int sq_begin(void *conn, bool write)
{
	struct sqlite_conn *c = conn;
	return tx_run(c, write ? TX_BEGIN_WRITE : TX_BEGIN);
}

static int sq_commit(void *conn)
{
	struct sqlite_conn *c = conn;
	int rc = tx_run(c, TX_COMMIT);
	if (rc != OMB_OK && !sqlite3_get_autocommit(c->db))
		tx_run(c, TX_ROLLBACK);
	return rc;
}

static void sq_rollback(void *conn)
{
	struct sqlite_conn *c = conn;
	if (!sqlite3_get_autocommit(c->db))
		tx_run(c, TX_ROLLBACK);
}

static int sq_unit(void *conn, enum store_unit op)
{
	struct sqlite_conn *c = conn;
	switch (op) {
	case STORE_UNIT_BEGIN: return tx_run(c, TX_SAVEPOINT);
	case STORE_UNIT_KEEP: return tx_run(c, TX_RELEASE);
	case STORE_UNIT_UNDO: {
		int rc = tx_run(c, TX_UNDO);
		return rc != OMB_OK ? rc : tx_run(c, TX_RELEASE);
	}
	}
	return OMB_EINVAL;
}

static bool sq_writes(void *conn, enum store_query q)
{
	struct sqlite_conn *c = conn;
	if (!c->stmts[q] &&
	    sqlite3_prepare_v3(c->db, store_query_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &c->stmts[q], NULL) != SQLITE_OK)
		return true; /* unknown: take the writer's path, which reports the error */
	return !sqlite3_stmt_readonly(c->stmts[q]);
}

static int version_cb(void *ctx, int ncol, char **vals, char **names)
{
	*(int *)ctx = vals[0] ? atoi(vals[0]) : 0;
	return 0;
}

static int sq_schema_version(void *conn)
{
	struct sqlite_conn *c = conn;
	int v = 0;
	if (sqlite3_exec(c->db, "SELECT max(version) FROM schema_migrations", version_cb, &v, NULL) != SQLITE_OK)
		return 0; /* no table yet */
	return v;
}

/* Each migration runs in its own write transaction with its version row, so
 * a crash leaves the schema at a whole version; concurrent starters
 * serialise on the write lock and re-check inside it. */
static int sq_migrate(void *conn, int *applied)
{
	struct sqlite_conn *c = conn;
	*applied = 0;
	int rc = exec_sql(c->db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
				 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)");
	for (int i = 0; rc == OMB_OK && i < store_sqlite_migrations_count; i++) {
		const struct store_migration *m = &store_sqlite_migrations[i];
		if ((rc = exec_sql(c->db, "BEGIN IMMEDIATE")) != OMB_OK)
			break;
		if (sq_schema_version(c) >= m->version) {
			rc = exec_sql(c->db, "COMMIT");
			continue;
		}
		char *record = sqlite3_mprintf("INSERT INTO schema_migrations VALUES (%d, %Q, %lld)",
					       m->version, m->name, (long long)clock_now_ms());
		rc = exec_sql(c->db, m->sql);
		if (rc == OMB_OK)
			rc = exec_sql(c->db, record);
		sqlite3_free(record);
		if (rc == OMB_OK && (rc = exec_sql(c->db, "COMMIT")) == OMB_OK) {
			(*applied)++;
			log_info(LOG_MSG("migration applied"), LOG_I("version", m->version), LOG_S("name", m->name));
		} else {
			sq_rollback(c);
		}
	}
	return rc;
}

static int sq_maintain(void *conn)
{
	struct sqlite_conn *c = conn;
	int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? OMB_OK : map_rc(c->db, rc, "checkpoint");
}

/* SQLite's online backup API, a few pages at a time so writers are held up
 * only for moments; a write during the copy makes it restart, which the
 * loop absorbs. The target must not exist: a backup never overwrites. */
static int sq_backup(void *conn, const char *path)
{
	struct sqlite_conn *c = conn;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? OMB_EEXIST : OMB_EIO;
	close(fd);
	sqlite3 *dst = NULL;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_close(dst);
		return OMB_EIO;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->db, "main");
	int rc = SQLITE_ERROR;
	if (b) {
		while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(1);
		sqlite3_backup_finish(b);
	}
	int result = rc == SQLITE_DONE ? OMB_OK : map_rc(dst, sqlite3_errcode(dst), "backup");
	sqlite3_close(dst);
	return result;
}

/* SQLite has no notices: a listener is nothing, and a wait only sleeps, so
 * processes sharing one file learn of each other's writes by reading. */
static int sq_listen(const char *target, const char *channel, const char *who, void **out)
{
	*out = NULL;
	return OMB_OK;
}

static int sq_listen_wait(void *listener, int timeout_ms)
{
	sqlite3_sleep(timeout_ms);
	return 0;
}

static void sq_listen_close(void *listener)
{
}

const struct store_driver store_sqlite_driver = {
	.name = "sqlite",
	.shared_writer = true, /* one writer per file anyway, and a commit is the cost: units share one */
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.migrate = sq_migrate,
	.schema_version = sq_schema_version,
	.maintain = sq_maintain,
	.unit = sq_unit,
	.writes = sq_writes,
	.backup = sq_backup,
	.listen = sq_listen,
	.listen_wait = sq_listen_wait,
	.listen_close = sq_listen_close,
};
