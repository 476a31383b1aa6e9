/* queries.c — the query catalogue of queries.def as tables. */
#include "store/store_int.h"

#define QLOCK(name, of)

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
#define QLOCK(name, of) [STORE_Q_##name] = of,
#define Q(name, sql)
const char *const store_query_lock[STORE_Q_COUNT] = {
#include "store/queries.def"
};
#undef Q
#undef QLOCK
