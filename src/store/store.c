/* store.c — driver selection, per-thread connections and row accessors. */
#include "store/store.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "store/store_int.h"

struct conn_node {
	void *conn;
	struct store *st;
	struct conn_node *next;
};

struct store {
	const struct store_driver *driver;
	char *target;               /* what the driver connects to (a file path for SQLite) */
	pthread_key_t key;          /* this thread's struct conn_node */
	pthread_mutex_t lock;       /* guards conns */
	struct conn_node *conns;    /* every open connection, closed by store_close */
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

static void *thread_conn(struct store *st, int *rc)
{
	struct conn_node *node = pthread_getspecific(st->key);
	if (node)
		return node->conn;
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
	return conn;
}

int store_open(const char *url, struct store **out, char *errbuf, size_t errlen)
{
	const char *target = url;
	if (strncmp(url, "sqlite:", 7) == 0)
		target = url + 7;
	else if (strstr(url, "://")) {
		snprintf(errbuf, errlen, "unsupported store URL scheme (this build has: sqlite)");
		return OMB_EINVAL;
	}
	struct store *st = xcalloc(1, sizeof *st);
	st->driver = &store_sqlite_driver;
	st->target = xstrdup(target);
	pthread_mutex_init(&st->lock, NULL);
	pthread_key_create(&st->key, on_thread_exit);
	/* Connect once now so a bad path fails at start, not on the first request. */
	void *conn = NULL;
	int rc = st->driver->connect(st->target, &conn, errbuf, errlen);
	if (rc != OMB_OK) {
		store_close(st);
		return rc;
	}
	st->driver->disconnect(conn);
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
	pthread_mutex_destroy(&st->lock);
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

int store_exec(struct store *st, enum store_query q, const struct store_val *args, size_t nargs,
	       store_row_fn fn, void *ctx)
{
	WITH_CONN(st, conn, rc);
	return st->driver->exec(conn, q, args, nargs, fn, ctx);
}

int store_begin(struct store *st, bool write)
{
	WITH_CONN(st, conn, rc);
	return st->driver->begin(conn, write);
}

int store_commit(struct store *st)
{
	WITH_CONN(st, conn, rc);
	return st->driver->commit(conn);
}

void store_rollback(struct store *st)
{
	int rc;
	void *conn = thread_conn(st, &rc);
	if (conn)
		st->driver->rollback(conn);
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
