/* store.h — persistence behind one interface.
 *
 * Callers (app/ only) run named queries from the catalogue in queries.def
 * with bound parameters and read rows through a callback; they never build
 * SQL. A driver (a table of functions, struct store_driver in store_int.h)
 * runs each query in its dialect and applies its own numbered migrations
 * (sql/<dialect>/, the same versions): SQLite for one node, PostgreSQL for
 * several nodes on one database.
 *
 * Threads: any thread may call these. Each thread gets its own connection,
 * opened on first use; a transaction belongs to the thread that began it. */
#ifndef OMBUD_STORE_STORE_H
#define OMBUD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The columns of struct desk_case in the cases table, in the order every
 * case query binds and reads them (app/cases.c maps them field by field). */
#define STORE_CASE_STATE_COLS                                                             \
	"dept_id, about_center, channel, level, status, handler_staff_id, handler_role, "  \
	"answer_kind, answer_level, answer_start_ms, answer_due_ms, final_kind, final_level, " \
	"final_start_ms, final_due_ms, dispute_open, awaiting_responsible, answers, opened_ms, " \
	"first_answer_due_ms, first_answer_ms, closed_ms, referred_ms, first_demand_ms, "  \
	"responsible_ms, demands, demands_open, demands_in_time, repeated_answers, esc_demand, " \
	"esc_deadline, esc_dispute, esc_repeat, esc_about_center"
#define STORE_CASE_STATE_NCOLS 34
#define STORE_CASE_STATE_PARAMS "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"

/* A case's erase_due_ms (0 = not due: open or erased) by the rule of
 * privacy_erase_due_ms: its finishing time plus the category's period, the
 * organisation's, or the server's (?1 days) */
#define STORE_ERASE_DUE_EXPR                                                                                 \
	"CASE WHEN cases.status NOT IN (3, 4) OR EXISTS (SELECT 1 FROM case_erasures e WHERE e.case_id = cases.id) " \
	"THEN 0 ELSE (CASE WHEN cases.status = 3 THEN cases.closed_ms ELSE cases.referred_ms END) + 86400000 * "     \
	"coalesce((SELECT days FROM retention_periods r WHERE r.org_id = cases.org_id AND r.category_id = "          \
	"cases.category_id), (SELECT days FROM retention_periods r WHERE r.org_id = cases.org_id AND "               \
	"r.category_id = 0), ?1) END"
/* Where a QLOCK query's row lock goes when not at its end (in a subquery):
 * a comment to SQLite, the locking clause to PostgreSQL (queries.def). */
#define STORE_LOCK_HERE " /*lock*/"

enum store_query {
#define Q(name, sql) STORE_Q_##name,
#define QLOCK(name, of)
#define QLOCK_SKIP(name, of)
#include "store/queries.def"
#undef QLOCK_SKIP
#undef QLOCK
#undef Q
	STORE_Q_COUNT
};

enum store_type { STORE_NULL, STORE_INT, STORE_TEXT, STORE_BLOB };

/* A parameter. Text and blobs are borrowed for the duration of the call. */
struct store_val {
	enum store_type type;
	int64_t i;
	const void *p;
	size_t n;
};

#define SV_NULL         ((struct store_val){STORE_NULL, 0, NULL, 0})
#define SV_INT(x)       ((struct store_val){STORE_INT, (int64_t)(x), NULL, 0})
#define SV_TEXT(s)      ((struct store_val){STORE_TEXT, 0, (s), strlen(s)})
#define SV_TEXTN(s, l)  ((struct store_val){STORE_TEXT, 0, (s), (l)})
#define SV_BLOB(b, l)   ((struct store_val){STORE_BLOB, 0, (b), (l)})
#define SV_ARGS(...)    (const struct store_val[]){__VA_ARGS__}, \
	sizeof((const struct store_val[]){__VA_ARGS__}) / sizeof(struct store_val)

/* A result row, valid only during the callback. Column indexes start at 0.
 * Text and blob pointers are borrowed until the callback returns. */
struct store_row;
bool store_row_null(const struct store_row *row, int col);
int64_t store_row_int(const struct store_row *row, int col);
const char *store_row_text(const struct store_row *row, int col);          /* "" for NULL */
const void *store_row_blob(const struct store_row *row, int col, size_t *len);

