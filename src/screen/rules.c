/* rules.c — weighing signals into a verdict. Why each rule exists and how
 * its weight was chosen: docs/screening.md. The names of verdicts and
 * reasons, as they appear in files and answers, are here too. */
#include "screen/rules.h"

#include <string.h>

#define BIT(r) (1u << (r))

static bool over_volume(const struct screen_config *cfg, const struct rules_signals *s)
{
	return s->rate_1m >= cfg->vol_1m || s->rate_10m >= cfg->vol_10m || s->rate_60m >= cfg->vol_60m;
}

/* Unanswered calls end first (the ring times out) while answered ones are
 * still being talked through, so early in a burst the ends in hand are
 * mostly failures: the answer share is judged only once at least half of
 * the calls in view have ended (ends saturate near 255: half of 128 then). */
static bool low_answer(const struct screen_config *cfg, const struct rules_signals *s)
{
	uint32_t in_view = s->attempts_span < 128 ? s->attempts_span : 128;
	return s->ends >= (uint32_t)cfg->outcome_min_ends && 2 * s->ends >= in_view &&
	       s->answered < cfg->low_answer_ratio * s->ends;
}

int rules_behaviour(const struct screen_config *cfg, const struct rules_signals *s, uint32_t *reasons)
{
	int score = 0;
	if (over_volume(cfg, s)) {
		score += cfg->w_volume;
		*reasons |= BIT(SR_VOLUME);
	}
	if (s->attempts_span >= (uint32_t)cfg->fanout_min_attempts &&
	    s->distinct_callees >= cfg->fanout_ratio * s->attempts_span) {
		score += cfg->w_fanout;
		*reasons |= BIT(SR_FANOUT);
	}
	if (low_answer(cfg, s)) {
		score += cfg->w_low_answer;
		*reasons |= BIT(SR_LOW_ANSWER);
	}
	uint32_t min_answered = (uint32_t)(cfg->outcome_min_ends + 1) / 2;
	if (s->answered >= min_answered && s->short_calls >= cfg->short_ratio * s->answered) {
		score += cfg->w_short;
		*reasons |= BIT(SR_SHORT_CALLS);
	}
	if (s->seq_run >= (uint32_t)cfg->seq_run) {
		score += cfg->w_sequential;
		*reasons |= BIT(SR_SEQUENTIAL);
	}
	if (s->attest_c_domestic) {
		score += cfg->w_attest_c;
		*reasons |= BIT(SR_ATTEST_C);
	}
	if (s->registry_wrong_trunk) {
		score += cfg->w_registry_trunk;
		*reasons |= BIT(SR_REGISTRY_TRUNK);
	}
	return score;
}

/* Rules that decide on their own, whatever the behaviour. */
static bool hard_rules(const struct rules_signals *s, uint32_t *reasons)
{
	uint32_t r = 0;
	if (s->operator_block)
		r |= BIT(SR_OPERATOR_BLOCK);
	if (s->block_running)
		r |= BIT(SR_BLOCKED);
	if (s->confirmed_fraud)
		r |= BIT(SR_CONFIRMED_FRAUD);
	if (s->spoofed_domestic)
		r |= BIT(SR_SPOOFED_DOMESTIC);
	if (s->spoofed_institution)
		r |= BIT(SR_SPOOFED_INSTITUTION);
	*reasons |= r;
	return r != 0;
}

static int simbox_score(const struct screen_config *cfg, const struct rules_signals *s, uint32_t *reasons)
{
	int score = 0;
	/* a box sits in one cell: there a new line may be stopped before it
	 * has shown much of its own (how soon depends on the cell's level) */
	if (s->cell_level != RULES_SIMBOX_NONE && (s->simbox_suspect || s->simbox_fresh)) {
		score = cfg->w_simbox;
		*reasons |= BIT(SR_SIMBOX_CELL);
	}
	/* a trunk gathers many cells, and with them the ordinary lines that
	 * happen to look like SIMs: it speaks only for a call that does not
	 * name its cell (where one does, the cell is the finer judge), and
	 * stops only a line that is a suspect by its stricter measure */
	if (s->trunk_level != RULES_SIMBOX_NONE && s->simbox_trunk_suspect && !s->cell_named) {
		score = cfg->w_simbox;
		*reasons |= BIT(SR_SIMBOX_TRUNK);
	}
	return score;
}

static void set_verdict(const struct screen_config *cfg, int score, struct screen_verdict *out)
{
	if (score > 100)
		score = 100;
	out->score = score;
	out->verdict = score >= cfg->block_score ? SCREEN_BLOCK
		     : score >= cfg->warn_score  ? SCREEN_WARN : SCREEN_ALLOW;
}

