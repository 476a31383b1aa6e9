/* postgres.c — the PostgreSQL driver on libpq, for several ombud nodes on
 * one database. A connection per thread like SQLite's (store.c keeps them),
 * each query prepared once per connection from the catalogue translated
 * once per process, parameters sent in binary (so text needs no NUL and
 * blobs no escaping), results read as text.
 *
 * A lost server is OMB_EAGAIN (the API's 503), never a crash: outside a
 * transaction the driver reconnects and runs the query again once; inside
 * one the transaction is gone, so the unit fails unacknowledged and the
 * next begin reconnects. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "store/store_int.h"

#define PG_MAX_PARAMS 64
#define OID_BYTEA 17
#define OID_INT8  20
#define OID_TEXT  25
/* pg_advisory_xact_lock key that nodes starting together migrate under */
#define MIGRATE_LOCK_KEY 0x6f6d627564LL   /* "ombud" */

extern char **environ;

/* A query of the catalogue in PostgreSQL's dialect. */
struct pg_query {
	char *sql[2];     /* [0] as written, [1] with its row lock (QLOCK queries only) */
	int nparams;
	bool writes;
};

static struct pg_query pg_queries[STORE_Q_COUNT];
static pthread_once_t pg_once = PTHREAD_ONCE_INIT;

/* A query prepared on one connection, with the parameter types it was
 * prepared for (0: left to the server, when first bound as NULL). */
struct pg_stmt {
	bool ready;
	Oid types[PG_MAX_PARAMS];
};

struct pg_conn {
	PGconn *pg;
	bool in_tx;
	bool writing;                          /* a write transaction: QLOCK queries lock */
	bool broken;                           /* a query failed in libpq, not in the server */
	struct pg_stmt stmts[STORE_Q_COUNT][2]; /* as pg_query.sql */
	char *target;                          /* for pg_dump */
};

/* '?N' becomes '$N' and a bare '?' the highest number so far plus one, as
 * SQLite numbers them; quoted text is copied as it is. Caller frees. */
static char *translate(const char *sql, int *nparams)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	int highest = 0;
	bool quoted = false;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;   /* '' inside text flips twice */
		if (quoted || *p != '?') {
			buf_append(&b, p, 1);
			continue;
		}
		int n = 0;
		while (p[1] >= '0' && p[1] <= '9')
			n = n * 10 + (*++p - '0');
		if (!n)
			n = highest + 1;
		if (n > highest)
			highest = n;
		buf_printf(&b, "$%d", n);
	}
	*nparams = highest;
	size_t len;
	return buf_steal(&b, &len);
}

/* sql with its row lock: where STORE_LOCK_HERE marks a subquery's end, else
 * at the end. Caller frees. */
static char *with_lock(const char *sql, const struct store_lock *lock)
{
	char clause[128];
	snprintf(clause, sizeof clause, " FOR UPDATE OF %s%s", lock->of, lock->skip_locked ? " SKIP LOCKED" : "");
	const char *at = strstr(sql, STORE_LOCK_HERE);
	if (!at)
		return xasprintf("%s%s", sql, clause);
	return xasprintf("%.*s%s%s", (int)(at - sql), sql, clause, at + strlen(STORE_LOCK_HERE));
}

static void translate_all(void)
{
	for (int q = 0; q < STORE_Q_COUNT; q++) {
		struct pg_query *pq = &pg_queries[q];
		pq->sql[0] = translate(store_query_sql[q], &pq->nparams);
		if (store_query_lock[q].of)
			pq->sql[1] = with_lock(pq->sql[0], &store_query_lock[q]);
		const char *s = store_query_sql[q];
		pq->writes = strncasecmp(s, "SELECT", 6) != 0;
	}
}

/* Notices (e.g. "relation already exists, skipping") are not errors. */
static void quiet(void *arg, const char *message)
{
	log_debug(LOG_MSG("postgres notice"), LOG_S("notice", message));
}