/* Called per row; return 0 to go on. A positive return stops (store_exec
 * then returns the rows seen so far); a negative code stops and is returned. */
typedef int (*store_row_fn)(void *ctx, const struct store_row *row);

/* Opens a store: "sqlite:PATH" or a plain PATH means SQLite,
 * "postgresql://..." (or "postgres://...", libpq's URI) PostgreSQL. Returns 0
 * or a negative code with a reason in errbuf. Caller closes with store_close. */
int store_open(const char *url, struct store **out, char *errbuf, size_t errlen);
/* The SQLite file a store URL names (borrowed from url), or NULL for a
 * database server: there is then no file to keep things beside. */
const char *store_url_file(const char *url);
/* Closes every connection. Call only after all other threads stopped using it. */
void store_close(struct store *st);
/* Applies the driver's migrations not yet applied; *applied = how many. */
int store_migrate(struct store *st, int *applied);
/* Latest migration version applied (0 for a fresh database). */
int store_schema_version(struct store *st);
const char *store_driver_name(const struct store *st);

/* Runs query q with nargs parameters; fn may be NULL. Returns the number of
 * rows seen by fn (for SELECT/RETURNING) or rows changed (otherwise), or a
 * negative code: OMB_EEXIST on a unique-constraint violation, OMB_EAGAIN
 * when the database stayed busy, OMB_ESTORE otherwise; fn's own negative
 * return is passed through. */
int store_exec(struct store *st, enum store_query q, const struct store_val *args, size_t nargs,
	       store_row_fn fn, void *ctx);

/* Transactions. A read transaction runs on the calling thread's connection.
 * A write transaction is a unit on the one writer: store_begin(write=true)
 * waits its turn, store_commit returns once the group of units it joined is
 * committed (so a 0 means durable), and store_rollback undoes this unit
 * alone. (On PostgreSQL each unit is a transaction of its own on the
 * thread's connection; the server orders them, across nodes too.) A write outside a transaction is a unit of its own. Units do not
 * nest. Inside a write transaction, reads see the latest committed rows, and
 * a QLOCK query of the catalogue holds the rows it read until the commit, so
 * that nodes sharing one database take turns on them. A store that is
 * unreachable answers OMB_EAGAIN and is reconnected on a later call. */
int store_begin(struct store *st, bool write);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/* Ends the write transaction a body ran in: commits when the body's rc is
 * OMB_OK and returns how the commit went, else rolls back and returns rc. */
int store_end(struct store *st, int rc);
/* store_exec's result as a status: rows seen (n >= 0) are OMB_OK. */
int store_status(int n);

/* Background upkeep off the request path (SQLite: a passive WAL checkpoint,
 * so no request waits on the fsync of one; PostgreSQL: none, it vacuums and
 * checkpoints itself). Called by the sweeper. */
int store_maintain(struct store *st);

/* A consistent copy of the whole database into a new file at path, taken
 * online (writers go on meanwhile): SQLite's backup API, or pg_dump's custom
 * format for PostgreSQL. OMB_EEXIST if path exists. */
int store_backup(struct store *st, const char *path);

/* Notices between nodes sharing a database, for what they must learn
 * quickly (a block set on another node). A listener is a connection of its
 * own, named who (PostgreSQL: application_name, seen in pg_stat_activity),
 * that hears what is sent on channel after a commit; it says that
 * something was sent, not what: the reader then reads what changed. A
 * SQLite store has no notices: its waits only time out, and the reader's
 * periodic read is all there is. Caller closes with store_listener_close.
 * OMB_EAGAIN while the database is unreachable. */
struct store_listener;
int store_listener_open(struct store *st, const char *channel, const char *who, struct store_listener **out);
/* Waits up to timeout_ms: the number of notices heard (> 0), 0 when none
 * came, or OMB_EAGAIN when the connection was lost; what was sent meanwhile
 * is not heard, so the caller closes it, opens a new one and reads what
 * changed since it last read. */
int store_listener_wait(struct store_listener *l, int timeout_ms);
void store_listener_close(struct store_listener *l);

/* Store errors since start, for /metrics. */
uint64_t store_error_count(void);

/* Row helpers for the common cases: first column of the first row. */
int store_row_first_int(void *ctx, const struct store_row *row);   /* ctx: int64_t* */

#endif
