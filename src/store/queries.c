/* queries.c — the query catalogue of queries.def as tables. */
#include "store/store_int.h"

#define QLOCK(name, of)
#define QLOCK_SKIP(name, of)

const char *const store_query_sql[STORE_Q_COUNT] = {
#define Q(name, sql) [STORE_Q_##name] = sql,
#include "store/queries.def"
#undef Q
};

const char *const store_query_name[STORE_Q_COUNT] = {
#define Q(name, sql) [STORE_Q_##name] = #name,
#include "store/queries.def"
#undef Q
};

#undef QLOCK
#undef QLOCK_SKIP
#define QLOCK(name, of) [STORE_Q_##name] = {of, false},
#define QLOCK_SKIP(name, of) [STORE_Q_##name] = {of, true},
#define Q(name, sql)
const struct store_lock store_query_lock[STORE_Q_COUNT] = {
#include "store/queries.def"
};
#undef Q
#undef QLOCK_SKIP
#undef QLOCK