enum rules_persist rules_score(const struct screen_config *cfg, const struct rules_signals *s,
			       struct screen_verdict *out)
{
	out->reasons = 0;
	out->repeated = 0;
	if (s->allowlisted) {
		out->reasons = BIT(SR_ALLOWLISTED);
		set_verdict(cfg, 0, out);
		return RULES_PERSIST_NONE;
	}
	if (hard_rules(s, &out->reasons)) {
		set_verdict(cfg, 100, out);
		return s->confirmed_fraud || s->block_running || s->operator_block ? RULES_PERSIST : RULES_PERSIST_NONE;
	}
	if (s->registered) {
		out->reasons |= BIT(SR_REGISTERED);
		int score = 0;
		if (s->registry_cap_exceeded) {
			score = cfg->w_registry_cap;
			out->reasons |= BIT(SR_REGISTRY_CAP);
		}
		set_verdict(cfg, score < cfg->block_score ? score : cfg->block_score - 1, out);
		return RULES_PERSIST_NONE;
	}
	if (s->untracked)
		out->reasons |= BIT(SR_UNTRACKED);

	int behaviour = rules_behaviour(cfg, s, &out->reasons);
	if (behaviour > cfg->behaviour_cap)
		behaviour = cfg->behaviour_cap;
	int reports = 0;
	bool corroborated = false;
	if (s->reporters >= cfg->report_min_reporters) {
		reports = cfg->w_reported;
		out->reasons |= BIT(SR_REPORTED);
		/* reports meet fraud-like behaviour: volume alone is what a busy
		 * courier shows, so it needs unanswered calls too */
		if (behaviour >= cfg->warn_score && low_answer(cfg, s)) {
			reports += cfg->w_reported_corroborated;
			corroborated = true;
		}
	}
	int simbox = simbox_score(cfg, s, &out->reasons);
	int score = behaviour + reports;
	if (!corroborated && score >= cfg->block_score)
		score = cfg->block_score - 1; /* reports block only with unanswered calls behind them */
	if (simbox > score)
		score = simbox;
	set_verdict(cfg, score, out);
	if (out->verdict == SCREEN_BLOCK && s->lift_grace) {
		out->verdict = SCREEN_WARN;
		out->reasons |= BIT(SR_LIFT_GRACE);
		return RULES_PERSIST_NONE;
	}
	/* a SIM-box block lasts only when the line's own calls fit the box, its
	 * cell holds one and it has stayed there, calling from nowhere else,
	 * long enough for a handset on the move to have left: a trunk-wide
	 * pattern, or a handset passing through, stops the call, not the number */
	bool simbox_own = simbox >= cfg->block_score && s->simbox_suspect && s->settled &&
			  (out->reasons & BIT(SR_SIMBOX_CELL));
	if (out->verdict != SCREEN_BLOCK)
		return RULES_PERSIST_NONE;
	return corroborated ? RULES_PERSIST : simbox_own ? RULES_PERSIST_SIMBOX : RULES_PERSIST_NONE;
}

bool rules_simbox_only(uint32_t reasons)
{
	return (reasons & BIT(SR_SIMBOX_CELL)) && !(reasons & BIT(SR_REPORTED));
}

/* ---- names ---- */

const char *screen_verdict_name(enum screen_verdict_kind v)
{
	switch (v) {
	case SCREEN_ALLOW: return "allow";
	case SCREEN_WARN:  return "warn";
	case SCREEN_BLOCK: return "block";
	}
	return "allow";
}

static const char *const reason_names[SR_COUNT] = {
	[SR_EMERGENCY] = "emergency",
	[SR_ALLOWLISTED] = "allowlisted",
	[SR_REGISTERED] = "registered",
	[SR_WITHHELD] = "withheld",
	[SR_OPERATOR_BLOCK] = "operator_block",
	[SR_BLOCKED] = "blocked",
	[SR_CONFIRMED_FRAUD] = "confirmed_fraud",
	[SR_SPOOFED_DOMESTIC] = "spoofed_domestic_cli",
	[SR_SPOOFED_INSTITUTION] = "spoofed_institution",
	[SR_REGISTRY_TRUNK] = "registry_wrong_trunk",
	[SR_REGISTRY_CAP] = "registry_cap_exceeded",
	[SR_REPORTED] = "reported",
	[SR_VOLUME] = "volume_unregistered",
	[SR_FANOUT] = "fanout",
	[SR_LOW_ANSWER] = "low_answer",
	[SR_SHORT_CALLS] = "short_calls",
	[SR_SEQUENTIAL] = "sequential_dialling",
	[SR_SIMBOX_CELL] = "simbox_cell",
	[SR_SIMBOX_TRUNK] = "simbox_trunk",
	[SR_ATTEST_C] = "attestation_c",
	[SR_UNTRACKED] = "untracked",
	[SR_LIFT_GRACE] = "lift_grace",
};

const char *screen_reason_name(enum screen_reason r)
{
	return (unsigned)r < SR_COUNT ? reason_names[r] : "unknown";
}

int screen_reasons_format(uint32_t reasons, char *buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (int r = 0; r < SR_COUNT; r++) {
		if (!(reasons & BIT(r)))
			continue;
		const char *name = reason_names[r];
		size_t n = strlen(name) + (len ? 1 : 0);
		if (len + n < size) {
			if (len)
				buf[len] = ';';
			memcpy(buf + len + (len ? 1 : 0), name, strlen(name) + 1);
		}
		len += n;
	}
	return (int)len;
}
