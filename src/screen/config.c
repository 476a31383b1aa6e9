/* config.c — the screening rule configuration: one table of every setting
 * (name, type, range), defaults, setting by name, validation, and the
 * "name = value" text that config files and snapshots hold. */
#include "screen/screen.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

enum cfg_type { CFG_UINT, CFG_INT, CFG_I64, CFG_U64, CFG_DBL, CFG_STR };

struct cfg_field {
	const char *name;
	enum cfg_type type;
	size_t offset;
	double min, max;
};

#define F(name, type, lo, hi) { #name, type, offsetof(struct screen_config, name), lo, hi }
static const struct cfg_field fields[] = {
	F(shards, CFG_UINT, 1, 64),
	F(max_callers, CFG_U64, 16, 4e9),
	F(max_watched, CFG_U64, 16, 1e8),
	F(pending_calls, CFG_U64, 64, 1e9),
	F(incoming_log2, CFG_UINT, 10, 34),
	F(agg_merge_ms, CFG_I64, 100, 3.6e6),
	F(lateness_ms, CFG_I64, 0, 3.6e6),
	F(call_ttl_ms, CFG_I64, 60000, 8.64e7),
	F(idle_evict_ms, CFG_I64, 60000, 3.2e10),
	F(block_ms, CFG_I64, 1000, 3.2e10),
	F(lift_grace_ms, CFG_I64, 0, 3.2e10),
	F(report_window_ms, CFG_I64, 60000, 3.2e11),
	F(warn_score, CFG_INT, 1, 100),
	F(block_score, CFG_INT, 1, 100),
	F(behaviour_cap, CFG_INT, 0, 100),
	F(vol_1m, CFG_INT, 1, 100000),
	F(vol_10m, CFG_INT, 1, 1000000),
	F(vol_60m, CFG_INT, 1, 1000000),
	F(w_volume, CFG_INT, 0, 100),
	F(fanout_min_attempts, CFG_INT, 1, 100000),
	F(fanout_ratio, CFG_DBL, 0, 1),
	F(w_fanout, CFG_INT, 0, 100),
	F(outcome_min_ends, CFG_INT, 1, 255),
	F(low_answer_ratio, CFG_DBL, 0, 1),
	F(w_low_answer, CFG_INT, 0, 100),
	F(short_call_ms, CFG_I64, 0, 3.6e6),
	F(long_call_ms, CFG_I64, 0, 3.6e6),
	F(short_ratio, CFG_DBL, 0, 1),
	F(w_short, CFG_INT, 0, 100),
	F(seq_run, CFG_INT, 2, 255),
	F(w_sequential, CFG_INT, 0, 100),
	F(w_attest_c, CFG_INT, 0, 100),
	F(report_min_reporters, CFG_INT, 1, 100000),
	F(w_reported, CFG_INT, 0, 100),
	F(w_reported_corroborated, CFG_INT, 0, 100),
	F(w_registry_trunk, CFG_INT, 0, 100),
	F(w_registry_cap, CFG_INT, 0, 100),
	F(simbox_min_ends, CFG_INT, 1, 255),
	F(simbox_max_60m, CFG_INT, 1, 1000000),
	F(simbox_oneway_calls, CFG_INT, 0, 64),
	F(simbox_fresh_oneway_calls, CFG_INT, 0, 64),
	F(simbox_bad_ratio, CFG_DBL, 0, 1),
	F(simbox_trunk_bad_ratio, CFG_DBL, 0, 1),
	F(simbox_min_suspects, CFG_INT, 1, 100000),
	F(simbox_share, CFG_DBL, 0, 1),
	F(simbox_fresh_share, CFG_DBL, 0, 1),
	F(simbox_newcomer_ms, CFG_I64, 0, 3.2e10),
	F(simbox_settle_ms, CFG_I64, 0, 3.2e10),
	F(simbox_warm_share, CFG_DBL, 0, 1),
	F(simbox_cell_min_ends, CFG_INT, 1, 1000000),
	F(simbox_cell_bad_ratio, CFG_DBL, 0, 1),
	F(w_simbox, CFG_INT, 0, 100),
	F(emergency_extra, CFG_STR, 0, 0),
	F(roaming_trunks, CFG_STR, 0, 0),
};
#undef F
#define NFIELDS (sizeof fields / sizeof fields[0])

