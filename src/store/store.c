/* store.c — driver selection, per-thread connections, group commit and row
 * accessors.
 *
 * Reads run on the calling thread's own connection. Every write runs on one
 * writer connection, as a unit (a savepoint) inside a transaction that the
 * writers share: a writer that finishes its unit while others are queued
 * leaves the transaction open for them and waits; the last one of the group
 * commits it for all, and each learns the outcome before it returns. So a
 * write is acknowledged only once committed, a failed unit is undone alone,
 * and many writers pay for one commit (group commit). A driver without a
 * shared writer (PostgreSQL, where several nodes write at once) runs each
 * unit as a transaction on the thread's own connection instead. */
#include "store/store.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "store/store_int.h"

#define GROUP_MAX 64   /* units committed together at most */

struct conn_node {
	void *conn;
	struct store *st;
	bool writing;               /* this thread holds the writer for a unit */
	struct conn_node *next;
};

struct store {
	const struct store_driver *driver;
	char *target;               /* what the driver connects to: a file path or a libpq URL */
	pthread_key_t key;          /* this thread's struct conn_node */
	pthread_mutex_t lock;       /* guards conns */
	struct conn_node *conns;    /* every open connection, closed by store_close */
	/* the writer and its shared transaction, all under wlock */
	void *writer;
	pthread_mutex_t wlock;      /* held by the thread running a unit */
	pthread_cond_t committed;   /* a group was committed (or failed) */
	atomic_int queued;          /* threads waiting for wlock to write */
	bool group_open;
	int units;                  /* units kept in the open group */
	uint64_t group;             /* number of the open (or last) group */
	uint64_t done;              /* number of the last group ended */
	int done_rc;                /* how it ended */
};

static _Atomic uint64_t error_count;

void store_note_error(void)
{
	atomic_fetch_add_explicit(&error_count, 1, memory_order_relaxed);
}

uint64_t store_error_count(void)
{
	return atomic_load(&error_count);
}

static void unlink_node(struct store *st, struct conn_node *node)
{
	pthread_mutex_lock(&st->lock);
	for (struct conn_node **p = &st->conns; *p; p = &(*p)->next) {
		if (*p == node) {
			*p = node->next;
			break;
		}
	}
	pthread_mutex_unlock(&st->lock);
}

/* Thread exit: the connection goes with its thread. */
static void on_thread_exit(void *arg)
{
	struct conn_node *node = arg;
	unlink_node(node->st, node);
	node->st->driver->disconnect(node->conn);
	free(node);
}

static struct conn_node *thread_node(struct store *st, int *rc)
{
	struct conn_node *node = pthread_getspecific(st->key);
	if (node)
		return node;
	char err[256];
	void *conn = NULL;
	*rc = st->driver->connect(st->target, &conn, err, sizeof err);
	if (*rc != OMB_OK) {
		store_note_error();
		return NULL;
	}
	node = xcalloc(1, sizeof *node);
	node->conn = conn;
	node->st = st;
	pthread_mutex_lock(&st->lock);
	node->next = st->conns;
	st->conns = node;
	pthread_mutex_unlock(&st->lock);
	pthread_setspecific(st->key, node);
	return node;
}

static void *thread_conn(struct store *st, int *rc)
{
	struct conn_node *node = thread_node(st, rc);
	return node ? node->conn : NULL;
}

static bool is_postgres_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

