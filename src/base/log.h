/* log.h — structured logging: one line per event on stderr, logfmt or JSON.
 *
 *   log_info(LOG_MSG("listening"), LOG_S("addr", addr), LOG_I("port", port));
 *
 * Each call writes one whole line under the module's lock, so lines from
 * different threads never interleave. Held lines (log_info_held: one per
 * request, the access log) are instead kept in a block and written with
 * it, once it is full, at most flush_ms after them, before any other line
 * and at log_hold_stop; the log keeps the order lines were made in. Fields
 * are typed so both formats are exact. Never pass a secret (password,
 * token, access code, one-time code, key) as a field: this module cannot
 * tell, so the rule is the caller's. */
#ifndef OMBUD_BASE_LOG_H
#define OMBUD_BASE_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_LOGFMT, LOG_JSON };

enum log_kv_type { LOG_KV_END = 0, LOG_KV_MSG, LOG_KV_STR, LOG_KV_INT };
struct log_kv {
	enum log_kv_type type;
	const char *key;
	const char *str;  /* borrowed; may be NULL (written as empty) */
	int64_t num;
};

#define LOG_MSG(m)   ((struct log_kv){LOG_KV_MSG, "msg", (m), 0})
#define LOG_S(k, v)  ((struct log_kv){LOG_KV_STR, (k), (v), 0})
#define LOG_I(k, v)  ((struct log_kv){LOG_KV_INT, (k), NULL, (int64_t)(v)})

#define log_debug(...) log_emit(LOG_DEBUG, (const struct log_kv[]){__VA_ARGS__, {LOG_KV_END, 0, 0, 0}})
#define log_info(...)  log_emit(LOG_INFO, (const struct log_kv[]){__VA_ARGS__, {LOG_KV_END, 0, 0, 0}})
#define log_warn(...)  log_emit(LOG_WARN, (const struct log_kv[]){__VA_ARGS__, {LOG_KV_END, 0, 0, 0}})
#define log_error(...) log_emit(LOG_ERROR, (const struct log_kv[]){__VA_ARGS__, {LOG_KV_END, 0, 0, 0}})
#define log_info_held(...) log_emit_held(LOG_INFO, (const struct log_kv[]){__VA_ARGS__, {LOG_KV_END, 0, 0, 0}})

/* Sets the threshold and format; call once at start-up, before threads. */
void log_setup(enum log_level min, enum log_format format);
/* Parses "debug|info|warn|error" / "logfmt|json"; returns 0 or OMB_EINVAL. */
int log_level_parse(const char *s, enum log_level *out);
int log_format_parse(const char *s, enum log_format *out);
bool log_enabled(enum log_level level);

/* Writes fields (terminated by a LOG_KV_END entry) as one line. Lines longer
 * than 4 KiB are truncated, never split. Any thread. */
void log_emit(enum log_level level, const struct log_kv *fields);
/* The same line, held while log_hold_start's flusher runs (else written at
 * once). Any thread. */
void log_emit_held(enum log_level level, const struct log_kv *fields);

/* Starts holding lines, written at least every flush_ms by a thread of
 * this module; returns 0, OMB_EINVAL when already holding, or OMB_EIO. */
int log_hold_start(int64_t flush_ms);
/* Writes the held lines and stops holding; lines are then written at once.
 * Call from the thread that started it. */
void log_hold_stop(void);

#endif