/* A session the server ended is not always CONNECTION_BAD at once: a query
 * sent into a socket the server has closed fails without a SQLSTATE while
 * libpq still reports the connection as OK. */
static bool lost(const struct pg_conn *c)
{
	return c->broken || PQstatus(c->pg) != CONNECTION_OK;
}

/* SQLSTATE classes: 23 integrity, 22 bad data, 40 serialization/deadlock,
 * 08 connection, 57 shutting down or starting up, 55P03 lock not available. */
static int map_result(struct pg_conn *c, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	store_note_error();
	c->broken = c->broken || !state;
	if (state && strcmp(state, "23505") == 0)
		return OMB_EEXIST;
	if (lost(c) || !state || strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    strncmp(state, "40", 2) == 0 || strcmp(state, "55P03") == 0) {
		log_warn(LOG_MSG("store unavailable"), LOG_S("query", what), LOG_S("state", state ? state : ""),
			 LOG_S("error", PQerrorMessage(c->pg)));
		return OMB_EAGAIN;
	}
	log_error(LOG_MSG("store error"), LOG_S("query", what), LOG_S("state", state),
		  LOG_S("error", PQresultErrorMessage(res)));
	return strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0 ? OMB_EINVAL : OMB_ESTORE;
}

/* Runs SQL without parameters (transaction control, migrations). */
static int run(struct pg_conn *c, const char *sql)
{
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? OMB_OK : map_result(c, res, sql);
	PQclear(res);
	return rc;
}

static int pg_connect(const char *target, void **out, char *errbuf, size_t errlen)
{
	pthread_once(&pg_once, translate_all);
	PGconn *pg = PQconnectdb(target);
	if (PQstatus(pg) != CONNECTION_OK) {
		/* libpq's message names host and database, never the password */
		snprintf(errbuf, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(pg));
		errbuf[strcspn(errbuf, "\n")] = '\0';
		PQfinish(pg);
		store_note_error();
		return OMB_EAGAIN; /* a thread's first connection while the server is away: a 503 */
	}
	PQsetNoticeProcessor(pg, quiet, NULL);
	struct pg_conn *c = xcalloc(1, sizeof *c);
	c->pg = pg;
	c->target = xstrdup(target);
	*out = c;
	return OMB_OK;
}

static void pg_disconnect(void *conn)
{
	struct pg_conn *c = conn;
	PQfinish(c->pg);
	free(c->target);
	free(c);
}

/* A new session after the old one was lost: nothing prepared, no transaction. */
static int reconnect(struct pg_conn *c)
{
	PQreset(c->pg);
	memset(c->stmts, 0, sizeof c->stmts);
	c->in_tx = c->writing = c->broken = false;
	if (lost(c))
		return OMB_EAGAIN;
	log_info(LOG_MSG("store reconnected"), LOG_S("driver", "postgres"));
	return OMB_OK;
}

/* ---- rows ---- */

struct pg_row {
	PGresult *res;
	int row;
	unsigned char **blobs;   /* bytea decoded on demand, freed after each row */
	size_t *blob_len;
};

static bool row_null(void *impl, int col)
{
	struct pg_row *r = impl;
	return PQgetisnull(r->res, r->row, col);
}

/* Integers arrive as decimal text; booleans (EXISTS, IS NOT NULL) as t/f. */
static int64_t row_int(void *impl, int col)
{
	struct pg_row *r = impl;
	const char *v = PQgetvalue(r->res, r->row, col);
	if (*v == 't')
		return 1;
	return strtoll(v, NULL, 10);
}

static const char *row_text(void *impl, int col)
{
	struct pg_row *r = impl;
	return PQgetvalue(r->res, r->row, col);   /* "" for NULL */
}

