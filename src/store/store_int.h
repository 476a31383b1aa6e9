/* store_int.h — what a store driver implements; only src/store/ includes it. */
#ifndef OMBUD_STORE_INT_H
#define OMBUD_STORE_INT_H

#include <pthread.h>

#include "store/store.h"

enum store_unit { STORE_UNIT_BEGIN, STORE_UNIT_KEEP, STORE_UNIT_UNDO };

/* One connection's operations. conn is the driver's own per-thread object. */
struct store_driver {
	const char *name;
	/* True: every write runs on one writer connection, units grouped into
	 * shared commits (store.c). False: each thread writes in a transaction
	 * of its own on its own connection, and the server orders them. */
	bool shared_writer;
	int (*connect)(const char *target, void **conn, char *errbuf, size_t errlen);
	void (*disconnect)(void *conn);
	int (*exec)(void *conn, enum store_query q, const struct store_val *args, size_t nargs,
		    store_row_fn fn, void *ctx);
	int (*begin)(void *conn, bool write);
	int (*commit)(void *conn);
	void (*rollback)(void *conn);
	/* One unit of work inside the writer's open transaction: a savepoint
	 * begun, released (kept), or undone. */
	int (*unit)(void *conn, enum store_unit op);
	/* Whether query q changes the database. */
	bool (*writes)(void *conn, enum store_query q);
	int (*migrate)(void *conn, int *applied);
	int (*schema_version)(void *conn);
	int (*maintain)(void *conn);
	int (*backup)(void *conn, const char *path);
	/* store.h's listener: a connection of its own (target as connect's). */
	int (*listen)(const char *target, const char *channel, const char *who, void **out);
	int (*listen_wait)(void *listener, int timeout_ms);
	void (*listen_close)(void *listener);
};

extern const struct store_driver store_sqlite_driver;
extern const struct store_driver store_postgres_driver;

/* The row lock of a QLOCK or QLOCK_SKIP query, taken inside a write
 * transaction: the table or alias whose rows it locks, and whether rows
 * another transaction holds are passed over rather than waited for. */
struct store_lock {
	const char *of;      /* NULL: the query locks nothing */
	bool skip_locked;
};

/* The catalogue of queries.def: each query's SQL ('?' and '?N'
 * placeholders), its name, and its row lock. */
extern const char *const store_query_sql[STORE_Q_COUNT];
extern const char *const store_query_name[STORE_Q_COUNT];
extern const struct store_lock store_query_lock[STORE_Q_COUNT];

/* Migrations are embedded from sql/<dialect>/NNNN_name.sql at build time. */
struct store_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct store_migration store_sqlite_migrations[];
extern const int store_sqlite_migrations_count;
extern const struct store_migration store_postgres_migrations[];
extern const int store_postgres_migrations_count;

void store_note_error(void);

/* A row as the driver exposes it to store_row_* accessors. */
struct store_row {
	void *impl;
	bool (*is_null)(void *impl, int col);
	int64_t (*get_int)(void *impl, int col);
	const char *(*get_text)(void *impl, int col);
	const void *(*get_blob)(void *impl, int col, size_t *len);
};

#endif