const char *store_url_file(const char *url)
{
	if (is_postgres_url(url))
		return NULL;
	return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

int store_open(const char *url, struct store **out, char *errbuf, size_t errlen)
{
	const struct store_driver *driver = is_postgres_url(url) ? &store_postgres_driver : &store_sqlite_driver;
	const char *target = driver == &store_postgres_driver ? url : store_url_file(url);
	if (driver == &store_sqlite_driver && strstr(url, "://")) {
		snprintf(errbuf, errlen, "unsupported store URL scheme (this build has: sqlite, postgresql)");
		return OMB_EINVAL;
	}
	struct store *st = xcalloc(1, sizeof *st);
	st->driver = driver;
	st->target = xstrdup(target);
	pthread_mutex_init(&st->lock, NULL);
	pthread_key_create(&st->key, on_thread_exit);
	pthread_mutex_init(&st->wlock, NULL);
	pthread_cond_init(&st->committed, NULL);
	/* The writer connects now, so a bad path fails at start, not on the first
	 * request (without a shared writer, that is all it is for). */
	int rc = st->driver->connect(st->target, &st->writer, errbuf, errlen);
	if (rc != OMB_OK) {
		store_close(st);
		return rc;
	}
	*out = st;
	return OMB_OK;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	struct conn_node *node = pthread_getspecific(st->key);
	pthread_setspecific(st->key, NULL);
	(void)node; /* freed below with the others */
	pthread_key_delete(st->key);
	for (struct conn_node *n = st->conns, *next; n; n = next) {
		next = n->next;
		st->driver->disconnect(n->conn);
		free(n);
	}
	if (st->writer)
		st->driver->disconnect(st->writer);
	pthread_mutex_destroy(&st->lock);
	pthread_mutex_destroy(&st->wlock);
	pthread_cond_destroy(&st->committed);
	free(st->target);
	free(st);
}

const char *store_driver_name(const struct store *st)
{
	return st->driver->name;
}

#define WITH_CONN(st, conn, rc)                  \
	int rc = OMB_OK;                          \
	void *conn = thread_conn((st), &rc);      \
	if (!conn)                                \
		return rc;

int store_migrate(struct store *st, int *applied)
{
	WITH_CONN(st, conn, rc);
	return st->driver->migrate(conn, applied);
}

int store_schema_version(struct store *st)
{
	WITH_CONN(st, conn, rc);
	return st->driver->schema_version(conn);
}

int store_maintain(struct store *st)
{
	WITH_CONN(st, conn, rc);
	return st->driver->maintain(conn);
}

int store_backup(struct store *st, const char *path)
{
	WITH_CONN(st, conn, rc);
	return st->driver->backup(conn, path);
}

/* ---- listeners ---- */

struct store_listener {
	const struct store_driver *driver;
	void *impl;
};

int store_listener_open(struct store *st, const char *channel, const char *who, struct store_listener **out)
{
	void *impl = NULL;
	int rc = st->driver->listen(st->target, channel, who, &impl);
	if (rc != OMB_OK) {
		store_note_error();
		return rc;
	}
	*out = xmalloc(sizeof **out);
	**out = (struct store_listener){st->driver, impl};
	return OMB_OK;
}

int store_listener_wait(struct store_listener *l, int timeout_ms)
{
	return l->driver->listen_wait(l->impl, timeout_ms);
}

void store_listener_close(struct store_listener *l)
{
	if (!l)
		return;
	l->driver->listen_close(l->impl);
	free(l);
}

/* ---- group commit ---- */

/* Ends the open group: commit, and tell every unit of it how that went.
 * Called with wlock held; returns with it released. */
static int end_group(struct store *st)
{
	int rc = st->driver->commit(st->writer);
	st->group_open = false;
	st->units = 0;
	st->done = st->group;
	st->done_rc = rc;
	pthread_cond_broadcast(&st->committed);
	pthread_mutex_unlock(&st->wlock);
	return rc;
}

static int begin_unit(struct store *st, struct conn_node *node)
{
	if (node->writing)
		return OMB_ESTORE; /* units do not nest */
	if (!st->driver->shared_writer) {
		int rc = st->driver->begin(node->conn, true);
		node->writing = rc == OMB_OK;
		return rc;
	}
	atomic_fetch_add(&st->queued, 1);
	pthread_mutex_lock(&st->wlock);
	atomic_fetch_sub(&st->queued, 1);
	int rc = OMB_OK;
	if (!st->group_open && (rc = st->driver->begin(st->writer, true)) == OMB_OK) {
		st->group_open = true;
		st->group++;
	}
	if (rc == OMB_OK)
		rc = st->driver->unit(st->writer, STORE_UNIT_BEGIN);
	if (rc != OMB_OK) {
		/* The last writer in line ends the group even though its own unit
		 * never began: units kept before it wait for that (a savepoint
		 * fails when a database server goes away). */
		if (st->group_open && atomic_load(&st->queued) == 0)
			end_group(st);
		else
			pthread_mutex_unlock(&st->wlock);
		return rc;
	}
	node->writing = true;
	return OMB_OK;
}

/* Keeps the unit; waits for its group's commit unless it ends the group. */
static int keep_unit(struct store *st, struct conn_node *node)
{
	node->writing = false;
	if (!st->driver->shared_writer)
		return st->driver->commit(node->conn);
	int rc = st->driver->unit(st->writer, STORE_UNIT_KEEP);
	if (rc != OMB_OK) {
		st->driver->unit(st->writer, STORE_UNIT_UNDO);
		end_group(st);
		return rc;
	}
	st->units++;
	if (atomic_load(&st->queued) == 0 || st->units >= GROUP_MAX)
		return end_group(st);
	uint64_t mine = st->group;
	while (st->done < mine)
		pthread_cond_wait(&st->committed, &st->wlock);
	rc = st->done_rc;
	pthread_mutex_unlock(&st->wlock);
	return rc;
}

/* Undoes the unit alone; the group goes on for the others. */
static void undo_unit(struct store *st, struct conn_node *node)
{
	node->writing = false;
	if (!st->driver->shared_writer) {
		st->driver->rollback(node->conn);
		return;
	}
	st->driver->unit(st->writer, STORE_UNIT_UNDO);
	if (atomic_load(&st->queued) == 0)
		end_group(st);   /* commits the units kept before this one */
	else
		pthread_mutex_unlock(&st->wlock);
}

int store_exec(struct store *st, enum store_query q, const struct store_val *args, size_t nargs,
	       store_row_fn fn, void *ctx)
{
	int rc = OMB_OK;
	struct conn_node *node = thread_node(st, &rc);
	if (!node)
		return rc;
	void *writer = st->driver->shared_writer ? st->writer : node->conn;
	if (node->writing)
		return st->driver->exec(writer, q, args, nargs, fn, ctx);
	if (!st->driver->writes(node->conn, q))
		return st->driver->exec(node->conn, q, args, nargs, fn, ctx);
	/* a write outside a transaction is a unit of its own */
	if ((rc = begin_unit(st, node)) != OMB_OK)
		return rc;
	int result = st->driver->exec(writer, q, args, nargs, fn, ctx);
	if (result < 0) {
		undo_unit(st, node);
		return result;
	}
	rc = keep_unit(st, node);
	return rc != OMB_OK ? rc : result;
}

int store_begin(struct store *st, bool write)
{
	int rc = OMB_OK;
	struct conn_node *node = thread_node(st, &rc);
	if (!node)
		return rc;
	return write ? begin_unit(st, node) : st->driver->begin(node->conn, false);
}

int store_commit(struct store *st)
{
	int rc = OMB_OK;
	struct conn_node *node = thread_node(st, &rc);
	if (!node)
		return rc;
	return node->writing ? keep_unit(st, node) : st->driver->commit(node->conn);
}

void store_rollback(struct store *st)
{
	int rc;
	struct conn_node *node = thread_node(st, &rc);
	if (!node)
		return;
	if (node->writing)
		undo_unit(st, node);
	else
		st->driver->rollback(node->conn);
}

int store_end(struct store *st, int rc)
{
	if (rc == OMB_OK)
		return store_commit(st);
	store_rollback(st);
	return rc;
}

int store_status(int n)
{
	return n < 0 ? n : OMB_OK;
}

bool store_row_null(const struct store_row *row, int col)
{
	return row->is_null(row->impl, col);
}

int64_t store_row_int(const struct store_row *row, int col)
{
	return row->get_int(row->impl, col);
}

const char *store_row_text(const struct store_row *row, int col)
{
	return row->get_text(row->impl, col);
}

const void *store_row_blob(const struct store_row *row, int col, size_t *len)
{
	return row->get_blob(row->impl, col, len);
}

int store_row_first_int(void *ctx, const struct store_row *row)
{
	*(int64_t *)ctx = store_row_int(row, 0);
	return 1; /* one row is enough */
}