static const void *row_blob(void *impl, int col, size_t *len)
{
	struct pg_row *r = impl;
	*len = 0;
	if (PQgetisnull(r->res, r->row, col))
		return NULL;
	if (PQftype(r->res, col) != OID_BYTEA) {
		*len = (size_t)PQgetlength(r->res, r->row, col);
		return PQgetvalue(r->res, r->row, col);
	}
	if (!r->blobs[col])
		r->blobs[col] = PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, r->row, col), &r->blob_len[col]);
	*len = r->blob_len[col];
	return r->blobs[col];
}

static int deliver(PGresult *res, store_row_fn fn, void *ctx)
{
	if (PQresultStatus(res) == PGRES_COMMAND_OK)
		return atoi(PQcmdTuples(res));   /* rows changed; "" (0) for other commands */
	int n = PQntuples(res), ncols = PQnfields(res), rows = 0, stop = 0;
	struct pg_row r = {res, 0, xcalloc((size_t)ncols + 1, sizeof *r.blobs),
			   xcalloc((size_t)ncols + 1, sizeof *r.blob_len)};
	struct store_row row = {&r, row_null, row_int, row_text, row_blob};
	for (; r.row < n && !stop; r.row++) {
		rows++;
		if (fn)
			stop = fn(ctx, &row);
		for (int i = 0; i < ncols; i++) {
			PQfreemem(r.blobs[i]);
			r.blobs[i] = NULL;
		}
	}
	free(r.blobs);
	free(r.blob_len);
	return stop < 0 ? stop : rows;
}

/* ---- queries ---- */

static Oid oid_of(enum store_type t)
{
	return t == STORE_INT ? OID_INT8 : t == STORE_TEXT ? OID_TEXT : t == STORE_BLOB ? OID_BYTEA : 0;
}

/* Prepares q on this connection for the types of args; again if a value of
 * another type comes later (a parameter first bound as NULL, say). */
static int prepare(struct pg_conn *c, enum store_query q, int locked, const struct store_val *args, size_t nargs)
{
	struct pg_stmt *s = &c->stmts[q][locked];
	Oid want[PG_MAX_PARAMS];
	bool same = s->ready;
	for (size_t i = 0; i < nargs; i++) {
		want[i] = args[i].type == STORE_NULL && s->ready ? s->types[i] : oid_of(args[i].type);
		same = same && want[i] == s->types[i];
	}
	if (same)
		return OMB_OK;
	char name[16];
	snprintf(name, sizeof name, "%c%d", locked ? 'l' : 'q', (int)q);
	if (s->ready) {
		char *drop = xasprintf("DEALLOCATE %s", name);
		int rc = run(c, drop);
		free(drop);
		if (rc != OMB_OK)
			return rc;
		s->ready = false;
	}
	PGresult *res = PQprepare(c->pg, name, pg_queries[q].sql[locked], (int)nargs, want);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? OMB_OK : map_result(c, res, store_query_name[q]);
	PQclear(res);
	if (rc == OMB_OK) {
		memcpy(s->types, want, nargs * sizeof *want);
		s->ready = true;
	}
	return rc;
}