void screen_config_defaults(struct screen_config *c)
{
	*c = (struct screen_config){
		.shards = 1, .max_callers = 2000000, .max_watched = 1000000,
		.pending_calls = 1u << 21, .incoming_log2 = 24,
		.agg_merge_ms = 10000, .lateness_ms = 300000, .call_ttl_ms = 4 * 3600000LL,
		.idle_evict_ms = 24 * 3600000LL, .block_ms = 24 * 3600000LL,
		.lift_grace_ms = 7 * 24 * 3600000LL, .report_window_ms = 30 * 24 * 3600000LL,
		.warn_score = 40, .block_score = 80, .behaviour_cap = 70,
		.vol_1m = 10, .vol_10m = 30, .vol_60m = 80, .w_volume = 30,
		.fanout_min_attempts = 20, .fanout_ratio = 0.8, .w_fanout = 15,
		.outcome_min_ends = 10, .low_answer_ratio = 0.35, .w_low_answer = 25,
		.short_call_ms = 15000, .long_call_ms = 60000, .short_ratio = 0.6, .w_short = 10,
		.seq_run = 5, .w_sequential = 20, .w_attest_c = 10,
		.report_min_reporters = 3, .w_reported = 20, .w_reported_corroborated = 15,
		.w_registry_trunk = 40, .w_registry_cap = 50,
		.simbox_min_ends = 2, .simbox_max_60m = 20, .simbox_oneway_calls = 5,
		.simbox_fresh_oneway_calls = 3, .simbox_bad_ratio = 0.66,
		.simbox_trunk_bad_ratio = 0.75, .simbox_min_suspects = 8,
		.simbox_share = 0.15, .simbox_fresh_share = 0.5,
		.simbox_newcomer_ms = 3600000, .simbox_settle_ms = 900000, .simbox_warm_share = 0.25,
		.simbox_cell_min_ends = 30,
		.simbox_cell_bad_ratio = 0.65, .w_simbox = 90,
	};
}

static const struct cfg_field *find_field(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

static int set_number(const struct cfg_field *f, void *p, const char *value, const char **reason)
{
	char *end;
	errno = 0;
	double d = strtod(value, &end);
	if (errno || end == value || *end != '\0') {
		*reason = "not a number";
		return OMB_EINVAL;
	}
	if (d < f->min || d > f->max) {
		*reason = "out of range";
		return OMB_EINVAL;
	}
	bool integral = d == (double)(int64_t)d;
	if (f->type != CFG_DBL && !integral) {
		*reason = "not an integer";
		return OMB_EINVAL;
	}
	switch (f->type) {
	case CFG_UINT: *(unsigned *)p = (unsigned)d; break;
	case CFG_INT:  *(int *)p = (int)d; break;
	case CFG_I64:  *(int64_t *)p = (int64_t)d; break;
	case CFG_U64:  *(uint64_t *)p = (uint64_t)d; break;
	case CFG_DBL:  *(double *)p = d; break;
	case CFG_STR:  break;
	}
	return 0;
}

int screen_config_set(struct screen_config *cfg, const char *name, const char *value, const char **reason)
{
	const char *dummy;
	if (!reason)
		reason = &dummy;
	const struct cfg_field *f = find_field(name);
	if (!f) {
		*reason = "unknown setting";
		return OMB_ENOTFOUND;
	}
	void *p = (char *)cfg + f->offset;
	if (f->type != CFG_STR)
		return set_number(f, p, value, reason);
	size_t cap = strcmp(name, "emergency_extra") == 0 ? sizeof cfg->emergency_extra
							   : sizeof cfg->roaming_trunks;
	if (strlen(value) >= cap) {
		*reason = "too long";
		return OMB_EINVAL;
	}
	memcpy(p, value, strlen(value) + 1);
	return 0;
}

int screen_config_validate(const struct screen_config *c, const char **reason)
{
	const char *dummy;
	if (!reason)
		reason = &dummy;
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct cfg_field *f = &fields[i];
		const void *p = (const char *)c + f->offset;
		double d = 0;
		switch (f->type) {
		case CFG_UINT: d = *(const unsigned *)p; break;
		case CFG_INT:  d = *(const int *)p; break;
		case CFG_I64:  d = (double)*(const int64_t *)p; break;
		case CFG_U64:  d = (double)*(const uint64_t *)p; break;
		case CFG_DBL:  d = *(const double *)p; break;
		case CFG_STR:  continue;
		}
		if (!(d >= f->min && d <= f->max)) {
			*reason = f->name;
			return OMB_EINVAL;
		}
	}
	if (c->warn_score >= c->block_score) {
		*reason = "warn_score must be below block_score";
		return OMB_EINVAL;
	}
	if (c->behaviour_cap >= c->block_score) {
		*reason = "behaviour_cap must be below block_score: behaviour alone only warns";
		return OMB_EINVAL;
	}
	if (c->short_call_ms > c->long_call_ms) {
		*reason = "short_call_ms must not exceed long_call_ms";
		return OMB_EINVAL;
	}
	if (c->simbox_fresh_share < c->simbox_share) {
		*reason = "simbox_fresh_share must be at least simbox_share";
		return OMB_EINVAL;
	}
	if (!memchr(c->emergency_extra, 0, sizeof c->emergency_extra) ||
	    !memchr(c->roaming_trunks, 0, sizeof c->roaming_trunks)) {
		*reason = "unterminated list";
		return OMB_EINVAL;
	}
	return 0;
}