static int exec_once(struct pg_conn *c, enum store_query q, const struct store_val *args, size_t nargs,
		     store_row_fn fn, void *ctx)
{
	int locked = c->writing && pg_queries[q].sql[1] ? 1 : 0;
	int rc = prepare(c, q, locked, args, nargs);
	if (rc != OMB_OK)
		return rc;
	const char *values[PG_MAX_PARAMS];
	int lengths[PG_MAX_PARAMS], formats[PG_MAX_PARAMS];
	uint32_t ints[PG_MAX_PARAMS][2];
	for (size_t i = 0; i < nargs; i++) {
		const struct store_val *v = &args[i];
		formats[i] = 1;
		lengths[i] = (int)v->n;
		values[i] = v->p ? v->p : "";
		if (v->type == STORE_NULL) {
			values[i] = NULL;
		} else if (v->type == STORE_INT) {
			ints[i][0] = htonl((uint32_t)((uint64_t)v->i >> 32));
			ints[i][1] = htonl((uint32_t)v->i);
			values[i] = (const char *)ints[i];
			lengths[i] = 8;
		}
	}
	char name[16];
	snprintf(name, sizeof name, "%c%d", locked ? 'l' : 'q', (int)q);
	PGresult *res = PQexecPrepared(c->pg, name, (int)nargs, values, lengths, formats, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		rc = deliver(res, fn, ctx);
	else
		rc = map_result(c, res, store_query_name[q]);
	PQclear(res);
	return rc;
}

static int pg_exec(void *conn, enum store_query q, const struct store_val *args, size_t nargs,
		   store_row_fn fn, void *ctx)
{
	struct pg_conn *c = conn;
	if ((int)nargs != pg_queries[q].nparams || nargs > PG_MAX_PARAMS) {
		store_note_error();
		log_error(LOG_MSG("store error"), LOG_S("query", store_query_name[q]),
			  LOG_S("error", "wrong number of parameters"), LOG_I("given", nargs));
		return OMB_ESTORE;
	}
	if (lost(c) && (c->in_tx || reconnect(c) != OMB_OK))
		return OMB_EAGAIN;
	int rc = exec_once(c, q, args, nargs, fn, ctx);
	/* A session that died while idle (a server restart) is found out here:
	 * outside a transaction nothing was done, so once more on a new one. */
	if (rc == OMB_EAGAIN && lost(c) && !c->in_tx && reconnect(c) == OMB_OK)
		rc = exec_once(c, q, args, nargs, fn, ctx);
	return rc;
}

static bool pg_writes(void *conn, enum store_query q)
{
	return pg_queries[q].writes;
}

/* ---- transactions ---- */

/* A read transaction sees one snapshot, as SQLite's does; a write one reads
 * the latest committed rows and locks those it is about to change (QLOCK). */
static int pg_begin(void *conn, bool write)
{
	struct pg_conn *c = conn;
	if (c->in_tx)
		return OMB_ESTORE;
	const char *sql = write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
	if (lost(c) && reconnect(c) != OMB_OK)
		return OMB_EAGAIN;
	int rc = run(c, sql);
	if (rc == OMB_EAGAIN && lost(c) && reconnect(c) == OMB_OK)
		rc = run(c, sql);
	if (rc == OMB_OK) {
		c->in_tx = true;
		c->writing = write;
	}
	return rc;
}

/* A transaction that failed answers COMMIT with ROLLBACK: that is no commit. */
static int pg_commit(void *conn)
{
	struct pg_conn *c = conn;
	if (!c->in_tx)
		return OMB_ESTORE;
	c->in_tx = c->writing = false;
	PGresult *res = PQexec(c->pg, "COMMIT");
	int rc = PQresultStatus(res) != PGRES_COMMAND_OK ? map_result(c, res, "COMMIT")
		 : strcmp(PQcmdStatus(res), "COMMIT") == 0 ? OMB_OK : OMB_ESTORE;
	PQclear(res);
	return rc;
}

static void pg_rollback(void *conn)
{
	struct pg_conn *c = conn;
	if (!c->in_tx)
		return;
	c->in_tx = c->writing = false;
	if (!lost(c))
		run(c, "ROLLBACK");
}

static int pg_unit(void *conn, enum store_unit op)
{
	struct pg_conn *c = conn;
	switch (op) {
	case STORE_UNIT_BEGIN: return run(c, "SAVEPOINT unit");
	case STORE_UNIT_KEEP: return run(c, "RELEASE SAVEPOINT unit");
	case STORE_UNIT_UNDO: {
		int rc = run(c, "ROLLBACK TO SAVEPOINT unit");
		return rc != OMB_OK ? rc : run(c, "RELEASE SAVEPOINT unit");
	}
	}
	return OMB_EINVAL;
}

/* ---- migrations ---- */

/* 0 before the first migration (no table yet) and while the server is gone. */
static int read_version(struct pg_conn *c)
{
	PGresult *res = PQexec(c->pg, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	int v = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	return v;
}

static int pg_schema_version(void *conn)
{
	struct pg_conn *c = conn;
	if (lost(c) && (c->in_tx || reconnect(c) != OMB_OK))
		return 0;
	int v = read_version(c);
	if (!v && lost(c) && !c->in_tx && reconnect(c) == OMB_OK)
		v = read_version(c);
	return v;
}

static int record_version(struct pg_conn *c, const struct store_migration *m)
{
	char version[16], now[24];
	snprintf(version, sizeof version, "%d", m->version);
	snprintf(now, sizeof now, "%lld", (long long)clock_now_ms());
	const char *values[3] = {version, m->name, now};
	PGresult *res = PQexecParams(c->pg, "INSERT INTO schema_migrations VALUES ($1::int, $2, $3::bigint)", 3, NULL,
				     values, NULL, NULL, 0);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? OMB_OK : map_result(c, res, "schema_migrations");
	PQclear(res);
	return rc;
}

/* Each migration in its own transaction with its version row, under an
 * advisory lock so nodes starting together apply it once; each re-checks
 * the version inside the lock. */
static int pg_migrate(void *conn, int *applied)
{
	struct pg_conn *c = conn;
	*applied = 0;
	char lock[64];
	snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%lld)", MIGRATE_LOCK_KEY);
	int rc = run(c, "BEGIN");
	if (rc == OMB_OK && (rc = run(c, lock)) == OMB_OK)
		rc = run(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
	rc = rc == OMB_OK ? run(c, "COMMIT") : (run(c, "ROLLBACK"), rc);
	for (int i = 0; rc == OMB_OK && i < store_postgres_migrations_count; i++) {
		const struct store_migration *m = &store_postgres_migrations[i];
		if ((rc = run(c, "BEGIN")) != OMB_OK || (rc = run(c, lock)) != OMB_OK)
			break;
		bool due = read_version(c) < m->version;
		if (due && (rc = run(c, m->sql)) == OMB_OK)
			rc = record_version(c, m);
		if (rc == OMB_OK && (rc = run(c, "COMMIT")) == OMB_OK && due) {
			(*applied)++;
			log_info(LOG_MSG("migration applied"), LOG_I("version", m->version), LOG_S("name", m->name));
		}
	}
	if (rc != OMB_OK && !lost(c))
		run(c, "ROLLBACK");
	return rc;
}

/* PostgreSQL has its own vacuum and checkpoints: nothing to do here. */
static int pg_maintain(void *conn)
{
	return OMB_OK;
}

/* Whether environment entry e sets a variable that one of opts' values
 * takes the place of. */
static bool set_by(const char *e, const PQconninfoOption *opts)
{
	for (const PQconninfoOption *o = opts; o && o->keyword; o++) {
		size_t len = o->envvar ? strlen(o->envvar) : 0;
		if (o->val && len && strncmp(e, o->envvar, len) == 0 && e[len] == '=')
			return true;
	}
	return false;
}

/* The child's environment: ours, with the URL's settings as libpq's PG*
 * variables in place of any we have, so a password never shows on a
 * command line and one that ombud's own connections take from PGPASSWORD
 * (or ~/.pgpass) serves pg_dump too. Caller frees the strings it added
 * (*added) and the array. */
static char **dump_env(const char *target, char ***added)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(target, &err);
	PQfreemem(err);
	size_t n = 0, k = 0, a = 0;
	while (environ[n])
		n++;
	size_t nopts = 0;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		nopts++;
	char **env = xcalloc(n + nopts + 1, sizeof *env);
	*added = xcalloc(nopts + 1, sizeof **added);
	for (size_t i = 0; i < n; i++)
		if (!set_by(environ[i], opts))
			env[k++] = environ[i];
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (o->val && o->envvar)
			env[k++] = (*added)[a++] = xasprintf("%s=%s", o->envvar, o->val);
	PQconninfoFree(opts);
	return env;
}

/* pg_dump's custom format, a consistent snapshot taken online. The target
 * must not exist. */
static int pg_backup(void *conn, const char *path)
{
	struct pg_conn *c = conn;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? OMB_EEXIST : OMB_EIO;
	close(fd);
	char **added = NULL, **env = dump_env(c->target, &added);
	char *argv[] = {"pg_dump", "--format=custom", "--no-password", "--file", (char *)path, NULL};
	pid_t pid;
	int status = 0, rc = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, env);
	if (rc == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	for (char **p = added; *p; p++)
		free(*p);
	free(added);
	free(env);
	if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error(LOG_MSG("backup failed"), LOG_S("tool", "pg_dump"), LOG_I("status", rc ? rc : status));
		unlink(path);
		return OMB_EIO;
	}
	return OMB_OK;
}

/* ---- listeners ---- */

/* A session of its own that runs LISTEN and then only waits: notices come
 * in on its socket, each after the commit that sent it. */
static int pg_listen(const char *target, const char *channel, const char *who, void **out)
{
	const char *keys[] = {"dbname", "application_name", NULL}, *values[] = {target, who, NULL};
	PGconn *pg = PQconnectdbParams(keys, values, 1);
	if (PQstatus(pg) != CONNECTION_OK) {
		log_warn(LOG_MSG("store listener cannot connect"), LOG_S("error", PQerrorMessage(pg)));
		PQfinish(pg);
		return OMB_EAGAIN;
	}
	PQsetNoticeProcessor(pg, quiet, NULL);
	char *name = PQescapeIdentifier(pg, channel, strlen(channel));
	char *sql = xasprintf("LISTEN %s", name ? name : "\"\"");
	PQfreemem(name);
	PGresult *res = PQexec(pg, sql);
	free(sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!ok) {
		log_warn(LOG_MSG("store listener cannot listen"), LOG_S("error", PQerrorMessage(pg)));
		PQfinish(pg);
		return OMB_EAGAIN;
	}
	*out = pg;
	return OMB_OK;
}

static int drain_notices(PGconn *pg)
{
	int n = 0;
	for (PGnotify *note; (note = PQnotifies(pg)) != NULL; n++)
		PQfreemem(note);
	return n;
}