void screen_config_write(const struct screen_config *c, FILE *out)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct cfg_field *f = &fields[i];
		const void *p = (const char *)c + f->offset;
		switch (f->type) {
		case CFG_UINT: fprintf(out, "%s = %u\n", f->name, *(const unsigned *)p); break;
		case CFG_INT:  fprintf(out, "%s = %d\n", f->name, *(const int *)p); break;
		case CFG_I64:  fprintf(out, "%s = %" PRId64 "\n", f->name, *(const int64_t *)p); break;
		case CFG_U64:  fprintf(out, "%s = %" PRIu64 "\n", f->name, *(const uint64_t *)p); break;
		case CFG_DBL:  fprintf(out, "%s = %.15g\n", f->name, *(const double *)p); break;
		case CFG_STR:  fprintf(out, "%s = %s\n", f->name, (const char *)p); break;
		}
	}
}

#define CONFIG_LINE_MAX 1024

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Applies one line (without its newline); 0 for a blank line or a comment. */
static int read_line(struct screen_config *cfg, char *line, const char **reason)
{
	char *s = trim(line);
	if (!*s || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq) {
		*reason = "expected name = value";
		return OMB_EINVAL;
	}
	*eq = '\0';
	return screen_config_set(cfg, trim(s), trim(eq + 1), reason);
}

enum line_kind { LINE_TEXT, LINE_TOO_LONG, LINE_NUL, LINE_NONE };

/* Reads the next line into buf without its newline. A line longer than
 * CONFIG_LINE_MAX is read to its end but not kept, so that no file makes
 * the reader hold more than one short line. */
static enum line_kind next_line(FILE *in, char buf[CONFIG_LINE_MAX + 1])
{
	size_t n = 0;
	bool nul = false;
	int c = getc(in);
	if (c == EOF)
		return LINE_NONE;
	for (; c != EOF && c != '\n'; c = getc(in), n++) {
		nul |= c == '\0';
		if (n < CONFIG_LINE_MAX)
			buf[n] = (char)c;
	}
	buf[n < CONFIG_LINE_MAX ? n : CONFIG_LINE_MAX] = '\0';
	return n > CONFIG_LINE_MAX ? LINE_TOO_LONG : nul ? LINE_NUL : LINE_TEXT;
}

int screen_config_read(struct screen_config *cfg, FILE *in, screen_config_bad_fn *bad, void *ctx)
{
	char line[CONFIG_LINE_MAX + 1];
	enum line_kind kind;
	int nbad = 0;
	for (unsigned n = 1; (kind = next_line(in, line)) != LINE_NONE; n++) {
		const char *why = kind == LINE_TOO_LONG ? "line too long" : "NUL byte in the line";
		int rc = OMB_EINVAL;
		if (kind == LINE_TEXT) {
			why = NULL;
			rc = read_line(cfg, line, &why);
		}
		if (rc) {
			nbad++;
			if (bad)
				bad(ctx, n, rc, why);
		}
	}
	return nbad;
}