static int pg_listen_wait(void *listener, int timeout_ms)
{
	PGconn *pg = listener;
	int n = drain_notices(pg);
	if (n)
		return n;
	struct pollfd pfd = {PQsocket(pg), POLLIN, 0};
	if (pfd.fd < 0)
		return OMB_EAGAIN;
	int ready = poll(&pfd, 1, timeout_ms);
	if (ready < 0)
		return errno == EINTR ? 0 : OMB_EAGAIN;
	/* readable: notices, or the server closing the session (a restart,
	 * pg_terminate_backend), which PQconsumeInput reports */
	if (ready && (!PQconsumeInput(pg) || PQstatus(pg) != CONNECTION_OK))
		return OMB_EAGAIN;
	return drain_notices(pg);
}

static void pg_listen_close(void *listener)
{
	PQfinish(listener);
}

const struct store_driver store_postgres_driver = {
	.name = "postgres",
	/* Each unit is a transaction of its own: in a shared one, a unit's row
	 * locks would be held through the units after it, and two nodes' groups
	 * could each wait for a row the other holds (a deadlock PostgreSQL
	 * breaks by failing a whole group). The server batches concurrent
	 * commits into one WAL flush by itself. */
	.shared_writer = false,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.migrate = pg_migrate,
	.schema_version = pg_schema_version,
	.maintain = pg_maintain,
	.unit = pg_unit,
	.writes = pg_writes,
	.backup = pg_backup,
	.listen = pg_listen,
	.listen_wait = pg_listen_wait,
	.listen_close = pg_listen_close,
};
